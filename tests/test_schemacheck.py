"""The quick yes/no schema check must agree with jsonschema: it may only ever answer "valid"
where jsonschema finds no error, or a bad ruleset would load without its messages."""
from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings, strategies as st

from tongbao.rules.layers import read_layers
from tongbao.rules.schema import load_schema, schema_problems
from tongbao.rules.schemacheck import Unsupported, is_valid

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted(p for p in (ROOT / "rulesets").glob("*.yaml") if not p.name.endswith(".test.yaml"))
SCHEMA = load_schema("ruleset")
VALIDATOR = jsonschema.Draft7Validator(SCHEMA)


def _agrees(data: object) -> None:
    expected = not any(True for _ in VALIDATOR.iter_errors(data))
    try:
        assert is_valid(SCHEMA, data) == expected
    except Unsupported:
        pass  # falls back to jsonschema: never wrong


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.stem)
def test_every_shipped_ruleset_is_valid_without_jsonschema(path: Path) -> None:
    doc, _ = read_layers(path)
    assert is_valid(SCHEMA, doc.data) is True
    assert schema_problems(doc) == []


def _paths(data: object, at: tuple = ()) -> list[tuple]:
    out = [at]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, at + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, at + (i,))
    return out


DOCS = [read_layers(p)[0].data for p in RULESETS]
REPLACEMENTS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 200, allow_nan=False),
                         st.sampled_from(["", "x", "percent:2", "below", "otherwise", "1.5", "A"]),
                         st.just([]), st.just({}), st.just({"bogus": 1}), st.just([{"id": "x"}]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(DOCS))), st.data(), REPLACEMENTS, st.sampled_from(["replace", "delete", "add"]))
def test_mutated_rulesets_get_the_same_answer_as_jsonschema(which: int, data: st.DataObject, value: object, how: str) -> None:
    doc = copy.deepcopy(DOCS[which])
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if how == "delete":
        del parent[path[-1]]
    elif how == "add" and isinstance(parent, dict):
        parent["x_" + str(path[-1])] = value
    else:
        parent[path[-1]] = value
    _agrees(doc)


def test_true_and_one_differ_and_refs_resolve() -> None:
    schema = {"definitions": {"flag": {"enum": [True]}}, "type": "object",
              "properties": {"a": {"$ref": "#/definitions/flag"}}, "additionalProperties": False}
    assert is_valid(schema, {"a": True})
    assert not is_valid(schema, {"a": 1})
    assert not is_valid(schema, {"b": True})
    with pytest.raises(Unsupported):
        is_valid({"uniqueItems": True}, [1])


def test_if_then_else_picks_the_branch() -> None:
    schema = {"if": {"required": ["extends"]}, "then": {"required": ["a"]}, "else": {"required": ["b"]}}
    assert is_valid(schema, {"extends": "x", "a": 1}) and not is_valid(schema, {"extends": "x", "b": 1})
    assert is_valid(schema, {"b": 1}) and not is_valid(schema, {"a": 1})
    assert is_valid({"if": {"type": "string"}, "then": {"minLength": 2}}, 5)  # no else: anything goes
