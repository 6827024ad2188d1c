"""Whole columns from an embedding program (table_from_columns): the fingerprint, computed when first
asked, is the one computed at ingest before; the caller's arrays stay the caller's; numeric arrays are
range-checked by two reductions, with the same messages as before."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tongbao
from tongbao.data.tables import Table

ROOT = Path(__file__).resolve().parent.parent
RULES = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")


def _columns() -> dict[str, Any]:
    return {"单位": ["甲局", "乙局", "ＡＢ科"], "累计注册人数": np.array([10, 20, 30]), "累计激活率": np.array([0.5, 1.0, 0.25]),
            "活跃率": np.array([0.1, 0.9, 0.85]), "活跃工作群数": np.array([0.0, 2.0, np.nan]), "备注": ["x", "y", "z"]}


def test_the_fingerprint_is_the_one_computed_at_ingest_before() -> None:
    # Both values were computed by the code before the fingerprint became lazy (main at 9ec436e).
    table = tongbao.load_table(RULES, _columns())
    assert callable(table.fingerprint)  # not computed yet: evaluate alone never needs it
    assert table.sha256 == "a4a51282eb85612056cc0b5185574068c6405037fc5d114efbd21e08ad97514e"
    assert table.fingerprint == table.sha256
    odd = {"单位": np.array(["甲局", "乙局 ", "丙"]), "累计注册人数": np.arange(10, 70, 10, dtype=np.int32)[::2],
           "累计激活率": np.array([0.5, 1.0, 0.25], dtype=np.float32), "活跃率": np.array([[0.1, 0.9, 0.85]]).T[:, 0],
           "活跃工作群数": [1, 2, None], "日期": np.array(["2022-05-01"] * 3, dtype="M8[D]")}
    assert tongbao.load_table(RULES, odd).sha256 == "3377ba0ddd05390461c5fd81c607d15eef4d9ecd6d3311966bea41a291d62599"


def test_the_verdict_header_carries_the_fingerprint() -> None:
    verdict = tongbao.evaluate(RULES, _columns()).to_dict()
    sha = "a4a51282eb85612056cc0b5185574068c6405037fc5d114efbd21e08ad97514e"
    assert verdict["input"] == {"sha256": sha, "tables": [{"file": "units.csv", "sha256": sha, "encoding": None, "rows": 3}]}
    assert verdict["parts"][0]["tables"] == [{"file": "units.csv", "sha256": sha, "encoding": None, "rows": 3}]


def test_changing_the_callers_arrays_afterwards_changes_neither_the_table_nor_its_fingerprint() -> None:
    columns = _columns()
    verdict = tongbao.evaluate(RULES, columns)
    columns["活跃率"][:] = 0.0  # still the caller's to write: the engine froze only its own copy
    columns["累计注册人数"][:] = 1
    table = verdict.parts[0].table
    assert table.columns["activity"].tolist() == [0.1, 0.9, 0.85]
    assert table.columns["registered"].tolist() == [10.0, 20.0, 30.0]
    assert table.columns["work_groups"].tolist() == [0.0, 2.0, 0.0]  # blank: zero
    assert table.blank["work_groups"].tolist() == [False, False, True]
    assert table.sha256 == "a4a51282eb85612056cc0b5185574068c6405037fc5d114efbd21e08ad97514e"


def test_a_table_read_from_a_file_has_its_fingerprint_at_once() -> None:
    table = tongbao.load_table(RULES, ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv")
    assert isinstance(table, Table) and isinstance(table.fingerprint, str) and table.sources[0]["sha256"] == table.sha256


_PERCENT = "超出允许范围：应为不小于 0%、不大于 100%。请核对原表。"
_WHOLE = "超出允许范围：应为整数，不小于 0。请核对原表。"


@pytest.mark.parametrize(("column", "values", "lines", "message"), [
    ("活跃率", [0.1, 1.5, 0.2], [2], _PERCENT),
    ("活跃率", [0.1, np.nan, -0.01], [2, 3], _PERCENT),  # row 2: blank, which this field refuses
    ("累计注册人数", [1.0, 2.5, np.nan], [3, 2], _WHOLE),  # the blank first, as the per-cell path lists it
    ("累计注册人数", [1.0, np.inf, 3.0], [2], _WHOLE),
    ("活跃工作群数", [-1, 2, 3], [1], _WHOLE),  # integers, as an int array
    ("活跃工作群数", [np.nan, 2.5, 3], [2], _WHOLE),  # blank: zero, so row 1 is 0
])
def test_a_number_array_out_of_range_names_its_row(column: str, values: list[float], lines: list[int], message: str) -> None:
    columns = {**_columns(), column: np.array(values)}
    with pytest.raises(tongbao.DataError) as caught:
        tongbao.evaluate(RULES, columns)
    problems = caught.value.problems
    assert [p.line for p in problems] == lines and {p.column for p in problems} == {column}
    assert problems[-1].message == message


def test_whole_numbers_and_blanks_in_a_number_array_pass() -> None:
    columns = {**_columns(), "累计注册人数": np.array([0.0, 1e15, 7.0]), "活跃工作群数": np.array([np.nan, 4.0, np.nan])}
    table = tongbao.load_table(RULES, columns)
    assert table.columns["registered"].tolist() == [0.0, 1e15, 7.0]
    assert table.columns["work_groups"].tolist() == [0.0, 4.0, 0.0]
    assert table.blank["work_groups"].tolist() == [True, False, True]


def test_repeated_and_blank_names_in_columns_are_named_with_both_rows() -> None:
    columns = {**_columns(), "单位": ["甲局", "", "甲局"]}
    with pytest.raises(tongbao.DataError) as caught:
        tongbao.evaluate(RULES, columns)
    assert [(p.line, p.value, p.message) for p in caught.value.problems] == [
        (2, "", "单位名称为空。每一行都要写明单位。"),
        (3, "甲局", "单位名称重复：第 1 行已有“甲局”。请合并两行或改正名称。")]


def test_a_joined_table_keeps_its_files_fingerprints_not_their_tables() -> None:
    # Group files are joined by concat_tables; its fingerprint once closed over the file tables, which kept
    # every file's columns and masks alive as long as the joined table (twice the memory at a million units).
    import gc
    import hashlib
    import weakref

    from tongbao.data.groupfiles import concat_tables

    first, second = tongbao.load_table(RULES, _columns()), tongbao.load_table(RULES, {**_columns(), "单位": ["丙局", "丁局", "戊局"]})
    shas = first.sha256, second.sha256
    later = tongbao.load_table(RULES, {**_columns(), "单位": ["己局", "庚局", "辛局"]})  # never asked: still a closure
    gone = weakref.ref(first.columns["registered"].base if first.columns["registered"].base is not None else first.columns["registered"])
    joined = concat_tables([("a", first), ("b", second), ("c", later)])
    del first, second, later
    gc.collect()
    assert gone() is None
    expected = hashlib.sha256((shas[0] + shas[1] + tongbao.load_table(RULES, {**_columns(), "单位": ["己局", "庚局", "辛局"]}).sha256)
                              .encode()).hexdigest()
    assert joined.sha256 == expected


@pytest.mark.parametrize("values", [
    np.arange(12, dtype=np.int32)[::3], np.arange(6.0).reshape(2, 3).T, np.array(2.5), np.array([True, False]),
    np.array(["2022-05-01", "NaT"], dtype="M8[D]"), np.arange(4, dtype=">i8"), np.zeros(0), np.arange(10**6, dtype=np.float64)])
def test_an_array_digest_is_the_sha256_of_its_bytes_in_c_order(values: np.ndarray) -> None:
    # read in place (or from a contiguous copy), where tobytes() copied every array first
    import hashlib

    from tongbao.data.fingerprint import digest
    assert digest(values) == hashlib.sha256(values.tobytes()).hexdigest()


def test_integer_arrays_are_whole_and_never_blank() -> None:
    # an int array skips the blank and whole-number looks (every value is both); its range is still checked
    columns = {**_columns(), "累计注册人数": np.array([0, 10**15, 7], dtype=np.int64), "活跃工作群数": np.array([3, 0, 255], dtype=np.uint8)}
    table = tongbao.load_table(RULES, columns)
    assert table.columns["registered"].tolist() == [0.0, 1e15, 7.0] and table.columns["work_groups"].tolist() == [3.0, 0.0, 255.0]
    assert table.blank["registered"].tolist() == table.blank["work_groups"].tolist() == [False] * 3
    assert table.not_applicable["registered"].tolist() == [False] * 3
    columns = {**_columns(), "累计注册人数": np.array([2**53 + 1, 5, -3], dtype=np.int64)}
    with pytest.raises(tongbao.DataError) as caught:
        tongbao.load_table(RULES, columns)
    assert [(p.line, p.value, p.message) for p in caught.value.problems] == [(1, "9007199254740992.0", _WHOLE), (3, "-3.0", _WHOLE)]
