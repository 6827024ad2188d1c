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


def test_the_hand_checked_patterns_are_the_schemas() -> None:
    from tongbao.rules.schemacheck import FAST_PATTERNS

    used: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            used.update([node["pattern"]] if isinstance(node.get("pattern"), str) else [])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_schema("ruleset"))
    assert set(FAST_PATTERNS) <= used and len(FAST_PATTERNS) == 2


PATTERN_TEXT = st.text(alphabet=st.sampled_from(list("aZ_09-.%\n 一鿿\u4dff\ua000é٣")), max_size=70)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(PATTERN_TEXT, st.text(max_size=5), st.builds(lambda n: "a" * n, st.integers(60, 66))))
def test_hand_checked_patterns_agree_with_re(text: str) -> None:
    import re

    from tongbao.rules.schemacheck import FAST_PATTERNS

    for pattern, check in FAST_PATTERNS.items():
        assert check(text) == (re.search(pattern, text) is not None), (pattern, text)


@pytest.mark.parametrize("text,name,either", [
    ("活跃率", True, True), ("score_2", True, True), ("2score", False, False), ("a" * 64, True, True), ("a" * 65, False, False),
    ("80%", False, True), ("-12.5%", False, True), ("12.%", False, False), ("--1%", False, False), ("rate\n", True, True),
    ("rate\n\n", False, False), ("", False, False), ("一鿿", True, True), ("\u4dff", False, False), ("٣%", False, False)])
def test_hand_checked_patterns_on_chosen_cases(text: str, name: bool, either: bool) -> None:
    from tongbao.rules.schemacheck import FAST_PATTERNS

    checks = list(FAST_PATTERNS.values())
    assert (checks[0](text), checks[1](text)) == (name, either)
