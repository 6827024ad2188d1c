"""A float column's JSON texts made once per distinct value, for all of a part's batches.

Numbers read from a CSV repeat: a rate written with two decimals of a percent is one of 10,001
values, a head count one of a few hundred, in a million units. unittext writes each batch's
numbers itself (~2 ms for 20,000 rates: twelve significant digits, then polars' float → text).
Here a column whose every value is exactly ``k / 10**d`` for a whole ``k`` in a narrow range gets
the text of each ``k`` in that range written once, by the same function, and each batch gathers its
values' texts from that table. ``k / 10**d`` is the same division for the table as for the check, so
each value's text is the one the batch would have written: the bytes are the same (tests).
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

if TYPE_CHECKING:
    import polars as pl

Texts = Callable[[np.ndarray, Any], "pl.Series"]  # unittext.number_texts: values, format -> their JSON texts
MIN_ROWS = 50_000  # below this the table costs about what it saves
MAX_DECIMALS = 6
_SAMPLE = 1_000  # values tried for each number of decimals before the whole column is checked


class NumberTables:
    """The tables of one verdict's columns, made on first use and shared by the builder threads.
    Columns are kept (their ids are the keys) for as long as this lives: one writing of a verdict."""

    def __init__(self, texts: Texts) -> None:
        self._texts = texts
        self._made: dict[tuple[int, Any], tuple[np.ndarray, _Table | None]] = {}
        self._lock = threading.Lock()

    def texts(self, column: np.ndarray, sl: slice, fmt: Any) -> pl.Series | pl.Expr:
        """``texts(column[sl], fmt)``, or where the column has a table, the expression gathering them from it."""
        table = self._table(column, fmt)
        return self._texts(column[sl], fmt) if table is None else table.gather(column[sl])

    def _table(self, column: np.ndarray, fmt: Any) -> _Table | None:
        key = (id(column), fmt)
        with self._lock:  # the second builder waits for the table rather than making it again
            if key not in self._made:
                self._made[key] = (column, _Table.of(column, fmt, self._texts))
            return self._made[key][1]


class _Table:
    def __init__(self, scale: float, low: int, texts: pl.Series) -> None:
        self.scale, self.low, self.texts = scale, low, texts

    @classmethod
    def of(cls, v: np.ndarray, fmt: Any, texts: Texts) -> _Table | None:
        """The column's table, or None: not floats, too short, a NaN, an infinity or -0.0 (written
        apart), a k of 2**53 or more (1e19 from a metric), or no ``d`` ≤ MAX_DECIMALS with every value ``k / 10**d`` and the k's range at most a
        quarter of the rows."""
        if v.dtype != np.float64 or v.ndim != 1 or len(v) < MIN_ROWS:
            return None
        if not np.isfinite(v).all() or (np.signbit(v) & (v == 0)).any():
            return None
        for d in range(MAX_DECIMALS + 1):
            scale = 10.0**d
            if not np.array_equal(np.rint(v[:_SAMPLE] * scale) / scale, v[:_SAMPLE]):
                continue
            k = np.rint(v * scale)
            if not np.array_equal(k / scale, v):
                continue
            low, high = int(k.min()), int(k.max())
            if high - low + 1 > len(v) // 4 or max(-low, high) >= 2**53:  # int64 arange, each k exact as a float
                return None
            return cls(scale, low, texts(np.arange(low, high + 1, dtype=np.int64).astype(np.float64) / scale, fmt))
        return None

    def gather(self, values: np.ndarray) -> pl.Expr:
        """The texts of ``values`` (a slice of the column the table was checked on), as an expression
        for the query that writes the unit lines: Series.gather would be a query of its own (~0.1 ms,
        what gathering 20,000 texts itself costs)."""
        import polars as pl

        return pl.lit(self.texts).gather(pl.Series(np.rint(values * self.scale).astype(np.int64) - self.low))
