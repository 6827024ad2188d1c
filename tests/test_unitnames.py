"""Unit names' checks (unitnames): a hash only finds candidates, so the messages are the exact look's,
whichever kind of hash found them (str's for a few names, polars' for many or for a polars column);
tables whose hashes are of different kinds are still compared by concat_tables."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tongbao
from tongbao.data import fastcells
from tongbao.data.groupfiles import concat_tables
from tongbao.data.tables import MAX_LISTED, Layout, _Problems, table_from_columns
from tongbao.data.unitnames import check_names, name_hashes

ROOT = Path(__file__).resolve().parent.parent
RULES = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")
MANY = fastcells.FAST_MIN_CELLS


def _problems(names: list[str], column: Any = None) -> list[tuple[int | None, str | None, str]]:
    """What check_names reports (the first MAX_LISTED, then one entry saying how many more)."""
    problems = _Problems("x.csv")
    check_names(names, np.arange(1, len(names) + 1), "单位", problems, column=column)
    return [(p.line, p.value, p.message) for p in problems.items] + ([(None, None, f"{problems.more} more")] if problems.more else [])


def test_the_kind_of_hash_by_number_of_names() -> None:
    few = [f"单位{i}" for i in range(MANY - 1)]
    many = [f"单位{i}" for i in range(MANY)]
    assert name_hashes(few).dtype == np.int64
    assert name_hashes(few).tolist() == sorted(hash(n) for n in few)
    assert name_hashes(many).dtype == np.uint64
    assert name_hashes(many).tolist() == sorted(pl.Series(many).hash().to_list())
    column = pl.Series(few)  # a column polars read: hashed as it is, however few
    assert name_hashes(few, column).tolist() == sorted(column.hash().to_list())
    odd = many[:-1] + ["\udc80"]  # a lone surrogate: polars holds UTF-8 only, so str's hash
    assert name_hashes(odd).dtype == np.int64


def test_many_names_find_the_repeat_and_the_blank_far_apart() -> None:
    names = [f"单位{i:05d}" for i in range(3 * MANY)]
    names[2 * MANY], names[MANY + 7] = "单位00003", ""
    expected = [(MANY + 8, "", "单位名称为空。每一行都要写明单位。"),
                (2 * MANY + 1, "单位00003", "单位名称重复：第 4 行已有“单位00003”。请合并两行或改正名称。")]
    assert _problems(names) == expected
    assert _problems(names, pl.Series(names)) == expected
    assert _problems(names[:-1] + ["\udc80"]) == expected  # str's hash, the same messages


_name = st.text(alphabet="甲乙丙 a", max_size=2)


@given(st.lists(_name, max_size=40))
@settings(max_examples=200, deadline=None)
def test_polars_hashes_report_what_the_exact_look_reports(names: list[str]) -> None:
    first: dict[str, int] = {}
    exact = []
    for line, name in enumerate(names, 1):
        if not name:
            exact.append((line, "", "单位名称为空。每一行都要写明单位。"))
        elif name in first:
            exact.append((line, name, f"单位名称重复：第 {first[name]} 行已有“{name}”。请合并两行或改正名称。"))
        else:
            first[name] = line
    if len(exact) > MAX_LISTED:
        exact = exact[:MAX_LISTED] + [(None, None, f"{len(exact) - MAX_LISTED} more")]
    assert _problems(names) == exact  # str's hash (few names)
    assert _problems(names, pl.Series(names, dtype=pl.String)) == exact  # polars' hash


def _table(names: list[str]) -> Any:
    n = len(names)
    columns = {"单位": names, "累计注册人数": np.full(n, 10), "累计激活率": np.full(n, 0.5), "活跃率": np.full(n, 0.5),
               "活跃工作群数": np.full(n, 1)}
    return table_from_columns(Layout.of(RULES.parts[0].units), columns)


def test_a_name_in_a_small_and_a_large_file_is_found_across_kinds() -> None:
    small = _table(["甲局", "乙局"])
    large = _table([f"单位{i}" for i in range(MANY - 1)] + ["乙局"])
    assert (small.name_hashes.dtype, large.name_hashes.dtype) == (np.int64, np.uint64)
    with pytest.raises(tongbao.DataError) as caught:
        concat_tables([("a", small), ("b", large)])
    [problem] = caught.value.problems
    assert (problem.line, problem.value) == (MANY, "乙局")
    assert "单位名称与 <columns> 第 2 行重复" in problem.message
    joined = concat_tables([("a", small), ("b", _table([f"单位{i}" for i in range(MANY)]))])
    assert len(joined) == MANY + 2
