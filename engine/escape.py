"""Text from files made safe to show: nothing read from a file may steer the terminal.

A unit name, a header, a ruleset title or a file name can carry ESC sequences (clear the screen,
set the window title, a fake OSC 8 link), C1 controls, DEL, bidi overrides that reorder what is
seen, or bytes that are not UTF-8 (a file name decoded with surrogateescape). ``visible`` turns
each into a visible escape such as ``\\x1b`` or ``\\u202e``. It is applied at the choke points:
the error printer in cli.py and the Rich console made by report/terminal.py.
"""
from __future__ import annotations

import re

# C0 except newline and tab, DEL, C1; bidi embeddings, overrides, isolates and marks; the line and
# paragraph separators; lone surrogates (undecodable bytes of a file name, or a damaged JSON string).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, newlines: bool = True) -> str:
    """``text`` with every control, bidi and surrogate character shown as an escape.

    With ``newlines`` the line breaks and tabs of a multi-line message are kept.
    """
    return (_UNSAFE if newlines else _UNSAFE_LINE).sub(_escape, text)


def clip(value: object, limit: int = 60) -> str:
    """``value`` as escaped text, cut to ``limit`` characters with the full length said."""
    whole = str(value)
    text = visible(whole[:limit], newlines=False)
    return text if len(whole) <= limit else f"{text}…（共 {len(whole)} 个字符）"


def short_repr(value: str, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters: a 200,000-character cell is not echoed whole."""
    if len(value) <= limit:
        return visible(repr(value))
    return visible(repr(value[:limit])) + f"…（共 {len(value)} 个字符）"


def excerpt(value: object, limit: int = 40) -> str:
    """A short, escaped, quoted excerpt of a cell, header or value for an error message."""
    text = visible(str(value), newlines=False)
    if len(text) > limit:
        text = text[:limit] + f"…（共 {len(str(value))} 个字符）"
    return f"“{text}”"
