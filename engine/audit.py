"""The audit of published columns: each computed metric against the column that prints it.

A metric with ``check: <field>`` is compared with that field's cells at the precision each cell
is printed with (rounded half up on 15 digits, formatting.round_half_up). Column-wise first
(rules.formatmany): only the cells that may disagree are looked at one by one, for the message.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .data.tables import Table
from .errors import DataWarning
from .rules.formatmany import agrees_as_printed, agrees_as_typed
from .rules.formatting import Published
from .rules.model import Part


def audit_published(part: Part, table: Table, metrics: dict[str, np.ndarray]) -> list[DataWarning]:
    """A warning for each published cell that differs from its metric (TB-A001, blank: TB-A002)."""
    warnings = []
    for m in part.metrics:
        if not m.check:
            continue
        printed, na, places = table.text[m.check], table.not_applicable[m.check], table.decimals.get(m.check)
        spec = next(f for f in part.units.fields if f.name == m.check)
        computed = np.asarray(metrics[m.name], dtype=np.float64)
        agree = agrees_as_printed(printed, computed) if places is None else \
            agrees_as_typed(printed, places, table.columns[m.check], computed, spec.type == "percent")
        quiet = np.where(na, np.isnan(computed), agree)
        if spec.groups and table.groups is not None:  # a group whose file has no such column printed nothing to audit
            quiet |= ~np.isin(table.groups, spec.groups)
        for i in np.flatnonzero(~quiet).tolist():
            warning = _audit_cell(m, spec.column, printed[i], bool(na[i]), float(computed[i]))
            if warning is not None:
                warnings.append(DataWarning(warning[0], warning[1], table.file_of(i), int(table.lines[i]),
                                            spec.column, str(table.names[i]), warning[2]))
    return warnings


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
