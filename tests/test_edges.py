"""Edges found by review: printed percents on a band line, and expressions used where they cannot work."""
from __future__ import annotations

from pathlib import Path

import pytest

import tongbao

HEAD = """\
tongbao: 1
id: edges
version: "1"
title: 边界
issuer: 测试
region: 测试
# 考核期随数据走（period.yaml），不写在规则集里。
units:
  file: units.csv
  key: 单位
  fields:
    rate: {column: 合格率, type: percent}
"""


def _load(tmp_path: Path, body: str) -> tongbao.Ruleset:
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return tongbao.load_ruleset(path)


@pytest.mark.parametrize("printed", ["93.1%", "0.07%", "57.7%", "14.3%", "28.9%"])
def test_a_printed_percent_on_the_line_is_not_below_it(tmp_path: Path, printed: str) -> None:
    rules = _load(tmp_path, f"tiers:\n  t:\n    label: 档\n    metric: rate\n    bands:\n"
                            f"      - {{id: low, label: 低, below: \"{printed}\", severity: 1}}\n"
                            f"      - {{id: ok, label: 达标, otherwise: true, severity: 0}}\n")
    unit = tongbao.evaluate(rules, [{"单位": "甲", "合格率": printed}]).to_dict()["parts"][0]["units"][0]
    assert unit["bands"]["t"] == "ok"


def test_in_band_in_a_metric_is_a_ruleset_error(tmp_path: Path) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        _load(tmp_path, "metrics:\n  m: {label: m, expr: 'count(in_band(\"t\", \"ok\"))'}\n")
    assert "r.yaml:14:17: metrics.m.expr: in_band 只能用在标记" in str(err.value)


def test_a_ranking_cannot_read_a_summary_figure(tmp_path: Path) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        _load(tmp_path, "summary:\n  - {id: total, label: 合计, expr: sum(rate)}\nranking: {by: rate / total}\n")
    assert "ranking.by: 未知的名称“total”" in str(err.value)


def test_verdict_json_does_not_depend_on_how_the_path_was_typed(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    rules = tongbao.load_ruleset(root / "rulesets/jiujiang-wangzhan-2022q2.yaml")
    absolute = tongbao.evaluate(rules, root / "examples/jiujiang-wangzhan-2022q2").to_json()
    import os

    here = os.getcwd()
    try:
        os.chdir(root / "examples")
        relative = tongbao.evaluate(rules, "jiujiang-wangzhan-2022q2").to_json()
    finally:
        os.chdir(here)
    assert absolute == relative


def test_a_group_with_no_units_this_period_still_has_its_figures() -> None:
    root = Path(__file__).resolve().parent.parent
    rules = tongbao.load_ruleset(root / "rulesets/ganzhou-jiance-2023-08.yaml")
    rows = [{"网站/政务新媒体名称": "寻乌县人民政府网", "主要存在问题": "栏目逾期更新", "主办单位": "寻乌县政府办",
             "发现日期": "2023/8/2", "整改日期": "2023/8/4", "备注": ""}]
    figures = {f["id"]: f for f in tongbao.evaluate(rules, rows).to_dict()["parts"][0]["summary"]["figures"]}
    assert figures["pass_rate"]["groups"]["websites"]["display"] == "98.3%"  # 57 of 58
    assert figures["pass_rate"]["groups"]["accounts"]["display"] == "100.0%"  # 316 checked, none vetoed
