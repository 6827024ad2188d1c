"""The column-wise unit text (report/unittext.py) is byte for byte ``verdict.dumps(to_dict())``.

One ``to_dict()`` feeds JSON and the terminal (house rule 6): the fast writer is proven equal to it
on every shipped seed, on fixtures with findings, groups, parts, escalations, vetoes, N/A and
blanks, and on random tables with values at rounding edges and names that need escaping. A part
the fast path does not cover takes the dict path, and the tests check that it does.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tongbao
from tongbao.data.history import period_of
from tongbao.messages import message_series
from tongbao.report import jsonout, unittext
from tongbao.unitrows import messages
from tongbao.verdict import dumps, json_safe

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [(s, s) for s in ["tonggu-ganzhengtong", "ganzhou-gongkai-2022-07", "ganzhou-jiance-2023-08", "jiujiang-wangzhan-2022q2",
                          "yanjiang-xinxi-2020q3", "demo-county-websites-2024"]]
SEEDS += [("tonggu-ganzhengtong", "tonggu-ganzhengtong-2022-04"), ("tonggu-ganzhengtong", "tonggu-ganzhengtong-2022-06")]
FIXTURES = [("tests/fixtures/findings/issues.yaml", "tests/fixtures/findings"),
            ("tests/fixtures/language/ranking.yaml", "tests/fixtures/language/ranking"),
            ("tests/fixtures/periods/reports.yaml", "tests/fixtures/periods"),
            ("tests/fixtures/lint/band-text.yaml", "tests/fixtures/lint/band-text.csv"),
            ("tests/fixtures/messages/messages.yaml", "tests/fixtures/messages")]  # clauses, specs (万, ,d, 年月日), findings lists


def _same(verdict: tongbao.Verdict) -> bytes:
    """Assert the fast text equals the reference (and the dict path), every part written column-wise."""
    assert all(unittext.unsupported(p) is None for p in verdict.parts)
    expected = dumps(dict(verdict.to_dict())).encode("utf-8")
    assert b"".join(jsonout.verdict_chunks(verdict, fast=True)) == expected
    assert b"".join(jsonout.verdict_chunks(verdict, fast=False)) == expected
    for part in verdict.parts:  # polars fills the fast path's messages: the same text, not a fallback
        for note in part.part.notifications:
            units = np.flatnonzero(part.notifications[note.id])
            assert message_series(part, note.message, units).to_list() == messages(part, note, units)
    return expected


@pytest.mark.parametrize(("ruleset", "data"), SEEDS)
def test_seed_examples(ruleset: str, data: str) -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / f"{ruleset}.yaml"), ROOT / "examples" / data)
    assert json.loads(_same(verdict))["parts"][0]["units"]


@pytest.mark.parametrize(("ruleset", "data"), FIXTURES)
def test_fixture_rulesets(ruleset: str, data: str) -> None:
    _same(tongbao.evaluate(tongbao.load_ruleset(ROOT / ruleset), ROOT / data))


def test_escalations_with_history_and_sets() -> None:
    here = ROOT / "tests/fixtures/periods"
    rules = tongbao.load_ruleset(here / "reports.yaml")
    names = ["甲", "乙", "丙", "丁", "戊"]
    earlier = [("2021-12", {"乙": 1}), ("2022-03", {"甲": 1, "丁": 1, "戊": 1}), ("2022-05", {"丙": 1, "丁": 2, "戊": 1})]
    history = [period_of(tongbao.evaluate(rules, {"units.csv": [{"单位": n, "逾期天数": str(late.get(n, 0)), "其他得分": "85"}
                                                               for n in names]}, period=p).to_dict()) for p, late in earlier]
    text = _same(tongbao.evaluate(rules, here / "units.csv", period="2022-06", history=history))
    wu = next(u for u in json.loads(text)["parts"][0]["units"] if u["name"] == "戊")
    assert {e["id"] for e in wu["escalations"]} == {"running_late", "second_late", "third_late"}


def test_tonggu_escalated_units_with_tonggu_history() -> None:
    rules = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")
    april = period_of(tongbao.evaluate(rules, ROOT / "examples" / "tonggu-ganzhengtong-2022-04").to_dict())
    may = period_of(tongbao.evaluate(rules, ROOT / "examples" / "tonggu-ganzhengtong").to_dict())
    text = _same(tongbao.evaluate(rules, ROOT / "examples" / "tonggu-ganzhengtong-2022-06", history=[april, may]))
    assert any(u["escalations"] for u in json.loads(text)["parts"][0]["units"])


def test_small_tables_take_the_dict_path_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml"), ROOT / "examples/tonggu-ganzhengtong")
    monkeypatch.setattr(unittext, "units_text", _must_not_run)
    assert b"".join(jsonout.verdict_chunks(verdict)) == dumps(dict(verdict.to_dict())).encode()
    monkeypatch.setattr(jsonout, "FAST_MIN_UNITS", 10)
    with pytest.raises(AssertionError, match="column-wise"):
        b"".join(jsonout.verdict_chunks(verdict))


def _must_not_run(*args: object) -> bytes:
    raise AssertionError("column-wise path taken")


def test_an_uncovered_column_falls_back_to_the_dict_path(monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml"), ROOT / "examples/tonggu-ganzhengtong")
    part = verdict.parts[0]
    part.metrics["activated"] = part.metrics["activated"].astype(str)  # numpy text: a dtype the text writer does not know
    assert unittext.unsupported(part) == "column dtype <U32"
    monkeypatch.setattr(unittext, "units_text", _must_not_run)
    chunks = b"".join(jsonout.verdict_chunks(verdict, fast=True))  # the dict path ran: no AssertionError
    assert chunks == dumps(dict(verdict.to_dict())).encode() and b'"activated":"' in chunks


def test_a_verdicts_units_are_one_line_each() -> None:
    units = [{"name": "甲", "fields": {"a": 1, "b": None}, "flags": ["x"], "notifications": [{"id": "n", "message": "甲\u2028"}]},
             {"name": "\x00tongbao:units\x000", "flags": []}]  # the first mark dumps would try: it takes another
    data = {"tongbao": {"verdict_format": 1}, "parts": [{"id": "p", "units": units}, {"id": "q", "units": []}], "warnings": []}
    assert dumps(data) == (
        '{\n  "tongbao": {\n    "verdict_format": 1\n  },\n  "parts": [\n    {\n      "id": "p",\n      "units": [\n'
        '        {"name":"甲","fields":{"a":1,"b":null},"flags":["x"],"notifications":[{"id":"n","message":"甲\\u2028"}]},\n'
        '        {"name":"\\u0000tongbao:units\\u00000","flags":[]}\n      ]\n    },\n'
        '    {\n      "id": "q",\n      "units": []\n    }\n  ],\n  "warnings": []\n}\n')
    assert json.loads(dumps(data)) == data
    plain = {"unit": "甲", "parts": [{"units": [{"a": 1}]}]}  # not a verdict (explain's JSON): json's indent throughout
    assert dumps(plain) == json.dumps(plain, ensure_ascii=False, indent=2) + "\n"


def test_year_to_date_units_take_the_dict_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tongbao.load_ruleset(ROOT / "tests/fixtures/yeartodate/monthly.yaml")
    rows = [{"单位": n, "采用条数": str(k), "逾期天数": "0"} for k, n in enumerate(["甲", "乙", "丙"])]
    earlier = period_of(tongbao.evaluate(rules, {"units.csv": rows}, period="2022-01").to_dict())
    verdict = tongbao.evaluate(rules, {"units.csv": rows}, period="2022-02", history=[earlier])
    assert unittext.unsupported(verdict.parts[0]) == "year_to_date"
    monkeypatch.setattr(unittext, "units_text", _must_not_run)
    text = b"".join(jsonout.verdict_chunks(verdict, fast=True))
    assert text == dumps(dict(verdict.to_dict())).encode() and b'"year_to_date":{"counted":{"cap":10' in text


@pytest.mark.parametrize("builders", [1, 3])
def test_batches_join_as_one_list(monkeypatch: pytest.MonkeyPatch, builders: int) -> None:
    monkeypatch.setattr(jsonout, "TEXT_BATCH", 7)
    monkeypatch.setattr(jsonout, "BUILDERS", builders)  # 3 threads building batches of 7: still in order
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets/yanjiang-xinxi-2020q3.yaml"), ROOT / "examples/yanjiang-xinxi-2020q3")
    assert sum(len(p.table) for p in verdict.parts) > 3 * 7
    _same(verdict)
    pieces = list(jsonout.verdict_chunks(verdict, fast=True))
    units = [p for p in pieces if bytes(p[:40]).lstrip(b",\n ").startswith(b'{"name"')]
    assert len(units) >= 4 and all(isinstance(p, memoryview) for p in units)  # the unit lines: polars' memory, not copied


def test_a_batch_that_fails_in_a_builder_thread_raises_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []

    def make(start: int) -> bytes:
        made.append(start)
        if start == 20:
            raise ValueError("batch 20")
        return str(start).encode()

    pieces = jsonout._Ahead(make, range(0, 100, 10), 2)
    assert [next(pieces), next(pieces)] == [b"0", b"10"]
    with pytest.raises(ValueError, match="batch 20"):
        next(pieces)
    assert max(made) <= 40  # never more than two batches ahead of the one given back


def test_the_first_unit_batches_are_built_while_the_text_before_them_is_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first part's first BUILDERS batches start when the verdict's first piece is given, not when its
    unit list is reached; a reader that stops there leaves no batch queued to be built."""
    import threading
    import time

    made: list[int] = []
    two = threading.Event()
    units_text = unittext.units_text

    def recorded(r: Any, start: int, *args: Any) -> list[Any]:
        made.append(start)
        if len(made) == 2:
            two.set()
        return units_text(r, start, *args)

    monkeypatch.setattr(jsonout, "TEXT_BATCH", 7)
    monkeypatch.setattr(jsonout, "BUILDERS", 2)
    monkeypatch.setattr(unittext, "units_text", recorded)
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets/yanjiang-xinxi-2020q3.yaml"), ROOT / "examples/yanjiang-xinxi-2020q3")
    chunks = jsonout.verdict_chunks(verdict, fast=True)
    head = bytes(next(chunks))
    assert head.startswith(b'{\n  "tongbao"')  # the skeleton's text before the first list it leaves out
    assert two.wait(10) and sorted(made) == [0, 7]  # both builders at work before the unit list's turn
    chunks.close()
    time.sleep(0.2)
    assert sorted(made) == [0, 7]  # closed: the batches after them are not built


