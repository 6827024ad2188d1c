"""Every seed circular's published figures, from its table, through its ruleset alone.

Each tests/golden/<ruleset id>.yaml was checked by hand against the seed text; one
parametrised test reads its checks. A check names a part (default: the first), then
what to compare: a figure (value, display, published, agrees; overall or per group),
a band's, flag's or veto's units (exactly, or "includes" for names the text gives
with 等), a unit's field or metric, the praise list, totals rows, or the warnings.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import tongbao

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_FILES = sorted((ROOT / "tests" / "golden").glob("*.yaml"))
KINDS = ("figure", "band", "flag", "veto", "unit", "groups", "top", "top_set", "totals_agree", "warnings")


def _case_id(stem: str, i: int, check: dict) -> str:
    kind = next(k for k in KINDS if k in check)
    what = check[kind] if isinstance(check[kind], str) else ("-".join(check[kind]) if isinstance(check[kind], list) and kind == "band" else "")
    return "-".join(x for x in (stem, str(i), check.get("part", ""), kind, what, check.get("scope", "")) if x)


CASES = []
for path in GOLDEN_FILES:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i, check in enumerate(spec.get("checks", [])):
        CASES.append(pytest.param(spec, check, id=_case_id(path.stem, i, check)))

_VERDICTS: dict[str, dict] = {}


def _verdict(spec: dict) -> dict:
    key = spec["ruleset"]
    if key not in _VERDICTS:
        rules = tongbao.load_ruleset(ROOT / spec["ruleset"])
        _VERDICTS[key] = tongbao.evaluate(rules, ROOT / spec["data"]).to_dict()
    return _VERDICTS[key]


def _part(verdict: dict, check: dict) -> dict:
    if "part" not in check:
        return verdict["parts"][0]
    return next(p for p in verdict["parts"] if p["id"] == check["part"])


def _scoped(entry: dict, check: dict) -> dict:
    scope = check.get("scope")
    return entry if scope is None else entry["groups"][scope]


def _figure(verdict: dict, check: dict) -> dict:
    pool = verdict["figures"] if "part" not in check and any(f["id"] == check["figure"] for f in verdict["figures"]) \
        else _part(verdict, check)["summary"]["figures"]
    return _scoped(next(f for f in pool if f["id"] == check["figure"]), check)


def _members(part: dict, check: dict) -> dict:
    summary = part["summary"]
    if "band" in check:
        tier_id, band_id = check["band"]
        tier = next(t for t in summary["tiers"] if t["id"] == tier_id)
        return _scoped(next(b for b in tier["bands"] if b["id"] == band_id), check)
    kind, key = ("flags", "flag") if "flag" in check else ("vetoes", "veto")
    return _scoped(next(f for f in summary[kind] if f["id"] == check[key]), check)


@pytest.mark.parametrize("spec,check", CASES)
def test_seed_figure(spec: dict, check: dict) -> None:
    verdict = _verdict(spec)
    part = _part(verdict, check)
    if "figure" in check:
        figure = _figure(verdict, check)
        for key in ("value", "display", "published", "agrees"):
            if key in check:
                assert figure[key] == (pytest.approx(check[key]) if isinstance(check[key], float) else check[key]), key
    elif "groups" in check:
        assert {g["id"]: g["units"] for g in part["groups"]} == check["groups"]
    elif any(k in check for k in ("band", "flag", "veto")):
        members = _members(part, check)
        if "units" in check:
            assert members["units"] == check["units"]
        if "includes" in check:
            assert set(check["includes"]) <= set(members["units"]), set(check["includes"]) - set(members["units"])
    elif "unit" in check:
        unit = next(u for u in part["units"] if u["name"] == check["unit"])
        source = unit["fields"] if "field" in check else unit["metrics"]
        value = source[check.get("field") or check["metric"]]
        assert value == (pytest.approx(check["value"]) if isinstance(check["value"], float) else check["value"])
        if "not_applicable" in check:
            assert unit["not_applicable"] == check["not_applicable"]
    elif "top" in check:
        assert part["summary"]["top"]["groups"] == check["top"]
    elif "top_set" in check:
        assert sorted(part["summary"]["top"]["units"]) == sorted(check["top_set"])
    elif "totals_agree" in check:
        assert [c["agrees"] for c in part["totals_rows"]] == [True] * check["totals_agree"]
    elif "warnings" in check:
        for code, expected in check["warnings"].items():
            got = [[w.get("unit"), w.get("column"), w["published"], w["computed"]] for w in verdict["warnings"] if w["code"] == code]
            assert len(got) == len(expected), got
            for g, e in zip(got, expected):
                assert g[:3] == e[:3] and g[3] == pytest.approx(e[3])
    else:
        pytest.fail(f"unknown check {check}")
