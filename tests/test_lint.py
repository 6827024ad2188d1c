"""``tongbao.lint``: one small fixture ruleset per problem, the shipped rulesets, and the terminal lines.

Each case names the line a finding must point at by a piece of text on that line
(so the fixture reads as its own expectation), and a piece of the message.
"""
from __future__ import annotations

import io
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import tongbao
from tongbao.tools import lint as lint_module
from tongbao.evaluate import assign_bands
from tongbao.tools.lint import CODES, Finding, lint, render_lint
from tongbao.rules.model import Band, Tier

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "lint"

# fixture → [(code, text on the line it points at, part of the message)]
CASES: dict[str, list[tuple[str, str, str]]] = {
    "gap": [("TB-L001", "    bands:", "“rate”取值 ≥ 50% 且 ≤ 100% 的单位不落入任何一档")],
    "no-otherwise": [("TB-L001", "    bands:", "“share”取值 < 25% 的单位不落入任何一档")],
    "shadowed": [("TB-L002", "{id: very_low", "（按 fail_below = 60）：前面的档“fail”已包含它能取到的全部值")],
    "integer-shadowed": [("TB-L002", "{id: under_one", "前面的档“none”已包含它能取到的全部值")],
    "unreachable": [("TB-L003", "{id: negative", "“rate”只能取 ≥ 0% 且 ≤ 100%（字段的 min/max）")],
    "unused-fact": [("TB-L004", "  spare:", "事实“spare”（备用数字）没有被任何表达式")],
    "unused-field": [("TB-L005", "    note:", "字段“note”（列“备注”）没有被任何表达式")],
    "unused-metric": [("TB-L006", "  doubled:", "指标“doubled”（两倍）算出后没有被")],
    "dead-notification": [("TB-L007", "  - id: name_never", "所列标记的条件恒为假（never: 1 > 2）")],
    "dead-notification-band": [
        ("TB-L003", "{id: over", "档“over”（> 100%）永远不会生效"),
        ("TB-L007", "  - id: name_over", "所列的档 rate_band.over 都永远不会生效"),
    ],
    "not-notified": [("TB-L008", "{id: low", "这一档的单位不会被通报")],
    "group-fact": [("TB-L009", "  points:", "departments 为 6，其余为 8），但没有写 source 或 description")],
    "percent-threshold": [("TB-L010", "{id: low", "界限却取自事实“goal”，其值为 90：按原样它表示 9000%")],
    "band-text": [
        ("TB-L012", "{id: below_90", "档“below_90”的 label“比率低于90%的单位”与它的界限 85% 不符"),
        ("TB-L012", "{id: ok", "档“ok”的 short“≥ 90%”与它的起点（上一档的界限） 85% 不符"),
    ],
    "percent-bound": [("TB-L011", "    rate:", "max 却写作 100：按原样它表示 10000%")],
    # A guarded read (names ``group``) and an ``absent: zero`` field are not reported.
    "group-field": [
        ("TB-L013", "  rate:", "指标“rate”读了字段 adopted，而镇街的数据文件没有这一列（groups: [departments]）：镇街的单位这一项不适用，这个指标算不出来"),
        ("TB-L013", "  no_plan:", "标记“no_plan”读了字段 planned，而镇街的数据文件没有这一列（groups: [departments]）：镇街的单位这一项不适用，这个条件不成立。"),
    ],
    # A fact's line that differs by group: 50 is shadowed by 60 for departments, not by 40 for towns.
    "group-lines": [],
}


