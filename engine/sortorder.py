"""The stable sort order of one float column, by sorting values rather than indices.

``np.argsort(kind="stable")`` on float64 is a merge sort through an index array: ~90 ns a unit at
1M and, once the keys outgrow the cache, ~140 ns at 10M (every comparison a random read). Sorting
plain integers is much cheaper (numpy's vectorised sort: ~6 ns a unit at 1M, flat to 10M). So:

1. map each key to 64 bits that sort as the floats do (``ordered_bits``; -0.0 counts as 0.0);
2. keep the high bits of that and put the row number in the low bits, and sort those integers:
   the row number comes out in the low bits, ordered by (high bits, row), i.e. stable;
3. keys that share their high bits but differ below them are misordered: where few neighbours in
   the sorted order share their high bits, their keys are read through the order (a few gathers);
   where many do (few distinct values), sorting the full bit patterns too is cheaper. Either tells
   where equal high bits hold different keys, and only those runs are re-sorted.

With ``b`` bits of row number the high part keeps 64 - b bits of the key (44 at 1M, 40 at 10M):
keys closer than ~1e-9 relative that are not equal are the runs re-sorted.
"""
from __future__ import annotations

import numpy as np

SMALL = 1 << 15  # below this the plain stable argsort is as quick
_TOP = np.int64(-(2**63))


def ordered_bits(key: np.ndarray) -> np.ndarray:
    """uint64 whose unsigned order is the float order of ``key`` (no NaN); -0.0 and 0.0 map alike."""
    b = (np.asarray(key, dtype=np.float64) + 0.0).view(np.int64)  # + 0.0 turns -0.0 into 0.0
    flip = b >> 63  # all ones for a negative key, else zero
    flip |= _TOP
    flip ^= b  # negatives: every bit flipped (reversed, below the rest); others: the sign bit set
    return flip.view(np.uint64)


def stable_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): ``np.argsort(key, kind="stable")``, and where each run of equal keys starts in it."""
    n = len(key)
    if n < SMALL:
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        return order, _starts(ordered[1:] != ordered[:-1], n)
    bits = ordered_bits(key)
    width = np.uint64(max(1, (n - 1).bit_length()))
    packed = bits >> width
    packed <<= width
    packed |= np.arange(n, dtype=np.uint64)
    packed.sort()
    order = (packed & ((np.uint64(1) << width) - np.uint64(1))).astype(np.intp)
    packed >>= width  # the sorted keys' high bits
    same = packed[1:] == packed[:-1]
    if np.count_nonzero(same) > n // 4:  # many neighbours share their high bits: sorting the keys is cheaper than reading them
        ordered = np.sort(bits)  # the keys in sorted order, without reading them through ``order``
        mixed = same & (ordered[1:] != ordered[:-1])
        if mixed.any():
            order = _resort_runs(order, bits, packed, mixed)
        return order, _starts(ordered[1:] != ordered[:-1], n)
    return _split_runs(order, bits, packed, same)


def _split_runs(order: np.ndarray, bits: np.ndarray, high: np.ndarray, same: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts) when few neighbours in ``order`` share their high bits (``same``): only those
    keys are read, to tell equal keys from different ones below the high bits (re-sorted first)."""
    at = np.flatnonzero(same)  # position at + 1 shares its high bits with position at
    differ = bits[order[at + 1]] != bits[order[at]]
    if differ.any():
        mixed = np.zeros(len(same), dtype=bool)
        mixed[at[differ]] = True
        order = _resort_runs(order, bits, high, mixed)
        differ = bits[order[at + 1]] != bits[order[at]]
    new = ~same
    new[at[differ]] = True
    return order, _starts(new, len(order))


def _resort_runs(order: np.ndarray, bits: np.ndarray, high: np.ndarray, mixed: np.ndarray) -> np.ndarray:
    """Re-sort by (full key, row) the runs of equal high bits that hold different keys."""
    shared = np.unique(high[1:][mixed])
    first, end = np.searchsorted(high, shared, "left"), np.searchsorted(high, shared, "right")
    sizes = end - first
    if sizes.sum() > len(order) // 4:  # keys packed too closely for the high bits to help
        return np.argsort(bits, kind="stable")
    run = np.repeat(np.arange(len(shared)), sizes)
    at = np.arange(len(run)) + np.repeat(first - (np.cumsum(sizes) - sizes), sizes)  # the runs' positions
    rows = order[at]
    order[at] = rows[np.lexsort((rows, bits[rows], run))]  # lexsort's last key is the primary one
    return order


def _starts(new: np.ndarray, n: int) -> np.ndarray:
    starts = np.empty(n, dtype=bool)
    starts[:1] = True
    starts[1:] = new
    return starts
