"""The bad-input corpus (issue 11): over 1,000 hostile and mistaken inputs through the CLI.

Cases run in-process through the CLI's entry point (tests/corpus/worker.py), in two worker
processes each under a 2 GiB address-space limit; each run of a case has 10 s (SIGALRM). For every
case: exit 0, 1 or 2; no traceback or crash report; inputs unchanged; nothing left behind after a
failure; the second run byte-identical. Count and run time are recorded in docs/security.md.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "corpus"))  # generate.py and worker.py

from generate import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MEMORY = 2 << 30  # bytes of address space per worker
WORKERS = 2


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def test_the_corpus_holds_over_a_thousand_distinct_cases() -> None:
    names = [c.name for c in corpus()]
    assert len(names) >= 1000 and len(set(names)) == len(names)


def test_every_case_exits_0_1_or_2_cleanly(tmp_path: Path) -> None:
    total = len(corpus())
    bounds = [(i * total // WORKERS, (i + 1) * total // WORKERS) for i in range(WORKERS)]
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, str(ROOT / "tests" / "corpus" / "worker.py"), str(a), str(b), str(tmp_path)],
                              cwd=ROOT, preexec_fn=_limit_memory, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=dict(os.environ, COLUMNS="80", PYTHONHASHSEED="0"))
             for a, b in bounds]
    errors = [p.communicate(timeout=3600)[1].decode("utf-8", "replace") for p in procs]
    elapsed = time.perf_counter() - start
    results = [json.loads(line) for a, _ in bounds for line in (tmp_path / f"results-{a}.jsonl").read_text(encoding="utf-8").splitlines()]
    bad = [r for r in results if r["problems"]]
    print(f"\ncorpus: {len(results)} cases in {elapsed:.0f} s with {WORKERS} workers; "
          f"exits {sorted({r['code'] for r in results})}; slowest {max(r['seconds'] for r in results):.2f} s")
    assert all(p.returncode == 0 for p in procs), errors
    assert len(results) == total >= 1000
    assert not bad, "\n".join(f"{r['name']}: {r['problems']}" for r in bad[:30])
    assert {r["code"] for r in results} <= {0, 1, 2}


def test_the_checker_catches_a_crash_a_leftover_and_a_changed_input(tmp_path: Path, monkeypatch) -> None:
    """The corpus test can fail: a bug (exit 3), a stray file and a touched input are each reported."""
    import signal

    import tongbao.report.atomic as atomic
    from generate import TONGGU, UNITS, Case
    from worker import _alarm, check

    signal.signal(signal.SIGALRM, _alarm)
    case = Case("probe", {"r.yaml": TONGGU, "data/units.csv": UNITS}, ["evaluate", "r.yaml", "data", "-f", "json", "-o", "out.txt"])
    assert check(case, tmp_path)["problems"] == []

    def broken(path: object, text: object) -> None:
        (tmp_path / "probe" / "stray.tmp").write_text("x")
        (tmp_path / "probe" / "data" / "units.csv").write_text("changed")
        raise RuntimeError("a bug")

    monkeypatch.setattr(atomic, "write_atomic", broken)
    monkeypatch.setattr(atomic, "write_atomic_chunks", broken)  # -f json -o streams through this one
    problems = check(case, tmp_path)["problems"]
    assert any(p.startswith("exit 3") for p in problems)
    assert "crash report written" in problems and "input changed: data/units.csv" in problems
    assert any(p.startswith("left behind") for p in problems)