def test_a_batch_gathers_its_texts_in_the_query_that_writes_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Series.gather is a polars query of its own (~0.1 ms): a batch's band ids, list items and tabled
    numbers are gathered as expressions of the one query that writes its lines, the messages' unit
    names in each notification's query, with the same text."""
    import polars as pl

    from tongbao.report import numbertext

    monkeypatch.setattr(numbertext, "MIN_ROWS", 1)
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml"), ROOT / "examples/tonggu-ganzhengtong")
    part, n = verdict.parts[0], len(verdict.parts[0].table)
    names = unittext.name_texts(part.table.names)[0]
    expected = b"".join(unittext.units_text(part, 0, n, 4, names, numbertext.NumberTables(lambda v, f: unittext.number_texts(v, f))))
    tables = unittext.number_tables()
    counts = np.repeat(np.arange(10.0), 5)
    pl.select(tables.texts(counts, slice(0, 50), part.part.units.fields[0].format))  # a table made (its own gathers allowed)
    monkeypatch.setattr(pl.Series, "gather", _must_not_run)
    tier = part.part.tiers[0]
    items = [(part.flags[f.name], literal) for f, literal in zip(part.part.flags, ['"a"', '"b"'])]
    items.append((part.flags[part.part.flags[0].name], pl.Series(["x"] * int(np.count_nonzero(part.flags[part.part.flags[0].name])))))
    assert isinstance(unittext._band_texts(tier, part.bands[tier.name]), pl.Expr)
    assert isinstance(tables.texts(counts, slice(10, 20), part.part.units.fields[0].format), pl.Expr)
    text = unittext._Text()
    unittext._add_items(text, n, items)
    assert text.args and not text.frame and len(text.lines(n)) == n  # every argument an expression: no Series gathered
    gather = monkeypatch.undo() or pl.Series.gather
    names_gathered: list[int] = []  # the messages' {unit}: gathered in each notification's query, not by Series.gather
    monkeypatch.setattr(pl.Series, "gather", lambda self, i: names_gathered.append(len(self)) or gather(self, i))
    assert b"".join(unittext.units_text(part, 0, n, 4, names)) == expected
    assert len(names) not in names_gathered and names_gathered  # (format_series still gathers its digits)


