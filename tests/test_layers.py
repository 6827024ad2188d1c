"""Layered rulesets: the national 2019 baseline, a region extending it, and the merge rules."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tongbao

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo() -> dict:
    rules = tongbao.load_ruleset(ROOT / "rulesets/demo-county-websites-2024.yaml")
    verdict = tongbao.evaluate(rules, ROOT / "examples/demo-county-websites-2024").to_dict()
    return {u["name"]: u for u in verdict["parts"][0]["units"]}


def test_a_vetoed_site_fails_with_no_score(demo: dict) -> None:
    site = demo["示例县人民政府网"]
    assert site["vetoes"] == ["front_page"]
    assert site["bands"]["result"] == "vetoed"
    assert site["metrics"]["score"] is None and site["metrics"]["part2"] is None


def test_59_fails_80_gets_no_bonus_85_does(demo: dict) -> None:
    assert demo["示例县教育体育局"]["metrics"]["score"] == 59 and demo["示例县教育体育局"]["bands"]["result"] == "fail"
    at_80 = demo["示例县政务服务网"]  # a portal with 10 bonus points at exactly 80: "高于80分" is strict
    assert at_80["metrics"]["part2"] == 80 and at_80["metrics"]["bonus"] == 0 and at_80["bands"]["result"] == "pass"
    at_85 = demo["示例县融媒体中心"]
    assert at_85["metrics"]["part2"] == 85 and at_85["metrics"]["bonus"] == 12 and at_85["metrics"]["score"] == 97
    assert demo["示例县统计局"]["metrics"]["bonus"] == 0  # 85, but a department site: no bonus stage


def test_no_public_service_is_scored_out_of_75_and_scaled(demo: dict) -> None:
    archive = demo["示例县档案馆"]  # 6 + 3 + 0 lost, its 5 办事服务 points ignored: (75 − 9) × 4/3
    assert archive["metrics"]["part2"] == pytest.approx(88.0)


def test_deductions_are_capped_per_indicator(demo: dict) -> None:
    assert demo["示例县统计局"]["metrics"]["lost"] == 15  # 20 deducted under 功能设计, capped at its 15


def test_the_baseline_alone_refuses_its_placeholders() -> None:
    rules = tongbao.load_ruleset(ROOT / "rulesets/national-2019-websites.yaml")
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.evaluate(rules, ROOT / "examples/demo-county-websites-2024")
    text = str(err.value)
    assert "national-2019-websites.yaml:32:3: facts.publish_points" in text and "占位值" in text


def test_verdict_records_both_layers() -> None:
    rules = tongbao.load_ruleset(ROOT / "rulesets/demo-county-websites-2024.yaml")
    layers = tongbao.evaluate(rules, ROOT / "examples/demo-county-websites-2024").to_dict()["ruleset"]["layers"]
    assert [x["file"] for x in layers] == ["demo-county-websites-2024.yaml", "national-2019-websites.yaml"]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


BASE = """\
tongbao: 1
id: base
version: "1"
title: 基础
issuer: 省
region: 省
# 考核期随数据走（period.yaml），不写在规则集里。
units:
  file: units.csv
  key: 单位
  fields:
    rate: {column: 活跃率, type: percent}
    groups: {column: 工作群数, type: integer}
tiers:
  level:
    label: 分档
    metric: rate
    bands:
      - {id: low, label: 低于80%, below: "80%", severity: 2}
      - {id: ok, label: 其余, otherwise: true, severity: 0}
"""


def test_child_overrides_a_band_by_id_and_removes_a_field_with_null(tmp_path: Path) -> None:
    _write(tmp_path, "base.yaml", BASE)
    child = _write(tmp_path, "child.yaml", "extends: base.yaml\nid: child\nversion: '2'\n"
                   "units:\n  fields:\n    groups: null\n"
                   "tiers:\n  level:\n    bands:\n      - {id: low, below: \"90%\"}\n")
    rules = tongbao.load_ruleset(child)
    band = rules.parts[0].tiers[0].bands[0]
    assert (band.id, band.threshold, band.label) == ("low", 0.9, "低于80%")  # label kept from the base
    assert [f.name for f in rules.parts[0].units.fields] == ["rate"]
    assert rules.id == "child" and len(rules.layers) == 2


def test_an_error_in_the_base_points_at_the_base(tmp_path: Path) -> None:
    _write(tmp_path, "base.yaml", BASE.replace("metric: rate", "metric: rat"))
    child = _write(tmp_path, "child.yaml", "extends: base.yaml\nid: child\n")
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(child)
    assert "base.yaml:17:5: tiers.level.metric: 未知的名称“rat”" in str(err.value)


def test_a_cycle_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", "extends: b.yaml\n" + BASE)
    _write(tmp_path, "b.yaml", "extends: a.yaml\n" + BASE)
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(tmp_path / "a.yaml")
    assert "extends 形成了循环" in str(err.value)


def test_a_missing_base_is_named(tmp_path: Path) -> None:
    child = _write(tmp_path, "child.yaml", "extends: nowhere.yaml\n" + BASE)
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(child)
    assert "child.yaml:1:1: extends: 找不到基础规则集“nowhere.yaml”" in str(err.value)


def test_show_resolved_names_the_layer_of_each_value() -> None:
    out = subprocess.run([sys.executable, "-m", "tongbao", "show", "rulesets/demo-county-websites-2024.yaml", "--resolved"],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True).stdout
    assert "# 继承链：rulesets/demo-county-websites-2024.yaml → rulesets/national-2019-websites.yaml" in out
    assert "    value: 40  # rulesets/demo-county-websites-2024.yaml:" in out
    assert "    value: 100  # rulesets/national-2019-websites.yaml:25" in out
