"""The ruleset builder's tools, shared by build.py and the sections built beside it (records.py).

A Builder collects every problem instead of stopping at the first; a Scope holds the names one
expression context can see. Fields, thresholds and table names are built the same way wherever
a table is declared (the unit table, findings, records), so they live here, below build.py.
"""
from __future__ import annotations

import ast
import keyword
import unicodedata
from decimal import Decimal
from typing import Any, Callable, Iterable

from ..errors import Problem
from .confine import name_problem
from .datefunctions import NEW_NAMES as DATE_NAMES, date_mistakes
from .expressions import BASE_FUNCTIONS, BY_NAME, Expression, ExpressionError, compile_expression, percent_mistakes
from .kinds import FIELD_KINDS, WORDS, kind_mistakes
from .fieldtypes import DEFAULT_NO, DEFAULT_YES, as_conditions, choice_mistakes, token_key
from .formatting import Format
from .model import RANK_NAMES, FieldSpec, Where
from .yamlfile import YamlDoc, dotted

# The date-part functions came after rulesets that name a field ``day`` or ``month``: those names stay free.
RESERVED = (frozenset(keyword.kwlist) | (frozenset(BASE_FUNCTIONS) - DATE_NAMES) | {"unit", "group", "band", "vetoed", "all"}
            | RANK_NAMES)
DEFAULT_FORMATS = {"integer": "integer", "number": "number:2", "percent": "percent:2", "text": "text", "date": "date",
                   "yesno": "yesno", "enum": "text"}


class Scope:
    """Names one expression context can see; each name remembers where it was defined."""

    def __init__(self, parent: "Scope | None" = None) -> None:
        self.owner: dict[str, tuple[Any, ...]] = dict(parent.owner) if parent else {}
        self.percent: set[str] = set(parent.percent) if parent else set()  # names holding rates (0–1 inside)
        self.dates: set[str] = set(parent.dates) if parent else set()  # names holding dates (fields, facts, metrics)
        self.kinds: dict[str, FieldSpec] = dict(parent.kinds) if parent else {}  # yes/no and enumeration fields
        self.values: dict[str, tuple[str, str]] = dict(parent.values) if parent else {}  # kind of value: rules/kinds.py

    @property
    def nullable(self) -> set[str]:
        """Yes/no fields that may hold no value: read as conditions by rules/fieldtypes.as_conditions."""
        return {name for name, spec in self.kinds.items() if spec.nullable_yesno}

    def names(self) -> set[str]:
        return set(self.owner)


class Builder:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.figure_ids: dict[str, tuple[Any, ...]] = {}
        self.percent_figures: set[str] = set()  # percent-formatted summary figures, for the cross-part summary
        self.saved: set[str] = set()  # numeric fields, per-unit aggregates, metrics: what a verdict keeps per unit

    def where(self, path: tuple[Any, ...]) -> Where:
        file, line, col = self.doc.locate(path)
        return Where(file, line, col, dotted(path))

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(self.doc.problem(path, message))

    def claim(self, scope: Scope, name: str, path: tuple[Any, ...]) -> None:
        """Names share one namespace per table because expressions see them all alike."""
        if name in RESERVED:
            self.fail(path, f"名称“{name}”是保留字或函数名，请换一个名称。")
        elif name in scope.owner:
            first = ".".join(map(str, scope.owner[name]))
            self.fail(path, f"名称“{name}”重复：{first} 已经用过。字段、指标、事实、标记、分档和汇总的名称不能重复。")
        else:
            scope.owner[name] = path

    def expr(self, raw: Any, path: tuple[Any, ...], known: Iterable[str],
             check: Callable[[Expression, tuple[Any, ...]], None] | None = None,
             percent: set[str] | None = None, dates: set[str] | None = None, scope: Scope | None = None,
             condition: bool | None = False) -> Expression | None:
        """Compile one expression; ``scope`` gives the yes/no and enumeration fields it is checked
        against, ``condition`` says the whole expression is a yes/no answer (a flag's ``when``);
        None: a records row expression, which SQL evaluates with its own NULL logic (no rewriting)."""
        try:
            compiled = compile_expression(raw, set(known))
        except ExpressionError as exc:
            self.fail(path, str(exc))
            return None
        for message in percent_mistakes(compiled, percent or set()) + date_mistakes(compiled.node, dates or set()):
            self.fail(path, message)
        for message in year_to_date_mistakes(compiled.node, self.saved):
            self.fail(path, message)
        for message in kind_mistakes(compiled.text, compiled.node, scope.values if scope is not None else {}):
            self.fail(path, message)
        if scope is not None and scope.kinds:
            for message in choice_mistakes(compiled, scope.kinds):
                self.fail(path, message)
            if condition is not None:
                compiled = as_conditions(compiled, scope.nullable, condition)
        if check:
            check(compiled, path)
        elif any(fn == "in_band" for fn, _ in compiled.calls):  # bands are assigned after metrics and vetoes
            self.fail(path, "in_band 只能用在标记（flags）、通报和汇总（summary）中：分档要在指标算完之后才确定。")
        return compiled


