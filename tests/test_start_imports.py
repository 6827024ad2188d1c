"""Start-up: the evaluate path imports only what it uses (issue 10.3; bench/bench_cli.py measures the time).

A seed ``tongbao evaluate`` must start within 2x ``python -c "import numpy"``. Each library below
costs tens of milliseconds to import and serves another command or another kind of input, so
importing one on the way to a seed's verdict is a regression this test names. The list of modules
is ``sys.modules`` when the real command exits, so late imports inside functions count (``-X importtime``
would miss modules loaded by ``importlib.import_module``, as tongbao's lazy ``__getattr__`` loads them).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ["rulesets/tonggu-ganzhengtong.yaml", "examples/tonggu-ganzhengtong/"]
# Libraries for other inputs and outputs (records, big CSVs, workbooks, circulars, the annex), for
# invalid rulesets and verdict checks (jsonschema), and pydantic (typer >= 0.29 would bring it).
LIBRARIES = {"duckdb", "polars", "pyarrow", "jinja2", "docx", "xlsxwriter", "python_calamine", "openpyxl", "pydantic",
             "jsonschema", "referencing", "pyspark", "chinese_calendar"}
# Modules only an error message or a type checker needs (each ~1-5 ms).
ON_DEMAND = {"difflib", "importlib.resources", "zipfile", "tongbao.verdict_types"}
ENGINE_MODULES = {"tongbao.data.records", "tongbao.data.sql", "tongbao.rules.records", "tongbao.data.workbook",
                  "tongbao.report.circular", "tongbao.report.docx", "tongbao.report.annex", "tongbao.tools"}


def imported(code: str, tmp_path: Path) -> set[str]:
    """Every module loaded when ``code`` has run and the interpreter exits."""
    listing = tmp_path / "modules.txt"
    script = (f"import atexit, sys\n"
              f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sys.modules)))\n{code}")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return set(listing.read_text().split())


def command(*args: str) -> str:
    """The ``tongbao`` entry point (console/launch.py), as the installed command and ``python -m tongbao`` run it."""
    return f"from tongbao.console.launch import main\nmain({list(args)!r})"


def unwanted(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in LIBRARIES or any(m == e or m.startswith(e + ".") for e in ENGINE_MODULES)}


@pytest.mark.parametrize("output", [["-f", "json"], []])
def test_a_seed_evaluate_imports_nothing_it_does_not_use(output: list[str], tmp_path: Path) -> None:
    modules = imported(command("evaluate", *SEED, *output, "-o", str(tmp_path / "out")), tmp_path)
    assert "numpy" in modules and "tongbao.evaluate" in modules  # the check sees the real run
    assert unwanted(modules) == set()
    assert "rich.console" not in modules  # a file gets the report as plain text (report/plaintext.py): Rich draws a terminal
    assert not {m for m in modules if m.split(".")[0] == "typer" or m == "tongbao.command.cli"}  # a plain call skips Typer
    assert modules & ON_DEMAND == set()


def test_import_tongbao_alone_loads_no_engine_module(tmp_path: Path) -> None:
    modules = imported("import tongbao; assert 'load_ruleset' in tongbao.__all__", tmp_path)
    assert not {m for m in modules if m.startswith("tongbao.")} - {"tongbao._version"}
    assert "numpy" not in modules


def test_the_checker_notices_a_planted_import(tmp_path: Path) -> None:
    modules = imported("import importlib, jsonschema; importlib.import_module('tongbao.data.workbook')", tmp_path)
    assert {"tongbao.data.workbook", "jsonschema"} <= unwanted(modules)


def test_jsonschema_is_built_once_and_only_for_an_invalid_ruleset(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / SEED[0]).read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    script = ("import sys, jsonschema, tongbao\n"
              "built = []\n"
              "real = jsonschema.Draft7Validator\n"
              "def counting(*a, **k):\n"
              "    built.append(1)\n"
              "    return real(*a, **k)\n"
              "jsonschema.Draft7Validator = counting\n"
              f"tongbao.load_ruleset({SEED[0]!r})\n"
              "print(len(built))\n"
              "for _ in range(3):\n"
              "    try:\n"
              f"        tongbao.load_ruleset({str(bad)!r})\n"
              "    except tongbao.RulesetError as exc:\n"
              "        assert 'titel' in str(exc)\n"
              "print(len(built))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["0", "1"]  # none for the valid ruleset, one for three invalid loads
