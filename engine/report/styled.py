"""A line of the terminal report as spans of (text, style), without a drawing library.

The report is said once (report/screen.py) and drawn two ways: by Rich for a terminal, with
colour (report/terminal.py), or as plain text for a pipe or a file (report/plaintext.py), which
does not import Rich at all — Rich's import is ~35 ms of a seed ``evaluate`` (issue 10.3).
A ``Line`` holds what ``rich.text.Text`` was given: a style for the whole line and styled
pieces appended to it; ``terminal.rich_text`` makes exactly that Text of it.
"""
from __future__ import annotations


class Line:
    """Text in spans: ``base`` styles the whole line, each span its own piece ("" for none)."""

    __slots__ = ("base", "spans")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.base = style
        self.spans: list[tuple[str, str]] = [(text, "")] if text else []

    def append(self, text: str, style: str = "") -> Line:
        if text:
            self.spans.append((text, style))
        return self

    def copy(self) -> Line:
        twin = Line(style=self.base)
        twin.spans = list(self.spans)
        return twin

    def __add__(self, other: Line) -> Line:
        """``other`` appended whole, its own base style kept for its text (as Text + Text does)."""
        joined = self.copy()
        joined.spans += [(text, " ".join(s for s in (other.base, style) if s)) for text, style in other.spans]
        return joined

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.spans)

    def __repr__(self) -> str:
        return f"Line({self.plain!r})"
