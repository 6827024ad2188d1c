"""Per-unit figures from a findings table's rows: one definition of each aggregate, two executors.

A findings table (a few to a few hundred thousand rows of problems, updates or messages, read and
checked like any table) is gathered per unit as a records table is: by the SQL ``sql.aggregate_call``
writes, the one definition of ``count``, ``sum``, ``min``, ``max`` (and ``dates``) both kinds of
table share. The rows' own values (row metrics, flags, each aggregate's expression) are computed
first, column-wise, because they may read the unit's fields and group; what is aggregated is one
column per aggregate.

Two executors run that definition:

- **DuckDB** (``findings_statement``, the same engine and settings as records tables), for tables
  of ``SQL_ROWS`` rows or more (bench/bench_findings.py: numpy is faster below 10^7 rows, even there);
- **numpy** (bincount and ``ufunc.at``), for smaller ones: importing and starting DuckDB costs
  ~90 ms, more than ``python -c "import numpy"`` itself, which would break the fast-start target
  (a seed ``tongbao evaluate`` within 2x that) for a table of a hundred rows.

What each aggregate means, in both: ``count`` without a value counts the unit's rows, with one the
rows where it is true; ``sum`` adds the values present (a unit without rows has 0); ``min`` and
``max`` take them over the values present (no value: not computable); ``dates`` lists the unit's
dates in order, missing ones last. tests/test_findings_aggregation.py checks the two executors
agree on every shipped ruleset with findings and on generated tables.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..rules.model import Aggregate

SQL_ROWS = 10_000_000  # findings tables this long or longer are aggregated by DuckDB (bench_findings.py: even there)


def row_values(agg: Aggregate, column: Callable[[Any, Any], Any], names: dict[str, Any]) -> np.ndarray | None:
    """The one column ``agg`` gathers: its expression per row (yes/no for a count), dates, or None (count rows)."""
    if agg.how == "dates":
        return np.asarray(names[str(agg.field)], dtype="datetime64[D]")
    if agg.expr is None:
        return None
    values = column(agg.expr, agg.where)  # one value per row
    return np.asarray(values, dtype=bool if agg.how == "count" else np.float64)


def per_unit(aggs: Sequence[Aggregate], values: Sequence[np.ndarray | None], index: np.ndarray, n: int,
             engine: str | None = None) -> dict[str, np.ndarray]:
    """Each aggregate, one value per unit (``index``: each row's unit, 0 … n-1), by ``engine`` or by size."""
    engine = engine or ("duckdb" if len(index) >= SQL_ROWS else "numpy")
    if engine == "duckdb" and aggs:
        return _by_duckdb(aggs, values, index, n)
    return {a.name: _by_numpy(a, v, index, n) for a, v in zip(aggs, values)}


def _by_numpy(agg: Aggregate, values: np.ndarray | None, index: np.ndarray, n: int) -> np.ndarray:
    """bincount and ufunc.at; ``dates`` by one sort on (unit, date), cut into each unit's run."""
    if agg.how == "dates":
        assert values is not None
        order = np.lexsort((values, index))  # NaT sorts last, as np.sort puts it
        ordered = values[order]
        bounds = np.searchsorted(index[order], np.arange(n + 1)).tolist()
        out = np.empty(n, dtype=object)
        for u in range(n):
            out[u] = ordered[bounds[u]:bounds[u + 1]]
        return out
    if values is None:
        return np.bincount(index, minlength=n).astype(np.float64)
    if agg.how == "count":
        return np.bincount(index, weights=values.astype(float), minlength=n)
    present = ~np.isnan(values)
    if agg.how == "sum":
        return np.bincount(index[present], weights=values[present], minlength=n)
    out = np.full(n, np.nan)
    (np.fmin if agg.how == "min" else np.fmax).at(out, index[present], values[present])
    return out


def findings_statement(aggs: Sequence[Aggregate], values: Sequence[np.ndarray | None]) -> str:
    """The SQL over the relation ``rows`` (``u``: the row's unit; ``v0``, ``v1``, …: each aggregate's column).

    Missing numbers and dates arrive as NaN (a numpy column has no NULL) and become NULL first.
    """
    from .sql import aggregate_call  # late: the SQL module is not needed for short tables
    cleaned, calls = ["u"], []
    for i, (a, v) in enumerate(zip(aggs, values)):
        if v is None:
            calls.append(aggregate_call(a.how, None))
            continue
        cell = f"v{i}" if v.dtype == bool else f"CASE WHEN isnan(v{i}) THEN NULL ELSE v{i} END"
        cleaned.append(f"{'CAST(' + cell + ' AS BIGINT)' if a.how == 'dates' else cell} AS v{i}")
        calls.append(aggregate_call(a.how, f"v{i}"))
    return (f"WITH r AS (SELECT {', '.join(cleaned)} FROM rows) "
            f"SELECT u, {', '.join(f'{c} AS a{i}' for i, c in enumerate(calls))} FROM r GROUP BY u ORDER BY u")


def _by_duckdb(aggs: Sequence[Aggregate], values: Sequence[np.ndarray | None], index: np.ndarray,
               n: int) -> dict[str, np.ndarray]:
    from .records import DuckRunner  # late: only long findings tables need DuckDB

    rows: dict[str, np.ndarray] = {"u": np.asarray(index, dtype=np.int64)}
    for i, (a, v) in enumerate(zip(aggs, values)):
        if v is not None:  # dates go as day numbers: DuckDB reads no datetime64[D] column
            rows[f"v{i}"] = _days(v) if a.how == "dates" else v
    con = DuckRunner().con
    con.register("rows", rows)
    result = con.execute(findings_statement(aggs, values)).fetchall()
    units = np.array([row[0] for row in result], dtype=np.int64)
    return {a.name: _filled(a, [row[1 + i] for row in result], units, n) for i, a in enumerate(aggs)}


def _days(dates: np.ndarray) -> np.ndarray:
    days = dates.astype("datetime64[D]").astype(np.int64).astype(np.float64)
    days[np.isnat(dates)] = np.nan
    return days


def _filled(agg: Aggregate, column: list[Any], units: np.ndarray, n: int) -> np.ndarray:
    """One value per unit from the rows DuckDB returned; a unit without rows gets what numpy gives it."""
    if agg.how == "dates":
        out = np.empty(n, dtype=object)
        for u in range(n):
            out[u] = np.array([], dtype="datetime64[D]")
        nat = np.datetime64("NaT", "D").astype(np.int64)  # day numbers, NULL as NaT's integer
        for u, days in zip(units.tolist(), column):
            out[u] = np.array([nat if d is None else d for d in days], dtype=np.int64).view("datetime64[D]")
        return out
    out = np.full(n, 0.0 if agg.how in ("count", "sum") else np.nan)
    out[units] = [np.nan if v is None else float(v) for v in column]
    return out
