"""Short number cells read from polars' string views by word arithmetic (data/shortnumbers.py).

A claimed cell must be what tables' per-cell rule reads as a number, with the value float(text)
(float(Decimal(body) / 100) for a percent); every other cell is left to the next tier.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from tongbao.arrowc import exported
from tongbao.data import fastcells
from tongbao.data.shortnumbers import _BLOCK, short_numbers

_BODY = re.compile(r"[0-9]*\.?[0-9]*")


def expected(cell: str | None, percent: bool) -> float | None:
    """The rule by hand: a cell of at most 8 bytes, its body digits and at most one dot, a digit at least."""
    if cell is None or (percent and not cell.endswith("%")):
        return None
    body = cell[:-1] if percent else cell
    if not (len(cell.encode()) <= 8 and _BODY.fullmatch(body) and any(c.isdigit() for c in body)):
        return None
    return float(Decimal(body) / 100) if percent else float(body)


def check(cells: list[str | None], percent: bool) -> np.ndarray:
    read = short_numbers(pl.Series(cells, dtype=pl.String), percent)
    assert read is not None
    values, claimed = read
    for cell, value, ok in zip(cells, values.tolist(), claimed.tolist()):
        want = expected(cell, percent)
        assert ok == (want is not None), (cell, percent)
        assert (value == want) if ok else math.isnan(value), (cell, value, want)
    return claimed


# Every byte class the word arithmetic tells apart: digits, the dot, its neighbours in ASCII
# (space to "/" share its bit 4; ":" to "?" follow "9"), "%", letters, NUL, and non-ASCII.
ALPHABET = "0123456789" * 3 + "..%%-+, /:?*#eE\x00\x7fé１٣"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet=ALPHABET, max_size=12), st.from_regex(r"[0-9]{0,9}\.?[0-9]{0,9}%?", fullmatch=True),
                          st.none()), min_size=1, max_size=40), st.booleans())
def test_any_cells_are_claimed_as_the_rule_says_with_exact_values(cells: list[str | None], percent: bool) -> None:
    check(cells, percent)


def test_cells_by_hand() -> None:
    cells = ["237", "84.81%", "100%", "5.", ".5", ".", "1.2.3", "12345678", "123456789", "1234567.8", "", "%", "0", "00.000",
             "1-2", "1,2", "1/2", "1:2", "1%2", "1 2", "-1", "+1", "1e5", "99.999%", "1234.5%", "12345.6%", "123456.7%", "0.0695%", "93.1%"]
    values, claimed = short_numbers(pl.Series(cells), False)  # type: ignore[misc]
    assert [c for c, ok in zip(cells, claimed) if ok] == ["237", "5.", ".5", "12345678", "0", "00.000"]
    assert values[claimed].tolist() == [237.0, 5.0, 0.5, 12345678.0, 0.0, 0.0]
    values, claimed = short_numbers(pl.Series(cells), True)  # type: ignore[misc]
    assert [c for c, ok in zip(cells, claimed) if ok] == ["84.81%", "100%", "99.999%", "1234.5%", "12345.6%", "0.0695%", "93.1%"]
    assert values[claimed].tolist() == [0.8481, 1.0, 0.99999, 12.345, 123.456, 0.000695, 0.931]  # 93.1%: 0.931, not 0.9309999…


def test_chunks_a_sliced_chunk_and_nulls() -> None:
    # The CSV reader's columns are slices (the header row cut off) of several chunks, nulls for short rows.
    first = pl.Series(["header", "1", None, "2.5"])
    series = pl.concat([first.slice(1), pl.Series(["7", "x", None]), pl.Series(["3%"])], rechunk=False)
    with exported(series.get_chunks()[0]) as (array, _):
        assert (array.offset, array.length) == (1, 3)  # the first chunk's views start one view in
    claimed = check(series.to_list(), False)
    values, _ = short_numbers(series, False)  # type: ignore[misc]
    assert claimed.tolist() == [True, False, True, True, False, False, False]
    assert values[claimed].tolist() == [1.0, 2.5, 7.0]


def test_a_column_not_of_string_views_is_left_to_polars() -> None:
    assert short_numbers(pl.Series(["1", "2"]).cast(pl.Categorical), False) is None


@pytest.mark.parametrize("percent, tokens, cells, claimed", [
    (False, ("0",), ["0", "00", "0.", ".0", "5"], [False, True, True, True, True]),
    (False, (".5", "/"), [".5", "0.5", "/"], [False, True, False]),
    (True, ("0%",), ["0%", "0", "1%"], [False, False, True]),
])
def test_a_not_applicable_token_that_reads_as_a_number_is_not_claimed(percent: bool, tokens: tuple[str, ...], cells: list[str],
                                                                      claimed: list[bool]) -> None:
    values, got = fastcells.plain_numbers(pl.Series(cells), percent, tokens)
    assert got.tolist() == claimed
    assert np.isnan(values[~got]).all()


def test_a_block_without_a_dot_and_one_with_dots() -> None:
    # A block whose cells hold no dot (an integer column's) skips taking the dot out; its neighbour does not.
    whole = [str(i * 7919 % 100_000_000) for i in range(_BLOCK)]
    dotted = [f"{i % 1000}.{i % 97}" for i in range(_BLOCK)]
    cells = whole + dotted + ["12", "1.5", "1-5", "1:5"]
    values, claimed = short_numbers(pl.Series(cells), False)  # type: ignore[misc]
    assert claimed.tolist() == [True] * (2 * _BLOCK + 2) + [False, False]
    assert values[:-2].tolist() == [float(c) for c in cells[:-2]]
    assert values[_BLOCK - 1] == float((_BLOCK - 1) * 7919 % 100_000_000) and values[_BLOCK + 98] == 98.1