def year_to_date_mistakes(node: ast.expr, saved: set[str]) -> list[str]:
    """year_to_date(x) reads x in earlier verdicts: x must be written as a name the verdict keeps a number for."""
    out = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in BY_NAME and call.args:
            arg = call.args[0]
            if not isinstance(arg, ast.Name) or arg.id not in saved:
                out.append(f"{call.func.id} 的参数应是一个数值字段、汇总数或指标的名称（以往各期的判定结果里逐个单位保存的数），"
                           f"这里是“{ast.unparse(arg)[:40]}”。例如 year_to_date(counted)。")
    return out


def threshold(raw: Any) -> float | None:
    """ "90%" → 0.9; numbers stay as written; a fact's name gives None here."""
    if raw is None:
        return None
    if isinstance(raw, str):
        if not raw.strip().endswith("%"):
            return None
        return float(Decimal(raw.strip().rstrip("%")) / 100)
    return float(raw)


def field_spec(b: Builder, name: str, spec: dict[str, Any], path: tuple[Any, ...]) -> FieldSpec:
    kind = spec["type"]
    if kind in ("text", "date", "yesno", "enum") and ("min" in spec or "max" in spec):
        b.fail(path, f"{kind} 类型的字段不能设 min/max。")
    for key in ("min", "max"):
        if key in spec and threshold(spec[key]) is None:
            b.fail(path + (key,), f"{key} 应为数字或百分数（如 \"100%\"），这里是 {spec[key]!r}。")
    total = spec.get("total", "sum" if kind in ("integer", "number") else "none")
    # An empty text cell (备注) is ordinary; for other types a blank must be declared.
    blank = spec.get("blank", "zero" if kind == "text" else "error")
    # Cells are read NFKC-normalised (full-width －／ become -/), so the tokens must be too.
    not_applicable = tuple(unicodedata.normalize("NFKC", s).strip() for s in spec.get("not_applicable", ()))
    yes, no, values = _choices(b, kind, spec, path, not_applicable)
    _group_keys(b, kind, spec, path)
    return FieldSpec(
        name=name, column=spec["column"], type=kind, label=spec.get("label", spec["column"]),
        blank=blank, not_applicable=not_applicable,
        min=threshold(spec.get("min")), max=threshold(spec.get("max")),
        format=Format.parse(spec.get("format", DEFAULT_FORMATS[kind])), total=total, where=b.where(path),
        yes=yes, no=no, values=values, groups=tuple(spec.get("groups", ())), absent=spec.get("absent", "not_applicable"),
    )


def _group_keys(b: Builder, kind: str, spec: dict[str, Any], path: tuple[Any, ...]) -> None:
    """``absent`` says what a group-only field is for the other groups: it needs ``groups``, and 0 needs a number."""
    if "absent" in spec and "groups" not in spec:
        b.fail(path + ("absent",), "absent 说明其他组的单位这一列按什么计，只对写了 groups 的字段有用。请删去 absent，或写上 groups。")
    elif spec.get("absent") == "zero" and kind in ("text", "date", "enum"):
        b.fail(path + ("absent",), f"{kind} 类型的字段不能按 0 计（absent: zero）。请删去 absent（其他组的单位为“不适用”）。")


