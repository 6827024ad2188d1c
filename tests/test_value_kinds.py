"""Text, enumerations and dates mixed with numbers are refused when the ruleset loads (rules/kinds.py).

Each form used to pass `validate` and then fail at `evaluate` with Python's English words, or
(text == number) silently match no unit. Refused at load, `validate` and `evaluate` say the same
thing at the same place: the expression's line and column, the operand, its type, the fix.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tongbao

ROOT = Path(__file__).resolve().parent.parent

RULESET = """tongbao: 1
id: tx
version: "1"
title: 测试
issuer: 某办
region: 某县
facts:
  target: {label: 目标, value: 3}
  due: {label: 截止日, date: "2024-03-31"}
units:
  file: u.csv
  key: 单位
  fields:
    note: {column: 备注, type: text}
    level: {column: 级别, type: enum, values: [高, 低]}
    day: {column: 日期, type: date, blank: missing}
    n: {column: 数量, type: integer}
    ok: {column: 达标, type: yesno}
metrics:
  m: {label: 值, expr: 'EXPR'FORMAT}
"""
UNITS = "单位,备注,级别,日期,数量,达标\n甲,好,高,2024-03-01,1,是\n乙,,低,,0,否\n丙,差,高,2024-01-31,5,是\n"
PLACE = "r.yaml:20:17: metrics.m.expr: "
NOTE, N = "文字字段 note（备注）", "数字字段 n（数量）"
DATE_FIX = "日期只能与日期比较。请与日期型的事实比较（facts 里写 due: {label: 截止日, date: \"2024-03-31\"}），或用 days(开始, 结束) 算出天数再与数字比较。"

REFUSED = [
    ("note + n", f"表达式 'note + n' 把{NOTE}和{N}相加；文字不能参与运算。若要按文字判断，写成 n if note == \"……\" else 0（引号里写要找的文字）。"),
    ("n / level", f"表达式 'n / level' 把{N}和枚举字段 level（级别）相除；枚举不能参与运算。若要按文字判断，写成 n if level == \"……\" else 0（引号里写要找的文字）。"),
    ("day - due", "表达式 'day - due' 把日期字段 day（日期）和日期事实 due（截止日）相减；日期不能参与运算。两个日期相隔几天请用 days(开始, 结束)，取年、月请用 year()、month()。"),
    ("-note", f"表达式 '-note' 给{NOTE}加正负号；文字不能参与运算。"),
    ("max(note, n)", f"表达式 'max(note, n)' 把{NOTE}交给 max；max 只算数字，文字不能参与运算。"),
    ("round(day)", "表达式 'round(day)' 把日期字段 day（日期）交给 round；round 只算数字，日期不能参与运算。两个日期相隔几天请用 days(开始, 结束)，取年、月请用 year()、month()。"),
    ("note > target", f"表达式 'note > target' 拿{NOTE}和事实 target（目标）比较大小；文字没有大小，不能与数字比较。若这一列写的是数字，请把字段改为 type: number（或 integer）。"),
    ("note == 3", f"表达式 'note == 3' 拿{NOTE}和数字比较是否相等；文字永远不等于数字，这个比较总是不成立。若要找写着 3 的单位，请把数字加上引号（\"3\"）；若这一列是数字，请把字段改为 type: number（或 integer）。"),
    ("note in (\"好\", 3)", f"表达式 'note in (\"好\", 3)' 拿{NOTE}和数字比较是否相等；文字永远不等于数字，这个比较总是不成立。若要找写着 3 的单位，请把数字加上引号（\"3\"）；若这一列是数字，请把字段改为 type: number（或 integer）。"),
    ("n == \"3\"", f"表达式 'n == \"3\"' 拿文字 \"3\"和{N}比较是否相等；文字永远不等于数字，这个比较总是不成立。数字请不加引号书写，例如 n == 3。"),
    ("day == 3", f"表达式 'day == 3' 拿日期字段 day（日期）和数字比较；{DATE_FIX}"),
    ("day < \"2024-03-01\"", f"表达式 'day < \"2024-03-01\"' 拿日期字段 day（日期）和文字 \"2024-03-01\"比较；{DATE_FIX}"),
    ("fill(day, 0)", "表达式 'fill(day, 0)' 用数字填补日期字段 day（日期）的空缺，两者不是一类。请用同一类的值填补：数字填数字，文字填带引号的文字，日期填日期型的事实。"),
    ("not day", "表达式 'not day' 把日期字段 day（日期）当作条件（是/否）；日期本身没有是否。请写成比较（例如 day <= 某个日期事实），或用 missing(…) 判断是否空缺。"),
    ("count(note)", f"表达式 'count(note)' 把{NOTE}当作条件（是/否）；文字本身没有是否。请写成比较（例如 note == \"……\"），或用 missing(…) 判断是否空缺。"),
    ("missing(note) == \"好\"", "表达式 'missing(note) == \"好\"' 拿文字 \"好\"和是/否“missing(note)”比较是否相等；文字永远不等于是/否，这个比较总是不成立。"
                                 "是/否请直接写 missing(note)（是）或 not missing(note)（否）。"),
    ("n == level", f"表达式 'n == level' 拿枚举字段 level（级别）和{N}比较是否相等；文字永远不等于数字，这个比较总是不成立。"
                   "若“level”写的是数字，请把字段改为 type: number（或 integer）。"),
    ("n if note == \"好\" else note", f"表达式 'n if note == \"好\" else note' 的 if … else 两个分支一个是{N}、一个是{NOTE}，结果不成一类。"
                                      "请让两个分支同为一类：都是数字（例如 … else 0）、都是文字或都是日期。"),
]


def _write(tmp_path: Path, expr: str, fmt: str = "") -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(RULESET.replace("EXPR", expr).replace("FORMAT", fmt), encoding="utf-8")
    (tmp_path / "u.csv").write_text(UNITS, encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tongbao", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("expr, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_each_mixed_form_is_refused_at_load_with_its_place(tmp_path: Path, expr: str, message: str) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(_write(tmp_path, expr))
    assert [str(p).split("r.yaml", 1)[1] for p in err.value.problems] == [f":20:17: metrics.m.expr: {message}"]


def test_validate_and_evaluate_say_it_alike_in_chinese(tmp_path: Path) -> None:
    path = _write(tmp_path, "note + n")
    out = tmp_path / "v.json"
    for args in (("validate", str(path)), ("evaluate", str(path), str(tmp_path), "-o", str(out))):
        done = _cli(*args)
        assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
        assert done.stderr.strip() == f"错误：{path.parent / PLACE}{REFUSED[0][1]}"
        assert "concatenate" not in done.stderr
    assert not out.exists()


def test_a_text_metric_says_format_text(tmp_path: Path) -> None:
    with pytest.raises(tongbao.RulesetError) as err:
        tongbao.load_ruleset(_write(tmp_path, "note if ok else level"))
    assert [str(p).split("r.yaml", 1)[1] for p in err.value.problems] == [
        ":20:3: metrics.m: 指标 m 的结果是文字（'note if ok else level'），却按数字格式 number:2 显示，也会被当作数字分档、排名。"
        "请写 format: text；若要的是数字，请让表达式算出数字。"]
    ruleset = tongbao.load_ruleset(_write(tmp_path, "note if ok else level", ", format: text"))
    verdict = tongbao.evaluate(ruleset, tmp_path).to_dict()
    assert [u["metrics"]["m"] for u in verdict["parts"][0]["units"]] == ["好", "低", "差"]


@pytest.mark.parametrize("expr, values", [
    ("n if note == \"好\" else 0", [1, 0, 0]),
    ("(note == \"好\") + n", [2, 0, 5]),
    ("count(note == \"差\") + days(due, due)", [1, 1, 1]),
    ("year(day) - 2000 if ok else -1", [24, -1, 24]),
    ("1 if day < due else 0", [1, 0, 1]),
    # max/min of one date column is a date (the latest, the earliest; blanks skipped). Hypothesis found
    # day if n else max(day) accepted at load and refused at evaluate: max(day) came back as a number.
    ("days(min(day), due)", [60, 60, 60]),
    ("days(day if n else max(day), due)", [30, 30, 60]),
    ("days(max(due), due) + (max(day) == max(day))", [1, 1, 1]),  # one date (a fact) is a date too
])
def test_text_and_dates_used_as_documented_still_compute(tmp_path: Path, expr: str, values: list[float]) -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(_write(tmp_path, expr)), tmp_path).to_dict()
    assert [u["metrics"]["m"] for u in verdict["parts"][0]["units"]] == values
