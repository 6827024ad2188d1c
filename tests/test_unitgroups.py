"""unitgroups.UnitGroups: each unit's group as codes, runs and labels."""
from __future__ import annotations

import numpy as np

from tongbao.unitgroups import UnitGroups


def test_labels_from_runs_fill_each_group_in_table_order() -> None:
    groups = UnitGroups.from_runs(["departments", "towns"], [("towns", 2), ("departments", 3)])
    assert groups.members == (slice(2, 5), slice(0, 2))
    labels = groups.labels()
    assert labels.tolist() == ["towns", "towns", "departments", "departments", "departments"] and groups.labels() is labels
    assert labels.dtype == object and not labels.flags.writeable


def test_labels_of_interleaved_codes_and_a_unit_in_no_group() -> None:
    groups = UnitGroups.from_codes(["a", "b", "c"], np.array([1, 0, 1, -1, 0], dtype=np.int32))
    assert isinstance(groups.members[0], np.ndarray) and groups.members[0].tolist() == [1, 4]
    assert groups.labels().tolist() == ["b", "a", "b", None, "a"]
    assert groups.size(0) == 2 and groups.size(2) == 0


def test_members_from_runs_as_from_codes() -> None:
    """A group one file: its slice, by hand; a group in two files, or with no units, as from_codes finds them."""
    runs = [("b", 3), ("a", 0), ("c", 2)]
    groups = UnitGroups.from_runs(["a", "b", "c", "d"], runs)
    assert groups.members[1:3] == (slice(0, 3), slice(3, 5)) and groups.codes.tolist() == [1, 1, 1, 2, 2]
    assert [(type(m), m.tolist()) for m in (groups.members[0], groups.members[3])] == [(np.ndarray, [])] * 2
    twice = UnitGroups.from_runs(["a", "b"], [("a", 2), ("b", 1), ("a", 1)])
    assert twice.members[0].tolist() == [0, 1, 3] and twice.members[1] == slice(2, 3)
    for ids, r in ((["a", "b", "c", "d"], runs), (["a", "b"], [("a", 2), ("b", 1), ("a", 1)]), (["x"], [("x", 4)])):
        by_runs, by_codes = UnitGroups.from_runs(ids, r), UnitGroups.from_codes(ids, UnitGroups.from_runs(ids, r).codes)
        assert [m if isinstance(m, slice) else (m.dtype, m.tolist()) for m in by_runs.members] == \
            [m if isinstance(m, slice) else (m.dtype, m.tolist()) for m in by_codes.members]