def _choices(b: Builder, kind: str, spec: dict[str, Any], path: tuple[Any, ...],
             not_applicable: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A yes/no field's tokens (its own, or the defaults) and an enumeration's values, each told apart."""
    keys = ("yes_tokens", "no_tokens") if kind == "yesno" else ("values",) if kind == "enum" else ()
    for key in ("yes_tokens", "no_tokens", "values"):
        if key in spec and key not in keys:
            b.fail(path + (key,), f"{key} 只能用于 {'enum' if key == 'values' else 'yesno'} 类型的字段，这个字段是 {kind}。")
    if kind == "enum" and spec.get("blank") == "zero":
        b.fail(path + ("blank",), "枚举字段的空格子不能按 0 计（blank: zero）。请写 blank: error（默认）或 blank: missing。")
    if kind == "yesno" and ("yes_tokens" in spec) != ("no_tokens" in spec):
        b.fail(path, "yes_tokens 和 no_tokens 要一起写（写了就替换默认的写法）。")
    groups = {"yes_tokens": tuple(spec.get("yes_tokens", DEFAULT_YES)), "no_tokens": tuple(spec.get("no_tokens", DEFAULT_NO)),
              "values": tuple(spec.get("values", ()))} if keys else {}
    seen = {token_key(t): "not_applicable" for t in not_applicable}
    for key in keys:
        for i, token in enumerate(groups[key]):
            k = token_key(token)
            if k in seen and key not in spec:  # a default token the administrator used for 不适用
                b.fail(path + ("not_applicable",), f"“{token}”默认表示{'是' if key == 'yes_tokens' else '否'}，不能再表示不适用。"
                                                    "请用 yes_tokens、no_tokens 列出这一列自己的写法，或从 not_applicable 中删去它。")
            elif k in seen:
                b.fail(path + (key, i), f"“{token}”与 {seen[k]} 中的写法相同（不分全角半角、大小写）。每种写法只能有一个含义。")
            seen[k] = key
    if not keys:
        return (), (), ()
    return (groups["yes_tokens"], groups["no_tokens"], ()) if kind == "yesno" else ((), (), groups["values"])


def fields(b: Builder, raw: dict[str, Any], at: tuple[Any, ...], scope: Scope, units: bool = False) -> tuple[FieldSpec, ...]:
    """A table's fields; only the unit table's (``units``) may name the groups whose files carry them."""
    out = []
    columns: dict[str, str] = {}
    for name, spec in raw.items():
        path = at + (name,)
        b.claim(scope, name, path)
        for key in ("groups", "absent"):
            if key in spec and not units:
                b.fail(path + (key,), f"{key} 只能写在单位表（units.fields）的字段上：明细表的每一行都读同一组列。请删去 {key}。")
        if spec["column"] in columns:
            b.fail(path + ("column",), f"列“{spec['column']}”已由字段 {columns[spec['column']]} 读取。一列只读一次。")
        columns[spec["column"]] = name
        out.append(field_spec(b, name, spec, path))
        kind = FIELD_KINDS[out[-1].type]
        scope.values[name] = (kind, f"{WORDS[kind]}字段 {name}（{out[-1].label}）")
        if out[-1].type == "percent":
            scope.percent.add(name)
        elif out[-1].type == "date":
            scope.dates.add(name)
        if out[-1].type in ("integer", "number", "percent"):  # a number the verdict keeps per unit
            b.saved.add(name)
        if out[-1].type in ("yesno", "enum"):
            scope.kinds[name] = out[-1]
    return tuple(out)


def table_name(b: Builder, name: str, path: tuple[Any, ...]) -> None:
    """Table files lie inside the data folder (rules/confine.py): refused at load, before any read."""
    problem = name_problem(name, "数据文件")
    if problem:
        b.fail(path, problem)