def _line_of(path: Path, text: str) -> int:
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]
    assert len(hits) == 1, f"{text!r} should be on exactly one line of {path.name}: {hits}"
    return hits[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_findings(name: str) -> None:
    path = FIXTURES / f"{name}.yaml"
    found = lint(tongbao.load_ruleset(path))
    assert [f.code for f in found] == [code for code, _, _ in CASES[name]]
    for finding, (code, anchor, message) in zip(found, CASES[name]):
        assert finding.line == _line_of(path, anchor), finding
        assert message in finding.message
        assert finding.name == CODES[code][0]
        assert finding.file == tongbao.load_ruleset(path).file and finding.column is not None


def test_every_code_has_a_fixture_and_a_row_in_the_docstring() -> None:
    covered = {code for cases in CASES.values() for code, _, _ in cases}
    assert covered == set(CODES)
    for code, (name, _) in CODES.items():
        assert f"{code}   {name}" in (lint_module.__doc__ or ""), code


def test_the_fixes_say_what_to_write() -> None:
    threshold = lint(tongbao.load_ruleset(FIXTURES / "percent-threshold.yaml"))[0]
    assert threshold.fix == '若指 90%，把事实“goal”的 value 改为 0.9。'
    assert threshold.path == "tiers.share_band.bands[0].below"
    bound = lint(tongbao.load_ruleset(FIXTURES / "percent-bound.yaml"))[0]
    assert bound.fix == '请写 max: "100%" 或 1。' and bound.path == "units.fields.rate.max"
    gap = lint(tongbao.load_ruleset(FIXTURES / "gap.yaml"))[0]
    assert "otherwise: true" in gap.fix
    rate, no_plan = lint(tongbao.load_ruleset(FIXTURES / "group-field.yaml"))
    assert rate.fix == ('若这是本意，写成 `… if group == "departments" else na()` 表明；其他组另有算法的，把 na() 换成那个算法；'
                        '其他组应按 0 计的，给字段 adopted 写 absent: zero。') and rate.path == "metrics.rate.expr"
    assert no_plan.fix.startswith('若这是本意，写成 `group == "departments" and (…)` 表明；') and no_plan.path == "flags.no_plan.when"


def test_a_gap_is_what_the_engine_leaves_unbanded() -> None:
    """The lint's reading of first-match bands agrees with evaluation: 80% lands in no band."""
    rules = tongbao.load_ruleset(FIXTURES / "gap.yaml")
    tier = tongbao.evaluate(rules, FIXTURES / "units.csv").to_dict()["parts"][0]["summary"]["tiers"][0]
    assert tier["unbanded"] == {"count": 1, "units": ["丙局"]}


def test_to_dict_is_plain_json_with_the_level() -> None:
    found = lint(tongbao.load_ruleset(FIXTURES / "not-notified.yaml"))[0].to_dict()
    assert json.loads(json.dumps(found, ensure_ascii=False)) == found
    assert set(found) == {"code", "name", "level", "file", "line", "column", "path", "message", "fix"}
    assert found["level"] == "info" and found["path"] == "tiers.rate_band.bands[0]"


def test_when_the_file_changed_since_loading_the_tier_line_is_given(tmp_path: Path) -> None:
    """Exact lines come from re-reading the files; if they changed, the nearest compiled place is honest."""
    copy = tmp_path / "unreachable.yaml"
    shutil.copy(FIXTURES / "unreachable.yaml", copy)
    rules = tongbao.load_ruleset(copy)
    copy.write_text("# 改过了\n" + copy.read_text(encoding="utf-8"), encoding="utf-8")
    found = lint(rules)
    tier = rules.parts[0].tiers[0]
    assert [(f.code, f.line, f.path) for f in found] == [("TB-L003", tier.where.line, "tiers.rate_band.bands[0]")]


def test_facts_inherited_from_a_base_are_not_reported_unused() -> None:
    """ganzhou-jiance drops the baseline's scoring, so ten of its facts go unread: the base's library, not an error."""
    rules = tongbao.load_ruleset(ROOT / "rulesets/ganzhou-jiance-2023-08.yaml")
    assert "TB-L004" not in {f.code for f in lint(rules)}


# ---------------------------------------------------------------- shipped rulesets

SHIPPED = sorted(p.stem for p in (ROOT / "rulesets").glob("*.yaml") if not p.name.endswith(".test.yaml"))  # those are rule tests


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_rulesets_are_clean(name: str) -> None:
    assert [(f.code, f.path, f.message) for f in lint(tongbao.load_ruleset(ROOT / "rulesets" / f"{name}.yaml"))] == []


# ---------------------------------------------------------------- terminal

def _render(findings: list[Finding], file: str) -> str:
    out = io.StringIO()
    render_lint([f.to_dict() for f in findings], Console(file=out, width=80), file)
    return out.getvalue()


def test_render_lint_one_line_per_finding_then_a_summary() -> None:
    rules = tongbao.load_ruleset(FIXTURES / "dead-notification-band.yaml")
    found = lint(rules)
    text = _render(found, rules.file)
    lines = text.splitlines()
    assert len(lines) == len(found) + 1
    for finding, line in zip(found, lines):
        assert line.startswith(f"{finding.file}:{finding.line}:{finding.column}: {finding.code} {finding.name} ")
        assert line.endswith(f" — {finding.fix}")
    assert lines[-1] == f"{rules.file}：发现 2 处问题。"


def test_render_lint_counts_hints_apart_and_says_when_clean() -> None:
    rules = tongbao.load_ruleset(FIXTURES / "not-notified.yaml")
    lines = _render(lint(rules), rules.file).splitlines()
    assert "when: {bands: {rate_band: [low]}}" in lines[0]  # printed as text: Rich would eat [low] as markup
    assert lines[-1] == f"{rules.file}：发现 1 条提示。"
    assert _render([], "rulesets/tonggu-ganzhengtong.yaml") == "rulesets/tonggu-ganzhengtong.yaml：没有发现问题。\n"


# ---------------------------------------------------------------- the interval reasoning, against the engine

GRID = [x / 10 for x in range(-10, 21)]  # lines and bounds on a 0.1 grid, so ±0.01 probes every edge
_ops = st.sampled_from(["below", "at_most", "at_least", "above"])
_bands = st.lists(st.tuples(_ops, st.sampled_from(GRID)), min_size=1, max_size=5)
_bounds = st.tuples(st.none() | st.sampled_from(GRID), st.none() | st.sampled_from(GRID))


def _probes(tier: Tier, lo: float | None, hi: float | None) -> np.ndarray:
    edges = {b.threshold for b in tier.bands if b.threshold is not None} | {x for x in (lo, hi) if x is not None} | {0.0}
    points = np.array(sorted({e + d for e in edges for d in (-0.01, 0.0, 0.01)} | {-1e9, 1e9}))
    inside = (points >= (-np.inf if lo is None else lo)) & (points <= (np.inf if hi is None else hi))
    return points[inside]


@settings(max_examples=300, deadline=None)
@given(_bands, st.booleans(), _bounds)
def test_gaps_and_dead_bands_agree_with_assign_bands(raw: list, otherwise: bool, bounds: tuple) -> None:
    """Any bands (mixed directions too): a gap is a value the engine leaves at -1; a dead band is one no value gets."""
    lo, hi = sorted(bounds) if None not in bounds else bounds
    bands = tuple(Band(f"b{i}", "档", 1, op, t, None, None, "") for i, (op, t) in enumerate(raw))
    bands += (Band("rest", "其余", 0, "otherwise", None, None, None, ""),) if otherwise else ()
    tier = Tier("t", "t", "x", bands, None, None)
    domain = lint_module._Span(-math.inf if lo is None else lo, math.inf if hi is None else hi, lo is not None, hi is not None)
    reading = lint_module._scan_once(tier, lint_module._Metric("x", domain, False, False, None), None, {})
    got = assign_bands(tier, _probes(tier, lo, hi))
    assert bool(reading.gaps) == bool((got == -1).any())
    assert set(reading.dead) == {i for i in range(len(bands)) if i not in set(got.tolist())}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ops, st.sampled_from([x / 2 for x in range(-2, 10)])), min_size=1, max_size=4))
def test_whole_numbers_only_count_integers(raw: list) -> None:
    """An integer field from 0 to 4: a gap or a live band needs an integer, not just a real number."""
    bands = tuple(Band(f"b{i}", "档", 1, op, t, None, None, "") for i, (op, t) in enumerate(raw))
    tier = Tier("t", "t", "x", bands, None, None)
    reading = lint_module._scan_once(tier, lint_module._Metric("x", lint_module._Span(0, 4, True, True), True, False, None), None, {})
    got = assign_bands(tier, np.arange(0, 5, dtype=float))
    assert bool(reading.gaps) == bool((got == -1).any())
    assert set(reading.dead) == {i for i in range(len(bands)) if i not in set(got.tolist())}
