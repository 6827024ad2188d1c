"""tongbao's engine: load a ruleset, evaluate it over a unit table, get a Verdict.

    >>> import tongbao
    >>> rules = tongbao.load_ruleset("rulesets/tonggu-ganzhengtong.yaml")
    >>> verdict = tongbao.evaluate(rules, "examples/tonggu-ganzhengtong/units.csv")
    >>> verdict.to_dict()["parts"][0]["summary"]["units"]
    117
"""
from __future__ import annotations

from ._version import __version__

from .errors import DataError, RulesetError, TongbaoError  # noqa: E402
from .evaluate import evaluate, load_table  # noqa: E402
from .rules.loader import load_ruleset  # noqa: E402
from .rules.model import Ruleset  # noqa: E402
from .verdict import Verdict  # noqa: E402

__all__ = ["load_ruleset", "evaluate", "load_table", "Ruleset", "Verdict", "TongbaoError", "RulesetError", "DataError", "__version__"]
