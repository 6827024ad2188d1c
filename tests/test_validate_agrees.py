"""`validate` and `evaluate` agree: what depends on the ruleset alone is said by `validate`, at the same place.

Placeholders read by a rule (the national baseline), a flag whose condition is a bare number, a tier or
ranking on a text value: each used to pass `validate` and fail at `evaluate`. Also: lint TB-L006 leaves a
metric with `check:` alone, and a roster label that already says how many is not suffixed again.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tongbao
from tongbao.report.screen import roster_title
from test_value_kinds import _write

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "messages"
NATIONAL = ROOT / "rulesets" / "national-2019-websites.yaml"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tongbao", *args], capture_output=True, text=True, cwd=ROOT)


def test_validate_reports_placeholders_like_evaluate(tmp_path: Path) -> None:
    before = hashlib.sha256(NATIONAL.read_bytes()).hexdigest()
    validated = _cli("validate", str(NATIONAL))
    out = tmp_path / "v.json"
    evaluated = _cli("evaluate", str(NATIONAL), str(ROOT / "examples/demo-county-websites-2024"), "-o", str(out))
    for done in (validated, evaluated):
        assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
        assert "national-2019-websites.yaml:32:3: facts.publish_points: “发布解读指标分值”是占位值" in done.stderr
    problems = lambda text: [line for line in text.splitlines() if "占位值" in line]  # noqa: E731
    assert problems(validated.stderr) == problems(evaluated.stderr) and len(problems(validated.stderr)) == 3
    assert not out.exists() and hashlib.sha256(NATIONAL.read_bytes()).hexdigest() == before


def test_a_region_that_gives_the_values_validates() -> None:
    done = _cli("validate", str(ROOT / "rulesets/demo-county-websites-2024.yaml"))
    assert done.returncode == 0 and "没有问题" in done.stdout
    tongbao.load_ruleset(NATIONAL)  # the base still loads: extends, lint and show need it


SHAPES = [
    ("flag-bare-number", ("when: rate < target", "when: score"), "flags.below_target",
     "条件 'score' 的结果不是“是/否”。请写成比较"),
    ("tier-on-text-metric", ("metric: score", "metric: word"), "tiers.score_band", "分档依据的“word”不是数字，无法分档"),
    ("ranking-on-text", ("report:\n", "ranking: {by: word}\nreport:\n"), "ranking", "排名依据 'word' 不是数字（是文字或日期）"),
    ("summary-per-unit", ("report:\n", "summary:\n  - {id: s, label: 和, expr: score + 1}\nreport:\n"), "summary[0]",
     "汇总 'score + 1' 的结果是每个单位一个值，而不是一个数"),
]
WORD = ("  shortfall: {label: 距及格线, expr: pass_line - score, format: number:2}\n",
        "  shortfall: {label: 距及格线, expr: pass_line - score, format: number:2}\n"
        "  word: {label: 评语, expr: '\"好\" if score > 60 else \"差\"', format: text}\n")


@pytest.mark.parametrize("name, edit, key, words", SHAPES, ids=[s[0] for s in SHAPES])
def test_shape_mistakes_are_said_by_validate(tmp_path: Path, name: str, edit: tuple[str, str], key: str, words: str) -> None:
    text = (FIXTURE / "messages.yaml").read_text(encoding="utf-8").replace(*WORD)
    assert text.count(edit[0]) == 1
    path = tmp_path / "r.yaml"
    path.write_text(text.replace(*edit), encoding="utf-8")
    for csv in ("units.csv", "issues.csv"):
        (tmp_path / csv).write_bytes((FIXTURE / csv).read_bytes())
    before = path.read_bytes()
    out = tmp_path / "v.json"
    for args in (("validate", str(path)), ("evaluate", str(path), str(tmp_path), "-o", str(out))):
        done = _cli(*args)
        assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
        assert f"r.yaml:" in done.stderr and f": {key}: " in done.stderr and words in done.stderr, done.stderr
    assert not out.exists() and path.read_bytes() == before


def test_summaries_that_total_still_load(tmp_path: Path) -> None:
    text = (FIXTURE / "messages.yaml").read_text(encoding="utf-8").replace(
        "report:\n", "summary:\n  - {id: s, label: 和, expr: sum(score) / count() + max(shortfall) + min(score, pass_line) * 0 + full_marks}\n"
                      "  - {id: t, label: 比, expr: s / 2}\nreport:\n")
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(tongbao.RulesetError) as err:  # min of two per-unit values is per unit
        tongbao.load_ruleset(tmp_path / "r.yaml")
    assert "summary[0]" in str(err.value)
    (tmp_path / "r.yaml").write_text(text.replace("min(score, pass_line) * 0", "min(score)"), encoding="utf-8")
    assert [f.id for f in tongbao.load_ruleset(tmp_path / "r.yaml").parts[0].summary] == ["s", "t"]


def test_lint_does_not_call_an_audited_metric_unused(tmp_path: Path) -> None:
    """TB-L006: a metric with check: is read by the audit of its published column."""
    (tmp_path / "units.csv").write_text("单位,不合格,公布两倍\n甲局,1,2\n乙局,3,6\n", encoding="utf-8")
    body = ("tongbao: 1\nid: lint-check\nversion: \"1\"\ntitle: 核对\nissuer: 测试单位\nregion: 测试地区\n"
            "units:\n  file: units.csv\n  key: 单位\n  fields:\n    failed: {column: 不合格, type: integer, min: 0}\n"
            "    printed: {column: 公布两倍, type: integer}\n"
            "metrics:\n  doubled: {label: 两倍, expr: failed * 2, format: integer, check: printed}\n")
    (tmp_path / "r.yaml").write_text(body, encoding="utf-8")
    done = _cli("lint", str(tmp_path / "r.yaml"))
    assert "TB-L006" not in done.stdout and done.returncode == 0, done.stdout
    (tmp_path / "r.yaml").write_text(body.replace(", check: printed", ""), encoding="utf-8")
    done = _cli("lint", str(tmp_path / "r.yaml"))
    assert "TB-L006" in done.stdout and "指标“doubled”（两倍）算出后没有被" in done.stdout  # the test can fail


@pytest.mark.parametrize("label, end, count, shown", [
    ("报送政务信息较好的单位", "前", 5, "报送政务信息较好的单位（前 5 名）"),
    ("排名前5名的单位", "前", 5, "排名前5名的单位"),
    ("排名后 3 位的单位", "后", 3, "排名后 3 位的单位"),
    ("前5名以外的单位", "前", 3, "前5名以外的单位（前 3 名）"),
])
def test_roster_title_says_the_count_once(label: str, end: str, count: int, shown: str) -> None:
    assert roster_title(label, end, count) == shown


# What a rule reads (rules/readiness.unit_reads) is one list for the placeholder check and lint's TB-L004–006:
# a later sort key, an escalation's ``sets`` and a metric's ``year_cap`` are reads too.
READS = """tongbao: 1
id: reads
version: "1"
title: 读取
issuer: 测试单位
region: 测试地区
facts:
  cap: {label: 全年上限, placeholder: true, source: 待核实}
