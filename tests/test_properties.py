"""Property tests where rules have edges: band boundaries, rounding, ranks, blank cells."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongbao.evaluate import assign_bands, rank_values
from tongbao.rules.formatting import Format, Published, format_value
from tongbao.rules.model import Band, Tier

rates = st.floats(min_value=0, max_value=1, allow_nan=False)
edges = st.lists(st.sampled_from([0.2, 0.5, 0.8, 0.9, 1.0]) | rates, min_size=1, max_size=5, unique=True)


def _tier(thresholds: list[float], op: str) -> Tier:
    bands = tuple(Band(f"b{i}", f"档{i}", 1, op, t, None, None, "") for i, t in enumerate(thresholds))
    return Tier("t", "t", "x", bands + (Band("rest", "其余", 0, "otherwise", None, None, None, ""),), None, None)


def _first_match(tier: Tier, x: float) -> int:
    if math.isnan(x):
        return -1
    tests = {"below": x.__lt__, "at_most": x.__le__, "at_least": x.__ge__, "above": x.__gt__}
    for i, band in enumerate(tier.bands):
        if band.op == "otherwise" or tests[band.op](band.threshold):
            return i
    return -1


@given(edges, st.lists(rates | st.just(float("nan")) | st.sampled_from([0.2, 0.5, 0.8, 0.9]), max_size=50),
       st.sampled_from(["below", "at_most"]))
def test_bands_are_the_first_match_read_top_down(thresholds, values, op) -> None:
    tier = _tier(sorted(thresholds), op)
    got = assign_bands(tier, np.array(values, dtype=float)).tolist()
    assert got == [_first_match(tier, v) for v in values]


@given(st.sampled_from([0.2, 0.5, 0.8, 0.9]))
def test_a_value_on_a_below_edge_falls_in_the_next_band_up(edge) -> None:
    tier = _tier([0.2, 0.5, 0.8, 0.9], "below")
    index = [0.2, 0.5, 0.8, 0.9].index(edge)
    assert assign_bands(tier, np.array([edge])).tolist() == [index + 1]


@given(st.lists(st.integers(0, 5) | st.just(None), max_size=40), st.booleans())
def test_shared_rank_is_one_plus_the_number_strictly_better(raw, descending) -> None:
    values = np.array([np.nan if v is None else float(v) for v in raw])
    ranks = rank_values(values, descending, "shared")
    for v, r in zip(values, ranks):
        if math.isnan(v):
            assert math.isnan(r)
        else:
            better = sum(1 for w in values if not math.isnan(w) and (w > v if descending else w < v))
            assert r == better + 1


@given(st.lists(st.integers(0, 3), min_size=1, max_size=30))
def test_table_order_ranks_are_a_permutation_keeping_ties_in_row_order(raw) -> None:
    ranks = rank_values(np.array(raw, dtype=float), True, "table_order")
    assert sorted(ranks.tolist()) == list(range(1, len(raw) + 1))
    for i in range(len(raw)):
        for j in range(i + 1, len(raw)):
            if raw[i] == raw[j]:
                assert ranks[i] < ranks[j]


@given(st.decimals(min_value=0, max_value=1, places=6, allow_nan=False), st.integers(0, 3))
def test_percent_display_rounds_half_up(value, decimals) -> None:
    want = (value * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert format_value(float(value), Format("percent", decimals)) == f"{want}%"


@pytest.mark.parametrize("value,shown", [(0.8, "80.00%"), (0.79995, "80.00%"), (0.79994, "79.99%"), (0.125, "12.50%")])
def test_percent_display_edges(value, shown) -> None:
    assert format_value(value, Format("percent", 2)) == shown


@settings(max_examples=200)
@given(st.integers(0, 100_000), st.integers(1, 100_000))
def test_a_published_rate_agrees_with_its_own_fraction(num, den) -> None:
    assume_rate = num / den
    printed = format_value(assume_rate, Format("percent", 1))
    assert Published.parse(printed).agrees(assume_rate)
