"""tongbao's engine: load a ruleset, evaluate it over a unit table, get a Verdict.

    >>> import engine
    >>> rules = engine.load_ruleset("rulesets/tonggu-ganzhengtong.yaml")
    >>> verdict = engine.evaluate(rules, "examples/tonggu-ganzhengtong/units.csv")
    >>> verdict.to_dict()["parts"][0]["summary"]["units"]
    117
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import DataError, RulesetError, TongbaoError  # noqa: E402
from .evaluate import evaluate, load_table  # noqa: E402
from .loader import load_ruleset  # noqa: E402
from .ruleset import Ruleset  # noqa: E402
from .verdict import Verdict  # noqa: E402

__all__ = ["load_ruleset", "evaluate", "load_table", "Ruleset", "Verdict", "TongbaoError", "RulesetError", "DataError", "__version__"]
