"""Year to date across periods: ``year_to_date(x)`` and a metric's annual cap (``year_cap``).

"每月最多4分，全年最多40分": this month's points are min(this month's score, 40 − the points
counted in the year's earlier periods), never below 0. The earlier periods are the saved
verdicts given as history (``evaluate --history``, or a rule test's ``history``) whose
period id has the same four-digit year as this period: December's points never count in
January. Each unit's earlier values are read from its own entry in those verdicts
(``metrics`` or ``fields``), a unit absent from a period contributing nothing, a value with
no number (null) nothing either, as ``sum()`` skips it; yes/no counts 1/0.

What each earlier period contributed is kept per unit, for the verdict and ``explain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import TongbaoError
from .history import Period, year_of

if TYPE_CHECKING:
    from .tables import Table

Contributions = list[list[tuple[str, float]]]  # per unit: (period id, value), oldest first


@dataclass
class YearToDate:
    """Earlier periods of this year, read once per name, for one part's units."""

    history: list[Period]
    part_id: str
    period: str
    table: "Table"  # the part's units: their names read only when a rule asks for the year (a joined table's are joined then)
    earlier: dict[str, tuple[np.ndarray, Contributions]] = field(default_factory=dict)
    capped: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)  # metric -> (cap, computed, value)

    @property
    def units(self) -> np.ndarray:
        """The unit names, table order."""
        return self.table.names

    def same_year(self) -> list[Period]:
        if not self.history:  # nothing earlier on record (January, or no --history): nothing to add
            return []
        if not self.period[:4].isdigit():
            raise TongbaoError(f"规则用到了本年累计（year_to_date 或 year_cap），但本期的考核期“{self.period or '（未写明）'}”"
                               "不以四位年份开头，无法判断哪些以往各期属于本年。请写明本期，如 period: 2022-05。")
        return [h for h in self.history if year_of(h.period) == year_of(self.period)]

    def before(self, name: str) -> tuple[np.ndarray, Contributions]:
        """Per unit: the sum of ``name`` over this year's earlier periods, and what each period gave."""
        if name not in self.earlier:
            self.earlier[name] = _read(self.same_year(), self.part_id, name, self.units)
        return self.earlier[name]

    def function(self, names: dict[str, Any]) -> Any:
        """``year_to_date(x)``: the earlier periods' x plus this period's, per unit (bound by name, see expressions)."""
        def year_to_date(name: str) -> np.ndarray:
            now = np.broadcast_to(np.asarray(names[name], dtype=np.float64), (len(self.table),))
            total: np.ndarray = self.before(name)[0] + np.where(np.isnan(now), 0.0, now)
            return total
        return year_to_date

    def cap(self, name: str, computed: np.ndarray, cap: Any) -> np.ndarray:
        """min(computed, cap − earlier), never below 0; a value not computable stays so."""
        limit = np.broadcast_to(np.asarray(cap, dtype=np.float64), computed.shape)
        room = np.maximum(limit - self.before(name)[0], 0.0)
        value: np.ndarray = np.where(np.isnan(computed), np.nan, np.maximum(np.minimum(computed, room), 0.0))
        self.capped[name] = (limit, np.asarray(computed, dtype=np.float64), value)
        return value

    def unit_entry(self, name: str, i: int) -> dict[str, Any]:
        """What the verdict says for unit i about a capped metric: the earlier periods, the cap, before and after."""
        limit, computed, value = self.capped[name]
        sums, parts = self.before(name)
        return {"cap": _num(limit[i]), "earlier": [{"period": p, "value": _num(v)} for p, v in parts[i]],
                "earlier_total": _num(sums[i]), "computed": _num(computed[i]), "value": _num(value[i])}


def _read(periods: list[Period], part_id: str, name: str, units: np.ndarray) -> tuple[np.ndarray, Contributions]:
    position = {str(u): k for k, u in enumerate(units.tolist())}
    sums = np.zeros(len(units))
    parts: Contributions = [[] for _ in range(len(units))]
    for h in periods:
        saved = h.parts.get(part_id, {})
        for unit, entry in saved.items():
            k = position.get(unit)
            if k is None:
                continue
            value = _saved(entry, name, h, unit)
            if value is not None:
                sums[k] += value
                parts[k].append((h.period, value))
    return sums, parts


def _saved(entry: dict[str, Any], name: str, h: Period, unit: str) -> float | None:
    for section in ("metrics", "fields"):
        values = entry.get(section, {})
        if name in values:
            value = values[name]
            if isinstance(value, bool):
                return float(value)
            return float(value) if isinstance(value, (int, float)) else None
    raise TongbaoError(f"{h.file}：以往一期 {h.period} 的判定结果里，单位“{unit}”没有“{name}”这一项，无法计算本年累计。"
                       f"请用当前的规则集重新评定那一期并保存结果（tongbao evaluate … -f json -o 文件），再用 --history 引用。")


def _num(value: Any) -> float | int | None:
    x = float(value)
    if np.isnan(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 2 ** 53 else float(f"{x:.12g}")
