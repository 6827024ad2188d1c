"""``tongbao diff``: what changed between two verdicts.

Works on verdict dicts (``Verdict.to_dict()`` or a saved JSON verdict), never on
Verdict objects, so last month's saved verdict can be compared with today's.
Two questions, two functions:

* ``diff_rules``: the same data under two rulesets (a what-if). Which units move
  band, gain or lose a flag, a veto or a notification, change a value or a rank;
  and how every count and figure moves.
* ``diff_periods``: one ruleset over two periods' data. Who improved, who got
  worse, who is named for the first time, named again, or no longer named.

Both return one dict (``kind`` "rules" or "periods") that feeds the JSON output
and ``render_diff`` alike. Parts are matched by id, units by name; unit order is
the later (after) verdict's table order, units it no longer has come last.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping, cast

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._version import __version__
from ..errors import TongbaoError
from ..rules.formatting import MISSING, NOT_APPLICABLE, Format, format_value
from ..report.terminal import SEVERITY_STYLE
from ..rules.schema import load_schema

DIFF_FORMAT = 1
VERDICT_FORMAT = 1  # the verdict layout this module reads

# The period categories, in the order a report lists them: bad news first.
PERIOD_LISTS = ("worsened", "improved", "mixed", "newly_named", "named_again", "no_longer_named", "appeared", "disappeared")
PERIOD_LABELS = {
    "worsened": "变差", "improved": "好转", "mixed": "有升有降", "newly_named": "新被点名",
    "named_again": "连续被点名", "no_longer_named": "不再被点名", "appeared": "新出现", "disappeared": "已消失",
}
SIDE_LABELS = {"rules": ("原规则", "新规则"), "periods": ("上期", "本期")}
HEADER_LABELS = {
    "rules": {"ruleset": ("原规则", "新规则"), "period": ("原规则的考核期", "新规则的考核期"), "input": ("原规则的数据", "新规则的数据")},
    "periods": {"ruleset": ("上期规则集", "本期规则集"), "period": ("上期", "本期"), "input": ("上期数据", "本期数据")},
}
COUNTED = ("flags", "vetoes", "notifications", "escalations")  # the named lists whose sizes a diff compares
UNBANDED = "无法分档"
_ABSENT = object()  # a key one side lacks, which is not the same as a null value


# ====================================================================== public API

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


def render_diff(diff: dict[str, Any], console: Console) -> None:
    """Print a diff (either kind) as readable tables that fit 80 columns."""
    _Renderer(diff, console).run()


# ====================================================================== shared pieces

def _check_verdict(v: Any, which: str) -> None:
    """A saved JSON file may be anything: say plainly when it is not a verdict tongbao can read."""
    hint = "请传入 tongbao evaluate --format json 生成的判定结果。"
    if not isinstance(v, dict):
        raise TongbaoError(f"{which}不是 JSON 对象，不是 tongbao 的判定结果。{hint}")
    for key in ("tongbao", "ruleset", "input", "parts"):
        if key not in v:
            raise TongbaoError(f"{which}缺少“{key}”，不是 tongbao 的判定结果。{hint}")
    fmt = v["tongbao"].get("verdict_format") if isinstance(v["tongbao"], dict) else None
    if fmt != VERDICT_FORMAT:
        raise TongbaoError(f"{which}的格式版本为 {fmt!r}，这个版本的 tongbao 只能比较格式 {VERDICT_FORMAT}。"
                           "请用当前版本的 tongbao 重新评定后再比较。")
    # A hand-edited or truncated file would otherwise fail deep inside with a KeyError (exit 3, "a bug").
    error = best_match(_verdict_validator().iter_errors(v))
    if error is not None:
        raise TongbaoError(f"{which}不符合判定结果的格式：{error.json_path}（{error.message}）。{hint}")


@lru_cache(maxsize=1)
def _verdict_validator() -> Any:
    return Draft7Validator(load_schema("verdict"))


def _head(kind: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    # "changed" sits near the top so a reader of the JSON sees it first; it is filled in last.
    return {"tongbao": {"diff_format": DIFF_FORMAT, "engine": __version__}, "kind": kind, "changed": False,
            "before": _side(before), "after": _side(after)}


def _side(v: Mapping[str, Any]) -> dict[str, Any]:
    r, i = v["ruleset"], v["input"]
    # The period sits beside the ruleset, not in it: one ruleset serves many periods (evaluate --period).
    return {"ruleset": {"id": r.get("id"), "version": r.get("version"), "title": r.get("title"), "sha256": r.get("sha256")},
            "period": r.get("period"),
            "input": {"sha256": i.get("sha256"), "files": [t.get("file") for t in i.get("tables", [])]}}


def _rules_notes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    notes = []
    if before["input"].get("sha256") != after["input"].get("sha256"):
        notes.append("两份判定结果所用的数据不同，下列变化可能来自数据而不只是规则。规则比较应在同一份数据上评定两套规则。")
    if before["ruleset"].get("sha256") == after["ruleset"].get("sha256"):
        notes.append("两份判定结果所用的规则集内容完全相同。")
    return notes


def _periods_notes(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> list[str]:
    e, l = earlier["ruleset"], later["ruleset"]
    notes = []
    if e.get("sha256") != l.get("sha256"):
        notes.append(f"两期所用规则集的内容不同（上期版本 {e.get('version')}，本期版本 {l.get('version')}），"
                     "下列变化可能部分来自规则的改动。")
    if earlier["input"].get("sha256") == later["input"].get("sha256"):
        notes.append("两期的数据完全相同，请确认没有把同一期数据评定了两次。")
    elif e.get("period") == l.get("period"):
        notes.append(f"两份结果的考核期都写作“{e.get('period')}”。评定各期数据时可用 --period 写明考核期，以免混淆。")
    return notes


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Ids in ``first``'s order, then those only ``second`` has: the later side leads."""
    return list(dict.fromkeys([*first, *second]))


