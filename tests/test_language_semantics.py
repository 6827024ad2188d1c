"""Regression tests for issue 9 §0: yes/no counted 1/0, one rounding rule, percent units, integer arithmetic."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import tongbao
from tongbao.errors import RulesetError
from tongbao.rules.expressions import BASE_FUNCTIONS, ColumnEvaluator, compile_expression
from tongbao.rules.formatting import Format, format_value
from tongbao.tools.explain import explain_unit

HEAD = """tongbao: 1
id: t
version: "1"
title: 测试
issuer: 测试单位
region: 测试地区
# 考核期随数据走（period.yaml），不写在规则集里。
units:
  file: units.csv
  key: 单位
  fields:
    a: {column: 甲, type: integer}
    reply_rate: {column: 回复率, type: percent}
"""
CSV = "单位,甲,回复率\n一局,5,100.00%\n二局,1,99.50%\n三局,2,80%\n"


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "units.csv").write_text(CSV, encoding="utf-8")
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _eval(text: str, **cols: list) -> list:
    names = {k: np.array(v) for k, v in cols.items()}
    with np.errstate(all="ignore"):
        out = ColumnEvaluator(names, {k: f.impl for k, f in BASE_FUNCTIONS.items()}).run(compile_expression(text, set(names)))
    return np.broadcast_to(np.asarray(out, dtype=float), (len(next(iter(cols.values()))),)).tolist()


# ---------------------------------------------------------------- yes/no in arithmetic

def test_conditions_add_up_as_one_and_zero_and_explain_says_so(tmp_path: Path) -> None:
    rules = tongbao.load_ruleset(_write(tmp_path, """metrics:
  misses: {label: 未达标项数, expr: (a > 1) + (a > 2), format: integer}
  misses_plus: {label: 加零, expr: (a > 1) + (a > 2) + 0, format: integer}
"""))
    verdict = tongbao.evaluate(rules, tmp_path)
    part = verdict.parts[0]
    assert part.metrics["misses"].tolist() == [2.0, 0.0, 1.0]  # a = 5, 1, 2
    assert part.metrics["misses_plus"].tolist() == [2.0, 0.0, 1.0]
    trace = explain_unit(part, 0)
    assert "指标 未达标项数 = (a > 1) + (a > 2) = 2（甲 5）；各项：1（是） + 1（是） = 2" in trace["lines"]
    assert [t["value"] for t in trace["metrics"][0]["terms"]] == [1, 1]


def test_explain_says_yes_for_a_blank_able_yes_no_term(tmp_path: Path) -> None:
    """``not x`` over a yes/no that may be blank is computed as 1 - x (1, 0 or no value), yet it is still a yes/no:
    explain shows "1（是）" for it, as for a comparison, and writes the term as the ruleset did."""
    (tmp_path / "units.csv").write_text("单位,方案,整改\n一局,否,\n二局,否,否\n", encoding="utf-8")
    path = tmp_path / "r.yaml"
    path.write_text(HEAD.replace("""    a: {column: 甲, type: integer}
    reply_rate: {column: 回复率, type: percent}
""", """    plan: {column: 方案, type: yesno, blank: missing}
    fixed: {column: 整改, type: yesno, blank: missing}
""") + """metrics:
  open: {label: 未落实项数, expr: (not plan) + (not fixed), format: integer}
