"""Message templates: "{unit}活跃率{activity:.1%}[，排名第{rank}名]" parsed once into pieces.

A template is literal text, ``{name}`` or ``{name:spec}`` placeholders, and optional clauses in
square brackets that vanish (with their punctuation) when a placeholder inside them has no value.
str.format is not used: it would let a ruleset reach attributes of the values, and it rounds
half to even where offices round half up. Literal braces and brackets are written full-width
(｛｝［］), as official text writes them anyway.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Union

from ..frozen import frozen
from .formatting import Format

_TOKEN = re.compile(r"\{[^{}\[\]]*\}|\[|\]|\{|\}")


@frozen
class Spec:
    """A format specification after the colon: ``.0%``, ``.1f``, ``d``, ``,d``, ``.2万``, ``年月日``."""

    text: str
    kind: str  # d | f | % | 万 | 年月日 | 月日
    decimals: int = 0
    grouping: bool = False  # thousands separated by commas: 12,345

    def format(self) -> Format:
        """The display format a number takes under this spec (万 scales separately)."""
        if self.kind == "%":
            return Format("percent", self.decimals)
        if self.kind == "d":
            return Format("integer")
        return Format("number", self.decimals)


_SPEC = re.compile(r"^(,)?(?:\.(\d))?(d|f|%|万)$")
SPEC_HELP = ("可用的格式：:d（整数）、:,d（整数加千分位）、:.1f（1 位小数）、:.0%（百分数，0 位小数）、"
             ":.2万（以万为单位，2 位小数）、:年月日（日期写作 2022年5月13日）、:月日（5月13日）。小数位数为 0～6。")


def parse_spec(text: str) -> Spec:
    """A spec as written after the colon; ValueError with the accepted forms when it is not one."""
    if text in ("年月日", "月日"):
        return Spec(text, text)
    m = _SPEC.match(text)
    if not m or int(m.group(2) or 0) > 6:
        raise ValueError(f"格式“:{text}”无法识别。{SPEC_HELP}")
    grouping, digits, kind = bool(m.group(1)), m.group(2), m.group(3)
    if kind == "d" and digits is not None:
        raise ValueError(f"格式“:{text}”：整数（d）没有小数位。要小数请写 :.{digits}f。")
    if kind != "d" and digits is None:
        raise ValueError(f"格式“:{text}”没有写小数位数。请写成 :.0{kind} 或 :.2{kind} 这样。")
    if grouping and kind == "%":
        raise ValueError(f"格式“:{text}”：百分数不用千分位。请写 :.{digits}%。")
    return Spec(text, kind, int(digits or 0), grouping)


@frozen
class Slot:
    """One placeholder: the name read and how its value is written."""

    name: str
    spec: Spec | None
    text: str  # as written, for messages: "{rate:.0%}"


@frozen
class Clause:
    """An optional clause ``[…]``: written only when every placeholder in it has a value."""

    pieces: tuple[Union[str, Slot], ...]


Piece = Union[str, Slot, Clause]


@frozen
class Template:
    pieces: tuple[Piece, ...]

    def slots(self) -> list[Slot]:
        """Every placeholder, in order, those inside clauses included."""
        out: list[Slot] = []
        for piece in self.pieces:
            if isinstance(piece, Slot):
                out.append(piece)
            elif isinstance(piece, Clause):
                out += [p for p in piece.pieces if isinstance(p, Slot)]
        return out


def _slot(token: str) -> Slot:
    name, colon, spec = token[1:-1].partition(":")
    return Slot(name.strip(), parse_spec(spec.strip()) if colon else None, token)


@lru_cache(maxsize=1024)
def parse_template(text: str) -> Template:
    """The template's pieces; ValueError (in Chinese, with the fix) on unpaired braces or brackets,
    a nested or empty clause, or a spec that is not one."""
    out: list[Piece] = []
    clause: list[str | Slot] | None = None
    at = 0
    for m in _TOKEN.finditer(text):
        target: list[Piece] | list[str | Slot] = out if clause is None else clause
        if m.start() > at:
            target.append(text[at:m.start()])
        at = m.end()
        token = m.group()
        if token in ("{", "}"):
            raise ValueError("消息中的花括号不成对。占位写作 {名称}；要显示花括号本身，请改用全角｛｝。")
        if token == "[":
            if clause is not None:
                raise ValueError("消息中的方括号不成对，或套了两层：前一个“[”还没有“]”就又出现“[”。可省略的部分只能一层，方括号里不能再套方括号；"
                                 "要显示方括号本身，请改用全角［］。")
            clause = []
        elif token == "]":
            if clause is None:
                raise ValueError("消息中的方括号不成对：有“]”而前面没有“[”。要显示方括号本身，请改用全角［］。")
            if not any(isinstance(p, Slot) for p in clause):
                raise ValueError("方括号里没有占位：可省略的部分要靠其中的 {名称} 缺值才省略。请加入占位，或去掉方括号。")
            out.append(Clause(tuple(clause)))
            clause = None
        else:
            target.append(_slot(token))
    if clause is not None:
        raise ValueError("消息中的方括号不成对：有“[”而没有对应的“]”。要显示方括号本身，请改用全角［］。")
    if at < len(text):
        out.append(text[at:])
    return Template(tuple(out))


def template_names(text: str) -> list[str]:
    """The placeholder names in order; raise ValueError on a malformed template."""
    return [slot.name for slot in parse_template(text).slots()]


def followed_by(template: Template, name: str) -> str:
    """The literal character right after placeholder ``name`` (in or out of a clause), or ""."""
    flat: list[str | Slot] = []
    for piece in template.pieces:
        flat += list(piece.pieces) if isinstance(piece, Clause) else [piece]
    for k, piece in enumerate(flat[:-1]):
        nxt = flat[k + 1]
        if isinstance(piece, Slot) and piece.name == name and isinstance(nxt, str) and nxt:
            return nxt[0]
    return ""
