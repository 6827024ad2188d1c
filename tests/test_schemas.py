"""The two JSON Schemas: well-formed draft-07, described, and true to what the code reads and writes.

A misspelled keyword in a schema is silently ignored by validators (``additionalProperty``
constrains nothing), so the schemas are also walked and every keyword checked against the
draft-07 list. Each check is shown to fail on a schema or document made wrong on purpose.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tongbao  # noqa: E402

SCHEMAS = ROOT / "schemas"
RULESET_SCHEMA = SCHEMAS / "ruleset.schema.json"
VERDICT_SCHEMA = SCHEMAS / "verdict.schema.json"
SHIPPED_SCHEMAS = sorted(SCHEMAS.glob("*.schema.json"))
PERIOD_SCHEMA = SCHEMAS / "period.schema.json"
TONGGU = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
TONGGU_DATA = ROOT / "examples" / "tonggu-ganzhengtong"
RULESETS = sorted(p for p in (ROOT / "rulesets").glob("*.yaml") if not p.name.endswith(".test.yaml"))  # *.test.yaml are rule tests

# Every keyword of JSON Schema draft-07 (validation, core, hyper-schema-free annotations).
DRAFT7_KEYWORDS = frozenset({
    "$schema", "$id", "$ref", "$comment", "title", "description", "default", "readOnly", "writeOnly",
    "examples", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "additionalItems", "items", "maxItems", "minItems",
    "uniqueItems", "contains", "maxProperties", "minProperties", "required", "additionalProperties",
    "definitions", "properties", "patternProperties", "dependencies", "propertyNames", "const",
    "enum", "type", "format", "contentMediaType", "contentEncoding", "if", "then", "else",
    "allOf", "anyOf", "oneOf", "not",
})
_NAMED = ("properties", "definitions", "patternProperties")  # keys below these are names, not keywords
_ONE = ("additionalProperties", "additionalItems", "contains", "propertyNames", "if", "then", "else", "not")
_MANY = ("allOf", "anyOf", "oneOf")


class _TextDates(yaml.SafeLoader):
    """safe_load, but 2022-05-13 stays text, as engine/yamlfile.py keeps it (the schema wants strings)."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_TextDates)  # noqa: S506 - a SafeLoader


def effective_ruleset(path: Path) -> Any:
    """The document the schema judges: the file itself, or, when it ``extends`` a base, the layers merged."""
    data = load_yaml(path)
    if isinstance(data, dict) and "extends" in data:
        from tongbao.rules.layers import read_layers  # the loader's own merge: a child alone is not a whole ruleset

        return read_layers(path)[0].data
    return data


