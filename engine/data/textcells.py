"""Normalising a whole column of text cells at once (unit names, published figures as printed).

Each cell becomes ``unicodedata.normalize("NFKC", str(cell)).strip()``, with None and NaN as "".
One by one that is ~0.1 µs of C and ~0.2 µs of Python per cell. Here a column of str is joined
with NUL into one string, checked (and if need be normalised) by one C call, and split again.

Why joining changes nothing: NUL is a starter (combining class 0) that no character decomposes
to and that composes with nothing, so no normalisation step (decomposition, reordering of marks,
composition) crosses it: NFKC(a + NUL + b) == NFKC(a) + NUL + NFKC(b). A cell holding NUL itself,
or a cell that is not text, sends the column the one-by-one way.

A str subclass counts as the text it holds (what ``str.join`` reads; its own ``__str__`` is not
called), and where nothing changes it stays the object given: telling it from a plain str would
cost a look at every cell's type, as much again as the join. None, NaN and numbers make the join
fail (TypeError), and the column goes one by one with ``normalise``'s rules.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Sequence

import numpy as np

from . import fastcells

_SEP = "\x00"


def normalise(raw: Any) -> str:
    """One cell: NFKC (full-width digits, ％ and ／ become ASCII), then strip; None and NaN are ""."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw != raw:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def normalise_all(values: Sequence[Any] | np.ndarray) -> list[str]:
    """``[normalise(v) for v in values]``, column-wise when the cells are all text (or a polars
    column of text, whose cells polars joins: its to_list is ~3x the one split below)."""
    return normalise_column(values)[0]


def normalise_column(values: Sequence[Any] | np.ndarray) -> tuple[list[str], Any]:
    """``normalise_all(values)``, and, when ``values`` is a polars column of text that normalising
    leaves as it is, that column with None as "" (None otherwise): the same cells, already in
    polars, which unitnames hashes without making a polars column again from a million str."""
    if type(values).__module__.startswith("polars") and str(values.dtype) == "String":  # type: ignore[union-attr]
        if not len(values):
            return [], None
        filled = values.fill_null("")  # type: ignore[union-attr]
        joined, changed, spaced = _normalised(filled.str.join(_SEP).item())
        cells = _cells_of(joined, len(values), spaced)
        if cells is None:
            return [normalise(c) for c in values.to_list()], None  # type: ignore[union-attr]
        return cells, None if changed or spaced else filled
    # A list is read in place (a copy of a million pointers is ~10 ms); the caller copies what it keeps.
    cells = values.tolist() if isinstance(values, np.ndarray) else values if type(values) is list else list(values)
    column = _plain_column(cells)
    if column is not None:
        return cells, column
    try:
        joined = _SEP.join(cells)  # also the type check: every cell text (str or a subclass)
    except TypeError:
        return [normalise(c) for c in cells], None  # None, NaN and numbers keep their own rules
    joined, changed, spaced = _normalised(joined)
    if not (changed or spaced):
        return cells, None  # nothing changes (a NUL inside a cell neither, as nothing crosses it): no need to find the cells
    return _cells_of(joined, len(cells), spaced) or [unicodedata.normalize("NFKC", c).strip() for c in cells], None


# Characters normalising leaves as they are whatever their neighbours: none is whitespace (strip), NFKC
# keeps each, and none combines with the one before it (combining class 0, never the second character
# of a canonical composition; tests/test_textcells.py checks each against unicodedata). Printable ASCII
# but the space, and the CJK ideographs of the two main blocks: what most unit names are made of.
PLAIN = "!-~\u3400-\u4dbf\u4e00-\u9fff"


def _plain_column(cells: list[Any]) -> Any:
    """Many cells, all text of PLAIN characters only, as a polars column (normalising changes none of
    them: one polars pass, where the join, the NFKC check and the look for spaces cost ~2x); else None.
    The column is what unitnames hashes, so the cells go to polars once either way."""
    if len(cells) < fastcells.FAST_MIN_CELLS:
        return None
    import polars as pl

    try:
        column = pl.Series(cells, dtype=pl.String)  # strict: a cell that is not text is refused (None aside)
    except Exception:  # TypeError or ValueError: not text; UnicodeEncodeError: a lone surrogate
        return None
    return None if column.null_count() or column.str.contains(f"[^{PLAIN}]").any() else column


