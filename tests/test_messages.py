"""Message templates: format specs, optional clauses, findings lists, facts shown by value.

The fixture tests/fixtures/messages/ is computed by hand in its .test.yaml; here the same
strings are asserted through the API, the CLI and `tongbao test`, and every wrong template is a
ruleset error with file, line, column and key (validate and evaluate exit 1, nothing written).
"""
from __future__ import annotations

import hashlib
import math
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tongbao
from tongbao.messages import numbered, render, value_column
from tongbao.rules.formatting import Format
from tongbao.rules.templates import Clause, Slot, parse_spec, parse_template

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "messages"
RULESET = FIXTURE / "messages.yaml"

EXPECTED = {
    "甲局": ["甲局得分2.68分，上报率85%，整改资金12,345.68元，请于2024年5月13日前整改完毕。"
             "存在以下问题：1.“首页”栏目未更新（扣2.0分）；2.“互动交流”链接失效（扣0.3分）。",
             "甲局得分低于60分（差57.3分），列入“不及格”；目标上报率90%。"],
    "乙局": ["乙局得分0.13分。", "乙局得分低于60分（差59.9分），列入“不及格”；目标上报率90%。"],
    "丙局": ["丙局得分100.00分，上报率100%，整改资金1,000,000.00元，请于2024年6月1日前整改完毕。"
             "存在以下问题：1.“信息公开”目录不全。"],
    "丁局": [],
    "戊局": ["戊局得分60.00分，上报率90%，整改资金0.00元。"],
}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tongbao", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def verdict() -> dict:
    return dict(tongbao.evaluate(tongbao.load_ruleset(RULESET), FIXTURE).to_dict())


def test_messages_render_exactly(verdict: dict) -> None:
    got = {u["name"]: [n["message"] for n in u["notifications"]] for u in verdict["parts"][0]["units"]}
    assert got == EXPECTED


def test_python_rounding_would_differ_on_these_values() -> None:
    """Why the fixture's values: str.format rounds these the other way (float or half-to-even)."""
    assert (f"{2.675:.2f}", f"{0.125:.2f}", f"{0.845:.0%}", f"{0.25:.1f}") == ("2.67", "0.12", "84%", "0.2")


def test_fact_lines_show_the_facts_value(verdict: dict) -> None:
    bands = verdict["parts"][0]["summary"]["tiers"][0]["bands"]
    assert [(b["short"], b["rule"]) for b in bands] == [("≥ 100", ">= 100"), ("≥ 60", ">= 60"), ("其余", "otherwise")]


def test_explain_shows_the_filled_message() -> None:
    done = _cli("explain", str(RULESET), str(FIXTURE), "乙局")
    assert done.returncode == 0, done.stderr
    assert "乙局得分0.13分。" in done.stdout and "目标上报率90%" in done.stdout


