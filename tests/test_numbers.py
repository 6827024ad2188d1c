"""Numbers a ruleset gives are finite, constant arithmetic is exact or refused (issue 11, "Silently wrong")."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tongbao.rules.expressions import ColumnEvaluator, ExpressionError, compile_expression

ROOT = Path(__file__).resolve().parent.parent
TONGGU = (ROOT / "rulesets" / "tonggu-ganzhengtong.yaml").read_text(encoding="utf-8")
DATA = ROOT / "examples" / "tonggu-ganzhengtong"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    assert old in TONGGU
    p = tmp_path / "r.yaml"
    p.write_text(TONGGU.replace(old, new, 1), encoding="utf-8")
    return p


@pytest.mark.parametrize("old, new, key", [
    ('below: "20%"', "below: .nan", "tiers.activity_band.bands[0].below"),
    ('below: "20%"', "below: -.inf", "tiers.activity_band.bands[0].below"),
    ("min: 0}", "min: .nan}", "units.fields.registered.min"),
    ('min: "0%", max: "100%"', 'min: "0%", max: .Inf', "units.fields.activation.max"),
    ("severity: 4}", "severity: .NaN}", "severity"),
    ("region: 江西省宜春市铜鼓县", "region: 江西省宜春市铜鼓县\nfacts:\n  x: {label: x, value: .nan}", "facts.x.value"),
])
def test_nan_and_infinity_in_a_ruleset_are_refused_with_the_key(tmp_path: Path, old: str, new: str, key: str, cli) -> None:
    cli.fail("validate", _variant(tmp_path, old, new), contains=(key, "不能是 NaN 或无穷大"))


@pytest.mark.parametrize("text", ["3037000500*3037000500 + a", "(10**10)**10 + a", "99999999999999999999 + a",
                                  "1e400 + a", "-(9007199254740993) + a", "2.0**10**10 + a"])
def test_constant_arithmetic_that_would_wrap_or_overflow_is_refused(text: str) -> None:
    with pytest.raises(ExpressionError, match="超|乘方"):
        compile_expression(text, ["a"])


@pytest.mark.parametrize("text, want", [("3037000*3037000 + a", 9223369000000.0 + 5), ("9007199254740991 + a - a", 2.0**53 - 1),
                                        ("(10**5)**3 + a", 1e15 + 5), ("7 // 2 + a", 8.0)])
def test_constant_arithmetic_within_range_is_exact(text: str, want: float) -> None:
    out = ColumnEvaluator({"a": np.array([5.0, 5.0])}, {}).run(compile_expression(text, ["a"]))
    assert np.asarray(out).tolist() == [want, want]


@pytest.mark.parametrize("text", ["round(a, 400)", "round(a, -11)", "round(a, a)", "round(a, 1.5)"])
def test_round_digits_are_bounded(text: str) -> None:
    with pytest.raises(ExpressionError, match="round 的第 2 个参数"):
        compile_expression(text, ["a"])


def test_text_times_a_number_is_refused_in_chinese() -> None:
    with pytest.raises(ExpressionError, match="不能参与算术运算"):
        compile_expression("'a'*10**9", ["a"])


def test_round_digits_in_a_ruleset_exit_1(tmp_path: Path, cli) -> None:
    r = _variant(tmp_path, "expr: round(registered * activity)", "expr: round(registered * activity, 400)")
    cli.fail("validate", r, contains=("metrics.active.expr", "round"))


def test_an_infinite_metric_is_exit_1_for_evaluate_and_explain_json(tmp_path: Path, cli) -> None:
    r = _variant(tmp_path, "expr: round(registered * activity)", "expr: registered * 1e200 * 1e200")
    cli.fail("evaluate", r, DATA, "-f", "json", contains=("metrics.active", "超出数值范围"))
    cli.fail("explain", r, DATA, "县委办", "-f", "json", contains=("metrics.active", "超出数值范围"))


def test_ranking_by_a_text_field_is_exit_1(tmp_path: Path, cli) -> None:
    r = _variant(tmp_path, "  by: activity", "  by: unit_name")
    r.write_text(r.read_text(encoding="utf-8").replace(
        "    work_groups:", "    unit_name: {column: 单位, type: text}\n    work_groups:", 1), encoding="utf-8")
    cli.fail("evaluate", r, DATA, contains=("ranking", "不是数字"))


@pytest.mark.parametrize("key, day", [("extra_workdays", "2022-02-30"), ("extra_holidays", "2022-13-01")])
def test_invalid_calendar_dates_are_exit_1(tmp_path: Path, key: str, day: str, cli) -> None:
    r = _variant(tmp_path, "region: 江西省宜春市铜鼓县", f"region: 江西省宜春市铜鼓县\ncalendar:\n  {key}: [\"{day}\"]")
    cli.fail("evaluate", r, DATA, contains=(f"calendar.{key}[0]", day, "不是有效的日期"))


def test_an_invalid_date_fact_is_exit_1(tmp_path: Path, cli) -> None:
    r = _variant(tmp_path, "region: 江西省宜春市铜鼓县", "region: 江西省宜春市铜鼓县\nfacts:\n  d: {label: 日, date: \"2022-02-30\"}")
    cli.fail("evaluate", r, DATA, contains=("facts.d.date", "不是有效的日期"))


@pytest.mark.parametrize("tag", ["!!python/name:os.system x", "!foo 1", "!foo [1]", "!!binary aGVsbG8="])
def test_yaml_tags_are_exit_1(tmp_path: Path, tag: str, cli) -> None:
    r = _variant(tmp_path, "title: 关于全县赣政通使用情况的督查通报", f"title: {tag}")
    cli.fail("validate", r, contains=("title", "不支持 YAML 标签"))
