"""Date functions year() … weekday() and workday_of_month(): hand-counted values, the same answer on the
numpy path (unit tables, findings rows) and the SQL path (records tables), and every wrong use refused at load.

Hand counts for tests/fixtures/dates: 2024-12-30 is a Monday in ISO week 1 (of 2025) and December 2024's
21st working day (20 before it, no holidays that month); 2021-01-03 is a Sunday in ISO week 53 (of 2020);
2022-10-08 is a Saturday worked in lieu of National Day, October's 1st working day (10-09 is the 2nd);
2023-02-06 is February's 4th working day (1, 2, 3 worked; 4, 5 a weekend).
"""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tongbao
from tongbao.errors import RulesetError

HERE = Path(__file__).parent / "fixtures" / "dates"
ROOT = Path(__file__).resolve().parents[1]


def _units(verdict: tongbao.Verdict) -> dict[str, dict]:
    return {u["name"]: u for u in verdict.to_dict()["parts"][0]["units"]}


@pytest.fixture(scope="module")
def deadlines() -> dict[str, dict]:
    pytest.importorskip("duckdb")
    return _units(tongbao.evaluate(tongbao.load_ruleset(HERE / "deadlines.yaml"), HERE))


def test_parts_of_a_date_in_unit_metrics(deadlines: dict[str, dict]) -> None:
    keys = ("sub_year", "sub_quarter", "sub_month", "sub_day", "sub_week", "sub_weekday", "sub_nth")
    got = {name: tuple(u["metrics"][k] for k in keys) for name, u in deadlines.items()}
    assert got == {
        "甲": (2024, 4, 12, 30, 1, 1, 21),
        "乙": (2021, 1, 1, 3, 53, 7, 1),
        "丙": (2022, 4, 10, 8, 40, 6, 1),
        "丁": (2022, 4, 10, 10, 41, 1, 3),  # 10-08 and 10-09 were both worked
        "戊": (None,) * 7,                 # a blank date gives no value
        "己": (2023, 1, 2, 6, 6, 1, 4),
    }


def test_deadline_flags(deadlines: dict[str, dict]) -> None:
    got = {name: sorted(u["flags"]) for name, u in deadlines.items()}
    # on_time: workday_of_month <= 5; weekend: weekday >= 6 (a make-up Saturday is still a Saturday).
    assert got == {"甲": [], "乙": ["on_time", "weekend"], "丙": ["on_time", "weekend"], "丁": ["on_time"],
                   "戊": [], "己": ["on_time"]}


@pytest.mark.parametrize("prefix", ["f", "r"])  # findings rows (numpy) and records rows (DuckDB SQL)
def test_findings_rows_and_records_rows_give_the_hand_counts(deadlines: dict[str, dict], prefix: str) -> None:
    keys = ("on_time", "weeks", "weekdays", "months", "quarters", "days", "2025")
    got = {name: tuple(u["metrics"][f"{prefix}_{k}"] for k in keys) for name, u in deadlines.items()}
    assert got == {
        "甲": (1, 1 + 1, 1 + 4, 12 + 1, 4 + 1, 30 + 2, 1),  # 2025-01-02 (Thu) is January's 1st working day
        "乙": (2, 53 + 1, 7 + 1, 2, 2, 3 + 4, 0),
        "丙": (1, 40, 6, 10, 4, 8, 0),
        "丁": (2, 41 + 41, 1 + 2, 20, 8, 21, 0),
        "戊": (0, 0, 0, 0, 0, 0, 0),
        "己": (2, 18, 1 + 2 + 3, 6, 3, 21, 0),  # 02-08 is the 6th working day: late
    }


# ---------------------------------------------------------------- numpy and SQL agree on every day

_FUNCTIONS = ("year", "quarter", "month", "day", "week", "weekday", "workday_of_month")
_RULES = """\
tongbao: 1
id: dates-agree
version: "1"
title: 测试
issuer: 测试
region: 测试
units:
  file: units.csv
  key: 单位
  fields: {{name: {{column: 单位, type: text}}}}
findings:
  rows:
    label: 明细
    file: rows.csv
    unit: 单位
    fields: {{d: {{column: 日期, type: date, blank: missing}}}}
    per_unit:
{findings}
records:
  raw:
    label: 记录
    file: rows.csv
    key: 单位
    fields: {{d: {{column: 日期, type: date, blank: missing}}}}
    per_unit:
{records}
"""


