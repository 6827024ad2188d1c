"""unitgroups.UnitGroups: each unit's group as codes, runs and labels."""
from __future__ import annotations

import numpy as np

from tongbao.unitgroups import UnitGroups


def test_labels_from_runs_fill_each_group_in_table_order() -> None:
    groups = UnitGroups.from_runs(["departments", "towns"], [("towns", 2), ("departments", 3)])
    assert groups.members == (slice(2, 5), slice(0, 2))
    labels = groups.labels()
    assert labels.tolist() == ["towns", "towns", "departments", "departments", "departments"]
    assert labels.dtype == object and not labels.flags.writeable


def test_labels_of_interleaved_codes_and_a_unit_in_no_group() -> None:
    groups = UnitGroups.from_codes(["a", "b", "c"], np.array([1, 0, 1, -1, 0], dtype=np.int32))
    assert isinstance(groups.members[0], np.ndarray) and groups.members[0].tolist() == [1, 4]
    assert groups.labels().tolist() == ["b", "a", "b", None, "a"]
    assert groups.size(0) == 2 and groups.size(2) == 0
