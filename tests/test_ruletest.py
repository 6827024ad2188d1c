"""``tongbao test``: the shipped rulesets' own tests pass, a wrong expectation fails readably, a bad test file is refused.

The fixture test files in tests/fixtures/ruletest/ do not end in ``.test.yaml`` on purpose:
they are wrong on purpose, and a ``tongbao test .`` at the repository root must not pick them up.
"""
from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pytest

import tongbao
from tongbao.report.terminal import make_console
from tongbao.tools.ruletest import RuleTestError, coverage_line, discover, exit_code, render_tests, run_tests, same_value

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
FIXTURES = ROOT / "tests" / "fixtures" / "ruletest"
# The baseline has placeholders and cannot be evaluated alone; demo-county's tests cover its rules.
NOT_EVALUABLE = {"national-2019-websites"}


def rendered(result: dict) -> str:
    buffer = io.StringIO()
    render_tests(result, make_console(file=buffer, width=300))
    return buffer.getvalue()


def fixture(name: str) -> Path:
    return FIXTURES / name


# ------------------------------------------------------------------ the shipped rulesets' tests


@pytest.fixture(scope="module")
def shipped() -> dict:
    return run_tests(discover(RULESETS))


def test_every_evaluable_shipped_ruleset_has_a_test_file() -> None:
    rulesets = {p.name[: -len(".yaml")] for p in RULESETS.glob("*.yaml") if not p.name.endswith(".test.yaml")}
    tested = {p.name[: -len(".test.yaml")] for p in discover(RULESETS)}
    assert tested == rulesets - NOT_EVALUABLE


def test_shipped_ruleset_tests_all_pass(shipped: dict) -> None:
    failures = [(c["file"], c["line"], c["name"], c["failures"]) for c in shipped["cases"] if not c["passed"]]
    assert failures == []
    assert shipped["failed"] == 0 and exit_code(shipped) == 0
    assert shipped["passed"] == len(shipped["cases"]) >= 6 * 4
    assert shipped["summary"] == f"6 个文件，{len(shipped['cases'])} 条用例：{shipped['passed']} 通过，0 失败"


def test_each_shipped_ruleset_has_four_to_ten_cases(shipped: dict) -> None:
    counts: dict[str, int] = {}
    for case in shipped["cases"]:
        counts[case["ruleset"]] = counts.get(case["ruleset"], 0) + 1
    assert len(counts) == 6
    assert all(4 <= n <= 10 for n in counts.values()), counts


def test_shipped_ruleset_tests_reach_every_band_flag_veto_and_notification(shipped: dict) -> None:
    missed = {rid: {kind: c["missed"] for kind, c in cov.items() if c["missed"]} for rid, cov in shipped["coverage"].items()}
    assert missed == {rid: {} for rid in shipped["coverage"]}
    assert coverage_line(shipped["coverage"]["tonggu-ganzhengtong"]) == "分档 5/5、标记 2/2、通报 2/2"
    assert coverage_line(shipped["coverage"]["demo-county-websites-2024"]) == "分档 3/3、标记 1/1、否决 6/6、通报 1/1"
    assert coverage_line(shipped["coverage"]["ganzhou-jiance-2023-08"]) == "标记 1/1、否决 7/7、通报 1/1"


def test_shipped_report_is_the_summary_then_coverage(shipped: dict) -> None:
    text = rendered(shipped)
    assert text.splitlines()[0] == shipped["summary"]
    assert "失败  " not in text
    assert "tonggu-ganzhengtong：分档 5/5、标记 2/2、通报 2/2" in text
    assert "未测到" not in text


def test_the_example_in_the_format_description_passes(tmp_path: Path) -> None:
    import tongbao.tools.ruletest

    doc = tongbao.tools.ruletest.__doc__
    start = doc.index("    ruleset: tonggu-ganzhengtong.yaml")
    example = textwrap.dedent(doc[start:doc.index("\n\n", start)])
    (tmp_path / "tonggu-ganzhengtong.yaml").write_bytes((RULESETS / "tonggu-ganzhengtong.yaml").read_bytes())
    (tmp_path / "example.test.yaml").write_text(example, encoding="utf-8")
    result = run_tests(discover(tmp_path))
    assert (result["passed"], result["failed"]) == (1, 0)
    assert len(result["cases"][0]["failures"]) == 0


# ------------------------------------------------------------------ a wrong expectation


def test_wrong_band_fails_with_a_readable_diff() -> None:
    path = fixture("wrong-band.yaml")
    result = run_tests([path])
    assert (result["passed"], result["failed"], exit_code(result)) == (0, 1, 1)
    assert result["summary"] == "1 个文件，1 条用例：0 通过，1 失败"
    [case] = result["cases"]
    assert (case["line"], case["name"], case["ruleset"], case["passed"]) == (5, "活跃率恰为80%落入“低于80%”（错的）", "tonggu-ganzhengtong", False)
    [failure] = case["failures"]
    assert failure["expected"] == "below_80" and failure["got"] == "below_90"
    assert (failure["line"], failure["column"]) == (9, 19)
    text = rendered(result)
    assert f"失败  {path}:5  活跃率恰为80%落入“低于80%”（错的）" in text
    assert f"{path}:9:19  甲 的分档“活跃率分档”（activity_band）" in text
    assert "期望：below_80" in text and "实际：below_90" in text
    assert "活跃率为 80.00%；below_80 即“活跃率低于80%的单位”；below_90 即“活跃率低于90%的单位”" in text


