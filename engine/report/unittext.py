"""A part's units as JSON text, built column by column: the fast path of report.jsonout.

``unitrows.unit_dicts`` builds one dict per unit and orjson writes them: at a million units
that is ~1 GB of text and ~10 s of Python. Here each piece of a unit's text (a name, a field's
number, a band id, a message) is made for a whole column at once — numbers written by polars,
names escaped once, messages filled from pieces escaped one by one — and polars' str_format joins
them row by row around fixed fragments (keys, brackets, separators). The values come from the same functions the dicts
do (``json_number_arrays``, ``json_column``, ``unitrows.messages``, ``PartResult._escalated``),
and the text is byte for byte what ``verdict.dumps`` writes for ``unit_dicts``' entries; the
tests compare the two on every shipped ruleset, the fixtures and random tables.

A part this module cannot write (see ``unsupported``) goes through the dict path instead.
"""
from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from ..errors import basename
from ..rules.formatmany import json_number_arrays
from ..unitrows import json_column, messages
from ..verdict import UNIT_SEPARATORS
from .arrowtext import joined
from .numbertext import NumberTables

_ITEM, _KEY = UNIT_SEPARATORS  # between items, after a key: as verdict.unit_lines writes a unit

if TYPE_CHECKING:
    import polars as pl

    from ..verdict import PartResult

_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# What verdict.dumps escapes inside a string: json's own escapes, then json_safe's (DEL, C1, bidi, separators).
_ESCAPED = [chr(c) for c in range(0x20)] + ['"', "\\"] + [chr(c) for c in range(0x7F, 0xA0)] + \
    ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"] + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
_ESCAPES = [_SHORT.get(c, f"\\u{ord(c):04x}") for c in _ESCAPED]
_NEEDS_ESCAPE = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in _ESCAPED) + "]"
COLUMN_KINDS = "biufMO"  # numpy dtype kinds written here; any other falls back to the dict path
EXPONENT_BELOW = 1e-4  # json (float repr) writes a non-zero float smaller than this as 1e-05; orjson and polars as 0.00001


def unsupported(r: PartResult) -> str | None:
    """Why this part's units must take the dict path, or None when this module writes them."""
    p = r.part
    columns = [r.table.columns[f.name] for f in p.units.fields] + [r.metrics[m.name] for m in p.metrics]
    columns += [r.aggregates[a.name] for a in p.aggregates() if a.how != "dates"]
    odd = [c.dtype for c in columns if np.asarray(c).dtype.kind not in COLUMN_KINDS]
    if odd:
        return f"column dtype {odd[0]}"
    if r.to_date is not None and any(m.year_cap is not None for m in p.metrics):
        return "year_to_date"  # each unit's annual-cap account: unit_dicts builds it, one unit at a time
    return None


def literal(value: Any) -> str:
    """A JSON value's text as verdict.unit_lines writes it in a unit (keys, ids, labels: the fixed fragments)."""
    from ..verdict import json_safe

    return json_safe(json.dumps(value, ensure_ascii=False, separators=UNIT_SEPARATORS))


def units_text(r: PartResult, start: int, stop: int, indent: int, names: pl.Series | None = None,
               numbers: NumberTables | None = None) -> list[Any]:
    """Units ``start``..``stop`` as verdict.unit_lines lays them out, each led by the ``,`` that
    would come before it (the list's first unit drops its own): ``,\\n`` + indentation + the unit on
    one line; ``indent`` is the column of the ``"units"`` key. ``names``: the table's names escaped
    for JSON (name_texts, when all are text), made once for all batches; ``numbers``: the part's
    number_tables, shared by its batches. The text is given as
    pieces of polars' own memory (arrowtext.joined): no Python object per unit, no copy."""
    n = min(stop, len(r.table)) - start
    text = _Text()
    text.add(",\n" + " " * (indent + 2) + "{")
    _unit(text, r, slice(start, start + n), n, names, numbers or number_tables())
    text.add("}")
    return joined(text.lines(n))


