"""A tier's band ids by name (an object column a unit) are made only when an expression reads them."""
from __future__ import annotations

from pathlib import Path

import pytest

import tongbao
from tongbao.lazynames import Names

RULES = """tongbao: 1
id: t
version: "1"
title: 测试
issuer: 测试单位
region: 测试地区
units:
  file: units.csv
  key: 单位
  fields:
    a: {column: 甲, type: integer}
groups:
  big: {label: 大, when: a >= 2}
  small: {label: 小}
metrics:
  score: {label: 得分, expr: a * 10, format: integer}
tiers:
  grade:
    label: 档次
    metric: score
    bands:
      - {id: high, label: 高, at_least: 20, severity: 0}
      - {id: low, label: 低, otherwise: true, severity: 1}
summary:
  - {id: high_count, label: 高档单位数, expr: count(grade == "high"), format: integer}
"""


def test_band_ids_are_made_when_read_and_restricted_to_each_group(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("单位,甲\n一局,5\n二局,1\n三局,2\n四局,0\n", encoding="utf-8")
    (tmp_path / "r.yaml").write_text(RULES, encoding="utf-8")
    part = tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), tmp_path).parts[0]
    assert part.figures["high_count"] == {"all": 2.0, "big": 2.0, "small": 0.0}  # 50 and 20 are high, both big
    assert part.names["grade"].tolist() == ["high", "low", "high", "low"]


def test_band_ids_no_expression_reads_are_not_made(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("单位,甲\n一局,5\n二局,1\n", encoding="utf-8")
    (tmp_path / "r.yaml").write_text(RULES.replace('count(grade == "high")', "count()"), encoding="utf-8")
    part = tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), tmp_path).parts[0]
    assert "grade" in part.names and "grade" not in dict(part.names)  # deferred: nothing made yet
    assert part.names.get("grade").tolist() == ["high", "low"]  # made on this read, and kept
    assert dict(part.names)["grade"].tolist() == ["high", "low"]


def test_names_defer_read_set_and_pop() -> None:
    made = []
    names = Names({"a": 1})
    names.defer("b", lambda: made.append("b") or 2)
    assert "b" in names and list(names) == ["a"] and names.get("c", 9) == 9 and made == []
    assert names["b"] == 2 and names["b"] == 2 and made == ["b"]  # made once
    names.defer("c", lambda: 3)
    names["c"] = 4  # a value set outright replaces the deferred one
    assert names["c"] == 4 and names.deferred() == {}
    names.defer("d", lambda: 5)
    names.pop("d", None)
    assert "d" not in names
    with pytest.raises(KeyError):
        names["d"]


def test_per_group_facts_are_made_for_the_part_that_reads_them() -> None:
    """Yanjiang's district points are 6 and 3 for departments, 8 and 5 for towns (its facts): the adoption
    part reads them, so each unit has its group's; the submission part never does, so no column is made."""
    root = Path(__file__).resolve().parent.parent
    verdict = tongbao.evaluate(tongbao.load_ruleset(root / "rulesets" / "yanjiang-xinxi-2020q3.yaml"),
                               root / "examples" / "yanjiang-xinxi-2020q3")
    submission, adoption = verdict.parts
    assert "points_district_article" not in dict(submission.names) and "points_district_article" in submission.names
    points = dict(adoption.names)["points_district_article"]
    assert dict(zip(adoption.groups.tolist(), points.tolist())) == {"departments": 6.0, "towns": 8.0}
    assert not points.flags.writeable


def test_threads_reading_a_deferred_name_first_make_it_once() -> None:
    """Review: two threads missing the same name together could both make it, or one find it gone (KeyError)."""
    import threading
    import time

    for _ in range(50):
        names, made = Names(), []

        def make() -> int:
            made.append(1)
            time.sleep(0.001)  # a maker that lets the other threads run meanwhile, as numpy's do
            return len(made)

        names.defer("x", make)
        start, seen = threading.Barrier(4), []

        def read() -> None:
            start.wait()
            seen.append((names["x"], "x" in names))

        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert made == [1] and seen == [(1, True)] * 4
