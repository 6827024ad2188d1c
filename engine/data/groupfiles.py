"""The unit table from one file per group, when the groups' files carry different columns.

A field may name the groups whose files carry it (``groups: [departments]``). Each group's file
is read with only its own fields, so a column missing from a file that should have it is the
ordinary "缺少规则集要求的列" naming that file; the columns a group's file does not carry are then
filled, for its units, as 不适用 (the not-applicable mask, as a ``/`` cell is) or, with
``absent: zero``, as 0, and the tables are joined. Everything after reads one table, as before.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from ..rules.model import FieldSpec, UnitTable
from .tables import Layout, Table, concat_tables


def unit_table(units: UnitTable, read: Callable[[str, Layout], Table], keep_text: frozenset[str]) -> Table:
    """Each group's file read with its own fields (``read(file, layout)``), the others' filled, joined."""
    layout = Layout.of(units, keep_text)
    tables = []
    for group, name in units.files:
        own = units.fields_in(group)
        if len(own) == len(units.fields):
            tables.append((group, read(name, layout)))
            continue
        table = read(name, dataclasses.replace(layout, fields=own))
        tables.append((group, _filled(table, [f for f in units.fields if f not in own], keep_text)))
    return concat_tables(tables)


def _filled(table: Table, absent: list[FieldSpec], keep_text: frozenset[str]) -> Table:
    """``table`` with a column for each field its file does not carry: 0, or no value and not applicable."""
    n = len(table)
    columns, na, blank = dict(table.columns), dict(table.not_applicable), dict(table.blank)
    text, decimals = dict(table.text), dict(table.decimals)
    for f in absent:
        zero = f.absent == "zero"
        columns[f.name] = _absent_values(f, n, zero)
        na[f.name] = np.full(n, not zero)
        blank[f.name] = np.zeros(n, dtype=bool)
        if f.name in keep_text:  # an audited column: nothing printed here (audit.py passes over the group)
            text[f.name] = np.full(n, "", dtype=object)
            decimals[f.name] = np.full(n, -1, dtype=np.int8)
    for arr in (*columns.values(), *na.values(), *blank.values(), *text.values(), *decimals.values()):
        arr.flags.writeable = False
    return dataclasses.replace(table, columns=columns, not_applicable=na, blank=blank, text=text, decimals=decimals)


def _absent_values(f: FieldSpec, n: int, zero: bool) -> np.ndarray:
    """The column a group without the field gets, typed as the field's own column would be."""
    if f.type in ("text", "enum"):
        return np.full(n, "", dtype=object)
    if f.type == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    if f.type == "yesno" and not f.nullable_yesno:
        return np.zeros(n, dtype=bool)  # absent: zero reads 否, and the field stays plain yes/no
    return np.full(n, 0.0 if zero else np.nan)
