"""Year-to-date sums across periods with an annual cap (year_cap, year_to_date), and rule tests that take
earlier periods from saved verdict files.

tests/fixtures/yeartodate/monthly.yaml: monthly = min(4, 采用条数); counted = monthly capped by the year
(cap 10 there, 40 in the circular's own wording below); year_total = year_to_date(counted);
late_times = year_to_date(逾期天数 > 0); timeliness = 0 from the year's second late month on.
Every expected number is counted by hand in the comments.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import tongbao
from tongbao.data.history import period_of, verdict_problem
from tongbao.errors import RulesetError, TongbaoError
from tongbao.tools.explain import explain_unit, find_units
from tongbao.tools.ruletest import run_tests

HERE = Path(__file__).parent / "fixtures" / "yeartodate"
ROOT = Path(__file__).resolve().parents[1]


def _rules(tmp_path: Path, cap: int = 10) -> tongbao.Ruleset:
    text = (HERE / "monthly.yaml").read_text(encoding="utf-8").replace("value: 10}", f"value: {cap}}}")
    (tmp_path / "monthly.yaml").write_text(text, encoding="utf-8")
    return tongbao.load_ruleset(tmp_path / "monthly.yaml")


def _rows(adopted: dict[str, int], late: dict[str, int] | None = None) -> dict[str, list[dict[str, str]]]:
    late = late or {}
    return {"units.csv": [{"单位": n, "采用条数": str(a), "逾期天数": str(late.get(n, 0))} for n, a in adopted.items()]}


def _months(rules: tongbao.Ruleset, months: list[tuple[str, dict[str, int]]],
            late: dict[str, dict[str, int]] | None = None) -> list[tongbao.Verdict]:
    """Each month evaluated in turn with the months before it as history, as an office does."""
    out: list[tongbao.Verdict] = []
    for period, adopted in months:
        history = [period_of(v.to_dict()) for v in out]
        out.append(tongbao.evaluate(rules, _rows(adopted, (late or {}).get(period)), period=period, history=history))
    return out


def _unit(verdict: tongbao.Verdict, name: str) -> dict[str, Any]:
    return next(u for u in verdict.to_dict()["parts"][0]["units"] if u["name"] == name)


def test_forty_points_a_year_four_a_month(tmp_path: Path) -> None:
    """每月最多4分，全年最多40分: 4 × 8 + 2 = 34 by September, October 4 (38), November only 2, December 0."""
    rules = _rules(tmp_path, cap=40)
    adopted = [9, 4, 5, 4, 4, 4, 4, 4, 2, 4, 6, 4]  # January's 9 counts 4 (the monthly cap)
    months = [(f"2022-{m:02d}", {"甲": a}) for m, a in enumerate(adopted, 1)]
    verdicts = _months(rules, months)
    counted = [_unit(v, "甲")["metrics"]["counted"] for v in verdicts]
    assert counted == [4, 4, 4, 4, 4, 4, 4, 4, 2, 4, 2, 0]
    assert [_unit(v, "甲")["metrics"]["year_total"] for v in verdicts][-3:] == [38, 40, 40]
    november = _unit(verdicts[10], "甲")["year_to_date"]["counted"]
    assert november == {"cap": 40, "earlier": [{"period": f"2022-{m:02d}", "value": c} for m, c in enumerate(counted[:10], 1)],
                        "earlier_total": 38, "computed": 4, "value": 2}
    result, i = find_units(verdicts[10], "甲")[0]
    line = next(x for x in explain_unit(result, i)["lines"] if x.startswith("指标 本月计入得分"))
    assert line.endswith("本年以往各期已计 38（2022-01 4、2022-02 4、2022-03 4、2022-04 4、2022-05 4、2022-06 4、"
                         "2022-07 4、2022-08 4、2022-09 2、2022-10 4），本期算得 4，按全年上限 40 只计 2")
    assert verdict_problem(json.loads(verdicts[10].to_json())) is None  # the verdict schema knows year_to_date


def test_december_does_not_count_in_january(tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    verdicts = _months(rules, [("2021-11", {"甲": 4}), ("2021-12", {"甲": 4}), ("2022-01", {"甲": 4})],
                       late={"2021-11": {"甲": 1}, "2021-12": {"甲": 1}, "2022-01": {"甲": 1}})
    dec, jan = _unit(verdicts[1], "甲"), _unit(verdicts[2], "甲")
    assert (dec["metrics"]["year_total"], dec["metrics"]["late_times"], dec["metrics"]["timeliness"]) == (8, 2, 0)
    assert (jan["metrics"]["counted"], jan["metrics"]["year_total"], jan["metrics"]["late_times"]) == (4, 4, 1)
    assert jan["metrics"]["timeliness"] == 10 and jan["year_to_date"]["counted"]["earlier"] == []


def test_new_unit_and_missing_values_count_nothing(tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    verdicts = _months(rules, [("2022-01", {"甲": 4}), ("2022-02", {"甲": 4, "乙": 3})])
    assert _unit(verdicts[1], "乙")["metrics"]["year_total"] == 3  # 乙 was not in January's verdict


def test_without_history_the_cap_is_the_whole_year(tmp_path: Path) -> None:
    verdict = tongbao.evaluate(_rules(tmp_path), _rows({"甲": 7}))  # no period, no history: nothing earlier
    assert _unit(verdict, "甲")["metrics"]["counted"] == 4
    assert _unit(verdict, "甲")["year_to_date"]["counted"]["earlier_total"] == 0


def test_rule_test_with_saved_verdicts_passes_and_can_fail(tmp_path: Path) -> None:
    report = run_tests([HERE / "monthly.test.yaml"])
    assert (report["passed"], report["failed"]) == (3, 0), report
    for name in ("monthly.yaml", "2021-12.json", "2022-01.json"):
        shutil.copy(HERE / name, tmp_path / name)
    text = (HERE / "monthly.test.yaml").read_text(encoding="utf-8")
    (tmp_path / "monthly.test.yaml").write_text(text.replace("counted: 2, year_total: 10", "counted: 3, year_total: 10"),
                                                encoding="utf-8")
    report = run_tests([tmp_path / "monthly.test.yaml"])
    assert (report["passed"], report["failed"]) == (2, 1)


# ---------------------------------------------------------------- wrong history: clear errors, exit 1, no output

def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tongbao", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("period, history, message", [
    ("2021-11", ["2021-12.json"], "考核期“2021-12”晚于本期“2021-11”"),
    ("2022-02", ["2021-12.json", "2021-12.json"], "同一期给了两次"),
    ("2022-02", ["2022-01.json", "2021-12.json"],
     "2021-12.json：考核期“2021-12”早于前面给出的 {dir}/2022-01.json（“2022-01”）。--history 要按时间先后给出（先早后晚）；请调换顺序。"),
])
def test_history_later_or_twice_is_refused(tmp_path: Path, period: str, history: list[str], message: str) -> None:
    (tmp_path / "units.csv").write_text("单位,采用条数,逾期天数\n甲,4,0\n", encoding="utf-8")
    out = tmp_path / "out.json"
    args = ["evaluate", str(HERE / "monthly.yaml"), str(tmp_path), "--period", period, "-f", "json", "-o", str(out)]
    for h in history:
        args += ["--history", str(HERE / h)]
    done = _cli(*args)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert message.format(dir=HERE) in done.stderr and not out.exists() and done.stdout == ""


def test_history_from_another_ruleset_is_refused(tmp_path: Path) -> None:
    other = json.loads((HERE / "2021-12.json").read_text(encoding="utf-8"))
    other["ruleset"]["id"] = "someone-else"
    (tmp_path / "other.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "units.csv").write_text("单位,采用条数,逾期天数\n甲,4,0\n", encoding="utf-8")
    out = tmp_path / "out.json"
    done = _cli("evaluate", str(HERE / "monthly.yaml"), str(tmp_path), "--period", "2022-01", "--history",
                str(tmp_path / "other.json"), "-f", "json", "-o", str(out))
    assert done.returncode == 1 and "这是规则集“someone-else”的结果" in done.stderr and not out.exists()


def test_earlier_verdict_without_the_metric_says_which_file_and_period(tmp_path: Path) -> None:
    old = json.loads((HERE / "2022-01.json").read_text(encoding="utf-8"))
    for unit in old["parts"][0]["units"]:
        del unit["metrics"]["counted"]
    (tmp_path / "old.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    history = [period_of(old, str(tmp_path / "old.json"))]
    with pytest.raises(TongbaoError, match="以往一期 2022-01 的判定结果里，单位“甲”没有“counted”这一项"):
        tongbao.evaluate(_rules(tmp_path), _rows({"甲": 4}), period="2022-02", history=history)


def test_a_period_without_a_year_cannot_sum_the_year(tmp_path: Path) -> None:
    rules = _rules(tmp_path)
    first = tongbao.evaluate(rules, _rows({"甲": 4}), period="一月")
    with pytest.raises(TongbaoError, match="不以四位年份开头"):
        tongbao.evaluate(rules, _rows({"甲": 4}), period="二月", history=[period_of(first.to_dict())])


# ---------------------------------------------------------------- wrong rulesets: errors at load, with the place

_BASE = (HERE / "monthly.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, key, message", [
    ("expr: year_to_date(counted)", "expr: year_to_date(counted + 1)", "metrics.year_total.expr", "这里是“counted + 1”"),
    ("expr: year_to_date(counted)", "expr: year_to_date(annual_cap)", "metrics.year_total.expr", "这里是“annual_cap”"),
    ("year_cap: annual_cap", "year_cap: annual_cap_typo", "metrics.counted.year_cap", "未知的数值事实“annual_cap_typo”"),
    ("year_cap: annual_cap", "year_cap: -5", "metrics.counted.year_cap", "-5"),
])
def test_bad_year_to_date_or_cap_names_file_line_and_key(tmp_path: Path, old: str, new: str, key: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(_BASE.replace(old, new), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        tongbao.load_ruleset(path)
    problem = info.value.problems[0]
    assert (problem.path, problem.file) == (key, str(path)) and problem.line is not None and message in problem.message


# A findings row and a records row: the same table, with what names its unit and where year_to_date is written.
ROW_TABLES = [
    ("findings", "unit: 单位", "metrics:\n      running: {label: 累计, expr: year_to_date(n)}\n    per_unit:\n"
     "      rows_total: {label: 合计, sum: n}", "findings.rows.metrics.running.expr", "明细表的行上不能用 year_to_date"),
    ("records", "key: 单位", "per_unit:\n      rows_total: {label: 合计, sum: year_to_date(n)}",
     "records.rows.per_unit.rows_total.sum", "不能用函数 year_to_date"),
]


@pytest.mark.parametrize("section, unit, rules, key, message", ROW_TABLES, ids=[t[0] for t in ROW_TABLES])
def test_year_to_date_is_refused_on_findings_and_records_rows(tmp_path: Path, section: str, unit: str, rules: str,
                                                               key: str, message: str) -> None:
    table = f"{section}:\n  rows:\n    label: 明细\n    file: rows.csv\n    {unit}\n    fields: {{n: {{column: 数, type: integer}}}}\n"
    (tmp_path / "bad.yaml").write_text(_BASE.replace("metrics:\n  monthly:", f"{table}    {rules}\nmetrics:\n  monthly:"),
                                       encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        tongbao.load_ruleset(tmp_path / "bad.yaml")
    by_key = {p.path: p.message for p in info.value.problems}
    assert message in by_key[key]


# ---------------------------------------------------------------- wrong history in a rule test: the test file's error

@pytest.mark.parametrize("history, message", [
    ("[{verdict: 2021-12.json, period: '2021-12'}]", "不能再写 period"),
    ("[{verdict: nowhere.json}]", "nowhere.json"),
    ("[{verdict: 2022-01.json}, {verdict: 2021-12.json}]", "应按时间先后排列"),
    ("[{verdict: other.json}]", "是规则集“someone-else”的结果"),
])
def test_rule_test_history_problems_point_at_the_test_file(tmp_path: Path, history: str, message: str) -> None:
    for name in ("monthly.yaml", "2021-12.json", "2022-01.json"):
        shutil.copy(HERE / name, tmp_path / name)
    other = json.loads((HERE / "2021-12.json").read_text(encoding="utf-8"))
    other["ruleset"]["id"] = "someone-else"
    (tmp_path / "other.json").write_text(json.dumps(other, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "x.test.yaml").write_text(f"""ruleset: monthly.yaml
