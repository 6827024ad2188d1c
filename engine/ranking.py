"""Rankings as circulars rank: several sort keys, a stated tie rule, ranks from the bottom, rosters.

A ranking sorts by its keys in turn (a later key only orders units equal on every earlier
one); units still equal on every key are tied and take places by the ranking's ``ties`` rule:
shared (1, 1, 3), dense (1, 1, 2) or table order (1, 2, 3). A unit with no value for the first
key is not ranked; a missing later key sorts last. Everything is one sort per ranking (per
group when ranking within groups; places from the bottom come from the same sort), no per-unit loop.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .rules.model import Ranking
from .sortorder import stable_order
from .unitgroups import Members, UnitGroups

TIE_WORDS = {
    "shared": "并列的单位名次相同，下一名次顺延（1、1、3）",
    "dense": "并列的单位名次相同，下一名次紧接（1、1、2）",
    "table_order": "并列时按表格中的先后排名（1、2、3）",
}


def oriented(values: Any, order: str, first: bool) -> np.ndarray:
    """One key as floats where smaller comes first: numbers, yes/no (1/0), dates or text (by character code)."""
    arr = np.asarray(values)
    if arr.dtype.kind in "OUS":
        _, codes = np.unique(arr.astype(str), return_inverse=True)
        out = codes.astype(np.float64)
    elif arr.dtype.kind == "M":
        out = np.where(np.isnat(arr), np.nan, arr.astype("datetime64[D]").astype(np.int64).astype(np.float64))
    else:
        out = arr.astype(np.float64, copy=False)  # read only below
    out = -out if order == "descending" else out
    return out if first else np.where(np.isnan(out), np.inf, out)  # a missing later key sorts last


def rank_keys(keys: list[np.ndarray], ties: str) -> np.ndarray:
    """1-based places from keys already oriented (smaller first); NaN in the first key: no place."""
    return places(keys, ties)[0]


def places(keys: list[np.ndarray], ties: str) -> tuple[np.ndarray, np.ndarray]:
    """(places from the top, places from the bottom), from one sort.

    Read from the bottom, the runs of tied units come in the reverse order and hold the same
    units (a missing later key sorts last one way and first the other), so one sort gives both.
    """
    n = len(keys[0])
    present = ~np.isnan(keys[0])
    idx = None if present.all() else np.flatnonzero(present)
    ahead, behind = (np.empty(n), np.empty(n)) if idx is None else (np.full(n, np.nan), np.full(n, np.nan))
    ks = keys if idx is None else [k[idx] for k in keys]
    m = len(ks[0])
    if m == 0:
        return ahead, behind
    order, starts = _sorted_runs(ks)
    position = np.arange(m)
    if ties == "shared":
        last = np.minimum.accumulate(np.where(np.append(starts[1:], True), position, m)[::-1])[::-1]
        up, down = np.maximum.accumulate(np.where(starts, position, 0)) + 1, m - last
    elif ties == "dense":
        up = np.cumsum(starts)
        down = up[-1] - up + 1
    else:
        up, down = position + 1, m - position
    for out, value in ((ahead, up), (behind, down)):
        if idx is None:
            out[order] = value
        else:
            out[idx[order]] = value
    return ahead, behind


def _sorted_runs(ks: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The stable order by the keys in turn, and where each run of units equal on every key starts."""
    if len(ks) == 1:  # one key: sort packed integers (sortorder), faster than an argsort past 1M
        return stable_order(ks[0])
    order = np.lexsort([np.arange(len(ks[0]))] + ks[::-1])  # lexsort's last key is the primary one
    starts = np.zeros(len(order), dtype=bool)
    starts[0] = True
    for k in ks:
        ordered = k[order]
        np.logical_or(starts[1:], ordered[1:] != ordered[:-1], out=starts[1:])
    return order, starts


def rank_columns(spec: Ranking, key_values: list[Any], pools: list[Members], n: int) -> dict[str, np.ndarray]:
    """``rank``, ``rank_from_bottom`` and ``ranked`` for every unit, each pool (all units or one group) apart."""
    keys = spec.keys
    forward = [oriented(v, k.order, i == 0) for i, (k, v) in enumerate(zip(keys, key_values))]
    whole = len(pools) == 1 and isinstance(pools[0], slice) and pools[0] == slice(0, n)  # all units: no copies
    out = {name: np.empty(0) if whole else np.full(n, np.nan) for name in ("rank", "rank_from_bottom", "ranked")}
    for pool in pools:
        ahead, behind = places(forward if whole else [k[pool] for k in forward], spec.ties)
        count = float(np.count_nonzero(~np.isnan(ahead)))
        ranked = np.where(np.isnan(ahead), np.nan, count)
        if whole:
            out["rank"], out["rank_from_bottom"], out["ranked"] = ahead, behind, ranked
        else:
            out["rank"][pool], out["rank_from_bottom"][pool], out["ranked"][pool] = ahead, behind, ranked
    for arr in out.values():
        arr.flags.writeable = False
    return out


def roster(places: np.ndarray, count: int) -> list[int]:
    """Units whose place is within ``count``, best place first (table order among equals)."""
    filled = np.nan_to_num(places, nan=np.inf)
    chosen = filled <= count
    order = np.lexsort((np.arange(len(places)), filled))
    return [int(i) for i in order if chosen[i]]


def cut_note(spec: Ranking, places: np.ndarray, count: int, chosen: list[int], end: str = "top") -> str:
    """What the tie rule did at the cut-off, in words for the report and explain (``end``: top or bottom)."""
    side, place = ("前", "第") if end == "top" else ("后", "倒数第")
    if spec.ties == "table_order":
        return f"取{side} {count} 名；数值相同时按表格中的先后。"
    if len(chosen) <= count:
        return f"取{side} {count} 名。"
    last = max(places[i] for i in chosen)
    tied = sum(1 for i in chosen if places[i] == last)
    return f"取{side} {count} 名；并列{place} {int(last)} 名的 {tied} 个单位一并列入，共 {len(chosen)} 个。"


def pools_of(n: int, groups: UnitGroups | None, within: str) -> list[Members]:
    """The units ranked together: all of them, or each group's (a slice where the group is one run)."""
    if within == "all" or groups is None:
        return [slice(0, n)]
    return list(groups.members)
