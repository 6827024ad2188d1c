"""One SQL statement per records table, generated from the ruleset: DuckDB runs it, Spark runs the same.

Over 400 lines because one statement's pieces (typed rows, calendar join, buckets, aggregates) are generated
together and must agree; yes/no and enumeration typing is in sqlchoices.py, date parts in sqldates.py.

Everything a ruleset or a file supplies reaches the SQL as a quoted identifier
(column names, doubled quote characters inside) or as a bound parameter (texts,
numbers, dates): nothing from YAML or a file is ever spliced into the statement.
The two dialects differ only in the identifier quote and the parameter marker.

The statement, for a records table ``posts``:

    t   typed rows: the key columns, each field cast from its source column, and a
        flag per field for a cell that is not what the field says (counted, then
        listed by a second query only when there are any)
    j   t joined to the calendar table once per date field that needs it
        (working days, day numbers, the week/month/quarter a date falls in)
    b_i per (unit, bucket) values for each ``per:`` aggregate, inside the window
    the per-unit aggregates over j, the row filter ``where`` folded into each one
"""
from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..rules.model import Aggregate, Fact, FieldSpec, Records
from .sqlchoices import typed_choice
from .calendar_table import BUCKET_COLUMN, CALENDAR_COLUMNS, Calendar, bucket_count, calendar_rows
from .sqldates import PART_COLUMNS

__all__ = ["BUCKET_COLUMN", "CALENDAR_COLUMNS", "Calendar", "bucket_count", "calendar_rows", "Translator",
           "build_statement", "aggregate_call", "span_sql", "bad_cells_sql", "key_rows_sql", "SqlError", "DIALECTS"]


class SqlError(Exception):
    """An expression the records SQL cannot say; the builder adds the ruleset line."""


@dataclass(frozen=True)
class Dialect:
    name: str
    quote_char: str
    marker: str  # "$" (DuckDB) or ":" (Spark) before a parameter's name
    row_number: str  # file order: DuckDB keeps it in a scan; Spark needs an explicit order

    def quote(self, identifier: str) -> str:
        q = self.quote_char
        return q + identifier.replace(q, q + q) + q


DIALECTS = {"duckdb": Dialect("duckdb", '"', "$", "ROW_NUMBER() OVER ()"),
            "spark": Dialect("spark", "`", ":", "ROW_NUMBER() OVER (ORDER BY monotonically_increasing_id())")}


