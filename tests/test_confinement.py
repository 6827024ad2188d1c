"""A ruleset reads only its folders (issue 11, "Reading beyond the folder")."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TONGGU = (ROOT / "rulesets" / "tonggu-ganzhengtong.yaml").read_text(encoding="utf-8")
UNITS = ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv"
SECRET = "机密第一行-不得外泄"


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "units.csv").write_bytes(UNITS.read_bytes())
    (secret / "hostname").write_text(SECRET + "\n", encoding="utf-8")
    data = tmp_path / "office" / "data"
    data.mkdir(parents=True)
    (data / "units.csv").write_bytes(UNITS.read_bytes())
    return {"root": tmp_path, "secret": secret, "data": data, "rules": tmp_path / "office"}


def _ruleset_naming(layout: dict[str, Path], file: str) -> Path:
    assert "file: units.csv" in TONGGU
    r = layout["rules"] / "r.yaml"
    r.write_text(TONGGU.replace("file: units.csv", f"file: '{file}'"), encoding="utf-8")
    return r


@pytest.mark.parametrize("name", ["../secret/units.csv", "../../secret/units.csv", "ABS", "../../secret/hostname",
                                  "../../../../../../etc/hostname", "sub/../../x.csv", "C:\\\\x.csv"])
def test_a_table_outside_the_data_folder_is_a_ruleset_error(layout: dict[str, Path], name: str, cli) -> None:
    name = str(layout["secret"] / "units.csv") if name == "ABS" else name
    r = _ruleset_naming(layout, name)
    res = cli.fail("evaluate", r, layout["data"], contains=("units.file", "不能"))
    assert SECRET not in res.stderr and "r.yaml:" in res.stderr


def test_a_symlink_in_the_data_folder_pointing_out_is_refused(layout: dict[str, Path], cli) -> None:
    (layout["data"] / "units.csv").unlink()
    (layout["data"] / "units.csv").symlink_to(layout["secret"] / "hostname")
    r = _ruleset_naming(layout, "units.csv")
    res = cli.fail("evaluate", r, layout["data"], contains=("数据文件夹之外",))
    assert SECRET not in res.stderr


def test_a_table_in_a_subfolder_is_fine(layout: dict[str, Path], cli) -> None:
    (layout["data"] / "sub").mkdir()
    (layout["data"] / "units.csv").rename(layout["data"] / "sub" / "units.csv")
    r = _ruleset_naming(layout, "sub/units.csv")
    res = cli.run("evaluate", r, layout["data"], "-f", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["input"]["tables"][0]["rows"] == 117


BASE_CHILD = "tongbao: 1\nextends: {base}\nid: child\n"


@pytest.mark.parametrize("base", ["/etc/passwd", "../secret/hostname", "'/etc/hostname'"])
def test_extends_outside_the_search_path_is_refused(layout: dict[str, Path], base: str, cli) -> None:
    child = layout["rules"] / "child.yaml"
    child.write_text(BASE_CHILD.format(base=base), encoding="utf-8")
    res = cli.fail("show", child, "--resolved", contains=("extends",))
    assert "root:" not in res.stderr and SECRET not in res.stderr


def test_extends_through_a_symlink_out_is_refused(layout: dict[str, Path], cli) -> None:
    (layout["rules"] / "base.yaml").symlink_to(layout["secret"] / "hostname")
    child = layout["rules"] / "child.yaml"
    child.write_text(BASE_CHILD.format(base="base.yaml"), encoding="utf-8")
    res = cli.fail("validate", child, contains=("extends", "符号链接"))
    assert SECRET not in res.stderr


@pytest.mark.parametrize("body", ["- 1\n- 2\n", "just text\n", "tongbao: 2\nid: x\n", "id: x\n"])
def test_a_base_that_is_not_a_ruleset_is_refused(layout: dict[str, Path], body: str, cli) -> None:
    (layout["rules"] / "base.yaml").write_text(body, encoding="utf-8")
    child = layout["rules"] / "child.yaml"
    child.write_text(BASE_CHILD.format(base="base.yaml"), encoding="utf-8")
    cli.fail("validate", child, contains=("extends", "不是 tongbao 规则集", "tongbao: 1"))


@pytest.mark.parametrize("base", ['"a\\0b.yaml"', "'" + "x" * 5000 + ".yaml'"])
def test_extends_with_nul_or_an_overlong_name_is_exit_1(layout: dict[str, Path], base: str, cli) -> None:
    child = layout["rules"] / "child.yaml"
    child.write_text(BASE_CHILD.format(base=base), encoding="utf-8")
    cli.fail("validate", child, contains=("extends",))


def test_extends_finds_a_shipped_ruleset_from_any_folder(tmp_path: Path, cli) -> None:
    child = tmp_path / "child.yaml"
    child.write_text((ROOT / "rulesets" / "demo-county-websites-2024.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    res = cli.run("validate", child)
    assert res.returncode == 0, res.stderr
