"""Which band of a tier each unit falls in, as small integers, and lookups by band.

At a million units every pass counts: writing the int64 answer through a mask per band
(``np.copyto(out, k, where=...)``) took ~3.5 ms a band, and a lookup table indexed by the band
numbers ~0.8 ms a call, where comparisons and arithmetic on bytes take a fraction of that.
"""
from __future__ import annotations

from typing import Any, cast

import numpy as np

from .rules.model import Tier

_TESTS = {"below": np.less, "at_most": np.less_equal, "at_least": np.greater_equal, "above": np.greater}


def assign_bands(tier: Tier, values: Any, names: dict[str, Any] | None = None, vetoed: np.ndarray | None = None) -> np.ndarray:
    """Index of the first band each value falls in (int8, see first_true); -1 where none (or no value)."""
    v = np.asarray(values, dtype=np.float64)
    present = ~np.isnan(v)
    conditions = []
    for band in tier.bands:
        if band.op == "otherwise":
            conditions.append(present)
            continue
        if band.op == "vetoed":
            conditions.append(np.zeros(len(v), dtype=bool) if vetoed is None else np.asarray(vetoed, dtype=bool))
            continue
        line: Any = cast(dict[str, Any], names)[band.threshold_fact] if band.threshold_fact else band.threshold
        conditions.append(_TESTS[band.op](v, line))
    out = first_true(conditions, len(v))
    if tier.vetoed_band is not None and vetoed is not None:  # a veto wins wherever its band is listed
        np.copyto(out, [b.id for b in tier.bands].index(tier.vetoed_band), where=np.asarray(vetoed, dtype=bool))
    return out


def first_true(conditions: list[np.ndarray], n: int) -> np.ndarray:
    """Per unit, the index of the first condition it meets, -1 where it meets none: int8 (int32 from
    127 conditions on), as counted.

    Counted in bytes: each condition adds its index where it is the first met (a yes/no as 0/1
    times k), so nothing is written through a mask. Kept in bytes: every reader indexes or compares
    with it (in_bands, the band ids and labels), and a million int64 were a fresh 8 MB written by a
    widening pass, then read eight bytes a unit by every band test.
    """
    out = np.zeros(n, dtype=np.int8 if len(conditions) < 127 else np.int32)
    taken = np.zeros(n, dtype=bool)
    for k, condition in enumerate(conditions):
        new = np.asarray(condition, dtype=bool) & ~taken
        if k:
            np.add(out, np.multiply(new, k, dtype=out.dtype), out=out)
        taken |= new
    np.subtract(out, ~taken, out=out, dtype=out.dtype)  # 0 - 1 where no condition held
    return out


def in_bands(index: np.ndarray, tier: Tier, band_ids: tuple[str, ...]) -> np.ndarray:
    """Units whose band (``index``, -1 for none) is one of ``band_ids``: bands next to each other
    are one range test, one band one comparison (a lookup table indexed by a million int64 is ~4x)."""
    wanted = [i for i, b in enumerate(tier.bands) if b.id in band_ids]
    if not wanted:
        return np.zeros(len(index), dtype=bool)
    lo, hi = wanted[0], wanted[-1]
    if hi - lo + 1 == len(wanted):
        out: np.ndarray
        if lo == hi:
            out = index == lo
        elif lo == 0:  # read as unsigned, -1 (no band) is the largest of all: one comparison
            signed = np.asarray(index)
            out = signed.view(f"u{signed.itemsize}") <= hi
        else:
            out = (index >= lo) & (index <= hi)
        return out
    table = np.zeros(len(tier.bands) + 1, dtype=bool)  # the last entry is -1, no band
    table[wanted] = True
    out = table[index]
    return out


def band_id_column(tier: Tier, index: np.ndarray) -> np.ndarray:
    """Each unit's band id ("" for none), read-only: the column an expression reading the tier's name sees."""
    ids = np.array([b.id for b in tier.bands] + [""], dtype=object)
    out: np.ndarray = ids[index]  # index -1 picks the trailing "" (no band)
    out.flags.writeable = False
    return out