@dataclass
class Translator:
    """Row expressions to SQL over the joined rows ``j``; facts and constants become parameters."""

    records: Records
    facts_list: tuple[Fact, ...]
    dialect_name: str
    calendar: Calendar | None = None
    params: dict[str, Any] = field(default_factory=dict)
    joined: dict[str, set[str]] = field(default_factory=dict)  # date field -> the calendar columns it needs

    def __post_init__(self) -> None:
        self.d = DIALECTS[self.dialect_name]
        self.fields = {f.name: f for f in self.records.fields}
        self.facts = {f.name: f for f in self.facts_list}

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return self.d.marker + name

    def column(self, name: str) -> str:
        return "j." + self.d.quote(name)

    def expr(self, node: ast.expr) -> str:
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            raise SqlError(f"明细记录表的表达式里不能使用 {type(node).__name__}。")
        return str(handler(node))

    def _Name(self, node: ast.Name) -> str:
        if node.id in self.fields:
            return self.column(node.id)
        fact = self.facts[node.id]
        if fact.groups:
            raise SqlError(f"明细记录表的表达式不能用按组取值的事实“{fact.name}”。")
        if fact.date is not None:
            return f"CAST({self.bind(fact.date)} AS DATE)"
        return f"CAST({self.bind(fact.value)} AS DOUBLE)"

    def _Constant(self, node: ast.Constant) -> str:
        if isinstance(node.value, bool):
            return "TRUE" if node.value else "FALSE"
        if isinstance(node.value, (int, float)):
            return f"CAST({self.bind(float(node.value))} AS DOUBLE)"
        return self.bind(node.value)

    def _BinOp(self, node: ast.BinOp) -> str:
        left, right = self.expr(node.left), self.expr(node.right)
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
        if type(node.op) in ops:
            return f"({left} {ops[type(node.op)]} {right})"
        if isinstance(node.op, ast.Div):  # over zero: no value, as in the unit table
            return f"({left} / NULLIF({right}, 0))"
        if isinstance(node.op, ast.Pow):
            return f"POWER({left}, {right})"
        raise SqlError("明细记录表的表达式里不支持这个运算符。")

    def _UnaryOp(self, node: ast.UnaryOp) -> str:
        inner = self.expr(node.operand)
        return {ast.USub: f"(-{inner})", ast.UAdd: inner, ast.Not: f"(NOT {inner})"}[type(node.op)]

    def _BoolOp(self, node: ast.BoolOp) -> str:
        word = " AND " if isinstance(node.op, ast.And) else " OR "
        return "(" + word.join(self.expr(v) for v in node.values) + ")"

    def _Compare(self, node: ast.Compare) -> str:
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            parts.append(self._compare_one(left, op, right))
            left = right
        return "(" + " AND ".join(parts) + ")"

    def _compare_one(self, left: ast.expr, op: ast.cmpop, right: ast.expr) -> str:
        if isinstance(op, (ast.In, ast.NotIn)):
            items = right.elts if isinstance(right, (ast.Tuple, ast.List)) else [right]
            listed = ", ".join(self.expr(e) for e in items)
            return f"({self.expr(left)} {'NOT IN' if isinstance(op, ast.NotIn) else 'IN'} ({listed}))"
        words = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "=", ast.NotEq: "<>"}
        return f"({self.expr(left)} {words[type(op)]} {self.expr(right)})"

    def _IfExp(self, node: ast.IfExp) -> str:
        return f"(CASE WHEN {self.expr(node.test)} THEN {self.expr(node.body)} ELSE {self.expr(node.orelse)} END)"

    def _Call(self, node: ast.Call) -> str:
        assert isinstance(node.func, ast.Name)
        name, args = node.func.id, node.args
        if name in PART_COLUMNS:  # year(), month() … workday_of_month(): a column of the joined calendar
            return self._day(args[0], PART_COLUMNS[name])
        handler = getattr(self, "_fn_" + name, None)
        if handler is None:
            raise SqlError(f"明细记录表的表达式里不能用函数 {name}。可用：abs、min、max、round、missing、fill、contains、"
                           f"startswith、endswith、days、workdays、is_workday、year、quarter、month、day、week、weekday、"
                           f"workday_of_month、na；汇总写在 per_unit 里。")
        return str(handler(args))

    def _fn_abs(self, args: list[ast.expr]) -> str:
        return f"ABS({self.expr(args[0])})"

    def _fn_min(self, args: list[ast.expr]) -> str:
        return self._least_greatest("LEAST", "min", args)

    def _fn_max(self, args: list[ast.expr]) -> str:
        return self._least_greatest("GREATEST", "max", args)

    def _least_greatest(self, word: str, name: str, args: list[ast.expr]) -> str:
        if len(args) < 2:
            raise SqlError(f"明细记录表的行上，{name}() 要写两个以上的值；对各行求最小、最大请在 per_unit 写 {name}: 表达式。")
        return f"{word}({', '.join(self.expr(a) for a in args)})"

    def _fn_round(self, args: list[ast.expr]) -> str:
        digits = self.expr(args[1]) if len(args) > 1 else "CAST(0 AS DOUBLE)"
        x = self.expr(args[0])
        # Half away from zero with the engine's nudge, so 0.285 * 100 rounds as it does by hand.
        return f"(SIGN({x}) * FLOOR(ABS({x}) * POWER(10, {digits}) + 0.5 + 1e-9) / POWER(10, {digits}))"

    def _fn_missing(self, args: list[ast.expr]) -> str:
        return f"({self.expr(args[0])} IS NULL)"

    def _fn_fill(self, args: list[ast.expr]) -> str:
        return f"COALESCE({self.expr(args[0])}, {self.expr(args[1])})"

    def _fn_contains(self, args: list[ast.expr]) -> str:
        return f"(INSTR({self.expr(args[0])}, {self.bind(_text(args[1]))}) > 0)"

    def _fn_startswith(self, args: list[ast.expr]) -> str:
        part = _text(args[1])
        return f"(LEFT({self.expr(args[0])}, {len(part)}) = {self.bind(part)})"

    def _fn_endswith(self, args: list[ast.expr]) -> str:
        part = _text(args[1])
        return f"(RIGHT({self.expr(args[0])}, {len(part)}) = {self.bind(part)})"

    def _fn_na(self, args: list[ast.expr]) -> str:
        return "CAST(NULL AS DOUBLE)"

    def _fn_days(self, args: list[ast.expr]) -> str:
        return f"({self._day(args[1], 'day_no')} - {self._day(args[0], 'day_no')})"

    def _fn_workdays(self, args: list[ast.expr]) -> str:
        return f"({self._day(args[1], 'work_no')} - {self._day(args[0], 'work_no')})"

    def _fn_is_workday(self, args: list[ast.expr]) -> str:
        return f"({self._day(args[0], 'is_work')} = TRUE)"

    def _day(self, node: ast.expr, column: str) -> str:
        """A date field's calendar value (joined) or a date fact's (looked up now, bound as a number)."""
        if isinstance(node, ast.Name) and node.id in self.fields and self.fields[node.id].type == "date":
            self.joined.setdefault(node.id, set()).add(column)
            return self.column(calendar_alias(node.id, column))
        fact = self.facts.get(node.id) if isinstance(node, ast.Name) else None
        if fact is None or fact.date is None:
            raise SqlError("明细记录表里日期函数（days、workdays、is_workday、year、month 等）的参数只能是日期字段或日期事实。")
        value = self.calendar.value(dt.date.fromisoformat(fact.date), column) if self.calendar else 0
        if value is None:
            return "CAST(NULL AS DOUBLE)"
        return f"CAST({self.bind(value)} AS {'BOOLEAN' if column == 'is_work' else 'DOUBLE'})"


