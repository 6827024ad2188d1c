"""The verdict's per-unit entries, built column by column for a slice of units.

``PartResult.to_dict`` (all units at once) and the streaming JSON writer (a slice at a time,
so memory stays bounded) both build units here: one source. Each column is converted to
Python once (``tolist``, vectorised rounding in ``rules.formatmany``), and message templates
are filled from whole columns of display text; only what is rare per unit (escalations, facts
inside messages) is built one unit at a time by PartResult's own methods.
The entries are exactly what the one-unit path built before (tests compare them).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import basename
from .rules.formatmany import json_numbers
from .rules.formatting import Format

if TYPE_CHECKING:
    from .verdict import PartResult

UNITS_MARK = "\x00tongbao:units\x00"  # stands for a part's unit list in report.jsonout's skeleton


class NameList:
    """A summary's list of unit names, left for report.jsonout (``to_dict(units=False)``): the names
    where ``mask`` is set, in table order; ``name_list`` gives them as the verdict lists them."""

    __slots__ = ("names", "mask")

    def __init__(self, names: np.ndarray, mask: np.ndarray) -> None:
        self.names, self.mask = names, mask


def name_list(names: np.ndarray, mask: np.ndarray) -> list[str]:
    """The names where ``mask`` is set, each as text."""
    return [x if type(x) is str else str(x) for x in names[mask].tolist()]


def unit_dicts(r: PartResult, start: int, stop: int) -> list[dict[str, Any]]:
    """The units ``start``..``stop`` of one part, as the verdict lists them."""
    p, t = r.part, r.table
    sl = slice(start, stop)
    n = max(0, min(stop, len(t)) - start)

    def column(values: np.ndarray, fmt: Format) -> list[Any]:
        return json_column(values[sl], fmt)
    fields = {f.name: column(t.columns[f.name], f.format) for f in p.units.fields}
    metrics = {a.name: column(r.aggregates[a.name], a.format) for a in p.aggregates() if a.how != "dates"}
    metrics.update({m.name: column(r.metrics[m.name], m.format) for m in p.metrics})
    bands = {tier.name: np.array([b.id for b in tier.bands] + [None], dtype=object)[r.bands[tier.name][sl]].tolist()
             for tier in p.tiers}
    notes: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    for note in p.notifications:
        hit = np.flatnonzero(r.notifications[note.id][sl])
        for i, text in zip(hit.tolist(), messages(r, note, hit + start)):
            notes[i].append({"id": note.id, "action": note.action, "message": text})
    head: list[tuple[str, list[Any]]] = [
        ("name", t.names[sl].tolist()),
        ("file", [basename(f) for f, count in t.file_runs_in(sl) for _ in range(count)]),
        ("line", t.lines[sl].tolist())]
    if r.groups is not None:
        head.append(("group", r.groups[sl].tolist()))
    head += [("fields", _rows(fields, n)), ("metrics", _rows(metrics, n))]
    if p.vetoes:
        head.append(("vetoes", _name_lists([(v.name, r.vetoes[v.name][sl]) for v in p.vetoes], n)))
    head += [("bands", _rows(bands, n)), ("flags", _name_lists([(f.name, r.flags[f.name][sl]) for f in p.flags], n)),
             ("rank", _ranks(r.rank[sl]) if r.rank is not None else [None] * n), ("notifications", notes)]
    if p.escalations:
        escalated: list[list[dict[str, Any]]] = [[] for _ in range(n)]
        for e in p.escalations:
            for i in np.flatnonzero(r.escalations[e.id][0][sl]).tolist():
                escalated[i].append(r._escalated(e, start + i))
        head.append(("escalations", escalated))
    capped = [m.name for m in p.metrics if m.year_cap is not None]
    if capped and r.to_date is not None:  # how the annual cap counted this period, from the year's earlier periods
        head.append(("year_to_date", [{m: r.to_date.unit_entry(m, start + i) for m in capped} for i in range(n)]))
    keys = [k for k, _ in head]
    out = [dict(zip(keys, row)) for row in zip(*(v for _, v in head))]
    _not_applicable(r, out, sl)
    return out


def _not_applicable(r: PartResult, units: list[dict[str, Any]], sl: slice) -> None:
    """The fields written "not applicable", on the few units that have any."""
    fields = r.part.units.fields
    na = _name_lists([(f.name, r.table.not_applicable[f.name][sl]) for f in fields], len(units))
    for unit, names in zip(units, na):
        if names:
            unit["not_applicable"] = names


def _rows(columns: dict[str, list[Any]], n: int) -> list[dict[str, Any]]:
    """Per-unit dicts from columns, keys in the columns' order."""
    keys = list(columns)
    return [dict(zip(keys, row)) for row in zip(*columns.values())] if keys else [{} for _ in range(n)]


def json_column(values: np.ndarray, fmt: Format) -> list[Any]:
    """json_value for every value of a column."""
    if fmt.kind == "yesno" and values.dtype.kind == "f":  # a yes/no field that may be blank: 1/0/NaN inside
        return [None if x != x else bool(x) for x in values.tolist()]
    if values.dtype.kind in "biuf":
        return json_numbers(values, fmt)
    if values.dtype.kind == "M":
        return [None if np.isnat(x) else str(x) for x in values]
    return [json_value(x, fmt) for x in values.tolist()]


def messages(r: PartResult, note: Any, units: np.ndarray) -> list[str]:
    """``r.message(note, i)`` for each unit index: messages.py fills whole columns (one implementation)."""
    from .messages import messages as fill_column

    return fill_column(r, note.message, units)


def _name_lists(columns: list[tuple[str, np.ndarray]], n: int) -> list[list[str]]:
    out: list[list[str]] = [[] for _ in range(n)]
    for name, mask in columns:
        for i in np.flatnonzero(mask).tolist():
            out[i].append(name)
    return out


def _ranks(rank: np.ndarray) -> list[int | None]:
    out = np.empty(len(rank), dtype=object)
    missing = np.isnan(rank)
    out[~missing] = rank[~missing].astype(np.int64).tolist()
    out[missing] = None
    return list(out.tolist())


def py_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return None if np.isnat(value) else str(value)
        return value.item()
    return value


def json_value(value: Any, fmt: Format) -> Any:
    """numpy scalars to JSON: NaN → null, whole numbers as integers, floats to 12 digits."""
    value = py_value(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if fmt.kind == "integer" and value.is_integer():
            return int(value)
        return float(f"{value:.12g}")
    return value
