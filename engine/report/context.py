"""What a circular template can read: the verdict's dict, keyed for writing sentences.

Everything comes from ``Verdict.to_dict()`` (the one source of truth); this only
re-keys it: lists of figures, tiers and flags become mappings by id, and each
list of units becomes a ``Shown`` that prints as names joined with 、 and still
has ``count``, ``units``, ``label`` and per-group entries.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .templating import Shown, join_names


def figure(fig: Mapping[str, Any]) -> Shown:
    data = dict(fig)
    if "groups" in fig:
        data["groups"] = {g: figure(v) for g, v in fig["groups"].items()}
    return Shown(data, str(fig.get("display", "")))


def members(entry: Mapping[str, Any], messages: list[str] | None = None) -> Shown:
    data = {k: v for k, v in entry.items() if k != "groups"}
    data.setdefault("count", len(entry.get("units", [])))
    if "groups" in entry:
        data["groups"] = {g: members(v) for g, v in entry["groups"].items()}
    if messages is not None:
        data["messages"] = messages
    return Shown(data, join_names(entry.get("units", [])))


def _messages(units: list[Mapping[str, Any]], key: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for unit in units:
        for item in unit.get(key, []) or []:
            out.setdefault(item["id"], []).append(item["message"])
    return out


def _tier(tier: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {b["id"]: members(b) for b in tier["bands"]}
    out.update({"id": tier["id"], "label": tier["label"], "bands": [members(b) for b in tier["bands"]],
                "unbanded": members(tier["unbanded"])})
    return out


def _top(top: Mapping[str, Any] | None) -> Shown | None:
    if top is None:
        return None
    data = {"label": top["label"], "count": len(top["units"]), "units": top["units"]}
    if "groups" in top:
        data["groups"] = {g: Shown({"count": len(v), "units": v}, join_names(v)) for g, v in top["groups"].items()}
    return Shown(data, join_names(top["units"]))


def part_view(part: Mapping[str, Any]) -> dict[str, Any]:
    s = part["summary"]
    notes = _messages(part["units"], "notifications")
    raised = _messages(part["units"], "escalations")
    return {
        "id": part["id"], "label": part["label"], "count": s["units"], "units": part["units"],
        "groups": {g["id"]: g for g in part["groups"]},
        "figures": {f["id"]: figure(f) for f in s["figures"]},
        "tiers": {t["id"]: _tier(t) for t in s["tiers"]},
        "flags": {f["id"]: members(f) for f in s["flags"]},
        "vetoes": {v["id"]: members(v) for v in s["vetoes"]},
        "notifications": {n["id"]: members(n, notes.get(n["id"], [])) for n in s["notifications"]},
        "escalations": {e["id"]: members(e, raised.get(e["id"], [])) for e in s.get("escalations", [])},
        "top": _top(s.get("top")),
    }


def _fact(fact: Mapping[str, Any]) -> Shown:
    value = fact.get("value")
    shown = int(value) if isinstance(value, float) and value.is_integer() else value
    return Shown(fact, "" if shown is None else str(shown))


def template_context(verdict: Mapping[str, Any], period: Mapping[str, Any]) -> dict[str, Any]:
    """The names a template sees: ruleset, period, figures, parts (and one part's items at the top)."""
    parts = {p["id"]: part_view(p) for p in verdict["parts"]}
    figures: dict[str, Shown] = {}
    for view in parts.values():
        for key, fig in view["figures"].items():
            figures.setdefault(key, fig)
    figures.update({f["id"]: figure(f) for f in verdict.get("figures", [])})
    context: dict[str, Any] = {}
    if len(parts) == 1:
        context.update(next(iter(parts.values())))
    context.update({
        "ruleset": verdict["ruleset"], "period": dict(period), "facts": {f["id"]: _fact(f) for f in verdict.get("facts", [])},
        "figures": figures, "parts": parts, "warnings": [w.get("message", "") for w in verdict.get("warnings", [])],
    })
    return context
