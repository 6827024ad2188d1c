"""Date functions in records SQL: each reads a column of the joined calendar table (sql.Translator._Call).

year(), month() … and workday_of_month() are looked up in the calendar table
(data/calendar_table.py), built in Python by the same rules as the unit-table path
(rules/datefunctions.py, rules/calendar.py), so DuckDB and Spark give the answers numpy
gives, with no dialect's own week or weekday numbering involved (Spark's dayofweek
counts Sunday as 1). A blank date joins no calendar row: the value is missing.
"""
from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..rules.datefunctions import PARTS

if TYPE_CHECKING:
    from ..rules.model import Records

WORKDAY_FUNCTIONS = frozenset({"workdays", "is_workday", "workday_of_month"})

# The calendar table's column for each function (data/calendar_table.py fills them by rules/datefunctions.py).
PART_COLUMNS = {**{name: "part_" + name for name in PARTS}, "workday_of_month": "month_work"}


def needs_workdays(records: "Records") -> bool:
    """Does a row expression read working days? Only then must chinesecalendar cover the dates (month() needs no holidays)."""
    exprs = [records.where, *(a.expr for a in records.per_unit)]
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in WORKDAY_FUNCTIONS
               for e in exprs if e is not None for n in ast.walk(e.node))