def test_rule_test_passes_and_checks_text(tmp_path: Path) -> None:
    done = _cli("test", str(FIXTURE / "messages.test.yaml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 通过，0 失败" in done.stdout
    broken = tmp_path / "messages.test.yaml"
    text = (FIXTURE / "messages.test.yaml").read_text(encoding="utf-8").replace('report: "乙局得分0.13分。"', 'report: "乙局得分0.12分。"')
    broken.write_text(text.replace("ruleset: messages.yaml", f"ruleset: {RULESET}"), encoding="utf-8")
    done = _cli("test", str(broken))
    assert done.returncode == 1
    assert "乙局得分0.12分。" in done.stdout and "乙局得分0.13分。" in done.stdout


def test_json_writer_gives_the_same_messages(verdict: dict, tmp_path: Path) -> None:
    import json

    out = tmp_path / "v.json"
    done = _cli("evaluate", str(RULESET), str(FIXTURE), "-f", "json", "-o", str(out))
    assert done.returncode == 0, done.stderr
    units = json.loads(out.read_text(encoding="utf-8"))["parts"][0]["units"]
    assert {u["name"]: [n["message"] for n in u["notifications"]] for u in units} == EXPECTED


# ---------------------------------------------------------------- the pieces, one by one

@pytest.mark.parametrize("spec, value, fmt, shown", [
    (".2f", 0.125, "number:2", "0.13"), (".2f", 2.675, "number:2", "2.68"), (".2f", -2.675, "number:2", "-2.68"),
    (".0%", 0.845, "percent:2", "85%"), (".1%", 0.0005, "percent:2", "0.1%"), (".0%", 0.5, "number:2", "50%"),
    ("d", 2.5, "number:2", "3"), ("d", 12.0, "integer", "12"), (",d", 1234567.5, "number:2", "1,234,568"),
    (",.2f", 12345.675, "number:2", "12,345.68"), (".2万", 6090812, "integer", "609.08万"),
    (".1f", 87.5, "number:2", "87.5"), (".0f", 0.5, "number:2", "1"), (".2f", float("nan"), "number:2", "—"),
])
def test_specs_round_half_up(spec: str, value: float, fmt: str, shown: str) -> None:
    texts, missing = value_column(np.array([value]), Format.parse(fmt), parse_spec(spec))
    assert texts == [shown] and bool(missing[0]) == (shown == "—")


def test_dates_and_not_applicable() -> None:
    dates = np.array(["2022-05-13", "NaT"], dtype="datetime64[D]")
    assert value_column(dates, Format("date"), parse_spec("年月日"))[0] == ["2022年5月13日", "—"]
    assert value_column(dates, Format("date"), parse_spec("月日"))[0] == ["5月13日", "—"]
    texts, missing = value_column(np.array([0.5, 0.5]), Format("percent", 2), parse_spec(".0%"), np.array([False, True]))
    assert texts == ["50%", "/"] and missing.tolist() == [False, True]


def test_list_numbering() -> None:
    assert numbered(["栏目未更新。", "链接失效；", "错别字"]) == "1.栏目未更新；2.链接失效；3.错别字。"


def test_template_pieces() -> None:
    t = parse_template("{unit}得分{score:.1f}[，排名第{rank}名]。")
    assert t.pieces[0] == Slot("unit", None, "{unit}")
    assert isinstance(t.pieces[2], Slot) and t.pieces[2].spec is not None and t.pieces[2].spec.decimals == 1
    assert isinstance(t.pieces[3], Clause) and t.pieces[4] == "。"


@given(st.integers(min_value=-10**7, max_value=10**7), st.integers(min_value=0, max_value=4))
def test_decimal_specs_match_hand_rounding(k: int, decimals: int) -> None:
    """k/1000 written with .Nf is the decimal k/1000 rounded half away from zero."""
    value = k / 1000
    expected = str(Decimal(k).scaleb(-3).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert value_column(np.array([value]), Format("number", 2), parse_spec(f".{decimals}f"))[0] == [expected]


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=3))
def test_percent_specs_match_hand_rounding(k: int, decimals: int) -> None:
    """k/100000 (a rate with 5 digits, e.g. 0.84500) with .N% rounds its percent half up."""
    expected = str(Decimal(k).scaleb(-3).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)) + "%"
    assert value_column(np.array([k / 100000]), Format("percent", 2), parse_spec(f".{decimals}%"))[0] == [expected]


@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=30))
def test_clause_goes_when_any_value_is_missing(rows: list[tuple[bool, bool]]) -> None:
    template = parse_template("甲[，乙{a}丙{b}]丁")

    def source(slot: Slot) -> tuple[list[str], np.ndarray]:
        gone = np.array([r[0] if slot.name == "a" else r[1] for r in rows], dtype=bool)
        return ["—" if g else slot.name.upper() for g in gone.tolist()], gone

    got = render(template, source, len(rows))
    assert got == ["甲丁" if a or b else "甲，乙A丙B丁" for a, b in rows]


# ---------------------------------------------------------------- wrong templates are ruleset errors

BAD = [
    ("text-percent", '"{unit}得分{score:.2f}分', '"{unit:.0%}得分{score:.2f}分', "“unit”是文字，不能加格式“:.0%”"),
    ("percent-as-f", "上报率{rate:.0%}", "上报率{rate:.1f}", "请写 {rate:.1%}"),
    ("date-on-number", "{score:.2f}分", "{score:年月日}分", "不是日期"),
    ("spec-unknown", "{score:.2f}分", "{score:.2x}分", "格式“:.2x”无法识别"),
    ("spec-no-digits", "{score:.2f}分", "{score:f}分", "没有写小数位数"),
    ("spec-too-many-digits", "{score:.2f}分", "{score:.7f}分", "无法识别"),
    ("spec-whole-with-digits", "{score:.2f}分", "{score:.1d}分", "整数（d）没有小数位。要小数请写 :.1f"),
    ("spec-percent-grouped", "上报率{rate:.0%}", "上报率{rate:,.0%}", "百分数不用千分位。请写 :.0%"),
    ("number-on-date", "请于{due:年月日}前", "请于{due:.1f}前", "“due”是日期，格式只能是 :年月日 或 :月日"),
    ("brace-stray", "{score:.2f}分", "{score:.2f}分}", "花括号不成对"),
    ("spec-on-flag", "{unit}得分低于", "{below_target:d}得分低于", "“below_target”是是/否"),
    ("spec-on-list", "：{issues}]", "：{issues:d}]", "“issues”是明细清单"),
    ("list-then-stop", "：{issues}]", "：{issues}。]", "末尾自带“。”"),
    ("bracket-open", "[，上报率{rate:.0%}]", "[，上报率{rate:.0%}", "方括号不成对"),
    ("bracket-stray", "[，上报率{rate:.0%}]", "，上报率{rate:.0%}]", "方括号不成对"),
    ("bracket-nested", "[，上报率{rate:.0%}]", "[，上报率[{rate:.0%}]]", "不能再套方括号"),
    ("bracket-empty", "[，上报率{rate:.0%}]", "[，上报率{rate:.0%}][无占位]", "方括号里没有占位"),
    ("row-unknown", "“{section}”{problem}", "“{sectoin}”{problem}", "未知的占位名称“sectoin”"),
    ("row-list", "“{section}”{problem}", "“{section}”{problem:.1%}", "“problem”是文字"),
]