def test_a_wrong_list_names_what_is_extra_and_what_is_missing(tmp_path: Path) -> None:
    test = tmp_path / "x.test.yaml"
    test.write_text(f"""ruleset: {RULESETS / 'tonggu-ganzhengtong.yaml'}
cases:
  - name: 标记写错
    units: [{{单位: 甲, 累计注册人数: 10, 累计激活率: "90%", 活跃率: "95%", 活跃工作群数: 1}}]
    expect: {{甲: {{flags: [no_work_group], metrics: {{activated: 10}}}}}}
""", encoding="utf-8")
    [case] = run_tests([test])["cases"]
    flags, metric = case["failures"]
    assert (flags["expected"], flags["got"], flags["detail"]) == (["no_work_group"], ["activation_short"], "多出：activation_short；缺少：no_work_group")
    assert (metric["expected"], metric["got"]) == (10, 9)


# ------------------------------------------------------------------ errors inside a case are failed cases


def test_a_bad_cell_fails_its_case_and_points_at_the_test_file_row() -> None:
    path = fixture("bad-cell.yaml")
    result = run_tests([path])
    bad, good = result["cases"]
    assert (bad["passed"], good["passed"]) == (False, True)
    [failure] = bad["failures"]
    assert failure["what"] == "读取数据"
    assert failure["got"].startswith(f"{path}:7:9（units.csv 第 2 行），列“活跃率”，值 '80'：应为百分数")
    assert exit_code(result) == 1


def test_a_ruleset_error_while_evaluating_fails_the_case() -> None:
    result = run_tests([fixture("placeholder-baseline.yaml")])
    [case] = result["cases"]
    [failure] = case["failures"]
    assert failure["what"] == "评定"
    assert "national-2019-websites.yaml:32:3" in failure["got"] and "占位值" in failure["got"]


