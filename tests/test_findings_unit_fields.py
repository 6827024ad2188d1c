"""A findings row reads its unit's fields and group: a deduction that depends on the unit's class.

Hand-computed on tests/fixtures/findings (乡镇 2 points per problem, 部门 1; doubled for a 重点 unit's 严重 rows).
"""
from __future__ import annotations

from pathlib import Path

import pytest

import tongbao

HERE = Path(__file__).resolve().parent / "fixtures/findings"


def test_rows_read_the_unit_class_and_group() -> None:
    v = tongbao.evaluate(tongbao.load_ruleset(HERE / "issues.yaml"), HERE).to_dict()
    got = {u["name"]: (u["group"], u["metrics"]["deduction"], u["metrics"]["score"]) for u in v["parts"][0]["units"]}
    assert got == {"城关镇": ("towns", 14, 86), "大塅镇": ("towns", 4, 96), "财政局": ("depts", 10, 90), "教育局": ("depts", 0, 100)}


def test_the_rule_test_passes() -> None:
    from tongbao.tools.ruletest import run_tests

    result = run_tests([HERE / "issues.test.yaml"])
    assert (result["passed"], result["failed"]) == (1, 0), result


def test_a_row_field_of_the_same_name_wins_over_the_unit_field(tmp_path: Path) -> None:
    """A findings table that has its own 类别 column keeps meaning its own column (older rulesets unchanged)."""
    text = (HERE / "issues.yaml").read_text(encoding="utf-8").replace(
        "      severity: {column: 严重程度, type: text}", "      severity: {column: 严重程度, type: text}\n      klass: {column: 行类别, type: text}")
    text = text.replace("""expr: '2 if group == "towns" else 1'""", """expr: '2 if klass == "乡镇" else 1'""")
    (tmp_path / "issues.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "units.csv").write_text((HERE / "units.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "issues.csv").write_text("单位,严重程度,问题数,行类别\n城关镇,一般,1,部门\n财政局,一般,1,乡镇\n", encoding="utf-8")
    v = tongbao.evaluate(tongbao.load_ruleset(tmp_path / "issues.yaml"), tmp_path).to_dict()
    assert [u["metrics"]["deduction"] for u in v["parts"][0]["units"]] == [1, 0, 2, 0]


def test_an_unknown_name_in_a_row_still_lists_the_unit_fields(tmp_path: Path) -> None:
    text = (HERE / "issues.yaml").read_text(encoding="utf-8").replace('key_unit == "是"', 'kye_unit == "是"')
    (tmp_path / "issues.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(tmp_path / "issues.yaml")
    assert "未知的名称“kye_unit”" in str(err.value) and "key_unit" in str(err.value)


def test_lint_counts_a_unit_field_read_by_findings_rows_as_used() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "tongbao", "lint", str(HERE / "issues.yaml")], capture_output=True, text=True, encoding="utf-8")
    assert "key_unit" not in out.stdout + out.stderr  # read only by the rows' weight
    assert "TB-L006" in out.stdout and "issue_rows" in out.stdout  # the lint still runs: an unused per-unit figure is reported
