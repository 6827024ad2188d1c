"""The calendar table the records SQL joins: one row per day, with working days and bucket numbers.

Built in Python from the ruleset's working-day calendar (rules/calendar.py, make-up days
included) for the days the rules read, then handed to DuckDB or Spark as a small table, so
``workdays(a, b)`` is a subtraction of two joined numbers and a week is a join key.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from ..rules.datefunctions import PARTS

BUCKET_COLUMN = {"week": "week_no", "month": "month_no", "quarter": "quarter_no"}
CALENDAR_COLUMNS = ("day", "day_no", "work_no", "is_work", "week_no", "month_no", "quarter_no",
                    "part_year", "part_quarter", "part_month", "part_day", "part_week", "part_weekday", "month_work")


class Calendar:
    """The calendar table's values for the dates facts name (the table itself is built by the runner)."""

    def __init__(self, rows: dict[str, list[Any]]) -> None:
        self.rows = rows
        self.index = {d: i for i, d in enumerate(rows["day"])}

    def value(self, day: dt.date, column: str) -> Any:
        i = self.index.get(day)
        return None if i is None else self.rows[column][i]


def calendar_rows(workday: Any, start: dt.date, end: dt.date) -> dict[str, list[Any]]:
    """One row per day from start to end: day numbers, cumulative working days, bucket numbers,
    and the date parts year() … weekday() as the unit-table path computes them (rules/datefunctions.py)."""
    out: dict[str, list[Any]] = {c: [] for c in CALENDAR_COLUMNS}
    work = 0
    # Working days of start's month before start: workday_of_month counts from the 1st.
    month_work = sum(bool(workday(start.replace(day=d))) for d in range(1, start.day))
    day = start
    while day <= end:
        month_work = 0 if day.day == 1 else month_work
        is_work = bool(workday(day))
        work += is_work
        n = (day - dt.date(1970, 1, 1)).days
        # 1970-01-01 was a Thursday: (n + 3) // 7 numbers ISO weeks Monday to Sunday.
        values = (day, n, work, is_work, (n + 3) // 7, day.year * 12 + day.month - 1, day.year * 4 + (day.month - 1) // 3)
        for column, value in zip(CALENDAR_COLUMNS, values):
            out[column].append(value)
        out["month_work"].append(month_work + 1)
        month_work += is_work
        day += dt.timedelta(days=1)
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end + dt.timedelta(days=1), "D"))
    for name, part in PARTS.items():
        out["part_" + name] = part(days).astype(np.int64).tolist()
    return out


def bucket_count(per: str, start: dt.date, end: dt.date) -> int:
    """How many weeks (months, quarters) meet [start, end], the cut ones at either end included."""
    rows = calendar_rows(lambda d: False, start, end)
    return len(set(rows[BUCKET_COLUMN[per]]))
