"""``diff_rules``: the same data under two rulesets (a what-if): who moves band, flag, veto, notice, value, rank."""
from __future__ import annotations

from typing import Any, Mapping

from ...rules.formatting import MISSING
from .common import (_ABSENT, COUNTED, _band_move, _check_verdict, _counts, _facts, _figures, _figures_changed, _group,
                     _group_labels, _head, _label, _pair_parts, _pair_units, _Part, _rows_changed, _tier_counts,
                     _tiers_changed, _top, _union)


def diff_rules(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Two rulesets on the same data: every unit-level and count-level change, before → after."""
    _check_verdict(before, "前一份判定结果")
    _check_verdict(after, "后一份判定结果")
    out = _head("rules", before, after)
    out["notes"] = _rules_notes(before, after)
    out["facts"] = _facts(before.get("facts", []), after.get("facts", []))
    out["figures"] = _figures(before.get("figures", []), after.get("figures", []))
    matched, only_before, only_after = _pair_parts(before, after)
    out["parts"] = [_rules_part(b, a) for b, a in matched]
    out["parts_only_before"], out["parts_only_after"] = only_before, only_after
    out["changed"] = (any(f["before"] != f["after"] for f in out["facts"]) or _figures_changed(out["figures"])
                      or bool(only_before or only_after) or any(p["changed"] for p in out["parts"]))
    return out


def _rules_notes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    notes = []
    if before["input"].get("sha256") != after["input"].get("sha256"):
        notes.append("两份判定结果所用的数据不同，下列变化可能来自数据而不只是规则。规则比较应在同一份数据上评定两套规则。")
    if before["ruleset"].get("sha256") == after["ruleset"].get("sha256"):
        notes.append("两份判定结果所用的规则集内容完全相同。")
    return notes


def _rules_part(b: _Part, a: _Part) -> dict[str, Any]:
    units = [u for u in (_rules_unit(name, b, a, bu, au) for name, bu, au in _pair_units(b, a)) if u]
    out = {"id": a.raw["id"], "label": a.raw.get("label"), "unit_label": a.raw["report"]["unit_label"],
           "groups": _group_labels(b, a), "units": units,
           "units_only_before": [u["name"] for u in units if u["presence"] == "only_before"],
           "units_only_after": [u["name"] for u in units if u["presence"] == "only_after"],
           "tiers": _tier_counts(b, a),
           "flags": _counts(b.flags, a.flags, ("severity",)),
           "vetoes": _counts(b.vetoes, a.vetoes),
           "notifications": _counts(b.notifications, a.notifications, ("action",)),
           "escalations": _counts(b.escalations, a.escalations, ("action",)),
           "figures": _figures(b.raw["summary"]["figures"], a.raw["summary"]["figures"]),
           "top": _top(b, a)}
    top = out["top"]
    out["changed"] = bool(units) or _tiers_changed(out["tiers"]) or _figures_changed(out["figures"]) or any(
        _rows_changed(out[k]) for k in COUNTED) or bool(top and (top["gained"] or top["lost"]))
    return out


def _rules_unit(name: str, b: _Part, a: _Part, bu: dict[str, Any] | None, au: dict[str, Any] | None) -> dict[str, Any] | None:
    """What changed for one unit, or None when nothing did."""
    presence = "both" if bu and au else ("only_before" if bu else "only_after")
    old, new = bu or _EMPTY_UNIT, au or _EMPTY_UNIT
    entry: dict[str, Any] = {
        "name": name, "group": _group(bu, au), "presence": presence,
        "bands": [_band_move(t, b, a, bu, au) for t in _union(a.tiers, b.tiers)
                  if old["bands"].get(t) != new["bands"].get(t)],
        "flags": _gained_lost(old["flags"], new["flags"], b.flags, a.flags),
        "vetoes": _gained_lost(old.get("vetoes", []), new.get("vetoes", []), b.vetoes, a.vetoes),
        "values": _value_changes(b, a, old, new) if presence == "both" else [],
        "rank": None if old["rank"] == new["rank"] else {"before": old["rank"], "after": new["rank"]},
        "notifications": _action_changes(old["notifications"], new["notifications"], b.notifications, a.notifications),
        "escalations": _action_changes(old.get("escalations", []), new.get("escalations", []), b.escalations, a.escalations),
    }
    moved = (presence != "both" or entry["bands"] or entry["values"] or entry["rank"]
             or any(entry[k][x] for k in ("flags", "vetoes") for x in ("gained", "lost"))
             or any(entry["notifications"].values()) or any(entry["escalations"].values()))
    return entry if moved else None


_EMPTY_UNIT: dict[str, Any] = {"bands": {}, "flags": [], "vetoes": [], "rank": None, "notifications": [], "escalations": [],
                     "fields": {}, "metrics": {}}


def _gained_lost(before: list[str], after: list[str], b: dict[str, dict[str, Any]], a: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def named(ids: list[str]) -> list[dict[str, Any]]:
        return [{"id": i, "label": _label(b, a, i, i)} for i in ids]
    return {"gained": named([x for x in after if x not in before]), "lost": named([x for x in before if x not in after])}


def _action_changes(before: list[dict[str, Any]], after: list[dict[str, Any]], bl: dict[str, dict[str, Any]], al: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Notifications or escalations gained and lost by id; "reworded" when one now says something else."""
    b = {n["id"]: n for n in before}
    a = {n["id"]: n for n in after}

    def labelled(n: dict[str, Any]) -> dict[str, Any]:  # a unit's notification carries no label; the summary has it
        return {**n, "label": _label(bl, al, n["id"], n["id"])}
    return {"gained": [labelled(n) for n in after if n["id"] not in b],
            "lost": [labelled(n) for n in before if n["id"] not in a],
            "reworded": [{"id": i, "action": a[i]["action"], "before": b[i]["message"], "after": a[i]["message"]}
                         for i in a if i in b and a[i]["message"] != b[i]["message"]]}


def _value_changes(b: _Part, a: _Part, bu: dict[str, Any], au: dict[str, Any]) -> list[dict[str, Any]]:
    """Every field or metric whose value differs: on the same data only the rules can move them."""
    out = []
    for source in ("fields", "metrics"):
        for name in _union(au[source], bu[source]):
            old, new = bu[source].get(name, _ABSENT), au[source].get(name, _ABSENT)
            if old == new:
                continue
            column = a.columns.get(name) or b.columns.get(name) or {}
            out.append({"id": name, "label": column.get("label", name), "kind": column.get("kind", source[:-1]),
                        "before": None if old is _ABSENT else old, "after": None if new is _ABSENT else new,
                        "before_display": b.show(bu, name) if old is not _ABSENT else MISSING,
                        "after_display": a.show(au, name) if new is not _ABSENT else MISSING})
    return out
