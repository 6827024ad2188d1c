"""Escalations across periods beyond "N running": N times in the same year (not necessarily running), and
escalations that set a metric (zero an item, add a deduction), with the periods that caused them cited.

Hand-computed on tests/fixtures/periods (其他得分 85 for everyone; 按时报送得分 = max(10 - 2 × 逾期天数, 0);
加扣分 = 2 when 逾期天数 > 3; 总分 = 其他 + 按时 - 加扣; below 90 不合格). History, oldest first:
2021-12 (乙 late), 2022-03 (甲, 丁, 戊 late), 2022-05 (丙, 丁, 戊 late). This period 2022-06: 丁 on time, the rest late.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import tongbao
from tongbao.data.history import period_of

HERE = Path(__file__).resolve().parent / "fixtures/periods"
NAMES = ["甲", "乙", "丙", "丁", "戊"]


def _rows(late: dict[str, int]) -> dict[str, list[dict[str, str]]]:
    return {"units.csv": [{"单位": n, "逾期天数": str(late.get(n, 0)), "其他得分": "85"} for n in NAMES]}


@pytest.fixture(scope="module")
def june() -> dict:
    rules = tongbao.load_ruleset(HERE / "reports.yaml")
    earlier = [("2021-12", {"乙": 1}), ("2022-03", {"甲": 1, "丁": 1, "戊": 1}), ("2022-05", {"丙": 1, "丁": 2, "戊": 1})]
    history = [period_of(tongbao.evaluate(rules, _rows(late), period=p).to_dict()) for p, late in earlier]
    return tongbao.evaluate(rules, HERE / "units.csv", period="2022-06", history=history).to_dict()


def _units(v: dict) -> dict[str, dict]:
    return {u["name"]: u for u in v["parts"][0]["units"]}


def test_counted_within_the_year_not_only_running(june: dict) -> None:
    esc = {e["id"]: e for e in june["parts"][0]["summary"]["escalations"]}
    assert esc["running_late"]["units"] == ["丙", "戊"]  # 甲's 2022-03 is not next to 2022-06
    assert esc["second_late"]["units"] == ["甲", "丙", "戊"]  # 乙's 2021-12 is last year; 丁 is on time now
    assert esc["second_late"]["within"] == "year" and "within" not in esc["running_late"]
    assert esc["third_late"]["units"] == ["戊"]
    jia = {e["id"]: e for e in _units(june)["甲"]["escalations"]}
    assert jia["second_late"]["periods"] == ["2022-03", "2022-06"]
    assert jia["second_late"]["message"] == "甲本年度第2次未按时完成（2022-03、2022-06），全年该项不得分。"
    wu = {e["id"]: e for e in _units(june)["戊"]["escalations"]}
    assert wu["third_late"]["periods"] == ["2022-03", "2022-05", "2022-06"]
    assert wu["running_late"]["periods"] == ["2022-03", "2022-05", "2022-06"]


def test_escalation_sets_metrics_and_everything_after_is_recomputed(june: dict) -> None:
    units = _units(june)
    got = {n: (u["metrics"]["timeliness"], u["metrics"]["penalty"], u["metrics"]["total"], u["bands"]["grade"]) for n, u in units.items()}
    assert got == {"甲": (0, 0, 85, "fail"), "乙": (8, 0, 93, "ok"), "丙": (0, 0, 85, "fail"),
                   "丁": (10, 0, 95, "ok"), "戊": (0, 7, 78, "fail")}  # without escalations 甲 93, 丙 91 would pass
    assert june["parts"][0]["summary"]["figures"][0]["value"] == 3
    wu = {e["id"]: e for e in units["戊"]["escalations"]}
    assert wu["second_late"]["sets"] == {"timeliness": 0} and wu["third_late"]["sets"] == {"penalty": 7}
    assert "sets" not in wu["running_late"]


def test_without_history_nothing_is_set() -> None:
    v = tongbao.evaluate(tongbao.load_ruleset(HERE / "reports.yaml"), HERE / "units.csv", period="2022-06").to_dict()
    assert [u["metrics"]["total"] for u in v["parts"][0]["units"]] == [93, 93, 91, 95, 85]


def test_year_count_needs_a_period_that_starts_with_its_year() -> None:
    rules = tongbao.load_ruleset(HERE / "reports.yaml")
    earlier = period_of(tongbao.evaluate(rules, _rows({"甲": 1}), period="上期").to_dict())
    with pytest.raises(tongbao.TongbaoError) as err:
        tongbao.evaluate(rules, HERE / "units.csv", period="本期", history=[earlier])
    assert "不以年份开头" in str(err.value)


def test_sets_must_name_a_metric(tmp_path: Path) -> None:
    text = (HERE / "reports.yaml").read_text(encoding="utf-8").replace("sets: {timeliness: 0}", "sets: {timelyness: 0}")
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(tmp_path / "r.yaml")
    assert "escalations[1].sets.timelyness" in str(err.value) and "timeliness" in str(err.value)


def test_explain_says_which_periods_set_the_metric(june: dict) -> None:
    rules = tongbao.load_ruleset(HERE / "reports.yaml")
    earlier = [("2022-03", {"甲": 1})]
    history = [period_of(tongbao.evaluate(rules, _rows(late), period=p).to_dict()) for p, late in earlier]
    verdict = tongbao.evaluate(rules, HERE / "units.csv", period="2022-06", history=history)
    from tongbao.tools.explain import explain_unit

    trace = explain_unit(verdict.parts[0], 0)
    lines = trace["lines"]
    assert any(line.startswith("指标 按时报送得分 = max(10 - 2 * late_days, 0) = 0") and
               "因升级处理“本年度内累计2次未按时完成的单位”（2022-03、2022-06）改写为 0" in line for line in lines), lines
    assert "升级 全年该项不得分（本年度内累计2次未按时完成的单位）：因 2022-03、2022-06 各期；按时报送得分 改为 0" in lines


# ------------------------------------------------------------------ the same through `tongbao test`: history in a rule test


def test_rule_test_with_history_passes() -> None:
    from tongbao.tools.ruletest import run_tests

    result = run_tests([HERE / "reports.test.yaml"])
    assert (result["passed"], result["failed"]) == (3, 0), result


def test_rule_test_without_the_history_fails_on_the_escalations(tmp_path: Path) -> None:
    from tongbao.tools.ruletest import run_tests

    text = (HERE / "reports.test.yaml").read_text(encoding="utf-8")
    cut = text.replace('      - period: "2021-12"', '      - period: "2021-11"').replace('      - period: "2022-03"\n        units: [{单位: 甲, 逾期天数: 1}',
                                                                                      '      - period: "2022-03"\n        units: [{单位: 甲}')
    (tmp_path / "reports.yaml").write_text((HERE / "reports.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "units.csv").write_text("单位,逾期天数,其他得分\n", encoding="utf-8")
    (tmp_path / "x.test.yaml").write_text(cut, encoding="utf-8")
    first = run_tests([tmp_path / "x.test.yaml"])["cases"][0]
    got = {f["what"]: (f["expected"], f["got"]) for f in first["failures"]}
    assert got["甲 的升级处理"] == (["second_late"], [])  # 甲 late only now: no second time this year
    assert got["甲 的指标“按时报送得分”（timeliness）"] == (0, 8)


def test_history_needs_this_period_named(tmp_path: Path) -> None:
    from tongbao.tools.ruletest import RuleTestError, load_cases

    text = (HERE / "reports.test.yaml").read_text(encoding="utf-8").replace('    period: "2022-06"\n    history:\n      - period: "2021-12"', '    history:\n      - period: "2021-12"', 1)
    (tmp_path / "reports.yaml").write_text((HERE / "reports.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "x.test.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleTestError) as err:
        load_cases(tmp_path / "x.test.yaml")
    assert "x.test.yaml:10:5" in str(err.value) and "就要写本期是哪一期" in str(err.value)
