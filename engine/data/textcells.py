"""Normalising a whole column of text cells at once (unit names, published figures as printed).

Each cell becomes ``unicodedata.normalize("NFKC", str(cell)).strip()``, with None and NaN as "".
One by one that is ~0.1 µs of C and ~0.2 µs of Python per cell. Here a column of str is joined
with NUL into one string, checked (and if need be normalised) by one C call, and split again.

Why joining changes nothing: NUL is a starter (combining class 0) that no character decomposes
to and that composes with nothing, so no normalisation step (decomposition, reordering of marks,
composition) crosses it: NFKC(a + NUL + b) == NFKC(a) + NUL + NFKC(b). A cell holding NUL itself,
or a cell that is not a plain str, sends the column the one-by-one way.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Sequence

import numpy as np

_SEP = "\x00"


def normalise(raw: Any) -> str:
    """One cell: NFKC (full-width digits, ％ and ／ become ASCII), then strip; None and NaN are ""."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw != raw:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def normalise_all(values: Sequence[Any] | np.ndarray) -> list[str]:
    """``[normalise(v) for v in values]``, column-wise when the cells are all plain str."""
    cells = values.tolist() if isinstance(values, np.ndarray) else list(values)
    if not cells or set(map(type, cells)) != {str}:
        return [normalise(c) for c in cells]  # None, NaN, numbers and str subclasses keep their own rules
    joined = _SEP.join(cells)
    if joined.count(_SEP) != len(cells) - 1:
        return [normalise(c) for c in cells]
    changed = not joined.isascii() and not unicodedata.is_normalized("NFKC", joined)
    if changed:
        joined = unicodedata.normalize("NFKC", joined)
    if joined != joined.strip() or len(joined.split(None, 1)) > 1:  # whitespace somewhere: strip each cell
        return [c.strip() for c in joined.split(_SEP)]
    return joined.split(_SEP) if changed else cells