def test_strings_escape_as_dumps() -> None:
    texts = ['a"b', "c\\d", "e\nf\tg\x00h\x1f", "单位\u2028\u2029\x7f\x85\u061c\u200e\u202a\u2066", None, "", "\ud800 lone"]
    got = unittext.string_texts(texts).to_list()
    assert got == [json_safe(json.dumps(t, ensure_ascii=False)) for t in texts]
    assert got[3] == '"单位\\u2028\\u2029\\u007f\\u0085\\u061c\\u200e\\u202a\\u2066"' and got[6] == '"\\ud800 lone"'


FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                   st.integers(-10**6, 10**6).map(lambda k: k / 1000 + 0.0005),
                   st.sampled_from([0.0, -0.0, 1e-05, 5e-05, 9.99999e-05, 1e-4, 0.1 + 0.2, 1e15, 1e16, 1e17, 2.0**62, -(2.0**63), 1e300]))


@settings(max_examples=200, deadline=None)
@given(st.lists(FLOATS, min_size=1, max_size=30), st.sampled_from(["integer", "number", "percent"]))
def test_number_texts_are_json_of_json_numbers(values: list[float], kind: str) -> None:
    from tongbao.rules.formatmany import json_numbers
    from tongbao.rules.formatting import Format

    fmt = Format(kind, 0 if kind == "integer" else 2)
    arr = np.array(values, dtype=np.float64)
    assert unittext.number_texts(arr, fmt).to_list() == [json.dumps(v) for v in json_numbers(arr, fmt)]


