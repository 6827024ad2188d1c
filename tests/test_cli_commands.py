"""The administrator's commands end to end: lint, test, diff — their output and exit codes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tongbao", *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")


def test_lint_clean_exit_0_and_a_problem_exit_1(tmp_path: Path) -> None:
    assert _run("lint", "rulesets/tonggu-ganzhengtong.yaml").returncode == 0
    bad = tmp_path / "r.yaml"
    facts = "facts:\n  unused_one: {label: 未用, value: 1, source: 测试}\n"  # a fact nothing reads: TB-L004
    bad.write_text((ROOT / "rulesets/tonggu-ganzhengtong.yaml").read_text(encoding="utf-8")
                   .replace("units:\n", facts + "units:\n", 1), encoding="utf-8")
    out = _run("lint", str(bad))
    assert out.returncode == 1 and "TB-L004" in out.stdout and "Traceback" not in out.stderr


def test_a_rate_banded_by_a_bare_number_is_a_ruleset_error(tmp_path: Path) -> None:
    bad = tmp_path / "r.yaml"
    bad.write_text((ROOT / "rulesets/tonggu-ganzhengtong.yaml").read_text(encoding="utf-8")
                   .replace('below: "90%"', "below: 90"), encoding="utf-8")
    out = _run("validate", str(bad))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "档“below_90”的界限却写作不带 % 的 90：按原样它表示 9000%。请写成 \"90%\"。" in out.stdout + out.stderr


def test_lint_json_lists_findings() -> None:
    data = json.loads(_run("lint", "rulesets/yanjiang-xinxi-2020q3.yaml", "--format", "json").stdout)
    assert data["ruleset"] == "yanjiang-xinxi-2020q3" and data["findings"] == []


def test_rule_tests_pass_for_every_shipped_ruleset() -> None:
    out = _run("test", "rulesets")
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines()[0].endswith("通过，0 失败")


def test_a_broken_expectation_fails_with_exit_1() -> None:
    broken = next((ROOT / "tests/fixtures/ruletest").glob("*wrong*"))
    out = _run("test", str(broken))
    assert out.returncode == 1 and "Traceback" not in out.stderr


def test_diff_rules_what_if_85(tmp_path: Path) -> None:
    what_if = tmp_path / "85.yaml"
    what_if.write_text((ROOT / "rulesets/tonggu-ganzhengtong.yaml").read_text(encoding="utf-8")
                       .replace('below: "90%"', 'below: "85%"'), encoding="utf-8")
    out = _run("diff", "rules", "rulesets/tonggu-ganzhengtong.yaml", str(what_if), "examples/tonggu-ganzhengtong/", "-f", "json")
    assert out.returncode == 0, out.stderr
    moved = [u["name"] for u in json.loads(out.stdout)["parts"][0]["units"]]
    assert moved == ["税务局", "卫健委", "城管局", "宣传部", "烟草公司", "带溪卫生院"]


def test_diff_periods_from_data_names_the_worsened(tmp_path: Path) -> None:
    out = _run("diff", "periods", "examples/tonggu-ganzhengtong-2022-04", "examples/tonggu-ganzhengtong",
               "--ruleset", "rulesets/tonggu-ganzhengtong.yaml", "-f", "json")
    assert out.returncode == 0, out.stderr
    part = json.loads(out.stdout)["parts"][0]
    assert "法院" in part["worsened"] and "林业局" in part["named_again"]


def test_diff_periods_needs_a_ruleset_for_data() -> None:
    out = _run("diff", "periods", "examples/tonggu-ganzhengtong-2022-04", "examples/tonggu-ganzhengtong")
    assert out.returncode == 1 and "请加 --ruleset" in out.stderr


def test_show_without_resolved_prints_the_file_as_written() -> None:
    out = _run("show", "rulesets/demo-county-websites-2024.yaml")
    assert out.returncode == 0 and out.stdout == (ROOT / "rulesets/demo-county-websites-2024.yaml").read_text(encoding="utf-8")


def test_a_folder_missing_a_table_names_it(tmp_path: Path) -> None:
    (tmp_path / "区级部门报送.csv").write_text("序号,单位\n", encoding="utf-8")
    out = _run("evaluate", "rulesets/yanjiang-xinxi-2020q3.yaml", str(tmp_path))
    assert out.returncode == 1 and "文件夹中缺少规则集要读的文件：镇街报送.csv" in out.stderr


def test_one_csv_for_a_several_file_ruleset_asks_for_the_folder() -> None:
    out = _run("evaluate", "rulesets/yanjiang-xinxi-2020q3.yaml", "examples/yanjiang-xinxi-2020q3/镇街报送.csv")
    assert out.returncode == 1 and "这个规则集要读 4 个文件" in out.stderr and "请给出放着它们的文件夹" in out.stderr
