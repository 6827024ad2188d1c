"""The unit table drawn by report/plaintable.py is byte for byte what rich.table.Table draws.

PlainTable lays out the simple case itself (every cell one line that fits) and hands the rest
to Rich; either way the screen must not change. Compared as text without colour (a pipe, a
file) and, for a terminal, as the segments (text and style of every piece) Rich turns into
colour codes, over every seed's unit table at several widths and over generated tables: CJK
and combining characters, blanks, padded cells, control characters, line breaks. (Segments
rather than colour codes: Rich caches each style's codes on the first colour system that draws
it, so codes compared across tests with different colour systems would depend on test order.)
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from rich.console import Console
from rich.style import Style

import tongbao
from tongbao.report.plaintable import PlainColumn, PlainTable
from tongbao.report.terminal import SafeConsole
from tongbao.report.unittable import unit_table

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ["tonggu-ganzhengtong", "jiujiang-wangzhan-2022q2", "yanjiang-xinxi-2020q3", "ganzhou-gongkai-2022-07",
         "ganzhou-jiance-2023-08"]
COLOURS: list[dict[str, Any]] = [{}, {"force_terminal": True, "color_system": "truecolor"}]


def console(width: int, colour: dict[str, Any]) -> Console:
    return SafeConsole(file=io.StringIO(), width=width, markup=False, highlight=False, emoji=False, soft_wrap=False,
                       **colour)


def drawn(renderable: Any, width: int, colour: dict[str, Any]) -> Any:
    """Without colour, the text written; with colour, every segment's text and style."""
    screen = console(width, colour)
    if colour:
        return [(s.text, s.style or Style.null(), s.control) for s in screen.render(renderable, screen.options)]
    screen.print(renderable)
    return str(screen.file.getvalue())  # type: ignore[attr-defined]


def fast(table: PlainTable, width: int) -> bool:
    return table.layout(width) is not None


@pytest.fixture(scope="module")
def seed_tables() -> list[tuple[str, PlainTable]]:
    out = []
    for seed in SEEDS:
        verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / f"{seed}.yaml"), ROOT / "examples" / seed).to_dict()
        out += [(seed, unit_table(part, part["units"])) for part in verdict["parts"]]
    return out


@pytest.mark.parametrize("width", [40, 80, 120, 200])
@pytest.mark.parametrize("colour", range(len(COLOURS)))
def test_every_seed_table_is_drawn_as_rich_draws_it(seed_tables: list[tuple[str, PlainTable]], width: int, colour: int) -> None:
    for seed, table in seed_tables:
        assert drawn(table, width, COLOURS[colour]) == drawn(table.rich_table(), width, COLOURS[colour]), (seed, width)


def test_the_fast_path_is_taken_where_the_table_fits(seed_tables: list[tuple[str, PlainTable]]) -> None:
    tonggu = seed_tables[0][1]
    assert fast(tonggu, 120) and not fast(tonggu, 40)  # at 40 columns Rich shrinks it, with … in cut cells
    assert sum(fast(table, 200) for _, table in seed_tables) == len(seed_tables)
    assert drawn(tonggu, 120, {}).splitlines()[4].startswith("  2  县委办")


TEXT = st.text(alphabet=st.sampled_from(list("ab 1%.-单位表县委办人民医院\u0301\u200b\t\n\x1b\u202e—·（）ｗ")), max_size=8)
STYLES = st.sampled_from(["", "yellow", "bold red", "dark_orange", "bold red reverse", "dim on blue"])


@settings(max_examples=150, deadline=None)
@given(heads=st.lists(st.tuples(TEXT, st.sampled_from(["left", "right"]), STYLES), min_size=1, max_size=5),
       rows=st.lists(st.tuples(st.lists(TEXT, min_size=5, max_size=5), STYLES), max_size=6),
       width=st.integers(10, 90), colour=st.sampled_from(range(len(COLOURS))))
def test_generated_tables_are_drawn_as_rich_draws_them(heads: list[tuple[str, Any, str]], rows: list[tuple[list[str], str]],
                                                       width: int, colour: int) -> None:
    table = PlainTable("单位表", [PlainColumn(h, j, s) for h, j, s in heads])
    for cells, style in rows:
        table.add_row(*cells[:len(heads)], style=style)
    assert drawn(table, width, COLOURS[colour]) == drawn(table.rich_table(), width, COLOURS[colour])


def test_plain_cells_that_fit_take_the_fast_path() -> None:
    table = PlainTable("单位表", [PlainColumn("行", "right", "dim"), PlainColumn("单位"), PlainColumn("活跃\n率", "right")])
    table.add_row("2", "县委办", "86.36%", style="yellow")
    table.add_row("10", "人民医院 ", "", style="")
    assert fast(table, 40)
    assert drawn(table, 40, COLOURS[1]) == drawn(table.rich_table(), 40, COLOURS[1])
    table.add_row("11", "a\tb", "1")
    assert not fast(table, 40)  # a tab: Rich expands it
