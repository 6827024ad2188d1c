"""What an editor sees: every shipped ruleset and rule-test file, read raw (before any
``extends`` merge), validates against the shipped schemas with no error."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tongbao.rules.layerschema import with_layers
from tongbao.rules.yamlfile import read_yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"
# Deliberately wrong files that exist to test error messages.
BROKEN_ON_PURPOSE = {"tests/fixtures/ruletest/unknown-names.yaml", "tests/fixtures/ruletest/yaml-syntax.yaml"}
FILES = sorted(p for p in [*ROOT.glob("rulesets/*.yaml"), *ROOT.glob("tests/fixtures/**/*.yaml")]
               if p.relative_to(ROOT).as_posix() not in BROKEN_ON_PURPOSE)


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return loaded


def kind(path: Path) -> str:
    return "ruletest" if path.name.endswith(".test.yaml") or path.parent.name == "ruletest" else "ruleset"


def raw_errors(path: Path) -> list[str]:
    data = read_yaml(path)[0].data  # dates stay text, as a YAML 1.2 editor reads them
    validator = jsonschema.Draft7Validator(schema(kind(path)))
    return [f"{list(e.absolute_path)}: {e.message[:120]}" for e in validator.iter_errors(data)]


def test_the_walk_finds_rulesets_layers_and_test_files() -> None:
    names = {p.name for p in FILES}
    assert {"ganzhou-jiance-2023-08.yaml", "demo-county-websites-2024.yaml", "tonggu-ganzhengtong.test.yaml",
            "wrong-band.yaml", "gap.yaml", "hotline.yaml"} <= names
    assert len(FILES) >= 35


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(ROOT).as_posix() for p in FILES])
def test_raw_file_is_valid_as_an_editor_sees_it(path: Path) -> None:
    assert raw_errors(path) == []


def test_a_layer_with_null_removals_is_checked_raw() -> None:
    layer = ROOT / "rulesets" / "ganzhou-jiance-2023-08.yaml"
    data = read_yaml(layer)[0].data
    assert "extends" in data and data["units"]["fields"]["v_service"] is None  # a removal, as written
    assert raw_errors(layer) == []


@pytest.mark.parametrize(("text", "where"), [
    ("tongbao: 1\nextends: base.yaml\ntitel: x\n", []),                        # a typo is still caught in a layer
    ("tongbao: 1\nextends: base.yaml\ntiers: {a: {bands: [{id: x, severity: 9}]}}\n", ["tiers"]),  # severity 0-5
    ("tongbao: 1\nid: whole\n", []),                                           # no extends: every required key
])
def test_mistakes_in_layers_and_whole_rulesets_still_show(tmp_path: Path, text: str, where: list[Any]) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    errors = list(jsonschema.Draft7Validator(schema("ruleset")).iter_errors(read_yaml(path)[0].data))
    assert errors and any(list(e.absolute_path)[:len(where)] == where for e in errors)


def test_deliberately_wrong_test_file_shows_its_mistakes() -> None:
    errors = raw_errors(ROOT / "tests/fixtures/ruletest/unknown-names.yaml")
    assert errors == ["['cases', 0]: Additional properties are not allowed ('unit' was unexpected)",
                      "['cases', 0, 'expect', '甲']: Additional properties are not allowed ('colour' was unexpected)"]


@pytest.mark.parametrize("path", sorted(ROOT.glob("rulesets/*.test.yaml")), ids=lambda p: p.name)
def test_each_test_file_names_its_schema_on_the_first_line(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=../schemas/ruletest.schema.json"


def test_the_lenient_twins_are_generated_from_the_strict_schema() -> None:
    shipped = schema("ruleset")
    assert with_layers(shipped) == shipped, "run: python -m tongbao.rules.layerschema schemas/ruleset.schema.json"
    assert set(shipped["definitions"]) == {*(strict := [k for k in shipped["definitions"] if not k.startswith("layer_")]),
                                           *(f"layer_{k}" for k in strict)}


def test_the_test_file_schema_names_the_keys_the_reader_reads() -> None:
    from tongbao.tools import ruletest
    from tongbao.tools.casehistory import HISTORY_KEYS

    defs = schema("ruletest")["definitions"]
    assert tuple(schema("ruletest")["properties"]) == ruletest.FILE_KEYS
    assert tuple(defs["case"]["properties"]) == ruletest.CASE_KEYS
    assert tuple(defs["unit_expect"]["properties"]) == ruletest.UNIT_KEYS
    assert tuple(defs["summary_expect"]["properties"]) == ruletest.SUMMARY_KEYS
    assert tuple(defs["earlier"]["properties"]) == HISTORY_KEYS
