"""The terminal report: names wrapped only after 、, the circular's sentences, COLUMNS honoured
in pipes and files, big tables summarised (--all shows everything), progress only on a terminal."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.cells import cell_len

import tongbao
from tongbao.console import progress
from tongbao.report.terminal import make_console, render

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ["tonggu-ganzhengtong", "jiujiang-wangzhan-2022q2", "yanjiang-xinxi-2020q3", "ganzhou-gongkai-2022-07",
         "ganzhou-jiance-2023-08"]


def verdict_of(seed: str) -> dict:
    return tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / f"{seed}.yaml"), ROOT / "examples" / seed).to_dict()


def report(verdict: dict, width: int, everything: bool = False) -> str:
    buffer = io.StringIO()
    render(verdict, make_console(file=buffer, width=width), everything)
    return buffer.getvalue()


def named_lists(verdict: dict) -> list[list[str]]:
    out = []
    for part in verdict["parts"]:
        s = part["summary"]
        for item in [*s["flags"], *s["notifications"], *s["vetoes"], *(b for t in s["tiers"] for b in t["bands"] if b["severity"])]:
            out.append(item["units"])
    return [names for names in out if names]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("width", [60, 80, 120])
def test_every_line_fits_and_no_name_is_split(seed: str, width: int) -> None:
    verdict = verdict_of(seed)
    text = report(verdict, width)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert not any(line.lstrip().startswith("、") for line in lines)
    for names in named_lists(verdict):
        for name in names[:200]:
            assert any(name in line for line in lines), f"{name!r} split or missing at width {width}"


def test_lists_break_only_after_the_separator() -> None:
    text = report(verdict_of("tonggu-ganzhengtong"), 60)
    block = text.split("活跃工作群数为零（27个）：", 1)[1].split("\n\n", 1)[0]
    lines = block.splitlines()
    assert len(lines) >= 4 and all(line.endswith("、") for line in lines[:-1])
    assert lines[-1].endswith("工商银行")


def test_notifications_and_escalations_read_as_sentences() -> None:
    text = report(verdict_of("tonggu-ganzhengtong"), 200)
    assert "      农业银行累计激活率75.00%，未达到“确保激活率均达100%”的要求。" in text.splitlines()
    assert "人民医院活跃率" in text and "列入“活跃率低于20%的单位”。" in text


def test_columns_honoured_in_a_pipe_and_in_a_file(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "tongbao", "evaluate", "rulesets/jiujiang-wangzhan-2022q2.yaml",
            "examples/jiujiang-wangzhan-2022q2/"]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    narrow = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env={**env, "COLUMNS": "80"})
    wide = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env={**env, "COLUMNS": "160"})
    assert narrow.stdout.count("整改后合…") == 16  # the verdict cell cut at 80 columns …
    assert "整改后合…" not in wide.stdout and max(map(cell_len, wide.stdout.splitlines())) > 80  # … whole at 160
    out = tmp_path / "report.txt"
    subprocess.run([*args, "-o", str(out)], cwd=ROOT, env={**env, "COLUMNS": "160"}, check=True)
    assert out.read_text(encoding="utf-8") == wide.stdout
    assert wide.stderr == ""  # no progress and no colour codes outside a terminal
    assert "\x1b[" not in wide.stdout


def big_verdict(n: int) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_evaluate import make_columns

    rules = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")
    return tongbao.evaluate(rules, make_columns(n)).to_dict()


def test_a_big_table_is_summarised_and_all_shows_everything() -> None:
    verdict = big_verdict(3000)
    units = verdict["parts"][0]["units"]
    named = [u for u in units if u["notifications"] or u["flags"] or u["bands"]["activity_band"] != "ok"]
    text = report(verdict, 120)
    assert f"共 3000 个单位，表中只列被点名或不在最好一档的 {len(named)} 个中的前 200 个（--all 显示全部单位）。" in text
    rows = [line for line in text.splitlines() if line.lstrip().split(" ", 1)[0].isdigit() and "单位" in line]
    assert len(rows) == 200 and rows[0].split()[1] == named[0]["name"]
    assert "……等" in text and "--all 显示全部" in text
    everything = report(verdict, 120, everything=True)
    assert "表中只列" not in everything and "……等" not in everything
    assert all(u["name"] in everything for u in units)


def test_a_small_table_is_shown_whole() -> None:
    verdict = verdict_of("tonggu-ganzhengtong")
    text = report(verdict, 120)
    assert "表中只列" not in text
    table = text.split("单位表", 1)[1]
    assert all(u["name"] in table for u in verdict["parts"][0]["units"])


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_appears_only_for_a_slow_step_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", screen)
    with progress.step("快的一步", delay=0.2):
        pass
    assert screen.getvalue() == ""
    with progress.step("慢的一步", delay=0.05):
        time.sleep(0.4)
    assert "慢的一步" in screen.getvalue()


def test_no_progress_into_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    with progress.step("慢的一步", delay=0.01):
        time.sleep(0.1)
    assert pipe.getvalue() == ""