def test_a_ruleset_that_does_not_load_fails_every_case(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("tongbao: 1\nid: bad\n", encoding="utf-8")
    test = tmp_path / "bad.test.yaml"
    test.write_text("ruleset: bad.yaml\ncases:\n  - name: 一\n  - name: 二\n", encoding="utf-8")
    result = run_tests([test])
    assert [c["name"] for c in result["cases"]] == ["一", "二"]
    assert all(c["failures"][0]["what"] == "加载规则集" and "bad.yaml" in c["failures"][0]["got"] for c in result["cases"])
    assert result["coverage"] == {} and exit_code(result) == 1


# ------------------------------------------------------------------ a wrong test file is an error


def test_a_yaml_syntax_error_names_file_line_and_column() -> None:
    path = fixture("yaml-syntax.yaml")
    with pytest.raises(tongbao.TongbaoError) as caught:
        run_tests([path])
    assert str(caught.value).startswith(f"{path}:4:11: YAML 语法错误")


def test_a_missing_ruleset_names_the_ruleset_key() -> None:
    path = fixture("missing-ruleset.yaml")
    with pytest.raises(RuleTestError) as caught:
        run_tests([path])
    assert str(caught.value).startswith(f"{path}:1:1: ruleset: 找不到规则集文件“no-such-ruleset.yaml”")


def test_unknown_names_are_all_reported_in_reading_order() -> None:
    path = fixture("unknown-names.yaml")
    with pytest.raises(RuleTestError) as caught:
        run_tests([path])
    lines = str(caught.value).splitlines()
    where = [re.match(r"^(.*?:\d+:\d+): (\S+):", line).groups() for line in lines[:-1]]
    assert where == [
        (f"{path}:4:5", "cases[0].unit"),
        (f"{path}:9:7", "cases[0].expect.乙"),
        (f"{path}:11:17", "cases[0].expect.甲.bands.activity_band"),
        (f"{path}:12:17", "cases[0].expect.甲.flags[0]"),
        (f"{path}:13:19", "cases[0].expect.甲.metrics.activity"),
        (f"{path}:14:9", "cases[0].expect.甲.colour"),
    ]
    text = str(caught.value)
    assert "是否想写“units”？" in text
    assert "未知的单位“乙”" in text
    assert "未知的档位“below_85”。是否想写“below_80”？" in text
    assert "未知的标记“activaton_short”。是否想写“activation_short”？" in text
    assert "“activity”不是指标，请写在 fields 下。" in text
    assert lines[-1] == "测试文件共有 6 处问题，请按上面的位置逐一修改后再运行 tongbao test。"


def test_problems_in_several_files_are_reported_together() -> None:
    with pytest.raises(RuleTestError) as caught:
        run_tests([fixture("missing-ruleset.yaml"), fixture("yaml-syntax.yaml")])
    assert [p.file for p in caught.value.problems] == [str(fixture("missing-ruleset.yaml")), str(fixture("yaml-syntax.yaml"))]


@pytest.mark.parametrize("text, where, words", [
    ("cases: []\n", ":1:1:", "缺少 ruleset"),
    ("ruleset: tonggu-ganzhengtong.yaml\n", ":1:1:", "缺少用例"),
    ("ruleset: tonggu-ganzhengtong.yaml\ncases:\n  - name: 空\n    units: [{单位: 甲}]\n", ":3:5:", "用例没有任何期望"),
    ("ruleset: yanjiang-xinxi-2020q3.yaml\ncases:\n  - name: 少文件\n    part: submission\n    units: [{单位: 甲}]\n"
     "    expect: {甲: {flags: []}}\n", ":5:5: cases[0].units:", "units 无法确定写入哪一个"),
    ("ruleset: jiujiang-wangzhan-2022q2.yaml\ncases:\n  - name: 少文件\n    part: websites\n    units: [{网站名称: 甲}]\n"
     "    expect: {甲: {flags: []}}\n", ":3:5:", "用例没有给出“新媒体.csv、内容保障.csv”的行"),
    ("ruleset: tonggu-ganzhengtong.yaml\ncases:\n  - name: 真假值\n    units: [{单位: 甲, 活跃率: yes}]\n"
     "    expect: {甲: {flags: []}}\n", ":4:21: cases[0].units[0].活跃率:", "读到的是真假值 True"),
    ("ruleset: tonggu-ganzhengtong.yaml\ncases:\n  - name: 部分\n    part: mian\n    units: [{单位: 甲}]\n"
     "    expect: {甲: {rank: 0}}\n", ":4:5: cases[0].part:", "未知的部分“mian”。是否想写“main”？"),
])
def test_structural_mistakes(tmp_path: Path, text: str, where: str, words: str) -> None:
    test = tmp_path / "x.test.yaml"
    test.write_text(text, encoding="utf-8")
    for name in ("tonggu-ganzhengtong.yaml", "yanjiang-xinxi-2020q3.yaml", "jiujiang-wangzhan-2022q2.yaml"):
        (tmp_path / name).write_bytes((RULESETS / name).read_bytes())
    with pytest.raises(RuleTestError) as caught:
        run_tests([test])
    line = next((x for x in str(caught.value).splitlines() if words in x), str(caught.value))
    assert line.startswith(f"{test}{where}"), line


# ------------------------------------------------------------------ discovery, comparison, coverage


def test_discover_a_file_a_folder_and_nothing(tmp_path: Path) -> None:
    assert discover(fixture("wrong-band.yaml")) == [fixture("wrong-band.yaml")]
    assert [p.name for p in discover(RULESETS)] == sorted(p.name for p in RULESETS.glob("*.test.yaml"))
    with pytest.raises(tongbao.TongbaoError, match="文件夹中没有 \\*.test.yaml 测试文件"):
        discover(tmp_path)
    with pytest.raises(tongbao.TongbaoError, match="找不到该文件或文件夹"):
        discover(tmp_path / "nothing")


def test_a_ruleset_given_to_test_means_its_test_file(tmp_path: Path) -> None:
    """`tongbao test rulesets/x.yaml` runs x.test.yaml, not the ruleset read as a test file (14 unknown keys)."""
    ruleset = RULESETS / "tonggu-ganzhengtong.yaml"
    assert discover(ruleset) == [RULESETS / "tonggu-ganzhengtong.test.yaml"]
    (tmp_path / "alone.yaml").write_text("cases: []\n", encoding="utf-8")  # no alone.test.yaml: the file itself
    assert discover(tmp_path / "alone.yaml") == [tmp_path / "alone.yaml"]


@pytest.mark.parametrize("expected, got, same", [
    ("80%", 0.8, True), ("93.1%", 0.931, True), (0.8, 0.8 * (1 + 1e-10), True), (0.8, 0.8 * (1 + 1e-8), False),
    (0, 1e-17, True), (None, None, True), (None, 0, False), (0, None, False),
    ("2023/8/2", "2023-08-02", True), ("今日头条", "今日头条", True), ("8", 8, True), ("甲", 8, False),
])
def test_same_value(expected: object, got: object, same: bool) -> None:
    assert same_value(expected, got) is same


def test_coverage_lists_what_no_case_reaches() -> None:
    result = run_tests([fixture("partial-coverage.yaml")])
    cov = result["coverage"]["tonggu-ganzhengtong"]
    assert cov["bands"]["reached"] == ["activity_band.ok"]
    assert cov["flags"] == {"reached": ["no_work_group"], "missed": ["activation_short"]}
    assert cov["notifications"]["missed"] == ["criticise_activation", "name_low_activity"]
    text = rendered(result)
    assert "tonggu-ganzhengtong：分档 1/5、标记 1/2、通报 0/2" in text
    assert "未测到的标记：activation_short" in text
    assert "未测到的分档：activity_band.below_20、activity_band.below_50、activity_band.below_80、activity_band.below_90" in text


def test_a_failed_expectation_does_not_count_as_coverage() -> None:
    cov = run_tests([fixture("wrong-band.yaml")])["coverage"]["tonggu-ganzhengtong"]
    assert cov["bands"]["reached"] == []
