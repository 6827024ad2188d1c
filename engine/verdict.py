"""The Verdict: what an evaluation found, and its one ``to_dict()``.

The JSON output and the terminal report both start from ``to_dict()``, so they
cannot disagree. The Verdict keeps whole columns; per-unit dicts are built only
when asked for, which keeps ``evaluate`` itself column-wise and fast.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import __version__
from .errors import DataWarning
from .formatting import Format, format_value
from .ruleset import Ruleset
from .tables import Table
from .templates import fill

VERDICT_FORMAT = 1


@dataclass(frozen=True, eq=False)
class Verdict:
    ruleset: Ruleset
    table: Table
    metrics: dict[str, np.ndarray]
    bands: dict[str, np.ndarray]  # tier -> band index per unit, -1 for none
    flags: dict[str, np.ndarray]
    rank: np.ndarray | None
    notifications: dict[str, np.ndarray]
    figures: dict[str, Any]

    def to_dict(self) -> dict:
        r, t = self.ruleset, self.table
        return {
            "tongbao": {"verdict_format": VERDICT_FORMAT, "engine": __version__},
            "ruleset": {"id": r.id, "version": r.version, "title": r.title, "issuer": r.issuer,
                        "region": r.region, "period": r.period, "sha256": r.sha256},
            "input": {"sha256": t.sha256, "tables": [{"name": "units", "file": _basename(t.file), "sha256": t.sha256,
                                                       "encoding": t.encoding, "rows": len(t)}]},
            "columns": self._columns(),
            "report": {"unit_label": r.units.label, "key": r.units.key, "columns": list(r.report_columns)},
            "summary": self._summary(),
            "ranking": None if r.ranking is None else {"label": r.ranking.label, "by": r.ranking.by.text,
                                                       "order": r.ranking.order, "ties": r.ranking.ties},
            "units": [self._unit(i) for i in range(len(t))],
            "warnings": [w.to_dict() for w in self.warnings()],
        }

    # ------------------------------------------------------------ pieces

    def _columns(self) -> list[dict]:
        out = [{"id": f.name, "label": f.label, "kind": "field", "column": f.column, "format": str(f.format)}
               for f in self.ruleset.units.fields]
        out += [{"id": m.name, "label": m.label, "kind": "metric", "expr": m.expr.text, "format": str(m.format)}
                for m in self.ruleset.metrics]
        return out

    def _summary(self) -> dict:
        names = self.table.names
        return {
            "units": len(self.table),
            "figures": [self._figure(fig) for fig in self.ruleset.summary],
            "tiers": [self._tier(tier) for tier in self.ruleset.tiers],
            "flags": [{"id": f.name, "label": f.label, "severity": f.severity, **_members(names, self.flags[f.name])}
                      for f in self.ruleset.flags],
            "notifications": [{"id": n.id, "action": n.action, "label": n.label, **_members(names, self.notifications[n.id])}
                              for n in self.ruleset.notifications],
        }

    def _figure(self, fig: Any) -> dict:
        value = self.figures[fig.id]
        out = {"id": fig.id, "label": fig.label, "expr": fig.expr.text, "value": _json_value(value, fig.format),
               "display": format_value(value, fig.format)}
        if fig.published is not None:
            out["published"] = fig.published.text
            out["agrees"] = fig.published.agrees(value)
        return out

    def _tier(self, tier: Any) -> dict:
        index = self.bands[tier.name]
        bands = []
        for i, band in enumerate(tier.bands):
            entry = {"id": band.id, "label": band.label, "short": band.short, "severity": band.severity, "rule": _rule(band)}
            bands.append({**entry, **_members(self.table.names, index == i)})
        return {"id": tier.name, "label": tier.label, "metric": tier.metric, "bands": bands,
                "unbanded": _members(self.table.names, index == -1)}

    def _unit(self, i: int) -> dict:
        r, t = self.ruleset, self.table
        unit: dict[str, Any] = {"name": t.names[i], "line": int(t.lines[i])}
        unit["fields"] = {f.name: _json_value(t.columns[f.name][i], f.format) for f in r.units.fields}
        unit["metrics"] = {m.name: _json_value(self.metrics[m.name][i], m.format) for m in r.metrics}
        unit["bands"] = {tier.name: _band_id(tier, self.bands[tier.name][i]) for tier in r.tiers}
        unit["flags"] = [f.name for f in r.flags if self.flags[f.name][i]]
        unit["rank"] = None if self.rank is None or math.isnan(self.rank[i]) else int(self.rank[i])
        unit["notifications"] = [{"id": n.id, "action": n.action, "message": self.message(n, i)}
                                 for n in r.notifications if self.notifications[n.id][i]]
        na = [f.name for f in r.units.fields if t.not_applicable[f.name][i]]
        if na:
            unit["not_applicable"] = na
        return unit

    def message(self, notification: Any, i: int) -> str:
        """Fill a notification's template from unit ``i``'s values, formatted as the ruleset says."""
        def lookup(name: str) -> str:
            if name == "unit":
                return str(self.table.names[i])
            if name == "rank":
                return "—" if self.rank is None or math.isnan(self.rank[i]) else str(int(self.rank[i]))
            if name.startswith("band."):
                tier = next(x for x in self.ruleset.tiers if x.name == name[5:])
                k = self.bands[tier.name][i]
                return tier.bands[k].label if k >= 0 else "—"
            return self.display(name, i)
        return fill(notification.message, lookup)

    def display(self, name: str, i: int) -> str:
        """One unit's value of a field, metric or flag, written for people."""
        t = self.table
        if name in t.columns:
            return format_value(_py(t.columns[name][i]), self.ruleset.format_of(name), bool(t.not_applicable[name][i]))
        if name in self.metrics:
            return format_value(_py(self.metrics[name][i]), self.ruleset.format_of(name))
        if name in self.flags:
            return "是" if self.flags[name][i] else "否"
        fact = next((f for f in self.ruleset.facts if f.name == name), None)
        return format_value(fact.value, Format("number", 2)) if fact else name

    def warnings(self) -> list[DataWarning]:
        out = list(self.table.warnings)
        for fig in self.ruleset.summary:
            value = self.figures[fig.id]
            if fig.published is not None and not fig.published.agrees(value):
                out.append(DataWarning(
                    "TB-P001",
                    f"通报公布的“{fig.label}”为 {fig.published.text}，按表格计算为 {fig.published.show(value) if _finite(value) else '无法计算'}。",
                    extra={"figure": fig.id, "published": fig.published.text,
                           "computed": _json_value(value, fig.format)}))
        return out

    def to_json(self) -> str:
        return dumps(self.to_dict())


def dumps(data: dict) -> str:
    """UTF-8 JSON, Chinese kept as characters, key order as built, no NaN."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _members(names: np.ndarray, mask: np.ndarray) -> dict:
    picked = names[np.asarray(mask, dtype=bool)]
    return {"count": int(picked.size), "units": [str(x) for x in picked]}


def _band_id(tier: Any, k: int) -> str | None:
    return tier.bands[k].id if k >= 0 else None


def _rule(band: Any) -> str:
    if band.op == "otherwise":
        return "otherwise"
    words = {"below": "<", "at_most": "<=", "at_least": ">=", "above": ">"}
    return f"{words[band.op]} {band.threshold_text or _short(band.threshold)}"


def _short(x: float) -> str:
    return f"{x:.12g}"


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return None if np.isnat(value) else str(value)
        return value.item()
    return value


def _json_value(value: Any, fmt: Format) -> Any:
    """numpy scalars to JSON: NaN → null, whole numbers as integers, floats to 12 digits."""
    value = _py(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if fmt.kind == "integer" and value.is_integer():
            return int(value)
        return float(f"{value:.12g}")
    return value


def _basename(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