RULESET = """\
tongbao: 1
id: random-table
version: "1"
title: 随机表
issuer: 测试
region: 测试
units:
  file: units.csv
  key: 单位
  fields:
    a: {column: 甲, type: number, not_applicable: ["/"], blank: missing}
    p: {column: 乙, type: percent, blank: zero}
    k: {column: 丙, type: integer, blank: missing, not_applicable: ["不适用"]}
    kind: {column: 类别, type: text}
groups:
  x: {label: 甲类, when: kind == "x"}
  other: {label: 其他}
vetoes:
  zero_p: {label: 乙为零, when: p == 0}
metrics:
  r: {label: 比值, expr: a / k, format: "number:3"}
  s: {label: 合计, expr: round(a + k), format: integer}
tiers:
  level:
    label: 等级
    metric: p
    bands:
      - {id: low, label: 低于50%, below: "50%", severity: 2}
      - {id: ok, label: 达标, otherwise: true, severity: 0}
flags:
  big: {label: 甲大于一, when: a > 1, severity: 1}
notifications:
  - id: name_low
    action: 点名
    label: 偏低
    when: {bands: {level: [low]}}
    message: "{unit}的乙为{p}，甲为{a}，列入“{band.level}”。"
ranking:
  label: 排名
  by: p
  order: descending
  ties: shared
"""
@pytest.fixture(scope="module")
def random_rules(tmp_path_factory: pytest.TempPathFactory) -> tongbao.Ruleset:
    path = tmp_path_factory.mktemp("random") / "r.yaml"
    path.write_text(RULESET, encoding="utf-8")
    return tongbao.load_ruleset(path)


