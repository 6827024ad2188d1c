"""Rankings as circulars rank: several sort keys, a stated tie rule, ranks from the bottom, rosters.

A ranking sorts by its keys in turn (a later key only orders units equal on every earlier
one); units still equal on every key are tied and take places by the ranking's ``ties`` rule:
shared (1, 1, 3), dense (1, 1, 2) or table order (1, 2, 3). A unit with no value for the first
key is not ranked; a missing later key sorts last. Everything is one lexsort per ranking
(per group when ranking within groups), no per-unit loop.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .rules.model import Ranking

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
        out = arr.astype(np.float64)
    out = -out if order == "descending" else out
    return out if first else np.where(np.isnan(out), np.inf, out)  # a missing later key sorts last


def rank_keys(keys: list[np.ndarray], ties: str) -> np.ndarray:
    """1-based places from keys already oriented (smaller first); NaN in the first key: no place."""
    n = len(keys[0])
    ranks = np.full(n, np.nan)
    idx = np.flatnonzero(~np.isnan(keys[0]))
    if idx.size == 0:
        return ranks
    ks = [k[idx] for k in keys]
    if len(ks) == 1:  # one key: a stable sort keeps table order among equals, and is faster than lexsort
        order = np.argsort(ks[0], kind="stable")
    else:
        order = np.lexsort([np.arange(idx.size)] + ks[::-1])  # lexsort's last key is the primary one
    starts = np.zeros(idx.size, dtype=bool)
    starts[0] = True
    for k in ks:
        ordered = k[order]
        np.logical_or(starts[1:], ordered[1:] != ordered[:-1], out=starts[1:])
    position = np.arange(idx.size)
    if ties == "shared":
        places = np.maximum.accumulate(np.where(starts, position, 0)) + 1
    elif ties == "dense":
        places = np.cumsum(starts)
    else:
        places = position + 1
    out = np.empty(idx.size)
    out[order] = places
    ranks[idx] = out
    return ranks


def rank_columns(spec: Ranking, key_values: list[Any], pools: list[np.ndarray], n: int) -> dict[str, np.ndarray]:
    """``rank``, ``rank_from_bottom`` and ``ranked`` for every unit, each pool (all units or one group) apart."""
    keys = spec.sort_keys
    forward = [oriented(v, k.order, i == 0) for i, (k, v) in enumerate(zip(keys, key_values))]
    backward = [-k for k in forward]
    out = {name: np.full(n, np.nan) for name in ("rank", "rank_from_bottom", "ranked")}
    for pool in pools:
        ahead = rank_keys([k[pool] for k in forward], spec.ties)
        count = float(np.count_nonzero(~np.isnan(ahead)))
        if spec.ties == "table_order":  # the strict order read backwards
            behind = count - ahead + 1
        else:
            behind = rank_keys([k[pool] for k in backward], spec.ties)
        out["rank"][pool] = ahead
        out["rank_from_bottom"][pool] = behind
        out["ranked"][pool] = np.where(np.isnan(ahead), np.nan, count)
    for arr in out.values():
        arr.flags.writeable = False
    return out


def roster(places: np.ndarray, count: int) -> list[int]:
    """Units whose place is within ``count``, best place first (table order among equals)."""
    filled = np.nan_to_num(places, nan=np.inf)
    chosen = filled <= count
    order = np.lexsort((np.arange(len(places)), filled))
    return [int(i) for i in order if chosen[i]]


def cut_note(spec: Ranking, places: np.ndarray, count: int, chosen: list[int]) -> str:
    """What the tie rule did at the cut-off, in words for the report and explain."""
    if spec.ties == "table_order":
        return f"取前 {count} 名；数值相同时按表格中的先后。"
    if len(chosen) <= count:
        return f"取前 {count} 名。"
    last = max(places[i] for i in chosen)
    tied = sum(1 for i in chosen if places[i] == last)
    return f"取前 {count} 名；并列第 {int(last)} 名的 {tied} 个单位一并列入，共 {len(chosen)} 个。"


def pools_of(n: int, groups: np.ndarray | None, group_ids: list[str], within: str) -> list[np.ndarray]:
    if within == "all" or groups is None:
        return [np.arange(n)]
    return [np.flatnonzero(groups == g) for g in group_ids]