def load_schema(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def subschemas(schema: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    """Every schema inside ``schema`` (itself included), with a JSON-pointer-like location."""
    yield where, schema
    if not isinstance(schema, dict):
        return
    for key in _NAMED:
        for name, sub in schema.get(key, {}).items():
            yield from subschemas(sub, f"{where}/{key}/{name}")
    for key in _ONE:
        if key in schema and not isinstance(schema[key], list):
            yield from subschemas(schema[key], f"{where}/{key}")
    items = schema.get("items")
    if isinstance(items, list):
        for i, sub in enumerate(items):
            yield from subschemas(sub, f"{where}/items/{i}")
    elif items is not None:
        yield from subschemas(items, f"{where}/items")
    for key in _MANY:
        for i, sub in enumerate(schema.get(key, [])):
            yield from subschemas(sub, f"{where}/{key}/{i}")
    for name, dep in schema.get("dependencies", {}).items():
        if not isinstance(dep, list):  # a list names required keys; anything else is a schema
            yield from subschemas(dep, f"{where}/dependencies/{name}")


def unknown_keywords(schema: dict) -> list[str]:
    return [f"{where}: {key}" for where, sub in subschemas(schema) if isinstance(sub, dict)
            for key in sub if key not in DRAFT7_KEYWORDS]


def resolve(root: dict, sub: Any) -> Any:
    """Follow local ``$ref``s (``#/definitions/x``) to the schema they name."""
    seen = set()
    while isinstance(sub, dict) and "$ref" in sub and "description" not in sub:
        ref = sub["$ref"]
        assert ref.startswith("#/") and ref not in seen, f"unsupported or cyclic $ref {ref}"
        seen.add(ref)
        sub = root
        for part in ref[2:].split("/"):
            sub = sub[part]
    return sub


def in_condition(where: str) -> bool:
    """Is this location inside an ``if`` or ``not``: a test on a document, not a declaration of it?"""
    parts = where.split("/")
    return any(p in ("if", "not") and parts[i - 1] not in _NAMED for i, p in enumerate(parts) if i)


def undescribed_properties(schema: dict) -> list[str]:
    """Declared properties with no description on themselves nor on the schema their $ref names."""
    out = []
    for where, sub in subschemas(schema):
        if not isinstance(sub, dict) or in_condition(where):
            continue
        for name, prop in sub.get("properties", {}).items():
            target = resolve(schema, prop)
            if not (isinstance(target, dict) and str(target.get("description", "")).strip()):
                out.append(f"{where}/properties/{name}")
    return out


def errors(schema: dict, instance: Any) -> list[jsonschema.ValidationError]:
    return sorted(jsonschema.Draft7Validator(schema).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))


def located(errs: list[jsonschema.ValidationError]) -> set[tuple[tuple, str]]:
    return {(tuple(e.absolute_path), e.validator) for e in errs}


@pytest.fixture(scope="module")
def ruleset_schema() -> dict:
    return load_schema(RULESET_SCHEMA)


@pytest.fixture(scope="module")
def verdict_schema() -> dict:
    return load_schema(VERDICT_SCHEMA)


@pytest.fixture(scope="module")
def tonggu_verdict() -> dict:
    rules = tongbao.load_ruleset(TONGGU)
    return json.loads(tongbao.evaluate(rules, TONGGU_DATA).to_json())


@pytest.fixture
def tonggu_rules() -> dict:
    return load_yaml(TONGGU)


# ------------------------------------------------------------------ (a) the verdict


def test_tonggu_verdict_matches_the_schema(verdict_schema: dict, tonggu_verdict: dict) -> None:
    assert errors(verdict_schema, tonggu_verdict) == []
    # The document validated is the real one, not an empty shell.
    assert tonggu_verdict["tongbao"]["verdict_format"] == 1
    (part,) = tonggu_verdict["parts"]
    assert part["summary"]["units"] == len(part["units"]) == 117
    assert [w["code"] for w in tonggu_verdict["warnings"]] == ["TB-P001"] * 5


def test_verdict_top_level_keys_are_the_schemas_in_order(verdict_schema: dict, tonggu_verdict: dict) -> None:
    assert list(tonggu_verdict) == list(verdict_schema["properties"])  # the Tonggu example has its period.yaml
    assert verdict_schema["required"] == [k for k in verdict_schema["properties"] if k != "period"]  # period is optional
    part = verdict_schema["definitions"]["part"]
    assert list(tonggu_verdict["parts"][0]) == list(part["properties"]) == part["required"]


@pytest.mark.parametrize("path", RULESETS, ids=[p.stem for p in RULESETS])
def test_shipped_example_verdict_matches_the_schema(verdict_schema: dict, path: Path) -> None:
    """Every shipped ruleset over its example folder: groups, vetoes, findings, audits, totals rows."""
    folder = ROOT / "examples" / path.stem
    if not folder.is_dir():
        pytest.skip(f"{path.name} ships without example data (a base for other rulesets)")
    verdict = json.loads(tongbao.evaluate(tongbao.load_ruleset(path), folder).to_json())
    assert errors(verdict_schema, verdict) == []
    assert verdict["ruleset"]["id"] == load_yaml(path)["id"]
    assert all(part["units"] for part in verdict["parts"])


MIXED_RULESET = """\
tongbao: 1
id: mixed
version: "1"
title: 测试
issuer: 测试
region: 测试
facts:
  checked: {label: 抽查数, value: 3}
units:
  file: u.csv
  key: 单位名称
  label: 网站
  totals_row: 合计
  fields:
    sent: {column: 信息报送数, type: integer, blank: missing}
    used: {column: 信息采用数, type: integer, blank: zero}
    msgs: {column: 收到留言数, type: integer, not_applicable: ["/"]}
    kind: {column: 类型, type: text}
    found: {column: 发现日期, type: date}
    fixed: {column: 整改日期, type: date, blank: missing}
metrics:
  rate: {label: 采用率, expr: used / sent, format: percent:1}
  late: {label: 整改天数, expr: "days(found, fixed)", format: integer}
  big: {label: 报送多, expr: sent > 10}
  word: {label: 文字, expr: '"多" if sent > 10 else "少"', format: text}
summary:
  - {id: n, label: 网站数, expr: count(), format: integer}
  - {id: z, label: 无法计算, expr: sum(used) / 0, format: percent:1}
  - {id: b, label: 条件, expr: count() > 2}
"""
MIXED_CSV = ("单位名称,信息报送数,信息采用数,收到留言数,类型,发现日期,整改日期\n"
             "甲,0,,/,网站,2023/8/2,2023-08-04\n"
             "乙,,3,5,微信,2023年8月2日,\n"
             "丙,12,4,1,,2023/8/3,2023/8/9\n"
             "合计：,13,7,6,,,\n")


def test_verdict_with_blanks_dates_text_totals_and_no_ranking_matches_the_schema(verdict_schema: dict, tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(MIXED_RULESET, encoding="utf-8")
    (tmp_path / "u.csv").write_text(MIXED_CSV, encoding="utf-8")
    (tmp_path / "period.yaml").write_text('period: "2023-08"\nnumber: 测字〔2023〕1号\npublished: {n: 3, z: "50%"}\n', encoding="utf-8")
    verdict = json.loads(tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), tmp_path).to_json())
    assert errors(verdict_schema, verdict) == []
    # What this case exists for: nulls, booleans, text, dates and totals in the places the schema allows them.
    (part,) = verdict["parts"]
    assert part["ranking"] is None and part["report"]["columns"] == [] and part["summary"]["top"] is None
    first, second = part["units"][0], part["units"][1]
    assert first["not_applicable"] == ["msgs"] and "not_applicable" not in second
    assert first["fields"]["msgs"] is None and first["fields"]["found"] == "2023-08-02"
    assert first["metrics"] == {"rate": None, "late": 2, "big": False, "word": "少"}
    assert second["fields"]["sent"] is None and second["metrics"]["late"] is None
    assert [f["value"] for f in part["summary"]["figures"]] == [3, None, True]
    assert [(t["field"], t["agrees"]) for t in part["totals_rows"]] == [("sent", False), ("used", True), ("msgs", True)]
    assert [(w["code"], w.get("unit") or w.get("column") or w.get("figure")) for w in verdict["warnings"]] == [
        ("TB-D001", "乙"), ("TB-D001", "乙"), ("TB-T001", "信息报送数"), ("TB-P001", "z")]