@pytest.mark.parametrize("name, old, new, words", BAD, ids=[b[0] for b in BAD])
def test_bad_templates_are_refused(tmp_path: Path, name: str, old: str, new: str, words: str) -> None:
    text = RULESET.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    edited = text.replace(old, new)
    for csv in ("units.csv", "issues.csv"):
        (tmp_path / csv).write_bytes((FIXTURE / csv).read_bytes())
    path = tmp_path / "messages.yaml"
    path.write_text(edited, encoding="utf-8")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    line = next(i for i, row in enumerate(edited.split("\n"), 1) if new in row)
    key = "row_text" if name.startswith("row-") else "message"
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(path)
    assert words in str(err.value)
    assert re.search(rf"messages\.yaml:{line}:\d+: \S*{key}", str(err.value)), str(err.value)
    out = tmp_path / "v.json"
    for args in (("validate", str(path)), ("evaluate", str(path), str(tmp_path), "-o", str(out))):
        done = _cli(*args)
        assert done.returncode == 1 and done.stdout == "" and words in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("value, words", [
    ('{nope: "x"}', "nope"), ("{report: 3}", "期望的文字应是字符串"), ('"x"', "messages 应是"),
])
def test_bad_message_expectations_in_rule_tests(tmp_path: Path, value: str, words: str) -> None:
    text = (FIXTURE / "messages.test.yaml").read_text(encoding="utf-8")
    old = "        messages: {report: null}\n"
    assert text.count(old) == 1
    path = tmp_path / "messages.test.yaml"
    path.write_text(text.replace(old, f"        messages: {value}\n").replace("ruleset: messages.yaml", f"ruleset: {RULESET}"),
                    encoding="utf-8")
    before = path.read_bytes()
    done = _cli("test", str(path))
    assert done.returncode == 1 and words in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == before


def test_fact_lines_by_format_rate_and_group() -> None:
    from tongbao.rules.messagecheck import fact_line
    from tongbao.rules.model import Fact

    plain = Fact("full_marks", "满分", 100.0, None, (), None)
    rate = Fact("goal", "目标", 0.855, None, (("towns", 0.8),), None)
    shown = Fact("goal", "目标", 0.9, None, (), None, format=Format("percent", 1))
    assert fact_line(plain, False) == "100"
    assert fact_line(rate, True, {"towns": "乡镇"}) == "85.5%（乡镇 80%）"
    assert fact_line(rate, False) == "0.86（towns 0.8）"
    assert fact_line(shown, True) == "90.0%"


TABLED = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                   st.integers(0, 2 * 10**5).map(lambda k: k / 10**4),  # rates with four decimals, mostly in the table
                   st.integers(-10**4, 10**4).map(lambda k: k / 200),  # halves at two decimals
                   st.integers(0, 10**6).map(lambda k: k / 1000 + 0.0005),  # halves at three
                   st.sampled_from([0.0, -0.0, 0.285, 1310.715, 1310.705, 131071.5, 131072.0, 1e17, 2.0**40]))


@settings(max_examples=300, deadline=None)
@given(st.lists(TABLED, min_size=1, max_size=40), st.sampled_from(["percent:2", "percent:0", "number:2", "number:3", "integer"]),
       st.sampled_from([None, ".1%", ".2f", "d", ",d", ".2万"]))
def test_message_numbers_from_the_table_are_format_series_own(values: list[float], fmt: str, spec: str | None) -> None:
    from tongbao.messages import _tabled_series, _value_series

    arr, shown = np.array(values, dtype=np.float64), parse_spec(spec) if spec else None
    na = np.zeros(len(arr), dtype=bool)
    na[1::4] = True
    for v in (arr, np.array([int(x) for x in values if math.isfinite(x) and abs(x) < 2**53], dtype=np.int64)):
        got, want = _tabled_series(v, Format.parse(fmt), shown, na[:len(v)]), _value_series(v, Format.parse(fmt), shown, na[:len(v)])
        assert list(got[0]) == list(want[0]) and got[1].tolist() == want[1].tolist()


def test_the_message_number_table_holds_each_rounded_value_written() -> None:
    from tongbao.messages import TABLE_UNITS, _unit_table

    percent = _unit_table(Format("percent", 2))
    assert len(percent) == TABLE_UNITS == 131_072
    assert percent.gather([0, 5, 2139, 10_000, 131_071]).to_list() == ["0.00%", "0.05%", "21.39%", "100.00%", "1310.71%"]
    assert _unit_table(Format("integer")).gather([0, 237, 131_071]).to_list() == ["0", "237", "131071"]
    assert _unit_table(Format("number", 3)).gather([1, 1500]).to_list() == ["0.001", "1.500"]
