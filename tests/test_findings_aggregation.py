"""Findings tables are aggregated per unit by the SQL records tables use (issue 10.2), run by DuckDB
for long tables and by numpy for short ones (data/aggregation.py says why); the two agree.

Compared on every shipped ruleset with findings (the whole verdict and its explanations, the
aggregates themselves) with DuckDB forced, and on generated rows (hypothesis), where sums are of
quarters so that any order of addition gives the same float.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tongbao
from tongbao.data import aggregation
from tongbao.rules.formatting import Format
from tongbao.rules.model import Aggregate, Where
from tongbao.tools.explain import with_explanations

ROOT = Path(__file__).resolve().parent.parent


def with_findings() -> list[tuple[Path, Path]]:
    """Every ruleset shipped or kept as a fixture that has a findings table, with the data it is evaluated on."""
    out = []
    for path in sorted([*ROOT.glob("rulesets/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml")]):
        if path.name.endswith(".test.yaml"):
            continue
        try:
            rules = tongbao.load_ruleset(path)
        except tongbao.TongbaoError:  # fixtures of bad rulesets
            continue
        if any(part.findings for part in rules.parts):
            out.append((path, ROOT / "examples" / path.stem if path.parent.name == "rulesets" else path.parent))
    return out


WITH_FINDINGS = with_findings()


def test_the_shipped_findings_rulesets_are_all_found() -> None:
    names = {r.stem for r, _ in WITH_FINDINGS}
    assert {"ganzhou-gongkai-2022-07", "issues"} <= names and all(d.is_dir() for _, d in WITH_FINDINGS)


def evaluated(ruleset: Path, data: Path, rows_for_sql: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(aggregation, "SQL_ROWS", rows_for_sql)
    return tongbao.evaluate(tongbao.load_ruleset(ruleset), data)


@pytest.mark.parametrize("ruleset,data", WITH_FINDINGS, ids=lambda p: Path(p).stem)
def test_duckdb_and_numpy_give_the_same_verdict(ruleset: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = aggregation._by_duckdb
    monkeypatch.setattr(aggregation, "_by_duckdb", lambda *a: calls.append(1) or real(*a))
    by_numpy = evaluated(ruleset, data, 10**9, monkeypatch)
    assert calls == []
    by_duckdb = evaluated(ruleset, data, 0, monkeypatch)
    assert calls  # the findings really went through DuckDB
    assert any(part.aggregates for part in by_numpy.parts)
    for a, b in zip(by_numpy.parts, by_duckdb.parts):
        assert a.aggregates.keys() == b.aggregates.keys()
        for name in a.aggregates:
            assert_same(a.aggregates[name], b.aggregates[name])
    assert by_numpy.to_dict() == by_duckdb.to_dict()
    assert with_explanations(by_numpy) == with_explanations(by_duckdb)


def assert_same(x: np.ndarray, y: np.ndarray) -> None:
    if x.dtype == object:  # dates: one sorted array per unit
        assert [list(map(str, d)) for d in x] == [list(map(str, d)) for d in y]
    else:
        np.testing.assert_array_equal(x, y)  # NaN matches NaN


def test_a_short_findings_table_never_starts_duckdb() -> None:
    ruleset, data = next(p for p in WITH_FINDINGS if p[0].stem == "ganzhou-gongkai-2022-07")
    code = ("import sys, tongbao\n"
            f"tongbao.evaluate(tongbao.load_ruleset({str(ruleset)!r}), {str(data)!r})\n"
            "print('duckdb' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == ["False"], done.stderr[-2000:]


AGGREGATES = [("rows", "count", None), ("hits", "count", "ok"), ("total", "sum", "x"), ("low", "min", "x"),
              ("high", "max", "x"), ("days", "dates", None)]
QUARTERS = st.one_of(st.just(float("nan")), st.integers(-400, 400).map(lambda k: k / 4))
DAYS = st.one_of(st.just(None), st.integers(19000, 19030))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), data=st.data())
def test_generated_rows_aggregate_alike(n: int, data: st.DataObject) -> None:
    rows = data.draw(st.integers(0, 40))
    index = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=rows, max_size=rows)), dtype=np.int64)
    x = np.array(data.draw(st.lists(QUARTERS, min_size=rows, max_size=rows)), dtype=np.float64)
    ok = np.array(data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool)
    days = np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D")
                     for d in data.draw(st.lists(DAYS, min_size=rows, max_size=rows))], dtype="datetime64[D]")
    aggs = [Aggregate(name, name, how, None, "day" if how == "dates" else None, Format.parse("number:2"),
                      Where("t.yaml", 1, 1, name)) for name, how, _ in AGGREGATES]
    values: list[np.ndarray | None] = [None, ok, x, x, x, days]
    by_numpy = aggregation.per_unit(aggs, values, index, n, engine="numpy")
    by_duckdb = aggregation.per_unit(aggs, values, index, n, engine="duckdb")
    for a in aggs:
        assert_same(by_numpy[a.name], by_duckdb[a.name])
    assert by_numpy["rows"].sum() == rows


def test_records_and_findings_share_one_aggregate_definition() -> None:
    from tongbao.data import sql

    aggs = [Aggregate("s", "s", "sum", None, None, Format.parse("number:2"), Where("t.yaml", 1, 1, "s"))]
    assert sql.aggregate_call("sum", "v0") == "COALESCE(SUM(v0), 0)"
    assert "SELECT u, COALESCE(SUM(v0), 0) AS a0 FROM r" in aggregation.findings_statement(aggs, [np.zeros(1)])
