"""bands.first_true and bands.in_bands: the byte arithmetic and range tests say what np.select and a lookup table say."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tongbao.bands import first_true, in_bands

_conditions = st.integers(1, 30).flatmap(lambda n: st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=1, max_size=6))


@given(_conditions)
@settings(max_examples=300, deadline=None)
def test_first_true_is_np_select(rows: list[list[bool]]) -> None:
    conditions = [np.array(r) for r in rows]
    want = np.select(conditions, list(range(len(conditions))), default=-1)
    got = first_true(conditions, len(rows[0]))
    assert got.dtype == np.int8 and got.tolist() == want.tolist()


def test_first_true_by_hand_and_past_a_byte() -> None:
    a, b, c = np.array([1, 0, 0, 1, 0], bool), np.array([1, 1, 0, 0, 0], bool), np.array([0, 1, 1, 0, 0], bool)
    assert first_true([a, b, c], 5).tolist() == [0, 1, 2, 0, -1]
    many = [np.zeros(3, bool) for _ in range(200)]
    many[150][1] = many[199][1] = many[130][2] = True  # indices past int8 take the wider count
    assert first_true(many, 3).tolist() == [-1, 150, 130] and first_true(many, 3).dtype == np.int32


@given(st.lists(st.integers(-1, 4), min_size=1, max_size=40), st.sets(st.integers(0, 4)), st.sampled_from([np.int8, np.int32, np.int64]))
@settings(max_examples=300, deadline=None)
def test_in_bands_is_the_lookup(index: list[int], wanted: set[int], dtype: type) -> None:
    tier = SimpleNamespace(bands=[SimpleNamespace(id=f"b{k}") for k in range(5)])
    table = np.zeros(6, dtype=bool)
    table[sorted(wanted)] = True
    got = in_bands(np.array(index, dtype=dtype), tier, tuple(f"b{k}" for k in wanted))  # type: ignore[arg-type]
    assert got.tolist() == table[np.array(index)].tolist()


def test_bands_in_bytes_by_hand() -> None:
    """-1 (no band) read as an unsigned byte is 255, past every band: the first two bands of three, by hand."""
    tier = SimpleNamespace(bands=[SimpleNamespace(id=f"b{k}") for k in range(3)])
    index = np.array([0, -1, 2, 1, -1, 0], dtype=np.int8)
    assert in_bands(index, tier, ("b0", "b1")).tolist() == [True, False, False, True, False, True]  # type: ignore[arg-type]
    assert in_bands(index, tier, ("b2",)).tolist() == [False, False, True, False, False, False]  # type: ignore[arg-type]
