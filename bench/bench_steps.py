"""The engine's slow steps at 1,000,000 units, each beside the replacement proposed in docs/performance.md.

Run from the repo root:  python bench/bench_steps.py

cProfile of bench_evaluate.py --profile names these steps. Each row times the
engine's code (private functions included: this is a measurement, not an API)
against a replacement that must give the same result, interleaved round by
round, medians of --runs. Results go to bench/results/steps.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_evaluate import interleaved, machine, make_columns, summary  # noqa: E402
from tongbao.data import fingerprint, tables  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "steps.json"


def names_as_engine(column: Any) -> list[str]:
    """A copy of how tables.table_from_columns turns the key column into names (at 000a02d)."""
    return np.asarray(column).astype(str).astype(object).tolist()


def names_proposed(column: Any) -> list[str]:
    """Proposed: Python strings straight from a list; one tolist() for an array."""
    return [str(n) for n in (column.tolist() if isinstance(column, np.ndarray) else column)]


def digest_names_proposed(names: list[str]) -> str:
    """Proposed: hash the names list table_from_columns already built (same bytes as fingerprint.digest hashes)."""
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def names_ok_by_set(names: list[str]) -> bool:
    """Proposed fast path inside _check_names: nothing to report when all names are distinct and none is blank."""
    seen = set(names)
    return len(seen) == len(names) and "" not in seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    columns = make_columns(args.units)
    names: list[str] = columns["单位"]
    names_array = np.array(names)  # the same names as a numpy str array, the other way callers pass them
    lines = np.arange(1, len(names) + 1, dtype=np.int64)

    def check_names() -> bool:
        problems = tables._Problems("<bench>")
        tables._check_names(names, lines, "单位", problems)
        return not problems.items

    checks = {
        "names from a list": names_as_engine(names) == names_proposed(names),
        "names from an array": names_as_engine(names_array) == names_proposed(names_array),
        "digest": fingerprint.digest(names) == digest_names_proposed(names),
        "name check": check_names() == names_ok_by_set(names),
    }
    if not all(checks.values()):
        raise SystemExit(f"a proposed replacement differs from the engine: {checks}")

    cases: dict[str, Callable[[], Any]] = {
        "names from a list: astype(str).astype(object) (engine)": lambda: names_as_engine(names),
        "names from a list: [str(n) ...] (proposed)": lambda: names_proposed(names),
        "names from a str array: astype (engine)": lambda: names_as_engine(names_array),
        "names from a str array: tolist (proposed)": lambda: names_proposed(names_array),
        "_digest(names): asarray, tolist, join (engine)": lambda: fingerprint.digest(names),
        "digest of the names list: join (proposed)": lambda: digest_names_proposed(names),
        "_check_names: dict loop (engine, CSV path)": check_names,
        "name check: set, loop only on a problem (proposed)": lambda: names_ok_by_set(names),
    }
    results = {name: summary(t) for name, t in interleaved(cases, args.runs).items()}
    print(f"{args.units:,} units, medians of {args.runs} (every replacement checked equal to the engine's result):")
    for name, r in results.items():
        print(f"  {r['median_s']:7.3f} s  {name}")
    out = {"benchmark": "bench/bench_steps.py", "units": args.units, "runs": args.runs, "warmup_runs": 1,
           "machine": machine(), "results": results}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
