"""Period files: the rules stay put, each period brings its own id, 文号 and published figures.

May then June of the Tonggu example with one ruleset file, untouched; June cites May and April
for escalations and audits nothing against May's published figures.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import tongbao
from tongbao.data.history import period_of
from tongbao.errors import PeriodError

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rulesets/tonggu-ganzhengtong.yaml"
APRIL, MAY, JUNE = (ROOT / f"examples/{d}" for d in ("tonggu-ganzhengtong-2022-04", "tonggu-ganzhengtong",
                                                      "tonggu-ganzhengtong-2022-06"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def months() -> dict[str, dict]:
    before = _sha(RULES)
    rules = tongbao.load_ruleset(RULES)
    april = tongbao.evaluate(rules, APRIL).to_dict()
    may = tongbao.evaluate(rules, MAY, history=[period_of(april)]).to_dict()
    june = tongbao.evaluate(rules, JUNE, history=[period_of(april), period_of(may)]).to_dict()
    assert _sha(RULES) == before  # the ruleset file is read, never written
    return {"april": april, "may": may, "june": june}


def _escalated(verdict: dict) -> dict[str, list[str]]:
    return {e["id"]: e["units"] for e in verdict["parts"][0]["summary"]["escalations"]}


def _unit(verdict: dict, name: str) -> dict:
    return next(u for u in verdict["parts"][0]["units"] if u["name"] == name)


def test_each_month_records_its_own_period_under_one_ruleset(months: dict) -> None:
    assert [m["period"]["id"] for m in months.values()] == ["2022-04", "2022-05", "2022-06"]
    assert months["may"]["period"] == {
        "id": "2022-05", "start": "2022-05-01", "end": "2022-05-10", "number": "政务督查第7期", "date": "2022-05-13", "issuer": "铜鼓县人民政府办公室",
        "recipients": "各乡（镇）、县政府各部门、县直各单位", "header": {"organ": "政务督查", "red": True},
        "file": "period.yaml", "sha256": _sha(MAY / "period.yaml")}
    assert {m["ruleset"]["sha256"] for m in months.values()} == {_sha(RULES)}
    assert "period" not in months["may"]["ruleset"] and months["may"]["ruleset"]["version"] == "2022.05"


def test_june_cites_may_and_april_for_escalations(months: dict) -> None:
    june = months["june"]
    assert june["history"] == [{"period": "2022-04", "ruleset_version": "2022.05", "file": "<verdict>"},
                               {"period": "2022-05", "ruleset_version": "2022.05", "file": "<verdict>"}]
    escalated = _escalated(june)
    assert escalated["accountable_long_low"] == ["林业局", "人民医院"]
    assert "法院" in escalated["summon_repeat_low"] and "供电公司" not in escalated["summon_repeat_low"]
    assert len(escalated["summon_repeat_low"]) == 18  # May's 19 below 80%, less 供电公司 (88.48% in June)
    forestry = _unit(june, "林业局")["escalations"]
    assert [(e["id"], e["periods"]) for e in forestry] == [
        ("summon_repeat_low", ["2022-04", "2022-05", "2022-06"]), ("accountable_long_low", ["2022-04", "2022-05", "2022-06"])]
    assert forestry[1]["message"] == "林业局活跃率连续3个月低于80%（2022-04、2022-05、2022-06），追究有关负责人责任。"
    assert [e["periods"] for e in _unit(june, "法院")["escalations"]] == [["2022-05", "2022-06"]]


def test_june_audits_nothing_against_mays_published_figures(months: dict) -> None:
    may_figures = months["may"]["parts"][0]["summary"]["figures"]
    june_figures = months["june"]["parts"][0]["summary"]["figures"]
    assert {f["id"]: f["published"] for f in may_figures if "published" in f} == {
        "registered_total": "4919", "activated_total": "4879", "activation_rate": "99.19%",
        "active_total": "4251", "activity_rate": "86.21%"}
    assert [w["figure"] for w in months["may"]["warnings"] if w["code"] == "TB-P001"] == [
        "registered_total", "activated_total", "activation_rate", "active_total", "activity_rate"]
    assert all("published" not in f and "agrees" not in f for f in june_figures)
    assert [w for w in months["june"]["warnings"] if w["code"] == "TB-P001"] == []
    assert june_figures[0]["value"] == 5003  # May's 5001 + 2 registrations at 县委办


def test_history_without_a_period_is_refused(months: dict, tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_bytes((JUNE / "units.csv").read_bytes())  # no period.yaml beside it
    with pytest.raises(tongbao.TongbaoError) as err:
        tongbao.evaluate(tongbao.load_ruleset(RULES), tmp_path, history=[period_of(months["may"])])
    assert "没有写明本期是哪一期" in str(err.value) and "period.yaml" in str(err.value)


def test_a_verdict_that_recorded_no_period_cannot_be_cited(months: dict) -> None:
    unnamed = json.loads(json.dumps(months["may"]))
    del unnamed["period"]
    with pytest.raises(tongbao.TongbaoError) as err:
        period_of(unnamed, "五月.json")
    assert str(err.value).startswith("五月.json：这份判定结果没有记录考核期")


def test_command_line_period_must_match_the_period_file() -> None:
    with pytest.raises(PeriodError) as err:
        tongbao.evaluate(tongbao.load_ruleset(RULES), JUNE, period="2022-07")
    assert "命令行给的考核期“2022-07”与期别文件写的“2022-06”不一致" in str(err.value)


def test_period_alone_on_the_command_line_names_the_period(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_bytes((JUNE / "units.csv").read_bytes())
    verdict = tongbao.evaluate(tongbao.load_ruleset(RULES), tmp_path / "units.csv", period="2022-06").to_dict()
    assert verdict["period"] == {"id": "2022-06"}


def test_no_period_at_all_leaves_the_key_out(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_bytes((JUNE / "units.csv").read_bytes())
    assert "period" not in tongbao.evaluate(tongbao.load_ruleset(RULES), tmp_path).to_dict()


@pytest.mark.parametrize("text, where, words", [
    ("number: 第1期\n", "period.yaml:1:1: 缺少必填的键“period”", "本期的名称"),
    ('period: "2022-06"\npublished: {registered_totl: 1}\n', "period.yaml:2:13: published.registered_totl",
     "没有 id 为“registered_totl”的汇总数字"),
    ('period: "2022-06"\npublished: {registered_total: 四千}\n', "period.yaml:2:13: published.registered_total", "无法读出公布的数字"),
    ('period: "2022-06"\npublished: {registered_total: {towns: 1}}\n', "published.registered_total.towns", "没有组“towns”"),
    ('period: "2022-06"\ndate: 2022年6月\n', "period.yaml:2:1: date", "写成 2022-05-13"),
    ('period: "2022-06"\nperiod: "2022-07"\n', "period.yaml:2:1: period", "重复的键“period”"),
    ('period: "2022-06"\nnumbr: x\n', "period.yaml:2:1: numbr", "是否想写“number”"),
])
def test_a_bad_period_file_is_named_with_line_and_key(tmp_path: Path, text: str, where: str, words: str) -> None:
    (tmp_path / "units.csv").write_bytes((JUNE / "units.csv").read_bytes())
    (tmp_path / "period.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(PeriodError) as err:
        tongbao.evaluate(tongbao.load_ruleset(RULES), tmp_path)
    assert where in str(err.value) and words in str(err.value)


@pytest.mark.parametrize("edit, key", [("period: 2022-05\n", "period"), ("    published: 4919\n", "published")])
def test_a_ruleset_still_holding_period_facts_says_where_they_went(tmp_path: Path, edit: str, key: str) -> None:
    text = RULES.read_text(encoding="utf-8")
    text = text.replace("region: 江西省宜春市铜鼓县\n", "region: 江西省宜春市铜鼓县\n" + edit) if key == "period" else \
        text.replace("    expr: sum(registered)\n", "    expr: sum(registered)\n" + edit)
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(tmp_path / "r.yaml")
    assert f"未知的键“{key}”" in str(err.value) and "period.yaml" in str(err.value)


def test_cli_may_then_june_with_one_ruleset(tmp_path: Path) -> None:
    base = [sys.executable, "-m", "tongbao", "evaluate", "rulesets/tonggu-ganzhengtong.yaml"]
    saved = []
    for month, folder in (("04", APRIL), ("05", MAY)):
        out = tmp_path / f"2022-{month}.json"
        subprocess.run(base + [str(folder), "-f", "json", "-o", str(out), *sum((["--history", str(p)] for p in saved), [])],
                       cwd=ROOT, check=True, capture_output=True)
        saved.append(out)
    june = subprocess.run(base + [str(JUNE), "--history", str(saved[0]), "--history", str(saved[1])],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True).stdout
    assert "考核期 2022-06" in june and "林业局连续3期活跃率低于80%（2022-04、2022-05、2022-06）" in june
    refused = subprocess.run(base + [str(JUNE / "units.csv"), "--period-file", str(MAY / "period.yaml"),
                                     "--history", str(saved[1])], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert refused.returncode == 1 and "考核期“2022-05”与本期相同" in refused.stderr and "Traceback" not in refused.stderr
