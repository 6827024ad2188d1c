"""Filling message templates column-wise: the one implementation behind every message.

``Verdict.to_dict``, the streaming JSON writer (through unitrows), explain and escalations all
fill messages here, for one unit or a million at once: each placeholder becomes a column of
display text plus a "missing" mask, an optional clause ``[…]`` is dropped where any of its
placeholders is missing, and a findings list is numbered and joined the way official text
writes it ("1.…；2.…。"). Rounding is formatting.py's half-up rule, through formatmany.
"""
from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from .rules.formatmany import format_many, format_series, rounded_units
from .rules.formatting import MISSING, NOT_APPLICABLE, Format, round_half_up, written
from .rules.messagecheck import spec_format
from .rules.model import RANK_NAMES
from .rules.templates import Clause, Slot, Spec, Template, parse_template

if TYPE_CHECKING:
    from .verdict import PartResult

Column = tuple[list[str], np.ndarray]  # display text per row, and where the value is missing
Source = Callable[[Slot], Column]


def render(template: Template, source: Source, n: int) -> list[str]:
    """Each row's text: literals as written, placeholders from ``source``, clauses kept only where complete."""
    columns: list[list[str]] = []
    for piece in template.pieces:
        if isinstance(piece, str):
            columns.append([piece] * n)
        elif isinstance(piece, Slot):
            columns.append(source(piece)[0])
        else:
            columns.append(_clause(piece, source, n))
    return ["".join(parts) for parts in zip(*columns)] if columns else [""] * n


def _clause(clause: Clause, source: Source, n: int) -> list[str]:
    missing = np.zeros(n, dtype=bool)
    columns: list[list[str]] = []
    for piece in clause.pieces:
        if isinstance(piece, str):
            columns.append([piece] * n)
        else:
            texts, gone = source(piece)
            columns.append(texts)
            missing |= gone
    return ["" if m else "".join(parts) for m, parts in zip(missing.tolist(), zip(*columns))]


def value_column(values: np.ndarray, fmt: Format, spec: Spec | None, na: np.ndarray | None = None) -> Column:
    """A column of values written for people (under ``spec`` when given) and its missing mask."""
    v = np.asarray(values)
    n = len(v)
    na = np.zeros(n, dtype=bool) if na is None else np.asarray(na, dtype=bool)
    if v.dtype.kind == "b":
        return ["是" if x else "否" for x in v.tolist()], np.zeros(n, dtype=bool)
    if v.dtype.kind in "fiu":
        missing = na | np.isnan(v.astype(np.float64))
        if spec is not None and spec.kind == "万":
            texts = [NOT_APPLICABLE if a else MISSING if m else f"{round_half_up(x, spec.decimals, '0.0001')}万"
                     for x, m, a in zip(v.astype(np.float64).tolist(), missing.tolist(), na.tolist())]
        else:
            texts = format_many(v, spec_format(spec, fmt), na)
        return (_grouped(texts, missing) if spec is not None and spec.grouping else texts), missing
    if v.dtype.kind == "M":
        texts = [MISSING if np.isnat(x) else str(x) for x in v]
    else:
        texts = [MISSING if x is None else str(x) for x in v.tolist()]
    texts = [NOT_APPLICABLE if a else t for t, a in zip(texts, na.tolist())]
    missing = np.array([t in ("", MISSING, NOT_APPLICABLE) for t in texts], dtype=bool)
    if spec is not None and spec.kind in ("年月日", "月日"):
        texts = [t if m else chinese_date(t, spec.kind) for t, m in zip(texts, missing.tolist())]
    return texts, missing


_GROUP = re.compile(r"(\d)(?=(\d{3})+(?!\d))")


def _grouped(texts: list[str], missing: np.ndarray) -> list[str]:
    """12345.6 → 12,345.6: commas in the whole part only."""
    out = []
    for t, m in zip(texts, missing.tolist()):
        whole, dot, rest = t.partition(".")
        out.append(t if m else _GROUP.sub(r"\1,", whole) + dot + rest)
    return out