class _Text:
    """One unit's text as a format string: literal text, and ``{}`` for each per-unit column.
    (polars' str_format writes literals itself; concat_str makes a column of each, ~1.6x slower.)"""

    def __init__(self) -> None:
        self.format: list[str] = []
        self.args: list[pl.Expr] = []
        self.frame: dict[str, pl.Series] = {}

    def add(self, piece: str | pl.Series | pl.Expr) -> None:
        import polars as pl

        if isinstance(piece, str):
            self.format.append(piece.replace("{", "{{").replace("}", "}}"))
            return
        self.format.append("{}")
        if isinstance(piece, pl.Series):  # a column of the frame the lines are written from
            self.frame[name := f"c{len(self.frame)}"] = piece
            piece = pl.col(name)
        self.args.append(piece)

    def lines(self, n: int) -> pl.Series:
        """The ``n`` units' texts (no argument is ever null: str_format would make the whole text null)."""
        import polars as pl

        frame = pl.DataFrame(self.frame, height=n) if self.frame else pl.DataFrame()  # every argument an expression
        return frame.select(pl.format("".join(self.format), *self.args)).to_series()


def _unit(text: _Text, r: PartResult, sl: slice, n: int, names: pl.Series | None, numbers: NumberTables) -> None:
    """The pieces of one unit's entry, in unit_dicts' key order, as json.dumps writes a dict on one line."""
    p, t = r.part, r.table

    def slot(name: str, value: str | pl.Series | pl.Expr | None = None, first: bool = False) -> None:
        text.add(("" if first else _ITEM) + literal(name) + _KEY)
        if value is not None:
            text.add(value)

    def listed(name: str, items: Sequence[tuple[np.ndarray, str | pl.Series]]) -> None:
        slot(name, "[")
        _add_items(text, n, items)
        text.add("]")

    def obj(name: str, items: dict[str, pl.Series | pl.Expr]) -> None:
        slot(name, "{")
        for k, (item, values) in enumerate(items.items()):
            text.add((_ITEM if k else "") + literal(item) + _KEY)
            text.add(values)
        text.add("}")
    if names is None:
        slot("name", value_texts(t.names[sl]), first=True)
    else:  # the quotes join the literals around them
        slot("name", '"', first=True)
        text.add(names.slice(sl.start, n))
        text.add('"')
    slot("file", _file_texts(t.file_runs_in(sl)))
    slot("line", number_texts(t.lines[sl]))
    if r.groups is not None:
        slot("group", value_texts(r.groups[sl]))
    obj("fields", {f.name: _column_text(t.columns[f.name], sl, f.format, numbers) for f in p.units.fields})
    metrics = {a.name: (r.aggregates[a.name], a.format) for a in p.aggregates() if a.how != "dates"}
    metrics.update({m.name: (r.metrics[m.name], m.format) for m in p.metrics})
    obj("metrics", {k: _column_text(v, sl, fmt, numbers) for k, (v, fmt) in metrics.items()})
    if p.vetoes:
        listed("vetoes", [(r.vetoes[v.name][sl], literal(v.name)) for v in p.vetoes])
    obj("bands", {tier.name: _band_texts(tier, r.bands[tier.name][sl]) for tier in p.tiers})
    listed("flags", [(r.flags[f.name][sl], literal(f.name)) for f in p.flags])
    slot("rank", "null" if r.rank is None else _rank_texts(r.rank[sl]))
    listed("notifications", _notifications(r, sl, names))
    if p.escalations:
        listed("escalations", _escalations(r, sl))
    _not_applicable(text, r, sl, n)


def _column_text(column: np.ndarray, sl: slice, fmt: Any, numbers: NumberTables) -> pl.Series | pl.Expr:
    """A field's or metric's JSON text for the units ``sl``, as json_column's values would be written."""
    if column.dtype.kind in "biuf":
        return numbers.texts(column, sl, fmt)
    return value_texts(np.array(json_column(column[sl], fmt), dtype=object))


