"""A wrong ruleset gets one clear message: file:line:column, the dotted key, what to do.

Each case edits a copy of the Tonggu ruleset; the expected line and column are
computed from the edited text, never guessed. Every case runs three ways: the
API (tongbao.load_ruleset), `cli.py validate` and `cli.py evaluate -o`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

import tongbao


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"fixture edit is ambiguous or stale: {old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def swap_lines(text: str, a: str, b: str) -> str:
    lines = text.split("\n")
    ia = next(i for i, line in enumerate(lines) if a in line)
    ib = next(i for i, line in enumerate(lines) if b in line)
    lines[ia], lines[ib] = lines[ib], lines[ia]
    return "\n".join(lines)


@dataclass(frozen=True)
class Case:
    id: str
    edit: Callable[[str], str]
    anchor: str  # occurs on exactly one line of the edited text: the line to report
    tokens: tuple[str, ...]  # the column may point at the first character of any of these on that line
    path: str  # dotted key path ("" for a YAML syntax error)
    parts: tuple[str, ...]  # substrings the message must hold (what, and the hint)
    more: Callable[[str, int], tuple[str, ...]] = field(default=lambda text, line: ())


def _first_format_line(text: str, line: int) -> tuple[str, ...]:
    return (f"第 {line - 1} 行",)  # the first `format:` sits right above the duplicate


BANDS_80_90 = ('{id: below_80, label: 活跃率低于80%的单位, below: "80%", severity: 2}',
               '{id: below_90, label: 活跃率低于90%的单位, below: "90%", severity: 1}')

CASES = [
    Case("yaml-syntax",
         lambda t: replace_once(t, "issuer: 铜鼓县人民政府办公室", "issuer: 铜鼓县: 人民政府办公室"),
         "issuer: 铜鼓县:", (": 人民",), "", ("YAML 语法错误",)),
    Case("unknown-key-did-you-mean",
         lambda t: replace_once(t, "\nmetrics:\n", "\nmetircs:\n"),
         "metircs:", ("metircs",), "metircs", ("未知的键“metircs”", "是否想写“metrics”")),
    Case("wrong-type-severity",
         lambda t: replace_once(t, 'below: "20%", severity: 4}', 'below: "20%", severity: high}'),
         "severity: high", ("severity", "high"), "tiers.activity_band.bands[0].severity", ("应为整数", "high")),
    Case("expression-syntax",
         lambda t: replace_once(t, "expr: round(registered * activation)\n", "expr: round(registered * activation\n"),
         "round(registered * activation", ("expr", "round"), "metrics.activated.expr",
         ("表达式语法错误", "round(registered * activation", "括号")),
    Case("unknown-name-near",
         lambda t: replace_once(t, "when: activation < 100%", "when: activty < 90%"),
         "activty < 90%", ("when", "activty"), "flags.activation_short.when", ("未知的名称“activty”", "是否想写“activity”")),
    Case("unknown-function",
         lambda t: replace_once(t, "expr: round(registered * activity)", "expr: rnd(registered * activity)"),
         "rnd(registered * activity)", ("expr", "rnd"), "metrics.active.expr", ("未知的函数“rnd”", "是否想写“round”")),
    Case("duplicate-band-id",
         lambda t: replace_once(t, "{id: ok,", "{id: below_90,"),
         "活跃率达到90%及以上的单位", ("id", "below_90"), "tiers.activity_band.bands[4].id", ("below_90", "重复")),
    Case("metric-named-like-field",
         lambda t: replace_once(t, "\n\ntiers:\n", "\n  work_groups: {label: 与字段同名的指标, expr: registered}\n\ntiers:\n"),
         "与字段同名的指标", ("work_groups",), "metrics.work_groups", ("名称“work_groups”重复", "units.fields.work_groups")),
    Case("yaml-duplicate-key",
         lambda t: replace_once(t, "    expr: round(registered * activation)\n    format: integer\n",
                                "    expr: round(registered * activation)\n    format: integer\n    format: percent:1\n"),
         "format: percent:1", ("format",), "metrics.activated.format", ("重复的键“format”",), _first_format_line),
    Case("bands-out-of-order",
         lambda t: swap_lines(t, BANDS_80_90[0], BANDS_80_90[1]),
         "id: below_80,", ("{", "id"), "tiers.activity_band.bands[3]", ("档“below_80”永远不会生效", "below_90")),
    Case("notification-missing-band",
         lambda t: replace_once(t, "below_80, below_90]}}", "below_80, below_95]}}"),
         "below_95", ("below_95",), "notifications[1].when.bands.activity_band[3]",
         ("below_95", "below_20、below_50、below_80、below_90、ok")),
    Case("notification-missing-flag",
         lambda t: replace_once(t, "flags: [activation_short]", "flags: [activation_shrt]"),
         "activation_shrt", ("activation_shrt",), "notifications[0].when.flags[0]",
         ("“activation_shrt”", "activation_short")),
]
IDS = [c.id for c in CASES]


@dataclass(frozen=True)
class Expected:
    file: Path
    line: int
    columns: frozenset[int]
    path: str
    parts: tuple[str, ...]

    def locations(self, shown: str | Path) -> list[str]:
        return [f"{shown}:{self.line}:{c}:" + (f" {self.path}:" if self.path else "") for c in sorted(self.columns)]


def make(case: Case, tonggu_ruleset_text: str, folder: Path) -> Expected:
    text = case.edit(tonggu_ruleset_text)
    assert text != tonggu_ruleset_text
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "ruleset.yaml"
    file.write_bytes(text.encode("utf-8"))
    lines = text.split("\n")
    hits = [i for i, line in enumerate(lines) if case.anchor in line]
    assert len(hits) == 1, f"anchor {case.anchor!r} on lines {[i + 1 for i in hits]}"
    line = hits[0] + 1
    columns = frozenset(lines[hits[0]].index(tok) + 1 for tok in case.tokens if tok in lines[hits[0]])
    assert columns
    return Expected(file, line, columns, case.path, case.parts + case.more(text, line))


def test_pristine_ruleset_loads(tonggu_ruleset_text: str, tmp_path: Path) -> None:
    """Control: the unedited copy is fine, so each failure below is caused by its edit alone."""
    file = tmp_path / "ruleset.yaml"
    file.write_text(tonggu_ruleset_text, encoding="utf-8")
    assert tongbao.load_ruleset(file).id == "tonggu-ganzhengtong"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_api_names_place_key_and_fix(case: Case, tonggu_ruleset_text: str, tmp_path: Path, snapshot) -> None:
    exp = make(case, tonggu_ruleset_text, tmp_path)
    snap = snapshot(exp.file)
    with pytest.raises(tongbao.RulesetError) as info:
        tongbao.load_ruleset(exp.file)
    snap.assert_unchanged()
    first = info.value.problems[0]
    assert (first.file, first.line, first.path) == (str(exp.file), exp.line, exp.path), str(info.value)
    assert first.column in exp.columns, f"column {first.column}, expected one of {sorted(exp.columns)}"
    message = str(info.value)
    assert any(loc in message for loc in exp.locations(exp.file)), message
    for part in exp.parts:
        assert part in message, f"{part!r} not in:\n{message}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_api_one_mistake_one_problem(case: Case, tonggu_ruleset_text: str, tmp_path: Path) -> None:
    """One edit, one problem: a bad definition must not make every later use of its name
    report "unknown name" too (that buries the real error and suggests wrong fixes)."""
    exp = make(case, tonggu_ruleset_text, tmp_path)
    with pytest.raises(tongbao.RulesetError) as info:
        tongbao.load_ruleset(exp.file)
    assert len(info.value.problems) == 1, str(info.value)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_validate(case: Case, tonggu_ruleset_text: str, tmp_path: Path, cli) -> None:
    exp = make(case, tonggu_ruleset_text, tmp_path)
    res = cli.fail("validate", exp.file, inputs=(exp.file,), contains=exp.parts)
    assert res.stderr.startswith("错误：")
    assert any(loc in res.stderr for loc in exp.locations(exp.file)), res.stderr
    assert res.stdout == ""


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_evaluate_writes_nothing(case: Case, tonggu_ruleset_text: str, tonggu_units_text: str,
                                     tmp_path: Path, cli) -> None:
    exp = make(case, tonggu_ruleset_text, tmp_path / "rules")
    data = tmp_path / "data" / "units.csv"
    data.parent.mkdir()
    data.write_text(tonggu_units_text, encoding="utf-8")
    out = tmp_path / "out" / "verdict.json"
    out.parent.mkdir()
    res = cli.fail("evaluate", exp.file, data, "-o", out, inputs=(exp.file, data), out=out, contains=exp.parts)
    assert any(loc in res.stderr for loc in exp.locations(exp.file)), res.stderr
    assert not out.exists()
