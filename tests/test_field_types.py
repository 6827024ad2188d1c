"""Yes/no (type: yesno) and enumeration (type: enum) fields, on every reader path.

The fixture tests/fixtures/fieldtypes/choices.yaml is hand-computed in its .test.yaml; here the
same figures are checked through the API, and every bad input (a mistyped 是, a value not
listed, a blank where none is allowed) gives a data error naming file, row (or sheet and cell),
column and value — through the CLI exit 1, no output file, input untouched — on the small CSV
path, the polars fast path, workbooks, in-memory columns and records tables (DuckDB).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tongbao
from tongbao.data import csvcolumns
from tongbao.data.csvcolumns import ColumnTable
from tongbao.data.csvfile import read_csv

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "fieldtypes"
HEADER = "单位,类别,是否制定方案,是否公开,整改情况,得分\n"
ROWS = ["县委办,县直部门,是,√,已整改,90", "县政府办,县直部门,否,×,未整改,85", "城关镇,乡镇,Y,/,已整改,70", "河口乡,乡镇,ｎ,有,整改中,60"]


def folder(tmp_path: Path, rows: list[str] = ROWS, ruleset: str | None = None) -> Path:
    out = tmp_path / "data"
    out.mkdir(parents=True)
    shutil.copy(FIXTURE / "choices.yaml", out / "choices.yaml")
    if ruleset is not None:
        (out / "choices.yaml").write_text(ruleset, encoding="utf-8")
    (out / "units.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return out


def units(verdict: tongbao.Verdict) -> dict[str, dict[str, Any]]:
    return {u["name"]: u for u in verdict.to_dict()["parts"][0]["units"]}


def evaluate(path: Path) -> tongbao.Verdict:
    return tongbao.evaluate(tongbao.load_ruleset(path / "choices.yaml"), path)


def test_the_fixture_reads_every_spelling_and_keeps_not_applicable_apart(tmp_path: Path) -> None:
    verdict = evaluate(folder(tmp_path))
    got = units(verdict)
    assert {n: u["fields"]["has_plan"] for n, u in got.items()} == {"县委办": True, "县政府办": False, "城关镇": True, "河口乡": False}
    assert {n: u["fields"]["published"] for n, u in got.items()} == {"县委办": True, "县政府办": False, "城关镇": None, "河口乡": True}
    assert {n: u["metrics"]["deduction"] for n, u in got.items()} == {"县委办": 0, "县政府办": 12, "城关镇": 0, "河口乡": 10}
    assert got["城关镇"]["not_applicable"] == ["published"]
    assert {n: u["group"] for n, u in got.items()} == {"县委办": "depts", "县政府办": "depts", "城关镇": "towns", "河口乡": "towns"}
    figures = {f["id"]: f for f in verdict.to_dict()["parts"][0]["summary"]["figures"]}
    assert figures["published_rate"]["value"] == pytest.approx(2 / 3)
    assert figures["published_rate"]["groups"]["towns"]["value"] == 1.0  # 城关镇 不适用 is not counted
    assert figures["unpublished_count"]["value"] == 1 and figures["plan_count"]["value"] == 2


@pytest.mark.parametrize("typo", ["实", "是 否", "是否", "Yes!", "s"])
def test_a_mistyped_yes_is_a_data_error_not_a_no(tmp_path: Path, typo: str) -> None:
    data = folder(tmp_path, [ROWS[0].replace(",是,", f",{typo},"), *ROWS[1:]])
    with pytest.raises(tongbao.DataError) as err:
        evaluate(data)
    (problem,) = err.value.problems
    assert (problem.line, problem.column, problem.value) == (2, "是否制定方案", typo)
    assert problem.file.endswith("units.csv")
    assert "表示是：是、√" in problem.message and "yes_tokens" in problem.message


def test_the_cli_exits_1_writes_nothing_and_leaves_the_input(tmp_path: Path, cli: Any) -> None:
    data = folder(tmp_path, [*ROWS[:3], ROWS[3].replace(",ｎ,", ",实,")])
    out = tmp_path / "out" / "verdict.json"
    out.parent.mkdir()
    cli.fail("evaluate", data / "choices.yaml", data, "-o", out, out=out, inputs=(data / "units.csv", data / "choices.yaml"),
             contains=("units.csv", "第 5 行", "是否制定方案", "实", "不是“是/否”的写法"))
    assert not out.exists()


def test_an_enumeration_value_not_listed_is_a_data_error(tmp_path: Path) -> None:
    data = folder(tmp_path, [*ROWS[:2], ROWS[2].replace(",乡镇,", ",乡政府,"), ROWS[3]])
    with pytest.raises(tongbao.DataError) as err:
        evaluate(data)
    (problem,) = err.value.problems
    assert (problem.line, problem.column, problem.value) == (4, "类别", "乡政府")
    assert "允许的值：乡镇、县直部门" in problem.message and "values" in problem.message


def test_own_tokens_replace_the_defaults(tmp_path: Path) -> None:
    data = folder(tmp_path, [*ROWS[:3], ROWS[3].replace(",整改中,", ",是,")])  # 是 is not one of 整改情况's own tokens
    with pytest.raises(tongbao.DataError) as err:
        evaluate(data)
    assert [(p.line, p.column, p.value) for p in err.value.problems] == [(5, "整改情况", "是")]
    assert "表示是：已整改；表示否：未整改、整改中" in err.value.problems[0].message


def test_blank_cells(tmp_path: Path) -> None:
    text = (FIXTURE / "choices.yaml").read_text(encoding="utf-8")
    with pytest.raises(tongbao.DataError) as err:  # blank: error is the default
        evaluate(folder(tmp_path / "a", [ROWS[0].replace(",是,", ",,"), *ROWS[1:]]))
    assert [(p.line, p.column, p.value) for p in err.value.problems] == [(2, "是否制定方案", "")]
    assert "请填上是或否" in err.value.problems[0].message
    as_no = text.replace("has_plan: {column: 是否制定方案, type: yesno}", "has_plan: {column: 是否制定方案, type: yesno, blank: zero}")
    got = units(evaluate(folder(tmp_path / "b", [ROWS[0].replace(",是,", ",,"), *ROWS[1:]], as_no)))
    assert got["县委办"]["fields"]["has_plan"] is False and got["县委办"]["metrics"]["open_items"] == 1
    missing = text.replace("has_plan: {column: 是否制定方案, type: yesno}", "has_plan: {column: 是否制定方案, type: yesno, blank: missing}")
    verdict = evaluate(folder(tmp_path / "c", [ROWS[0].replace(",是,", ",,"), *ROWS[1:]], missing))
    got = units(verdict)
    assert got["县委办"]["fields"]["has_plan"] is None
    assert got["县委办"]["metrics"]["open_items"] is None  # a missing yes/no spreads through arithmetic
    assert "no_plan" not in got["县委办"]["flags"]  # and makes neither has_plan nor not has_plan true
    assert [w["code"] for w in verdict.to_dict()["warnings"]] == ["TB-D001"]


def _big(rows: int) -> str:
    lines = [ROWS[i % 4].replace(ROWS[i % 4].split(",")[0], f"单位{i}", 1) for i in range(rows)]
    return HEADER + "\n".join(lines) + "\n"


@pytest.mark.parametrize("fast", [True, False])
def test_the_polars_fast_path_reads_and_refuses_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast: bool) -> None:
    monkeypatch.setattr(csvcolumns, "FAST_MIN_BYTES", 0 if fast else 10**12)
    data = folder(tmp_path)
    text = _big(6000)
    (data / "units.csv").write_text(text, encoding="utf-8")
    assert isinstance(read_csv(data / "units.csv"), ColumnTable) is fast
    got = units(evaluate(data))
    assert [got[f"单位{i}"]["metrics"]["deduction"] for i in range(4)] == [0, 12, 0, 10]
    assert sum(u["fields"]["published"] is None for u in got.values()) == 1500
    (data / "units.csv").write_text(text.replace("单位4321,县直部门,否,", "单位4321,县直部门,实,"), encoding="utf-8")
    with pytest.raises(tongbao.DataError) as err:
        evaluate(data)
    assert [(p.line, p.column, p.value) for p in err.value.problems] == [(4323, "是否制定方案", "实")]


def test_workbooks_name_sheet_and_cell(tmp_path: Path) -> None:
    import xlsxwriter

    data = folder(tmp_path)
    (data / "units.csv").unlink()
    book = xlsxwriter.Workbook(str(data / "units.xlsx"))
    sheet = book.add_worksheet("附件")
    rows = [HEADER.strip().split(","), *[r.split(",") for r in ROWS]]
    rows[2][2] = True  # an Excel TRUE cell reads as 是
    rows[4][1] = "乡 镇"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, int(value) if isinstance(value, str) and value.isdigit() else value)
    book.close()
    with pytest.raises(tongbao.DataError) as err:
        evaluate(data)
    (problem,) = err.value.problems
    assert problem.column == "类别" and problem.value == "乡 镇"
    assert "附件" in str(problem) and "B5" in str(problem)


def test_in_memory_columns_take_bools_and_tokens(tmp_path: Path) -> None:
    ruleset = tongbao.load_ruleset(FIXTURE / "choices.yaml")
    columns: dict[str, Any] = {"单位": ["甲", "乙"], "类别": ["乡镇", "县直部门"], "是否制定方案": np.array([True, False]),
                               "是否公开": ["Ｙｅｓ", None], "整改情况": ["已整改", "未整改"], "得分": [80, 70]}
    with pytest.raises(tongbao.DataError) as err:  # None is a blank: 是否公开 has no blank: missing
        tongbao.evaluate(ruleset, {"units.csv": columns})
    assert [(p.line, p.column) for p in err.value.problems] == [(2, "是否公开")]
    columns["是否公开"] = ["Ｙｅｓ", "/"]
    got = units(tongbao.evaluate(ruleset, {"units.csv": columns}))
    assert got["甲"]["fields"]["has_plan"] is True and got["乙"]["fields"]["published"] is None
    assert got["乙"]["metrics"]["deduction"] == 10
    columns["类别"] = ["乡镇", "其他"]
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(ruleset, {"units.csv": columns})
    assert [(p.line, p.column, p.value) for p in err.value.problems] == [(2, "类别", "其他")]


def test_records_tables_type_yes_no_and_enums_in_sql(tmp_path: Path, cli: Any) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    got = units(tongbao.evaluate(tongbao.load_ruleset(data / "orders.yaml"), data))
    assert {n: (u["metrics"]["late"], u["metrics"]["timely"], u["metrics"]["escalated"]) for n, u in got.items()} == \
        {"城关镇": (1, 1, 1), "财政局": (2, 2, 2)}
    text = (data / "orders.csv").read_text(encoding="utf-8")
    (data / "orders.csv").write_text(text.replace("城关镇,是,直接办理", "城关镇,实,直接办理").replace("财政局,否,转办", "财政局,否,转交"),
                                     encoding="utf-8")
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(tongbao.load_ruleset(data / "orders.yaml"), data)
    assert [(p.line, p.column, p.value) for p in err.value.problems] == [(2, "是否按时办结", "实"), (6, "办理方式", "转交")]
    assert "yes_tokens" in err.value.problems[0].message and "直接办理、转办、督办" in err.value.problems[1].message
    out = tmp_path / "v.json"
    cli.fail("evaluate", data / "orders.yaml", data, "-o", out, out=out, inputs=(data / "orders.csv",),
             contains=("orders.csv", "第 2 行", "是否按时办结", "实"))



# ---------------------------------------------------------------- the ruleset side

RULESET_CASES = [
    ("enum-literal", 'when: kind == "乡镇"}', 'when: kind == "乡"}', "groups.towns.when", ("只能取这些值：乡镇、县直部门", "'乡' 不在其中")),
    ("enum-in", 'when: kind == "乡镇"}', "when: 'kind in (\"乡镇\", \"部门\")'}", "groups.towns.when", ("'部门' 不在其中",)),
    ("yesno-text", "when: not has_plan}", 'when: has_plan == "否"}', "flags.no_plan.when", ("不是文字 '否'", "not has_plan")),
    ("tokens-alone", "yes_tokens: [已整改], no_tokens: [未整改, 整改中]}", "yes_tokens: [已整改]}", "units.fields.fixed",
     ("yes_tokens 和 no_tokens 要一起写",)),
    ("token-twice", "no_tokens: [未整改, 整改中]}", "no_tokens: [未整改, 已整改]}", "units.fields.fixed.no_tokens[1]",
     ("“已整改”与 yes_tokens 中的写法相同",)),
    ("default-as-na", 'not_applicable: ["/"]}', 'not_applicable: ["无"]}', "units.fields.published.not_applicable",
     ("“无”默认表示否",)),
    ("values-on-yesno", "has_plan: {column: 是否制定方案, type: yesno}", "has_plan: {column: 是否制定方案, type: yesno, values: [是]}",
     "units.fields.has_plan.values", ("values 只能用于 enum",)),
    ("enum-zero", "values: [乡镇, 县直部门]}", "values: [乡镇, 县直部门], blank: zero}", "units.fields.kind.blank", ("不能按 0 计",)),
    ("enum-without-values", "kind: {column: 类别, type: enum, values: [乡镇, 县直部门]}", "kind: {column: 类别, type: enum}",
     "units.fields.kind", ("values",)),
]


@pytest.mark.parametrize("old,new,key,parts", [c[1:] for c in RULESET_CASES], ids=[c[0] for c in RULESET_CASES])
def test_ruleset_mistakes_are_found_at_load(tmp_path: Path, cli: Any, old: str, new: str, key: str, parts: tuple[str, ...]) -> None:
    text = (FIXTURE / "choices.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    data = folder(tmp_path, ruleset=text.replace(old, new))
    line = next(i + 1 for i, row in enumerate(text.replace(old, new).split("\n")) if new in row)
    res = cli.fail("validate", data / "choices.yaml", inputs=(data / "choices.yaml",), contains=parts)
    assert f"choices.yaml:{line}:" in res.stderr and key in res.stderr, res.stderr
    with pytest.raises(tongbao.RulesetError):
        tongbao.load_ruleset(data / "choices.yaml")


def test_records_refuse_sum_of_a_yes_no(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    text = (data / "orders.yaml").read_text(encoding="utf-8")
    (data / "orders.yaml").write_text(text.replace("timely: {label: 按时件数, count: on_time}", "timely: {label: 按时件数, sum: on_time}"),
                                      encoding="utf-8")
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(data / "orders.yaml")
    (problem,) = err.value.problems
    assert problem.path == "records.orders.per_unit.timely.sum" and "请用 count" in problem.message


# ---------------------------------------------------------------- token edges (hypothesis)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tongbao.data.choices import parse_choices  # noqa: E402
from tongbao.rules.fieldtypes import DEFAULT_NO, DEFAULT_YES, token_key  # noqa: E402
from tongbao.rules.formatting import Format  # noqa: E402
from tongbao.rules.model import FieldSpec, Where  # noqa: E402

OWN = (("已整改", "OK", "Done 1"), ("未整改", "no-go"))


def spec(yes: tuple[str, ...], no: tuple[str, ...], blank: str = "error", na: tuple[str, ...] = ()) -> FieldSpec:
    return FieldSpec("f", "列", "yesno", "列", blank, na, None, None, Format("yesno"), "none", Where("r.yaml", 1, 1, "f"), yes, no)


class Collect:
    def __init__(self) -> None:
        self.items: list[tuple[int | None, Any]] = []

    def add(self, line: int | None, column: str | None, value: Any, message: str) -> None:
        self.items.append((line, value))


@st.composite
def variant(draw: Any, token: str) -> str:
    """The token as someone might type it: any letter case, any character full-width, spaces around."""
    out = []
    for c in token:
        c = draw(st.sampled_from([c, c.upper(), c.lower()]))
        if "!" <= c <= "~" and draw(st.booleans()):
            c = chr(ord(c) + 0xFEE0)
        out.append(c)
    pad = st.text(alphabet=" \u3000\t", max_size=2)
    return draw(pad) + "".join(out) + draw(pad)


@settings(max_examples=300, deadline=None)
@given(st.data(), st.sampled_from([(DEFAULT_YES, DEFAULT_NO), OWN]))
def test_any_case_or_width_of_a_token_reads_as_that_token(data: Any, tokens: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
    yes, no = tokens
    token = data.draw(st.sampled_from(yes + no))
    cell = data.draw(variant(token))
    problems = Collect()
    values, na, blank = parse_choices(spec(yes, no), [cell], np.array([2]), problems)
    assert problems.items == [] and not na[0] and not blank[0]
    assert bool(values[0]) is (token in yes), (token, cell)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([(DEFAULT_YES, DEFAULT_NO), OWN]), st.text(max_size=6))
def test_anything_else_is_an_error_naming_the_cell(tokens: tuple[tuple[str, ...], tuple[str, ...]], cell: str) -> None:
    yes, no = tokens
    problems = Collect()
    values, na, blank = parse_choices(spec(yes, no, na=("/",)), [yes[0], cell], np.array([2, 3]), problems)
    assert values[0]  # a valid cell beside reads as itself
    key = token_key(cell)
    if key == "":
        assert blank.tolist() == [False, True] and problems.items == [(3, "")]
    elif key == "/":
        assert na.tolist() == [False, True] and problems.items == []
    elif key in {token_key(t) for t in yes + no}:
        assert problems.items == [] and bool(values[1]) is (key in {token_key(t) for t in yes})
    else:
        assert problems.items == [(3, cell)]  # never silently 否
