"""The column-wise verdict (unitrows, formatmany) and the streaming JSON writer (report/jsonout)
must give exactly what the one-value functions and ``json.dumps(indent=2)`` give."""
from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tongbao
from tongbao.report.jsonout import verdict_chunks
from tongbao.rules.formatmany import format_many, format_series, json_numbers, same_rounding
from tongbao.rules.formatting import Format, Published, format_value, round_half_up
from tongbao.verdict import _json_value, dumps

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ["tonggu-ganzhengtong", "ganzhou-gongkai-2022-07", "ganzhou-jiance-2023-08", "jiujiang-wangzhan-2022q2",
         "yanjiang-xinxi-2020q3", "demo-county-websites-2024"]


def _verdict(seed: str) -> tongbao.Verdict:
    return tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / f"{seed}.yaml"), ROOT / "examples" / seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_streamed_json_is_the_dumps_of_to_dict(seed: str) -> None:
    verdict = _verdict(seed)
    expected = dumps(dict(verdict.to_dict())).encode("utf-8")
    assert b"".join(verdict_chunks(verdict)) == expected
    assert json.loads(expected)["parts"][0]["units"]  # the seeds do list units


def test_streamed_json_with_tiny_floats_and_small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from tongbao.report import jsonout

    monkeypatch.setattr(jsonout, "BATCH", 7)
    rules = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")
    n = 30
    columns = {"单位": [f"单位{i}" for i in range(n)], "累计注册人数": np.arange(1, n + 1) * 10**6,
               "累计激活率": np.linspace(0.00000123, 1, n), "活跃率": np.r_[np.full(n - 1, 0.00005), 1.0],
               "活跃工作群数": np.arange(n)}
    verdict = tongbao.evaluate(rules, columns)
    text = b"".join(verdict_chunks(verdict))
    assert text == dumps(dict(verdict.to_dict())).encode("utf-8")
    assert b"1.23e-06" in text and b"5e-05" in text  # json's form, not orjson's 0.00005


def _one_unit(r: object, i: int) -> dict:
    """The entry as the engine built it one unit at a time before unitrows (the reference)."""
    from tongbao.errors import basename
    from tongbao.verdict import _json_value

    p, t = r.part, r.table  # type: ignore[attr-defined]
    unit: dict = {"name": t.names[i], "file": basename(t.file_of(i)), "line": int(t.lines[i])}
    if r.groups is not None:  # type: ignore[attr-defined]
        unit["group"] = r.groups[i]  # type: ignore[attr-defined]
    unit["fields"] = {f.name: _json_value(t.columns[f.name][i], f.format) for f in p.units.fields}
    values = {a.name: _json_value(r.aggregates[a.name][i], a.format) for a in p.aggregates() if a.how != "dates"}  # type: ignore[attr-defined]
    values.update({m.name: _json_value(r.metrics[m.name][i], m.format) for m in p.metrics})  # type: ignore[attr-defined]
    unit["metrics"] = values
    if p.vetoes:
        unit["vetoes"] = [v.name for v in p.vetoes if r.vetoes[v.name][i]]  # type: ignore[attr-defined]
    unit["bands"] = {tier.name: (tier.bands[k].id if (k := r.bands[tier.name][i]) >= 0 else None) for tier in p.tiers}  # type: ignore[attr-defined]
    unit["flags"] = [f.name for f in p.flags if r.flags[f.name][i]]  # type: ignore[attr-defined]
    unit["rank"] = None if r.rank is None or math.isnan(r.rank[i]) else int(r.rank[i])  # type: ignore[attr-defined]
    unit["notifications"] = [{"id": n.id, "action": n.action, "message": r.message(n, i)}  # type: ignore[attr-defined]
                             for n in p.notifications if r.notifications[n.id][i]]  # type: ignore[attr-defined]
    if p.escalations:
        unit["escalations"] = [r._escalated(e, i) for e in p.escalations if r.escalations[e.id][0][i]]  # type: ignore[attr-defined]
    na = [f.name for f in p.units.fields if t.not_applicable[f.name][i]]
    if na:
        unit["not_applicable"] = na
    return unit


@pytest.mark.parametrize("seed", SEEDS)
def test_unit_dicts_match_the_one_unit_path(seed: str) -> None:
    for part in _verdict(seed).parts:
        units = part.to_dict()["units"]
        assert units == [_one_unit(part, i) for i in range(len(units))]
        assert json.dumps(units, ensure_ascii=False) == json.dumps([_one_unit(part, i) for i in range(len(units))], ensure_ascii=False)


NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.decimals(min_value=-10**6, max_value=10**6, places=6).map(float),
                    st.integers(-10**6, 10**6).map(lambda k: k / 1000 + 0.0005),  # half-way at 3 decimals
                    st.integers(-10**5, 10**5).map(lambda k: k / 200),  # x.xx5 at 2 decimals
                    st.tuples(st.integers(-80, 80), st.integers(1, 40)).map(lambda t: t[0] / t[1] * (5 if t[0] % 3 else 1)),  # ratios, exact halves
                    st.tuples(st.integers(-10**4, 10**4), st.integers(-20000, 20000)).map(lambda t: t[0] * (t[1] / 10**4)),  # float noise near halves
                    st.sampled_from([0.0, -0.0, 0.285, 0.000695, 1e-05, 2.5, -2.5, 0.125, 1e15, 1e17, 123456789012.5]))
FORMATS = st.sampled_from([Format("percent", 2), Format("percent", 0), Format("percent", 1), Format("number", 2),
                           Format("number", 3), Format("integer", 0), Format("number", 0),
                           Format("percent", 4), Format("number", 5)])  # format_series: digits from its table up to 4 decimals, by cast above


@settings(max_examples=300, deadline=None)
@given(st.lists(NUMBERS, min_size=1, max_size=40), FORMATS)
def test_column_formatting_is_the_one_value_formatting(values: list[float], fmt: Format) -> None:
    arr = np.array(values, dtype=np.float64)
    na = np.zeros(len(arr), dtype=bool)
    na[::5] = True
    assert format_many(arr, fmt) == [format_value(v, fmt) for v in values]
    assert format_many(arr, fmt, na) == [format_value(v, fmt, bool(m)) for v, m in zip(values, na)]
    assert format_series(arr, fmt, na).to_list() == format_many(arr, fmt, na)  # the polars writing of the same rule
    ints = np.array([int(v) for v in values if math.isfinite(v) and abs(v) < 2**53], dtype=np.int64)
    assert format_series(ints, fmt).to_list() == format_many(ints, fmt)
    expected = [_json_value(np.float64(v), fmt) for v in values]
    got = json_numbers(arr, fmt)
    assert [repr(x) for x in got] == [repr(x) for x in expected]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(NUMBERS, NUMBERS), min_size=1, max_size=30), st.integers(0, 3), st.sampled_from(["1", "100", "0.0001"]))
def test_column_rounding_agrees_with_decimal(pairs: list[tuple[float, float]], decimals: int, scale: str) -> None:
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] if i % 2 else p[0] * (1 + 1e-12) for i, p in enumerate(pairs)])
    got = same_rounding(a, b, decimals, scale)
    for x, y, g in zip(a.tolist(), b.tolist(), got.tolist()):
        want = not (math.isnan(x) or math.isnan(y)) and round_half_up(x, decimals, scale) == round_half_up(y, decimals, scale)
        assert g == want, (x, y)


def test_published_agreement_by_column_is_published_agrees() -> None:
    printed = ["93.10%", "28.85%", "0.07%", "1.5万", "12", "100.00%"]
    computed = np.array([0.931, 0.28845, 0.000695, 15000.0, 12.4999999, 0.999951])
    for text, value in zip(printed, computed.tolist()):
        p = Published.parse(text)
        assert p is not None
        scale = {"": "1", "%": "100", "万": "0.0001"}[p.unit]
        assert bool(same_rounding(np.array([value]), np.array([p.value]), p.decimals, scale)[0]) == p.agrees(value)
    assert float(Decimal("0.000695") * 100) == 0.0695


PRINTED = st.one_of(st.sampled_from(["", "/", "93.10%", "93.1%", "28.85%", "0.07%", "1.5万", "12", "100.00%", "１２", "abc",
                                     "1,234.5", "-0.00", "0.5", "99.995%"]),
                    st.decimals(min_value=-1000, max_value=1000, places=3).map(lambda d: f"{d}%"),
                    st.decimals(min_value=-1000, max_value=1000, places=2).map(str))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PRINTED, NUMBERS), min_size=1, max_size=30))
def test_audit_by_column_is_published_agrees_cell_by_cell(cells: list[tuple[str, float]]) -> None:
    from tongbao.rules.formatmany import agrees_as_printed

    printed = np.array([c[0] for c in cells], dtype=object)
    computed = np.array([c[1] for c in cells])
    want = [(p := Published.parse(t)) is not None and p.agrees(v) for t, v in zip(printed.tolist(), computed.tolist())]
    assert agrees_as_printed(printed, computed).tolist() == want
