"""Ordinary mistakes are exit 1 with a Chinese message, never exit 3 (issue 11, "Exit 3 on ordinary mistakes")."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RULESET = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
DATA = ROOT / "examples" / "tonggu-ganzhengtong"
UNITS = (DATA / "units.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def verdict(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import tongbao

    return tongbao.evaluate(tongbao.load_ruleset(RULESET), ROOT / "examples" / "tonggu-ganzhengtong-2022-04").to_dict()


def _mutate(v: dict, how: str) -> str:
    d = copy.deepcopy(v)
    if how == "parts: [1]":
        d["parts"] = [1]
    elif how == "parts: null":
        d["parts"] = None
    elif how == "ruleset: {}":
        d["ruleset"] = {}
    elif how == 'units: "abc"':
        d["parts"][0]["units"] = "abc"
    elif how == "no id":
        del d["parts"][0]["id"]
    elif how == "no period":
        del d["period"]["id"]
    elif how == "NaN":
        return json.dumps(d).replace('"rows": 117', '"rows": NaN', 1)
    elif how == "nested":
        return "[" * 100_000 + "]" * 100_000
    elif how == "not json":
        return "{parts: 1"
    return json.dumps(d, ensure_ascii=False)


CASES = ["parts: [1]", "parts: null", "ruleset: {}", 'units: "abc"', "no id", "no period", "NaN", "nested", "not json"]
WORDS = {"parts: [1]": "parts/0", "parts: null": "parts", "ruleset: {}": "ruleset", 'units: "abc"': "parts/0/units",
         "no id": "“id”", "no period": "period 缺少必需的键：“id”", "NaN": "NaN", "nested": "嵌套层数过多", "not json": "JSON 格式错误"}


@pytest.mark.parametrize("how", CASES)
def test_damaged_history_is_exit_1(verdict: dict, how: str, tmp_path: Path, cli) -> None:
    bad = tmp_path / "h.json"
    bad.write_text(_mutate(verdict, how), encoding="utf-8")
    cli.fail("evaluate", RULESET, DATA, "--history", bad, inputs=(bad,), contains=(WORDS[how],))


@pytest.mark.parametrize("how", CASES)
def test_damaged_saved_verdict_in_diff_periods_is_exit_1(verdict: dict, how: str, tmp_path: Path, cli) -> None:
    bad = tmp_path / "earlier.json"
    bad.write_text(_mutate(verdict, how), encoding="utf-8")
    good = tmp_path / "later.json"
    good.write_text(json.dumps(verdict, ensure_ascii=False), encoding="utf-8")
    cli.fail("diff", "periods", bad, good, inputs=(bad, good), contains=(WORDS[how],))


def test_a_folder_named_like_a_verdict_is_exit_1(tmp_path: Path, cli) -> None:
    folder = tmp_path / "h.json"
    folder.mkdir()
    cli.fail("evaluate", RULESET, DATA, "--history", folder, contains=("文件夹",))
    cli.fail("diff", "periods", folder, folder, contains=("文件夹",))


def test_a_200k_character_cell_gets_the_right_hint(tmp_path: Path, cli) -> None:
    data = tmp_path / "units.csv"
    data.write_text(UNITS.replace("政府办", '"' + "长" * 200_000 + '"', 1), encoding="utf-8")
    res = cli.fail("evaluate", RULESET, data, contains=("第 3 行", "超过 131072 个字符"))
    assert len(res.stderr) < 1000


def test_a_long_value_is_quoted_short(tmp_path: Path, cli) -> None:
    data = tmp_path / "units.csv"
    data.write_text(UNITS.replace(",28,", ",2" + "x" * 100_000 + ",", 1), encoding="utf-8")
    res = cli.fail("evaluate", RULESET, data, contains=("共 100001 个字符",))
    assert len(res.stderr) < 1000


@pytest.mark.parametrize("head, words", [(b"PK\x03\x04\x14\x00", "工作簿"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "工作簿"),
                                         ("单位\n".encode("utf-16"), "这是 UTF-16 文本"), (b"%PDF-1.7", "PDF")])
def test_files_that_are_not_csv_are_named_for_what_they_are(tmp_path: Path, head: bytes, words: str, cli) -> None:
    data = tmp_path / "units.csv"
    data.write_bytes(head + b"\x00\x01rest")
    cli.fail("evaluate", RULESET, data, contains=(words,))


@pytest.mark.parametrize("text, words", [
    ("tongbao: 1\nid: [a, b\ntitle: x\n", ("r.yaml:2:5", "方括号“[”没有闭合", "第 2 行第 5 列开始")),
    ("tongbao: 1\ntitle: \"abc\nid: x\n", ("r.yaml:2:8", "引号没有闭合")),
    ("tongbao: 1\ntitle: a: b\n", ("r.yaml:2:9", "不能出现“: ”")),
    ("tongbao: 1\nunits:\n\tfile: x\n", ("Tab",)),
    ("tongbao: 1\ntitle: *nothing\n", ("没有定义的锚点",)),
    ("tongbao: 1\ntitle: a\x1bb\n", ("r.yaml:2:9", "控制字符")),
])
def test_yaml_syntax_errors_in_chinese_at_where_the_construct_opened(tmp_path: Path, text: str, words: tuple[str, ...], cli) -> None:
    r = tmp_path / "r.yaml"
    r.write_text(text, encoding="utf-8")
    res = cli.fail("validate", r, contains=words)
    for english in ("did not find", "expected", "while parsing", "unacceptable", "found"):
        assert english not in res.stderr


@pytest.mark.parametrize("old, new, words", [
    ("4,编委办,", '4,"编委办"x,', ("第 5 行", "引号闭合后应紧跟逗号", "两个（\"\"）")),
    ("117,人民医院,", '117,"人民医院,', ("第 118 行", "文件在引号闭合之前就结束了")),
])
def test_csv_syntax_errors_are_told_in_chinese_with_their_line(tmp_path: Path, old: str, new: str, words: tuple[str, ...],
                                                                 cli) -> None:
    data = tmp_path / "units.csv"
    data.write_text(UNITS.replace(old, new, 1), encoding="utf-8")
    assert old in UNITS
    res = cli.fail("evaluate", RULESET, data, inputs=(data,), contains=words)
    assert "expected" not in res.stderr and "end of data" not in res.stderr  # the csv module's English is not shown


def test_a_folder_holding_the_table_as_two_workbooks_is_exit_1(tmp_path: Path, cli) -> None:
    """units.csv may arrive as units.xlsx; two stand-ins and no units.csv: which one is meant is not guessed."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "units.xlsx").write_bytes(b"PK\x03\x04")
    (data / "units.ods").write_bytes(b"PK\x03\x04")
    cli.fail("evaluate", RULESET, data, contains=("同时有 units.xlsx、units.ods，不知道该读哪一个（规则集要的是 units.csv）", "请只留下一个"))


def test_a_history_entry_of_the_wrong_type_names_the_type_wanted(verdict: dict, tmp_path: Path, cli) -> None:
    bad = tmp_path / "h.json"
    bad.write_text(_mutate(verdict, 'units: "abc"'), encoding="utf-8")
    cli.fail("evaluate", RULESET, DATA, "--history", bad, inputs=(bad,), contains=("parts/0/units", "的类型不对，应为列表 […]"))
