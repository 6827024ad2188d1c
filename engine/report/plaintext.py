"""The terminal report as plain text for a pipe or a file: what Rich writes there, without Rich.

Importing Rich is ~35 ms and drawing through it ~20 ms of a seed ``tongbao evaluate`` (issue
10.3), and a pipe or a file shows no colour anyway. So where the report is simple to lay out —
every line printable, every word narrower than the screen, every table fitting — its lines are
written here, exactly as Rich would write them without colour (tests/test_plaintext.py compares
the two over every seed and generated reports). Anything else (a control character, a word
wider than the screen, a table Rich would shrink) makes ``plain_report`` answer None, and the
caller draws the report with Rich (report/terminal.py), so the text never depends on the path.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any, Mapping

from rich.cells import cell_len

from .plaintable import Layout, PlainTable
from .screen import Block, FigureTable, blocks
from .styled import Line

_WORD = re.compile(r"\s*\S+\s*")  # a word and the spaces around it, as rich._wrap.words finds them


def plain_report(verdict: Mapping[str, Any], width: int, everything: bool = False) -> str | None:
    """The report as Rich writes it to a file ``width`` columns wide, or None where only Rich can say."""
    if not plain_is_rich():
        return None
    out: list[str] = []
    for block in blocks(verdict, width, everything):
        lines = block_lines(block, width)
        if lines is None:
            return None
        out += lines
    return "".join(line + "\n" for line in out)


def plain_is_rich() -> bool:
    """Would Rich write this file without colour? Not when the environment forces a terminal
    (FORCE_COLOR, TTY_COMPATIBLE=1: Rich colours even a file then), nor on Windows, whose legacy
    console Rich handles its own way."""
    compatible = os.environ.get("TTY_COMPATIBLE", "")
    forced = compatible == "1" or (compatible != "0" and os.environ.get("FORCE_COLOR") is not None)
    return not forced and sys.platform != "win32"


def block_lines(block: Block, width: int) -> list[str] | None:
    """One block's lines of text, or None."""
    if isinstance(block, Line):
        return wrapped(block.plain, width)
    if isinstance(block, list):
        out: list[str] = []
        for line in block:
            lines = wrapped(line.plain, width)
            if lines is None:
                return None
            out += lines
        return out
    if isinstance(block, FigureTable):
        if any(isinstance(c, Line) and not c.plain.isprintable() for cells in block.rows for c in cells):
            return None  # Rich measures a Text cell before escaping it, a str cell after: only printable text agrees
        rows = [[c.plain if isinstance(c, Line) else c for c in cells] for cells in block.rows]
        layout = Layout.of(block.title, block.headers, rows, width, edge=1)  # type: ignore[arg-type]
    else:
        layout = block.layout(width) if isinstance(block, PlainTable) else None
    return None if layout is None else layout.text_lines(block.title)


def wrapped(text: str, width: int) -> list[str] | None:
    """``text`` broken into lines as rich.text.Text.wrap breaks it (words kept whole, each line's
    spaces past the edge cut), or None where Rich would do more: fold a word wider than the
    screen, expand a tab, escape a control character, measure a non-ASCII space."""
    if not text.isprintable():
        return None
    if cell_len(text) <= width:
        return [_cut(text, width)]  # fits, yet Rich may drop end spaces: it counts characters there (combining marks)
    starts, used = [], 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group()
        size = cell_len(word.rstrip())
        if width - used >= size:
            used += cell_len(word)
        elif size > width:
            return None  # Rich folds it across lines
        else:  # a word that fits on the next line: never the first, which always fits
            starts.append(start)
            used = cell_len(word)
    bounds = [0, *starts, len(text)]
    return [_cut(text[a:b], width) for a, b in zip(bounds, bounds[1:])]


def _cut(line: str, width: int) -> str:
    """Spaces past the edge dropped, as Text.rstrip_end (counting characters) and then Text.truncate
    (counting cells) drop them; only spaces can be past it, each one cell."""
    if len(line) > width:
        spaces = len(line) - len(line.rstrip())
        line = line[:len(line) - min(spaces, len(line) - width)]
    over = cell_len(line) - width
    return line[:len(line) - over] if over > 0 else line