NAME_TEXT = st.text(st.sampled_from(list('单位甲"\\\n\t\x00\x1f\u2028\u2029\x7f\x85\u200e abc{}%')), max_size=6)
CELL = st.one_of(st.sampled_from(["", "/", " ", "不适用"]), FLOATS.filter(lambda x: x == x and abs(x) < 1e12).map(lambda x: f"{x:.6f}"),
                 st.integers(0, 10**6).map(lambda k: f"{k / 1000}"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(NAME_TEXT, CELL, st.integers(0, 10**5), st.sampled_from(["", "1", "不适用", "7"]),
                          st.sampled_from(["x", "y"])), min_size=1, max_size=25))
def test_random_tables(random_rules: tongbao.Ruleset, rows: list[tuple[str, str, int, str, str]]) -> None:
    rules = random_rules
    columns = {"单位": [f"{name}{i}" for i, (name, *_) in enumerate(rows)],
               "甲": [r[1] if r[1] != "/" or i % 2 else "/" for i, r in enumerate(rows)],
               "乙": [f"{r[2] / 1000:g}%" if r[2] % 7 else "" for r in rows],
               "丙": [r[3] for r in rows], "类别": [r[4] for r in rows]}
    try:
        verdict = tongbao.evaluate(rules, columns)
    except tongbao.TongbaoError:
        return  # a bad cell (out of range, say): no verdict to write
    _same(verdict)


def test_names_needing_escapes_in_summary_lists_and_a_lone_surrogate() -> None:
    import orjson

    rules = tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml")
    names = ["甲\u2028甲", "乙\x85乙", "丙\x7f丙", "丁\u202e丁", "戊"]  # inside: strip() would take them off the ends
    columns = {"单位": names, "累计注册人数": np.array([10.0, 20, 30, 40, 50]), "累计激活率": np.array([0.5, 1, 0.2, 1, 1]),
               "活跃率": np.array([0.1, 0.95, 0.3, 0.85, 0.99]), "活跃工作群数": np.arange(5.0)}
    verdict = tongbao.evaluate(rules, columns)
    text = _same(verdict)
    assert b"\\u2028" in text and b"\\u007f" in text and b"\\u202e" in text and "\u2028".encode() not in text
    odd_keys: list[str] = []
    data = {"a": ["x\u2028", "y"], "s": "\ud800 lone", "b\u2066": 1}
    prepared = jsonout._for_orjson(data, odd_keys, [])
    assert odd_keys == ["b\u2066"] and prepared["a"][1] == "y"
    del data["b\u2066"], prepared["b\u2066"]
    assert orjson.dumps(prepared, option=orjson.OPT_INDENT_2) + b"\n" == dumps(data).encode()


def test_summary_name_lists_are_written_column_wise_and_a_mark_in_the_data_is_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml")
    names = ["甲", "乙", "丙", "丁", "戊"]
    columns = {"单位": names, "累计注册人数": np.array([10.0, 20, 30, 40, 50]), "累计激活率": np.array([0.5, 1, 0.2, 1, 1]),
               "活跃率": np.array([0.1, 0.95, 0.3, 0.85, 0.99]), "活跃工作群数": np.arange(5.0)}
    verdict = tongbao.evaluate(rules, columns)
    calls: list[int] = []
    real = unittext.name_list_text
    monkeypatch.setattr(unittext, "name_list_text", lambda *a: calls.append(1) or real(*a))
    text = _same(verdict)
    band = json.loads(text)["parts"][0]["summary"]["tiers"][0]["bands"]
    assert [b["units"] for b in band] == [["甲"], ["丙"], [], ["丁"], ["乙", "戊"]] and len(calls) >= 10
    assert '"units": [\n' + " " * 18 + '"甲"\n' + " " * 16 + "]" in text.decode()  # json's indent=2 layout, key at column 16
    columns["单位"] = [jsonout.NAMES_MARK, "乙", "丙", "丁", "戊"]  # the mark as a unit's name: the plain way, same bytes
    _same(tongbao.evaluate(rules, columns))


