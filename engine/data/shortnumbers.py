"""Short plain number cells (``237``, ``84.81%``), read from polars' string views by word arithmetic.

A polars String column is an Arrow string-view array: 16 bytes a cell, the length in the first 4
and, for a cell of at most 12 bytes, the text itself in the other 12. A cell of at most 8 bytes
is therefore one 64-bit word beside its length, and numpy can check and read
every such cell with ~50 whole-array integer operations (SWAR: "SIMD within a register", the
technique of simdjson and fast_float), where polars' string expressions each walk the cells one by
one: ~40 ms a million cells, against ~170 for the four polars passes of ``fastcells._bare_numbers``.

A cell of at most 8 bytes is claimed when its body (the cell, or for a percent the cell without
its final ``%``) is digits with at most one dot among them, at least one digit: what ``float()`` and ``Decimal()`` read, and what tables' per-cell
rule accepts. Its value is m / 10**k, m the digits without the dot, k the digits after it (+2 for a
percent): both exact doubles, so the division gives the double nearest the decimal (fastcells' note).
Every other cell is left unclaimed for the next tier. Words are worked in blocks that stay in the
CPU's cache (a million-cell temporary is 8 MB; a block's, 128 KB).
"""
from __future__ import annotations

from typing import Any

import numpy as np

_U = np.uint64
_BLOCK = 16_384
_LOW = np.array([(1 << (8 * i)) - 1 for i in range(9)], dtype=_U)  # the low i bytes of a word
_POW10 = np.array([float(10**k) for k in range(11)])
_BYTES = 0x0101010101010101  # one in every byte of a word
# The words' constants as numpy scalars once (made per block, they cost more than some blocks' work).
_1, _3, _7, _8, _32, _BYTE, _LOW32, _CLEAR3 = (_U(x) for x in (1, 3, 7, 8, 32, 0xFF, 0xFFFFFFFF, 2**64 - 8))
_CHAR_0, _TOP3, _BIT4, _PAST_9, _HIGH = (_U(x * _BYTES) for x in (0x30, 0xE0, 0x10, 0x76, 0x80))
_PERCENT, _DOT = _U(ord("%")), _U(ord(".") ^ 0x30)
_PAIRS, _FOURS, _EIGHT = _U(10 * 256 + 1), _U(100 * 65536 + 1), _U(10000 * 2**32 + 1)
_MASK_PAIRS, _MASK_FOURS, _16 = _U(0x00FF00FF00FF00FF), _U(0x0000FFFF0000FFFF), _U(16)


def short_numbers(series: Any, percent: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """(values, claimed) for a polars String column, NaN and False where unclaimed (nulls too);
    None when the column is not laid out as string views (then the caller's polars tiers read it)."""
    import ctypes

    from ..arrowc import STRING_VIEW, exported

    n = len(series)
    values, claimed = np.empty(n), np.empty(n, dtype=bool)
    at = 0
    for chunk in series.get_chunks():
        with exported(chunk) as (array, schema):
            if schema.format != STRING_VIEW or not np.little_endian:
                return None  # (the words are read little-endian)
            size, skip = array.length, array.offset
            # Each view as two words, read where polars keeps them (the chunk holds that memory).
            raw = (ctypes.c_char * ((skip + size) * 16)).from_address(array.buffers[1]) if size else b""
            views = np.frombuffer(raw, dtype=_U).reshape(-1, 2)[skip:]
            for start in range(0, size, _BLOCK):
                end = min(size, start + _BLOCK)
                _read(views[start:end], int(percent), values[at + start:at + end], claimed[at + start:at + end])
        at += size
    if series.null_count():  # a null's view is not a cell's text
        claimed &= series.is_not_null().to_numpy()
        values[~claimed] = np.nan
    return values, claimed


def _read(views: np.ndarray, percent: int, values: np.ndarray, claimed: np.ndarray) -> None:
    """One block: the cells' values and claims written into ``values`` and ``claimed``."""
    length = views[:, 0] & _LOW32
    text = views[:, 0] >> _32  # the text's first 8 bytes: 4 in each word, first character lowest
    text |= views[:, 1] << _32
    body = length - (_1 + percent)  # body bytes - 1, wrapping past 2**63 for an empty cell
    np.less_equal(body, (_7 - percent), out=claimed)  # a body of 1-8 bytes (1-7 for a percent: 8 in all)
    body += _1
    if percent:
        claimed &= ((text >> (body << _3)) & _BYTE) == _PERCENT
    # XOR with "0" in every byte: digits become 0-9 and the dot 0x1E; past the body, 0.
    cells = text ^ _CHAR_0
    cells &= _LOW.take(body, mode="clip")
    claimed &= (cells & _TOP3) == 0  # every byte 0-0x1F: digits, ":" to "?" (10-15) or space to "/" (bit 4)
    dot = cells & _BIT4
    if dot.any():
        places = _without_dot(cells, dot, body, claimed)
        np.divide(cells, _POW10.take(places + 2 * percent, mode="clip"), out=values)
    else:  # no dot in the block (an integer column): no dot to take out, no places
        _digits_value(cells, body, claimed)
        np.divide(cells, _POW10[2 * percent], out=values)
    values[~claimed] = np.nan


def _without_dot(cells: np.ndarray, dot: np.ndarray, body: np.ndarray, claimed: np.ndarray) -> np.ndarray:
    """``cells`` as the integer its digits spell once the dot (bit 4 of one byte: ``dot``) is taken
    out; returns the digits after the dot."""
    below = dot - _1
    claimed &= (dot & below) == 0  # bit 4 in one byte at most
    below &= ~dot
    at = np.bitwise_count(below).astype(_U)  # the bits below that byte's bit 4: 8 * its place + 4 (64: none)
    at &= _CLEAR3
    has_dot = (dot != 0).astype(_U)
    claimed &= ((cells >> at) & _BYTE) == has_dot * _DOT  # that byte is the dot, not "-" or ","
    rest = cells >> (at + _8)
    rest <<= at
    cells &= (_1 << at) - _1
    cells |= rest  # the digits, first lowest
    _digits_value(cells, body - has_dot, claimed)
    places = body - _1 - (at >> _3)
    places *= has_dot
    return places


def _digits_value(cells: np.ndarray, count: np.ndarray, claimed: np.ndarray) -> None:
    """``cells`` (``count`` bytes, the first lowest) becomes the integer its digits spell; a cell of
    no digit, or with a byte that is no digit, is unclaimed."""
    claimed &= count != 0
    cells <<= (_8 - count) << _3  # the last digit in the top byte: zeros before the first
    claimed &= ((cells + _PAST_9) & _HIGH) == 0  # each byte 0-9 (any from 10 up reaches 0x80)
    # Eight digits to an integer in three multiplications (simdjson's parse_eight_digits_unrolled):
    # pairs, then fours, then the eight.
    cells *= _PAIRS
    cells >>= _8
    cells &= _MASK_PAIRS
    cells *= _FOURS
    cells >>= _16
    cells &= _MASK_FOURS
    cells *= _EIGHT
    cells >>= _32
