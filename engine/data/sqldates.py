"""Date functions in records SQL: each reads a column of the joined calendar table.

year(), month() … and workday_of_month() are looked up in the calendar table
(data/calendar_table.py), built in Python by the same rules as the unit-table path
(rules/datefunctions.py, rules/calendar.py), so DuckDB and Spark give the answers numpy
gives, with no dialect's own week or weekday numbering involved (Spark's dayofweek
counts Sunday as 1). A blank date joins no calendar row: the value is missing.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rules.model import Records

WORKDAY_FUNCTIONS = frozenset({"workdays", "is_workday", "workday_of_month"})

PART_COLUMNS = {"year": "part_year", "quarter": "part_quarter", "month": "part_month", "day": "part_day",
                "week": "part_week", "weekday": "part_weekday", "workday_of_month": "month_work"}


class DateCalls:
    """Translator methods for the date-part functions (mixed into data/sql.py's Translator)."""

    def _day(self, node: ast.expr, column: str) -> str:
        raise NotImplementedError  # the Translator's: a date field's joined column, or a date fact's value

    def _part(self, args: list[ast.expr], name: str) -> str:
        return self._day(args[0], PART_COLUMNS[name])

    def _fn_year(self, args: list[ast.expr]) -> str:
        return self._part(args, "year")

    def _fn_quarter(self, args: list[ast.expr]) -> str:
        return self._part(args, "quarter")

    def _fn_month(self, args: list[ast.expr]) -> str:
        return self._part(args, "month")

    def _fn_day(self, args: list[ast.expr]) -> str:
        return self._part(args, "day")

    def _fn_week(self, args: list[ast.expr]) -> str:
        return self._part(args, "week")

    def _fn_weekday(self, args: list[ast.expr]) -> str:
        return self._part(args, "weekday")

    def _fn_workday_of_month(self, args: list[ast.expr]) -> str:
        return self._part(args, "workday_of_month")


def needs_workdays(records: "Records") -> bool:
    """Does a row expression read working days? Only then must chinesecalendar cover the dates (month() needs no holidays)."""
    exprs = [records.where, *(a.expr for a in records.per_unit)]
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in WORKDAY_FUNCTIONS
               for e in exprs if e is not None for n in ast.walk(e.node))
