"""figures.py: a figure reducing a unit-by-unit column computes that column once, over all units, and each
group reduces its own units' part; the figures are those each scope computed for itself."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tongbao
from tongbao import figures

from test_lazy_names import RULES as ONE_FIELD  # the same units, groups by condition and tier

RULES = ONE_FIELD[:ONE_FIELD.index("summary:")].replace("units:\n", "facts:\n  bonus: {label: 加分, value: 1, groups: {big: 3}}\nunits:\n", 1) \
    .replace("    a: {column: 甲, type: integer}\n", "    a: {column: 甲, type: integer}\n    b: {column: 乙, type: number}\n") + """summary:
  - {id: high_count, label: 高档单位数, expr: 'count(in_band("grade", "high"))', format: integer}
  - {id: weighted, label: 加权, expr: sum(a * 2 + b), format: number:2}
  - {id: with_bonus, label: 含加分, expr: sum(a * bonus), format: integer}
  - {id: above_high, label: 超过高档数的单位, expr: count(a > high_count), format: integer}
  - {id: bonus_sum, label: 加分和, expr: sum(bonus), format: integer}
  - {id: high_by_id, label: 高档（按名）, expr: count(grade == "high" and b / a > 0.5), format: integer}
"""
# 一局 5 (big, high), 二局 1 (small, low), 三局 2 (big, high), 四局 0 (small, low): big is units 1 and 3, interleaved.
UNITS = "单位,甲,乙\n一局,5,0.5\n二局,1,2.25\n三局,2,1.5\n四局,0,4\n"


def _figures(tmp_path: Path) -> dict:
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "r.yaml").write_text(RULES, encoding="utf-8")
    return tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), tmp_path).parts[0].figures


def test_figures_by_hand(tmp_path: Path) -> None:
    got = _figures(tmp_path)
    assert got["high_count"] == {"all": 2.0, "big": 2.0, "small": 0.0}
    assert got["weighted"] == {"all": 24.25, "big": 16.0, "small": 8.25}  # 10.5 + 4.25 + 5.5 + 4
    assert got["with_bonus"] == {"all": 22.0, "big": 21.0, "small": 1.0}  # per unit 15, 1, 6, 0; a group's bonus is its own
    assert got["above_high"] == {"all": 1.0, "big": 1.0, "small": 1.0}  # a > 2 overall and in big (5), a > 0 in small (1)
    assert got["bonus_sum"] == {"all": 8.0, "big": 3.0, "small": 1.0}  # over all: the column 3, 1, 3, 1; in a group its number
    assert got["high_by_id"] == {"all": 1.0, "big": 1.0, "small": 0.0}  # 三局 1.5 / 2; 一局 0.5 / 5 is not


def test_figures_are_those_each_scope_computes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = _figures(tmp_path)
    monkeypatch.setattr(figures, "_shared_column", lambda *a: None)
    assert _figures(tmp_path) == shared


def test_a_shared_column_is_computed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """in_band runs once for high_count (over all units), not once a scope; the others are not shared."""
    import importlib

    evaluate = importlib.import_module("tongbao.evaluate")
    calls: list[int] = []
    real = evaluate.in_bands
    monkeypatch.setattr(evaluate, "in_bands", lambda index, *a: calls.append(len(index)) or real(index, *a))
    _figures(tmp_path)
    assert calls == [4]


@pytest.mark.parametrize(("text", "shared"), [
    ("a * 2 + b", True), ("-a if b > 1 else a", True), ('in_band("grade", "high")', True), ("a > 1 and not b", True),
    ('grade == "high"', True), ("a * bonus", False), ("a > high_count", False), ("a in (1, 2)", False),
    ("abs(a)", False), ('in_band(tier, "high")', False), ("min(a)", False)])
def test_unit_by_unit_by_hand(text: str, shared: bool) -> None:
    node = ast.parse(text, mode="eval").body
    assert figures.unit_by_unit(node, frozenset({"bonus", "high_count"})) is shared
