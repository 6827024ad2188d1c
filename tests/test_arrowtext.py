"""report/arrowtext: a polars String column's text, joined, as views of polars' own buffers."""
from __future__ import annotations

import gc

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tongbao.report.arrowtext import joined


def _plain(series: pl.Series) -> bytes:
    return "".join(series.to_list()).encode("utf-8")


def test_a_column_polars_built_row_by_row_is_given_as_its_own_buffers() -> None:
    lines = pl.select(pl.format(",\n  {{{}}}", pl.lit(pl.Series([f"单位{i:08d}" for i in range(50_000)])))).to_series()
    pieces = joined(lines)
    assert all(isinstance(p, memoryview) for p in pieces) and len(pieces) > 1  # polars grows its buffers: several
    assert b"".join(pieces) == _plain(lines)
    first_two = ",\n  {单位00000000},\n  {单位00000001}".encode()  # back to back
    assert bytes(pieces[0][:len(first_two)]) == first_two
    assert sum(len(p) for p in pieces) == 50_000 * len(',\n  {单位00000000}'.encode())


def test_the_views_keep_polars_memory_alive_after_the_column_is_gone() -> None:
    lines = pl.select(pl.format("<{}>", pl.lit(pl.Series(["x" * 20 + str(i) for i in range(10_000)])))).to_series()
    expected = _plain(lines)
    pieces = joined(lines)
    del lines
    gc.collect()
    junk = [pl.Series(["y" * 40] * 10_000) for _ in range(20)]  # memory freed too early would be written over here
    assert b"".join(pieces) == expected and len(junk) == 20


def test_layouts_that_are_not_back_to_back_are_joined_by_copy() -> None:
    short = pl.Series(["a", "bb" * 10, "ccc"])  # "a" and "ccc" live inside their views, not in a buffer
    assert joined(short) == [b"a" + b"bb" * 10 + b"ccc"]
    long = pl.select(pl.format("{}!", pl.lit(pl.Series(["v" * 30 + str(i) for i in range(1000)])))).to_series()
    middle = long.slice(100, 50)  # starts inside a buffer: its first buffer is not all its own
    assert [type(p) for p in joined(middle)] == [bytes]
    assert b"".join(joined(middle)) == _plain(middle)
    chunks = pl.concat([long.slice(5, 10), long], rechunk=False)
    assert chunks.n_chunks() == 2
    assert b"".join(joined(chunks)) == _plain(chunks)
    assert joined(pl.Series([], dtype=pl.String)) == []
    assert joined(pl.Series([""] * 3)) == []  # nothing to write: no empty pieces


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=40), max_size=60), st.integers(0, 5))
def test_any_column_joins_to_its_text(values: list[str], cut: int) -> None:
    try:
        series = pl.Series(values, dtype=pl.String)
    except Exception:  # a lone surrogate: polars holds UTF-8 only, and the writer never gives it one
        return
    for s in (series, series.slice(cut), pl.select(pl.format("[{}]", pl.lit(series))).to_series()):
        assert b"".join(joined(s)) == _plain(s)
