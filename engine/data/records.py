"""Raw records to per-unit figures: the statement from data/sql.py, run by DuckDB (or Spark).

DuckDB is embedded and imported only when a ruleset has ``records:``. It reads the
file itself (CSV as text, Parquet as typed), so 10^8 rows never pass through
Python; what comes back is one row per unit. A runner is three small methods
(register the file, register the calendar, run a statement), which is all the
Spark runner (data/spark.py) has to provide to run the very same SQL.
"""
from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ..errors import CellProblem, DataError, basename
from ..rules.fieldtypes import listing
from ..rules.calendar import Calendar as WorkCalendar
from ..rules.model import Fact, Records
from . import sql
from .sqldates import needs_workdays

MAX_LISTED = 20


class Runner(Protocol):
    dialect: str

    def source(self, path: Path, display: str) -> tuple[list[str], set[str]]:
        """Register the file as the relation ``src``; its column names, and those read as text."""

    def calendar(self, rows: dict[str, list[Any]]) -> None:
        """Register the calendar table as the relation ``cal``."""

    def query(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Run one statement with named parameters."""


@dataclass
class Aggregated:
    """One records table aggregated: one row per key, in key order."""

    records: Records
    file: str
    keys: list[tuple[str, ...]]
    values: dict[str, np.ndarray]  # aggregate name -> one value per key
    rows: int
    sha256: str
    path: str = ""
    runner: Any = None  # kept for the error path: the first rows of unknown units

    def names(self) -> list[str]:
        return [unit_name(k) for k in self.keys]


def unit_name(key: tuple[str, ...]) -> str:
    """A composite key reads 赣州发布(微信): the first part, the others in brackets.

    Names are NFKC-normalised as the unit table's are (so 全角 brackets read as ASCII ones there too).
    """
    from .tables import _normalise

    parts = [_normalise(k) for k in key]
    return parts[0] if len(parts) == 1 else f"{parts[0]}({','.join(parts[1:])})"


def aggregate(records: Records, facts: tuple[Fact, ...], calendar: WorkCalendar, path: Path, display: str,
              runner: Runner | None = None) -> Aggregated:
    runner = runner or default_runner()
    columns, text = runner.source(path, display)
    _check_columns(records, columns, display)
    window = _window(records, facts)
    cal = _calendar(records, facts, calendar, runner, text, window)
    stmt = sql.build_statement(records, facts, runner.dialect, text, cal, window, trim_keys=False)
    result = runner.query(stmt.sql, stmt.params)
    if any(k is None or k != k.strip() or not k for row in result for k in row[:stmt.keys]):
        stmt = sql.build_statement(records, facts, runner.dialect, text, cal, window, trim_keys=True)
        result = runner.query(stmt.sql, stmt.params)
    _check_cells(records, facts, runner, text, stmt, result, display)
    n = stmt.keys
    values: dict[str, np.ndarray] = {}
    for j, a in enumerate(stmt.aggregates):
        column = [row[n + j] for row in result]
        if any(isinstance(v, dt.date) for v in column):
            from ..errors import RulesetError
            raise RulesetError([a.where.problem("min、max 的结果是日期：明细记录只汇总数字。日期请写成 days(开始日期事实, 日期字段)。")])
        out = np.array([np.nan if v is None else float(v) for v in column], dtype=np.float64)
        if a.per is not None:  # the buckets with enough rows came back; the rest of the window's buckets are short
            assert window is not None and a.below is not None
            total = sql.bucket_count(a.per, *window)
            out = np.where(np.isnan(out), 0.0, out)
            out = np.full(len(result), 0.0) if a.below <= 0 else total - out
        values[a.name] = out
    rows = int(sum(row[n + len(stmt.aggregates)] for row in result))
    return Aggregated(records, display, [tuple(row[:n]) for row in result], values, rows, _sha256(path), str(path), runner)


def default_runner() -> Runner:
    """Embedded DuckDB; ``TONGBAO_RECORDS_ENGINE=spark`` runs the same SQL on the active Spark session."""
    engine = os.environ.get("TONGBAO_RECORDS_ENGINE", "duckdb")
    if engine == "spark":
        from .spark import SparkRunner

        return SparkRunner()
    if engine != "duckdb":
        from ..errors import TongbaoError
        raise TongbaoError(f"环境变量 TONGBAO_RECORDS_ENGINE 只能是 duckdb 或 spark，这里是“{engine}”。")
    return DuckRunner()


def missing_value(a: Any, window: tuple[dt.date, dt.date] | None) -> float:
    """A unit with no rows at all: nothing counted, no mean, every bucket of the window short."""
    if a.per is not None and window is not None:
        return float(sql.bucket_count(a.per, *window)) if (a.below or 0) > 0 else 0.0
    return 0.0 if a.how in ("count", "sum", "distinct") else float("nan")


def _window(records: Records, facts: tuple[Fact, ...]) -> tuple[dt.date, dt.date] | None:
    if records.window is None:
        return None
    dates = {f.name: f.date for f in facts}
    start, end = (dt.date.fromisoformat(str(dates[n])) for n in records.window)
    return start, end


def window_of(records: Records, facts: tuple[Fact, ...]) -> tuple[dt.date, dt.date] | None:
    return _window(records, facts)


def _check_columns(records: Records, columns: list[str], display: str) -> None:
    wanted = [*records.key, *(f.column for f in records.fields)]
    missing = [c for c in wanted if c not in columns]
    if missing:
        problems = []
        for c in missing:
            near = difflib.get_close_matches(c, columns, n=1, cutoff=0.5)
            hint = f"是否是“{near[0]}”？" if near else f"表头有：{'、'.join(columns[:20])}。"
            problems.append(CellProblem(display, 1, c, None, f"明细记录表缺少这一列。{hint}"))
        raise DataError(problems)


def _calendar(records: Records, facts: tuple[Fact, ...], calendar: WorkCalendar, runner: Runner, text: set[str],
              window: tuple[dt.date, dt.date] | None) -> sql.Calendar | None:
    """The calendar table: every day from the earliest to the latest date any rule reads."""
    spans: list[dt.date] = list(window or ())
    needed = sorted(sql.date_fields_needing_span(records, facts))
    if needed:
        row = runner.query(sql.span_sql(records, facts, runner.dialect, text, needed), {})[0]
        spans += [d for d in row if d is not None]
    spans += [dt.date.fromisoformat(f.date) for f in facts if f.date is not None and needed]
    if not spans:  # no working days, no buckets: no calendar
        return None
    # A calendar year chinesecalendar has not published yet is an error only where working days are read.
    workday = calendar.is_workday if needs_workdays(records) else (lambda day: False)
    rows = sql.calendar_rows(workday, min(spans), max(spans))
    runner.calendar(rows)
    return sql.Calendar(rows)


def _check_cells(records: Records, facts: tuple[Fact, ...], runner: Runner, text: set[str], stmt: sql.Statement,
                 result: list[tuple[Any, ...]], display: str) -> None:
    """Blank keys and cells that are not what their field says: counted in the main statement, listed only if any."""
    n, a = stmt.keys, len(stmt.aggregates)
    blank_keys = sum(row[n + a] for row in result if any(k is None for k in row[:n]))
    counts = [sum(row[n + a + 1 + i] or 0 for row in result) for i in range(len(stmt.checked))]
    listed: list[tuple[Any, int]] = ([(None, blank_keys)] if blank_keys else []) + \
        [(f, c) for f, c in zip(stmt.checked, counts) if c]
    if not listed:
        return
    problems: list[CellProblem] = []
    more = 0
    for spec, count in listed:
        query, params = sql.bad_cells_sql(records, facts, runner.dialect, text, spec, MAX_LISTED)
        column = records.key[0] if spec is None else spec.column
        for rn, value in runner.query(query, params)[: MAX_LISTED - len(problems)]:
            problems.append(CellProblem(display, _line(display, rn), column, "" if value is None else str(value),
                                        _expected(spec)))
        more += max(0, count - MAX_LISTED)
    raise DataError(problems[:MAX_LISTED], more)


def _line(display: str, rn: int) -> int:
    """CSV: the file's line (the header is line 1); Parquet: the row number."""
    return int(rn) + 1 if display.lower().endswith(".csv") else int(rn)


def _expected(spec: Any) -> str:
    if spec is None:
        return "单位名称为空。明细记录的每一行都要写明所属单位。"
    what = {"integer": "整数", "number": "数字", "percent": "百分数或小数", "date": "日期（如 2022-05-13）",
            "text": "文字", "yesno": f"是/否（是：{listing(spec.yes)}；否：{listing(spec.no)}）",
            "enum": f"下列值之一：{listing(spec.values, 30)}"}[spec.type]
    more = {"yesno": "；若这种写法也表示是或否，把它写进该字段的 yes_tokens 或 no_tokens", "enum": "；若这个值应当允许，把它加进该字段的 values"}
    return (f"这里应为{what}（字段 {spec.name}）{'，不能为空' if spec.blank == 'error' else ''}。请改正这一格后重新运行"
            f"{more.get(spec.type, '')}。")


def unknown_keys(agg: Aggregated, known: set[str], runner: "_Replay", unit_word: str) -> None:
    """Keys the unit table does not have: a data error naming the first row of each, with the nearest name."""
    unknown = [k for k in agg.keys if None not in k and unit_name(k) not in known]
    if not unknown:
        return
    shown = unknown[:MAX_LISTED]
    params = {f"k{i}_{j}": part for i, k in enumerate(shown) for j, part in enumerate(k)}
    first = {tuple(r[1:]): r[0] for r in runner.query(sql.key_rows_sql(agg.records, runner.dialect, len(shown)), params)}
    problems = []
    for k in shown:
        near = difflib.get_close_matches(unit_name(k), sorted(known), n=1, cutoff=0.5)
        hint = f"是否是“{near[0]}”？" if near else ""
        problems.append(CellProblem(agg.file, _line(agg.file, first.get(k, 0)), "、".join(agg.records.key), unit_name(k),
                                    f"{unit_word}表中没有这个{unit_word}。{hint}明细记录中的名称必须与{unit_word}表一致。"))
    raise DataError(problems, max(0, len(unknown) - MAX_LISTED))


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class DuckRunner:
    """DuckDB in this process. TONGBAO_MEMORY_LIMIT / TONGBAO_TEMP_DIRECTORY bound its memory and spill files."""

    dialect = "duckdb"

    def __init__(self) -> None:
        import duckdb  # late: only rulesets with records tables need it

        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": os.environ.get("TONGBAO_MEMORY_LIMIT", "2GB"),
        }
        # Spill files go to a private temporary folder (never the user's working folder), removed at exit.
        config["temp_directory"] = os.environ.get("TONGBAO_TEMP_DIRECTORY") or _spill_folder()
        self.duckdb = duckdb
        self.con = duckdb.connect(config=config)
        self.con.execute("SET enable_progress_bar = false")  # DuckDB's own bar would land in stdout (JSON, pipes)

    def source(self, path: Path, display: str) -> tuple[list[str], set[str]]:
        suffix = path.suffix.lower()
        try:
            if suffix == ".parquet":
                rel = self.con.read_parquet(str(path))
            elif suffix in (".csv", ".txt"):
                rel = self.con.read_csv(str(path), header=True, all_varchar=True)
            else:
                raise DataError([CellProblem(display, None, None, None,
                                             f"明细记录表只能是 CSV（UTF-8）或 Parquet 文件，这里是“{suffix or '无扩展名'}”。")])
        except self.duckdb.Error as exc:
            raise DataError([CellProblem(display, None, None, None, _read_failure(exc))]) from None
        rel.create_view("src")
        return list(rel.columns), {c for c, t in zip(rel.columns, rel.types) if str(t) == "VARCHAR"}

    def calendar(self, rows: dict[str, list[Any]]) -> None:
        picks = ", ".join(f"UNNEST(${c}) AS {c}" for c in sql.CALENDAR_COLUMNS)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE cal AS SELECT {picks}", rows)

    def query(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        try:
            return self.con.execute(statement, params).fetchall()
        except self.duckdb.InvalidInputException as exc:
            raise DataError([CellProblem("明细记录", None, None, None, _read_failure(exc))]) from None


def _spill_folder() -> str:
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="tongbao-duckdb-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _read_failure(exc: Exception) -> str:
    text = str(exc).splitlines()[0][:300]
    return (f"无法读取明细记录表（{text}）。CSV 须为 UTF-8 编码、第一行是表头；GBK 编码的文件请先另存为 UTF-8 "
            f"或 Parquet。")


# ---------------------------------------------------------------- a part's records, for evaluate


def part_records(part: Any, facts: tuple[Fact, ...], calendar: WorkCalendar, inputs: Any) -> list[Aggregated]:
    """Every records table of a part, aggregated (one DuckDB connection per table: each has its own ``src``)."""
    out = []
    for records in part.records:
        path, display = inputs.path_of(records.file)
        out.append(aggregate(records, facts, calendar, path, display))
    return out


def units_table(part: Any, aggregated: list[Aggregated]) -> Any:
    """No unit table: the units are the distinct keys of the records table ``units.from``, in key order."""
    from .tables import Table, _freeze

    agg = next(a for a in aggregated if a.records.name == part.units.from_records)
    listed = [n for k, n in zip(agg.keys, agg.names()) if None not in k]
    twice = sorted({n for n in listed if listed.count(n) > 1}) if len(set(listed)) < len(listed) else []
    if twice:
        raise DataError([CellProblem(agg.file, None, "、".join(agg.records.key), n,
                                     "这个名称在明细记录中有几种写法（只差全角、半角或空格），会被当成不同单位。请统一写法。")
                         for n in twice[:MAX_LISTED]])
    names = np.array(listed, dtype=object)
    from .tables import _normalise

    kept = [k for k in agg.keys if None not in k]
    columns = {f.name: np.array([_normalise(k[agg.records.key.index(f.column)]) for k in kept], dtype=object)
               for f in part.units.fields}  # parts of the key (the platform), checked at load to be key columns
    flags = {f.name: np.zeros(len(names), dtype=bool) for f in part.units.fields}
    table = Table(agg.file, agg.sha256, None, names, np.arange(1, len(names) + 1, dtype=np.int64), columns, flags,
                  {k: v.copy() for k, v in flags.items()})
    table.sources = [{"file": basename(agg.file), "sha256": agg.sha256, "encoding": None, "rows": agg.rows}]
    return _freeze(table)


def unit_values(part: Any, aggregated: list[Aggregated], table: Any, facts: tuple[Fact, ...]) -> dict[str, np.ndarray]:
    """Each records aggregate as one value per unit of the table; a unit with no rows gets the empty value."""
    position = {name: i for i, name in enumerate(table.names.tolist())}
    out: dict[str, np.ndarray] = {}
    for agg in aggregated:
        if agg.records.name != part.units.from_records:
            unknown_keys(agg, set(position), _Replay(agg), part.units.label)
            if not any(s["file"] == basename(agg.file) for s in table.sources):
                table.sources.append({"file": basename(agg.file), "sha256": agg.sha256, "encoding": None, "rows": agg.rows})
        index = np.array([position.get(n, -1) for n in agg.names()], dtype=np.int64)
        hit = index >= 0
        window = window_of(agg.records, facts)
        for a in agg.records.per_unit:
            values = np.full(len(table), missing_value(a, window))
            values[index[hit]] = agg.values[a.name][hit]
            values.flags.writeable = False
            out[a.name] = values
    return out


class _Replay:
    """Re-open a records file for the error path (first rows of unknown units)."""

    def __init__(self, agg: Aggregated) -> None:
        self.agg = agg
        self.dialect = agg.runner.dialect

    def query(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        runner = self.agg.runner
        runner.source(Path(self.agg.path), self.agg.file)  # the view ``src`` may show a later table by now
        return list(runner.query(statement, params))
