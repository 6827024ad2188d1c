"""Load a ruleset: read, check against the schema, build, compile every expression.

One call does all of it and returns an immutable ``Ruleset``; every problem
found is reported together, each with file, line, column and key.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .build import build_ruleset
from ..errors import RulesetError
from .layers import read_layers
from .model import Ruleset
from .schema import schema_problems
from .yamlfile import YamlDoc


def load_ruleset(path: str | Path) -> Ruleset:
    """Read and check the ruleset at ``path``, with the layers it extends; raise RulesetError listing every problem."""
    from .readiness import shape_problems

    doc, layers = resolve(path)
    ruleset = build_ruleset(doc, _fingerprint(layers), tuple(layers))
    problems = shape_problems(ruleset)  # what evaluate would meet on the first unit, said now
    if problems:
        raise RulesetError(problems)
    return ruleset


def resolve(path: str | Path) -> tuple[YamlDoc, list[tuple[str, str]]]:
    """The effective, schema-checked document (layers merged) and its layers."""
    doc, layers = read_layers(path)
    if not isinstance(doc.data, dict):
        raise RulesetError([doc.problem((), "规则集应是一个映射（键: 值），从 tongbao: 1 开始。参见 docs/rulesets.md 的示例。")])
    problems = schema_problems(doc)
    if problems:
        raise RulesetError(problems)
    return doc, layers


def _fingerprint(layers: list[tuple[str, str]]) -> str:
    """One file: its own sha256. Layers: the sha256 of the layers' hashes, nearest first."""
    if len(layers) == 1:
        return layers[0][1]
    return hashlib.sha256("".join(sha + "\n" for _, sha in layers).encode()).hexdigest()

