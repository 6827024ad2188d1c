"""Load a ruleset: read, check against the schema, build, compile every expression.

One call does all of it and returns an immutable ``Ruleset``; every problem
found is reported together, each with file, line, column and key.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .build import build_ruleset
from .errors import RulesetError
from .ruleset import Ruleset
from .schema import schema_problems
from .yamlfile import read_yaml


def load_ruleset(path: str | Path) -> Ruleset:
    """Read and check the ruleset at ``path``; raise RulesetError listing every problem."""
    doc, raw = read_yaml(path)
    if not isinstance(doc.data, dict):
        raise RulesetError([doc.problem((), "规则集应是一个映射（键: 值），从 tongbao: 1 开始。参见 docs/rulesets.md 的示例。")])
    problems = schema_problems(doc)
    if problems:
        raise RulesetError(problems)
    return build_ruleset(doc, hashlib.sha256(raw).hexdigest())

