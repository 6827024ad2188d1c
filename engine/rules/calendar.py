"""China's working days, by the State Council's holiday notices (make-up days included).

The calendar comes from ``chinesecalendar``, which is updated each November when
the next year's notice is published. A ruleset may add dates the package does
not know yet (``calendar.extra_workdays`` / ``extra_holidays``); a date outside
both is an error in plain words, never a silent guess.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from ..frozen import frozen
from ..errors import TongbaoError


@frozen
class Calendar:
    """China's working days: the State Council's holidays and make-up working days, plus a ruleset's own."""

    extra_workdays: frozenset[dt.date] = frozenset()
    extra_holidays: frozenset[dt.date] = frozenset()

    def is_workday(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        return _official(day.year)[day.timetuple().tm_yday - 1]

    def workday_mask(self, start: np.datetime64, end: np.datetime64) -> np.ndarray:
        """One boolean per day from start to end inclusive."""
        days = np.arange(start, end + np.timedelta64(1, "D"), dtype="datetime64[D]")
        return np.array([self.is_workday(d.astype(dt.date)) for d in days], dtype=bool)

    def workdays_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days after ``start`` up to and including ``end`` (so a same-day reply is 0).

        Counted with one cumulative sum over the span of all dates, so a whole column costs one pass.
        """
        start = np.asarray(start, dtype="datetime64[D]")
        end = np.asarray(end, dtype="datetime64[D]")
        both = np.concatenate([start.ravel(), end.ravel()])
        valid = both[~np.isnat(both)]
        out = np.full(np.broadcast(start, end).shape, np.nan)
        if valid.size == 0:
            return out
        first, last = valid.min(), valid.max()
        cumulative = np.concatenate([[0], np.cumsum(self.workday_mask(first, last))])
        ok = ~(np.isnat(start) | np.isnat(end))
        s = np.broadcast_to(start, out.shape)[ok]
        e = np.broadcast_to(end, out.shape)[ok]
        si = (s - first).astype(np.int64) + 1
        ei = (e - first).astype(np.int64) + 1
        out[ok] = cumulative[ei] - cumulative[si]
        return out

    def workday_of_month(self, days: np.ndarray) -> np.ndarray:
        """1 + the month's working days before each day: a working day's place in its month (the 5th is 5),
        a day off counts as the working day after it, so ``workday_of_month(d) <= 5`` means "by the 5th"."""
        days = np.asarray(days, dtype="datetime64[D]")
        out = np.full(days.shape, np.nan)
        ok = ~np.isnat(days)
        if not ok.any():
            return out
        valid = days[ok]
        starts = valid.astype("datetime64[M]").astype("datetime64[D]")
        first = starts.min()
        before = np.concatenate([[0], np.cumsum(self.workday_mask(first, valid.max()))])  # working days in [first, first + i)
        out[ok] = 1 + before[(valid - first).astype(np.int64)] - before[(starts - first).astype(np.int64)]
        return out


@lru_cache(maxsize=64)
def _official(year: int) -> tuple[bool, ...]:
    import chinese_calendar  # imported late: only rulesets with working-day rules need it

    first = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - first).days
    try:
        return tuple(chinese_calendar.is_workday(first + dt.timedelta(d)) for d in range(days))
    except NotImplementedError:
        raise TongbaoError(
            f"工作日历中没有 {year} 年的数据（chinesecalendar 只收录到国务院已公布放假安排的年份）。"
            f"请升级：pip install -U chinesecalendar；若新年度的安排尚未收录，可在规则集 calendar.extra_workdays / "
            f"extra_holidays 中写明该年的调休上班日和放假日。") from None
