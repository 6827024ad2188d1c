"""The circular's template language: Jinja2, sandboxed, with the conventions circulars write.

Administrators write these templates in the ruleset, so the language is closed
three ways beyond Jinja2's own sandbox: a dot or a subscript reads only items of
the verdict's dicts and lists (never an attribute of a Python object, so no
``__class__`` walk and no string methods); only the functions listed here can be
called; and a document's output is capped (``MAX_OUTPUT`` characters), so a
runaway loop ends with a message instead of filling the disk. Nothing reads
files: there is no loader, so ``include``/``import``/``extends`` fail.
"""
from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping, Sequence
from typing import Any, Callable

MAX_OUTPUT = 2_000_000  # characters for a whole circular (a 117-unit circular is ~10 000)
_DIGITS = "零一二三四五六七八九"
_LOOP = frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length"})  # loop.* a template may read


class Shown(dict):  # type: ignore[type-arg]
    """A verdict item that prints as people read it: a figure as its display, a list as names."""

    def __init__(self, data: Mapping[str, Any], text: str) -> None:
        super().__init__(data)
        self._text = text

    def __str__(self) -> str:
        return self._text


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (headings go no further than 99)."""
    n = int(n)
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _names(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        value = value.get("units", [])
    if isinstance(value, str):
        return [value]
    out = []
    for item in value or []:
        out.append(str(item.get("name", "")) if isinstance(item, Mapping) else str(item))
    return out


def join_names(value: Any, sep: str = "、") -> str:
    """Names joined with 、 (a members list, a list of names, or of units)."""
    return sep.join(_names(value))


def quoted(value: Any) -> str:
    """Names each in quotation marks, as circulars cite websites and accounts: “健康兴国”“瑞金交警”."""
    return "".join(f"“{name}”" for name in _names(value))


def etc(value: Any, first: int = 3, noun: str = "个单位") -> str:
    """The "区财政局、区金融工作局等23个部门" form: the first names, then 等 and the count."""
    names = _names(value)
    count = value.get("count", len(names)) if isinstance(value, Mapping) else len(names)
    return f"{'、'.join(names[:int(first)])}等{count}{noun}"


def count(value: Any) -> int:
    if isinstance(value, Mapping) and "count" in value:
        return int(value["count"])
    return len(_names(value))


def _value(value: Any) -> Any:
    return value.get("value") if isinstance(value, Mapping) else value


def number(value: Any, decimals: int = 0) -> str:
    """A number rounded half up, as offices round by hand."""
    from ..rules.formatting import MISSING, round_half_up

    value = _value(value)
    if value is None or isinstance(value, str):
        return MISSING if value is None else value
    return str(round_half_up(float(value), int(decimals)))


def percent(value: Any, decimals: int = 2, trim: bool = False) -> str:
    """0.9919 → 99.19%; ``trim`` drops trailing zeros (1.0 → 100%, as "合格率100%")."""
    from ..rules.formatting import MISSING, round_half_up

    value = _value(value)
    if value is None or isinstance(value, str):
        return MISSING if value is None else value
    text = str(round_half_up(float(value), int(decimals), "100"))
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def wan(value: Any, decimals: int = 2) -> str:
    """6064657 → 606.47万."""
    from ..rules.formatting import MISSING, round_half_up

    value = _value(value)
    if value is None:
        return MISSING
    return f"{round_half_up(float(value), int(decimals), '0.0001')}万"


_DATE = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*$")


def chinese_date(value: Any, year: bool = True) -> str:
    """2022-05-13 (or 2022/5/13) → 2022年5月13日 (``year=false``: 5月13日); other text is returned as given."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        y, mo, d = value.year, value.month, value.day
    else:
        m = _DATE.match(str(value or ""))
        if not m:
            return "" if value is None else str(value)
        y, mo, d = (int(x) for x in m.groups())
    return f"{y}年{mo}月{d}日" if year else f"{mo}月{d}日"


def split(value: Any, sep: str = "/") -> list[str]:
    """Text cut at ``sep``: "2022-05-01/2022-05-10" | split → the period's first and last day."""
    return [part.strip() for part in str(value or "").split(sep)]


FILTERS: dict[str, Callable[..., Any]] = {
    "names": join_names, "quoted": quoted, "etc": etc, "count": count, "num": number, "pct": percent,
    "wan": wan, "date": chinese_date, "cn": chinese_number, "split": split,
}


def make_environment() -> Any:
    """A Jinja2 environment that reads verdict items and nothing else."""
    from jinja2 import StrictUndefined
    from jinja2.runtime import LoopContext
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment, safe_range

    allowed = {id(f) for f in FILTERS.values()} | {id(safe_range)}

    class CircularEnvironment(SandboxedEnvironment):
        def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
            return False

        def getattr(self, obj: Any, attribute: str) -> Any:
            if isinstance(obj, Mapping) and attribute in obj:
                return obj[attribute]
            if isinstance(obj, LoopContext) and attribute in _LOOP:
                return getattr(obj, attribute)
            return self.undefined(obj=obj, name=attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            if isinstance(obj, Mapping) and argument in obj:
                return obj[argument]
            if isinstance(obj, Sequence) and not isinstance(obj, str) and isinstance(argument, (int, slice)):
                try:
                    return obj[argument]
                except IndexError:
                    pass
            return self.undefined(obj=obj, name=argument)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            if id(__obj) not in allowed:
                raise SecurityError("只能调用 tongbao 提供的函数（names、quoted、etc、count、num、pct、wan、date、cn、split、range）")
            return __context.call(__obj, *args, **kwargs)

    env = CircularEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False,
                              trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    env.globals.clear()
    env.globals.update(FILTERS, range=safe_range)  # range stops at 100 000 items
    return env


class Budget:
    """Counts the characters rendered for one document and stops at ``MAX_OUTPUT``."""

    def __init__(self, limit: int = MAX_OUTPUT) -> None:
        self.left = limit

    def render(self, template: Any, context: Mapping[str, Any]) -> str:
        out = []
        for chunk in template.generate(context):
            self.left -= len(chunk)
            if self.left < 0:
                raise OverflowError(f"通报正文超过 {MAX_OUTPUT} 个字符，模板中可能有失控的循环")
            out.append(chunk)
        return "".join(out)
