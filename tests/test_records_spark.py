"""The records SQL on Spark (PySpark local mode) gives the same unit table as DuckDB.

Slow to start (a JVM), so one Spark session serves every case; skipped where pyspark or Java
is missing (.ci/run installs both).
"""
from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

import tongbao
from tongbao.data import records as rec

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (.ci/run installs openjdk-17-jre-headless)", allow_module_level=True)

HERE = Path(__file__).parent / "fixtures" / "records"


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("tongbao-test")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _table(agg: rec.Aggregated) -> dict[str, dict[str, float | None]]:
    return {name: {k: (None if math.isnan(v[i]) else round(float(v[i]), 9)) for k, v in agg.values.items()}
            for i, name in enumerate(agg.names())}


@pytest.mark.parametrize("ruleset, file", [("accounts.yaml", "posts.csv"), ("hotline.yaml", "orders.csv"),
                                           ("../dates/deadlines.yaml", "../dates/submissions.csv")])
def test_spark_gives_duckdbs_unit_table(spark: Any, ruleset: str, file: str) -> None:
    from tongbao.data.spark import SparkRunner

    rules = tongbao.load_ruleset(HERE / ruleset)
    records = rules.parts[0].records[0]
    args = (records, rules.facts, rules.calendar, HERE / file, file)
    duck = rec.aggregate(*args, runner=rec.DuckRunner())
    on_spark = rec.aggregate(*args, runner=SparkRunner(spark))
    assert duck.keys == on_spark.keys and duck.rows == on_spark.rows
    assert _table(on_spark) == _table(duck)
    # …and the values are the hand-counted ones of test_records.py, not merely equal to each other.
    if ruleset == "hotline.yaml":
        assert _table(on_spark)["城管局"] == {"orders": 3.0, "on_time": round(1 / 3, 9), "late": 1.0, "open": 1.0, "slowest": 6.0}
    elif "dates" in ruleset:  # the date functions by the calendar table, not Spark's own (Sunday-first) weekdays
        assert _table(on_spark)["乙"] == {"r_on_time": 2.0, "r_weeks": 54.0, "r_weekdays": 8.0, "r_months": 2.0,
                                          "r_quarters": 2.0, "r_days": 7.0, "r_2025": 0.0}
    else:
        assert _table(on_spark)["赣州发布(微博)"]["thin_weeks"] == 12.0


def test_spark_reports_bad_cells_like_duckdb(spark: Any, tmp_path: Path) -> None:
    from tongbao.data.spark import SparkRunner
    from tongbao.errors import DataError

    rules = tongbao.load_ruleset(HERE / "hotline.yaml")
    records = rules.parts[0].records[0]
    bad = tmp_path / "orders.csv"
    bad.write_text("工单号,承办单位,受理日期,办结日期\nA1,城管局,2024-02-08,2024-02-19\nB2,城管局,2024-13-01,\n", encoding="utf-8")
    for runner in (rec.DuckRunner(), SparkRunner(spark)):
        with pytest.raises(DataError) as exc:
            rec.aggregate(records, rules.facts, rules.calendar, bad, "orders.csv", runner=runner)
        assert [(p.line, p.column, p.value) for p in exc.value.problems] == [(3, "受理日期", "2024-13-01")]


def test_evaluate_with_the_spark_engine_gives_the_same_verdict(spark: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tongbao.load_ruleset(HERE / "accounts.yaml")
    duck = tongbao.evaluate(rules, HERE).to_dict()["parts"][0]["units"]
    monkeypatch.setenv("TONGBAO_RECORDS_ENGINE", "spark")  # getOrCreate() finds this module's session
    on_spark = tongbao.evaluate(rules, HERE).to_dict()["parts"][0]["units"]
    assert on_spark == duck
    assert [u["metrics"]["score"] for u in on_spark] == [49, 71, 100, 71]
