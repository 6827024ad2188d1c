"""``tongbao init ID`` writes a starter that passes its own test and validates in an editor;
``tongbao schema`` writes the shipped schemas."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from tongbao.rules.yamlfile import read_yaml

ROOT = Path(__file__).resolve().parent.parent


def tongbao(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tongbao", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=120)


def test_init_writes_a_starter_that_passes_test_lint_and_evaluate(tmp_path: Path) -> None:
    res = tongbao("init", "my-county-2024", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "examples/my-county-2024/period.yaml", "examples/my-county-2024/units.csv", "my-county-2024.test.yaml",
        "my-county-2024.yaml", "schemas/period.schema.json", "schemas/ruleset.schema.json", "schemas/ruletest.schema.json"]
    test = tongbao("test", "my-county-2024.test.yaml", cwd=tmp_path)
    assert test.returncode == 0 and "1 条用例：1 通过，0 失败" in test.stdout and "分档 3/3、通报 1/1" in test.stdout
    assert tongbao("lint", "my-county-2024.yaml", cwd=tmp_path).returncode == 0
    verdict = json.loads(tongbao("evaluate", "my-county-2024.yaml", "examples/my-county-2024/", "-f", "json",
                                 cwd=tmp_path).stdout)
    assert verdict["period"]["id"] == "2024-01"  # from the period file beside the table
    notified = verdict["parts"][0]["summary"]["notifications"][0]
    assert notified["units"] == ["乙镇", "丙局"]


@pytest.mark.parametrize(("name", "schema"), [("my-county-2024.yaml", "ruleset"), ("my-county-2024.test.yaml", "ruletest"),
                                                  ("examples/my-county-2024/period.yaml", "period")])
def test_init_files_name_a_schema_that_is_there_and_validate_against_it(tmp_path: Path, name: str, schema: str) -> None:
    tongbao("init", "my-county-2024", cwd=tmp_path)
    first = (tmp_path / name).read_text(encoding="utf-8").splitlines()[0]
    up = "../" * name.count("/")  # the schema line is relative to the file, as editors read it
    assert first == f"# yaml-language-server: $schema={up}schemas/{schema}.schema.json"
    target = (tmp_path / name).parent / first.split("$schema=", 1)[1]
    assert target.read_bytes() == (ROOT / "schemas" / f"{schema}.schema.json").read_bytes()
    errors = list(jsonschema.Draft7Validator(json.loads(target.read_text(encoding="utf-8"))).iter_errors(
        read_yaml(tmp_path / name)[0].data))
    assert errors == []


def test_a_second_init_shares_the_schemas_and_nothing_is_overwritten(tmp_path: Path) -> None:
    assert tongbao("init", "first", cwd=tmp_path).returncode == 0
    assert tongbao("init", "second", cwd=tmp_path).returncode == 0
    (tmp_path / "first.yaml").write_text("# mine\n", encoding="utf-8")
    again = tongbao("init", "first", cwd=tmp_path)
    assert again.returncode == 1 and "已经存在" in again.stderr and "first.yaml" in again.stderr
    assert (tmp_path / "first.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_init_refuses_a_bad_id_and_writes_nothing(tmp_path: Path) -> None:
    res = tongbao("init", "My_County", cwd=tmp_path)
    assert res.returncode == 1 and "规则集 id “My_County”不合规" in res.stderr and "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("name", "file"), [("ruleset", "ruleset"), ("test", "ruletest"), ("verdict", "verdict")])
def test_schema_writes_the_shipped_schema(tmp_path: Path, name: str, file: str) -> None:
    shipped = (ROOT / "schemas" / f"{file}.schema.json").read_text(encoding="utf-8")
    assert tongbao("schema", name, cwd=tmp_path).stdout == shipped
    assert tongbao("schema", name, "-o", "s.json", cwd=tmp_path).returncode == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == shipped


def test_schema_period_when_shipped() -> None:
    res = tongbao("schema", "period", cwd=ROOT)
    shipped = ROOT / "schemas" / "period.schema.json"
    if shipped.exists():
        assert res.returncode == 0 and res.stdout == shipped.read_text(encoding="utf-8")
    else:
        assert res.returncode == 1 and "没有“period”的 schema" in res.stderr
