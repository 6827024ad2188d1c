"""schemas/verdict.schema.json and engine/verdict_types.py describe the same verdict, key for key.

The walk goes down both at once: at every object it compares the schema's properties with the
TypedDict's keys in both directions (and which are required), then follows each key into lists,
maps, unions, literals and scalars. A key added to one and not the other fails here.
"""
from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

import tongbao
from tongbao import verdict_types
from tongbao.verdict_types import VerdictDict

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "verdict.schema.json").read_text(encoding="utf-8"))
SCALARS = {"string": str, "integer": int, "number": float, "boolean": bool, "null": type(None)}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _members(hint: Any) -> list[Any]:
    return list(get_args(hint)) if get_origin(hint) in (Union, types.UnionType) else [hint]


def _schema_types(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives a schema allows: oneOf branches, or one per entry of a type list."""
    schema = _resolve(schema)
    if "oneOf" in schema:
        return [alt for branch in schema["oneOf"] for alt in _schema_types(branch)]
    if isinstance(schema.get("type"), list):
        return [{**schema, "type": t} for t in schema["type"]]
    return [schema]


def compare(schema: dict[str, Any], hint: Any, where: str, problems: list[str]) -> None:
    alternatives, members = _schema_types(schema), _members(hint)
    if len(alternatives) != len(members):
        problems.append(f"{where}: the schema allows {len(alternatives)} kinds of value, the type {hint!r} {len(members)}")
        return
    unmatched = list(members)
    for alt in alternatives:
        match = next((m for m in unmatched if _same_kind(alt, m)), None)
        if match is None:
            problems.append(f"{where}: nothing in {hint!r} matches the schema's {_kind(alt)}")
            continue
        unmatched.remove(match)
        _compare_one(alt, match, where, problems)


def _kind(schema: dict[str, Any]) -> str:
    if "const" in schema or "enum" in schema:
        return "literal " + repr(schema.get("enum", [schema.get("const")]))
    if "properties" in schema:
        return "object with " + ", ".join(schema["properties"])
    return str(schema.get("type"))


def _same_kind(schema: dict[str, Any], hint: Any) -> bool:
    if "const" in schema or "enum" in schema:
        return get_origin(hint) is Literal
    if "properties" in schema:
        return typing.is_typeddict(hint) and set(get_type_hints(hint)) == set(schema["properties"])
    kind = schema.get("type")
    if kind == "array":
        return get_origin(hint) is list
    if kind == "object":
        return get_origin(hint) is dict
    return hint is SCALARS.get(kind)


def _compare_one(schema: dict[str, Any], hint: Any, where: str, problems: list[str]) -> None:
    if get_origin(hint) is Literal:
        allowed = schema["enum"] if "enum" in schema else [schema["const"]]
        if sorted(map(repr, get_args(hint))) != sorted(map(repr, allowed)):
            problems.append(f"{where}: schema allows {allowed}, the type {get_args(hint)}")
    elif "properties" in schema:
        _compare_object(schema, hint, where, problems)
    elif get_origin(hint) is list:
        compare(schema["items"], get_args(hint)[0], where + "[]", problems)
    elif get_origin(hint) is dict:
        value = schema.get("additionalProperties")
        if isinstance(value, dict):
            compare(value, get_args(hint)[1], where + "{}", problems)
        elif get_args(hint)[1] is not Any:  # an open object ("explain") is dict[str, Any]
            problems.append(f"{where}: the schema gives no value type, the type says {get_args(hint)[1]!r}")


def _compare_object(schema: dict[str, Any], cls: Any, where: str, problems: list[str]) -> None:
    hints = get_type_hints(cls)
    keys, props = set(hints), set(schema["properties"])
    problems += [f"{where}.{k}: in the schema, not in {cls.__name__}" for k in sorted(props - keys)]
    problems += [f"{where}.{k}: in {cls.__name__}, not in the schema" for k in sorted(keys - props)]
    required = set(schema.get("required", []))
    if set(cls.__required_keys__) != required:
        problems.append(f"{where}: required keys differ: schema {sorted(required)}, {cls.__name__} {sorted(cls.__required_keys__)}")
    for key in sorted(keys & props):
        compare(schema["properties"][key], hints[key], f"{where}.{key}", problems)


def test_schema_and_typed_dicts_agree_both_ways() -> None:
    problems: list[str] = []
    compare(SCHEMA, VerdictDict, "verdict", problems)
    assert problems == []


@pytest.mark.parametrize("change", ["drop_key", "add_key", "optional_key", "type"])
def test_the_walk_sees_a_difference(change: str) -> None:
    """The comparison is not vacuous: each kind of drift is reported."""
    schema = json.loads(json.dumps(SCHEMA))
    unit = schema["definitions"]["unit"]
    if change == "drop_key":
        del unit["properties"]["rank"]
        unit["required"].remove("rank")
    elif change == "add_key":
        unit["properties"]["weight"] = {"type": "number"}
    elif change == "optional_key":
        unit["required"].remove("flags")
    else:
        unit["properties"]["line"] = {"type": "string"}
    problems: list[str] = []
    original = SCHEMA["definitions"]["unit"]
    SCHEMA["definitions"]["unit"] = unit
    try:
        compare(schema, VerdictDict, "verdict", problems)
    finally:
        SCHEMA["definitions"]["unit"] = original
    assert problems and all("units[]" in p for p in problems), problems


def test_every_typed_dict_is_reached() -> None:
    """No TypedDict in verdict_types is left out of the walk (a stale class would escape the check)."""
    reached: set[str] = set()

    def visit(hint: Any) -> None:
        for member in _members(hint):
            if typing.is_typeddict(member) and member.__name__ not in reached:
                reached.add(member.__name__)
                for h in get_type_hints(member).values():
                    visit(h)
            for arg in get_args(member) if get_origin(member) in (list, dict) else ():
                visit(arg)

    visit(VerdictDict)
    defined = {name for name, obj in vars(verdict_types).items() if typing.is_typeddict(obj)}
    assert defined == reached


def test_a_real_verdict_has_the_typed_keys() -> None:
    """What to_dict() returns, on a seed with groups, vetoes and ranking, carries every required key."""
    rules = tongbao.load_ruleset(ROOT / "rulesets" / "ganzhou-jiance-2023-08.yaml")
    data = tongbao.evaluate(rules, ROOT / "examples" / "ganzhou-jiance-2023-08").to_dict()
    assert set(VerdictDict.__required_keys__) <= set(data) <= set(get_type_hints(VerdictDict))
    unit = data["parts"][0]["units"][0]
    unit_type = get_type_hints(verdict_types.UnitDict)
    assert set(verdict_types.UnitDict.__required_keys__) <= set(unit) <= set(unit_type)
