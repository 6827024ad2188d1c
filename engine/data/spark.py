"""The records SQL on Spark: the statement data/sql.py generates for DuckDB, in Spark's dialect.

Nothing here distributes anything: Spark does. This runner registers the records file
and the calendar as temporary views and runs the generated statement; what comes back
is one row per unit, as from DuckDB. ``TONGBAO_RECORDS_ENGINE=spark`` makes
``tongbao evaluate`` use it with ``SparkSession.builder.getOrCreate()``, so the session
(local, a cluster under spark-submit, or Spark Connect via SPARK_REMOTE) is Spark's own
configuration; docs/records.md says how to run it on a cluster.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import CellProblem, DataError
from .calendar_table import CALENDAR_COLUMNS

_SCHEMA = ("day DATE, day_no BIGINT, work_no BIGINT, is_work BOOLEAN, week_no BIGINT, month_no BIGINT, "
           "quarter_no BIGINT, part_year BIGINT, part_quarter BIGINT, part_month BIGINT, part_day BIGINT, "
           "part_week BIGINT, part_weekday BIGINT, month_work BIGINT")


class SparkRunner:
    dialect = "spark"

    def __init__(self, spark: Any = None) -> None:
        if spark is None:
            from pyspark.sql import SparkSession  # late: only TONGBAO_RECORDS_ENGINE=spark needs it

            spark = SparkSession.builder.appName("tongbao-records").getOrCreate()
        self.spark = spark

    def source(self, path: Path, display: str) -> tuple[list[str], set[str]]:
        suffix = path.suffix.lower()
        reader = self.spark.read
        if suffix == ".parquet":
            df = reader.parquet(str(path))
        elif suffix in (".csv", ".txt"):
            # No schema inference: every cell arrives as text and is typed by the same SQL as DuckDB's.
            df = reader.option("header", True).option("encoding", "UTF-8").csv(str(path))
        else:
            raise DataError([CellProblem(display, None, None, None,
                                         f"明细记录表只能是 CSV（UTF-8）或 Parquet 文件，这里是“{suffix or '无扩展名'}”。")])
        df.createOrReplaceTempView("src")
        return list(df.columns), {name for name, kind in df.dtypes if kind == "string"}

    def calendar(self, rows: dict[str, list[Any]]) -> None:
        table = list(zip(*(rows[c] for c in CALENDAR_COLUMNS)))
        self.spark.createDataFrame(table, _SCHEMA).createOrReplaceTempView("cal")

    def query(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.spark.sql(statement, args=params).collect()]
