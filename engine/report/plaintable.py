"""The unit table drawn straight to segments: what Rich's Table draws, at a tenth of the cost.

Rich lays out every cell of a ``Table`` through a chain of renderables (padding, text, wrapping,
measuring), ~45 µs a cell: the 117-unit seed table took ~50 ms, a third of a ``tongbao
evaluate``. Every cell of the unit table is one line of plain text that never wraps, so when the
table fits the screen its layout is simple arithmetic: each column as wide as its widest cell,
a space between columns, headers aligned to the bottom. ``PlainTable`` yields exactly the
segments ``rich.table.Table`` yields for that case (tests/test_plaintable.py compares the two,
with and without colour, over every seed and generated tables) and hands anything else (a table
wider than the screen, a cell with a tab or a line break, an ASCII-only terminal) to Rich itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table

from ..escape import visible

Justify = Literal["left", "right"]


@dataclass(frozen=True)
class PlainColumn:
    header: str  # may hold line breaks (a long header folded onto short lines)
    justify: Justify = "left"
    style: str = ""


class PlainTable:
    """A SIMPLE_HEAD table without edges or outer padding, of one-line text cells that never wrap."""

    def __init__(self, title: str, columns: list[PlainColumn]) -> None:
        self.title = title
        self.columns = columns
        self.rows: list[tuple[list[str], str]] = []

    def add_row(self, *cells: str, style: str = "") -> None:
        self.rows.append((list(cells), style))

    def rich_table(self) -> Table:
        """The same table as a ``rich.table.Table``: the fallback, and what the tests compare with."""
        table = Table(title=self.title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                      collapse_padding=True)
        for col in self.columns:
            table.add_column(col.header, justify=col.justify, style=col.style or None, no_wrap=True)
        for cells, style in self.rows:
            table.add_row(*cells, style=style)
        return table

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plan = _Plan.of(self, console, options)
        if plan is None:
            yield self.rich_table()
            return
        title = console.render_str(self.title, style="table.title", highlight=False)
        yield from console.render(title, options.update(width=plan.width, height=None, justify="left"))
        styled = plan.segments(self, console)
        yield from styled if console.color_system or console.record else _whole_lines(styled)


@dataclass
class _Plan:
    headers: list[list[str]]  # each column's header lines, escaped as Rich's render_str escapes them
    body: list[list[str]]  # rows of escaped cells
    widths: list[int]  # each column's width, its right padding included (all but the last column have one)
    justify: list[Justify]
    chars: box.Box

    @property
    def width(self) -> int:
        return sum(self.widths) + len(self.widths) - 1

    @classmethod
    def of(cls, table: PlainTable, console: Console, options: ConsoleOptions) -> _Plan | None:
        """The layout, or None where Rich would do more than line cells up (shrink, wrap, expand tabs)."""
        if not table.columns or options.legacy_windows or options.ascii_only:
            return None
        headers = [visible(c.header).split("\n") for c in table.columns]
        body = [[visible(cell) for cell in cells] for cells, _ in table.rows]
        lines = [line for lines in headers for line in lines]
        if not all(line.isprintable() and line for line in lines) or any(len(row) != len(table.columns) for row in body):
            return None
        if not all(cell.isprintable() for row in body for cell in row):  # tabs, line breaks, zero-width marks: Rich's job
            return None
        last = len(table.columns) - 1
        widths = [max(1, max(cell_len(t) for t in [*headers[i], *(row[i] for row in body)]) + (i < last))
                  for i in range(len(table.columns))]
        plan = cls(headers, body, widths, [c.justify for c in table.columns],
                   box.SIMPLE_HEAD.substitute(options, safe=console.safe_box))
        if plan.width > options.max_width or cell_len(visible(table.title)) > plan.width:
            return None
        return plan

    def segments(self, table: PlainTable, console: Console) -> Iterator[Segment]:
        border = console.get_style("none")  # Rich's default table style; the unit table sets no border style
        head = console.get_style("table.header")
        height = max(len(lines) for lines in self.headers)
        cells: list[list[str | None]] = [[None] * (height - len(lines)) + list(lines) for lines in self.headers]
        for line_no in range(height):  # headers sit at the bottom of the header row
            yield from self._line([c[line_no] for c in cells], [head] * len(cells), self.chars.head_vertical,
                                  Style.null(), border)
        yield Segment(self.chars.get_row(self.widths, "head", edge=False), border)
        yield Segment.line()
        styles = [console.get_style(c.style) for c in table.columns]
        for n, (row, (_, row_style)) in enumerate(zip(self.body, table.rows)):
            extra = Style.null() + console.get_style(row_style)
            divider = self.chars.foot_vertical if n == len(self.body) - 1 else self.chars.mid_vertical
            yield from self._line(list(row), [s + extra for s in styles], divider, extra, border)

    def _line(self, texts: list[str | None], styles: list[Style], divider: str, row_style: Style,
              border: Style) -> Iterator[Segment]:
        """One screen line: each cell's text and its right padding in the cell's style, the divider between."""
        between = Segment(divider, border if divider.strip() else row_style.background_style + border)
        last = len(texts) - 1
        for i, (text, style, width) in enumerate(zip(texts, styles, self.widths)):
            if text is None:  # above a header shorter than the others: blank, padding included, one segment
                yield Segment(" " * width, style)
            else:
                yield Segment(_justify(text, width - (i < last), self.justify[i]), style)
                if i < last:
                    yield Segment(" ", style)
            if i < last:
                yield between
        yield Segment.line()


def _whole_lines(segments: Iterator[Segment]) -> Iterator[Segment]:
    """The same text one segment a line: where no colour is written (a pipe, a file) styles show
    nothing, and Rich's work per segment was most of drawing the table (~2,700 segments for 117 units)."""
    line: list[str] = []
    for segment in segments:
        if segment.text == "\n":
            yield Segment("".join(line))
            yield segment
            line = []
        else:
            line.append(segment.text)
    if line:
        yield Segment("".join(line))


def _justify(text: str, width: int, how: Justify) -> str:
    """As rich.text.Text justifies a line that fits: right strips trailing spaces first."""
    if how == "right":
        text = text.rstrip()
        return " " * (width - cell_len(text)) + text
    return text + " " * (width - cell_len(text))
