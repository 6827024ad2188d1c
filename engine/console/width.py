"""Display width of text and line breaking that respects it.

A Chinese character takes two terminal columns; ``len`` counts one, so text wrapped by
``len`` (Click's help, textwrap) runs past the screen edge. Lines are broken between
Chinese characters, at spaces, and never before closing punctuation such as ，。、 or after
opening punctuation such as （“.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# A line may not start with these (they close or follow what precedes them) …
NO_LINE_START = set("，。、；：！？）》」』】〕”’…—·,.;:!?)]}%")
# … nor end with these (they open what follows).
NO_LINE_END = set("（《「『【〔“‘([{")


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide and full-width characters count two."""
    if text.isascii():  # no ASCII character is wide or combining: the per-character walk would add one each
        return len(text)
    return sum(map(_char_width, text))


@lru_cache(maxsize=4096)  # reports repeat the same few hundred characters thousands of times
def _char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1


def _tokens(text: str) -> list[str]:
    """Pieces that must stay on one line: ASCII words, single CJK characters, spaces; closing
    punctuation is glued to the piece before it and opening punctuation to the piece after."""
    pieces: list[str] = []
    word = ""
    for ch in text:
        if ch == " ":
            pieces += [word] if word else []
            pieces.append(" ")
            word = ""
        elif _char_width(ch) == 2 or ch in NO_LINE_START or ch in NO_LINE_END:
            pieces += [word] if word else []
            pieces.append(ch)
            word = ""
        else:
            word += ch
    pieces += [word] if word else []
    return _glue(pieces)


def _glue(pieces: list[str]) -> list[str]:
    glued: list[str] = []
    carry = ""
    for piece in pieces:
        if glued and piece[0] in NO_LINE_START and not carry:
            glued[-1] += piece
        elif piece[-1] in NO_LINE_END and piece != " ":
            carry += piece
        else:
            glued.append(carry + piece)
            carry = ""
    if carry:
        glued.append(carry)
    return glued


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` columns (a single piece wider than
    ``width`` gets a line of its own). Spaces at a break are dropped."""
    lines: list[str] = []
    line, used = "", 0  # used: cell_width(line), kept as the line grows rather than re-measured
    for piece in _tokens(" ".join(text.split())):
        size = cell_width(piece)
        if line and used + size > width:
            lines.append(line.rstrip())
            line, used = ("", 0) if piece == " " else (piece, size)
        elif line or piece != " ":
            line, used = line + piece, used + size
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines
