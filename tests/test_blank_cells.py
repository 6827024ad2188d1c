"""What a blank cell and "/" mean follows each field's declared policy."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tongbao

RULESET = """\
tongbao: 1
id: blanks
version: "1"
title: 空白测试
issuer: 测试
region: 测试
# 考核期随数据走（period.yaml），不写在规则集里。
units:
  file: units.csv
  key: 单位
  fields:
    quota: {column: 任务, type: integer, blank: error}
    sent: {column: 报送, type: integer, blank: zero}
    score: {column: 得分, type: number, blank: missing}
    replied: {column: 回复率, type: percent, blank: missing, not_applicable: ["/"]}
metrics:
  completion: {label: 完成率, expr: sent / quota, format: percent:2}
  doubled: {label: 两倍得分, expr: score * 2}
summary:
  - {id: mean_reply, label: 平均回复率, expr: mean(replied), format: percent:1}
  - {id: counted, label: 有回复率的单位, expr: count(not missing(replied)), format: integer}
"""


@pytest.fixture()
def rules(tmp_path: Path) -> tongbao.Ruleset:
    path = tmp_path / "blanks.yaml"
    path.write_text(RULESET, encoding="utf-8")
    return tongbao.load_ruleset(path)


def test_each_policy(rules: tongbao.Ruleset) -> None:
    rows = [
        {"单位": "甲", "任务": "12", "报送": "", "得分": "", "回复率": "/"},
        {"单位": "乙", "任务": "12", "报送": "6", "得分": "3.5", "回复率": "50%"},
        {"单位": "丙", "任务": "12", "报送": "12", "得分": "5", "回复率": "100%"},
    ]
    v = tongbao.evaluate(rules, rows).to_dict()
    a, b, _ = v["parts"][0]["units"]
    assert a["fields"]["sent"] == 0 and a["metrics"]["completion"] == 0
    assert a["fields"]["score"] is None and a["metrics"]["doubled"] is None
    assert a["fields"]["replied"] is None and a["not_applicable"] == ["replied"]
    assert b["metrics"]["doubled"] == 7
    figures = {f["id"]: f for f in v["parts"][0]["summary"]["figures"]}
    assert figures["mean_reply"]["value"] == 0.75  # "/" is left out, not counted as 0
    assert figures["counted"]["value"] == 2
    blanks = [(w["code"], w["column"], w["unit"]) for w in v["warnings"]]
    assert blanks == [("TB-D001", "得分", "甲")]  # blank: zero is the ruleset's own word for 0: no warning


def test_blank_where_the_ruleset_forbids_it_is_an_error(rules: tongbao.Ruleset) -> None:
    rows = [{"单位": "甲", "任务": "", "报送": "1", "得分": "1", "回复率": "1%"}]
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(rules, rows)
    assert "第 1 行" in str(err.value) and "列“任务”" in str(err.value) and "blank: zero" in str(err.value)


@given(st.lists(st.one_of(st.just(""), st.just("/"), st.integers(0, 100).map(lambda p: f"{p}%")), min_size=1, max_size=20))
@settings(deadline=None)  # run alone on the fast path (test_columnar_blanks), the first example pays polars' import (~0.6 s)
def test_mean_of_a_rate_ignores_blank_and_not_applicable(cells) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.yaml"
        path.write_text(RULESET, encoding="utf-8")
        rules = tongbao.load_ruleset(path)
    rows = [{"单位": f"单位{i}", "任务": "1", "报送": "1", "得分": "1", "回复率": c} for i, c in enumerate(cells)]
    figures = {f["id"]: f for f in tongbao.evaluate(rules, rows).to_dict()["parts"][0]["summary"]["figures"]}
    present = [int(c[:-1]) / 100 for c in cells if c.endswith("%")]
    assert figures["counted"]["value"] == len(present)
    if present:
        assert math.isclose(figures["mean_reply"]["value"], sum(present) / len(present), rel_tol=1e-9)
    else:
        assert figures["mean_reply"]["value"] is None