def chinese_date(iso: str, kind: str) -> str:
    """2022-05-13 → 2022年5月13日 (年月日) or 5月13日 (月日); other text unchanged."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    if not m:
        return iso
    year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    return f"{year}年{month}月{day}日" if kind == "年月日" else f"{month}月{day}日"


def numbered(rows: Sequence[str]) -> str:
    """Findings rows as official text lists them: 1.…；2.…。 (each row's own end punctuation dropped)."""
    items = [r.rstrip("。；;，,. ") for r in rows]
    return "；".join(f"{k}.{text}" for k, text in enumerate(items, 1)) + "。"


def messages(r: PartResult, text: str, units: np.ndarray, extra: dict[str, str] | None = None) -> list[str]:
    """The message ``text`` filled for each unit index of ``r``."""
    units = np.asarray(units, dtype=np.int64)
    return render(parse_template(text), lambda slot: _unit_column(r, slot, units, extra), len(units))


def message_series(r: PartResult, text: str, units: np.ndarray) -> Any:
    """``messages(r, text, units)`` as a polars String Series, for the column-wise JSON writer
    (report.unittext): the same template walk as ``render``, the same sources (``_unit_column``),
    numbers written by ``format_series``; the tests compare the two on every seed and on random
    tables. Raises polars' error for text polars cannot hold (a lone surrogate): use ``messages``."""
    import polars as pl

    pieces = message_pieces(r, text, units)
    out = pl.select(pl.concat_str(pieces) if pieces else pl.lit("")).to_series()
    return out if len(out) == len(units) else pl.Series([out[0]] * len(units), dtype=pl.String)  # a template of literals only


def message_pieces(r: PartResult, text: str, units: np.ndarray, escape: Callable[[Any], Any] | None = None,
                   unit_texts: Any = None) -> list[Any]:
    """The pieces (polars expressions) whose concat_str is ``message_series``: literals, placeholder
    columns, clauses blanked where a placeholder is missing. ``escape`` (a String Series, or a str,
    → the same escaped) is applied to every piece: escaping is character by character, so the pieces escaped
    one by one join into the escaped message without a pass over the joined text. ``unit_texts``:
    ``{unit}`` for these units, already escaped (the JSON writer has every name's text), or the
    expression that gathers them in the message's own query (Series.gather is a query of its own)."""
    import polars as pl

    units = np.asarray(units, dtype=np.int64)
    n = len(units)
    esc = escape or (lambda s: s)

    def literal(piece: str) -> Any:
        return pl.lit(esc(piece))

    def source(slot: Slot) -> tuple[Any, np.ndarray]:
        if slot.name == "unit" and unit_texts is not None:
            return unit_texts if isinstance(unit_texts, pl.Expr) else pl.lit(unit_texts), np.zeros(n, dtype=bool)
        if slot.name.startswith("band.") and slot.name[5:] in r.bands:  # a few labels escaped, then gathered
            labels, at = _band_labels(r, slot.name[5:], units)
            return pl.lit(esc(pl.Series(labels, dtype=pl.String))).gather(pl.Series(at)), at == len(labels) - 1  # in the query
        texts, missing = _unit_column(r, slot, units, None, _value_series if len(r.table) < TABLE_FROM else _tabled_series)
        series = texts if isinstance(texts, pl.Series) else pl.Series(texts, dtype=pl.String, strict=True)
        return pl.lit(esc(series)), missing

    pieces = []
    for piece in parse_template(text).pieces:
        if isinstance(piece, str):
            pieces.append(literal(piece))
        elif isinstance(piece, Slot):
            pieces.append(source(piece)[0])
        else:  # a clause: dropped where any of its placeholders is missing
            exprs, missing = [], np.zeros(n, dtype=bool)
            for x in piece.pieces:
                if isinstance(x, str):
                    exprs.append(literal(x))
                else:
                    expr, gone = source(x)
                    exprs.append(expr)
                    missing |= gone
            pieces.append(pl.when(pl.lit(pl.Series(missing))).then(pl.lit("")).otherwise(pl.concat_str(exprs)))
    return pieces


def _value_series(values: np.ndarray, fmt: Format, spec: Spec | None, na: np.ndarray | None = None) -> Column:
    """value_column, numbers under a plain percent, integer or number format written by format_series."""
    v = np.asarray(values)
    shown = spec_format(spec, fmt)
    if v.dtype.kind not in "fiu" or shown.kind not in ("percent", "integer", "number") or \
            (spec is not None and (spec.kind == "万" or spec.grouping)):
        return value_column(values, fmt, spec, na)
    na = np.zeros(len(v), dtype=bool) if na is None else np.asarray(na, dtype=bool)
    texts: Any = format_series(v, shown, na)  # a polars Series where the list path has a list
    return texts, na | np.isnan(v.astype(np.float64))


TABLE_FROM = 100_000  # units in a part from which numbers in messages are gathered from a table (_tabled_series)
TABLE_UNITS = 1 << 17  # rounded values 0 .. TABLE_UNITS - 1 in the table: a percent with two decimals up to 1310.71%


def _tabled_series(values: np.ndarray, fmt: Format, spec: Spec | None, na: np.ndarray | None = None) -> Column:
    """_value_series, the text of each value rounded to a unit of the table's range gathered from the
    table of those texts (~0.1 ms for 20,000 values where format_series takes ~1.8): format_series
    writes a value from its rounded units and its sign alone, so the texts are the same. The rest
    (negative, off the table, near a half) is written by format_series as before."""
    v, shown = np.asarray(values), spec_format(spec, fmt)
    table = _unit_table(shown) if v.dtype.kind in "fiu" and shown.kind in ("percent", "integer", "number") and \
        (spec is None or (spec.kind != "万" and not spec.grouping)) else None
    if table is None:
        return _value_series(values, fmt, spec, na)
    v = v.astype(np.float64)
    q, exact = rounded_units(v, *_units_of(shown))
    ok = exact & ~np.signbit(v) & (q < TABLE_UNITS)
    texts = table.gather(np.where(ok, q, 0))
    odd = np.flatnonzero(~ok)
    if odd.size:
        texts = texts.scatter(odd, format_series(v[odd], shown))
    na = np.zeros(len(v), dtype=bool) if na is None else np.asarray(na, dtype=bool)
    if na.any():
        texts = texts.scatter(np.flatnonzero(na), NOT_APPLICABLE)
    return texts, na | np.isnan(v)


def _units_of(fmt: Format) -> tuple[int, str]:
    """The decimals and scale format_series rounds a value to under ``fmt``."""
    return (0 if fmt.kind == "integer" else fmt.decimals), ("100" if fmt.kind == "percent" else "1")


@functools.lru_cache(maxsize=8)
def _unit_table(fmt: Format) -> Any:
    """format_series' text of each rounded value 0 .. TABLE_UNITS - 1 under ``fmt``: written from values
    that round to exactly those units (checked), else None."""
    decimals, scale = _units_of(fmt)
    units = np.arange(TABLE_UNITS, dtype=np.int64)
    values = units / (10.0**decimals * (100.0 if scale == "100" else 1.0))
    q, exact = rounded_units(values, decimals, scale)
    return format_series(values, fmt) if bool(exact.all()) and np.array_equal(q, units) else None


def _unit_column(r: PartResult, slot: Slot, units: np.ndarray, extra: dict[str, str] | None,
                 value_column: Callable[..., Column] = value_column) -> Column:
    """A placeholder's column for these units; ``value_column`` writes numbers (message_series gives its own)."""
    name, spec, t, n = slot.name, slot.spec, r.table, len(units)
    if extra and name in extra:
        value = extra[name]
        if name == "periods" and spec is not None:
            return value_column(np.full(n, float(value)), Format("integer"), spec)
        return [value] * n, np.full(n, value == "")
    if name == "unit":
        return [str(x) for x in t.names[units].tolist()], np.zeros(n, dtype=bool)
    if name.startswith("band.") and name[5:] in r.bands:
        labels, at = _band_labels(r, name[5:], units)
        return list(np.array(labels, dtype=object)[at].tolist()), at == len(labels) - 1
    if name in r.lists:
        rows = r.lists[name][units]
        return [numbered(x) if x else MISSING for x in rows.tolist()], np.array([not x for x in rows.tolist()], dtype=bool)
    if name in RANK_NAMES:
        ranks = r.names.get(name)
        values = np.full(n, np.nan) if ranks is None else np.asarray(ranks, dtype=np.float64)[units]
        return value_column(values, Format("integer"), spec)
    if name in t.columns:
        return value_column(t.columns[name][units], r.part.format_of(name), spec, t.not_applicable[name][units])
    for values in (r.metrics, r.aggregates, r.flags, r.vetoes):
        if name in values and np.asarray(values[name]).dtype != object:
            return value_column(np.asarray(values[name])[units], r.part.format_of(name), spec)
    fact = next((f for f in r.facts if f.name == name), None)
    if fact is not None:
        return _fact_column(r, fact, spec, units)
    texts = [r.message_piece(name, int(i)) for i in units.tolist()]  # rare names (a unit's list of dates)
    return texts, np.array([x in ("", MISSING) for x in texts], dtype=bool)


def _band_labels(r: PartResult, tier_name: str, units: np.ndarray) -> tuple[list[str], np.ndarray]:
    """A tier's band labels (MISSING last, for no band) and each unit's place among them."""
    tier = next(x for x in r.part.tiers if x.name == tier_name)
    index = r.bands[tier.name][units]
    return [b.label for b in tier.bands] + [MISSING], np.where(index < 0, len(tier.bands), index)


def _fact_column(r: PartResult, fact: Any, spec: Spec | None, units: np.ndarray) -> Column:
    value = r.names.get(fact.name, fact.value)
    column = np.asarray(np.nan if value is None else value, dtype=np.float64) if not fact.date else None
    values = (column[units] if column.ndim else np.full(len(units), float(column))) if column is not None else None
    return fact_column(fact, values, spec, len(units))


def fact_column(fact: Any, values: np.ndarray | None, spec: Spec | None, n: int) -> Column:
    """A fact written in a message: by its spec, else its own format, else as written in the ruleset."""
    if fact.date:
        return value_column(np.array([fact.date] * n, dtype=object), Format("date"), spec)
    assert values is not None
    if spec is None and fact.format is None:
        return [written(x) for x in values.tolist()], np.isnan(values)
    return value_column(values, fact.format or Format("number", 2), spec)


def listed_rows(spec: Any, rows: Any, names: dict[str, Any], index: np.ndarray, n: int,
                unit_format: Callable[[str], Format], facts: Sequence[Any]) -> np.ndarray:
    """Each unit's findings rows written by the table's ``row_text``, in the table's order (object array of tuples)."""
    own = {f.name: f.format for f in (*spec.fields, *spec.metrics)}
    by_name = {f.name: f for f in facts}

    def column(slot: Slot) -> Column:
        values = names[slot.name]
        fact = by_name.get(slot.name) if slot.name not in own and slot.name not in rows.columns else None
        if fact is not None:
            shaped = None if fact.date else np.broadcast_to(np.asarray(np.nan if values is None else values, dtype=np.float64), (len(rows),))
            return fact_column(fact, shaped, slot.spec, len(rows))
        fmt = own.get(slot.name) or unit_format(slot.name)
        return value_column(np.asarray(values), fmt, slot.spec, rows.not_applicable.get(slot.name))

    texts = render(parse_template(spec.row_text), column, len(rows))
    out: list[list[str]] = [[] for _ in range(n)]
    for i, text in zip(index.tolist(), texts):
        out[i].append(text)
    result = np.empty(n, dtype=object)
    result[:] = [tuple(x) for x in out]
    return result
