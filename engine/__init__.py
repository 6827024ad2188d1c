"""tongbao's engine: load a ruleset, evaluate it over a unit table, get a Verdict.

    >>> import tongbao
    >>> rules = tongbao.load_ruleset("rulesets/tonggu-ganzhengtong.yaml")
    >>> verdict = tongbao.evaluate(rules, "examples/tonggu-ganzhengtong/units.csv")
    >>> verdict.to_dict()["parts"][0]["summary"]["units"]
    117

The names below are the public API (docs/api.md); everything else is internal and may move.
Every error a user's input can cause is a :class:`TongbaoError` whose ``problems`` is a list.
"""
from __future__ import annotations

from ._version import __version__

from .data.history import Period, read_history  # noqa: E402
from .errors import CellProblem, DataError, Problem, RulesetError, TongbaoError  # noqa: E402
from .evaluate import evaluate, load_table  # noqa: E402
from .rules.loader import load_ruleset  # noqa: E402
from .rules.model import Ruleset  # noqa: E402
from .verdict import Verdict  # noqa: E402
from .verdict_types import VerdictDict  # noqa: E402

__all__ = [
    "load_ruleset", "evaluate", "load_table", "read_history",
    "Ruleset", "Verdict", "VerdictDict", "Period",
    "TongbaoError", "RulesetError", "DataError", "Problem", "CellProblem",
    "__version__",
]