def number_tables() -> NumberTables:
    """The number tables (report.numbertext) for one verdict's batches: number_texts made once per distinct value."""
    return NumberTables(number_texts)


def number_texts(values: np.ndarray, fmt: Any = None) -> pl.Series:
    """JSON text of a numeric column's json_numbers values: ints as written, floats as json's repr, NaN null."""
    import polars as pl

    if values.dtype.kind in "biu":
        return pl.Series(values).cast(pl.String)
    if fmt is not None and fmt.kind == "integer" and (whole_ints := _all_whole(values)) is not None:
        return pl.Series(whole_ints).cast(pl.String)
    from ..rules.formatting import Format

    short, whole, finite = json_number_arrays(values, fmt if fmt is not None else Format("number"))
    out = pl.Series(short).cast(pl.String)
    if whole.any():
        big = np.abs(values) >= 2.0**62
        ints = pl.Series(np.where(whole & ~big, values, 0).astype(np.int64)).cast(pl.String)
        out = pl.select(pl.when(pl.lit(whole)).then(ints).otherwise(out)).to_series()
        odd = np.flatnonzero(whole & big)
    else:
        odd = np.zeros(0, dtype=np.int64)
    tiny = np.flatnonzero(~whole & finite & (np.abs(short) < EXPONENT_BELOW) & (short != 0))
    fix = np.concatenate([odd, tiny])
    if fix.size:
        texts = [str(int(values[i])) if whole[i] else repr(float(short[i])) for i in fix.tolist()]
        out = out.scatter(fix, texts)
    if not finite.all():
        out = out.scatter(np.flatnonzero(~finite), "null")
    return out


def _all_whole(values: np.ndarray) -> np.ndarray | None:
    """The column as int64 when every value is a whole number (an integer field read as float to
    hold blanks): each is then written as that integer, one cast, without json_number_arrays."""
    with np.errstate(invalid="ignore"):
        ints = values.astype(np.int64)  # NaN, inf and v >= 2**63 become some integer ≠ v
    return ints if bool(np.all(ints == values)) else None


def _file_texts(runs: list[tuple[str, int]]) -> str | pl.Series:
    """Each unit's file as JSON text: one literal when every unit came from one file, else each file's
    literal made once and repeated over its run."""
    import polars as pl

    if len(runs) == 1:
        return literal(basename(runs[0][0]))
    shown = pl.Series([literal(basename(f)) for f, _ in runs], dtype=pl.String)
    return shown.gather(np.repeat(np.arange(len(runs)), [n for _, n in runs]))


def string_texts(values: Any) -> pl.Series:
    """JSON string literals ("…", escaped as verdict.dumps escapes) of a column of str; None → null."""
    import polars as pl

    try:
        s = values if isinstance(values, pl.Series) else pl.Series(values, dtype=pl.String, strict=True)
    except (TypeError, pl.exceptions.PolarsError, UnicodeError):  # a lone surrogate, which only json can write
        return pl.Series([_text(x) for x in values], dtype=pl.String)
    return pl.select(pl.concat_str([pl.lit('"'), pl.lit(escaped(s)), pl.lit('"')]).fill_null("null")).to_series()


def escaped(s: Any) -> Any:
    """A String Series (or one str) escaped as verdict.dumps escapes inside a string (no quotes added).
    A str is a message's literal piece, the same in every batch: escaped by json once (_escaped_text)."""
    if isinstance(s, str):
        return _escaped_text(s)
    # The check runs over the values joined: one pass of the regex over one text, ~2/3 of the time of a pass a value
    return s.str.replace_many(_ESCAPED, _ESCAPES) if s.str.join("").str.contains(_NEEDS_ESCAPE).any() else s


