"""The columnar fast path for large CSV files: whole columns of cell text, read by polars.

Python's csv module builds a list per row and a str per cell: ~13 s and several GB for a
million rows. polars reads the same bytes into one text column per header position in a
fraction of a second. The cells stay text here; ``tables`` types them, as it types every
reader's cells, so there is one set of rules and messages.

The fast path is taken only where it is provably the same table as ``csvfile._parse``: no
quote character at all (so every physical line is one row, and its line number is its
position), no lone carriage return, and no row longer than the header. Anything else —
or any polars error — returns None, and the caller parses the file the exact way, which
also writes the messages. polars is imported here only, so small tables and start-up never
pay for it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..frozen import frozen

FAST_MIN_BYTES = 1_000_000  # below this the csv module is fast enough, and polars' import (~0.1 s) is not
# Python's str.strip() removes exactly the characters whose isspace() is true: strip those, no others.
# (Written out rather than computed at import: start-up matters; a test checks it against isspace().)
PY_SPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


@frozen
class TableFile:
    """What every reading of a table file knows: its name, hash, encoding and header."""

    file: str
    sha256: str
    encoding: str
    header: tuple[str, ...]


@frozen
class ColumnTable(TableFile):
    """Cells as text, one column per header position (polars Series), with each row's CSV line."""

    columns: list[Any]  # polars.Series of str (None where the row is short)
    lines: np.ndarray  # int64: the CSV line of each row
    header_line: int


def read_columns(body: bytes, name: str, sha: str, encoding: str) -> ColumnTable | None:
    """The table as columns, or None when the file needs the exact row-by-row reader.

    ``body`` is the text as UTF-8 without a BOM (the file itself when it is UTF-8; polars then
    refuses invalid UTF-8, and None sends the file to the decoding chain). Line breaks and quotes
    are single bytes in UTF-8, so they are counted on the bytes.
    """
    if len(body) < FAST_MIN_BYTES or b'"' in body or (b"\r" in body and body.count(b"\r") != body.count(b"\r\n")):
        return None  # (``in`` first: a file without CR, the usual case, is not counted through twice)
    import polars as pl

    try:
        frame = pl.read_csv(body, has_header=False, infer_schema=False, quote_char=None, raise_if_empty=False)
    except Exception:  # a row longer than the first, or not UTF-8: the exact reader or the decoding chain says what is wrong
        return None
    physical = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
    if frame.height != physical or frame.width == 0:
        return None
    width = frame.width
    frame = frame.with_row_index("line", offset=1)
    blank = _blank_lines(frame)
    if len(blank):
        frame = frame.filter(~pl.col("line").is_in(blank.to_list()))  # a handful of lines: a list, not a Series
    if frame.height == 0:
        return None  # empty: the exact reader has the message
    lines = frame.get_column("line").to_numpy().astype(np.int64)
    header = [("" if c is None else c).strip() for c in frame.row(0)[1:]]
    columns = [frame.to_series(i + 1).slice(1) for i in range(width)]
    return ColumnTable(name, sha, encoding, tuple(header), columns, lines[1:], int(lines[0]))


def _blank_lines(frame: Any) -> Any:
    """The lines whose cells are all blank, which the exact reader skips. Only rows whose first cell
    is blank can be, so the other columns are looked at for those rows alone (one pass, not one a column)."""
    import polars as pl

    def empty(column: str) -> Any:
        return pl.col(column).fill_null("").str.strip_chars(PY_SPACE) == ""
    first, *others = frame.columns[1:]  # after "line"
    maybe = frame.filter(empty(first))
    if maybe.height and others:
        maybe = maybe.filter(pl.all_horizontal(*(empty(c) for c in others)))
    return maybe.get_column("line")
