"""Date functions that need China's working-day calendar, bound per evaluation.

``workdays(a, b)`` counts working days after ``a`` up to ``b``: a message received
on Friday 30 September 2022 and answered on Saturday 8 October (a make-up working
day) took 1 working day. The unit-level functions read a set of dates gathered
from a findings table (``per_unit: {x: {dates: field}}``) against a check window.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..rules.calendar import Calendar
from ..rules.datefunctions import as_dates


def bind(calendar: Calendar) -> dict[str, Callable[..., Any]]:
    def workdays(start: Any, end: Any) -> np.ndarray:
        return calendar.workdays_between(start, end)

    def is_workday(day: Any) -> np.ndarray:
        days = np.asarray(day, dtype="datetime64[D]")
        out = np.zeros(days.shape, dtype=bool)
        for i, d in np.ndenumerate(days):
            out[i] = False if np.isnat(d) else calendar.is_workday(d.astype(object))
        return out

    def workday_of_month(day: Any) -> np.ndarray:
        as_dates(day)  # a number here is refused, not read as a day count
        return calendar.workday_of_month(day)

    def missed_days(dates: Any, start: Any, end: Any) -> np.ndarray:
        """Calendar days in [start, end] with no date in the set (front page: daily updates)."""
        return _per_unit(dates, start, end, lambda days, hit: float(np.count_nonzero(~hit)))

    def missed_workdays(dates: Any, start: Any, end: Any) -> np.ndarray:
        """Working days in [start, end] with no date in the set (government accounts)."""
        def count(days: np.ndarray, hit: np.ndarray) -> float:
            work = calendar.workday_mask(days[0], days[-1])
            return float(np.count_nonzero(work & ~hit))
        return _per_unit(dates, start, end, count)

    def short_weeks(dates: Any, start: Any, end: Any, times: Any) -> np.ndarray:
        """Weeks (Monday to Sunday, within [start, end]) with fewer than ``times`` dates."""
        def count(days: np.ndarray, hit: np.ndarray) -> float:
            # Days since a Monday (1970-01-05), integer-divided by 7, number the ISO weeks.
            week = (days - np.datetime64("1970-01-05")).astype(np.int64) // 7
            per_week = {w: int(np.count_nonzero(hit[week == w])) for w in np.unique(week)}
            return float(sum(1 for n in per_week.values() if n < float(times)))
        return _per_unit(dates, start, end, count)

    return {"workdays": workdays, "is_workday": is_workday, "workday_of_month": workday_of_month, "missed_days": missed_days,
            "missed_workdays": missed_workdays, "short_weeks": short_weeks}


def _per_unit(dates: Any, start: Any, end: Any, measure: Callable[[np.ndarray, np.ndarray], float]) -> np.ndarray:
    sets = np.asarray(dates, dtype=object)
    starts = np.broadcast_to(np.asarray(start, dtype="datetime64[D]"), sets.shape)
    ends = np.broadcast_to(np.asarray(end, dtype="datetime64[D]"), sets.shape)
    out = np.full(sets.shape, np.nan)
    for i, unit_dates in enumerate(sets):
        if np.isnat(starts[i]) or np.isnat(ends[i]) or ends[i] < starts[i]:
            continue
        days = np.arange(starts[i], ends[i] + np.timedelta64(1, "D"), dtype="datetime64[D]")
        hit = np.isin(days, np.asarray(unit_dates, dtype="datetime64[D]"))
        out[i] = measure(days, hit)
    return out