def _normalised(joined: str) -> tuple[str, bool, bool]:
    """The joined cells normalised; whether that changed them; whether any holds whitespace (to strip)."""
    changed = not joined.isascii() and not unicodedata.is_normalized("NFKC", joined)
    if changed:
        joined = unicodedata.normalize("NFKC", joined)
    return joined, changed, joined != joined.strip() or len(joined.split(None, 1)) > 1


def _cells_of(joined: str, n: int, spaced: bool) -> list[str] | None:
    """The n cells of the normalised joined text, stripped; None when a cell holds NUL itself."""
    if joined.count(_SEP) != n - 1:
        return None
    return [c.strip() for c in joined.split(_SEP)] if spaced else joined.split(_SEP)


def figure_decimals(texts: list[str], percent: bool) -> np.ndarray:
    """Decimals printed in each plain figure (``-?digits[.digits]``, then ``%`` for a percent field,
    at most 15 digits), -1 for every other cell (blank, "/", commas, 万, anything else).

    For a plain figure that typed as its field, the typed value is the value the audit reads
    from the text (formatting.Published.parse), so the audit needs only these decimals; the
    other cells it parses itself. Cells of normalised text, so no spaces at either end.
    Column-wise: the cells joined, each character's class counted by one running sum.
    """
    n = len(texts)
    joined = _SEP.join(texts)
    if not joined.strip(_SEP) or joined.count(_SEP) != n - 1:  # no cells, only blanks, or a cell holding NUL
        return np.array([_decimals_of(t, percent) for t in texts], dtype=np.int8)
    chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    ends = np.append(np.flatnonzero(chars == 0), len(chars))
    starts = np.append(0, ends[:-1] + 1)
    running = np.zeros(len(chars) + 1, dtype=np.uint64)
    np.cumsum(_CLASSES[np.minimum(chars, 127)], out=running[1:])
    counts = running[ends] - running[starts]  # per cell, four 16-bit counts (exact: short cells only)
    digits, dot, minus, pct = ((counts >> np.uint64(shift)) & np.uint64(0xFFFF) for shift in (0, 16, 32, 48))
    size = ends - starts
    first = chars[np.minimum(starts, len(chars) - 1)]
    last = chars[np.maximum(ends - 1, 0)]
    lead = (first == 45).astype(np.uint64)
    ok = (size >= 1) & (size <= 18) & (digits >= 1) & (digits <= 15) & (minus == lead) & (dot <= 1)
    ok &= (digits + dot + minus + pct == size) & (pct == int(percent)) & ((last == 37) if percent else True)
    point = np.maximum.accumulate(np.where(chars == 46, np.arange(len(chars)), -1))[np.maximum(ends - 1, 0)]
    places = np.where(dot == 1, ends - int(percent) - point - 1, 0)
    ok &= (dot == 0) | ((places >= 1) & (point > starts + lead.astype(np.int64)))  # digits on both sides
    return np.where(ok, places, -1).astype(np.int8)


_CLASSES = np.zeros(128, dtype=np.uint64)  # what each ASCII character adds to a cell's counts
_CLASSES[48:58], _CLASSES[46], _CLASSES[45], _CLASSES[37] = 1, 1 << 16, 1 << 32, 1 << 48


def _decimals_of(text: str, percent: bool) -> int:
    """The same rule for one cell (a column whose cells hold NUL)."""
    import re

    m = re.fullmatch(r"-?([0-9]+)(?:\.([0-9]+))?" + ("%" if percent else ""), text)
    if not m or len(m.group(1)) + len(m.group(2) or "") > 15:
        return -1
    return len(m.group(2) or "")