cases:
  - name: 用例
    period: "2022-02"
    history: {history}
    units: [{{单位: 甲, 采用条数: 4, 逾期天数: 0}}]
    expect: {{甲: {{metrics: {{counted: 4}}}}}}
""", encoding="utf-8")
    done = _cli("test", str(tmp_path / "x.test.yaml"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert message in done.stderr and "x.test.yaml:5:" in done.stderr, done.stderr


def test_rule_test_verdict_from_a_later_period(tmp_path: Path) -> None:
    for name in ("monthly.yaml", "2022-01.json"):
        shutil.copy(HERE / name, tmp_path / name)
    (tmp_path / "x.test.yaml").write_text("""ruleset: monthly.yaml
cases:
  - name: 用例
    period: "2021-12"
    history: [{verdict: 2022-01.json}]
    units: [{单位: 甲, 采用条数: 4, 逾期天数: 0}]
    expect: {甲: {metrics: {counted: 4}}}
""", encoding="utf-8")
    done = _cli("test", str(tmp_path / "x.test.yaml"))
    assert done.returncode == 1 and "考核期“2022-01”晚于本期" in done.stderr, done.stderr


def test_the_editor_schema_says_the_same_about_history_items() -> None:
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "ruletest.schema.json").read_text(encoding="utf-8"))
    earlier = jsonschema.validators.validator_for(schema)({"$ref": "#/definitions/earlier", "definitions": schema["definitions"]})
    assert earlier.is_valid({"verdict": "2022-01.json"})
    assert earlier.is_valid({"period": "2022-02", "units": [{"单位": "甲"}]})
    assert not earlier.is_valid({"verdict": "2022-01.json", "period": "2022-01"})  # the reader refuses it too
    assert not earlier.is_valid({"units": [{"单位": "甲"}]})