def _text(node: ast.expr) -> str:
    """The quoted text of contains/startswith/endswith (the expression checker already insists on one)."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        raise SqlError("这里应为带引号的文字。")
    return node.value


def calendar_alias(field_name: str, column: str) -> str:
    return f"__{column}__{field_name}"


@dataclass(frozen=True)
class Statement:
    sql: str
    params: dict[str, Any]
    keys: int  # the first columns of each result row are the key parts
    aggregates: tuple[Aggregate, ...]  # then one column per aggregate
    checked: tuple[FieldSpec | None, ...]  # then one count of bad cells per field (None: the key)
    joined: frozenset[str]  # date fields joined to the calendar


def date_fields_needing_span(records: Records, facts: tuple[Fact, ...]) -> set[str]:
    """Date fields read by date functions (days, workdays, month …): the calendar must cover all their dates."""
    t = Translator(records, facts, "duckdb")
    for expr in [records.where, *(a.expr for a in records.per_unit)]:
        if expr is not None:
            t.expr(expr.node)
    return set(t.joined)


def build_statement(records: Records, facts: tuple[Fact, ...], dialect: str, text_columns: set[str],
                    calendar: Calendar | None, window: tuple[dt.date, dt.date] | None, trim_keys: bool = True) -> Statement:
    """The one statement for ``records``, over the relations ``src`` (the file) and ``cal`` (the calendar).

    ``trim_keys=False`` groups by the key cells as stored: the runner tries that first and repeats with
    trimming only when some key came back blank or padded, so clean data pays for no string work.
    """
    t = Translator(records, facts, dialect, calendar)
    q = t.d.quote
    keys = [q(f"__k{i}") for i in range(len(records.key))]
    where = t.expr(records.where.node) if records.where is not None else None
    selects = [_aggregate_sql(t, a, where) for a in records.per_unit if a.per is None]
    buckets = [(i, a) for i, a in enumerate(records.per_unit) if a.per is not None]
    ctes = []
    for i, a in buckets:
        t.joined.setdefault(str(a.date), set()).add(BUCKET_COLUMN[str(a.per)])
        ctes.append(_bucket_cte(t, i, a, where, keys, window))
    typed, checked = _typed_columns(t, text_columns, trim_keys)
    joins, cal_columns = [], []
    for n, name in enumerate(sorted(t.joined)):
        joins.append(f"LEFT JOIN cal AS c{n} ON c{n}.day = t.{q(name)}")
        cal_columns += [f"c{n}.{c} AS {q(calendar_alias(name, c))}" for c in CALENDAR_COLUMNS if c in t.joined[name]]
    head = [f"t AS (SELECT {', '.join(typed)} FROM src)",
            f"j AS (SELECT {', '.join(['t.*', *cal_columns])} FROM t {' '.join(joins)})"]
    bad = [f"SUM(CASE WHEN j.{q(f'__bad_{n}')} THEN 1 ELSE 0 END) AS bad{n}" for n, _ in enumerate(checked)]
    aliased = [f"{s} AS a{n}" for n, s in enumerate(selects)]
    main = [f"j.{k}" for k in keys] + aliased + ["COUNT(*) AS n_rows"] + bad
    head.append(f"m AS (SELECT {', '.join(main)} FROM j GROUP BY {', '.join(f'j.{k}' for k in keys)})")
    # Result columns: keys, each aggregate in ``order``, the row count, the bad-cell counts.
    outer = ([f"m.{k}" for k in keys] + [f"m.a{n}" for n in range(len(selects))] + [f"b{i}.ok" for i, _ in buckets]
             + ["m.n_rows"] + [f"m.bad{n}" for n in range(len(checked))])
    on = [" AND ".join(f"m.{k} IS NOT DISTINCT FROM b{i}.{k}" for k in keys) for i, _ in buckets]
    joined_b = " ".join(f"LEFT JOIN b{i} ON {cond}" for (i, _), cond in zip(buckets, on))
    sql = (f"WITH {', '.join(head + ctes)} SELECT {', '.join(outer)} FROM m {joined_b} "
           f"ORDER BY {', '.join(f'm.{k}' for k in keys)}")
    order = tuple(a for a in records.per_unit if a.per is None) + tuple(a for _, a in buckets)
    return Statement(sql, dict(t.params), len(keys), order, tuple(checked), frozenset(t.joined))


def _aggregate_sql(t: Translator, a: Aggregate, where: str | None) -> str:
    return aggregate_call(a.how, t.expr(a.expr.node) if a.expr is not None else None, where)


def aggregate_call(how: str, value: str | None, keep: str | None = None) -> str:
    """One per-unit aggregate of ``value`` over the rows ``keep`` selects (None: all rows).

    The one definition records tables and findings tables (data/aggregation.py) share. ``value``
    None counts rows; a row whose value is NULL adds nothing; a sum over no rows is 0.
    """
    if how == "count":
        return "COUNT(*)" if value is None and keep is None else f"SUM(CASE WHEN {keep or 'TRUE'} AND {value or 'TRUE'} THEN 1 ELSE 0 END)"
    if how == "rate":
        return (f"SUM(CASE WHEN {keep or 'TRUE'} AND {value} THEN 1.0 ELSE 0.0 END) / "
                f"NULLIF(SUM(CASE WHEN {keep or 'TRUE'} THEN 1.0 ELSE 0.0 END), 0)")
    kept = value if keep is None else f"CASE WHEN {keep} THEN {value} END"
    if how == "distinct":
        return f"COUNT(DISTINCT {kept})"
    if how == "sum":  # a unit with no rows has a sum of 0
        return f"COALESCE(SUM({kept}), 0)"
    if how == "dates":  # a findings table's dates per unit, in order, missing ones last (DuckDB)
        return f"LIST({kept} ORDER BY {kept} NULLS LAST)"
    return {"mean": "AVG", "min": "MIN", "max": "MAX"}[how] + f"({kept})"


def _bucket_cte(t: Translator, i: int, a: Aggregate, where: str | None, keys: list[str],
                window: tuple[dt.date, dt.date] | None) -> str:
    assert a.date is not None and a.below is not None and window is not None
    q = t.d.quote
    e = t.expr(a.expr.node) if a.expr is not None else None
    inner = f"SUM(CASE WHEN {e} THEN 1 ELSE 0 END)" if a.how == "count" and e else ("COUNT(*)" if a.how == "count" else f"SUM({e})")
    day = f"j.{q(a.date)}"
    inside = f"{day} BETWEEN CAST({t.bind(window[0])} AS DATE) AND CAST({t.bind(window[1])} AS DATE)"
    bucket = f"j.{q(calendar_alias(a.date, BUCKET_COLUMN[str(a.per)]))}"
    k = ", ".join(f"j.{key}" for key in keys)
    per_bucket = (f"SELECT {k}, {bucket} AS bk, {inner} AS v FROM j WHERE {inside}{' AND ' + where if where else ''} "
                  f"GROUP BY {k}, {bucket}")
    plain = ", ".join(keys)
    return (f"b{i} AS (SELECT {plain}, SUM(CASE WHEN v >= CAST({t.bind(float(a.below))} AS DOUBLE) THEN 1 ELSE 0 END) AS ok "
            f"FROM ({per_bucket}) AS per_bucket GROUP BY {plain})")


def _typed_columns(t: Translator, text_columns: set[str], trim_keys: bool = True) -> tuple[list[str], list[FieldSpec | None]]:
    """The key parts and each field cast from its source column, plus a bad-cell flag where a cell can be wrong."""
    q = t.d.quote
    key = "NULLIF(TRIM(CAST(src.{0} AS STRING)), '')" if trim_keys else "CAST(src.{0} AS STRING)"
    out = [key.format(q(k)) + f" AS {q(f'__k{i}')}" for i, k in enumerate(t.records.key)]
    checked: list[FieldSpec | None] = []
    for f in t.records.fields:
        raw = f"src.{q(f.column)}"
        text = f.column in text_columns
        typed, bad = _typed(t, f, raw, text)
        out.append(f"{typed} AS {q(f.name)}")
        if bad is not None:
            out.append(f"({bad}) AS {q(f'__bad_{len(checked)}')}")
            checked.append(f)
    return out, checked


def _typed(t: Translator, f: FieldSpec, raw: str, text: bool) -> tuple[str, str | None]:
    """One field's SQL value and the condition under which its cell is wrong (None: never)."""
    if f.type in ("yesno", "enum"):
        return typed_choice(t, f, raw)
    cell = f"TRIM(CAST({raw} AS STRING))"
    blank = f"({raw} IS NULL OR {cell} = '')" if text else f"({raw} IS NULL)"
    if f.not_applicable:  # 不适用 tokens are no value, never an error
        tokens = ", ".join(t.bind(tok) for tok in f.not_applicable)
        blank = f"({blank} OR {cell} IN ({tokens}))"
    if f.type == "text":
        return f"NULLIF({cell}, '')", (blank if f.blank == "error" else None)
    if f.type == "date":
        parsed = (f"COALESCE(TRY_CAST({cell} AS DATE), TRY_CAST(REPLACE(REPLACE({cell}, '/', '-'), '.', '-') AS DATE))"
                  if text else f"CAST({raw} AS DATE)")
    elif f.type == "percent" and text:
        number = f"REPLACE(REPLACE({cell}, ',', ''), '%', '')"
        parsed = f"(CASE WHEN INSTR({cell}, '%') > 0 THEN TRY_CAST({number} AS DOUBLE) / 100 ELSE TRY_CAST({number} AS DOUBLE) END)"
    else:
        parsed = f"TRY_CAST(REPLACE({cell}, ',', '') AS DOUBLE)" if text else f"CAST({raw} AS DOUBLE)"
    # A typed (Parquet) cell is blank only when NULL, and the cast keeps NULL: no CASE needed there.
    value = parsed if not text and not f.not_applicable else f"(CASE WHEN {blank} THEN NULL ELSE {parsed} END)"
    wrong = f"(NOT {blank} AND {parsed} IS NULL)" if text else None
    if f.blank == "zero" and f.type != "date":
        value = f"COALESCE({value}, 0)"
    if f.blank == "error":
        wrong = f"({blank} OR {wrong})" if wrong else blank
    return value, wrong