units:
  file: units.csv
  key: 单位
  fields:
    score: {column: 得分, type: number}
    late: {column: 逾期, type: integer}
    bonus: {column: 加分, type: number}
metrics:
  s: {label: 分, expr: score, year_cap: cap}
flags:
  low: {label: 低, when: s < 1}
ranking:
  by: [s, {expr: late, order: ascending}]
escalations:
  - {id: again, action: 约谈, when: {flags: [low]}, periods: 2, message: "{unit}连续两期偏低。", sets: {s: s + bonus}}
summary:
  - {id: total, label: 合计, expr: sum(s)}
"""


def test_a_placeholder_read_only_as_a_year_cap_is_refused_like_any_other(tmp_path: Path) -> None:
    (tmp_path / "reads.yaml").write_text(READS, encoding="utf-8")
    (tmp_path / "units.csv").write_text("单位,得分,逾期,加分\n甲镇,1,2,0\n乙镇,1,3,0\n", encoding="utf-8")
    rules = tongbao.load_ruleset(tmp_path / "reads.yaml")
    with pytest.raises(tongbao.RulesetError) as info:
        tongbao.evaluate(rules, tmp_path / "units.csv")
    [problem] = info.value.problems
    assert (problem.path, problem.line, problem.column) == ("facts.cap", 8, 3)
    assert problem.message.startswith("“全年上限”是占位值（待核实），没有数值，而规则要用它。")


def test_lint_counts_later_sort_keys_and_escalation_values_as_reads(tmp_path: Path) -> None:
    from tongbao.tools.lint import lint

    (tmp_path / "reads.yaml").write_text(READS.replace("placeholder: true, source: 待核实", "value: 10"), encoding="utf-8")
    assert [(f.code, f.message[:12]) for f in lint(tongbao.load_ruleset(tmp_path / "reads.yaml"))] == []
    (tmp_path / "reads.yaml").write_text(READS.replace("placeholder: true, source: 待核实", "value: 10")
                                         .replace(", sets: {s: s + bonus}", ""), encoding="utf-8")
    assert [(f.code, f.path) for f in lint(tongbao.load_ruleset(tmp_path / "reads.yaml"))] == [("TB-L005", "units.fields.bonus")]


def _message_reading(tmp_path: Path, slot: str) -> Path:
    """The messages fixture with a placeholder fact that only a message prints."""
    for name in ("units.csv", "issues.csv"):
        (tmp_path / name).write_bytes((FIXTURE / name).read_bytes())
    text = (FIXTURE / "messages.yaml").read_text(encoding="utf-8")
    text = text.replace("  target: {label: 目标上报率, value: 0.9, format: percent:0}\n",
                        "  target: {label: 目标上报率, value: 0.9, format: percent:0}\n  bonus: {label: 奖励分值, placeholder: true, source: 待核实}\n")
    text = text.replace("目标上报率{target}。", f"目标上报率{{target}}{slot}。")
    (tmp_path / "messages.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "messages.yaml"


def test_a_placeholder_printed_only_by_a_message_is_said_by_validate_and_evaluate(tmp_path: Path) -> None:
    rules = _message_reading(tmp_path, "，奖励{bonus}分")
    out = tmp_path / "v.json"
    validated, evaluated = _cli("validate", str(rules)), _cli("evaluate", str(rules), str(tmp_path), "-o", str(out))
    expected = (f"{rules}:14:3: facts.bonus: “奖励分值”是占位值（待核实），没有数值，而通报文字要写出它（会印成“—”）。"
                "请在地区规则集中写 facts: {bonus: {value: …}} 后再评定；或把 {bonus} 放进可省略的 [……] 里，没有数值时不写这句。")
    for done in (validated, evaluated):
        assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr, done.stderr
        assert expected in done.stderr, done.stderr
    assert not out.exists()


def test_a_placeholder_inside_an_optional_clause_is_left_out_not_refused(tmp_path: Path) -> None:
    rules = _message_reading(tmp_path, "[，奖励{bonus}分]")
    assert _cli("validate", str(rules)).returncode == 0
    verdict = tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path)
    assert verdict.parts[0].message(next(n for n in verdict.parts[0].part.notifications if n.id == "fail"), 1).endswith("目标上报率90%。")


# ---------------------------------------------------------------- text, enumerations and dates beside numbers

LEAVES = ["note", "level", "day", "n", "ok", "target", "due", '"好"', '"3"', "3", "2.5", "True"]
UNARY = ["-{}", "not {}", "abs({})", "round({})", "max({})", "year({})", "missing({})", "fill({}, 0)",
         'contains({}, "好")', '{} == "好"', '{} in ("好", 1)', "{} in (due, target)"]
BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} / {}", "{} // {}", "{} < {}", "{} >= {}", "{} == {}", "{} != {}",
          "{} and {}", "{} or {}", "min({}, {})", "days({}, {})", "fill({}, {})"]


@st.composite
def mixed(draw: Any, depth: int = 0) -> str:
    """An expression over text, enumeration, date, number and yes/no names, put together with no regard for kinds."""
    shape = draw(st.integers(0, 3)) if depth < 3 else 0
    if shape == 0:
        return draw(st.sampled_from(LEAVES))
    if shape == 1:
        return "(" + draw(st.sampled_from(UNARY)).format(draw(mixed(depth + 1))) + ")"
    if shape == 2:
        return "(" + draw(st.sampled_from(BINARY)).format(draw(mixed(depth + 1)), draw(mixed(depth + 1))) + ")"
    body, test, orelse = draw(mixed(depth + 1)), draw(mixed(depth + 1)), draw(mixed(depth + 1))
    return f"({body} if {test} else {orelse})"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(expr=mixed(), fmt=st.sampled_from(["", ", format: text"]))
def test_an_expression_mixing_kinds_is_refused_at_load_or_computes(tmp_path: Path, expr: str, fmt: str) -> None:
    """Never refused only at evaluate: what loads, computes over text, blanks and dates without an error."""
    path = _write(tmp_path, expr.replace("'", '"'), fmt)
    try:
        ruleset = tongbao.load_ruleset(path)
    except tongbao.RulesetError as err:
        assert all(":20:" in str(p) for p in err.problems), str(err)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 / 0 and friends: no value, as documented
        tongbao.evaluate(ruleset, tmp_path)
