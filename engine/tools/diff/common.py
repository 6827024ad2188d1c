"""What both kinds of diff share: the verdict check, each side's header, parts and units paired by id and name."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping, cast

from jsonschema import Draft7Validator
from jsonschema.exceptions import best_match

from ..._version import __version__
from ...errors import TongbaoError
from ...rules.formatting import MISSING, NOT_APPLICABLE, Format, format_value
from ...rules.schema import load_schema


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
            "period": (v.get("period") or {}).get("id"),
            "input": {"sha256": i.get("sha256"), "files": [t.get("file") for t in i.get("tables", [])]}}


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


def _group_labels(b: _Part, a: _Part) -> dict[str, str]:
    return {g["id"]: g["label"] for g in [*b.raw.get("groups", []), *a.raw.get("groups", [])]}


def _direction(tiers: list[dict[str, Any]]) -> str | None:
    """By band severity, tier by tier; a tier with no band on either side cannot be compared."""
    steps = [t["to_severity"] - t["from_severity"] for t in tiers
             if t["from_severity"] is not None and t["to_severity"] is not None]
    up, down = any(s > 0 for s in steps), any(s < 0 for s in steps)
    if up and down:
        return "mixed"
    return "worsened" if up else ("improved" if down else None)