def _pair_parts(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[list[tuple[_Part, _Part]], list[dict[str, Any]], list[dict[str, Any]]]:
    b = {p["id"]: p for p in before["parts"]}
    a = {p["id"]: p for p in after["parts"]}
    matched = [(_Part.of(b[pid]), _Part.of(a[pid])) for pid in a if pid in b]
    only_before = [{"id": p["id"], "label": p.get("label")} for pid, p in b.items() if pid not in a]
    only_after = [{"id": p["id"], "label": p.get("label")} for pid, p in a.items() if pid not in b]
    return matched, only_before, only_after


@dataclass(frozen=True)
class _Part:
    """One side's part with look-ups by id: the verdict keeps labels in the summary, not on each unit."""

    raw: dict[str, Any]
    tiers: dict[str, dict[str, Any]]
    bands: dict[str, dict[str, dict[str, Any]]]  # tier id → band id → band summary
    flags: dict[str, dict[str, Any]]
    vetoes: dict[str, dict[str, Any]]
    notifications: dict[str, dict[str, Any]]
    escalations: dict[str, dict[str, Any]]  # absent from verdicts written before escalations existed
    columns: dict[str, dict[str, Any]]
    units: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, part: dict[str, Any]) -> "_Part":
        s = part["summary"]
        return cls(part, {t["id"]: t for t in s["tiers"]}, {t["id"]: {b["id"]: b for b in t["bands"]} for t in s["tiers"]},
                   {f["id"]: f for f in s["flags"]}, {v["id"]: v for v in s["vetoes"]},
                   {n["id"]: n for n in s["notifications"]}, {e["id"]: e for e in s.get("escalations", [])},
                   {c["id"]: c for c in part["columns"]},
                   {u["name"]: u for u in part["units"]})

    def band(self, tier: str, band_id: str | None) -> dict[str, Any] | None:
        return self.bands.get(tier, {}).get(band_id) if band_id is not None else None

    def show(self, unit: dict[str, Any] | None, name: str) -> str:
        """A unit's field or metric value, written as the ruleset formats it."""
        if unit is None:
            return MISSING
        if name in unit.get("not_applicable", ()):
            return NOT_APPLICABLE
        value = unit["fields"].get(name, unit["metrics"].get(name))
        column = self.columns.get(name)
        return format_value(value, Format.parse(column["format"]) if column else Format("number", 2))


def _pair_units(b: _Part, a: _Part) -> Iterator[tuple[str, dict[str, Any] | None, dict[str, Any] | None]]:
    for name in _union(a.units, b.units):
        yield name, b.units.get(name), a.units.get(name)


def _label(b: dict[str, Any], a: dict[str, Any], key: str, fallback: str) -> str:
    """The after side's label, else the before side's: a what-if may add or drop a definition."""
    return (a.get(key) or b.get(key) or {}).get("label") or fallback


