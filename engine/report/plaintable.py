"""The unit table drawn straight to segments: what Rich's Table draws, at a tenth of the cost.

Rich lays out every cell of a ``Table`` through a chain of renderables (padding, text, wrapping,
measuring), ~45 µs a cell: the 117-unit seed table took ~50 ms, a third of a ``tongbao
evaluate``. Every cell of the unit table is one line of plain text that never wraps, so when the
table fits the screen its layout is simple arithmetic: each column as wide as its widest cell,
a space between columns, headers aligned to the bottom. ``PlainTable`` yields exactly the
segments ``rich.table.Table`` yields for that case (tests/test_plaintable.py compares the two,
with and without colour, over every seed and generated tables) and hands anything else (a table
wider than the screen, a cell with a tab or a line break, an ASCII-only terminal) to Rich itself.

The layout (``Layout``) needs no Rich, so report/plaintext.py writes the same lines for a pipe or a
file without importing it; Rich is imported here only to draw segments for a console.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Literal

from rich.cells import cell_len  # Rich's own widths: the layout must be the one Rich's Table makes

from ..escape import visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.segment import Segment
    from rich.style import Style
    from rich.table import Table

Justify = Literal["left", "right"]
# rich.box.SIMPLE_HEAD without edges, as its substitute() leaves it on any console that is not a
# legacy Windows one (tests/test_plaintable.py checks these against Rich's box)
HEAD_RULE = "─"  # the rule under the headers (its horizontal and its crossings alike)
DIVIDER = " "  # between columns, in headers and body alike


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
        from rich import box
        from rich.table import Table

        table = Table(title=self.title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                      collapse_padding=True)
        for col in self.columns:
            table.add_column(col.header, justify=col.justify, style=col.style or None, no_wrap=True)
        for cells, style in self.rows:
            table.add_row(*cells, style=style)
        return table

    def layout(self, max_width: int) -> Layout | None:
        return Layout.of(self.title, [(c.header, c.justify) for c in self.columns], [cells for cells, _ in self.rows],
                         max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        plan = None if options.legacy_windows or options.ascii_only else self.layout(options.max_width)
        if plan is None:
            yield self.rich_table()
            return
        if self.title:  # as Rich's Table: no line for an empty title
            title = console.render_str(self.title, style="table.title", highlight=False)
            yield from console.render(title, options.update(width=plan.width, height=None, justify="left"))
        styled = _segments(plan, self, console)
        yield from styled if console.color_system or console.record else _whole_lines(styled)


@dataclass
class Layout:
    """Where every cell of a table of one-line cells goes, as Rich's Table places them when it fits."""

    headers: list[list[str]]  # each column's header lines, escaped as Rich's render_str escapes them
    body: list[list[str]]  # rows of escaped cells
    widths: list[int]  # each column's width, its padding included (see ``of``)
    justify: list[Justify]
    edge: int = 0  # padding before the first column and after the last (Rich's pad_edge)

    @property
    def width(self) -> int:
        return sum(self.widths) + len(self.widths) - 1

    @classmethod
    def of(cls, title: str, columns: list[tuple[str, Justify]], rows: list[list[str]], max_width: int,
           edge: int = 0) -> Layout | None:
        """The layout, or None where Rich would do more than line cells up (shrink, wrap, expand tabs).
        Padding as Rich's collapse_padding leaves it: one space after every column but the last,
        and with ``edge`` one before the first and one after the last."""
        if not columns:
            return None
        headers = [visible(h).split("\n") for h, _ in columns]
        body = [[visible(cell) for cell in cells] for cells in rows]
        lines = [line for lines in headers for line in lines]
        if not all(line.isprintable() and line for line in lines) or any(len(row) != len(columns) for row in body):
            return None
        if not all(cell.isprintable() for row in body for cell in row):  # tabs, line breaks, zero-width marks: Rich's job
            return None
        last = len(columns) - 1
        measured = [max(cell_len(t) for t in [*headers[i], *(row[i] for row in body)]) for i in range(len(columns))]
        if not all(measured):  # a column of nothing but zero-width text: Rich's Table collapses it its own way
            return None
        widths = [m + (i < last) for i, m in enumerate(measured)]
        widths[0] += edge
        widths[-1] += edge
        plan = cls(headers, body, widths, [j for _, j in columns], edge)
        shown = visible(title)
        if plan.width > max_width or cell_len(shown) > plan.width or not (shown.isprintable() or not shown):
            return None
        return plan

    def header_rows(self) -> list[list[str | None]]:
        """Each screen line of the header row: headers sit at its bottom (None above a shorter one)."""
        height = max(len(lines) for lines in self.headers)
        cells = [[None] * (height - len(lines)) + list(lines) for lines in self.headers]
        return [[c[line_no] for c in cells] for line_no in range(height)]

    def cells(self, texts: list[str | None]) -> list[str]:
        """One screen line's cells, each justified and padded to its column's width."""
        last = len(texts) - 1
        out = []
        for i, (text, width) in enumerate(zip(texts, self.widths)):
            if text is None:  # above a header shorter than the others: blank, padding included
                out.append(" " * width)
                continue
            lead = " " * self.edge if i == 0 else ""
            tail = " " if i < last else ""
            tail += " " * self.edge if i == last else ""
            out.append(lead + _justify(text, width - len(lead) - len(tail), self.justify[i]) + tail)
        return out

    def text_lines(self, title: str) -> list[str]:
        """The table as plain text lines (title, headers, rule, body), as Rich writes it without colour."""
        title = visible(title)
        lines = [title + " " * (self.width - cell_len(title))] if title else []  # Rich draws no empty title
        lines += [DIVIDER.join(self.cells(texts)) for texts in self.header_rows()]
        lines.append(HEAD_RULE * self.width)
        lines += [DIVIDER.join(self.cells(list(row))) for row in self.body]
        return lines


