"""Scale benchmarks (issue 10): the 1M-row CSV to a JSON file, the engine at 10k..10M units beside
hand-written numpy, a yanjiang-shaped ruleset at 1M units per part beside hand-written numpy, and
the seed CLI beside ``python -c "import numpy"``.

Run from the repo root:  python bench/bench_scale.py [--quick]     (results: bench/results/scale.json)

Every comparison is made in one process (or paired subprocess runs), cases interleaved, medians
reported: the machine is shared (2 cores, 8 users), so absolute times drift with its load while
ratios within one run hold better. The load average is recorded with each run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import tongbao  # noqa: E402
from bench_evaluate import check_same, hand_written, machine, make_columns, rank_shared_by_argsort  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "scale.json"
TONGGU = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
YANJIANG = ROOT / "rulesets" / "yanjiang-xinxi-2020q3.yaml"


def interleaved(cases: dict[str, Callable[[], Any]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {k: [] for k in cases}
    for k, fn in cases.items():  # warm-up
        fn()
    for _ in range(runs):
        for k, fn in cases.items():
            start = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}


# ------------------------------------------------------------------ 1M-row CSV -> JSON file

def write_tonggu_csv(path: Path, n: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    reg = rng.integers(1, 501, n)
    a = np.round(rng.random(n) * 100, 2)
    a[rng.random(n) < 0.4] = 100
    b = np.round(rng.random(n) * 100, 2)
    groups = rng.integers(0, 61, n)
    with path.open("w", encoding="utf-8") as f:
        f.write("序号,单位,累计注册人数,累计激活率,活跃率,活跃工作群数\n")
        for start in range(0, n, 100_000):
            f.write("".join(f"{i + 1},单位{i + 1:08d},{reg[i]},{a[i]:g}%,{b[i]:.2f}%,{groups[i]}\n"
                            for i in range(start, min(n, start + 100_000))))


def csv_to_json(path: Path, out: Path) -> dict[str, Any]:
    """One run of the installed command in a child process: its wall time, CPU seconds (user + sys,
    which the machine's load changes less than wall time) and peak RSS, from wait4 on that child."""
    return _child([sys.executable, "-m", "tongbao", "evaluate", str(TONGGU), str(path), "-f", "json", "-o", str(out)], out)


def fresh(out: Path) -> Path:
    """``out`` with no file there: the run writes a new file. Writing over the last run's output also
    frees the old file (its blocks and cached pages) in the rename, ~0.4 s for 600 MB on this VM's
    ext4, a cost of replacing a file, not of the verdict: measured apart (over_its_last_output)."""
    out.unlink(missing_ok=True)
    os.sync()  # the freed blocks are written back before the timed run, not during it
    return out


def disk_floor(size_of: Path, out: Path) -> dict[str, Any]:
    """The same number of bytes written through the atomic writer from memory in a child: what the
    disk and the page cache cost here, whatever builds the text."""
    code = ("import sys; from tongbao.report.atomic import write_atomic_chunks; n = int(sys.argv[1]); "
            "write_atomic_chunks(sys.argv[2], (b'x' * min(n - i, 50_000_000) for i in range(0, n, 50_000_000)))")
    return _child([sys.executable, "-c", code, str(size_of.stat().st_size), str(out)], out)


def _child(command: list[str], out: Path) -> dict[str, Any]:
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(child.stderr.read().decode() if child.stderr else "failed")
    return {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "json_mb": round(out.stat().st_size / 1e6, 1), "load_average": [round(x, 2) for x in os.getloadavg()]}


STAGES = """
import json, os, resource, sys, time
def clock():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), r.ru_utime + r.ru_stime
out, last = {}, clock()
def stage(name):
    global last
    now = clock()
    out[name] = {"wall_s": round(now[0] - last[0], 3), "cpu_s": round(now[1] - last[1], 3)}
    last = clock()
import tongbao
from tongbao.data.csvfile import read_csv
from tongbao.data.tables import Layout, table_from_cells
from tongbao.evaluate import evaluate
from tongbao.report.atomic import write_atomic_chunks
from tongbao.report.jsonout import verdict_chunks
rules = tongbao.load_ruleset(sys.argv[1])
stage("start-up and ruleset")
raw = read_csv(sys.argv[2])
stage("read CSV (polars, text columns)")
part = rules.parts[0]
table = table_from_cells(Layout.of(part.units), sys.argv[2], raw.header, raw.columns, raw.lines, raw.sha256, raw.encoding)
stage("type the table")
del raw
ev = sys.modules["tongbao.evaluate"]
ev.load_part_table = lambda *args, **kw: table  # the rules alone on the table typed above
verdict = evaluate(rules, sys.argv[2])
stage("evaluate the rules")
chunks = list(verdict_chunks(verdict))
stage("build the JSON text")
write_atomic_chunks(sys.argv[3], chunks)
stage("write (atomic, fsync)")
print(json.dumps(out))
"""


def stage_breakdown(path: Path, out: Path) -> dict[str, Any]:
    """Where one CSV -> JSON run's time goes, stage by stage, in a fresh child (the JSON held whole
    between building and writing, so the two are timed apart; the command streams them)."""
    done = subprocess.run([sys.executable, "-c", STAGES, str(TONGGU), str(path), str(out)], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return dict(json.loads(done.stdout))


# ------------------------------------------------------------------ engine in memory vs numpy

def engine_vs_numpy(n: int, runs: int) -> dict[str, Any]:
    """The engine on n units in memory beside the hand-written numpy, two ways: on the typed table (the
    rules alone, as the issue's own "Tonggu rules alone 1.8x" was measured, and as the yanjiang case is)
    and from the caller's columns (the table built and every name checked first, each run)."""
    rules = tongbao.load_ruleset(TONGGU)
    columns = make_columns(n)
    table = tongbao.load_table(rules, columns)
    check_same(tongbao.evaluate(rules, table), hand_written(columns))
    check_same(tongbao.evaluate(rules, columns), hand_written(columns))
    medians = interleaved({
        "engine on the typed table": lambda: tongbao.evaluate(rules, table),
        "engine from columns": lambda: tongbao.evaluate(rules, columns),
        # The input's sha256 is computed when the verdict's header is first built (tables.Table.sha256):
        # this case pays for it, as every caller that writes the verdict does.
        "engine from columns + verdict header": lambda: tongbao.evaluate(rules, columns).to_dict(units=False),
        "load_table (columns to typed table)": lambda: tongbao.load_table(rules, columns),
        "numpy (searchsorted ranks)": lambda: hand_written(columns),
        "numpy (one argsort)": lambda: hand_written(columns, rank_shared_by_argsort),
    }, runs)
    base = medians["numpy (one argsort)"]
    return {"units": n, "median_s": {k: round(v, 4) for k, v in medians.items()},
            "ns_per_unit": {k: round(v / n * 1e9, 1) for k, v in medians.items()},
            "engine_on_table_x_numpy_argsort": round(medians["engine on the typed table"] / base, 2),
            "engine_from_columns_x_numpy_argsort": round(medians["engine from columns"] / base, 2),
            "engine_from_columns_with_header_x_numpy_argsort": round(medians["engine from columns + verdict header"] / base, 2),
            "engine_from_columns_x_numpy_searchsorted": round(medians["engine from columns"] / medians["numpy (searchsorted ranks)"], 2)}


# ------------------------------------------------------------------ ranking's sort past 1M

def ranking_sort(n: int, runs: int) -> dict[str, Any]:
    """The one sort a ranking needs, on Tonggu-like activity rates (descending): numpy's stable
    argsort (what the engine used), its default argsort (not stable), and sortorder.stable_order."""
    from tongbao.sortorder import stable_order

    key = -np.asarray(make_columns(n)["活跃率"], dtype=np.float64)
    if not np.array_equal(stable_order(key)[0], np.argsort(key, kind="stable")):
        raise SystemExit("stable_order differs from the stable argsort")
    medians = interleaved({"argsort stable": lambda: np.argsort(key, kind="stable"),
                           "argsort (quicksort, not stable)": lambda: np.argsort(key),
                           "sortorder.stable_order": lambda: stable_order(key)}, runs)
    return {"units": n, "ns_per_unit": {k: round(v / n * 1e9, 1) for k, v in medians.items()}}


# ------------------------------------------------------------------ yanjiang-shaped, 1M per part

def yanjiang_tables(n: int, folder: Path) -> dict[str, Any]:
    """Four CSVs (two parts x two groups, n/2 units each). The published columns are written as a
    spreadsheet writes them (half up, formatmany.format_many), and one row in a thousand carries a
    deliberate slip (a published figure one step off), which the audit must find."""
    from tongbao.rules.formatmany import format_many
    from tongbao.rules.formatting import Format

    rng = np.random.default_rng(7)
    half = n // 2
    tables: dict[str, Any] = {}
    for group, points_a, points_b in (("区级部门", 6, 3), ("镇街", 8, 5)):
        quota = rng.integers(1, 40, half)
        sent = rng.integers(0, 80, half)
        completion = sent / quota
        score = 5 * np.minimum(1, completion)
        slips = rng.random((4, half)) < 0.001
        shown_score = format_many(score + slips[0] * 0.01, Format("number", 2))
        shown_rate = format_many(completion + slips[1] * 0.0001, Format("percent", 2))
        names = [f"{group}{i:07d}" for i in range(half)]
        with (folder / f"{group}报送.csv").open("w", encoding="utf-8") as f:
            f.write("序号,单位,报送任务（条）,报送条数,报送得分,完成率\n")
            f.write("".join(f"{i + 1},{names[i]},{quota[i]},{sent[i]},{shown_score[i]},{shown_rate[i]}\n" for i in range(half)))
        target = rng.integers(10, 40, half)
        counts = rng.integers(0, 6, (6, half))
        total = 5 * counts[0] + points_a * counts[1] + points_b * counts[2] + 10 * counts[3] + 8 * counts[4] + 20 * counts[5]
        shown_share = format_many(total / target + slips[3] * 0.01, Format("percent", 0))
        with (folder / f"{group}采用.csv").open("w", encoding="utf-8") as f:
            f.write("序号,单位,年度任务,采编条数,区级采用信息,区级采用简讯,市级采用信息,市级采用简讯,省级采用,总分,占比\n")
            f.write("".join(f"{i + 1},{names[i]},{target[i]},{','.join(str(c) for c in counts[:, i])},{total[i] + slips[2, i]},"
                            f"{shown_share[i]}\n" for i in range(half)))
    rules = tongbao.load_ruleset(YANJIANG)
    from tongbao.data.inputs import Inputs

    inputs = Inputs(rules, folder, None)
    for part in rules.parts:  # the typed tables, so the timing below is the rules, audits and summaries
        for name in [f for _, f in part.units.files]:
            tables[name] = inputs.table(name, _layout(part))
    return tables


def _layout(part: Any) -> Any:
    from tongbao.data.tables import Layout

    return Layout.of(part.units, {m.check for m in part.metrics if m.check})


GROUPS = (("departments", "区级部门", 6, 3), ("towns", "镇街", 8, 5))


def _half_up(x: np.ndarray, decimals: int, scale: float) -> np.ndarray:
    """Half away from zero at ``decimals`` (in units of 1/scale), as a hand-written version would: a 1e-9 nudge."""
    return np.floor(np.abs(x) * scale * 10.0**decimals + 0.5 + 1e-9)


def _summary(*masks_and_sums: np.ndarray) -> list[float]:
    return [float(np.count_nonzero(x)) if x.dtype == bool else float(x.sum()) for x in masks_and_sums]


def yanjiang_by_hand(tables: dict[str, Any]) -> dict[str, Any]:
    """The yanjiang rules in numpy, per group: metrics, audits at the printed precision, bands, flags,
    notices, ranks within the group (one argsort), the group and overall summaries."""
    out: dict[str, Any] = {}
    for group, prefix, points_a, points_b in GROUPS:
        t = tables[f"{prefix}报送.csv"].columns
        completion = t["sent"] / t["quota"]
        score = 5 * np.minimum(1, completion)
        audit = {"completion": _half_up(completion, 2, 100) != _half_up(t["completion_published"], 2, 100),
                 "score": _half_up(score, 2, 1) != _half_up(t["score_published"], 2, 1)}
        band = np.where(completion > 1, 0, np.where(completion >= 1, 1, 2))
        nothing = t["sent"] == 0
        figures = _summary(np.ones(len(band), bool), band <= 1, band == 2, band == 0, nothing, t["sent"])
        out["submission", group] = {"metrics": {"completion": completion, "score": score}, "audit": audit, "band": band,
                                    "flags": {"nothing_sent": nothing}, "notices": {"name_not_completed": band == 2},
                                    "figures": figures}
        a = tables[f"{prefix}采用.csv"].columns
        total = (5 * a["reported"] + points_a * a["district_article"] + points_b * a["district_brief"]
                 + 10 * a["city_article"] + 8 * a["city_brief"] + 20 * a["province_article"])
        share = total / a["target"]
        audit = {"total": _half_up(total, 0, 1) != _half_up(a["total_published"], 0, 1),
                 "share": _half_up(share, 0, 100) != _half_up(a["share_published"], 0, 100)}
        band = np.where(share >= 0.25, 0, 1)
        zero = total == 0
        figures = _summary(a["district_article"] + a["district_brief"], a["city_article"] + a["city_brief"],
                           a["province_article"], band == 0, band == 1, zero)
        out["adoption", group] = {"metrics": {"total": total, "share": share}, "audit": audit, "band": band,
                                  "flags": {"zero_score": zero}, "notices": {"name_behind": band == 1, "name_zero_score": zero},
                                  "rank": rank_shared_by_argsort(-total), "figures": figures}
    for part in ("submission", "adoption"):  # the whole part's figures: sums of the groups'
        out[part, "all"] = [x + y for x, y in zip(out[part, "departments"]["figures"], out[part, "towns"]["figures"])]
    out["units_assessed"] = out["submission", "all"][0]
    return out


def check_yanjiang(verdict: Any, hand: dict[str, Any]) -> int:
    """Stop unless the engine and the hand-written version agree on every output; returns the audit findings."""
    found = 0
    for part in verdict.parts:
        pid = part.part.id
        cut = int(np.count_nonzero(part.groups == "departments"))
        for gid, sl in (("departments", slice(0, cut)), ("towns", slice(cut, None))):
            h = hand[pid, gid]
            pairs = [(f"metric {k}", part.metrics[k][sl], v) for k, v in h["metrics"].items()]
            pairs += [("band", next(iter(part.bands.values()))[sl], h["band"])]
            pairs += [(f"flag {k}", part.flags[k][sl], v) for k, v in h["flags"].items()]
            pairs += [(f"notice {k}", part.notifications[k][sl], v) for k, v in h["notices"].items()]
            pairs += [("rank", part.rank[sl], h["rank"])] if "rank" in h else []
            pairs += [("figures", np.array([part.figures[f.id][gid] for f in part.part.summary]), np.array(h["figures"]))]
            for what, ours, theirs in pairs:
                if not np.array_equal(ours, theirs):
                    raise SystemExit(f"yanjiang: engine and hand-written differ: {pid} {gid} {what}")
        if [part.figures[f.id]["all"] for f in part.part.summary] != hand[pid, "all"]:
            raise SystemExit(f"yanjiang: engine and hand-written differ: {pid} overall figures")
        columns = {f.name: f.column for f in part.part.units.fields}
        metric_of = {m.check: m.name for m in part.part.metrics if m.check}
        flagged = {(w.column, w.line, w.file) for w in part.warnings if w.code.startswith("TB-A")}
        for field, metric in metric_of.items():
            for gid, prefix, *_ in GROUPS:
                lines = np.flatnonzero(hand[pid, gid]["audit"][metric]) + 2  # CSV line of each unit: header is line 1
                want = {(columns[field], int(line)) for line in lines}
                got = {(c, line) for c, line, f in flagged if c == columns[field] and f is not None and prefix in f}
                if got != want:
                    raise SystemExit(f"yanjiang: audits differ: {pid} {gid} {field}: {len(got)} vs {len(want)}")
                found += len(want)
    if verdict.overall["units_assessed"] != hand["units_assessed"]:
        raise SystemExit("yanjiang: overall figure differs")
    return found


def yanjiang(n: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        tables = yanjiang_tables(n, Path(tmp))
        ingest = time.perf_counter() - start
    rules = tongbao.load_ruleset(YANJIANG)
    found = check_yanjiang(tongbao.evaluate(rules, tables), yanjiang_by_hand(tables))
    medians = interleaved({"engine": lambda: tongbao.evaluate(rules, tables), "numpy": lambda: yanjiang_by_hand(tables)}, runs)
    return {"units_per_part": n, "write_and_ingest_4_csv_s": round(ingest, 2), "audit_findings_agreeing": found,
            "median_s": {k: round(v, 3) for k, v in medians.items()},
            "engine_x_numpy": round(medians["engine"] / medians["numpy"], 2)}


# ------------------------------------------------------------------ seed CLI vs import numpy

def seed_cli(runs: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    seed = [str(TONGGU), str(ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv")]
    commands = {"import numpy": [sys.executable, "-c", "import numpy"],
                "evaluate -f json": [sys.executable, "-m", "tongbao", "evaluate", *seed, "-f", "json"],
                "evaluate (table)": [sys.executable, "-m", "tongbao", "evaluate", *seed]}
    medians = interleaved({k: (lambda c=c: subprocess.run(c, stdout=subprocess.DEVNULL, env=env, check=True))
                           for k, c in commands.items()}, runs)
    base = medians["import numpy"]
    return {"median_s": {k: round(v, 3) for k, v in medians.items()},
            "x_import_numpy": {k: round(v / base, 2) for k, v in medians.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs (a smoke test)")
    parser.add_argument("--only", choices=["csv", "engine", "ranking", "yanjiang", "cli"], action="append")
    parser.add_argument("--engine-units", type=int, nargs="+", help="sizes for the engine section (default 10k..10M)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (medians), after one warm-up; CSV -> JSON runs per size")
    args = parser.parse_args()
    only = set(args.only or ["csv", "engine", "ranking", "yanjiang", "cli"])
    big = 100_000 if args.quick else 1_000_000
    result: dict[str, Any] = {"machine": machine(), "load_average_at_start": os.getloadavg()}
    if "cli" in only:
        result["seed_cli"] = seed_cli(5 if args.quick else 15)
        print("seed cli", result["seed_cli"], flush=True)
    if "csv" in only:
        result["csv_to_json"] = []
        with tempfile.TemporaryDirectory() as tmp:
            for n in ([10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]):
                path, out = Path(tmp) / f"units{n}.csv", Path(tmp) / "out.json"
                write_tonggu_csv(path, n)
                runs = []
                for _ in range(args.runs):  # the command and the disk floor interleaved, each into a new file
                    runs.append({"command": csv_to_json(path, fresh(out)), "disk_floor": disk_floor(out, fresh(Path(tmp) / "floor.json"))})
                row = {"units": n, "runs": runs, "median_wall_s": statistics.median(r["command"]["wall_s"] for r in runs),
                       "median_cpu_s": statistics.median(r["command"]["cpu_s"] for r in runs),
                       "peak_rss_mb": max(r["command"]["peak_rss_mb"] for r in runs), "json_mb": runs[0]["command"]["json_mb"],
                       # the same command once more over its last output: the rename then frees the old file too
                       "over_its_last_output": csv_to_json(path, out)}
                if n >= 1_000_000:
                    row["stages"] = stage_breakdown(path, out)
                result["csv_to_json"].append(row)
                print("csv->json", json.dumps(row, ensure_ascii=False), flush=True)
    if "engine" in only:
        result["engine_vs_numpy"] = []
        for n in args.engine_units or ([10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000, 10_000_000]):
            row = {**engine_vs_numpy(n, 1 if n >= 10_000_000 else args.runs), "load_average": os.getloadavg()}
            result["engine_vs_numpy"].append(row)
            print("engine", row, flush=True)
    if "ranking" in only:
        result["ranking_sort"] = [{**ranking_sort(n, args.runs), "load_average": os.getloadavg()} for n in (1_000_000, 10_000_000)]
        print("ranking sort", result["ranking_sort"], flush=True)
    if "yanjiang" in only:
        result["yanjiang"] = {**yanjiang(big, args.runs), "load_average": os.getloadavg()}
        print("yanjiang", result["yanjiang"], flush=True)
    result["load_average_at_end"] = os.getloadavg()
    RESULTS.parent.mkdir(exist_ok=True)
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    RESULTS.write_text(json.dumps({**old, **result}, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
