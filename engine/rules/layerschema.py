"""The ruleset schema as an editor needs it: strict for a whole ruleset, lenient for a layer.

A ruleset that ``extends`` a base writes only what differs: required keys may be absent,
``key: null`` removes the base's entry, and an item merged by id may carry only the keys it
changes. The loader validates the merged document strictly; an editor, though, sees the raw
file. So the shipped schema holds the strict ruleset under ``definitions/ruleset`` and, derived
from it here, a lenient twin of it and of every definition under ``definitions/layer_*``
(nothing required, every value may be null, ``oneOf`` read as ``anyOf``, ``not`` and
``dependencies`` dropped); its root picks the twin when the document has ``extends``.

The twins are generated, never edited: ``python -m tongbao.rules.layerschema schemas/ruleset.schema.json``
rewrites them after a change to the strict part, and a test checks the file is up to date.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PREFIX = "layer_"
DROPPED = frozenset({"required", "not", "dependencies"})  # constraints a partial layer need not meet


def with_layers(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its lenient twins rebuilt from the strict definitions and the root choosing between them."""
    strict = {k: v for k, v in schema["definitions"].items() if not k.startswith(PREFIX)}
    root = {k: v for k, v in schema.items() if k not in ("definitions", "if", "then", "else")}
    twins = {PREFIX + name: _lenient(body, strict) for name, body in strict.items()}
    return {**root, "definitions": {**strict, **twins}, "if": {"required": ["extends"]},
            "then": {"$ref": f"#/definitions/{PREFIX}ruleset"}, "else": {"$ref": "#/definitions/ruleset"}}


def _lenient(schema: Any, strict: dict[str, Any]) -> Any:
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DROPPED:
            continue
        if key == "$ref":
            out[key] = value.replace("#/definitions/", f"#/definitions/{PREFIX}")
        elif key == "properties":
            out[key] = {name: _nullable(sub, strict) for name, sub in value.items()}
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = _nullable(value, strict)
        elif key in ("oneOf", "anyOf"):  # a partial item may match several branches, or one only after merging
            branches = [_lenient(branch, strict) for branch in value]
            if any(b not in ({}, True) for b in branches):  # branches that only required keys say nothing now
                out["anyOf"] = branches
        elif key in ("allOf",):
            out[key] = [_lenient(branch, strict) for branch in value]
        elif key in ("items", "then", "else", "propertyNames"):
            out[key] = _lenient(value, strict) if key != "propertyNames" else value
        else:
            out[key] = value
    return out


def _nullable(schema: Any, strict: dict[str, Any]) -> dict[str, Any]:
    """A value a layer may write as null (to remove the base's entry), keeping its description for hover."""
    described = schema
    while isinstance(described, dict) and "$ref" in described and "description" not in described:
        described = _target(described["$ref"], strict)
    lenient = _lenient(schema, strict)
    if isinstance(lenient, dict):
        lenient = {k: v for k, v in lenient.items() if k != "description"} or True
    out: dict[str, Any] = {"anyOf": [{"type": "null"}, lenient]}
    if isinstance(described, dict) and "description" in described:
        out = {"description": described["description"], **out}
    return out


def _target(ref: str, strict: dict[str, Any]) -> Any:
    """What a local ``#/definitions/…`` reference points at."""
    node: Any = {"definitions": strict}
    for step in ref.removeprefix("#/").split("/"):
        node = node.get(step, {}) if isinstance(node, dict) else {}
    return node


def main(argv: list[str]) -> None:
    """Rewrite the schema file named in ``argv`` with its twins regenerated."""
    path = Path(argv[0])
    schema = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(with_layers(schema), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