def _segments(plan: Layout, table: PlainTable, console: Console) -> Iterator[Segment]:
    """The table's segments with the styles Rich's Table gives them (row styles, column styles, headers)."""
    from rich.segment import Segment
    from rich.style import Style

    border = console.get_style("none")  # Rich's default table style; the unit table sets no border style
    head = console.get_style("table.header")
    for texts in plan.header_rows():
        yield from _line(plan, texts, [head] * len(texts), Style.null(), border)
    yield Segment(HEAD_RULE * plan.width, border)
    yield Segment.line()
    styles = [console.get_style(c.style) for c in table.columns]
    for row, (_, row_style) in zip(plan.body, table.rows):
        extra = Style.null() + console.get_style(row_style)
        yield from _line(plan, list(row), [s + extra for s in styles], extra, border)


def _line(plan: Layout, texts: list[str | None], styles: list[Style], row_style: Style, border: Style) -> Iterator[Segment]:
    """One screen line: each cell's text and its padding in the cell's style, the divider between."""
    from rich.segment import Segment

    between = Segment(DIVIDER, row_style.background_style + border)
    for i, (text, style) in enumerate(zip(plan.cells(texts), styles)):
        if i:
            yield between
        yield from _cell_segments(text, texts[i] is None, i < len(texts) - 1, style)
    yield Segment.line()


def _cell_segments(cell: str, blank: bool, padded: bool, style: Style) -> Iterator[Any]:
    """A cell as Rich's Table yields it: the text, then its padding space apart (one segment when blank)."""
    from rich.segment import Segment

    if blank or not padded:
        yield Segment(cell, style)
    else:
        yield Segment(cell[:-1], style)
        yield Segment(" ", style)


def _whole_lines(segments: Iterator[Segment]) -> Iterator[Segment]:
    """The same text one segment a line: where no colour is written (a pipe, a file) styles show
    nothing, and Rich's work per segment was most of drawing the table (~2,700 segments for 117 units)."""
    from rich.segment import Segment

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
