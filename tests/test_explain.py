"""tongbao explain: why a unit got its verdict, from the rules and the values it read."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _explain(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tongbao", "explain", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")


def test_tonggu_forestry_bureau_band_rate_and_distance() -> None:
    out = _explain("rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/", "林业局")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "  ✓ 活跃率低于80%的单位（< 80.00%） → 落入此档" in text
    assert "  ✗ 活跃率低于50%的单位（< 50.00%）" in text
    assert "按 活跃率 79.56%" in text
    assert "距“活跃率低于90%的单位”还差 0.44 个百分点，约 1 人（需达到 80.00%）" in text
    assert "第 100 名，倒数第 18 名，共 117 个（按 activity：79.56%）；前一名 大垵卫生院（第 99 名，79.59%）；后一名 工业园区（第 101 名，78.38%）" in text


def test_yanjiang_finance_bureau_lists_each_point_item() -> None:
    out = _explain("rulesets/yanjiang-xinxi-2020q3.yaml", "examples/yanjiang-xinxi-2020q3/", "区财政局", "--part", "adoption")
    assert out.returncode == 0, out.stderr
    assert "各项：5 × 5 + 6 × 3 + 3 × 1 + 20 × 1 = 66" in out.stdout
    assert "区采用信息分值（分/条） 6" in out.stdout  # the departments' weight, not the footnote's 8


def test_without_part_every_part_holding_the_unit_is_explained() -> None:
    out = _explain("rulesets/yanjiang-xinxi-2020q3.yaml", "examples/yanjiang-xinxi-2020q3/", "区财政局")
    assert "附件1 政务信息报送情况" in out.stdout and "附件2 政务信息采用情况" in out.stdout


def test_json_trace_matches_the_text() -> None:
    out = _explain("rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/", "林业局", "--format", "json")
    trace = json.loads(out.stdout)["traces"][0]
    tier = trace["tiers"][0]
    assert tier["band"] == "below_80" and [t["matched"] for t in tier["tests"]] == [False, False, True]
    assert tier["next_better"]["shortfall"] == 0.0044 and tier["next_better"]["in_units"] == {"count": 1, "unit": "人"}


def test_vetoed_site_says_so() -> None:
    out = _explain("rulesets/demo-county-websites-2024.yaml", "examples/demo-county-websites-2024/", "示例县人民政府网")
    assert "否决项 首页不更新：v_front_page == \"是\" → 是，单项否决" in out.stdout
    assert "单项否决：不论数值，直接落入“单项否决，不合格”" in out.stdout


def test_unknown_unit_suggests_the_near_name() -> None:
    out = _explain("rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/", "林业")
    assert out.returncode == 1 and "数据中没有单位“林业”。是否是：林业局？" in out.stderr and "Traceback" not in out.stderr


def test_evaluate_explain_puts_the_trace_in_the_verdict() -> None:
    out = subprocess.run([sys.executable, "-m", "tongbao", "evaluate", "rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/",
                          "--format", "json", "--explain"], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True)
    units = json.loads(out.stdout)["parts"][0]["units"]
    assert all("explain" in u for u in units)
    assert units[0]["explain"]["tiers"][0]["band"] == "ok"


def test_explain_json_reads_a_dates_aggregate_as_dates() -> None:
    """``update_days`` (a ``dates`` aggregate) holds a list per unit; --explain once crashed on it (exit 3)."""
    out = subprocess.run([sys.executable, "-m", "tongbao", "evaluate", "rulesets/ganzhou-gongkai-2022-07.yaml",
                          "examples/ganzhou-gongkai-2022-07/", "-f", "json", "--explain"],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    unit = json.loads(out.stdout)["parts"][-1]["units"][0]  # 赣州市人民政府网首页, 20 update days
    inputs = {i["name"]: i["display"] for m in unit["explain"]["metrics"] for i in m.get("inputs", [])}
    assert inputs["update_days"] == ("2022-09-26、2022-09-27、2022-09-28、2022-09-29、2022-09-30、2022-10-01、"
                                     "2022-10-02、2022-10-04、2022-10-05、2022-10-06等20个日期")
