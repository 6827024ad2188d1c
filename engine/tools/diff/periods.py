"""``diff_periods``: one ruleset over two periods: who improved, worsened, is named anew, again, or no longer."""
from __future__ import annotations

from typing import Any, Mapping

from ...errors import TongbaoError
from .common import (COUNTED, PERIOD_LISTS, _band_move, _check_verdict, _counts, _direction, _figures, _figures_changed,
                     _group, _group_labels, _head, _pair_parts, _pair_units, _Part, _rows_changed, _tier_counts,
                     _tiers_changed, _union)


def diff_periods(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> dict[str, Any]:
    """One ruleset on two periods' data: who improved, worsened, is named anew, again, or no longer."""
    _check_verdict(earlier, "上期判定结果")
    _check_verdict(later, "本期判定结果")
    a, b = earlier["ruleset"]["id"], later["ruleset"]["id"]
    if a != b:
        raise TongbaoError(
            f"两份判定结果来自不同的规则集：上期为“{a}”，本期为“{b}”。按期比较只能比较同一规则集的结果。"
            "请用同一规则集分别评定两期数据后再比较；若想看换一套规则的影响，请改用规则比较。")
    out = _head("periods", earlier, later)
    out["notes"] = _periods_notes(earlier, later)
    out["figures"] = _figures(earlier.get("figures", []), later.get("figures", []))
    matched, only_before, only_after = _pair_parts(earlier, later)
    out["parts"] = [_periods_part(e, l) for e, l in matched]
    out["parts_only_before"], out["parts_only_after"] = only_before, only_after
    out["counts"] = {k: sum(p["counts"][k] for p in out["parts"]) for k in PERIOD_LISTS}
    out["changed"] = (_figures_changed(out["figures"]) or bool(only_before or only_after)
                      or any(p["changed"] for p in out["parts"]))
    return out


def _periods_notes(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> list[str]:
    e, l = earlier["ruleset"], later["ruleset"]
    notes = []
    if e.get("sha256") != l.get("sha256"):
        notes.append(f"两期所用规则集的内容不同（上期版本 {e.get('version')}，本期版本 {l.get('version')}），"
                     "下列变化可能部分来自规则的改动。")
    if earlier["input"].get("sha256") == later["input"].get("sha256"):
        notes.append("两期的数据完全相同，请确认没有把同一期数据评定了两次。")
    elif (earlier.get("period") or {}).get("id") == (later.get("period") or {}).get("id"):
        same = (earlier.get("period") or {}).get("id")
        told = f"都写作“{same}”" if same else "都没有记录"
        notes.append(f"两份结果的考核期{told}。评定各期数据时请在数据旁放 period.yaml 或用 --period 写明考核期，以免混淆。")
    return notes


def _periods_part(e: _Part, l: _Part) -> dict[str, Any]:
    lists: dict[str, list[str]] = {k: [] for k in PERIOD_LISTS}
    units = []
    for name, eu, lu in _pair_units(e, l):
        entry = _period_unit(name, e, l, eu, lu)
        for key in entry["lists"]:
            lists[key].append(name)
        if entry["lists"]:
            units.append(entry)
    out = {"id": l.raw["id"], "label": l.raw.get("label"), "unit_label": l.raw["report"]["unit_label"],
           "groups": _group_labels(e, l), **lists, "counts": {k: len(v) for k, v in lists.items()}, "units": units,
           "tiers": _tier_counts(e, l),
           "flags": _counts(e.flags, l.flags, ("severity",)),
           "vetoes": _counts(e.vetoes, l.vetoes),
           "notifications": _counts(e.notifications, l.notifications, ("action",)),
           "escalations": _counts(e.escalations, l.escalations, ("action",)),
           "figures": _figures(e.raw["summary"]["figures"], l.raw["summary"]["figures"])}
    out["changed"] = any(lists[k] for k in PERIOD_LISTS if k != "named_again") or _tiers_changed(out["tiers"]) \
        or _figures_changed(out["figures"]) or any(_rows_changed(out[k]) for k in COUNTED)
    return out


def _period_unit(name: str, e: _Part, l: _Part, eu: dict[str, Any] | None, lu: dict[str, Any] | None) -> dict[str, Any]:
    """One unit across two periods: its tiers on both sides and the lists it belongs on."""
    tiers = [_band_move(t, e, l, eu, lu) for t in _union(l.tiers, e.tiers)]
    named_before, named_after = _named(e, eu), _named(l, lu)
    lists = []
    if eu is None:
        lists.append("appeared")
    elif lu is None:
        lists.append("disappeared")
    else:
        direction = _direction(tiers)
        lists += [direction] if direction else []
        if named_before and named_after:
            lists.append("named_again")
        elif named_before:
            lists.append("no_longer_named")
    # A unit new this period and named counts as newly named: it is on the list and was not before.
    # A vanished unit is not "no longer named": it left the table, it did not get better.
    if named_after and not named_before:
        lists.append("newly_named")
    return {"name": name, "group": _group(eu, lu), "lists": lists, "tiers": tiers,
            "named_before": named_before, "named_after": named_after,
            "actions_before": _actions(eu), "actions_after": _actions(lu)}


def _actions(unit: dict[str, Any] | None) -> list[str]:
    """What the circular does to the unit (点名, 通报批评, 约谈 …), once each, in the verdict's order."""
    if unit is None:
        return []
    return list(dict.fromkeys(n["action"] for n in [*unit["notifications"], *unit.get("escalations", [])]))


def _named(p: _Part, unit: dict[str, Any] | None) -> bool:
    """Named = in a band of severity above 0, or the subject of a notification (or an escalation of one)."""
    if unit is None:
        return False
    if unit["notifications"] or unit.get("escalations"):
        return True
    return any((p.band(t, bid) or {}).get("severity", 0) > 0 for t, bid in unit["bands"].items())