@functools.lru_cache(maxsize=256)
def _escaped_text(text: str) -> str:
    return literal(text)[1:-1]


def name_texts(names: np.ndarray, column: Any = None) -> tuple[pl.Series, bool]:
    """Each unit name escaped for a JSON string, without its quotes, as unitrows.name_list writes it
    (str of a name that is not text), and whether every name was text (then these are also the
    units' ``name`` texts and their messages' ``{unit}``). ``column``: the same names as a polars
    String column (Table.names_column), when the table has one: no Series made from a million str."""
    import polars as pl

    if column is not None and len(column) == len(names):
        return escaped(column), True
    items = names.tolist()
    plain = set(map(type, items)) <= {str}  # a third faster than all(type(x) is str ...) at a million names
    texts = items if plain else [x if type(x) is str else str(x) for x in items]
    try:
        return escaped(pl.Series(texts, dtype=pl.String, strict=True)), plain
    except (TypeError, pl.exceptions.PolarsError, UnicodeError):  # a lone surrogate, which only json can write
        return pl.Series([literal(x)[1:-1] for x in texts], dtype=pl.String), plain


def name_list_text(texts: pl.Series, mask: np.ndarray, indent: int) -> list[Any]:
    """The names (name_texts) where ``mask`` is set, as json's indent=2 writes a list of strings whose
    key is at column ``indent``: pieces of text, the names joined by polars and given as its memory (arrowtext)."""
    import polars as pl

    picked = texts.filter(pl.Series(np.asarray(mask, dtype=bool)))
    if picked.is_empty():
        return [b"[]"]
    inner = "\n" + " " * (indent + 2)
    return [f'[{inner}"'.encode(), *joined(picked.str.join('",' + inner + '"')), f'"\n{" " * indent}]'.encode()]


def value_texts(values: np.ndarray) -> pl.Series:
    """JSON text of a column of Python values (str, None, numbers): str/None in polars, the rest one by one."""
    import polars as pl

    items = values.tolist()
    if all(x is None or type(x) is str for x in items):
        return string_texts(items)
    return pl.Series([_text(x) for x in items], dtype=pl.String)


def _text(value: Any) -> str:
    if isinstance(value, float):
        return "null" if value != value or value in (float("inf"), float("-inf")) else repr(value)
    return literal(value)


def _rank_texts(rank: np.ndarray) -> pl.Series:
    """unitrows._ranks as JSON text: the place as an integer, null where unranked."""
    import polars as pl

    missing = np.isnan(rank)
    out = pl.Series(np.where(missing, 0, rank).astype(np.int64)).cast(pl.String)
    return out.scatter(np.flatnonzero(missing), "null") if missing.any() else out


def _band_texts(tier: Any, index: np.ndarray) -> pl.Expr:
    import polars as pl

    ids = pl.Series([literal(b.id) for b in tier.bands] + ["null"], dtype=pl.String)
    return _gathered(ids, np.where(index < 0, len(tier.bands), index))


def _gathered(texts: pl.Series, index: np.ndarray) -> pl.Expr:
    """``texts.gather(index)`` as an expression of the query that writes the unit lines: Series.gather
    is a query of its own, ~0.1 ms a call (what gathering 20,000 texts itself costs), ~12 a batch."""
    import polars as pl

    return pl.lit(texts).gather(pl.Series(index))


def _add_items(text: _Text, n: int, items: Sequence[tuple[np.ndarray, str | pl.Series]]) -> None:
    """The items of a list (between its brackets) that each unit has, in order: ``(present, texts)``,
    ``texts`` one text for all or a column of the present units' texts. Each item is a column of the
    line: its text where present, led by ``,`` where an item before it is, "" elsewhere (never null:
    str_format would make the whole line null). Gathers only, where a null-filled scatter and
    concat_str(ignore_nulls) copied every text twice more."""
    import polars as pl

    before = np.zeros(n, dtype=bool)
    for present, texts in items:
        present = np.asarray(present, dtype=bool)
        if not present.any():  # no unit of the batch has it: no column (tonggu's escalations without history)
            continue
        if isinstance(texts, str):
            text.add(_gathered(pl.Series(["", texts, _ITEM + texts], dtype=pl.String), present * (1 + before)))
        else:
            text.add(_gathered(pl.Series(["", _ITEM], dtype=pl.String), (present & before).astype(np.int64)))
            text.add(_spread(texts, present))
        before |= present


