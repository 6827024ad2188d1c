"""tongbao's engine: load a ruleset, evaluate it over a unit table, get a Verdict.

    >>> import tongbao
    >>> rules = tongbao.load_ruleset("rulesets/tonggu-ganzhengtong.yaml")
    >>> verdict = tongbao.evaluate(rules, "examples/tonggu-ganzhengtong/units.csv")
    >>> verdict.to_dict()["parts"][0]["summary"]["units"]
    117

The names below are the public API (docs/api.md); everything else is internal and may move.
Every error a user's input can cause is a :class:`TongbaoError` whose ``problems`` is a list.

Each name is imported on first use (PEP 562 ``__getattr__``): ``import tongbao`` alone, as the
command does before it knows which subcommand runs, loads no engine module, so ``validate``
never pays for the evaluator and ``evaluate`` never for history or period code it does not reach.
"""
from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # what mypy and editors see; at run time __getattr__ imports each on first use
    from .data.history import Period, read_history
    from .errors import CellProblem, DataError, Problem, RulesetError, TongbaoError
    from .evaluate import evaluate, load_table
    from .rules.loader import load_ruleset
    from .rules.model import Ruleset
    from .verdict import Verdict
    from .verdict_types import VerdictDict

_HOMES = {  # public name -> the module that defines it
    "load_ruleset": ".rules.loader", "evaluate": ".evaluate", "load_table": ".evaluate", "read_history": ".data.history",
    "Ruleset": ".rules.model", "Verdict": ".verdict", "VerdictDict": ".verdict_types", "Period": ".data.history",
    "TongbaoError": ".errors", "RulesetError": ".errors", "DataError": ".errors", "Problem": ".errors",
    "CellProblem": ".errors",
}

__all__ = [
    "load_ruleset", "evaluate", "load_table", "read_history",
    "Ruleset", "Verdict", "VerdictDict", "Period",
    "TongbaoError", "RulesetError", "DataError", "Problem", "CellProblem",
    "__version__",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'tongbao' has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Keeps ``tongbao.evaluate`` the function when the submodule of the same name is imported.

    Importing ``tongbao.evaluate`` (the module) binds it as an attribute of the package; an eager
    ``from .evaluate import evaluate`` used to rebind the function over it, and this does the same lazily.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "evaluate" and isinstance(value, types.ModuleType):
            value = value.evaluate
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
