"""Findings tables gathered per unit: the numpy executor beside DuckDB running the records SQL (issue 10.2).

Run from the repo root:  python bench/bench_findings.py [--quick]

data/aggregation.py has one definition of each aggregate (count, sum, min, max, dates; the SQL
records tables use) and two executors: numpy below ``SQL_ROWS`` rows, DuckDB from there on. This
measures both on the same seeded rows, in one process, interleaved, medians, to show where the
threshold belongs; before timing, the two results are compared value by value. DuckDB is
imported and started once before timing (its ~90 ms start is what short tables avoid).
Results go to bench/results/findings.json with the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_evaluate import machine  # noqa: E402

from tongbao.data import aggregation  # noqa: E402
from tongbao.rules.formatting import Format  # noqa: E402
from tongbao.rules.model import Aggregate, Where  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "findings.json"


def aggregates(dates: bool) -> list[Aggregate]:
    hows = [("rows", "count"), ("late", "count"), ("points", "sum"), ("least", "min"), ("most", "max")]
    hows += [("days", "dates")] if dates else []
    return [Aggregate(n, n, h, None, "day" if h == "dates" else None, Format.parse("number:2"), Where("bench", 1, 1, n))
            for n, h in hows]


def rows_of(n_rows: int, units: int, dates: bool) -> tuple[np.ndarray, list[np.ndarray | None]]:
    rng = np.random.default_rng(7)
    index = rng.integers(0, units, n_rows)
    points = rng.integers(0, 400, n_rows) / 4.0  # quarters: any order of addition gives the same sum
    points[rng.random(n_rows) < 0.01] = np.nan
    values: list[np.ndarray | None] = [None, rng.random(n_rows) < 0.3, points, points, points]
    if dates:
        values.append((np.datetime64("2022-01-01") + rng.integers(0, 365, n_rows)).astype("datetime64[D]"))
    return index, values


def case(n_rows: int, units: int, dates: bool, runs: int) -> dict[str, Any]:
    aggs = aggregates(dates)
    index, values = rows_of(n_rows, units, dates)
    got = {e: aggregation.per_unit(aggs, values, index, units, engine=e) for e in ("numpy", "duckdb")}
    for a in aggs:  # the same figures, or nothing is timed
        x, y = got["numpy"][a.name], got["duckdb"][a.name]
        assert all(np.array_equal(p, q) for p, q in zip(x, y)) if a.how == "dates" else np.array_equal(x, y, equal_nan=True)
    times: dict[str, list[float]] = {"numpy": [], "duckdb": []}
    for _ in range(runs):
        for engine in times:
            start = time.perf_counter()
            aggregation.per_unit(aggs, values, index, units, engine=engine)
            times[engine].append(time.perf_counter() - start)
    medians = {e: statistics.median(t) for e, t in times.items()}
    return {"rows": n_rows, "units": units, "dates": dates, "runs": runs, "median_s": {k: round(v, 4) for k, v in medians.items()},
            "duckdb_x_numpy": round(medians["duckdb"] / medians["numpy"], 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="up to 10^6 rows")
    args = parser.parse_args()
    sizes = [(10_000, 1_000, True), (100_000, 1_000, True), (1_000_000, 10_000, False)]
    sizes += [] if args.quick else [(1_000_000, 10_000, True), (10_000_000, 10_000, False)]
    out: dict[str, Any] = {"benchmark": "bench/bench_findings.py", "machine": machine(),
                           "sql_rows_threshold": aggregation.SQL_ROWS, "load_average_at_start": os.getloadavg(), "cases": []}
    for n_rows, units, dates in sizes:
        row = case(n_rows, units, dates, 3)
        out["cases"].append(row)
        print(row, flush=True)
    out["load_average_at_end"] = os.getloadavg()
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
