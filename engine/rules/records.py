"""Build a part's ``records:`` section: raw-records tables aggregated per unit by SQL.

A records table may hold millions of rows (12345 hotline work orders, every post of
every new-media account), so it is never typed row by row in Python: the
aggregates become one SQL statement (engine/data/sql.py) that DuckDB, or Spark,
runs. Here the YAML is checked and every row expression is tried through the SQL
translator once, so an expression SQL cannot say is a ruleset error at load time.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .expressions import unknown_message
from .formatting import Format
from .model import Aggregate, Fact, Records

if TYPE_CHECKING:
    from .builder import Builder as _Builder, Scope

KINDS = ("count", "sum", "mean", "min", "max", "rate", "distinct")
BUCKETS = ("week", "month", "quarter")


def records_section(b: "_Builder", raw: dict[str, Any], at: tuple[Any, ...], base: "Scope", unit_scope: "Scope",
                    facts: tuple[Fact, ...]) -> tuple[Records, ...]:
    return tuple(_records(b, name, spec, at + (name,), base, unit_scope, facts) for name, spec in raw.items())


def _records(b: "_Builder", name: str, spec: dict[str, Any], at: tuple[Any, ...], base: "Scope", unit_scope: "Scope",
             facts: tuple[Fact, ...]) -> Records:
    from .builder import Scope, fields as _fields, table_name as _table_name

    row_scope = Scope(base)
    fields = _fields(b, spec["fields"], at + ("fields",), row_scope)
    key = (spec["key"],) if isinstance(spec["key"], str) else tuple(spec["key"])
    if len(set(key)) != len(key):
        b.fail(at + ("key",), "key 中的列重复。")
    where = b.expr(spec["where"], at + ("where",), row_scope.names(), dates=row_scope.dates, scope=row_scope,
                   condition=None) if "where" in spec else None
    window = _window(b, spec.get("window"), at + ("window",), facts)
    dates = {f.name for f in fields if f.type == "date"}
    aggregates = tuple(_aggregate(b, agg_name, agg, at + ("per_unit", agg_name), row_scope, unit_scope, dates, window)
                       for agg_name, agg in spec["per_unit"].items())
    _table_name(b, spec["file"], at + ("file",))
    records = Records(name, spec["label"], spec["file"], key, fields, where, window, aggregates, b.where(at))
    _try_sql(b, records, facts, at)
    return records


def _window(b: "_Builder", raw: dict[str, Any] | None, at: tuple[Any, ...], facts: tuple[Fact, ...]) -> tuple[str, str] | None:
    if raw is None:
        return None
    date_facts = {f.name for f in facts if f.date is not None}
    for key in ("start", "end"):
        if raw[key] not in date_facts:
            b.fail(at + (key,), unknown_message("日期事实", raw[key], date_facts) + " 请在 facts 中写 {date: \"2022-01-01\"}。")
    return raw["start"], raw["end"]


def _aggregate(b: "_Builder", name: str, agg: dict[str, Any], path: tuple[Any, ...], row_scope: "Scope", unit_scope: "Scope",
               dates: set[str], window: tuple[str, str] | None) -> Aggregate:
    b.claim(unit_scope, name, path)
    b.saved.add(name)  # kept per unit in the verdict, so year_to_date can read it
    how = next(k for k in KINDS if k in agg)
    expr = None if how == "count" and agg["count"] is True else \
        b.expr(agg[how], path + (how,), row_scope.names(), dates=row_scope.dates, scope=row_scope, condition=None)
    if expr is not None and how in ("sum", "mean", "min", "max") and expr.names & {n for n, f in row_scope.kinds.items() if f.type == "yesno"}:
        b.fail(path + (how,), f"明细记录表由 SQL 汇总，是/否字段不能直接相加或平均（{how}）。请用 count 数出“是”的行"
                              f"（count: 字段名），或用 rate 求“是”所占比例。")
    per = agg.get("per")
    if per is not None:
        _check_bucket(b, agg, path, how, dates, window)
    default = "integer" if how in ("count", "distinct") or per else ("percent:2" if how == "rate" else "number:2")
    return Aggregate(name, agg["label"], how, expr, None, Format.parse(agg.get("format", default)), b.where(path),
                     per, agg.get("date"), _below(agg.get("below")))


def _check_bucket(b: "_Builder", agg: dict[str, Any], path: tuple[Any, ...], how: str, dates: set[str], window: tuple[str, str] | None) -> None:
    if how not in ("count", "sum"):
        b.fail(path + ("per",), f"按周、月、季度计数时，每段里只能用 count 或 sum，这里是 {how}。")
    if agg.get("date") not in dates:
        b.fail(path + ("date",), unknown_message("日期字段", str(agg.get("date")), dates) + " per 需要 date：按哪一列的日期分段。")
    if "below" not in agg:
        b.fail(path, "per 需要 below：数出值低于多少的周（月、季度），例如 below: 2 表示“不足2条”。")
    if window is None:
        b.fail(path + ("per",), "按周、月、季度计数需要记录表的 window: {start: 开始日期事实, end: 结束日期事实}，"
                                 "才知道考核期有哪些周（月、季度），没有记录的月份也要算上。")


def _below(raw: Any) -> float | None:
    from .builder import threshold

    if raw is None:
        return None
    return float(raw) if isinstance(raw, (int, float)) else threshold(raw)


def _try_sql(b: "_Builder", records: Records, facts: tuple[Fact, ...], at: tuple[Any, ...]) -> None:
    """Translate every row expression once now, so SQL's limits are load-time errors with the ruleset's line."""
    from ..data.sql import SqlError, Translator

    from .yamlfile import dotted

    translator = Translator(records, facts, "duckdb")
    items: list[tuple[tuple[Any, ...], Any]] = [(at + ("where",), records.where)]
    items += [(at + ("per_unit", a.name, a.how), a.expr) for a in records.per_unit]
    reported = {p.path for p in b.problems}  # a date function given a number is said once, by the date check
    for path, expr in items:
        if expr is None or dotted(path) in reported:
            continue
        try:
            translator.expr(expr.node)
        except SqlError as exc:
            b.fail(path, str(exc))