@pytest.mark.parametrize("edit, path, keyword", [
    (lambda v: v.update(extra=1), (), "additionalProperties"),
    (lambda v: v["parts"][0].update(extra=1), ("parts", 0), "additionalProperties"),
    (lambda v: v["parts"][0]["units"][0].update(colour="red"), ("parts", 0, "units", 0), "additionalProperties"),
    (lambda v: v["parts"][0]["summary"]["tiers"][0]["bands"][0].update(members=[]),
     ("parts", 0, "summary", "tiers", 0, "bands", 0), "additionalProperties"),
    (lambda v: v["warnings"][0].update(hint="x"), ("warnings", 0), "additionalProperties"),
    (lambda v: v["tongbao"].update(verdict_format=2), ("tongbao", "verdict_format"), "const"),
    (lambda v: v["parts"][0].pop("totals_rows"), ("parts", 0), "required"),
    (lambda v: v["parts"][0]["units"][0].pop("rank"), ("parts", 0, "units", 0), "required"),
    (lambda v: v["parts"][0]["units"][0].update(line="2"), ("parts", 0, "units", 0, "line"), "type"),
    (lambda v: v["ruleset"].update(sha256="ABC"), ("ruleset", "sha256"), "pattern"),
    (lambda v: v["parts"][0]["summary"]["figures"][0].pop("agrees"), ("parts", 0, "summary", "figures", 0), "dependencies"),
    (lambda v: v["parts"][0]["ranking"].pop("within"), ("parts", 0, "ranking"), "oneOf"),
    (lambda v: v["warnings"][0].pop("computed"), ("warnings", 0), "required"),
    (lambda v: v["warnings"][0].update(unit="县委办"), ("warnings", 0), "not"),
], ids=["top-level", "part", "unit", "band", "warning", "verdict_format", "part-key-missing", "rank-missing",
        "line-as-text", "sha256", "published-without-agrees", "ranking-without-within", "TB-P001-without-computed",
        "TB-P001-with-unit"])