""", encoding="utf-8")
    part = tongbao.evaluate(tongbao.load_ruleset(path), tmp_path).parts[0]
    second = explain_unit(part, 1)
    assert "指标 未落实项数 = (not plan) + (not fixed) = 2（整改 否，方案 否）；各项：1（是） + 1（是） = 2" in second["lines"]
    assert [t["expr"] for t in second["metrics"][0]["terms"]] == ["not plan", "not fixed"]
    first = explain_unit(part, 0)  # 整改 blank: no value, and so none for the sum
    assert "指标 未落实项数 = (not plan) + (not fixed) = —（整改 —，方案 否）" in first["lines"]


def test_yes_no_counts_in_every_arithmetic_place() -> None:
    flags = dict(b=[True, False, True])
    assert _eval("b + b", **flags) == [2.0, 0.0, 2.0]
    assert _eval("-b", **flags) == [-1.0, 0.0, -1.0]
    assert _eval("b * 5 - b", **flags) == [4.0, 0.0, 4.0]
    assert _eval("max(b, b) + min(b, 0.5)", **flags) == [1.5, 0.0, 1.5]
    assert _eval("abs(b) + round(b)", **flags) == [2.0, 0.0, 2.0]


# ---------------------------------------------------------------- one rounding rule

@pytest.mark.parametrize("value, digits, shown", [
    (2.4999999995, 0, "2"), (2.5, 0, "3"), (-2.5, 0, "-3"), (0.285, 2, "0.29"), (0.285 * 100, 0, "29"),
    (1.005, 2, "1.01"), (0.125, 2, "0.13"), (1234567.5, 0, "1234568"),
])
def test_round_in_expressions_is_the_rounding_of_display(value: float, digits: int, shown: str) -> None:
    assert _eval(f"round(x, {digits})", x=[value]) == [float(shown)]
    assert format_value(value, Format("number", digits)) == shown


# ---------------------------------------------------------------- integer arithmetic

@pytest.mark.parametrize("text, want", [
    ("7 // 2", 3), ("-7 // 2", -4), ("7 // -2", -4), ("x // 0", None), ("mod(-7, 3)", 2), ("mod(7, -3)", -2),
    ("mod(x, 0)", None), ("floor(2.5)", 2), ("floor(-2.5)", -3), ("ceil(2.1)", 3), ("ceil(-2.1)", -2),
    # 每超过目标 20% 加 1 分: (140% - 100%) / 20% is 1.9999999999999996 in float, and 2 here
    ("floor((140% - 100%) / 20%)", 2), ("(140% - 100%) // 20%", 2), ("ceil((120% - 100%) / 10%)", 2),
])
def test_integer_arithmetic(text: str, want: float | None) -> None:
    got = _eval(text, x=[7.0])[0]
    assert (np.isnan(got) and want is None) or got == want


# ---------------------------------------------------------------- percent units

@pytest.mark.parametrize("body, at", [
    ("flags:\n  slow: {label: 回复不全, when: reply_rate < 100}\n", "flags.slow.when"),
    ("metrics:\n  m: {label: 加, expr: reply_rate + 5}\n", "metrics.m.expr"),
    ("metrics:\n  r: {label: 率, expr: reply_rate, format: percent:1}\nflags:\n  f: {label: 低, when: r <= 95}\n", "flags.f.when"),
    ("summary:\n  - {id: n, label: 不足数, expr: count(reply_rate < 90)}\n", "summary[0].expr"),
    ("vetoes:\n  v: {label: 否决, when: 1 > reply_rate}\n", "vetoes.v.when"),
    ("flags:\n  f: {label: 在列, when: \"reply_rate in (1, 2)\"}\n", "flags.f.when"),
    ("flags:\n  f: {label: 低, when: \"max(reply_rate, 50%) < 90\"}\n", "flags.f.when"),
    ("tiers:\n  t:\n    label: 分档\n    metric: reply_rate\n    bands:\n      - {id: low, label: 低, below: 90, severity: 1}\n"
     "      - {id: ok, label: 其余, otherwise: true, severity: 0}\n", "tiers.t.bands[0].below"),
])
def test_a_percent_against_a_bare_number_is_a_ruleset_error(tmp_path: Path, body: str, at: str) -> None:
    with pytest.raises(RulesetError) as caught:
        tongbao.load_ruleset(_write(tmp_path, body))
    problem = caught.value.problems[0]
    assert problem.path == at
    assert "是百分数（按 0–1 存放，100% 即 1）" in problem.message and "请写成" in problem.message and "%" in problem.message


def test_the_fix_names_the_number_with_a_percent_sign(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as caught:
        tongbao.load_ruleset(_write(tmp_path, "flags:\n  slow: {label: 回复不全, when: reply_rate < 100}\n"))
    assert caught.value.problems[0].message == ("“reply_rate”是百分数（按 0–1 存放，100% 即 1），却与不带 % 的数字 100 比较："
                                                "按原样它表示 10000%。请写成 100%。")


@pytest.mark.parametrize("when", ["reply_rate < 100%", "reply_rate < 0.5", "reply_rate * 100 < 95", "reply_rate == 0",
                                  "a < 100", "reply_rate < 100% and a > 3", "\"round(reply_rate, 2) < 90%\""])
def test_percents_written_as_percents_are_fine(tmp_path: Path, when: str) -> None:
    rules = tongbao.load_ruleset(_write(tmp_path, f"flags:\n  f: {{label: 标记, when: {when}}}\n"))
    assert rules.parts[0].flags[0].when.text == when.strip('"')


def test_reply_rate_below_100_percent_flags_only_the_units_below(tmp_path: Path) -> None:
    rules = tongbao.load_ruleset(_write(tmp_path, "flags:\n  slow: {label: 回复不全, when: reply_rate < 100%}\n"))
    assert tongbao.evaluate(rules, tmp_path).parts[0].flags["slow"].tolist() == [False, True, True]


def test_a_column_in_an_in_list_is_compared_unit_by_unit() -> None:
    """`n in (target, 0)` used to stop evaluate (one isin over a list holding a whole column)."""
    n, target = [3.0, 0.0, 5.0, 7.0], [3.0, 9.0, 4.0, 7.0]
    # unit 1: 3 == target 3; unit 2: 0 == the constant 0; unit 3: 5 is neither 4 nor 0; unit 4: 7 == 7
    assert _eval("n in (target, 0)", n=n, target=target) == [True, True, False, True]
    assert _eval("n not in (target, 0)", n=n, target=target) == [False, False, True, False]


ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raised, shown", [
    (ValueError("日期函数的参数不是日期：请给日期字段。"), "无法计算：日期函数的参数不是日期：请给日期字段。"),  # already Chinese: kept
    (ValueError("operands could not be broadcast together"), "无法计算：其中可能把文字或日期和数字混在一起"),  # English: not shown
])
def test_an_error_at_evaluate_keeps_a_chinese_reason_and_hides_english(monkeypatch: pytest.MonkeyPatch, raised: Exception, shown: str) -> None:
    ruleset = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")

    def fail(self: object, expr: object) -> None:
        raise raised

    monkeypatch.setattr(ColumnEvaluator, "run", fail)
    with pytest.raises(RulesetError) as caught:
        tongbao.evaluate(ruleset, ROOT / "examples" / "tonggu-ganzhengtong")
    assert shown in str(caught.value) and "broadcast" not in str(caught.value)
