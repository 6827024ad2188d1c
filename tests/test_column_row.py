"""Column-wise means row-by-row: random expressions over typed columns, checked against a plain Python reading.

Each generated expression is evaluated once over whole numpy columns (as rulesets are) and
once per row by ``_reference`` below, written from the documented semantics in docs/rulesets.md
(表达式, 函数) and nothing else: yes/no counts 1/0 in arithmetic; a missing value (blank, N/A,
NaN) spreads through arithmetic, makes <, <=, >, >=, == false and != true; anything over 0 has
no value; a // b is a / b rounded down, mod follows the divisor's sign; rounding is half away
from zero on the number's 15 significant digits, the rule display uses. Dates (with blanks) feed the date functions:
year/quarter/month/day, the ISO week, weekday with Monday 1, days, and the working-day ones by
China's official calendar (chinese_calendar, read here day by day); a blank date gives no value
(is_workday: no).
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chinese_calendar

from tongbao.data.dates import bind as bind_dates
from tongbao.rules.calendar import Calendar
from tongbao.rules.expressions import BASE_FUNCTIONS, ColumnEvaluator, compile_expression

NUMERIC = ("i1", "i2", "f1", "p1")  # integers, numbers, percents (0–1 inside)
BOOLS = ("b1", "b2")  # yes/no
TEXTS = ("t1",)
DATES = ("d1", "d2")
# Year ends (ISO weeks 52/53/1), National Day with its make-up Saturdays, Spring Festival, leap day.
_SPANS = [("2020-12-24", "2021-01-12"), ("2024-12-22", "2025-01-09"), ("2022-09-26", "2022-10-12"),
          ("2023-01-18", "2023-02-02"), ("2024-02-26", "2024-03-04"), ("2021-06-01", "2021-12-31")]
dates = st.sampled_from(_SPANS).flatmap(
    lambda span: st.dates(dt.date.fromisoformat(span[0]), dt.date.fromisoformat(span[1]))) | st.none()
DATE_PARTS = ("year", "quarter", "month", "day", "week", "weekday", "workday_of_month")
NAN = float("nan")

# ---------------------------------------------------------------- columns

integers = st.integers(-20, 20).map(float) | st.just(0.0) | st.just(NAN)
numbers = (st.floats(-1000, 1000, allow_nan=False) | st.sampled_from([0.0, 0.5, -0.5, 2.5, -2.5, 0.285, 1e-9, 2.4999999995])
           | st.just(NAN))
percents = st.floats(0, 1.5, allow_nan=False) | st.sampled_from([0.0, 0.9, 1.0, 0.125]) | st.just(NAN)
KINDS = {"i1": integers, "i2": integers, "f1": numbers, "p1": percents}


@st.composite
def tables(draw: Any) -> dict[str, list[Any]]:
    n = draw(st.integers(1, 6))
    cols: dict[str, list[Any]] = {name: draw(st.lists(KINDS[name], min_size=n, max_size=n)) for name in NUMERIC}
    cols.update({name: draw(st.lists(st.booleans(), min_size=n, max_size=n)) for name in BOOLS})
    cols["t1"] = draw(st.lists(st.sampled_from(["乡", "镇", "", "县直"]), min_size=n, max_size=n))
    cols.update({name: draw(st.lists(dates, min_size=n, max_size=n)) for name in DATES})
    return cols


# ---------------------------------------------------------------- expressions as trees: (text, row -> value)

CONSTANTS = st.sampled_from(["0", "1", "2", "3", "(-2)", "0.5", "2.5", "100", "0.1", "50%", "12.5%"])


def _const(text: str) -> float:
    text = text.strip("()")
    return float(Decimal(text[:-1]) / 100) if text.endswith("%") else float(text)


@st.composite
def numeric(draw: Any, depth: int = 0) -> tuple[str, Any]:
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        kind = draw(st.sampled_from(["name", "name", "const", "bool", "date"]))
        if kind == "date":
            return draw(date_number())
        if kind == "name":
            name = draw(st.sampled_from(NUMERIC))
            return name, lambda r, name=name: r[name]
        if kind == "bool":
            name = draw(st.sampled_from(BOOLS))
            return name, lambda r, name=name: r[name]
        c = draw(CONSTANTS)
        return c, lambda r, v=_const(c): v
    sub = numeric(depth + 1)
    op = draw(st.sampled_from(["+", "-", "*", "/", "//", "**", "neg", "abs", "min", "max", "round", "round_n",
                               "floor", "ceil", "mod", "fill", "if", "na"]))
    a_text, a = draw(sub)
    if op in ("+", "-", "*", "/", "//"):
        b_text, b = draw(sub)
        return f"({a_text} {op} {b_text})", lambda r: _arith(op, a(r), b(r))
    if op == "**":
        # x ** 3 is x * x * x in numpy (two roundings) and a correctly rounded pow() in Python: the last
        # bit may differ, which is float, not semantics. Squares are one rounding in both.
        k = draw(st.integers(0, 2))
        return f"({a_text} ** {k})", lambda r: _power(_num(a(r)), k)
    if op == "neg":
        return f"(-{a_text})", lambda r: -_num(a(r))
    if op == "abs":
        return f"abs({a_text})", lambda r: abs(_num(a(r)))
    if op in ("min", "max"):
        rest = draw(st.lists(sub, min_size=1, max_size=2))
        text = f"{op}({a_text}, {', '.join(t for t, _ in rest)})"
        return text, lambda r: _extreme(op, [a(r)] + [f(r) for _, f in rest])
    if op == "round":
        return f"round({a_text})", lambda r: _round(_num(a(r)), 0)
    if op == "round_n":
        n = draw(st.integers(0, 3))
        return f"round({a_text}, {n})", lambda r: _round(_num(a(r)), n)
    if op in ("floor", "ceil"):
        return f"{op}({a_text})", lambda r: _whole(op, _num(a(r)))
    if op == "mod":
        b_text, b = draw(sub)
        return f"mod({a_text}, {b_text})", lambda r: _mod(_num(a(r)), _num(b(r)))
    if op == "fill":
        c = draw(CONSTANTS)
        return f"fill({a_text}, {c})", lambda r: _const(c) if _nan(a(r)) else a(r)
    if op == "if":
        t_text, t = draw(condition(depth + 1))
        b_text, b = draw(sub)
        return f"({a_text} if {t_text} else {b_text})", lambda r: a(r) if t(r) else b(r)
    return "na()", lambda r: NAN


@st.composite
def date_number(draw: Any) -> tuple[str, Any]:
    """A date function giving a number: a part of d1 or d2, or the days / working days between them."""
    fn = draw(st.sampled_from(DATE_PARTS + ("days", "workdays")))
    if fn in ("days", "workdays"):
        a, b = draw(st.permutations(DATES))
        return f"{fn}({a}, {b})", lambda r: _between(fn, r[a], r[b])
    name = draw(st.sampled_from(DATES))
    return f"{fn}({name})", lambda r: _date_part(fn, r[name])


@st.composite
def date_condition(draw: Any) -> tuple[str, Any]:
    """is_workday(d), or two dates compared (a blank date compares as any missing value does)."""
    if draw(st.booleans()):
        name = draw(st.sampled_from(DATES))
        return f"is_workday({name})", lambda r: r[name] is not None and chinese_calendar.is_workday(r[name])
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
    return f"(d1 {op} d2)", lambda r: _compare_dates(op, r["d1"], r["d2"])


@st.composite
def condition(draw: Any, depth: int = 0) -> tuple[str, Any]:
    kind = draw(st.sampled_from(["compare", "compare", "chain", "bool", "missing", "in", "text", "date"]
                                + (["and", "or", "not"] if depth < 3 else [])))
    sub = numeric(depth + 1)
    if kind == "bool":
        name = draw(st.sampled_from(BOOLS))
        return name, lambda r: r[name]
    if kind == "date":
        return draw(date_condition())
    if kind in ("compare", "chain"):
        ops = draw(st.lists(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), min_size=1, max_size=1 if kind == "compare" else 2))
        terms = [draw(sub) for _ in range(len(ops) + 1)]
        text = terms[0][0] + "".join(f" {o} {t}" for o, (t, _) in zip(ops, terms[1:]))
        return f"({text})", lambda r: all(_compare(o, a(r), b(r)) for o, (_, a), (_, b) in zip(ops, terms, terms[1:]))
    if kind == "missing":
        a_text, a = draw(sub)
        return f"missing({a_text})", lambda r: _nan(a(r))
    if kind == "in":
        a_text, a = draw(sub)
        # the list holds constants and, since a column there once failed at evaluate, per-unit values too
        items = draw(st.lists(st.one_of(CONSTANTS.map(lambda c: (c, lambda r, c=c: _const(c))), sub), min_size=1, max_size=3))
        negate = draw(st.booleans())
        text = f"({a_text} {'not in' if negate else 'in'} ({', '.join(t for t, _ in items)},))"
        return text, lambda r: (not negate) == any(_compare("==", a(r), item(r)) for _, item in items)
    if kind == "text":
        word = draw(st.sampled_from(["乡", "镇", ""]))
        return f'(t1 == "{word}")', lambda r: r["t1"] == word
    if kind == "not":
        a_text, a = draw(condition(depth + 1))
        return f"(not {a_text})", lambda r: not a(r)
    a_text, a = draw(condition(depth + 1))
    b_text, b = draw(condition(depth + 1))
    if kind == "and":
        return f"({a_text} and {b_text})", lambda r: a(r) and b(r)
    return f"({a_text} or {b_text})", lambda r: a(r) or b(r)


# ---------------------------------------------------------------- the documented semantics, one row at a time

def _num(x: Any) -> float:
    return float(x)  # yes/no counts 1/0


def _nan(x: Any) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _arith(op: str, a: Any, b: Any) -> float:
    a, b = _num(a), _num(b)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if math.isnan(a) or math.isnan(b) or b == 0:
        return NAN
    q = a / b
    if math.isinf(q):
        return NAN
    return q if op == "/" else _whole("floor", q)


def _power(a: float, k: int) -> float:
    try:
        return a ** k
    except OverflowError:
        return math.copysign(math.inf, a) if k % 2 else math.inf


def _trusted(x: float) -> Decimal:
    return Decimal(repr(x)) if abs(x) >= 1e15 else Decimal(f"{x:.15g}")


def _whole(op: str, x: float) -> float:
    if math.isnan(x) or math.isinf(x):
        return x
    d = _trusted(x)
    return float(math.floor(d) if op == "floor" else math.ceil(d))


def _mod(a: float, b: float) -> float:
    if math.isnan(a) or math.isnan(b) or b == 0 or math.isinf(a / b):
        return NAN
    r = a - b * _whole("floor", a / b)
    return 0.0 if abs(r) < 1e-12 * max(abs(a), abs(b)) else r


def _round(x: float, n: int) -> float:
    if math.isnan(x) or math.isinf(x):
        return x
    with localcontext() as ctx:  # a float up to 1.8e308 has 309 digits before the point
        ctx.prec = 400
        return float(_trusted(x).quantize(Decimal(1).scaleb(-n), rounding=ROUND_HALF_UP))


def _extreme(op: str, values: list[Any]) -> float:
    nums = [_num(v) for v in values]
    if any(math.isnan(v) for v in nums):
        return NAN
    return min(nums) if op == "min" else max(nums)


def _compare(op: str, a: Any, b: Any) -> bool:
    a, b = _num(a), _num(b)
    if math.isnan(a) or math.isnan(b):
        return op == "!="
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]


def _date_part(fn: str, d: dt.date | None) -> float:
    if d is None:
        return NAN
    if fn == "workday_of_month":  # 1 + the month's working days before d
        return float(1 + sum(chinese_calendar.is_workday(d.replace(day=k)) for k in range(1, d.day)))
    iso = d.isocalendar()
    return float({"year": d.year, "quarter": (d.month - 1) // 3 + 1, "month": d.month, "day": d.day,
                  "week": iso[1], "weekday": d.isoweekday()}[fn])


def _between(fn: str, a: dt.date | None, b: dt.date | None) -> float:
    if a is None or b is None:
        return NAN
    if fn == "days":
        return float((b - a).days)
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)  # working days after lo up to and including hi
    return float(sign * sum(chinese_calendar.is_workday(lo + dt.timedelta(k)) for k in range(1, (hi - lo).days + 1)))


def _compare_dates(op: str, a: dt.date | None, b: dt.date | None) -> bool:
    if a is None or b is None:
        return op == "!="
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]


# ---------------------------------------------------------------- the property

def _column(cols: dict[str, list[Any]], text: str) -> np.ndarray:
    names = {k: np.array(v, dtype=np.float64 if k in NUMERIC else bool if k in BOOLS else object) for k, v in cols.items()
             if k not in DATES}
    names.update({k: np.array([np.datetime64(d) if d else np.datetime64("NaT") for d in cols[k]], dtype="datetime64[D]")
                  for k in DATES})
    functions = {k: f.impl for k, f in BASE_FUNCTIONS.items()}
    functions.update(bind_dates(Calendar()))
    n = len(cols["i1"])
    with np.errstate(all="ignore"):
        out = ColumnEvaluator(names, functions).run(compile_expression(text, set(cols)))
    return np.broadcast_to(np.asarray(out), (n,))


def _same(got: Any, want: Any) -> bool:
    """Equal on the 15 digits tongbao trusts (rounding and display read no further): numpy's and
    Python's pow may differ in the last binary digit, as 0.7654712964840792 against …793."""
    got, want = float(got), float(want)
    return (math.isnan(got) and math.isnan(want)) or math.isclose(got, want, rel_tol=1e-14, abs_tol=0.0)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tables(), numeric())
def test_a_number_column_wise_equals_row_by_row(cols: dict[str, list[Any]], expr: tuple[str, Any]) -> None:
    text, reference = expr
    got = _column(cols, text)
    rows = [{k: v[i] for k, v in cols.items()} for i in range(len(cols["i1"]))]
    want = [reference(r) for r in rows]
    assert all(_same(g, w) for g, w in zip(got.tolist(), want)), (text, rows, got.tolist(), want)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(tables(), condition())
def test_a_condition_column_wise_equals_row_by_row(cols: dict[str, list[Any]], expr: tuple[str, Any]) -> None:
    text, reference = expr
    got = _column(cols, text)
    assert got.dtype == bool, (text, got)
    rows = [{k: v[i] for k, v in cols.items()} for i in range(len(cols["i1"]))]
    assert got.tolist() == [bool(reference(r)) for r in rows], (text, rows)
