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


def oriented(values: Any, order: str, first: bool, buffer: np.ndarray | None = None) -> np.ndarray:
    """One key as floats where smaller comes first: numbers, yes/no (1/0), dates or text (by character code).

    A descending key is negated into ``buffer`` when one of its shape is given: a million-value
    array the caller writes over later, where a fresh one costs as much again in page faults.
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "OUS":
        _, codes = np.unique(arr.astype(str), return_inverse=True)
        out = codes.astype(np.float64)
    elif arr.dtype.kind == "M":
        out = np.where(np.isnat(arr), np.nan, arr.astype("datetime64[D]").astype(np.int64).astype(np.float64))
    else:
        out = arr.astype(np.float64, copy=False)  # read only below
    if order == "descending":
        out = np.negative(out, out=buffer if buffer is not None and buffer.shape == out.shape else None)
    return out if first else np.where(np.isnan(out), np.inf, out)  # a missing later key sorts last


def rank_keys(keys: list[np.ndarray], ties: str) -> np.ndarray:
    """1-based places from keys already oriented (smaller first); NaN in the first key: no place."""
    return places(keys, ties)[0]


def places(keys: list[np.ndarray], ties: str) -> tuple[np.ndarray, np.ndarray]:
    """(places from the top, places from the bottom), from one sort (or none: see _counted)."""
    ahead, behind = np.empty(len(keys[0])), np.empty(len(keys[0]))
    place_into(keys, ties, ahead, behind)
    return ahead, behind


def place_into(keys: list[np.ndarray], ties: str, ahead: np.ndarray, behind: np.ndarray) -> int:
    """Write each unit's places from the top and from the bottom into ``ahead`` and ``behind`` (NaN
    where the first key has no value: not ranked); returns how many units are ranked.

    Read from the bottom, the runs of tied units come in the reverse order and hold the same
    units (a missing later key sorts last one way and first the other), so one sort gives both.
    """
    first = keys[0]
    missing = len(first) > 0 and np.isnan(first.min())  # min is NaN where any is: no million-value mask when none is
    idx = np.flatnonzero(~np.isnan(first)) if missing else None
    ks = keys if idx is None else [k[idx] for k in keys]
    m = len(ks[0])
    if idx is not None:
        ahead.fill(np.nan)
        behind.fill(np.nan)
    if m == 0:
        return 0
    if idx is None:
        _place_present(ks, ties, ahead, behind)
    else:
        up, down = np.empty(m), np.empty(m)
        _place_present(ks, ties, up, down)
        ahead[idx], behind[idx] = up, down
    return m


def _place_present(ks: list[np.ndarray], ties: str, ahead: np.ndarray, behind: np.ndarray) -> None:
    if len(ks) == 1 and ties != "table_order" and _short_whole_numbers(ks[0], scratch=ahead):
        return _counted(ks[0], ties, ahead, behind)
    order, starts = _sorted_runs(ks)
    m = len(order)
    if ties == "table_order":
        ahead[order] = np.arange(1.0, m + 1.0)
        behind[order] = np.arange(float(m), 0.0, -1.0)
        return None
    run = np.cumsum(starts)  # each sorted position's run, from 1
    first = np.flatnonzero(starts)  # where each run starts
    top, bottom = np.empty(len(first) + 1), np.empty(len(first) + 1)  # by run; entry 0 unused
    if ties == "shared":  # a run's place is its first position's; from the bottom, its last one's
        np.add(first, 1.0, out=top[1:])
        np.subtract(float(m + 1), np.append(first[1:], m), out=bottom[1:])
    else:  # dense: the run's number, from either end
        top[:] = np.arange(len(top))
        bottom[:] = len(first) + 1.0 - top
    ahead[order] = top[run]
    behind[order] = bottom[run]
    return None


def _short_whole_numbers(key: np.ndarray, scratch: np.ndarray | None = None) -> bool:
    """Whole numbers spanning at most a few times as many values as there are units (scores in points):
    places then come from counting each value's units, with no sort. ``scratch`` (as long as ``key``,
    written over afterwards) takes the rounded values instead of a fresh array."""
    head = key[:64]
    if not (head == np.floor(head)).all():  # rates and other fractions: known from the first few
        return False
    span = float(key.max()) - float(key.min())  # infinite when a key is
    return span <= max(4 * len(key), 1 << 16) and bool((key == np.floor(key, out=scratch)).all())


def _counted(key: np.ndarray, ties: str, ahead: np.ndarray, behind: np.ndarray) -> None:
    """Places by counting the units at each value below and above (shared or dense ties): what
    the sort gives, as every tie rule but table order depends only on the values."""
    lowest = float(key.min())
    # exact: whole numbers, a short span; cast as written (no float array of differences first)
    codes = np.subtract(key, lowest, out=np.empty(len(key), dtype=np.intp), casting="unsafe")
    counts = np.bincount(codes)
    if ties == "shared":
        below = np.cumsum(counts) - counts  # units with a smaller (better) value
        by_value = below + 1.0, float(len(key) + 1) - below - counts
    else:
        seen = np.cumsum(counts > 0).astype(np.float64)  # distinct values up to each one
        by_value = seen, seen[-1] + 1.0 - seen
    # every code is in range: "clip" checks nothing, where the default "raise" gathers into a buffer and copies it out
    np.take(by_value[0], codes, out=ahead, mode="clip")
    np.take(by_value[1], codes, out=behind, mode="clip")


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
    """``rank``, ``rank_from_bottom`` and ``ranked`` for every unit, each pool (all units or one group) apart.

    A pool that is a slice is written in place (views); groups interleaved in the table are gathered.
    """
    keys = spec.keys
    runs = [p for p in pools if isinstance(p, slice)]
    tiled = len(runs) == len(pools) and sum(p.stop - p.start for p in runs) == n  # every unit written below: no NaN fill first
    out = {name: np.empty(n) if tiled else np.full(n, np.nan) for name in ("rank", "rank_from_bottom", "ranked")}
    # When the pools tile the table, a descending first key is negated into "ranked": each pool's keys
    # are read before its own "ranked" is written, and pools do not overlap.
    scratch = out["ranked"] if tiled else None
    forward = [oriented(v, k.order, i == 0, scratch if i == 0 else None) for i, (k, v) in enumerate(zip(keys, key_values))]
    for pool in pools:
        ks = [k[pool] for k in forward]
        if isinstance(pool, slice):
            ahead, behind = out["rank"][pool], out["rank_from_bottom"][pool]
            count = place_into(ks, spec.ties, ahead, behind)
        else:
            ahead, behind = places(ks, spec.ties)
            count = len(ahead) - int(np.count_nonzero(np.isnan(ahead)))
            out["rank"][pool], out["rank_from_bottom"][pool] = ahead, behind
        out["ranked"][pool] = count if count == len(ahead) else np.where(np.isnan(ahead), np.nan, float(count))
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
