"""normalise_all (a column joined, normalised once, split) equals the one-cell rule on every cell."""
from __future__ import annotations

import math
import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongbao.data import fastcells
from tongbao.data.textcells import PLAIN, normalise, normalise_all, normalise_column

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


def _composition_seconds() -> set[str]:
    """Every character that can combine with the one before it: the second of each canonical
    two-character decomposition, and Hangul's vowel and final jamo."""
    seconds = {chr(c) for c in [*range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]}
    for c in range(0x110000):
        parts = unicodedata.decomposition(chr(c)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return seconds


def test_every_plain_character_is_left_as_it_is_in_any_company() -> None:
    plain = [chr(c) for c in range(0x110000) if re.fullmatch(f"[{PLAIN}]", chr(c))]
    assert len(plain) == 94 + (0x4DBF - 0x3400 + 1) + (0x9FFF - 0x4E00 + 1)
    seconds = _composition_seconds()
    assert "\u0301" in seconds and "\u3099" in seconds  # the check itself finds what combines
    odd = [c for c in plain if unicodedata.normalize("NFKC", c) != c or c.isspace() or unicodedata.combining(c) or c in seconds]
    assert odd == []


_plain = st.text(alphabet=st.sampled_from("!09Aaz~ 一鿿㐀䶿单位（\u3000\u0301e"), max_size=6)


@given(st.lists(_plain | st.none() | st.integers() | _text, max_size=30))
@settings(max_examples=300, deadline=None)
def test_a_long_column_of_plain_text_goes_to_polars_once(cells: list[object]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastcells, "FAST_MIN_CELLS", 0)  # every column is "many" cells here
        names, column = normalise_column(cells)
    assert names == [normalise(c) for c in cells]
    if column is not None:  # only when the cells need nothing: the very list given, and as polars holds it
        assert names is cells and column.to_list() == cells


def test_plain_names_by_hand() -> None:
    names = [f"单位{i:05d}" for i in range(fastcells.FAST_MIN_CELLS)]
    got, column = normalise_column(names)
    assert got is names and column.to_list() == names
    assert normalise_column(names[:-1])[1] is None  # fewer: no polars
    for odd, want in (("单位（一）", "单位(一)"), ("单 位", "单 位"), (" 单位", "单位"), ("e\u0301", "\u00e9")):
        got, column = normalise_column([*names[:-1], odd])
        assert (got[-1], got[:-1], column) == (want, names[:-1], None)
    got, column = normalise_column([*names[:-1], None])
    assert (got[-1], column) == ("", None)
    sub = _Odd("单位")
    got, column = normalise_column([*names[:-1], sub])
    assert got[-1] is sub and column.to_list()[-1] == "单位"  # a str subclass: its text, the object kept
