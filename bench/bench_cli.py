"""Wall-clock of ``tongbao evaluate`` on the 117-unit Tonggu table, beside ``python -c "import numpy"``.

Run from the repo root:  python bench/bench_cli.py

The target (issue 10.3): the seed evaluate, as JSON and as the terminal report, within 2x
``python -c "import numpy"`` in one paired run. Each command runs as a subprocess, interleaved
round by round (one warm-up round, then --runs timed rounds); medians are compared, and the
load average is recorded at the start and the end (the machine is shared). The evaluate runs
twice per output: with a bytecode cache (as a wheel installs it) and without one (this
environment sets PYTHONDONTWRITEBYTECODE=1, so an editable checkout compiles cli.py and engine/
on every run). Then ``-X importtime`` shows where the imports go, and the in-process steps
(load, evaluate, to_dict, JSON, the terminal report) separate work from start-up.
Results go to bench/results/cli.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_evaluate import machine  # noqa: E402

RULESET = "rulesets/tonggu-ganzhengtong.yaml"
UNITS = "examples/tonggu-ganzhengtong/units.csv"
CLI = ["-m", "tongbao", "evaluate", RULESET, UNITS, "--format", "json"]
CLI_TABLE = ["-m", "tongbao", "evaluate", RULESET, UNITS]
RESULTS = ROOT / "bench" / "results" / "cli.json"
PACKAGES = {"tongbao", "numpy", "yaml", "_yaml", "jsonschema", "jsonschema_specifications", "referencing", "rpds",
            "attr", "attrs", "simpleeval", "typer", "click", "pydantic", "pydantic_core", "rich", "pygments",
            "typing_extensions", "annotated_types", "shellingham"}
BASELINE = "python -c 'import numpy'"
CLI_CACHED = "tongbao evaluate … -f json"
TABLE_CACHED = "tongbao evaluate … (terminal report)"
CLI_NO_CACHE = "tongbao evaluate … -f json, no bytecode cache"
TABLE_NO_CACHE = "tongbao evaluate … (terminal report), no bytecode cache"
COMMANDS: dict[str, tuple[list[str], bool]] = {  # name -> (arguments, use a bytecode cache)
    "python -c pass": (["-c", "pass"], True),
    BASELINE: (["-c", "import numpy"], True),
    CLI_CACHED: (CLI, True),
    TABLE_CACHED: (CLI_TABLE, True),
    CLI_NO_CACHE: (CLI, False),
    TABLE_NO_CACHE: (CLI_TABLE, False),
}
TARGET_X = 2.0  # times the import-numpy baseline
PYCACHE = tempfile.mkdtemp(prefix="tongbao-bench-pycache-")


def run(args: list[str], cached: bool = True) -> subprocess.CompletedProcess[str]:
    """Run python with ``args`` from the repo root.

    cached: .pyc files go to a temporary PYTHONPYCACHEPREFIX (as after an
    install; the repo tree is not touched). Not cached: bytecode writing off,
    so cli.py and engine/ are compiled on every run, as in a checkout run with
    PYTHONDONTWRITEBYTECODE=1; installed packages still use their .pyc files.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    if cached:
        env["PYTHONPYCACHEPREFIX"] = PYCACHE
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{args} failed ({done.returncode}):\n{done.stderr}")
    return done