def span_sql(records: Records, facts: tuple[Fact, ...], dialect: str, text_columns: set[str], fields: list[str]) -> str:
    """Earliest and latest date of each field, so the calendar table covers every row's dates."""
    t = Translator(records, facts, dialect)
    typed, _ = _typed_columns(t, text_columns)
    q = t.d.quote
    picks = ", ".join(f"MIN(t.{q(f)}), MAX(t.{q(f)})" for f in fields)
    return f"WITH t AS (SELECT {', '.join(typed)} FROM src) SELECT {picks} FROM t"


def bad_cells_sql(records: Records, facts: tuple[Fact, ...], dialect: str, text_columns: set[str],
                  spec: FieldSpec | None, limit: int) -> tuple[str, dict[str, Any]]:
    """The first bad cells of one field (or blank keys), with their row numbers: only run when some were counted."""
    t = Translator(records, facts, dialect)
    q = t.d.quote
    if spec is None:
        raw = " OR ".join(f"NULLIF(TRIM(CAST(src.{q(k)} AS STRING)), '') IS NULL" for k in records.key)
        value, bad = f"CAST(src.{q(records.key[0])} AS STRING)", raw
    else:
        _, wrong = _typed(t, spec, f"src.{q(spec.column)}", spec.column in text_columns)
        value, bad = f"CAST(src.{q(spec.column)} AS STRING)", str(wrong)
    sql = (f"SELECT rn, v FROM (SELECT {t.d.row_number} AS rn, {value} AS v, ({bad}) AS bad FROM src) AS x "
           f"WHERE bad ORDER BY rn LIMIT {int(limit)}")
    return sql, dict(t.params)


def key_rows_sql(records: Records, dialect: str, count: int) -> str:
    """Row numbers of given keys (an unknown unit's first row), bound as parameters k0, k1, …"""
    d = DIALECTS[dialect]
    q = d.quote
    parts = [f"NULLIF(TRIM(CAST(src.{q(k)} AS STRING)), '')" for k in records.key]
    tests = " OR ".join("(" + " AND ".join(f"k{j} = {d.marker}k{i}_{j}" for j in range(len(parts))) + ")" for i in range(count))
    names = ", ".join(f"k{j}" for j in range(len(parts)))
    return (f"SELECT MIN(rn), {names} FROM (SELECT {d.row_number} AS rn, "
            f"{', '.join(f'{p} AS k{j}' for j, p in enumerate(parts))} FROM src) AS x WHERE {tests} GROUP BY {names}")
