"""The audit of published columns: each computed metric against the column that prints it.

A metric with ``check: <field>`` is compared with that field's cells at the precision each cell
is printed with (rounded half up on 15 digits, formatting.round_half_up). Column-wise first
(rules.formatmany): only the cells that may disagree are looked at one by one, for the message.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Callable, Iterator, Sequence, overload

import numpy as np

from .data.tables import Table
from .errors import DataWarning
from .rules.formatmany import agrees_as_printed, agrees_as_typed, format_many, json_number_arrays
from .rules.formatting import Format, Published
from .rules.model import FieldSpec, Part


def audit_later(part: Part, table: Table, metrics: dict[str, np.ndarray]) -> Callable[[], list[DataWarning]]:
    """Each published cell compared with its metric now (which cells disagree); the warnings for those
    that differ (TB-A001, blank: TB-A002) made when the returned function is called.

    Thousands of findings are as many DataWarning objects (~7 µs each with their messages, and as
    many objects for the garbage collector to visit): a verdict makes them when its warnings are read.
    """
    pending = []
    for m in part.metrics:
        if m.check:
            spec = next(f for f in part.units.fields if f.name == m.check)
            computed = np.asarray(metrics[m.name], dtype=np.float64)
            bad = np.flatnonzero(~_quiet(m, spec, table, computed))
            pending.append(partial(_warnings, m, spec, table, bad, computed, table.decimals.get(m.check)))
    return lambda: [w for make in pending for w in make()]


def _quiet(m: Any, spec: FieldSpec, table: Table, computed: np.ndarray) -> np.ndarray:
    """Per unit: does the published cell agree with the metric (or has it nothing to say)?"""
    na, places = table.not_applicable[m.check], table.decimals.get(m.check)
    agree = agrees_as_printed(table.text_at(m.check, np.arange(len(table))), computed) if places is None else \
        agrees_as_typed(table.text_at(m.check, np.flatnonzero(places < 0)), places, table.columns[m.check], computed,
                        spec.type == "percent")
    # a 不适用 cell is quiet when nothing is computed either; a column with none (the usual) needs no such pass
    quiet: np.ndarray = np.where(na, np.isnan(computed), agree) if na.any() else agree
    if spec.groups and table.group_runs:  # a group whose file has no such column printed nothing to audit
        quiet |= ~np.repeat([g in spec.groups for g, _ in table.group_runs], [n for _, n in table.group_runs])
    return quiet


class LaterWarnings(Sequence[DataWarning]):
    """A part's warnings in order: those already made, then the audit's, made when first read (audit_later)."""

    def __init__(self, made: list[DataWarning], later: Callable[[], list[DataWarning]]) -> None:
        self._made, self._later = made, later
        self._all: list[DataWarning] | None = None

    def _every(self) -> list[DataWarning]:
        if self._all is None:
            self._all = [*self._made, *self._later()]  # one assignment: a second reader sees all or makes them again
        return self._all

    @overload
    def __getitem__(self, i: int) -> DataWarning: ...
    @overload
    def __getitem__(self, i: slice) -> list[DataWarning]: ...

    def __getitem__(self, i: int | slice) -> DataWarning | list[DataWarning]:
        return self._every()[i]

    def __len__(self) -> int:
        return len(self._every())

    def __iter__(self) -> Iterator[DataWarning]:
        return iter(self._every())

    def __repr__(self) -> str:
        return repr(self._every())


def _warnings(m: Any, spec: FieldSpec, table: Table, bad: np.ndarray, computed: np.ndarray,
              places: np.ndarray | None) -> list[DataWarning]:
    """The warnings for the cells that disagree; a plain figure's message is written column-wise
    (thousands of findings: every per-cell read of a numpy array costs as much as the message), any other cell by _audit_cell."""
    printed, na = table.text_at(m.check, bad).tolist(), table.not_applicable[m.check][bad].tolist()
    values = computed[bad]
    shown = _shown_as_printed(values, None if places is None else places[bad], spec.type == "percent")
    files = [table.file_of(i) for i in bad.tolist()]
    lines, units, numbers = table.lines[bad].tolist(), [str(x) for x in table.names_at(bad).tolist()], _nums(values)
    out = []
    for i, (value, text) in enumerate(zip(values.tolist(), shown)):
        if text is None or na[i]:
            found = _audit_cell(m, spec.column, printed[i], na[i], value)
        else:
            found = ("TB-A001", f"附件“{spec.column}”为 {printed[i]}，按规则计算为 {text}。",
                     {"metric": m.name, "published": printed[i], "computed": numbers[i]})
        if found is not None:
            out.append(DataWarning(found[0], found[1], files[i], lines[i], spec.column, units[i], found[2]))
    return out


def _shown_as_printed(values: np.ndarray, places: np.ndarray | None, percent: bool) -> list[str | None]:
    """Each computed value written at its plain-figure cell's precision, as Published.show writes it
    ("无法计算" for no value); None where the cell is no plain figure (places -1, or not typed)."""
    out: list[str | None] = [None] * len(values)
    if places is None:
        return out
    for d in np.unique(places[places >= 0]).tolist():
        at = np.flatnonzero(places == d)
        written = format_many(values[at], Format("percent" if percent else "number", d))
        for i, text, missing in zip(at.tolist(), written, np.isnan(values[at]).tolist()):
            out[i] = "无法计算" if missing else text
    return out


def _audit_cell(m: Any, column: str, printed: str, na: bool, computed: float) -> tuple[str, str, dict[str, Any]] | None:
    shown = "无法计算" if np.isnan(computed) else None
    if na:
        return None if np.isnan(computed) else ("TB-A001", f"附件“{column}”写作不适用，按规则计算为 {_show(m, computed)}。",
                                                  {"metric": m.name, "published": printed, "computed": _num(computed)})
    if printed == "":
        return ("TB-A002", f"附件“{column}”为空，按规则计算为 {shown or _show(m, computed)}。",
                {"metric": m.name, "published": "", "computed": _num(computed)})
    published = Published.parse(printed)
    if published is None or not published.agrees(computed):
        value = shown or (published.show(computed) if published else _show(m, computed))
        return ("TB-A001", f"附件“{column}”为 {printed}，按规则计算为 {value}。",
                {"metric": m.name, "published": printed, "computed": _num(computed)})
    return None


def _show(m: Any, value: float) -> str:
    from .rules.formatting import format_value

    return format_value(value, m.format)


def _num(value: float) -> float | None:
    return None if np.isnan(value) else float(f"{value:.12g}")


def _nums(values: np.ndarray) -> list[float | None]:
    """[_num(v) for v in values], by formatmany's column-wise 12-digit rounding (the same floats)."""
    short, _, finite = json_number_arrays(values, Format("number", 0))
    return [x if ok else None for x, ok in zip(short.tolist(), finite.tolist())]
