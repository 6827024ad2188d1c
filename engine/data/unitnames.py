"""Checking a table's unit names: none blank, none repeated; and the names' hashes, sorted, with
which concat_tables finds a name in two groups' files by one merge.

Two kinds of hash, told apart by dtype. A few names (seed tables): str's own hash, int64. From
``fastcells.FAST_MIN_CELLS`` names on, or names read by polars (a large CSV file): polars' hash of each name's
UTF-8, uint64 — a third of the time at a million names, as no Python int is made per name (and
polars is imported by then for the number columns anyway). Hashes of different kinds never compare: ``comparable_hashes`` makes them one kind.
Either way a hash only finds candidates: equal hashes (a repeat, a blank, a rare collision) take
the exact look by the names themselves, which writes the messages.
"""
from __future__ import annotations

from typing import Any, Protocol, Sequence

import numpy as np

from . import fastcells


class Problems(Protocol):
    def add(self, line: int | None, column: str | None, value: Any, message: str) -> None: ...


class Named(Protocol):
    names: np.ndarray
    name_hashes: np.ndarray | None


def check_names(names: list[str], lines: np.ndarray, key: str, problems: Problems, unique: bool = True,
                column: Any = None) -> np.ndarray:
    """Blank and (``unique``) repeated names; returns the names' hashes, sorted, for concat_tables.
    ``column``: the same names as a polars column, when the reader has one (textcells.normalise_column)."""
    hashes = name_hashes(names, column)
    if not (unique and (hashes[1:] == hashes[:-1]).any()) and not (hashes == _blank_hash(hashes.dtype)).any():
        return hashes  # the usual case: no blank and no repeated name, so no message to write
    first: dict[str, int] = {}
    for name, line in zip(names, lines.tolist()):
        if not name:
            problems.add(line, key, "", "单位名称为空。每一行都要写明单位。")
        elif unique and name in first:
            problems.add(line, key, name, f"单位名称重复：第 {first[name]} 行已有“{name}”。请合并两行或改正名称。")
        else:
            first[name] = line
    return hashes


def name_hashes(names: Sequence[str], column: Any = None) -> np.ndarray:
    """Each name's hash, sorted: polars' (uint64) from FAST_MIN_CELLS names on or when they are a polars
    ``column`` already, else str's (int64)."""
    if column is not None:
        return np.sort(column.hash().to_numpy())
    if len(names) >= fastcells.FAST_MIN_CELLS:
        import polars as pl

        try:
            return np.sort(pl.Series(names, dtype=pl.String).hash().to_numpy())
        except UnicodeEncodeError:  # a lone surrogate (text from a name that was not UTF-8): not for polars
            pass
    return str_hashes(names)


def str_hashes(names: Sequence[str]) -> np.ndarray:
    # count: without it fromiter grows its buffer as it goes (twice the time at a million names)
    return np.sort(np.fromiter(map(hash, names), dtype=np.int64, count=len(names)))


def comparable_hashes(tables: Sequence[Named]) -> list[np.ndarray]:
    """Each table's name hashes (as checked at ingest where it kept them), all of one kind: when the
    tables' kinds differ (files of a few and of many names), str's hash for every table."""
    hashes = [name_hashes(t.names.tolist()) if t.name_hashes is None else t.name_hashes for t in tables]
    if len({h.dtype for h in hashes}) > 1:
        hashes = [str_hashes(t.names.tolist()) for t in tables]
    return hashes


def _blank_hash(kind: np.dtype) -> Any:
    """The hash of "" in the kind of ``kind``'s hashes."""
    if kind == np.int64:
        return np.int64(hash(""))
    import polars as pl

    return pl.Series([""], dtype=pl.String).hash().to_numpy()[0]
