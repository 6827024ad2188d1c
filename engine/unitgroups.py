"""Which group each unit belongs to: a small integer per unit, and each group's units as one slice where they are contiguous.

Groups read from files arrive one file after another, so each group's units form a run of the
table: per-group work (facts, summary figures, rankings within groups) then takes views of the
columns, never copies or comparisons over an object array of group ids (a million string
comparisons per group). Groups chosen by ``when`` conditions may interleave: those groups keep
their units' positions instead.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence

import numpy as np

Members = slice | np.ndarray  # a group's units: a slice of the table, or their positions in table order


@dataclass(frozen=True)
class UnitGroups:
    ids: tuple[str, ...]
    codes: np.ndarray  # per unit, the index of its group in ``ids`` (-1: none)
    members: tuple[Members, ...]  # per group, in the order of ``ids``

    @classmethod
    def from_codes(cls, ids: Sequence[str], codes: np.ndarray) -> "UnitGroups":
        members = tuple(_members(np.flatnonzero(codes == k)) for k in range(len(ids)))
        return cls(tuple(ids), codes, members)

    @classmethod
    def from_runs(cls, ids: Sequence[str], runs: Sequence[tuple[str | None, int]]) -> "UnitGroups":
        """From each file's (group id, unit count), in table order."""
        code: dict[str | None, int] = {g: k for k, g in enumerate(ids)}
        codes = np.repeat(np.array([code[g] for g, _ in runs], dtype=np.int32), [n for _, n in runs])
        if len({g for g, _ in runs}) < len(runs):  # a group in two files: its units found by their codes
            return cls.from_codes(ids, codes)
        # Each group one file: its units are that file's run, a slice, where finding them by codes was a
        # comparison over every unit and a list of positions a group (4 MB at half a million) per group.
        at, where = 0, {}
        for g, n in runs:
            where[g] = slice(at, at + n) if n else np.zeros(0, dtype=np.intp)  # as _members leaves an empty group
            at += n
        return cls(tuple(ids), codes, tuple(where.get(g, np.zeros(0, dtype=np.intp)) for g in ids))

    def labels(self) -> np.ndarray:
        """Each unit's group id, as the verdict and the expressions' ``group`` read it: made once, when first
        asked (an object array of a million references, made, filled and freed, for an evaluation none reads)."""
        return self._labels

    @functools.cached_property
    def _labels(self) -> np.ndarray:
        out = np.empty(len(self.codes), dtype=object)  # None: a unit in no group (code -1)
        for gid, members in zip(self.ids, self.members):
            out[members] = gid  # a run is filled, no code read a unit: a quarter of a gather's time at 1M
        out.flags.writeable = False
        return out

    def size(self, k: int) -> int:
        m = self.members[k]
        return m.stop - m.start if isinstance(m, slice) else len(m)


def _members(positions: np.ndarray) -> Members:
    if positions.size and positions[-1] - positions[0] + 1 == positions.size:  # sorted and distinct: a run
        return slice(int(positions[0]), int(positions[-1]) + 1)
    return positions
