"""The engine's slow steps at 1,000,000 units, each beside the replacement proposed in docs/performance.md.

Run from the repo root:  python bench/bench_steps.py

cProfile of bench_evaluate.py --profile names these steps. Each row times the
engine's own function (private ones included: this is a measurement, not an
API) against a replacement that must give the same result, interleaved round by
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
from bench_evaluate import interleaved, machine, make_columns, rank_shared_by_argsort, summary  # noqa: E402
import engine  # noqa: E402
from engine import tables  # noqa: E402
from engine.evaluate import rank_values  # noqa: E402
from engine.history import Period, held_before, streaks  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "steps.json"
RULESET = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"


def rank_shared_proposed(values: np.ndarray, descending: bool) -> np.ndarray:
    """Proposed rank_values(..., "shared"): NaN gets no rank, the rest as rank_shared_by_argsort."""
    ranks = np.full(len(values), np.nan)
    valid = ~np.isnan(values)
    ranks[valid] = rank_shared_by_argsort(-values[valid] if descending else values[valid])
    return ranks


def names_ok_by_set(names: list[str]) -> bool:
    """Proposed fast path for _check_names: no problem to list when all names are distinct and none is blank."""
    seen = set(names)
    return len(seen) == len(names) and "" not in seen


def digest_names_by_join(names: list[str]) -> str:
    """Proposed _digest for a text column: hash the joined text instead of repr(np.asarray(names).tolist())."""
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def streaks_proposed(esc: Any, now: np.ndarray, names: list[str], part_id: str,
                     history: list[Period], period: str) -> tuple[np.ndarray, dict[int, list[str]]]:
    """Proposed history.streaks: visit only the units the condition holds for now, skip all when no streak can
    be long enough, and keep cited periods by unit index (a dict) instead of one list per unit."""
    hit = np.zeros(len(names), dtype=bool)
    cited: dict[int, list[str]] = {}
    if esc.periods > len(history) + 1:
        return hit, cited
    for i in np.flatnonzero(now).tolist():
        run = [period]
        for h in reversed(history):
            if not held_before(esc, h.parts.get(part_id, {}).get(names[i])):
                break
            run.append(h.period)
        if len(run) >= esc.periods:
            hit[i] = True
            cited[i] = run[::-1]
    return hit, cited


def same_streaks(current: tuple[np.ndarray, list[list[str]]], proposed: tuple[np.ndarray, dict[int, list[str]]]) -> bool:
    hit, cited = current
    return np.array_equal(hit, proposed[0]) and all(cited[i] == proposed[1][i] for i in np.flatnonzero(hit).tolist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    columns = make_columns(args.units)
    names: list[str] = columns["单位"]
    lines = np.arange(1, len(names) + 1, dtype=np.int64)
    activity = np.asarray(columns["活跃率"], dtype=np.float64).copy()
    activity[::97] = np.nan  # some units without a value: they get no rank either way

    def check_names() -> bool:
        problems = tables._Problems("<bench>")
        tables._check_names(names, lines, "单位", problems)
        return not problems.items

    rules = engine.load_ruleset(RULESET)
    part, esc = rules.parts[0], rules.parts[0].escalations[0]  # Tonggu: two periods below 80% activity
    now = np.asarray(columns["活跃率"]) < 0.8
    earlier = {name: {"bands": {"activity_band": "below_50"}} for name in names[::3]}
    last_period = [Period("2022-04", rules.id, rules.version, "<bench>", {part.id: earlier})]
    streak_args = (esc, now, names, part.id)
    for history in ([], last_period):
        if not same_streaks(streaks(*streak_args, history, rules.period), streaks_proposed(*streak_args, history, rules.period)):
            raise SystemExit("proposed streaks differ from history.streaks")

    if not np.array_equal(rank_values(activity, True, "shared"), rank_shared_proposed(activity, True), equal_nan=True):
        raise SystemExit("proposed rank differs from rank_values")
    if check_names() != names_ok_by_set(names):
        raise SystemExit("proposed name check differs from _check_names")

    cases: dict[str, Callable[[], Any]] = {
        "rank_values(shared): sort + searchsorted (engine)": lambda: rank_values(activity, True, "shared"),
        "rank shared: argsort + run starts (proposed)": lambda: rank_shared_proposed(activity, True),
        "_check_names: dict loop (engine)": check_names,
        "names check: set, loop only on a problem (proposed)": lambda: names_ok_by_set(names),
        "_digest(names): repr(tolist()) (engine)": lambda: tables._digest(names),
        "names digest: sha256 of joined text (proposed)": lambda: digest_names_by_join(names),
        "[str(n) for n in names] (engine, for scale)": lambda: [str(n) for n in names],
        "history.streaks, no history (engine)": lambda: streaks(*streak_args, [], rules.period),
        "streaks, no history (proposed)": lambda: streaks_proposed(*streak_args, [], rules.period),
        "history.streaks, one earlier period (engine)": lambda: streaks(*streak_args, last_period, rules.period),
        "streaks, one earlier period (proposed)": lambda: streaks_proposed(*streak_args, last_period, rules.period),
    }
    results = {name: summary(t) for name, t in interleaved(cases, args.runs).items()}
    print(f"{args.units:,} units, medians of {args.runs}:")
    for name, r in results.items():
        print(f"  {r['median_s']:7.3f} s  {name}")
    out = {"benchmark": "bench/bench_steps.py", "units": args.units, "runs": args.runs, "warmup_runs": 1,
           "machine": machine(), "results": results}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