def test_a_wrong_verdict_is_rejected(verdict_schema: dict, tonggu_verdict: dict, edit: Any, path: tuple, keyword: str) -> None:
    verdict = copy.deepcopy(tonggu_verdict)
    edit(verdict)
    assert (path, keyword) in located(errors(verdict_schema, verdict))


# ------------------------------------------------------------------ (b) the shipped rulesets


def test_rulesets_are_shipped() -> None:
    assert TONGGU in RULESETS


@pytest.mark.parametrize("path", RULESETS, ids=[p.stem for p in RULESETS])
def test_shipped_ruleset_matches_the_schema(ruleset_schema: dict, path: Path) -> None:
    data = effective_ruleset(path)
    assert data["tongbao"] == 1 and "extends" not in data
    assert errors(ruleset_schema, data) == []


@pytest.mark.parametrize("path", RULESETS, ids=[p.stem for p in RULESETS])
def test_shipped_ruleset_names_its_schema_on_the_first_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/ruleset.schema.json"


# ------------------------------------------------------------------ (c) the schemas themselves


@pytest.mark.parametrize("path", SHIPPED_SCHEMAS, ids=[p.name.split(".")[0] for p in SHIPPED_SCHEMAS])
def test_schema_is_valid_draft7(path: Path) -> None:
    schema = load_schema(path)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("path", SHIPPED_SCHEMAS, ids=[p.name.split(".")[0] for p in SHIPPED_SCHEMAS])
def test_schema_uses_only_draft7_keywords(path: Path) -> None:
    assert unknown_keywords(load_schema(path)) == []


@pytest.mark.parametrize("path", SHIPPED_SCHEMAS, ids=[p.name.split(".")[0] for p in SHIPPED_SCHEMAS])
def test_every_local_ref_resolves(path: Path) -> None:
    schema = load_schema(path)
    refs = [sub["$ref"] for _, sub in subschemas(schema) if isinstance(sub, dict) and "$ref" in sub]
    assert refs, "the walk found no $ref at all"
    for ref in refs:
        target = resolve(schema, {"$ref": ref})
        assert isinstance(target, (dict, bool)), ref


@pytest.mark.parametrize("path", SHIPPED_SCHEMAS, ids=[p.name.split(".")[0] for p in SHIPPED_SCHEMAS])
def test_objects_with_fixed_keys_are_closed(path: Path) -> None:
    """An object schema listing its properties must also say additionalProperties: false,
    unless it only narrows another schema (an if/then/oneOf branch, a dependency)."""
    schema = load_schema(path)
    open_ = []
    for where, sub in subschemas(schema):
        branch = any(f"/{k}/" in where + "/" for k in (*_MANY, "if", "then", "else", "not", "dependencies"))
        if isinstance(sub, dict) and "properties" in sub and not branch and sub.get("additionalProperties") is not False:
            open_.append(where)
    assert open_ == []


def test_keyword_walk_catches_a_misspelling() -> None:
    bad = {"type": "object", "additionalProperty": False,
           "properties": {"description": {"type": "string", "desciption": "x"}},
           "definitions": {"x": {"oneOf": [{"minLenght": 1}]}}}
    jsonschema.Draft7Validator.check_schema(bad)  # the validator itself does not mind
    assert unknown_keywords(bad) == ["#: additionalProperty", "#/properties/description: desciption",
                                     "#/definitions/x/oneOf/0: minLenght"]


# ------------------------------------------------------------------ (d) wrong rulesets


def test_the_unedited_ruleset_is_valid(ruleset_schema: dict, tonggu_rules: dict) -> None:
    assert errors(ruleset_schema, tonggu_rules) == []


def _band(rules: dict, i: int) -> dict:
    return rules["tiers"]["activity_band"]["bands"][i]


def _figure(rules: dict, figure_id: str) -> dict:
    return next(f for f in rules["summary"] if f["id"] == figure_id)


