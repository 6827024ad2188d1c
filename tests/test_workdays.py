"""China's working days: make-up days count, holidays do not, unknown years fail in plain words."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from tongbao.errors import TongbaoError
from tongbao.rules.calendar import Calendar


def _days(*iso: str) -> np.ndarray:
    return np.array(iso, dtype="datetime64[D]")


def test_national_day_2022_make_up_days_are_working_days() -> None:
    cal = Calendar()
    assert cal.is_workday(dt.date(2022, 10, 8)) and cal.is_workday(dt.date(2022, 10, 9))  # Saturday and Sunday
    assert not any(cal.is_workday(dt.date(2022, 10, d)) for d in range(1, 8))
    got = cal.workdays_between(_days("2022-09-30", "2022-09-29", "2022-10-08"), _days("2022-10-08", "2022-10-10", "2022-10-08"))
    np.testing.assert_array_equal(got, [1, 4, 0])


def test_a_blank_date_gives_no_count() -> None:
    got = Calendar().workdays_between(np.array(["2022-09-30", "NaT"], dtype="datetime64[D]"), _days("2022-10-08", "2022-10-08"))
    assert got[0] == 1 and np.isnan(got[1])


def test_a_year_the_calendar_does_not_cover_is_a_clear_error() -> None:
    with pytest.raises(TongbaoError) as err:
        Calendar().is_workday(dt.date(2031, 3, 3))
    assert "工作日历中没有 2031 年的数据" in str(err.value) and "extra_workdays" in str(err.value)


def test_the_ruleset_can_supply_dates_the_package_lacks() -> None:
    cal = Calendar(extra_workdays=frozenset({dt.date(2031, 3, 1)}), extra_holidays=frozenset({dt.date(2031, 3, 3)}))
    assert cal.is_workday(dt.date(2031, 3, 1)) and not cal.is_workday(dt.date(2031, 3, 3))
