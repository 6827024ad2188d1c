"""Where ``tongbao`` (and ``python -m tongbao``) starts: a plain ``evaluate`` call runs without Typer.

Typer and Click take ~50 ms to import and to build the command tree, a third of ``import numpy``; a
seed evaluate must start within 2x that (issue 10.3). A call is plain when Click could read it one way
only: ``evaluate``, its two arguments, and options from ``EVALUATE_OPTIONS`` each written as its own
word with its value as the next (``-f json``; not ``-fjson`` nor ``--format=json``), none repeated but
``--history``, each ``--format`` one of its choices, no value that looks like an option. Anything else
(help, completion, a typo, a missing value, every other command) goes to cli.py's Typer app, so usage
errors keep Click's wording and exit code 2. tests/test_launch.py holds this table to the Typer command's
own parameters and runs the same calls both ways.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

# option -> (evaluate's parameter, kind): text and path take the next word; paths may repeat; flag takes none
EVALUATE_OPTIONS: dict[str, tuple[str, str]] = {
    "--format": ("format", "choice"), "-f": ("format", "choice"), "--output": ("output", "text"), "-o": ("output", "text"),
    "--encoding": ("encoding", "text"), "--explain": ("explain", "flag"), "--history": ("history", "paths"),
    "--period": ("period", "text"), "--period-file": ("period_file", "path"), "--all": ("everything", "flag"),
}
FORMATS = ("table", "json", "xlsx")  # cli.EvaluateFormat's values


def main(argv: Optional[list[str]] = None) -> None:
    _quick_exit()
    call = plain_evaluate(sys.argv[1:] if argv is None else argv)
    if call is None:
        from tongbao.command.cli import main as command_line

        command_line(argv)
        return
    from tongbao.console.runner import evaluate, guarded

    sys.exit(guarded(lambda: evaluate(**call)))


def _quick_exit() -> None:
    """At exit, freeze the objects the collector tracks before the interpreter tears its modules down:
    that teardown runs the cycle collector over every object polars' import made (~0.15 s of every
    command that imported polars, 0.04 s frozen), only to find nothing to free before the process
    ends anyway. The command's files are written and closed by then; stdout is still flushed."""
    import atexit
    import gc

    atexit.register(gc.freeze)


def plain_evaluate(args: list[str]) -> Optional[dict[str, Any]]:
    """evaluate's keyword arguments for a plain ``evaluate …`` call (see above); None for any other."""
    if not args or args[0] != "evaluate" or "_TONGBAO_COMPLETE" in os.environ:
        return None
    if os.name == "nt" and any(c in word for word in args for c in "~$%*?["):
        return None  # on Windows Click expands ~, variables and wildcards itself: let it read these words
    found: dict[str, Any] = {}
    arguments: list[str] = []
    words = iter(args[1:])
    for word in words:
        if not word.startswith("-"):
            arguments.append(word)
            continue
        if word not in EVALUATE_OPTIONS:
            return None
        name, kind = EVALUATE_OPTIONS[word]
        value: Any = True
        if kind != "flag":
            value = next(words, None)
            if value is None or (value.startswith("-") and value != "-") or (kind == "choice" and value not in FORMATS):
                return None
        if kind == "paths":
            found.setdefault(name, []).append(Path(value))
        elif name in found:
            return None
        else:
            found[name] = Path(value) if kind == "path" else value
    if len(arguments) != 2 or "" in arguments:
        return None
    return {"ruleset": Path(arguments[0]), "data": Path(arguments[1]), **found}
