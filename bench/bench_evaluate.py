"""Engine evaluation of 1,000,000 synthetic Tonggu-like units beside hand-written numpy.

Run from the repo root:  python bench/bench_evaluate.py   (add --profile for cProfile)

Every case runs in this process on the same columns, interleaved round by round
(one warm-up round, then --runs timed rounds); the medians are compared. The
hand-written version must give the engine's exact results, or the script stops.
Results go to bench/results/evaluate.json.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import os
import platform
import pstats
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import tongbao  # noqa: E402

RULESET = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
RESULTS = ROOT / "bench" / "results" / "evaluate.json"
EDGES = np.array([0.2, 0.5, 0.8, 0.9])


def make_columns(n: int, seed: int = 20220513) -> dict[str, Any]:
    """Tonggu-like units: many rates exactly 100%, some exactly on a band edge."""
    rng = np.random.default_rng(seed)

    def rates(share_full: float, share_edge: float) -> np.ndarray:
        x = rng.random(n)
        pick = rng.random(n)
        x[pick < share_full] = 1.0
        edge = (pick >= share_full) & (pick < share_full + share_edge)
        x[edge] = rng.choice(EDGES, int(edge.sum()))
        return x

    return {
        "单位": [f"单位{i:07d}" for i in range(1, n + 1)],
        "累计注册人数": rng.integers(1, 501, n),
        "累计激活率": rates(0.40, 0.05),
        "活跃率": rates(0.10, 0.10),
        "活跃工作群数": rng.integers(0, 61, n),
    }


@dataclass
class HandResult:
    metrics: dict[str, np.ndarray]
    band: np.ndarray
    flags: dict[str, np.ndarray]
    notices: dict[str, np.ndarray]
    rank: np.ndarray
    figures: dict[str, float]


def rank_shared_by_sort(key: np.ndarray) -> np.ndarray:
    """1-based ranks, equal keys share the best: sort, then look each key up (what the engine does)."""
    return np.searchsorted(np.sort(key), key, side="left") + 1.0


def rank_shared_by_argsort(key: np.ndarray) -> np.ndarray:
    """The same ranks from one argsort: each run of equal sorted keys takes its first position."""
    order = np.argsort(key)  # ties share a rank, so their order among themselves does not matter
    ordered = key[order]
    starts = np.ones(len(key), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    first = np.maximum.accumulate(np.where(starts, np.arange(len(key)), 0))
    ranks = np.empty(len(key))
    ranks[order] = first + 1.0
    return ranks


def hand_written(columns: dict[str, Any], rank_shared: Callable[[np.ndarray], np.ndarray] = rank_shared_by_sort) -> HandResult:
    """The Tonggu rules written directly in numpy, on the same input columns."""
    registered = np.asarray(columns["累计注册人数"], dtype=np.float64)
    activation = np.asarray(columns["累计激活率"], dtype=np.float64)
    activity = np.asarray(columns["活跃率"], dtype=np.float64)
    groups = np.asarray(columns["活跃工作群数"], dtype=np.float64)
    # round half up, with the engine's 1e-9 nudge (values are never negative here)
    activated = np.floor(registered * activation + 0.5 + 1e-9)
    active = np.floor(registered * activity + 0.5 + 1e-9)
    band = np.select([activity < 0.2, activity < 0.5, activity < 0.8, activity < 0.9], [0, 1, 2, 3], default=4)
    short = activation < 1.0
    no_group = groups == 0
    rank = rank_shared(-activity)  # descending
    reg_total, act_total, active_total = registered.sum(), activated.sum(), active.sum()
    figures = {"registered_total": reg_total, "activated_total": act_total, "activation_rate": act_total / reg_total,
               "active_total": active_total, "activity_rate": active_total / reg_total, "work_groups_total": groups.sum()}
    return HandResult({"activated": activated, "active": active}, band,
                      {"activation_short": short, "no_work_group": no_group},
                      {"criticise_activation": short, "name_low_activity": band <= 3}, rank,
                      {k: float(v) for k, v in figures.items()})


def check_same(verdict: tongbao.Verdict, hand: HandResult) -> None:
    """Stop unless the engine and the hand-written version agree exactly."""
    part = verdict.parts[0]  # the Tonggu ruleset has one part
    pairs = [("band", part.bands["activity_band"], hand.band), ("rank", part.rank, hand.rank)]
    pairs += [(f"metric {k}", part.metrics[k], v) for k, v in hand.metrics.items()]
    pairs += [(f"flag {k}", part.flags[k], v) for k, v in hand.flags.items()]
    pairs += [(f"notice {k}", part.notifications[k], v) for k, v in hand.notices.items()]
    for what, ours, theirs in pairs:
        if not np.array_equal(ours, theirs):
            raise SystemExit(f"engine and hand-written differ: {what}")
    figures = {k: v["all"] for k, v in part.figures.items()}
    if figures != hand.figures:
        raise SystemExit(f"engine and hand-written differ: figures {figures} vs {hand.figures}")


def interleaved(cases: dict[str, Callable[[], Any]], runs: int) -> dict[str, list[float]]:
    """Seconds per run for each case; round 0 is a warm-up and is dropped."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for round_ in range(runs + 1):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
            if round_:
                times[name].append(elapsed)
    return times


