"""The expression function round over a column equals the one-value decimal rule on every value,
most of all next to halves: products such as 3 × 0.5, 0.285 × 100 (28.499999999999996 in float)."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tongbao.rules.expressions import round_column
from tongbao.rules.formatting import round_half_up

_rates = st.decimals(min_value=-2, max_value=2, places=4, allow_nan=False, allow_infinity=False)
_counts = st.integers(-10_000, 10_000)
_products = st.tuples(_counts, _rates).map(lambda t: t[0] * float(t[1]))  # float noise near halves
_halves = st.tuples(st.integers(-10**9, 10**9), st.integers(0, 6)).map(lambda t: (t[0] + 0.5) / 10**t[1])
_values = _products | _halves | st.floats(-1e12, 1e12) | st.sampled_from([0.285 * 100, 1.005, 2.675, -0.5, 1e8 + 0.5, 0.0])


@given(st.lists(_values, min_size=1, max_size=40), st.integers(-3, 6))
@settings(max_examples=500, deadline=None)
def test_round_column_is_the_decimal_rule(values: list[float], digits: int) -> None:
    got = round_column(np.array(values), digits)
    want = [float(round_half_up(v, digits)) for v in values]
    assert got.tolist() == want, [(v, g, w) for v, g, w in zip(values, got.tolist(), want) if g != w]


def test_known_halves() -> None:
    assert round_column(np.array([1.5, 2.5, -2.5, 0.285 * 100, 1.005, 28.499999]), 0).tolist() == [2, 3, -3, 29, 1, 28]
    assert round_column(np.array([1.005, 2.675, 0.125]), 2).tolist() == [1.01, 2.68, 0.13]
    assert float(round_half_up(1.005, 2)) == 1.01 and Decimal("1.005") != Decimal(1.005)  # the rule reads 15 digits


def test_signs_of_zero_shapes_and_scalars_are_kept() -> None:
    # The numpy path works in place; what it returns is what sign(x) * steps returned before.
    got = round_column(np.array([-0.0, 0.0, -0.3, 0.3, -0.5, np.nan, -np.inf]), 0)
    assert np.signbit(got).tolist() == [False, False, True, False, True, False, True]
    assert np.isnan(got[5]) and got[4] == -1.0 and got[6] == -np.inf
    square = round_column(np.array([[1.5, 0.285 * 100], [-2.675, 7.0]]), 1)  # 0.285 × 100 takes the decimal rule
    assert square.shape == (2, 2) and square.tolist() == [[1.5, 28.5], [-2.7, 7.0]]
    assert round_column(np.array([[0.285 * 100]]), 0).tolist() == [[29.0]]
    plain, hard = round_column(2.5), round_column(0.285 * 100)
    assert (type(plain), plain) == (np.float64, 3.0)
    assert (type(hard), hard.shape, float(hard)) == (np.ndarray, (), 29.0)
    assert round_column(np.array([True, False])).tolist() == [1.0, 0.0]
    assert round_column(np.array([1234.5, 1250.0]), -2).tolist() == [1200.0, 1300.0]
    with np.errstate(over="ignore"):  # 1e300 × 10^10 overflows the float steps: the decimal rule keeps 1e300
        assert round_column(np.array([1e300, -1e300, 1e8 + 0.5, np.inf]), 10).tolist() == [1e300, -1e300, 1e8 + 0.5, np.inf]
