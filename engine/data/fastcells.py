"""Typing a whole column of number cells at once, for the cells whose value is certain.

``tables.parse_column`` types cells one by one (NFKC, strip, not-applicable tokens, blanks,
percent in decimal, range checks, a message for each bad cell): ~2 µs a cell. Most cells of a
large table are plain ASCII numbers such as ``237`` or ``84.81%``; this module reads those with
polars expressions over the whole column and hands back which cells it *claimed*. Every other
cell (blank, full-width, not applicable, malformed, out of range) still goes through the
per-cell path, which writes the messages, so both paths give the same table and the same errors.

Exactness: a claimed cell is ``[+-]digits[.digits]`` with at most 15 digits, so its value is
``m / 10**k`` for integers m < 2**53 and k <= 17. Both are exact doubles and IEEE division
rounds correctly, so the result is the double nearest the decimal — what ``float(text)`` gives,
and what ``float(Decimal(text) / 100)`` gives for a percent (never ``float("93.1") / 100``).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from . import shortnumbers

FAST_MIN_CELLS = 5_000  # below this the per-cell path is quick, and polars' import is not
ASCII_SPACE = "".join(c for c in map(chr, range(128)) if c.isspace())  # what str.strip() removes from ASCII
_POW10 = np.array([float(10**k) for k in range(23)])


def as_series(values: Any) -> Any:
    """The cells as a polars Series of str, or None when they are not all text (or too few to pay)."""
    if len(values) < FAST_MIN_CELLS:
        return None
    import polars as pl

    if isinstance(values, pl.Series):
        return values if values.dtype == pl.String else None
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if not isinstance(values, list) or not all(type(v) is str for v in values):
        return None  # Python numbers from an embedding tool keep their own rules (percent as a fraction)
    return pl.Series(values, dtype=pl.String)


def plain_numbers(series: Any, percent: bool, not_applicable: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """(values, claimed): the value of each plain ASCII number cell, NaN and False elsewhere.

    Three tiers, each given the cells the one before left: short bare cells (``237``, ``84.81%``:
    at most 8 digits and a dot) by word arithmetic on polars' string views (``shortnumbers``), which
    are most cells of a large table; longer bare cells in four polars passes; then cells with spaces,
    signs or thousands commas through the longer general pipeline."""
    short = shortnumbers.short_numbers(series, percent)
    if short is None:
        values, claimed = _bare_numbers(series, percent, not_applicable)
    else:
        values, claimed = short
        _not_applicable(series, percent, not_applicable, values, claimed)
        _then(_bare_numbers, series, percent, not_applicable, values, claimed)
    _then(_general_numbers, series, percent, not_applicable, values, claimed)
    return values, claimed


def _then(tier: Any, series: Any, percent: bool, not_applicable: tuple[str, ...], values: np.ndarray, claimed: np.ndarray) -> None:
    """The cells not claimed so far, through ``tier``."""
    rest = np.flatnonzero(~claimed)
    if len(rest):
        values[rest], claimed[rest] = tier(series.gather(rest), percent, not_applicable)


def _not_applicable(series: Any, percent: bool, not_applicable: tuple[str, ...], values: np.ndarray, claimed: np.ndarray) -> None:
    """A not-applicable token that reads as a short number (say "0") is not a number here: its cells unclaimed."""
    import polars as pl

    if not not_applicable:
        return
    tokens = pl.Series(not_applicable, dtype=pl.String)
    read = shortnumbers.short_numbers(tokens, percent)
    numeric = tokens.filter(pl.Series(read[1])) if read is not None else tokens
    if len(numeric):
        found = series.is_in(numeric.to_list()).fill_null(False).to_numpy()
        claimed &= ~found
        values[found] = np.nan


BARE = re.compile(r"[0-9]+(\.[0-9]*)?")


def _bare_numbers(series: Any, percent: bool, not_applicable: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """``digits[.digits]`` (then ``%`` for a percent), 1-15 digits: m / 10**k read from the text
    with the dot removed, k the digits after the dot (see the module's note on exactness)."""
    import polars as pl

    c = pl.col
    suffix = "%" if percent else ""
    body = c("raw").str.strip_suffix("%") if percent else c("raw")
    ok = c("raw").str.contains(f"^{BARE.pattern}{suffix}$") & (c("size") - c("dot").is_not_null() - len(suffix)).is_between(1, 15)
    tokens = [t for t in not_applicable if BARE.fullmatch(t.removesuffix(suffix)) and t.endswith(suffix)]
    if tokens:  # a not-applicable token that looks like a number (say "0") is not a number here
        ok = ok & ~c("raw").is_in(tokens)
    frame = pl.DataFrame({"raw": series}).lazy().with_columns(size=c("raw").str.len_bytes().cast(pl.Int64),
                                                              dot=c("raw").str.find(".", literal=True))
    done = frame.select(ok=ok.fill_null(False), m=body.str.replace(".", "", literal=True).cast(pl.UInt64, strict=False).fill_null(0),
                        k=(c("size") - len(suffix) - c("dot") - 1).fill_null(0)).collect()
    return _scaled(done, percent, None)


def _scaled(done: Any, percent: bool, negative: Any) -> tuple[np.ndarray, np.ndarray]:
    """The columns ok, m, k (and which are negative) as (values, claimed)."""
    claimed = done.get_column("ok").to_numpy()
    k = done.get_column("k").to_numpy().astype(np.int64) + (2 if percent else 0)
    values = done.get_column("m").to_numpy().astype(np.float64) / _POW10[np.where(claimed, k, 0)]
    if negative is not None:
        np.negative(values, out=values, where=negative)
    values[~claimed] = np.nan
    return values, claimed


def _general_numbers(series: Any, percent: bool, not_applicable: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Any plain ASCII number: spaces around it, one sign, thousands commas."""
    import polars as pl

    c = pl.col
    # Step by step, each intermediate column computed once (one nested expression recomputes its parts).
    frame = pl.DataFrame({"raw": series}).lazy().with_columns(c("raw").fill_null("")).with_columns(
        ascii=c("raw").str.len_bytes() == c("raw").str.len_chars(),  # ASCII: NFKC leaves it as written
        text=c("raw").str.strip_chars(ASCII_SPACE))
    ok = c("ascii")
    if not_applicable:
        ok = ok & ~c("text").is_in(list(not_applicable))
    body = c("text")
    if percent:
        ok = ok & c("text").str.ends_with("%")
        body = body.str.strip_suffix("%").str.strip_chars(ASCII_SPACE)
    frame = frame.with_columns(ok=ok, body=body.str.replace_all(",", "", literal=True))
    frame = frame.with_columns(neg=c("body").str.starts_with("-"), signed=c("body").str.starts_with("-") | c("body").str.starts_with("+"))
    frame = frame.with_columns(unsigned=pl.when(c("signed")).then(c("body").str.slice(1)).otherwise(c("body")))
    frame = frame.with_columns(dot=c("unsigned").str.find(".", literal=True),
                               digits=c("unsigned").str.replace(".", "", literal=True))
    # [+-]?(d+(.d*)?|.d+): one sign at most, one dot at most, 1-15 digits and nothing else.
    frame = frame.with_columns(m=c("digits").cast(pl.UInt64, strict=False), ok=c("ok")
                               & (c("unsigned").str.count_matches(".", literal=True) <= 1)
                               & ~c("unsigned").str.starts_with("+") & ~c("unsigned").str.starts_with("-")
                               & c("digits").str.len_bytes().is_between(1, 15)
                               & c("digits").str.contains("^[0-9]+$"))  # the cast alone reads "+0" (from ".+0") as 0
    done = frame.select(
        ok=c("ok") & c("m").is_not_null(), m=c("m").fill_null(0), neg=c("neg"),
        k=pl.when(c("dot").is_null()).then(0).otherwise(c("unsigned").str.len_bytes().cast(pl.Int64) - c("dot") - 1),
    ).collect()
    return _scaled(done, percent, done.get_column("neg").to_numpy())
