"""Typing yes/no and enumeration cells: each cell must be one of the ruleset's tokens.

A cell is looked up by its token key (NFKC, trimmed, case-folded: rules/fieldtypes.token_key),
so 是 and Ｙ and yes read as written in the ruleset. Anything else is a data error naming the
cell and the tokens allowed: a mistyped 是 (实, 是否) must never count as 否 silently.

Columns arrive from every reader the same way (CSV rows, the polars fast path's Series,
workbook text, in-memory lists or arrays); distinct cells are few, so each is looked up once.
"""
from __future__ import annotations

from typing import Any, Protocol, Sequence

import numpy as np

from ..rules.fieldtypes import listing, token_key
from ..rules.model import FieldSpec


class Problems(Protocol):
    def add(self, line: int | None, column: str | None, value: Any, message: str) -> None: ...


BLANK, NOT_APPLICABLE, UNKNOWN = object(), object(), object()  # never equal to a value a ruleset lists


def parse_choices(f: FieldSpec, cells: Sequence[Any], lines: np.ndarray, problems: Problems) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, not-applicable mask, blank mask) of one yes/no or enumeration column."""
    cells = list(cells)
    read = _read(f, cells)
    n = len(read)
    na = np.fromiter((r is NOT_APPLICABLE for r in read), dtype=bool, count=n)
    blank = np.fromiter((r is BLANK for r in read), dtype=bool, count=n)
    for i in (i for i, r in enumerate(read) if r is UNKNOWN or r is BLANK):
        if read[i] is UNKNOWN:
            problems.add(int(lines[i]), f.column, cells[i], unknown_message(f, cells[i]))
        elif f.blank == "error":
            problems.add(int(lines[i]), f.column, "", blank_message(f))
    if f.type == "enum":
        return np.array([r if isinstance(r, str) else "" for r in read], dtype=object), na, blank
    return _yes_no(f, read, na | blank), na, blank


def _yes_no(f: FieldSpec, read: list[Any], empty: np.ndarray) -> np.ndarray:
    """bool, or float 1/0/NaN when a cell may hold no value (blank: missing, not applicable)."""
    yes = np.fromiter((r is True for r in read), dtype=bool, count=len(read))
    if not f.nullable_yesno:
        return yes  # blank: zero reads 否; blank: error has been reported
    out = yes.astype(np.float64)
    out[empty] = np.nan
    return out


def _read(f: FieldSpec, cells: list[Any]) -> list[Any]:
    """Each cell's value (True/False, the enumeration value) or BLANK, NOT_APPLICABLE, UNKNOWN.

    Distinct cells are few (是/否, a handful of values), so each is classified once.
    """
    table = lookup(f)
    try:
        codes = {c: _classify(c, table, f.type) for c in dict.fromkeys(cells)}
    except TypeError:  # an unhashable cell from an embedding tool: one at a time
        return [_classify(c, table, f.type) for c in cells]
    return [codes[c] for c in cells]


def lookup(f: FieldSpec) -> dict[str, Any]:
    """Token key → value: True/False for yes/no, the value as the ruleset spells it for an enumeration."""
    if f.type == "enum":
        table: dict[str, Any] = {token_key(v): v for v in f.values}
    else:
        table = {**{token_key(t): False for t in f.no}, **{token_key(t): True for t in f.yes}}
    return {**table, **{token_key(t): NOT_APPLICABLE for t in f.not_applicable}}


def _classify(cell: Any, table: dict[str, Any], kind: str) -> Any:
    if cell is None or (isinstance(cell, float) and cell != cell):
        return BLANK
    if isinstance(cell, (bool, np.bool_)) and kind == "yesno":
        return bool(cell)  # a Python or numpy bool from an embedding tool says yes/no itself
    if isinstance(cell, (int, float, np.integer, np.floating)) and float(cell).is_integer():
        cell = int(cell)  # 1.0 from an embedding tool is the cell "1"
    key = token_key(cell)
    if key == "":
        return BLANK
    return table.get(key, UNKNOWN)


def unknown_message(f: FieldSpec, cell: Any) -> str:
    na = f"；表示“不适用”的写法：{listing(f.not_applicable)}" if f.not_applicable else ""
    if f.type == "enum":
        return (f"“{cell}”不是字段 {f.name} 允许的值。允许的值：{listing(f.values, 30)}{na}（不分全角半角、大小写）。"
                f"请改正这一格；若这个值确实应当允许，在规则集中把它加进字段 {f.name} 的 values。")
    return (f"“{cell}”不是“是/否”的写法。表示是：{listing(f.yes)}；表示否：{listing(f.no)}{na}"
            f"（不分全角半角、大小写）。请改正这一格；若这种写法也表示是或否，在规则集中把它写进字段 {f.name} 的 yes_tokens 或 no_tokens。")


def blank_message(f: FieldSpec) -> str:
    start = "单元格为空，而规则集规定该列不能为空（blank: error）。"
    if f.type == "enum":
        return f"{start}请填上允许的值之一（{listing(f.values)}）；若空白表示缺失，在规则集中给字段 {f.name} 写 blank: missing。"
    return f"{start}请填上是或否；若空白表示“否”，在规则集中给字段 {f.name} 写 blank: zero；若表示缺失，写 blank: missing。"