def summary(samples: list[float]) -> dict[str, Any]:
    return {"median_s": float(np.median(samples)), "min_s": min(samples), "runs_s": [round(t, 4) for t in samples]}


def machine() -> dict[str, Any]:
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "engine"], capture_output=True, text=True)
    return {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "platform": platform.platform(),
            "machine": platform.machine(), "processor": platform.processor() or cpu_model(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "numpy": version("numpy"), "simpleeval": version("simpleeval"),
            "engine_commit": commit.stdout.strip(), "engine_modified": bool(dirty.stdout.strip())}


def cpu_model() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return ""
    return next((line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")), "")


def profile(label: str, fn: Callable[[], Any]) -> None:
    prof = cProfile.Profile()
    prof.runcall(fn)
    print(f"\n--- cProfile: {label} (top 10 by own time)")
    pstats.Stats(prof).sort_stats("tottime").print_stats(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--dict-runs", type=int, default=3, help="runs of Verdict.to_dict() (about 20 s each at 1M)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile of table building and rule evaluation")
    args = parser.parse_args()

    rules = tongbao.load_ruleset(RULESET)
    columns = make_columns(args.units)
    table = tongbao.load_table(rules, columns)
    verdict = tongbao.evaluate(rules, table)
    check_same(verdict, hand_written(columns))
    check_same(verdict, hand_written(columns, rank_shared_by_argsort))
    print(f"{args.units:,} units: engine and hand-written numpy agree (metrics, bands, flags, notices, ranks, figures)")

    cases = {
        "tongbao.evaluate(ruleset, columns)": lambda: tongbao.evaluate(rules, columns),
        "  tongbao.load_table(ruleset, columns)": lambda: tongbao.load_table(rules, columns),
        "  tongbao.evaluate(ruleset, table)": lambda: tongbao.evaluate(rules, table),
        "hand-written numpy": lambda: hand_written(columns),
        "  same, rank by argsort (not the target)": lambda: hand_written(columns, rank_shared_by_argsort),
    }
    results = {name.strip(): summary(t) for name, t in interleaved(cases, args.runs).items()}
    dict_times = []
    for _ in range(args.dict_runs):
        start = time.perf_counter()
        verdict.to_dict()
        dict_times.append(time.perf_counter() - start)
    results["Verdict.to_dict()"] = summary(dict_times)

    hand = results["hand-written numpy"]["median_s"]
    print(f"\n{'case':40} {'median s':>9} {'min s':>7} {'µs/unit':>8} {'× hand':>7}")
    for name in [*cases, "Verdict.to_dict()"]:
        med, low = results[name.strip()]["median_s"], results[name.strip()]["min_s"]
        print(f"{name:40} {med:9.3f} {low:7.3f} {med / args.units * 1e6:8.3f} {med / hand:7.2f}")
    ratio = results["tongbao.evaluate(ruleset, columns)"]["median_s"] / hand
    rules_ratio = results["tongbao.evaluate(ruleset, table)"]["median_s"] / hand
    floor_ratio = results["tongbao.evaluate(ruleset, columns)"]["median_s"] / results["same, rank by argsort (not the target)"]["median_s"]
    min_ratio = results["tongbao.evaluate(ruleset, columns)"]["min_s"] / results["hand-written numpy"]["min_s"]
    verdict_line = "met" if ratio <= 3 else "MISSED"
    print(f"\ntarget: engine within 3x of hand-written -> {ratio:.2f}x, {verdict_line} "
          f"(by minimums {min_ratio:.2f}x; rule evaluation alone {rules_ratio:.2f}x; {floor_ratio:.2f}x the "
          f"argsort-rank version; medians of {args.runs}, to_dict of {args.dict_runs})")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = {"benchmark": "bench/bench_evaluate.py", "units": args.units, "runs": args.runs, "warmup_runs": 1,
           "machine": machine(), "results": results,
           "ratio_engine_to_hand": round(ratio, 3), "ratio_rules_only_to_hand": round(rules_ratio, 3),
           "ratio_engine_to_hand_argsort_rank": round(floor_ratio, 3),
           "ratio_engine_to_hand_by_minimums": round(min_ratio, 3),
           "target": {"max_ratio": 3.0, "met": ratio <= 3}}
    RESULTS.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")

    if args.profile:
        profile("tongbao.load_table(ruleset, columns)", lambda: tongbao.load_table(rules, columns))
        profile("tongbao.evaluate(ruleset, table)", lambda: tongbao.evaluate(rules, table))


if __name__ == "__main__":
    main()
