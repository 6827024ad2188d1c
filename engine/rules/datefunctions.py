"""Parts of a date, column-wise: year(), quarter(), month(), day(), week(), weekday().

A date column is numpy ``datetime64[D]`` with NaT for a blank; each function gives a
float64 column with NaN there, so a missing date spreads as any missing value does.
``week`` is the ISO week (Monday to Sunday; week 1 holds the year's first Thursday), so
2024-12-30 is in week 1 (of 2025); ``weekday`` counts 星期一 as 1 and 星期日 as 7 (not
Excel's default, which starts on Sunday). The working-day variant ``workday_of_month``
needs the calendar and is bound per evaluation (data/dates.py).

``date_mistakes`` checks at load that every date function is given a date, so a number
or text there is a ruleset error with its line, never a wrong answer at run time.
"""
from __future__ import annotations

import ast
from typing import Any, Callable

import numpy as np

from .kinds import kind_of

_EPOCH_WEEKDAY = 3  # 1970-01-01, day 0, was a Thursday: (n + 3) % 7 is 0 on Mondays


def as_dates(x: Any) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers since 1970-01-01 (0 where blank) and the blank mask; anything but dates is refused."""
    arr = np.asarray(x)
    if arr.dtype.kind != "M":
        raise TypeError("日期函数的参数不是日期")
    days = arr.astype("datetime64[D]")
    blank = np.isnat(days)
    return np.where(blank, 0, days.astype(np.int64)), blank


def _part(measure: Callable[[np.ndarray], np.ndarray]) -> Callable[[Any], Any]:
    def column(x: Any) -> Any:
        n, blank = as_dates(x)
        return np.where(blank, np.nan, measure(n).astype(np.float64))
    column.__name__ = measure.__name__
    return column


def _year(n: np.ndarray) -> np.ndarray:
    return n.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _month(n: np.ndarray) -> np.ndarray:
    return n.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1


def _quarter(n: np.ndarray) -> np.ndarray:
    return (_month(n) - 1) // 3 + 1


def _day(n: np.ndarray) -> np.ndarray:
    d = n.astype("datetime64[D]")
    out: np.ndarray = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    return out


def _weekday(n: np.ndarray) -> np.ndarray:
    out: np.ndarray = (n + _EPOCH_WEEKDAY) % 7 + 1
    return out


def _week(n: np.ndarray) -> np.ndarray:
    """ISO 8601: the week's Thursday decides its year; week 1 is the one holding that year's first Thursday."""
    thursday = n - (_weekday(n) - 1) + 3
    first = thursday.astype("datetime64[D]").astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    out: np.ndarray = (thursday - first) // 7 + 1
    return out


year = _part(_year)
quarter = _part(_quarter)
month = _part(_month)
day = _part(_day)
week = _part(_week)
weekday = _part(_weekday)

PARTS: dict[str, Callable[[Any], Any]] = {"year": year, "quarter": quarter, "month": month, "day": day,
                                          "week": week, "weekday": weekday}
"""Functions that need no calendar; ``workday_of_month`` does and is bound with it."""

NEW_NAMES = frozenset(PARTS) | {"workday_of_month"}
"""Added after rulesets existed that call fields ``day`` or ``month``: these stay usable as names."""

DATE_ARGS: dict[str, tuple[int, ...]] = {
    **{name: (0,) for name in NEW_NAMES}, "is_workday": (0,), "days": (0, 1), "workdays": (0, 1),
    "missed_days": (1, 2), "missed_workdays": (1, 2), "short_weeks": (1, 2),
}
"""Which arguments of each function must be dates (missed_days' first is a unit's set of dates)."""


def is_date(node: ast.expr, dates: set[str] | frozenset[str]) -> bool:
    """Does this expression give a date: a date field or fact, ``fill`` of one, or ``a if c else b`` of two."""
    return kind_of(node, {name: ("date", name) for name in dates}) == "date"


def date_mistakes(node: ast.expr, dates: set[str] | frozenset[str]) -> list[str]:
    """Each date function given something that is not a date, in words with the fix."""
    out = []
    for call in ast.walk(node):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in DATE_ARGS):
            continue
        for i in DATE_ARGS[call.func.id]:
            if i < len(call.args) and not is_date(call.args[i], dates):
                shown = ast.unparse(call.args[i])[:40]
                listed = "、".join(sorted(dates)[:10]) or "无（请在 fields 里写 type: date，或在 facts 里写 date: \"2022-05-13\"）"
                out.append(f"函数 {call.func.id} 的第 {i + 1} 个参数应是日期，这里的“{shown}”不是日期。"
                           f"请写日期型的字段或事实，这里能用的有：{listed}。")
    return out
