"""Named lists and sentences laid out for a terminal of a given width.

A circular lists units as 甲、乙、丙; a line may break only after a 、 so that no name is ever
split across lines (a split name reads as two units). Widths are display columns: a Chinese
character takes two. Very long lists are cut as circulars cut them, "……等 N 个".
"""
from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len  # Rich's own widths, so plain text breaks where Rich would; rich.cells alone is ~1 ms

from ..console.width import wrap
from .styled import Line

SEPARATOR = "、"


def name_lines(head: Line, names: Sequence[str], width: int, indent: int, limit: int | None = None) -> list[Line]:
    """``head`` followed by ``names`` joined with 、, broken after a 、 only; continuation lines
    start ``indent`` columns in. With ``limit``, names past it are counted, not listed."""
    shown = list(names if limit is None or len(names) <= limit else names[:limit])
    rest = len(names) - len(shown)
    lines = [head.copy()]
    used = cell_len(head.plain)
    pad = " " * indent
    for i, name in enumerate(shown):
        piece = name + (SEPARATOR if i < len(shown) - 1 else "")
        size = cell_len(piece)
        if used + size > width and used > indent and i:
            lines.append(Line(pad))
            used = indent
        lines[-1].append(piece)
        used += size
    if rest:
        tail = f"……等 {len(names)} 个（另 {rest} 个未列出，--all 显示全部）"
        if used + cell_len(tail) > width:
            lines.append(Line(pad))
        lines[-1].append(tail, style="dim")
    return lines


def sentence_lines(text: str, width: int, indent: int, style: str = "") -> list[Line]:
    """A sentence wrapped at ``width`` columns (never before ，。 or after “), each line indented."""
    pad = " " * indent
    return [Line(pad + line, style=style) for line in wrap(text, max(width - indent, 10))]