def wall_clock(runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for round_ in range(runs + 1):
        for name, (args, cached) in COMMANDS.items():
            start = time.perf_counter()
            run(args, cached)
            if round_:  # round 0 fills the bytecode cache and the disk cache
                times[name].append(time.perf_counter() - start)
    return times


def import_times(args: list[str], runs: int) -> dict[str, Any]:
    """Where a command's imports go, medians over ``runs`` of ``-X importtime``.

    "cumulative": top-level packages (no dot in the name, at any depth) with
    everything they pulled in, so rows overlap (engine includes numpy).
    "self_ms": each module's own time summed by its first name part; these do
    not overlap and add up to "total_ms".
    """
    cumulative: dict[str, list[int]] = {}
    by_package: dict[str, list[int]] = {}
    totals = []
    for _ in range(runs):
        own: dict[str, int] = {}
        for line in run(["-X", "importtime", *args]).stderr.splitlines():
            if not line.startswith("import time:") or line.endswith("imported package"):
                continue
            head, cumulative_us, name = line.split("|")
            name = name.strip()
            if "." not in name:
                cumulative.setdefault(name, []).append(int(cumulative_us))
            package = name.split(".")[0].lstrip("_") if name.split(".")[0] in PACKAGES else "(stdlib and other)"
            own[package] = own.get(package, 0) + int(head.split(":")[1])
        for package, us in own.items():
            by_package.setdefault(package, []).append(us)
        totals.append(sum(own.values()))

    def ms(samples: dict[str, list[int]]) -> dict[str, float]:
        rows = {k: round(statistics.median(v + [0] * (runs - len(v))) / 1000, 1) for k, v in samples.items()}
        return dict(sorted(rows.items(), key=lambda kv: -kv[1]))
    return {"total_ms": round(statistics.median(totals) / 1000, 1),
            "cumulative": dict(list(ms(cumulative).items())[:10]), "self_ms": ms(by_package)}


def in_process(runs: int) -> dict[str, float]:
    """Median seconds of each step the evaluate command does after its imports."""
    import io

    import tongbao
    from tongbao.report.terminal import make_console, render
    from tongbao.verdict import dumps

    steps: dict[str, Callable[[], Any]] = {
        "tongbao.load_ruleset": lambda: tongbao.load_ruleset(ROOT / RULESET),
        "tongbao.evaluate (CSV path)": lambda: tongbao.evaluate(rules, ROOT / UNITS),
        "Verdict.to_dict": lambda: verdict.to_dict(),
        "dumps (JSON text)": lambda: dumps(data),
        "terminal report (render)": lambda: render(data, make_console(file=io.StringIO(), width=80)),
    }
    rules = tongbao.load_ruleset(ROOT / RULESET)
    verdict = tongbao.evaluate(rules, ROOT / UNITS)
    data = verdict.to_dict()
    out = {}
    for name, fn in steps.items():
        fn()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        out[name] = statistics.median(samples)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    units = sum(len(part["units"]) for part in json.loads(run(CLI).stdout)["parts"])
    load_before = os.getloadavg()
    times = wall_clock(args.runs)
    load_after = os.getloadavg()
    base = statistics.median(times[BASELINE])
    results = {name: {"median_s": statistics.median(t), "min_s": min(t), "x_import_numpy": round(statistics.median(t) / base, 2),
                      "runs_s": [round(x, 4) for x in t]} for name, t in times.items()}
    print(f"CLI on {units} units, wall clock, medians of {args.runs} runs (load average {load_before[0]:.2f} -> "
          f"{load_after[0]:.2f}):")
    for name in COMMANDS:
        print(f"  {results[name]['median_s'] * 1000:7.1f} ms  {results[name]['x_import_numpy']:5.2f}x  {name}")
    met = {name: results[name]["x_import_numpy"] <= TARGET_X for name in (CLI_CACHED, TABLE_CACHED)}
    print(f"target: within {TARGET_X}x import numpy (bytecode cached, as installed) -> "
          + ", ".join(f"{n}: {'met' if ok else 'MISSED'}" for n, ok in met.items()))

    imports = {"cli": import_times(CLI, 5), "baseline": import_times(COMMANDS[BASELINE][0], 5)}
    cli_self, base_self = imports["cli"]["self_ms"], imports["baseline"]["self_ms"]
    print(f"\nimport time (-X importtime, medians of 5): CLI {imports['cli']['total_ms']} ms, "
          f"import baseline {imports['baseline']['total_ms']} ms; own time of each package's modules:")
    print(f"  {'package':24} {'CLI':>7} {'baseline':>9}")
    for package in list(cli_self)[:12]:
        print(f"  {package:24} {cli_self[package]:7.1f} {base_self.get(package, 0.0):9.1f}")
    print("top-level packages of the CLI with all they import (rows overlap):")
    for package, value in imports["cli"]["cumulative"].items():
        print(f"  {package:24} {value:7.1f}")

    steps = in_process(args.runs)
    print("\nin-process steps after the imports (medians):")
    for name, s in steps.items():
        print(f"  {s * 1000:7.1f} ms  {name}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = {"benchmark": "bench/bench_cli.py", "command": "python " + " ".join(CLI), "units": units, "runs": args.runs,
           "warmup_runs": 1, "machine": machine(), "load_average": {"start": load_before, "end": load_after},
           "results": results, "imports_ms": imports, "in_process_s": steps,
           "target": {"max_x_import_numpy": TARGET_X, "met": met}}
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(PYCACHE, ignore_errors=True)
