"""sortorder.stable_order (packed integer sort, runs re-sorted) equals np.argsort(kind="stable"),
and ranking.places gives, from one sort, what ranking the negated keys gives from the bottom."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongbao import sortorder
from tongbao.ranking import places, rank_keys

# Values that collide in the high bits (neighbouring doubles), signed zeros, infinities, repeats.
_near = [0.5, np.nextafter(0.5, 1.0), np.nextafter(0.5, 0.0), 0.5 + 1e-12, 0.0, -0.0, 1.0, -1.0, -1.0 - 2e-16,
         math.inf, -math.inf, 1e300, -1e-300, 5e-324, 0.285 * 100, 28.5]
_keys = st.lists(st.sampled_from(_near) | st.floats(allow_nan=False), min_size=1, max_size=60)


@pytest.fixture(autouse=True)
def _packed_path_even_when_small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sortorder, "SMALL", 0)


@given(_keys)
@settings(max_examples=400, deadline=None)
def test_stable_order_is_the_stable_argsort(values: list[float]) -> None:
    key = np.array(values, dtype=np.float64)
    order, starts = sortorder.stable_order(key)
    want = np.argsort(key, kind="stable")
    assert order.tolist() == want.tolist()
    ordered = key[want]
    assert starts.tolist() == [True] + (ordered[1:] != ordered[:-1]).tolist()


def test_many_keys_sharing_high_bits_fall_back_to_argsort() -> None:
    key = 0.5 + np.arange(100_000) * 2.0**-52  # distinct, all alike in their high 47 bits
    order, starts = sortorder.stable_order(key[::-1].copy())
    assert order.tolist() == np.argsort(key[::-1], kind="stable").tolist()
    assert starts.all()


@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.sampled_from(_near[:8]) | st.just(math.nan), min_size=n, max_size=n),
    st.lists(st.sampled_from([0.0, 1.0, math.inf]), min_size=n, max_size=n))),
    st.sampled_from(["shared", "dense", "table_order"]), st.booleans())
@settings(max_examples=400, deadline=None)
def test_places_from_the_bottom_are_the_negated_ranking(keys: tuple[list[float], list[float]], ties: str, two: bool) -> None:
    ks = [np.array(keys[0]), np.array(keys[1])][: 2 if two else 1]
    ahead, behind = places(ks, ties)
    assert np.array_equal(ahead, rank_keys(ks, ties), equal_nan=True)
    if ties == "table_order":  # the strict order read backwards
        want = np.count_nonzero(~np.isnan(ahead)) - ahead + 1
    else:
        want = _lexsort_places([-k for k in ks], ties)
    assert np.array_equal(behind, want, equal_nan=True), (keys, behind, want)


def _lexsort_places(ks: list[np.ndarray], ties: str) -> np.ndarray:
    """The ranking as it was computed before one sort served both directions (a reference)."""
    ranks = np.full(len(ks[0]), np.nan)
    idx = np.flatnonzero(~np.isnan(ks[0]))
    if idx.size == 0:
        return ranks
    sub = [k[idx] for k in ks]
    order = np.lexsort([np.arange(idx.size)] + sub[::-1])
    starts = np.zeros(idx.size, dtype=bool)
    starts[0] = True
    for k in sub:
        np.logical_or(starts[1:], k[order][1:] != k[order][:-1], out=starts[1:])
    position = np.arange(idx.size)
    got = np.maximum.accumulate(np.where(starts, position, 0)) + 1 if ties == "shared" else np.cumsum(starts)
    out = np.empty(idx.size)
    out[order] = got
    ranks[idx] = out
    return ranks


def test_random_doubles_share_high_bits_and_are_resorted() -> None:
    rng = np.random.default_rng(5)
    key = np.concatenate([rng.random(300_000), np.round(rng.random(100_000), 2), -rng.random(100_000)])
    rng.shuffle(key)
    bits = sortorder.ordered_bits(key)
    width = np.uint64((len(key) - 1).bit_length())
    assert len(np.unique(bits >> width)) < len(np.unique(bits))  # the packed sort alone would misorder some
    order, _ = sortorder.stable_order(key)
    assert order.tolist() == np.argsort(key, kind="stable").tolist()


@given(st.lists(st.integers(-5, 5).map(float) | st.sampled_from([math.nan, -0.0]), min_size=1, max_size=80),
       st.sampled_from(["shared", "dense"]))
@settings(max_examples=400, deadline=None)
def test_whole_number_keys_are_placed_by_counting_as_by_sorting(values: list[float], ties: str) -> None:
    """Scores in whole points take ranking._counted (no sort): the same places both ways as the sorted path."""
    from tongbao import ranking

    key = np.array(values)
    assert np.isnan(key).all() or ranking._short_whole_numbers(key[~np.isnan(key)])
    ahead, behind = places([key], ties)
    assert np.array_equal(ahead, _lexsort_places([key], ties), equal_nan=True)
    assert np.array_equal(behind, _lexsort_places([-key], ties), equal_nan=True)


def test_counted_places_known_values() -> None:
    """Hand-counted: 3, 1, 3, 2, blank, -0, 0 (smaller first) — shared 5 3 5 4 · 1 1 from the top, 1 4 1 3 · 5 5 from the bottom."""
    key = np.array([3.0, 1.0, 3.0, 2.0, math.nan, -0.0, 0.0])
    ahead, behind = places([key], "shared")
    assert np.array_equal(ahead, [5, 3, 5, 4, math.nan, 1, 1], equal_nan=True)
    assert np.array_equal(behind, [1, 4, 1, 3, math.nan, 5, 5], equal_nan=True)
    ahead, behind = places([key], "dense")
    assert np.array_equal(ahead, [4, 2, 4, 3, math.nan, 1, 1], equal_nan=True)
    assert np.array_equal(behind, [1, 3, 1, 2, math.nan, 4, 4], equal_nan=True)


def test_fractions_or_a_long_span_are_sorted() -> None:
    from tongbao import ranking

    assert not ranking._short_whole_numbers(np.array([1.0, 2.5, 3.0]))
    assert not ranking._short_whole_numbers(np.r_[np.zeros(64), 0.5])  # a fraction after the first 64
    assert not ranking._short_whole_numbers(np.array([0.0, 1e9]))  # a span far beyond the units
    assert not ranking._short_whole_numbers(np.array([0.0, math.inf]))
    assert ranking._short_whole_numbers(np.array([-3.0, 7.0, 0.0]))


def test_descending_key_is_negated_into_ranked_when_pools_tile() -> None:
    """Two groups as slices, descending, shared ties (hand-ranked): the key's negation is written into
    "ranked" and read before each group's count overwrites it; the caller's values are left as they were."""
    from types import SimpleNamespace

    from tongbao import ranking

    values = np.array([3.0, math.nan, 5.0, 5.0, 1.0, 2.0, 2.0, math.nan, 7.0])
    kept = values.copy()
    spec = SimpleNamespace(keys=(SimpleNamespace(order="descending"),), ties="shared")
    out = ranking.rank_columns(spec, [values], [slice(0, 5), slice(5, 9)], 9)  # type: ignore[arg-type]
    assert np.array_equal(out["rank"], [3, math.nan, 1, 1, 4, 2, 2, math.nan, 1], equal_nan=True)
    assert np.array_equal(out["rank_from_bottom"], [2, math.nan, 3, 3, 1, 1, 1, math.nan, 3], equal_nan=True)
    assert np.array_equal(out["ranked"], [4, math.nan, 4, 4, 4, 3, 3, math.nan, 3], equal_nan=True)
    assert np.array_equal(values, kept, equal_nan=True)
    interleaved = ranking.rank_columns(spec, [values], [np.array([0, 1, 2, 3, 4]), np.array([5, 6, 7, 8])], 9)  # type: ignore[arg-type]
    assert all(np.array_equal(interleaved[k], out[k], equal_nan=True) for k in out)
    buffer = np.empty(9)
    assert ranking.oriented(values, "descending", True, buffer) is buffer and buffer[8] == -7.0


def test_few_shared_high_bits_read_only_those_keys() -> None:
    """Mostly distinct keys (under a quarter of neighbours share their high bits): the runs come from
    reading just the keys that do — two equal 0.25s, and 0.5 beside its neighbouring double, which
    share their high bits but differ (re-sorted) — and equal the stable argsort's."""
    near = np.nextafter(0.5, 1.0)
    key = np.array([3.0, 0.5, 0.25, -1.0, near, 0.25, 2.0, 7.0, 0.5, -4.0, 9.0, 11.0, 13.0, 17.0, 19.0, 23.0])
    order, starts = sortorder.stable_order(key)
    assert order.tolist() == np.argsort(key, kind="stable").tolist() == [9, 3, 2, 5, 1, 8, 4, 6, 0, 7, 10, 11, 12, 13, 14, 15]
    assert np.flatnonzero(~starts).tolist() == [3, 5]  # the second 0.25 and the second 0.5 start no run