def _agree_folder(tmp_path: Path, days: list[dt.date | None]) -> Path:
    f = "\n".join(f"      f_{fn}: {{label: {fn}, max: {fn}(d)}}" for fn in _FUNCTIONS)
    r = "\n".join(f"      r_{fn}: {{label: {fn}, max: \"{fn}(d)\"}}" for fn in _FUNCTIONS)
    (tmp_path / "rules.yaml").write_text(_RULES.format(findings=f, records=r), encoding="utf-8")
    names = [f"u{i:04d}" for i in range(len(days))]
    (tmp_path / "units.csv").write_text("单位\n" + "".join(f"{n}\n" for n in names), encoding="utf-8")
    (tmp_path / "rows.csv").write_text("单位,日期\n" + "".join(f"{n},{d or ''}\n" for n, d in zip(names, days)),
                                       encoding="utf-8")
    return tmp_path


def test_numpy_and_sql_agree_on_every_day_of_the_awkward_spans(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    spans = [("2020-12-20", "2021-01-12"), ("2022-09-25", "2022-10-15"), ("2024-12-20", "2025-01-12"),
             ("2023-01-15", "2023-02-05"), ("2024-02-25", "2024-03-03")]
    days: list[dt.date | None] = [None]
    for start, end in spans:
        d = dt.date.fromisoformat(start)
        while d <= dt.date.fromisoformat(end):
            days.append(d)
            d += dt.timedelta(days=1)
    folder = _agree_folder(tmp_path, days)
    units = _units(tongbao.evaluate(tongbao.load_ruleset(folder / "rules.yaml"), folder))
    for i, day in enumerate(days):
        m = units[f"u{i:04d}"]["metrics"]
        for fn in _FUNCTIONS:
            assert m[f"f_{fn}"] == m[f"r_{fn}"], (day, fn, m[f"f_{fn}"], m[f"r_{fn}"])
        if day is None:
            assert m["f_year"] is None and m["r_week"] is None
        else:
            assert (m["r_week"], m["r_weekday"]) == day.isocalendar()[1:]
    assert units["u0001"]["metrics"]["f_week"] == 51  # 2020-12-20, a Sunday
    # 2025-01-01 (a holiday) counts as January's 1st working day, as 01-02 is.
    jan1 = days.index(dt.date(2025, 1, 1))
    assert units[f"u{jan1:04d}"]["metrics"]["r_workday_of_month"] == 1


def test_month_on_records_needs_no_working_day_calendar(tmp_path: Path) -> None:
    """month() reads no holidays: a year chinesecalendar has not published is fine until a working-day function is used."""
    pytest.importorskip("duckdb")
    folder = _agree_folder(tmp_path, [dt.date(2031, 3, 2)])
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    plain = "\n".join(line for line in text.splitlines() if "workday_of_month" not in line)
    (folder / "rules.yaml").write_text(plain, encoding="utf-8")
    m = _units(tongbao.evaluate(tongbao.load_ruleset(folder / "rules.yaml"), folder))["u0000"]["metrics"]
    assert (m["r_year"], m["r_month"], m["r_weekday"], m["f_week"]) == (2031, 3, 7, 9)
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(tongbao.TongbaoError, match="工作日历中没有 2031 年的数据"):
        tongbao.evaluate(tongbao.load_ruleset(folder / "rules.yaml"), folder)


# ---------------------------------------------------------------- wrong uses are ruleset errors at load

_BAD = """\
tongbao: 1
id: dates-bad
version: "1"
title: 测试
issuer: 测试
region: 测试
facts:
  due: {{label: 截止日期, date: "2022-05-10"}}
  quota: {{label: 任务数, value: 3}}
units:
  file: units.csv
  key: 单位
  fields:
    sent: {{column: 报送数, type: integer}}
    name: {{column: 单位, type: text}}
    sent_on: {{column: 报送日期, type: date}}
metrics:
  fixed: {{label: 整改日期, expr: "fill(sent_on, due)"}}
  x:
    label: 测试
    expr: {expr}
"""


@pytest.mark.parametrize("expr, shown", [
    ("month(sent)", "month 的第 1 个参数"),
    ("weekday(name)", "weekday 的第 1 个参数"),
    ("week(quota)", "week 的第 1 个参数"),
    ("workday_of_month(sent + 1)", "workday_of_month 的第 1 个参数"),
    ("days(sent_on, sent)", "days 的第 2 个参数"),
    ("1 if is_workday(3) else 0", "is_workday 的第 1 个参数"),
])
def test_a_date_function_on_something_not_a_date_names_file_line_and_key(tmp_path: Path, expr: str, shown: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(_BAD.format(expr=expr), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        tongbao.load_ruleset(path)
    message = str(info.value)
    assert shown in message and "不是日期" in message and "bad.yaml:21:5:" in message and "metrics.x.expr" in message
    assert "due、fixed、sent_on" in message  # the dates it could have used, a metric from fill() among them


@pytest.mark.parametrize("expr", ["year(sent_on) * 100 + month(due)", "weekday(fixed)", "day(sent_on if sent > 0 else due)",
                                  "workday_of_month(fill(sent_on, due))"])
def test_dates_from_fields_facts_and_date_metrics_are_accepted(tmp_path: Path, expr: str) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text(_BAD.format(expr=expr), encoding="utf-8")
    assert tongbao.load_ruleset(path).parts[0].metrics[-1].expr.text == expr


def test_records_and_findings_rows_are_checked_too(tmp_path: Path) -> None:
    folder = _agree_folder(tmp_path, [dt.date(2022, 1, 1)])
    text = (folder / "rules.yaml").read_text(encoding="utf-8")
    text = text.replace("fields: {d: {column: 日期, type: date, blank: missing}}",
                        "fields: {d: {column: 日期, type: date, blank: missing}, n: {column: 数, type: integer}}")
    (folder / "rules.yaml").write_text(text.replace('max: "week(d)"', 'max: "week(n)"').replace("max: month(d)", "max: month(n)"),
                                       encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        tongbao.load_ruleset(folder / "rules.yaml")
    where = sorted(p.path for p in info.value.problems)
    assert where == ["findings.rows.per_unit.f_month.max", "records.raw.per_unit.r_week.max"]


def test_cli_exit_one_no_output(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(_BAD.format(expr="month(sent)"), encoding="utf-8")
    (tmp_path / "units.csv").write_text("单位,报送数,报送日期\n甲,1,2022-05-09\n", encoding="utf-8")
    out = tmp_path / "out.json"
    done = subprocess.run([sys.executable, "-m", "tongbao", "evaluate", str(tmp_path / "bad.yaml"), str(tmp_path),
                           "-f", "json", "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "函数 month 的第 1 个参数应是日期" in done.stderr and "bad.yaml:21:5" in done.stderr
    assert not out.exists() and done.stdout == ""


def test_fields_named_like_the_new_functions_still_load(tmp_path: Path) -> None:
    """Rulesets written before year()/month()/day() existed may call a field ``month`` or ``day``."""
    text = _BAD.format(expr="month(day) + month").replace("sent: {column: 报送数, type: integer}",
                                                          "month: {column: 报送数, type: integer}")
    (tmp_path / "r.yaml").write_text(text.replace("sent_on: {column: 报送日期, type: date}", "day: {column: 报送日期, type: date}")
                                     .replace("fill(sent_on, due)", "fill(day, due)"), encoding="utf-8")
    (tmp_path / "units.csv").write_text("单位,报送数,报送日期\n甲,1,2022-05-09\n", encoding="utf-8")
    verdict = tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), tmp_path)
    assert _units(verdict)["甲"]["metrics"]["x"] == 6


def test_a_non_date_reaching_a_date_function_at_run_time_is_refused() -> None:
    from tongbao.rules.datefunctions import month

    with pytest.raises(TypeError, match="不是日期"):
        month(np.array([3.0]))
    assert np.isnan(month(np.array(["NaT"], dtype="datetime64[D]"))[0])
    assert json.dumps(float(month(np.datetime64("2022-05-09")))) == "5.0"


def test_explain_shows_the_date_and_what_each_function_made_of_it() -> None:
    from tongbao.tools.explain import explain_unit, find_units

    pytest.importorskip("duckdb")
    verdict = tongbao.evaluate(tongbao.load_ruleset(HERE / "deadlines.yaml"), HERE)
    lines = explain_unit(*find_units(verdict, "丙")[0])["lines"]
    assert "指标 报送日星期 = weekday(submitted) = 6（报送日期 2022-10-08）" in lines
    assert "指标 当月第几个工作日 = workday_of_month(submitted) = 1（报送日期 2022-10-08）" in lines
    assert "标记 每月前5个工作日内报送：workday_of_month(submitted) <= 5 → 是" in lines
