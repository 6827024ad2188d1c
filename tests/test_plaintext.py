"""The report written for a pipe or a file without Rich (report/plaintext.py) is byte for byte what
Rich writes there: over every seed at several widths, and over generated lines and figure tables
(CJK, spaces at either end, long words, control characters). Where plaintext cannot lay a report
out it must say so (None), never write something else; the seed's evaluate takes the plain path."""
from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from rich import box
from rich.cells import cell_len
from rich.text import Text

import tongbao
from tongbao.escape import visible
from tongbao.report import plaintext
from tongbao.report.plaintable import DIVIDER, HEAD_RULE
from tongbao.report.plaintext import block_lines, plain_report, wrapped
from tongbao.report.screen import FigureTable
from tongbao.report.styled import Line
from tongbao.report.terminal import make_console, render, renderable

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ["tonggu-ganzhengtong", "jiujiang-wangzhan-2022q2", "yanjiang-xinxi-2020q3", "ganzhou-gongkai-2022-07",
         "ganzhou-jiance-2023-08", "demo-county-websites-2024"]


def by_rich(thing: object, width: int) -> str:
    buffer = io.StringIO()
    make_console(file=buffer, width=width).print(thing)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def verdicts() -> dict[str, dict]:
    return {seed: tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / f"{seed}.yaml"), ROOT / "examples" / seed).to_dict()
            for seed in SEEDS}


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
@pytest.mark.parametrize("everything", [False, True])
def test_every_seed_report_is_written_as_rich_writes_it(verdicts: dict[str, dict], width: int, everything: bool) -> None:
    for seed, verdict in verdicts.items():
        buffer = io.StringIO()
        render(verdict, make_console(file=buffer, width=width), everything)
        plain = plain_report(verdict, width, everything)
        assert plain is None or plain == buffer.getvalue(), (seed, width)
        if width >= 120:  # wide enough for every seed's unit table: the plain path must be the one taken
            assert plain is not None, (seed, width)


def test_what_plaintext_cannot_lay_out_it_hands_back(verdicts: dict[str, dict]) -> None:
    tonggu = verdicts["tonggu-ganzhengtong"]
    assert plain_report(tonggu, 80) is not None
    assert plain_report(tonggu, 40) is None  # the unit table is wider: Rich shrinks it
    assert wrapped("单位" * 30, 40) is None  # one word wider than the screen: Rich folds it
    assert wrapped("a\tb", 40) is None and wrapped("a\x1bb", 40) is None and wrapped("a\u3000b", 40) is None
    assert wrapped("", 10) == [""]
    # found in review: fitting in cells but longer in characters (combining marks), Rich drops spaces past the width
    assert wrapped("a\u0301\u0301 ", 3) == ["a\u0301\u0301"] and by_rich(Text("a\u0301\u0301 "), 3) == "a\u0301\u0301\n"
    zero = FigureTable("汇总", [("项目", "left"), ("\u0301", "right")], [["a", ""]])  # a column with nothing to show
    assert block_lines(zero, 80) is None
    assert wrapped("铜鼓县人民政府办公室 · 江西省宜春市铜鼓县 · 考核期 2022-05", 30) == [
        "铜鼓县人民政府办公室 · ", "江西省宜春市铜鼓县 · 考核期 ", "2022-05"]  # spaces kept where they fit, as Rich keeps them


WORDS = st.text(alphabet=st.sampled_from(list("ab1%. 单位县委（）、，—·")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=WORDS, width=st.integers(1, 30))
def test_generated_lines_break_where_rich_breaks_them(text: str, width: int) -> None:
    lines = wrapped(text, width)
    if lines is not None:
        assert "".join(line + "\n" for line in lines) == by_rich(Text(text), width)
    elif text.isprintable():  # handed back only for a word (with the spaces before it) Rich would fold
        assert any(cell_len(word.rstrip()) > width for word in re.findall(r"\s*\S+\s*", text))


CELL = st.text(alphabet=st.sampled_from(list("ab 1%.-单位表县委办（）ｗ\t")), max_size=8)


@settings(max_examples=200, deadline=None)
@given(heads=st.lists(st.tuples(CELL.filter(bool), st.sampled_from(["left", "right"])), min_size=1, max_size=4),
       rows=st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=5), marks=st.lists(st.booleans(), min_size=5, max_size=5),
       title=CELL, width=st.integers(8, 70))
def test_generated_figure_tables_are_written_as_rich_draws_them(heads: list[tuple[str, str]], rows: list[list[str]],
                                                                 marks: list[bool], title: str, width: int) -> None:
    table = FigureTable(title, heads)
    for row, mark in zip(rows, marks):  # a styled last cell, as the published-figure column has
        cells: list[str | Line] = list(row[:len(heads)])
        cells[-1] = Line(str(cells[-1]) + " ").append("一致" if mark else "不一致", style="green" if mark else "bold red")
        table.rows.append(cells)
    lines = block_lines(table, width)
    if lines is not None:
        assert "".join(line + "\n" for line in lines) == by_rich(renderable(table), width)


def test_the_table_rule_and_dividers_are_richs() -> None:
    assert box.SIMPLE_HEAD.get_row([3, 2], "head", edge=False) == HEAD_RULE * 6
    assert {box.SIMPLE_HEAD.head_vertical, box.SIMPLE_HEAD.mid_vertical, box.SIMPLE_HEAD.foot_vertical} == {DIVIDER}


@pytest.mark.parametrize("env, plain", [({}, True), ({"FORCE_COLOR": "1"}, False), ({"FORCE_COLOR": ""}, False),
                                        ({"TTY_COMPATIBLE": "1"}, False), ({"TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"}, True)])
def test_rich_draws_whenever_it_would_colour_a_file(env: dict[str, str], plain: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert plaintext.plain_is_rich() is plain


def test_a_forced_colour_pipe_still_gets_richs_colours(tmp_path: Path) -> None:
    seed = [str(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"), str(ROOT / "examples" / "tonggu-ganzhengtong")]
    run = [sys.executable, "-m", "tongbao", "evaluate", *seed]
    coloured = subprocess.run(run, capture_output=True, text=True, env={"PATH": "", "FORCE_COLOR": "1", "COLUMNS": "120"})
    plain = subprocess.run(run, capture_output=True, text=True, env={"PATH": "", "COLUMNS": "120"})
    assert coloured.returncode == plain.returncode == 0
    assert "\x1b[" in coloured.stdout and "\x1b[" not in plain.stdout
    assert plain.stdout.splitlines()[0] == "关于全县赣政通使用情况的督查通报"


def test_printable_text_is_what_the_escaping_leaves_alone() -> None:
    """plaintext writes only printable text and hands the rest to SafeConsole: so nothing it writes needs escaping."""
    assert [hex(c) for c in range(0x110000) if chr(c).isprintable() and visible(chr(c)) != chr(c)] == []