BAD_RULESETS = [
    ("version-as-number", lambda r: r.update(version=2022.05), ("version",), "type"),
    ("severity-as-text", lambda r: _band(r, 0).update(severity="4"), ("tiers", "activity_band", "bands", 0, "severity"), "type"),
    ("severity-too-high", lambda r: _band(r, 0).update(severity=6), ("tiers", "activity_band", "bands", 0, "severity"), "maximum"),
    ("unknown-key-top", lambda r: r.update(titel="x"), (), "additionalProperties"),
    ("unknown-key-tier", lambda r: r["tiers"]["activity_band"].update(lable="x"), ("tiers", "activity_band"), "additionalProperties"),
    ("unknown-key-field", lambda r: r["units"]["fields"]["registered"].update(colum="x"), ("units", "fields", "registered"), "additionalProperties"),
    ("band-two-bounds", lambda r: _band(r, 1).update(at_least="20%"), ("tiers", "activity_band", "bands", 1), "oneOf"),
    ("band-no-bound", lambda r: _band(r, 1).pop("below"), ("tiers", "activity_band", "bands", 1), "oneOf"),
    ("format-decimals", lambda r: _figure(r, "activation_rate").update(format="percent:2.5"), ("summary", 2, "format"), "pattern"),
    ("format-word", lambda r: r["metrics"]["active"].update(format="percentage"), ("metrics", "active", "format"), "pattern"),
    ("field-type", lambda r: r["units"]["fields"]["activity"].update(type="percentage"), ("units", "fields", "activity", "type"), "enum"),
    ("blank-word", lambda r: r["units"]["fields"]["work_groups"].update(blank="0"), ("units", "fields", "work_groups", "blank"), "enum"),
    ("language-version", lambda r: r.update(tongbao=2), ("tongbao",), "const"),
    ("missing-title", lambda r: r.pop("title"), (), "required"),
    ("ties-word", lambda r: r["ranking"].update(ties="olympic"), ("ranking", "ties"), "enum"),
]


@pytest.mark.parametrize("edit, path, keyword", [c[1:] for c in BAD_RULESETS], ids=[c[0] for c in BAD_RULESETS])
def test_a_wrong_ruleset_is_rejected(ruleset_schema: dict, tonggu_rules: dict, edit: Any, path: tuple, keyword: str) -> None:
    edit(tonggu_rules)
    assert (path, keyword) in located(errors(ruleset_schema, tonggu_rules))


# ------------------------------------------------------------------ (e) descriptions


@pytest.mark.parametrize("path", SHIPPED_SCHEMAS, ids=[p.name.split(".")[0] for p in SHIPPED_SCHEMAS])
def test_every_property_has_a_description(path: Path) -> None:
    schema = load_schema(path)
    assert undescribed_properties(schema) == []
    assert str(schema.get("description", "")).strip()


def test_description_check_catches_a_bare_property() -> None:
    bad = {"definitions": {"n": {"type": "string"}, "d": {"description": "described", "type": "string"}},
           "properties": {"a": {"description": "ok"}, "b": {"type": "string"}, "c": {"$ref": "#/definitions/n"},
                          "d": {"$ref": "#/definitions/d"},
                          "e": {"type": "object", "properties": {"f": {"description": " "}}},
                          "if": {"description": "a property named if is still a property",
                                 "properties": {"g": {"type": "string"}}}},
           "if": {"properties": {"h": {"const": 1}}}, "then": {"properties": {"i": {"type": "string"}}}}
    assert undescribed_properties(bad) == ["#/properties/b", "#/properties/c", "#/properties/e",
                                           "#/properties/e/properties/f", "#/properties/if/properties/g",
                                           "#/then/properties/i"]


PERIODS = sorted((ROOT / "examples").glob("*/period.yaml"))


@pytest.mark.parametrize("path", PERIODS, ids=[p.parent.name for p in PERIODS])
def test_shipped_period_files_match_their_schema_and_name_it(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=../../schemas/period.schema.json"
    assert errors(load_schema(PERIOD_SCHEMA), load_yaml(path)) == []


def test_every_seed_example_has_a_period_file() -> None:
    assert {p.parent.name for p in PERIODS} >= {p.stem for p in RULESETS if p.stem != "national-2019-websites"}
