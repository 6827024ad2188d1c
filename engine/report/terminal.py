"""The terminal report drawn by Rich: report/screen.py says what the report holds, this draws it.

Rich measures Chinese characters as two columns, so tables stay aligned, colours a real terminal
and writes no colour codes to a pipe or a file. A pipe or a file is written by report/plaintext.py
where it can (the same text, without importing Rich); what it cannot lay out comes here.
"""
from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from .screen import Block, FigureTable, blocks
from .styled import Line


def render(verdict: dict[str, Any], console: Console, everything: bool = False) -> None:
    """Print the report for one verdict dict; ``everything`` lists every name, sentence and unit."""
    for block in blocks(verdict, console.width, everything):
        console.print(renderable(block))


def renderable(block: Block) -> RenderableType:
    """What Rich prints for one block of the report."""
    if isinstance(block, Line):
        return rich_text(block)
    if isinstance(block, list):
        return Group(*map(rich_text, block))
    if isinstance(block, FigureTable):
        return _figure_table(block)
    return block  # a PlainTable draws itself


def rich_text(line: Line) -> Text:
    text = Text(style=line.base)
    for piece, style in line.spans:
        text.append(piece, style=style or None)
    return text


def _figure_table(figures: FigureTable) -> Table:
    table = Table(title=figures.title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True)
    for header, justify in figures.headers:
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for cells in figures.rows:
        table.add_row(*(rich_text(c) if isinstance(c, Line) else c for c in cells))
    return table


def make_console(file: Any = None, width: int | None = None) -> Console:
    """A console that colours only a real terminal, never interprets [brackets] in data, and escapes
    every control, bidi and undecodable character that came from a file (see SafeConsole)."""
    return SafeConsole(file=file, width=width, markup=False, highlight=False, emoji=False, soft_wrap=False)


class SafeConsole(Console):
    """The choke point for everything a Rich renderer draws (the report, lint, tests, diff).

    Plain strings are escaped before layout (so widths are measured on what is shown); every
    segment is escaped again on the way out, which also covers Text built by a renderer. Rich's
    own colour codes are added after this, so they are untouched.
    """

    def render_str(self, text: str, **kwargs: Any) -> Text:
        from ..escape import visible

        return super().render_str(visible(text), **kwargs)

    _outermost = True  # nested renders (a table's cells) pass through unfiltered; the outermost filters once

    def render(self, renderable: Any, options: Any = None) -> Any:
        if not self._outermost:
            yield from super().render(renderable, options)
            return
        from rich.segment import Segment

        from ..escape import visible

        self._outermost = False
        try:
            for segment in super().render(renderable, options):
                text = segment.text
                if segment.control is None and not text.isprintable():  # printable text needs nothing (fast, in C)
                    safe = visible(text)
                    if safe != text:
                        segment = Segment(safe, segment.style, segment.control)
                yield segment
        finally:
            self._outermost = True
