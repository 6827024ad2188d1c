"""Groups read from files whose columns differ: a field's ``groups`` names the files that carry it (issue 9 §4).

Hand-computed on tests/fixtures/groupfiles: depts.csv has 报送数, 采用数, 是否有计划; towns.csv has 报送数, 走访次数.
采用率 = 采用数 / 报送数 (不适用 for towns); 得分 = 报送数 × 2 + (departments: 采用数 × 3; towns: 走访次数);
走访次数 is ``absent: zero``, so departments read 0.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import tongbao
from tongbao.tools.explain import explain_unit, find_units

HERE = Path(__file__).resolve().parent / "fixtures/groupfiles"


def _copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    for f in HERE.iterdir():
        shutil.copy(f, tmp_path / f.name)
    rules = tmp_path / "columns.yaml"
    text = rules.read_text(encoding="utf-8")
    assert old in text
    rules.write_text(text.replace(old, new), encoding="utf-8")
    return rules


def _problems(rules: Path) -> list[str]:
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(rules)
    return [str(p) for p in err.value.problems]


def test_each_group_reads_its_own_columns() -> None:
    v = tongbao.evaluate(tongbao.load_ruleset(HERE / "columns.yaml"), HERE).to_dict()
    units = {u["name"]: u for u in v["parts"][0]["units"]}
    got = {name: (u["group"], u["metrics"]["adoption_rate"], u["metrics"]["score"], sorted(u["flags"])) for name, u in units.items()}
    assert got == {
        "财政局": ("departments", 0.4, 32, []),                       # 4/10; 10×2 + 4×3
        "教育局": ("departments", 0.25, 22, ["low_adoption", "no_plan"]),  # 2/8; 8×2 + 2×3; 25% < 30%, 否
        "城关镇": ("towns", None, 15, []),                            # 不适用; 6×2 + 3
        "大塅镇": ("towns", None, 8, []),                             # 不适用; 4×2 + 0
    }
    assert units["城关镇"]["fields"] == {"sent": 6, "adopted": None, "has_plan": None, "visits": 3}
    assert units["城关镇"]["not_applicable"] == ["adopted", "has_plan"]
    assert units["财政局"]["fields"]["visits"] == 0 and "not_applicable" not in units["财政局"]  # absent: zero
    assert [u["file"] for u in units.values()] == ["depts.csv", "depts.csv", "towns.csv", "towns.csv"]


def test_the_summary_over_all_units() -> None:
    summary = tongbao.evaluate(tongbao.load_ruleset(HERE / "columns.yaml"), HERE).to_dict()["parts"][0]["summary"]
    figures = {f["id"]: {"all": f["value"], **{g: x["value"] for g, x in f["groups"].items()}} for f in summary["figures"]}
    assert figures["total_sent"] == {"all": 28, "departments": 18, "towns": 10}  # 10 + 8 | 6 + 4
    assert figures["total_adopted"]["all"] == 6  # 4 + 2: the towns' 不适用 is not added
    assert figures["mean_rate"]["all"] == pytest.approx(0.325)  # (40% + 25%) / 2
    assert figures["total_visits"] == {"all": 3, "departments": 0, "towns": 3}  # departments count 0
    assert figures["planned"]["all"] == 1  # 财政局: 是; 教育局: 否; the towns neither


def test_the_rule_test_passes() -> None:
    from tongbao.tools.ruletest import run_tests

    result = run_tests([HERE / "columns.test.yaml"])
    assert (result["passed"], result["failed"]) == (1, 0), result


def test_explain_says_the_field_is_not_applicable_for_the_group() -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(HERE / "columns.yaml"), HERE)
    (town, i), = find_units(verdict, "城关镇")
    lines = explain_unit(town, i)["lines"]
    assert lines[1] == "读取：报送数 6；采用数 不适用（镇、街道的数据文件没有这一列）；是否有计划 不适用（镇、街道的数据文件没有这一列）；走访次数 3"
    (dept, j), = find_units(verdict, "财政局")
    assert explain_unit(dept, j)["lines"][1] == "读取：报送数 10；采用数 4；是否有计划 是；走访次数 0（区级部门的数据文件没有这一列，按 0 计）"


@pytest.mark.parametrize("file, csv, column, listed", [
    ("depts.csv", "单位,报送数,是否有计划\n财政局,10,是\n", "采用数", "单位、报送数、是否有计划"),  # its own column
    ("towns.csv", "单位,走访次数\n城关镇,3\n", "报送数", "单位、走访次数"),  # a column every group's file carries
])
def test_a_file_missing_a_column_it_should_carry_is_the_usual_data_error(tmp_path: Path, file: str, csv: str, column: str,
                                                                          listed: str) -> None:
    rules = _copy(tmp_path)
    (tmp_path / file).write_text(csv, encoding="utf-8")
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path)
    (problem,) = err.value.problems
    assert (Path(problem.file).name, problem.line, problem.column) == (file, 1, column)
    assert problem.message == f"缺少规则集要求的列。请改表头，或改规则集中该字段的 column。表中的列有：{listed}。"


def test_an_unknown_group_in_a_field_is_a_ruleset_error(tmp_path: Path) -> None:
    rules = _copy(tmp_path, "采用数, type: integer, min: 0, groups: [departments]", "采用数, type: integer, min: 0, groups: [department]")
    assert _problems(rules) == [f"{rules}:15:60: units.fields.adopted.groups[0]: 未知的组“department”。是否想写“departments”？"
                                "可用的组有：departments、towns。groups 写的是 units.files 中的组 id。"]


def test_groups_on_a_field_of_a_single_file_is_a_ruleset_error(tmp_path: Path) -> None:
    rules = _copy(tmp_path, "  files: {departments: depts.csv, towns: towns.csv}", "  file: depts.csv")
    text = rules.read_text(encoding="utf-8").replace("{label: 区级部门}", "{label: 区级部门, when: sent > 7}")
    rules.write_text(text, encoding="utf-8")
    problems = _problems(rules)
    assert problems[0] == (f"{rules}:15:51: units.fields.adopted.groups: 单位表只有一个文件，各单位的列都相同，字段不能写 groups。"
                           "各组的列不同时，请按组分开文件：units.files: {组id: 文件名, …}。")
    assert len(problems) == 3  # adopted, has_plan, visits


@pytest.mark.parametrize("old,new,message", [
    ("groups: [towns], absent: zero}", "absent: zero}",
     "units.fields.visits.absent: absent 说明其他组的单位这一列按什么计，只对写了 groups 的字段有用。请删去 absent，或写上 groups。"),
    ("has_plan: {column: 是否有计划, type: yesno, groups: [departments]}", "has_plan: {column: 是否有计划, type: text, groups: [departments], absent: zero}",
     "units.fields.has_plan.absent: text 类型的字段不能按 0 计（absent: zero）。请删去 absent（其他组的单位为“不适用”）。"),
])
def test_absent_needs_groups_and_a_number(tmp_path: Path, old: str, new: str, message: str) -> None:
    problems = _problems(_copy(tmp_path, old, new))
    assert problems[0].endswith(message)
    # A text has_plan is also refused where its truth is taken (not has_plan, count(has_plan)): rules/kinds.py.
    assert [p.split(": 表达式 ")[1].split(" 把")[0] for p in problems[1:]] == (["'not has_plan'", "'count(has_plan)'"] if "text" in new else [])


def test_groups_on_a_findings_field_is_a_ruleset_error() -> None:
    rules = (Path(__file__).resolve().parent / "fixtures/findings/issues.yaml").read_text(encoding="utf-8")
    text = rules.replace("problems: {column: 问题数, type: integer, min: 0}", "problems: {column: 问题数, type: integer, min: 0, groups: [towns]}")
    assert text != rules
    with pytest.raises(tongbao.RulesetError) as err:
        _load_text(text)
    assert [p.path for p in err.value.problems] == ["findings.issues.fields.problems.groups"]
    assert err.value.problems[0].message == "groups 只能写在单位表（units.fields）的字段上：明细表的每一行都读同一组列。请删去 groups。"


def _load_text(text: str) -> object:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "issues.yaml"
        path.write_text(text, encoding="utf-8")
        return tongbao.load_ruleset(path)


def test_an_audited_column_only_one_group_prints_is_not_audited_for_the_other(tmp_path: Path) -> None:
    """The departments' file prints 得分; the towns' has no such column: their computed 15 and 8 are not "不适用" mismatches."""
    rules = _copy(tmp_path, "    visits:", "    score_printed: {column: 得分, type: integer, groups: [departments]}\n    visits:")
    text = rules.read_text(encoding="utf-8").replace("format: integer}", "format: integer, check: score_printed}", 1)
    rules.write_text(text, encoding="utf-8")
    (tmp_path / "depts.csv").write_text("单位,报送数,采用数,是否有计划,得分\n财政局,10,4,是,32\n教育局,8,2,否,20\n", encoding="utf-8")
    v = tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path).to_dict()
    audits = [(w["code"], w["unit"], w["message"]) for w in v["warnings"] if w["code"].startswith("TB-A")]
    assert audits == [("TB-A001", "教育局", "附件“得分”为 20，按规则计算为 22。")]  # 8×2 + 2×3; the towns print nothing


def test_validate_accepts_what_lint_suggests_and_it_evaluates(tmp_path: Path) -> None:
    """The guarded forms TB-L013 suggests load, lint clean, and give the same figures."""
    rules = _copy(tmp_path, "expr: adopted / sent,", 'expr: "adopted / sent if group == \\"departments\\" else na()",')
    text = rules.read_text(encoding="utf-8").replace("when: not has_plan}", 'when: group == "departments" and (not has_plan)}')
    rules.write_text(text, encoding="utf-8")
    loaded = tongbao.load_ruleset(rules)
    from tongbao.tools.lint import lint

    assert lint(loaded) == []
    units = tongbao.evaluate(loaded, tmp_path).to_dict()["parts"][0]["units"]
    assert [(u["metrics"]["adoption_rate"], sorted(u["flags"])) for u in units] == [
        (0.4, []), (0.25, ["low_adoption", "no_plan"]), (None, []), (None, [])]


SEED = Path(__file__).resolve().parent.parent / "examples" / "yanjiang-xinxi-2020q3"


def _yanjiang(tmp_path: Path, line: str, changed: str) -> tuple[tongbao.Ruleset, Path]:
    """The yanjiang seed's rules and a copy of its data, one line of the towns' submission file changed."""
    shutil.copytree(SEED, tmp_path / "data")
    towns = tmp_path / "data" / "镇街报送.csv"
    text = towns.read_text(encoding="utf-8")
    assert line in text
    towns.write_text(text.replace(line, changed), encoding="utf-8")
    return tongbao.load_ruleset(SEED.parent.parent / "rulesets" / "yanjiang-xinxi-2020q3.yaml"), tmp_path / "data"


def test_a_joined_tables_printed_cells_are_read_file_by_file(tmp_path: Path) -> None:
    """The joined table keeps each file's printed cells apart (text_runs); the audit quotes the towns' slip
    (the second file) as printed, with its file and line, and text_at reads every cell in table order."""
    import csv

    import numpy as np

    rules, data = _yanjiang(tmp_path, "2,东峰镇,24,49,5,204.17%", "2,东峰镇,24,49,4.50,204.17%")
    part = tongbao.evaluate(rules, data).parts[0]
    slips = [(w.file and Path(w.file).name, w.line, w.unit, w.message) for w in part.warnings if w.code == "TB-A001"]
    assert slips == [("镇街报送.csv", 3, "东峰镇", "附件“报送得分”为 4.50，按规则计算为 5.00。")]
    printed = [row["报送得分"] for name in ("区级部门报送.csv", "镇街报送.csv")
               for row in csv.DictReader((tmp_path / "data" / name).open(encoding="utf-8"))]
    table = part.table
    assert table.text == {} and len(table.text_runs) == 2
    assert table.text_at("score_published", np.arange(len(table))).tolist() == printed
    assert table.text_at("score_published", np.array([len(table) - 1, 0])).tolist() == [printed[-1], printed[0]]
    n = sum(1 for _ in (tmp_path / "data" / "区级部门报送.csv").open(encoding="utf-8")) - 1
    assert [Path(table.file_of(i)).name for i in (0, n - 1, n, len(table) - 1)] == ["区级部门报送.csv"] * 2 + ["镇街报送.csv"] * 2
    every = [Path(f).name for f, count in table.file_runs_in(slice(None)) for _ in range(count)]
    assert every == ["区级部门报送.csv"] * n + ["镇街报送.csv"] * (len(table) - n)
    assert [(Path(f).name, k) for f, k in table.file_runs_in(slice(n - 2, n + 3))] == [("区级部门报送.csv", 2), ("镇街报送.csv", 3)]


def test_a_joined_tables_names_are_joined_when_first_read() -> None:
    """Evaluating reads no name of a joined table (no history, findings or escalations): its names stay the
    files' two arrays until something reads ``names``; names_at reads them across the files, in table order."""
    import csv
    import dataclasses

    import numpy as np

    seed = SEED
    rules = tongbao.load_ruleset(seed.parent.parent / "rulesets" / "yanjiang-xinxi-2020q3.yaml")
    table = tongbao.evaluate(rules, seed).parts[0].table
    names = [row["单位"] for name in ("区级部门报送.csv", "镇街报送.csv") for row in csv.DictReader((seed / name).open(encoding="utf-8"))]
    n = sum(1 for _ in (seed / "区级部门报送.csv").open(encoding="utf-8")) - 1
    assert table._joined == {} and len(table) == len(names) == 57 and n == 39
    assert table.names_at(np.array([n, 0, len(names) - 1, n - 1])).tolist() == [names[n], names[0], names[-1], names[n - 1]]
    assert table.names_at(np.array([n, 0, 56, 38])).tolist() == ["中和镇", "区统计局", "丰裕镇", "区国土分局"]
    assert "names" not in table._joined
    assert table.names.tolist() == names and not table.names.flags.writeable and table._runs["names"] == ()
    assert table.names_at(np.array([40, 2])).tolist() == [names[40], names[2]]
    assert "lines" not in table._joined and table.lines.tolist() == [*range(2, 41), *range(2, 20)] and not table.lines.flags.writeable
    again = dataclasses.replace(table, warnings=[])
    assert again.names.tolist() == names and again.lines.tolist() == table.lines.tolist() and len(again) == 57