def _spread(texts: pl.Series, present: np.ndarray) -> pl.Series | pl.Expr:
    """A text column over all units: ``texts`` (the present units' texts, in order) where present, "" elsewhere."""
    import polars as pl

    if len(texts) == len(present):
        return texts
    at = np.full(len(present), len(texts), dtype=np.int64)
    at[present] = np.arange(len(texts))
    # one chunk: gathering from two (texts, "") took ~3x as long; the views are gathered, the texts not copied
    return _gathered(pl.concat([texts, pl.Series([""], dtype=pl.String)], rechunk=True), at)


def _notifications(r: PartResult, sl: slice, names: pl.Series | None) -> list[tuple[np.ndarray, pl.Series]]:
    """Each notification's items ({id, action, message}): where it holds, and their texts there."""
    out = []
    for note in r.part.notifications:
        hit = r.notifications[note.id][sl]
        head = "".join(['{"id"', _KEY, literal(note.id), _ITEM, '"action"', _KEY, literal(note.action), _ITEM, '"message"', _KEY, '"'])
        out.append((hit, _items(r, note, np.flatnonzero(hit) + sl.start, head, names)))
    return out


def _items(r: PartResult, note: Any, units: np.ndarray, head: str, names: pl.Series | None) -> pl.Series:
    """The notification's items for these units, ``head`` + message + ``"}``, in one pass: the message
    filled in polars from pieces escaped one by one, or (text polars cannot hold: a lone surrogate)
    by unitrows.messages, as the dict path fills them."""
    import polars as pl

    from ..messages import message_pieces

    if not units.size:
        return pl.Series([], dtype=pl.String)
    try:
        pieces = message_pieces(r, note.message, units, escaped, None if names is None else _gathered(names, units))
    except (TypeError, pl.exceptions.PolarsError, UnicodeError):
        pieces = [pl.lit(string_texts(messages(r, note, units)).str.slice(1).str.head(-1))]
    items = pl.select(pl.concat_str([pl.lit(head), *pieces, pl.lit('"}')])).to_series()
    return items if len(items) == units.size else pl.repeat(items[0], units.size, eager=True)  # a message of literals only


def _escalations(r: PartResult, sl: slice) -> list[tuple[np.ndarray, pl.Series]]:
    """Each escalation's items where it holds: the dicts PartResult builds, written by json (they are few)."""
    import polars as pl

    out = []
    for e in r.part.escalations:
        hit = r.escalations[e.id][0][sl]
        out.append((hit, pl.Series([literal(r._escalated(e, sl.start + i)) for i in np.flatnonzero(hit).tolist()], dtype=pl.String)))
    return out


def _not_applicable(text: _Text, r: PartResult, sl: slice, n: int) -> None:
    """``"not_applicable": [...]`` on the units that have any field written not applicable, nothing elsewhere."""
    import polars as pl

    masks = [(r.table.not_applicable[f.name][sl], literal(f.name)) for f in r.part.units.fields]
    masks = [(m, name) for m, name in masks if m.any()]
    if not masks:
        return
    shown = np.logical_or.reduce([m for m, _ in masks]).astype(np.int64)
    text.add(pl.Series(["", _ITEM + '"not_applicable"' + _KEY + "["], dtype=pl.String).gather(shown))
    _add_items(text, n, masks)
    text.add(pl.Series(["", "]"], dtype=pl.String).gather(shown))
