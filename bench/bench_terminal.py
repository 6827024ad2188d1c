"""The terminal report on 100,000 units, beside a hand-written report in the same process.

Run from the repo root:  python bench/bench_terminal.py [--units 100000] [--runs 5]

The verdict dict is built once (Tonggu rules over bench_evaluate's synthetic units); then,
interleaved round by round, three renderings of it are timed, each into a string at 100 columns:
  - tongbao's report (render(), summarised: lists cut at 200 names, named units only),
  - a hand-written baseline: the same summary as plain f-strings, no Rich, no wrapping.
(--all draws every unit through a Rich table, ~0.5 ms a row: it is for reading a few thousand
units, not 100k, and is not timed here.) The target (issue 10): tongbao's default report under 2 s at 100k units. Results go to
bench/results/terminal.json.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_evaluate import interleaved, machine, make_columns, summary  # noqa: E402

import tongbao  # noqa: E402
from tongbao.report.terminal import make_console, render  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "terminal.json"
WIDTH = 100


def tongbao_report(verdict: dict[str, Any], everything: bool = False) -> str:
    buffer = io.StringIO()
    render(verdict, make_console(file=buffer, width=WIDTH), everything)
    return buffer.getvalue()


def hand_written(verdict: dict[str, Any]) -> str:
    """The summary a person would script: figures, each band's first 200 names, the named units' rows."""
    out = [verdict["ruleset"]["title"]]
    for part in verdict["parts"]:
        out += [f"{f['label']} {f['display']}" for f in part["summary"]["figures"]]
        for tier in part["summary"]["tiers"]:
            for band in tier["bands"]:
                out.append(f"{band['label']}（{band['count']}个）：" + "、".join(band["units"][:200]))
        for n in part["summary"]["notifications"]:
            out.append(f"{n['action']}：{n['label']}（{n['count']}个）：" + "、".join(n["units"][:200]))
        named = [u for u in part["units"] if u["notifications"] or u["flags"]][:200]
        out += [f"{u['line']:>7} {u['name']} " + " ".join(str(v) for v in u["fields"].values()) for u in named]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rules = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")
    verdict = tongbao.evaluate(rules, make_columns(args.units)).to_dict()
    report = tongbao_report(verdict)
    times = interleaved({
        "tongbao render (default, summarised)": lambda: tongbao_report(verdict),
        "hand-written f-string summary": lambda: hand_written(verdict),
    }, args.runs)
    results = {name: summary(samples) for name, samples in times.items()}
    default = results["tongbao render (default, summarised)"]["median_s"]
    record = {"machine": machine(), "units": args.units, "width": WIDTH, "runs": args.runs, "results": results,
              "report_lines": report.count("\n"), "target_s": 2.0, "meets_target": default < 2.0,
              "ratio_to_hand_written": round(default / results["hand-written f-string summary"]["median_s"], 1)}
    RESULTS.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, r in results.items():
        print(f"{name:40s} {r['median_s']:.3f} s")
    print(f"report: {record['report_lines']} lines; target < 2 s: {record['meets_target']}")


if __name__ == "__main__":
    main()
