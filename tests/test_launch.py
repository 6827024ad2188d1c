"""console/launch.py runs a plain ``tongbao evaluate`` without Typer: its option table must be the Typer
command's, every call it takes must mean to it what it means to Click, and everything else goes to Click."""
from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import given, strategies as st

from tongbao.command.cli import app
from tongbao.console import runner
from tongbao.console.launch import EVALUATE_OPTIONS, FORMATS, plain_evaluate

ROOT = Path(__file__).resolve().parent.parent
SEED = ("rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/units.csv")
EVALUATE = typer.main.get_command(app).commands["evaluate"]  # type: ignore[attr-defined]


def _kind(param: Any) -> str:
    if param.is_flag:
        return "flag"
    if param.multiple:
        return "paths"
    if hasattr(param.type, "choices"):
        return "choice"
    return "path" if type(param.type).__name__.endswith("Path") else "text"


def test_the_option_table_is_the_typer_commands() -> None:
    options = [p for p in EVALUATE.params if p.param_type_name == "option" and p.name != "help"]
    table = {opt: (p.name, _kind(p)) for p in options for opt in (*p.opts, *p.secondary_opts)}
    assert table == EVALUATE_OPTIONS
    choices = next(p.type.choices for p in options if p.name == "format")
    assert tuple(choices) == FORMATS
    assert [p.name for p in EVALUATE.params if p.param_type_name == "argument"] == ["ruleset", "data"]
    assert set(inspect.signature(runner.evaluate).parameters) == {p.name for p in EVALUATE.params if p.name != "help"}


def _as_click_reads(args: list[str]) -> dict[str, Any]:
    """Click's reading of ``evaluate args``, with runner.evaluate's defaults and Typer's conversions."""
    params = EVALUATE.make_context("evaluate", list(args)).params
    out: dict[str, Any] = {}
    for name, value in params.items():
        if name in ("ruleset", "data", "period_file") and value is not None:
            value = Path(value)
        elif name == "history":
            value = [Path(v) for v in value] if value else None
        elif name == "format":
            value = getattr(value, "value", value)
        out[name] = value
    return out


def _as_launch_reads(args: list[str]) -> dict[str, Any] | None:
    call = plain_evaluate(["evaluate", *args])
    if call is None:
        return None
    defaults = {n: p.default for n, p in inspect.signature(runner.evaluate).parameters.items() if p.default is not p.empty}
    return {**defaults, **call}


@pytest.mark.parametrize("args", [
    [*SEED], [*SEED, "-f", "json"], ["-f", "json", *SEED], [SEED[0], "--all", SEED[1], "--explain"],
    [*SEED, "-o", "-"], [*SEED, "--format", "xlsx", "-o", "附件.xlsx"], [*SEED, "--encoding", "gbk", "--period", "2022-05"],
    [*SEED, "--history", "a.json", "--history", "b.json", "--period-file", "p.yaml"], [*SEED, "--encoding", ""],
])
def test_a_plain_call_means_what_it_means_to_click(args: list[str]) -> None:
    assert _as_launch_reads(args) == _as_click_reads(args)


@pytest.mark.parametrize("args", [
    ["-h"], [*SEED, "--help"], [*SEED, "--format=json"], [*SEED, "-fjson"], [*SEED, "-f", "JSON"], [*SEED, "-f"],
    [*SEED, "-o", "a", "-o", "b"], [*SEED, "-o", "-f"], [SEED[0]], [*SEED, "extra"], [SEED[0], "-"], [SEED[0], ""],
    [*SEED, "--"], [*SEED, "--no-such"], [*SEED, "--all", "--all"],
])
def test_anything_else_goes_to_click(args: list[str]) -> None:
    assert _as_launch_reads(args) is None


def test_other_commands_and_completion_go_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    assert plain_evaluate(["validate", SEED[0]]) is None and plain_evaluate([]) is None
    assert plain_evaluate(["--version", "evaluate", *SEED]) is None
    monkeypatch.setenv("_TONGBAO_COMPLETE", "bash_complete")
    assert plain_evaluate(["evaluate", *SEED]) is None