def test_written_bytes_are_sent_to_disk_as_they_add_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every WRITEBACK_BYTES written, whatever the pieces' sizes (the unit lists come as polars'
    buffers, many smaller than that): the span since the last advice is advised."""
    import os

    from tongbao.report import atomic

    calls: list[tuple[int, int]] = []
    monkeypatch.setattr(atomic, "WRITEBACK_BYTES", 4)
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, start, size, advice: calls.append((start, size)), raising=False)
    atomic.write_atomic_chunks(tmp_path / "v.json", [b"abcdef", b"gh", b"ij", memoryview(b"klm"), b"n"])
    assert (tmp_path / "v.json").read_bytes() == b"abcdefghijklmn"
    assert calls == [(0, 6), (6, 4), (10, 4)]  # "abcdef"; "gh" + "ij"; "klm" + "n"


def test_file_names_that_are_not_utf8(tmp_path: Path) -> None:
    import os
    import shutil

    ruleset = os.path.join(os.fsencode(tmp_path), b"r\xff.yaml")
    data = os.path.join(os.fsencode(tmp_path), b"u\xfe.csv")
    shutil.copy(ROOT / "rulesets/tonggu-ganzhengtong.yaml", os.fsdecode(ruleset))
    shutil.copy(ROOT / "examples/tonggu-ganzhengtong/units.csv", os.fsdecode(data))
    verdict = tongbao.evaluate(tongbao.load_ruleset(os.fsdecode(ruleset)), os.fsdecode(data))
    text = _same(verdict)  # both the column-wise and the dict path write json's escape of the lone surrogate
    assert b'"file": "u\\udcfe.csv"' in text


WHOLE = st.one_of(st.integers(-(2**53), 2**53).map(float),
                  st.sampled_from([0.0, -0.0, 2.0**53 + 2, 2.0**62, 2.0**63 - 1024, -(2.0**63), 2.0**63, 1e300, -1e19]))


@settings(max_examples=200, deadline=None)
@given(st.lists(WHOLE, min_size=1, max_size=30))
def test_whole_number_columns_are_cast_once(values: list[float]) -> None:
    from tongbao.rules.formatmany import json_numbers
    from tongbao.rules.formatting import Format

    arr = np.array(values, dtype=np.float64)
    fits = all(-(2.0**63) <= v < 2.0**63 for v in values)  # else the float path: int64 cannot hold it
    with pytest.MonkeyPatch.context() as m:
        if fits:
            m.setattr(unittext, "json_number_arrays", _must_not_run)
        got = unittext.number_texts(arr, Format("integer")).to_list()
    assert got == [json.dumps(v) for v in json_numbers(arr, Format("integer"))]
    assert unittext.number_texts(np.array([3.0, -0.0, 2.0**63]), Format("integer")).to_list() == ["3", "0", "9223372036854775808"]


def test_message_pieces_escaped_one_by_one_join_into_the_escaped_message() -> None:
    import polars as pl

    from tongbao.messages import message_pieces

    rules = tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml")
    names = ['甲"\\', "乙\n\u2028乙", "丙\x7f"]  # inside the name: ingest strips the ends
    columns = {"单位": names, "累计注册人数": np.array([10.0, 20, 30]), "累计激活率": np.array([0.5, 0.25, 0.2]),
               "活跃率": np.array([0.1, 0.45, 0.3]), "活跃工作群数": np.arange(3.0)}
    part = tongbao.evaluate(rules, columns).parts[0]
    note = part.part.notifications[0]
    units = np.array([0, 1, 2])
    texts, _ = unittext.name_texts(part.table.names)
    assert texts.to_list() == ['甲\\"\\\\', "乙\\n\\u2028乙", "丙\\u007f"]
    pieces = message_pieces(part, note.message, units, unittext.escaped, texts)
    got = pl.select(pl.concat_str(pieces)).to_series().to_list()
    assert got == [json_safe(json.dumps(m, ensure_ascii=False))[1:-1] for m in messages(part, note, units)]
    assert got[0] == '甲\\"\\\\累计激活率50.00%，未达到“确保激活率均达100%”的要求。'


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 4).flatmap(lambda k: st.tuples(
    st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=k, max_size=k),
    st.lists(st.booleans(), min_size=k, max_size=k))))
def test_list_items_are_written_where_present_with_commas_between(case: tuple[list[list[bool]], list[bool]]) -> None:
    """Each unit's list holds the items present on it, in order, "," only between two of them:
    the first absent, the middle absent, none, all; an item one text for all or a text per present unit."""
    import polars as pl

    masks, per_unit = case
    items: list[tuple[np.ndarray, Any]] = []
    for k, (mask, own) in enumerate(zip(masks, per_unit)):
        present = np.array(mask)
        texts = [f'"{k}:{u}"' for u in np.flatnonzero(present)]
        items.append((present, pl.Series(texts, dtype=pl.String) if own else f'"{k}"'))
    text = unittext._Text()
    text.add("[")
    unittext._add_items(text, 6, items)
    text.add("]")
    if text.args:
        lines = text.lines(6).to_list()
    else:  # no unit has any item: no column, the literal "[]" alone
        lines = ["".join(text.format)] * 6
    expected = [json.dumps([f"{k}:{u}" if own else f"{k}" for k, (mask, own) in enumerate(zip(masks, per_unit)) if mask[u]],
                           separators=(",", ":")) for u in range(6)]
    assert lines == expected


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_a_literal_escapes_as_a_column_of_it(text: str) -> None:
    """A message's literal piece is escaped by json once (cached), its placeholders' columns by
    polars: the two must agree on every character (C0, quotes, DEL, C1, bidi, separators, the rest)."""
    import polars as pl

    assert unittext.escaped(text) == unittext.escaped(pl.Series([text], dtype=pl.String))[0]
    assert unittext.escaped(text + "\u2028\x7f\u202e\"") == unittext.escaped(pl.Series([text + "\u2028\x7f\u202e\""]))[0]


def test_names_read_by_polars_are_escaped_from_their_polars_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large CSV's names come with the polars column they were read into (Table.names_column): the
    JSON writer escapes them from it, not from a million str, with the same text (backslash, C1, bidi)."""
    from tongbao.data import csvcolumns

    monkeypatch.setattr(csvcolumns, "FAST_MIN_BYTES", 0)  # the columnar read of a big file, on 6,000 rows
    rows = [f'{i},单位{i}{["", chr(92), chr(0x80), chr(0x202E)][i % 4]},{i % 300},{i % 100}%,{i % 97}.5%,{i % 3}' for i in range(1, 6001)]
    data = tmp_path / "units.csv"
    data.write_text("序号,单位,累计注册人数,累计激活率,活跃率,活跃工作群数\n" + "\n".join(rows) + "\n", encoding="utf-8")
    verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets/tonggu-ganzhengtong.yaml"), data)
    table = verdict.parts[0].table
    assert table.names_column is not None and table.names_column.to_list() == table.names.tolist()
    assert table.names[0] == "单位1\\" and table.names[1] == "单位2\x80"
    given: list[Any] = []
    real = unittext.name_texts
    monkeypatch.setattr(unittext, "name_texts", lambda names, column=None: given.append(column) or real(names, column))
    assert b"".join(jsonout.verdict_chunks(verdict)) == dumps(dict(verdict.to_dict())).encode()
    assert len(given) == 1 and given[0] is table.names_column
    assert real(table.names, table.names_column)[0].to_list()[:4] == ["单位1\\\\", "单位2\\u0080", "单位3\\u202e", "单位4"]