def test_threads_reading_a_joined_tables_names_first_get_one_array() -> None:
    """The JSON writer's threads may be the first to read ``names``: each gets the same joined array, and
    names_at meanwhile reads whole runs or the joined array (review: 1,384 of 3,000 races gave two arrays)."""
    import threading

    import numpy as np
    from tongbao.data.groupfiles import JoinedTable

    runs = (np.array([f"部门{i}" for i in range(3000)], dtype=object), np.array([f"镇{i}" for i in range(3000)], dtype=object))
    want = [*runs[0].tolist(), *runs[1].tolist()]
    for _ in range(200):
        table = JoinedTable(name_runs=runs, line_runs=(np.arange(3000), np.arange(3000)), file="f", fingerprint="", encoding=None,
                            columns={}, not_applicable={}, blank={})
        arrays: list[np.ndarray] = []
        picked: list[str] = []
        start = threading.Barrier(4)

        def read() -> None:
            start.wait()
            picked.append(table.names_at(np.array([5999, 0]))[0])
            arrays.append(table.names)

        threads = [threading.Thread(target=read) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len({id(a) for a in arrays}) == 1 and arrays[0].tolist() == want and picked == ["镇2999"] * 4


def test_group_ids_are_made_when_first_read() -> None:
    """The units' group ids (an object array) are made when the verdict or an expression first reads them, once:
    the part's ``groups`` and the expressions' ``group`` are the same array."""
    rules = tongbao.load_ruleset(SEED.parent.parent / "rulesets" / "yanjiang-xinxi-2020q3.yaml")
    part = tongbao.evaluate(rules, SEED).parts[0]
    assert "_labels" not in vars(part.unit_groups) and "group" in part.names and "group" not in dict(part.names)
    assert part.groups.tolist() == ["departments"] * 39 + ["towns"] * 18 and not part.groups.flags.writeable
    assert part.groups is part.names["group"] is part.unit_groups.labels()


def test_the_audits_warnings_are_made_when_first_read(tmp_path: Path) -> None:
    """Evaluating finds the disagreeing cells; the warnings' objects are made when the part's warnings are
    first read, once, after those made before the audit (the seed's own blank 报送得分 is the third)."""
    from tongbao.audit import LaterWarnings

    rules, data = _yanjiang(tmp_path, "2,东峰镇,24,49,5,204.17%", "2,东峰镇,24,49,4.50,204.16%")
    verdict = tongbao.evaluate(rules, data)
    part = verdict.parts[0]
    assert isinstance(part.warnings, LaterWarnings) and part.warnings._all is None
    found = [(w.code, w.line, w.unit, w.message) for w in part.warnings]
    assert found == [("TB-A001", 3, "东峰镇", "附件“完成率”为 204.16%，按规则计算为 204.17%。"),
                     ("TB-A001", 3, "东峰镇", "附件“报送得分”为 4.50，按规则计算为 5.00。"),
                     ("TB-A002", 7, "莲花街道办事处", "附件“报送得分”为空，按规则计算为 5.00。")]
    assert part.warnings._all is not None and part.warnings[2] is part.warnings[-1] is list(part.warnings)[2]
    assert len(part.warnings) == 3 and part.warnings[:1][0].extra == {"metric": "completion", "published": "204.16%", "computed": 2.04166666667}
    calls: list[int] = []
    later = LaterWarnings(["made"], lambda: calls.append(1) or ["audit"])  # type: ignore[list-item]
    assert calls == []
    assert (list(later), list(later), len(later), calls) == (["made", "audit"], ["made", "audit"], 2, [1])
    assert [w["message"] for w in verdict.to_dict()["warnings"]][:3] == [m for *_, m in found]


def test_a_unit_in_two_groups_files_is_a_data_error(tmp_path: Path) -> None:
    """区统计局 written into the towns' file too: refused, naming both files and lines (found by the name hashes first)."""
    rules, data = _yanjiang(tmp_path, "2,东峰镇,", "2,区统计局,")
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(rules, data)
    [problem] = err.value.problems
    assert (Path(problem.file).name, problem.line, problem.value) == ("镇街报送.csv", 3, "区统计局")
    assert "单位名称与" in problem.message and "区级部门报送.csv 第 2 行重复" in problem.message


def test_shared_name_hashes_by_hand() -> None:
    from tongbao.data.groupfiles import _shared_hash

    def arrays(*xs: list[int]) -> list:
        import numpy as np

        return [np.array(x, dtype=np.int64) for x in xs]
    assert not _shared_hash(arrays([1, 5, 9], [2, 6]))
    assert _shared_hash(arrays([1, 5, 9], [0, 9]))
    assert not _shared_hash(arrays([], [3], [4, 10]))
    assert _shared_hash(arrays([1, 7], [2, 3], [7, 8]))  # the first and the third
    assert _shared_hash(arrays([-3, 2], [-3]))
    files = arrays([4, 8], [1, 9])
    assert not _shared_hash(files) and [f.tolist() for f in files] == [[4, 8], [1, 9]]  # sorted in a joined copy only


def test_joined_masks_by_hand() -> None:
    import numpy as np

    from tongbao.data.groupfiles import _joined_mask

    assert _joined_mask([np.array([False, False]), np.array([False])]).tolist() == [False, False, False]
    assert _joined_mask([np.array([False, False]), np.array([True])]).tolist() == [False, False, True]
    assert _joined_mask([np.array([True]), np.zeros(0, dtype=bool)]).tolist() == [True]