def test_on_windows_words_click_would_expand_go_to_click(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer expands ~, %VAR%/$VAR and wildcards in argv on Windows only; the launcher must not read them literally."""
    import types

    from tongbao.console import launch

    monkeypatch.setattr(launch, "os", types.SimpleNamespace(name="nt", environ={}))  # not os.name itself: pathlib would turn Windows
    assert plain_evaluate(["evaluate", *SEED]) is not None
    for word in ("~/判定.json", "%USERPROFILE%/v.json", "$HOME/v.json", "*.json", "v?.json", "[ab].json"):
        assert plain_evaluate(["evaluate", *SEED, "-o", word]) is None, word


WORDS = st.sampled_from(["-f", "--format", "json", "table", "xlsx", "-o", "--output", "out.json", "-", "--encoding", "gbk",
                         "--explain", "--history", "h.json", "--period", "2022-05", "--period-file", "p.yaml", "--all",
                         "a.yaml", "data", "-h", "--format=json", "", "x y"])


@given(st.lists(WORDS, max_size=8))
def test_whatever_the_launcher_takes_click_reads_the_same(args: list[str]) -> None:
    launched = _as_launch_reads(args)
    if launched is not None:
        assert launched == _as_click_reads(args)


def test_a_plain_evaluate_gives_the_same_output_and_exit_codes_as_the_typer_command(tmp_path: Path) -> None:
    env = dict(os.environ, COLUMNS="100")

    def both(*args: str) -> list[tuple[int, str, str]]:
        runs = [[sys.executable, "-m", "tongbao", "evaluate", *args],
                [sys.executable, "-c", f"from tongbao.command.cli import main; main({['evaluate', *args]!r})"]]
        done = [subprocess.run(r, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8") for r in runs]
        return [(d.returncode, d.stdout, d.stderr) for d in done]

    for args, code in (([*SEED, "-f", "json"], 0), ([*SEED], 0), ([SEED[0], "rulesets"], 1), ([*SEED, "-o", SEED[1]], 1)):
        launched, typed = both(*args)
        assert launched == typed and launched[0] == code, args
    assert both(*SEED, "-f", "json")[0][1].startswith('{\n  "tongbao"')


BUG = "import tongbao\ndef bug(*a, **k):\n    raise RuntimeError('a bug planted by the test')\ntongbao.evaluate = bug\n"


@pytest.mark.parametrize("entry", ["from tongbao.console.launch import main", "from tongbao.command.cli import main"])
def test_a_bug_in_either_path_is_exit_3_with_the_traceback_in_a_crash_file(tmp_path: Path, entry: str) -> None:
    """runner.failure_code serves both: the launcher's ``guarded`` and cli.py's ``_guard`` (every Typer command)."""
    script = f"{BUG}{entry}\nmain({['evaluate', *SEED]!r})\n"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ, TMPDIR=str(tmp_path)),
                          capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 3, done.stderr
    assert "抱歉，tongbao 内部出错了" in done.stderr and "Traceback" not in done.stderr and done.stdout == ""
    [report] = tmp_path.glob("tongbao-crash-*.txt")
    assert str(report) in done.stderr and "RuntimeError: a bug planted by the test" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["evaluate", *SEED, "-f", "json"], ["validate", SEED[0]]])
def test_the_collector_is_frozen_before_the_interpreter_tears_down(args: list[str]) -> None:
    """launch.main freezes the tracked objects at exit (the cycle collector over polars' objects is ~0.15 s
    of teardown): the handler registered before main runs after main's own, and sees them frozen."""
    script = ("import atexit, gc, sys\n"
              "atexit.register(lambda: sys.stderr.write(f'frozen {gc.get_freeze_count() > 0}'))\n"
              f"from tongbao.console.launch import main\nmain({args!r})\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 0 and done.stderr.endswith("frozen True"), done.stderr
