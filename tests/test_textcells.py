"""normalise_all (a column joined, normalised once, split) equals the one-cell rule on every cell."""
from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tongbao.data.textcells import normalise, normalise_all

# Characters where NFKC or strip do something: full-width forms, combining marks (which compose
# with the character before them), Hangul jamo, compatibility ideographs, spaces of several kinds, NUL.
_TRICKY = "０１９％／，（）ＡＢａ\u0301\u0308\u0327e\u00e9\u1100\u1161\u11a8\uf900\u2460\u3000\u00a0 \t\n\x1f\x00单位一"
_text = st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(), max_size=8)


@given(st.lists(_text, max_size=30))
@settings(max_examples=300, deadline=None)
def test_column_equals_cells(cells: list[str]) -> None:
    assert normalise_all(cells) == [normalise(c) for c in cells]


_utf8 = st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(exclude_categories=("Cs",)), max_size=8)  # polars holds UTF-8: no lone surrogates


@given(st.lists(_utf8 | st.none(), max_size=30))
@settings(max_examples=200, deadline=None)
def test_a_polars_column_equals_cells(cells: list[str | None]) -> None:
    import polars as pl  # the CSV fast path hands the key column over as polars text, None where a row is short

    assert normalise_all(pl.Series(cells, dtype=pl.String)) == [normalise(c) for c in cells]


@given(st.lists(_text | st.none() | st.floats() | st.integers(), max_size=20))
@settings(max_examples=100, deadline=None)
def test_mixed_cells_take_the_one_cell_rule(cells: list[object]) -> None:
    assert normalise_all(cells) == [normalise(c) for c in cells]


def test_known_values() -> None:
    assert normalise_all(["１２３", " 单位 ", "e\u0301", "a", "（一）"]) == ["123", "单位", "\u00e9", "a", "(一)"]
    assert normalise_all(np.array(["Ａ", "b "])) == ["A", "b"]
    assert normalise_all([None, math.nan, 3, "x\x00y"]) == ["", "", "3", "x\x00y"]
    assert normalise_all([]) == []
    import polars as pl

    assert normalise_all(pl.Series(["１２", None, " 单位 ", "x\x00y"], dtype=pl.String)) == ["12", "", "单位", "x\x00y"]
    assert normalise_all(pl.Series([], dtype=pl.String)) == []
    # a combining mark at the start of a cell stays with that cell, not the cell before it
    assert normalise_all(["e", "\u0301x"]) == ["e", "\u0301x"]


class _Odd(str):
    """A str subclass whose __str__ is not its text."""

    def __str__(self) -> str:
        return "odd"


def test_a_str_subclass_counts_as_its_text() -> None:
    # str.join reads the text a subclass holds, never its __str__ (the one-cell rule would call it)
    assert normalise_all([_Odd("单位"), "甲"]) == ["单位", "甲"]
    assert normalise_all([_Odd(" １２ "), "甲"]) == ["12", "甲"]
    assert normalise_all([_Odd("x\x00 y"), "甲"]) == ["x\x00 y", "甲"]  # a NUL inside: cell by cell, still its text
    assert all(type(c) is str for c in normalise_all([_Odd(" a"), "b"]))  # changed cells are new plain str


def test_one_cell_not_text_sends_the_column_one_by_one() -> None:
    # the failed join is the type check: an int or None in the middle, after and before plain text
    assert normalise_all(["Ａ", " b", 7, "ｃ "]) == ["A", "b", "7", "c"]
    assert normalise_all(["Ａ", None, "ｃ "]) == ["A", "", "c"]
    assert normalise_all(["a", math.nan, "b"]) == ["a", "", "b"]
    assert normalise_all(["a", 2.50, "b"]) == ["a", "2.5", "b"]
