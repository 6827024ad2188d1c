"""report/numbertext.py: a column's JSON number texts gathered from a table of its distinct values are
the texts unittext.number_texts writes for each value, and a column the table cannot stand for has none."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from tongbao.report import numbertext, unittext
from tongbao.rules.formatting import Format

FORMATS = [Format("integer"), Format("percent", 2), Format("number", 1), Format("number")]


@pytest.fixture(autouse=True)
def small_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbertext, "MIN_ROWS", 8)


def _table(values: np.ndarray, fmt: Format) -> numbertext._Table | None:
    return numbertext._Table.of(values, fmt, unittext.number_texts)


def _texts(texts: pl.Series | pl.Expr) -> list[str]:
    """The texts, or those of the expression that gathers them (as the unit lines' query does)."""
    return (pl.select(texts).to_series() if isinstance(texts, pl.Expr) else texts).to_list()


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 6), st.integers(-10**7, 10**7), st.lists(st.integers(0, 40), min_size=40, max_size=200), st.sampled_from(FORMATS),
       st.integers(0, 100))
def test_gathered_texts_are_the_texts_of_each_value(d: int, low: int, steps: list[int], fmt: Format, at: int) -> None:
    column = (low + np.array(steps, dtype=np.int64)).astype(np.float64) / 10.0**d
    tables = unittext.number_tables()
    sl = slice(at % len(column), len(column))
    assert _texts(tables.texts(column, sl, fmt)) == unittext.number_texts(column[sl], fmt).to_list()


def test_rates_with_four_decimals_get_a_table_of_their_range() -> None:
    rates = np.tile([0.2139, 1.0, 0.0297, 1.0, 0.5, 0.0001, 0.9999, 0.3, 1.0, 0.25], 4_000)  # a range of 9,999 in 40,000 rows
    table = _table(rates, Format("percent", 2))
    assert table is not None and (table.scale, table.low, len(table.texts)) == (10_000.0, 1, 10_000)
    assert _table(rates[:39_995], Format("percent", 2)) is None  # a quarter of the rows is 9,998
    assert _texts(table.gather(rates[:4])) == ["0.2139", "1.0", "0.0297", "1.0"]
    counts = np.tile([237.0, 256, 378, 476, 18, 0, 60, 237, 500, 1], 201)  # a whole-number field read as floats
    table = _table(counts, Format("integer"))
    assert table is not None and (table.scale, table.low, len(table.texts)) == (1.0, 0, 501)
    assert _texts(table.gather(counts[:3])) == ["237", "256", "378"]


@pytest.mark.parametrize("values", [
    [0.5, 0.25, np.nan, 0.75] * 3,  # a NaN is written null: left to number_texts
    [0.5, 0.25, np.inf, 0.75] * 3,
    [0.5, -0.0, 0.25, 0.75] * 3,  # -0.0 equals 0.0 but is its own text
    [0.1 + 0.2, 0.5, 0.25, 0.75] * 3,  # 0.30000000000000004 is no k / 10**d with d ≤ 6
    [1e-7, 0.5, 0.25, 0.75] * 3,
    list(range(0, 120, 10)),  # 12 values over a range of 111: wider than a quarter of the rows
    [1e19] * 12,  # one k, past int64;
    # review: OverflowError, exit 3, from a metric such as registered * 100000
    [2.0**53, 2.0**53 + 2, 2.0**53, 2.0**53 + 4] * 3,  # from 2**53 on, not every k of the range is a float
])
def test_columns_a_table_cannot_stand_for_have_none(values: list[float]) -> None:
    column = np.array(values, dtype=np.float64)
    assert _table(column, Format("number", 2)) is None
    tables = unittext.number_tables()
    assert _texts(tables.texts(column, slice(0, 12), Format("number", 2))) == unittext.number_texts(column, Format("number", 2)).to_list()


def test_short_and_non_float_columns_have_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(numbertext, "MIN_ROWS", 50_000)
    assert _table(np.ones(49_999), Format("integer")) is None
    assert _table(np.ones(50_000), Format("integer")) is not None
    assert _table(np.ones(50_000, dtype=np.int64), Format("integer")) is None


def test_a_table_is_made_once_per_column_and_format() -> None:
    column = np.repeat(np.arange(10, dtype=np.float64), 4)
    made: list[int] = []
    tables = numbertext.NumberTables(lambda v, fmt: made.append(len(v)) or unittext.number_texts(v, fmt))
    for start in range(0, 40, 10):
        tables.texts(column, slice(start, start + 10), Format("number", 2))
    assert made == [10]  # the table of 0..9, once; no batch written apart
