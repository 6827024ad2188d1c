"""Seed 000 (Tonggu): the engine's lists against the circular, by hand-checked golden names."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import tongbao

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = yaml.safe_load((ROOT / "tests/golden/tonggu-ganzhengtong.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def verdict() -> dict:
    """The JSON verdict as the CLI prints it: what the issue asks to be shown."""
    out = subprocess.run(
        [sys.executable, "-m", "tongbao", "evaluate", GOLDEN["ruleset"], GOLDEN["data"], "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True,
    )
    return json.loads(out.stdout)


def _part(verdict: dict) -> dict:
    return verdict["parts"][0]


def _band(verdict: dict, tier: str, band: str) -> dict:
    t = next(t for t in _part(verdict)["summary"]["tiers"] if t["id"] == tier)
    return next(b for b in t["bands"] if b["id"] == band)


@pytest.mark.parametrize("band", ["below_20", "below_50", "below_80", "below_90"])
def test_activity_bands_name_the_circulars_units_in_table_order(verdict: dict, band: str) -> None:
    golden = GOLDEN["tiers"]["activity_band"][band]
    got = _band(verdict, "activity_band", band)
    assert got["units"] == golden["table"]
    assert got["count"] == len(golden["circular"])


def test_band_counts_are_1_6_12_15(verdict: dict) -> None:
    counts = [_band(verdict, "activity_band", b)["count"] for b in ("below_20", "below_50", "below_80", "below_90")]
    assert counts == [1, 6, 12, 15]
    assert _part(verdict)["summary"]["units"] == GOLDEN["units"] == 117


def test_circular_text_differs_from_table_only_by_the_documented_corrections() -> None:
    fixes = GOLDEN["name_corrections"]
    for band in GOLDEN["tiers"]["activity_band"].values():
        assert [fixes.get(name, name) for name in band["circular"]] == band["table"]


def test_80_00_percent_lands_below_90_not_below_80(verdict: dict) -> None:
    units = {u["name"]: u for u in _part(verdict)["units"]}
    for name in ("永宁卫生院", "棋坪卫生院"):  # both exactly 80.00% in the annex
        assert units[name]["fields"]["activity"] == 0.8
        assert units[name]["bands"]["activity_band"] == "below_90"


def test_two_units_below_full_activation(verdict: dict) -> None:
    flag = next(f for f in _part(verdict)["summary"]["flags"] if f["id"] == "activation_short")
    assert flag["units"] == GOLDEN["flags"]["activation_short"]
    notice = next(n for n in _part(verdict)["summary"]["notifications"] if n["id"] == "criticise_activation")
    assert notice["action"] == "通报批评" and notice["units"] == ["农业银行", "教体局"]
    unit = next(u for u in _part(verdict)["units"] if u["name"] == "教体局")
    assert unit["notifications"][0]["message"] == "教体局累计激活率95.83%，未达到“确保激活率均达100%”的要求。"


def test_published_totals_that_contradict_the_table_are_reported(verdict: dict) -> None:
    figures = {f["id"]: f for f in _part(verdict)["summary"]["figures"]}
    for fid, (published, computed) in GOLDEN["published_figures"].items():
        assert figures[fid]["published"] == published
        assert figures[fid]["value"] == computed
        assert figures[fid]["agrees"] is False
    codes = [(w["code"], w.get("figure")) for w in verdict["warnings"]]
    assert ("TB-P001", "registered_total") in codes
    warning = next(w for w in verdict["warnings"] if w.get("figure") == "registered_total")
    assert warning["message"] == "通报公布的“全县注册人数”为 4919，按表格计算为 5001。"


def test_verdict_records_ruleset_and_input_hashes(verdict: dict) -> None:
    import hashlib

    ruleset_bytes = (ROOT / GOLDEN["ruleset"]).read_bytes()
    data_bytes = (ROOT / GOLDEN["data"]).read_bytes()
    assert verdict["ruleset"]["id"] == "tonggu-ganzhengtong"
    assert verdict["ruleset"]["version"] == "2022.05"
    assert verdict["ruleset"]["sha256"] == hashlib.sha256(ruleset_bytes).hexdigest()
    assert verdict["input"]["sha256"] == hashlib.sha256(data_bytes).hexdigest()


def test_json_is_byte_identical_across_runs_and_through_the_api() -> None:
    rules = tongbao.load_ruleset(ROOT / GOLDEN["ruleset"])
    first = tongbao.evaluate(rules, ROOT / GOLDEN["data"]).to_json()
    second = tongbao.evaluate(tongbao.load_ruleset(ROOT / GOLDEN["ruleset"]), ROOT / GOLDEN["data"]).to_json()
    assert first == second
    assert "林业局" in first and "\\u" not in first  # Chinese kept as characters


def test_records_input_gives_the_same_bands_as_the_csv() -> None:
    import csv

    rules = tongbao.load_ruleset(ROOT / GOLDEN["ruleset"])
    with open(ROOT / GOLDEN["data"], encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    from_records = tongbao.evaluate(rules, records).to_dict()
    from_csv = tongbao.evaluate(rules, ROOT / GOLDEN["data"]).to_dict()
    assert from_records["parts"][0]["summary"]["tiers"] == from_csv["parts"][0]["summary"]["tiers"]


def test_ranking_shares_ties(verdict: dict) -> None:
    ranks = {u["name"]: u["rank"] for u in _part(verdict)["units"]}
    assert ranks["县委办"] == ranks["温泉卫生院"] == 1  # 48 units at 100.00%
    assert ranks["大墩镇"] == 49
    assert ranks["发改委"] == ranks["交通运输局"] == 56 and ranks["永宁镇"] == 58
    assert ranks["人民医院"] == 117