def _band_move(tier: str, b: _Part, a: _Part, bu: dict[str, Any] | None, au: dict[str, Any] | None) -> dict[str, Any]:
    """One tier of one unit on both sides, with labels, severities and the tier metric's value."""
    old = bu["bands"].get(tier) if bu else None
    new = au["bands"].get(tier) if au else None
    ob, nb = b.band(tier, old), a.band(tier, new)
    metric = (a.tiers.get(tier) or b.tiers[tier])["metric"]
    return {"tier": tier, "label": _label(b.tiers, a.tiers, tier, tier), "metric": metric,
            "from": old, "to": new,
            "from_label": ob["label"] if ob else UNBANDED, "to_label": nb["label"] if nb else UNBANDED,
            "from_short": ob["short"] if ob else MISSING, "to_short": nb["short"] if nb else MISSING,
            "from_severity": ob["severity"] if ob else None, "to_severity": nb["severity"] if nb else None,
            "value_before": b.show(bu, metric), "value_after": a.show(au, metric)}


def _counts(b: dict[str, dict[str, Any]], a: dict[str, dict[str, Any]], extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Before/after count of each flag, veto or notification, matched by id."""
    rows = []
    for key in _union(a, b):
        entry = a.get(key) or b[key]
        rows.append({"id": key, "label": entry.get("label"), **{k: entry.get(k) for k in extra},
                     "before": b[key]["count"] if key in b else None, "after": a[key]["count"] if key in a else None})
    return rows


def _tier_counts(b: _Part, a: _Part) -> list[dict[str, Any]]:
    """Per tier, each band's count (and rule) before and after, plus the unbanded."""
    out = []
    for tier in _union(a.tiers, b.tiers):
        bb, ab = b.bands.get(tier, {}), a.bands.get(tier, {})
        bands = []
        for band in _union(ab, bb):
            entry = ab.get(band) or bb[band]
            bands.append({"id": band, "label": entry["label"], "short": entry["short"], "severity": entry["severity"],
                          "rule_before": bb[band]["rule"] if band in bb else None,
                          "rule_after": ab[band]["rule"] if band in ab else None,
                          "before": bb[band]["count"] if band in bb else None,
                          "after": ab[band]["count"] if band in ab else None})
        unbanded = {"before": _unbanded(b, tier), "after": _unbanded(a, tier)}
        out.append({"id": tier, "label": _label(b.tiers, a.tiers, tier, tier), "bands": bands, "unbanded": unbanded})
    return out


def _unbanded(p: _Part, tier: str) -> int | None:
    return p.tiers[tier]["unbanded"]["count"] if tier in p.tiers else None


def _tiers_changed(tiers: list[dict[str, Any]]) -> bool:
    return any(b["before"] != b["after"] or b["rule_before"] != b["rule_after"] for t in tiers for b in t["bands"]) \
        or any(t["unbanded"]["before"] != t["unbanded"]["after"] for t in tiers)


def _rows_changed(rows: list[dict[str, Any]]) -> bool:
    return any(r["before"] != r["after"] for r in rows)


def _figures(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each summary figure's value and display on both sides, per group too where the figure has groups."""
    b = {f["id"]: f for f in before}
    a = {f["id"]: f for f in after}
    out = []
    for fid in _union(a, b):
        fb, fa = b.get(fid), a.get(fid)
        entry = {"id": fid, "label": cast(dict[str, Any], fa or fb)["label"], "before": _figure_value(fb), "after": _figure_value(fa)}
        groups = _union((fa or {}).get("groups", {}), (fb or {}).get("groups", {}))
        if groups:
            entry["groups"] = {g: {"before": _figure_value((fb or {}).get("groups", {}).get(g)),
                                   "after": _figure_value((fa or {}).get("groups", {}).get(g))} for g in groups}
        entry["changed"] = entry["before"] != entry["after"] or any(
            x["before"] != x["after"] for x in entry.get("groups", {}).values())
        out.append(entry)
    return out


def _figure_value(fig: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if fig is None else {"value": fig.get("value"), "display": fig.get("display")}


def _figures_changed(figures: list[dict[str, Any]]) -> bool:
    return any(f["changed"] for f in figures)


def _facts(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the facts whose value differs: in a what-if these are often the very thing changed."""
    b = {f["id"]: f for f in before}
    a = {f["id"]: f for f in after}
    out = []
    for fid in _union(a, b):
        old, new = b.get(fid, {}), a.get(fid, {})
        vb = (old.get("value", _ABSENT), old.get("groups"))
        va = (new.get("value", _ABSENT), new.get("groups"))
        if vb != va:
            out.append({"id": fid, "label": (new or old).get("label"),
                        "before": None if fid not in b else old.get("value"), "after": None if fid not in a else new.get("value"),
                        "groups_before": old.get("groups"), "groups_after": new.get("groups")})
    return out


def _top(b: _Part, a: _Part) -> dict[str, Any] | None:
    """Who enters or leaves the praised top list (the circular names them too)."""
    tb, ta = b.raw["summary"].get("top"), a.raw["summary"].get("top")
    if tb is None and ta is None:
        return None
    before, after = (tb or {}).get("units", []), (ta or {}).get("units", [])
    return {"label": (ta or tb)["label"], "gained": [u for u in after if u not in before],
            "lost": [u for u in before if u not in after]}


def _group(bu: dict[str, Any] | None, au: dict[str, Any] | None) -> str | None:
    return (au or bu or {}).get("group")


# ====================================================================== (a) rules

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


def _group_labels(b: _Part, a: _Part) -> dict[str, str]:
    return {g["id"]: g["label"] for g in [*b.raw.get("groups", []), *a.raw.get("groups", [])]}


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


# ====================================================================== (b) periods

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


def _direction(tiers: list[dict[str, Any]]) -> str | None:
    """By band severity, tier by tier; a tier with no band on either side cannot be compared."""
    steps = [t["to_severity"] - t["from_severity"] for t in tiers
             if t["from_severity"] is not None and t["to_severity"] is not None]
    up, down = any(s > 0 for s in steps), any(s < 0 for s in steps)
    if up and down:
        return "mixed"
    return "worsened" if up else ("improved" if down else None)


# ====================================================================== rendering

class _Renderer:
    """Draws either kind of diff; every cell is a Text so brackets in names are never read as markup."""

    def __init__(self, diff: dict[str, Any], console: Console) -> None:
        self.d, self.c = diff, console
        self.kind = diff["kind"]
        self.old, self.new = SIDE_LABELS[self.kind]

    def run(self) -> None:
        self._header()
        for note in self.d["notes"]:
            self.c.print(Text(f"注意：{note}", style="yellow"))
        if self.d["notes"]:
            self.c.print(Text(""))
        if self.kind == "rules":
            self._facts()
        self._figures("全文汇总", self.d["figures"])
        many = len(self.d["parts"]) > 1
        for part in self.d["parts"]:
            if many:
                self.c.print(Text(f"━━ {part['label']} ━━" + ("" if part["changed"] else "（无变化）"), style="bold cyan"))
            self._rules_part(part) if self.kind == "rules" else self._periods_part(part)
        for key, what in (("parts_only_before", f"只在{self.old}中的部分"), ("parts_only_after", f"只在{self.new}中的部分")):
            if self.d[key]:
                self.c.print(Text(f"{what}：" + "、".join(p["label"] or p["id"] for p in self.d[key])))
        if not self.d["changed"]:
            self.c.print(Text("两份判定结果没有差别。", style="green"))

    # ------------------------------------------------------------ header and common tables

    def _header(self) -> None:
        """Which rulesets and which data: a line per side where they differ, one line where they agree."""
        b, a = self.d["before"], self.d["after"]
        title = "规则比较：同一份数据，两套规则" if self.kind == "rules" else "按期比较：同一规则集，两期数据"
        self.c.print(Text(title, style="bold"))
        lines = (("规则集", "ruleset", _ruleset_line), ("考核期", "period", _plain), ("数据", "input", _input_line))
        for what, key, show in lines:
            if b[key] == a[key]:
                self.c.print(Text(f"  {what}：{show(a[key])}", style="dim"))
            else:
                old, new = HEADER_LABELS[self.kind][key]
                self.c.print(Text(f"  {old}：{show(b[key])}", style="dim"))
                self.c.print(Text(f"  {new}：{show(a[key])}", style="dim"))
        self.c.print(Text(""))

    def _facts(self) -> None:
        if not self.d["facts"]:
            return
        table = self._table("改动的事实值", ("事实", self.old, self.new))
        for f in self.d["facts"]:
            table.add_row(Text(f["label"] or f["id"]), Text(_plain(f["before"])), Text(_plain(f["after"])))
        self._show(table)

    def _figures(self, title: str, figures: list[dict[str, Any]]) -> None:
        changed = [f for f in figures if f["changed"]]
        if not changed:
            return
        table = self._table(title, ("项目", self.old, self.new))
        for f in changed:
            table.add_row(Text(f["label"]), Text(_display(f["before"])), Text(_display(f["after"])))
            for g, v in f.get("groups", {}).items():
                if v["before"] != v["after"]:
                    table.add_row(Text(f"  {self.groups.get(g, g)}"), Text(_display(v["before"])), Text(_display(v["after"])))
        self._show(table)

    def _counts(self, part: dict[str, Any]) -> None:
        """Band counts of every tier that moved; then flags, vetoes and notifications whose count moved."""
        for tier in part["tiers"]:
            if not _tiers_changed([tier]):
                continue
            table = self._table(tier["label"], ("档次", self.old, self.new, "增减"))
            for band in tier["bands"]:
                table.add_row(_band_cell(band), *_count_cells(band, band["severity"]))
            if tier["unbanded"]["before"] or tier["unbanded"]["after"]:
                table.add_row(Text(UNBANDED), *_count_cells(tier["unbanded"], 1))
            self._show(table)
        rows = [(r["label"], r, r.get("severity", 2)) for r in part["flags"] if r["before"] != r["after"]]
        rows += [(r["label"], r, 3) for r in part["vetoes"] if r["before"] != r["after"]]
        rows += [(f"{r['action']}：{r['label']}", r, 2) for r in part["notifications"] if r["before"] != r["after"]]
        rows += [(f"{r['action']}：{r['label']}", r, 3) for r in part["escalations"] if r["before"] != r["after"]]
        if rows:
            table = self._table("名单人数", ("项目", self.old, self.new, "增减"))
            for label, row, severity in rows:
                table.add_row(Text(label, style=_severity_style(severity)), *_count_cells(row, severity))
            self._show(table)

    def _show(self, table: Table) -> None:
        self.c.print(table)
        self.c.print(Text(""))

    def _table(self, title: str, headers: tuple[str, ...], wrap_last: bool = False) -> Table:
        table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, show_edge=False,
                      pad_edge=False, collapse_padding=True)
        for i, head in enumerate(headers):
            table.add_column(head, justify="left" if i == 0 or wrap_last else "right",
                             no_wrap=not (wrap_last and i > 0), ratio=1 if wrap_last and i > 0 else None)
        return table

    @property
    def groups(self) -> dict[str, str]:
        return {g: label for p in self.d["parts"] for g, label in p["groups"].items()}

    def _unit_name(self, part: dict[str, Any], unit: dict[str, Any]) -> Text:
        group = part["groups"].get(unit["group"]) if unit.get("group") else None
        return Text(unit["name"] + (f"\n（{group}）" if group else ""))

    # ------------------------------------------------------------ rules

    def _rules_part(self, part: dict[str, Any]) -> None:
        self._counts(part)
        self._figures("汇总", part["figures"])
        top = part["top"]
        if top and (top["gained"] or top["lost"]):
            self.c.print(Text(top["label"], style="bold green"))
            for key, what in (("gained", "新进入"), ("lost", "退出")):
                if top[key]:
                    self.c.print(Text(f"  {what}：" + "、".join(top[key])))
            self.c.print(Text(""))
        if part["units"]:
            table = self._table(f"有变化的{part['unit_label']}（{len(part['units'])}个）", (part["unit_label"], "变化"), wrap_last=True)
            for unit in part["units"]:
                table.add_row(self._unit_name(part, unit), _rules_changes(unit, self.old, self.new))
            self._show(table)

    # ------------------------------------------------------------ periods

    def _periods_part(self, part: dict[str, Any]) -> None:
        counts = part["counts"]
        items = [f"{PERIOD_LABELS[k]} {counts[k]} 个" for k in PERIOD_LISTS]
        for i in range(0, len(items), 4):  # four to a line, so no count is split from its label at 80 columns
            self.c.print(Text("；".join(items[i:i + 4])))
        self.c.print(Text(""))
        self._counts(part)
        self._figures("汇总", part["figures"])
        by_name = {u["name"]: u for u in part["units"]}
        for key in PERIOD_LISTS:
            if not part[key]:
                continue
            table = self._table(f"{PERIOD_LABELS[key]}（{len(part[key])}个）", (part["unit_label"], self.old, self.new), wrap_last=True)
            for name in part[key]:
                unit = by_name[name]
                table.add_row(self._unit_name(part, unit), *_period_cells(unit))
            self._show(table)


def _rules_changes(unit: dict[str, Any], old: str, new: str) -> Text:
    """One unit's changes, one per line: bands, flags, vetoes, notifications, rank, values."""
    if unit["presence"] != "both":
        return Text(f"只在{old if unit['presence'] == 'only_before' else new}中出现")
    lines = [f"{m['label']}：{m['from_short']} → {m['to_short']}（{_values(m)}）" for m in unit["bands"]]
    for key, what in (("flags", "标记"), ("vetoes", "否决")):
        lines += [f"新增{what}：{x['label']}" for x in unit[key]["gained"]]
        lines += [f"去掉{what}：{x['label']}" for x in unit[key]["lost"]]
    for n in (unit["notifications"], unit["escalations"]):
        lines += [f"新增{x['action']}：{x['label']}" for x in n["gained"]]
        lines += [f"不再{x['action']}：{x['label']}" for x in n["lost"]]
        lines += [f"{x['action']}的措辞改变：{x['after']}" for x in n["reworded"]]
    if unit["rank"]:
        lines.append(f"排名：{_plain(unit['rank']['before'])} → {_plain(unit['rank']['after'])}")
    lines += [f"{v['label']}：{v['before_display']} → {v['after_display']}" for v in unit["values"]]
    return Text("\n".join(lines))


def _period_cells(unit: dict[str, Any]) -> tuple[Text, Text]:
    absent = Text("（无此单位）", style="dim")
    before = absent if "appeared" in unit["lists"] else _period_side(unit, "before")
    after = absent if "disappeared" in unit["lists"] else _period_side(unit, "after")
    return before, after


def _period_side(unit: dict[str, Any], side: str) -> Text:
    many = len(unit["tiers"]) > 1
    short, value, severity = ("from_short", "value_before", "from_severity") if side == "before" else ("to_short", "value_after", "to_severity")
    out = Text()
    for t in unit["tiers"]:
        if out:
            out.append("\n")
        out.append((f"{t['label']} " if many else "") + f"{t[short]}（{t[value]}）", style=_severity_style(t[severity]))
        if t["from"] != t["to"] and side == "after":
            out.append({"improved": "，好转", "worsened": "，变差"}.get(_direction([t]) or "", ""))
    actions = unit["actions_before" if side == "before" else "actions_after"]
    if actions:
        if out:
            out.append("\n")
        out.append("、".join(actions), style="yellow")
    if not out:
        out.append("被点名" if unit["named_before" if side == "before" else "named_after"] else "未被点名")
    return out


def _ruleset_line(r: dict[str, Any]) -> str:
    return f"{r['id']} 版本 {r['version']}（sha256 {(r['sha256'] or '')[:12]}）"


def _input_line(i: dict[str, Any]) -> str:
    files = [f for f in i["files"] if f]
    # A folder of several tables would wrap the line: name the first and count the rest.
    names = "、".join(files) if len(files) <= 2 else f"{files[0]} 等 {len(files)} 个文件"
    return f"{names}（sha256 {(i['sha256'] or '')[:12]}）"


def _values(move: dict[str, Any]) -> str:
    same = move["value_before"] == move["value_after"]
    return move["value_after"] if same else f"{move['value_before']} → {move['value_after']}"


def _band_cell(band: dict[str, Any]) -> Text:
    text = Text(band["label"], style=_severity_style(band["severity"]))
    if band["rule_before"] != band["rule_after"]:
        text.append(f"\n  {_plain(band['rule_before'])} → {_plain(band['rule_after'])}", style="dim")
    return text


def _count_cells(row: dict[str, Any], severity: int | None) -> tuple[Text, Text, Text]:
    before, after = row["before"], row["after"]
    if before is None or after is None or before == after:
        delta = Text("" if before == after else "—")
    else:
        delta = Text(f"{after - before:+d}", style="bold" if severity else "")
    return Text(_plain(before)), Text(_plain(after)), delta


def _severity_style(severity: int | None) -> str:
    return SEVERITY_STYLE.get(severity or 0, "")


def _display(value: dict[str, Any] | None) -> str:
    return MISSING if value is None else (value["display"] or MISSING)


def _plain(value: Any) -> str:
    return MISSING if value is None else str(value)
