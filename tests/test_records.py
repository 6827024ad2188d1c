"""Records tables: raw rows aggregated per unit by DuckDB, bucketing, units and composite keys from records.

The fixtures in tests/fixtures/records were written by hand; every expected number
below is counted from those rows (the comments say how), never read back from the engine.
"""
from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import tongbao
from tongbao.errors import DataError, RulesetError

pytest.importorskip("duckdb")

HERE = Path(__file__).parent / "fixtures" / "records"


def _units(verdict: tongbao.Verdict) -> dict[str, dict]:
    part = verdict.to_dict()["parts"][0]
    return {u["name"]: u for u in part["units"]}


@pytest.fixture(scope="module")
def accounts() -> dict[str, dict]:
    return _units(tongbao.evaluate(tongbao.load_ruleset(HERE / "accounts.yaml"), HERE))


def test_units_come_from_records_with_composite_keys(accounts) -> None:
    # Four (账号名称, 平台) pairs; 赣州发布 on two platforms is two units. Sorted by key.
    assert list(accounts) == ["会昌发布(抖音)", "瑞金发布(微信)", "赣州发布(微信)", "赣州发布(微博)"]


def test_counts_sums_means_distinct(accounts) -> None:
    wx = accounts["赣州发布(微信)"]["metrics"]
    # Wednesday and Thursday of each of the 13 weeks Jan 3 – Mar 28: 26 posts, one of 2000 views, the rest 100.
    assert (wx["posts"], wx["views_total"], wx["viral"], wx["authors"]) == (26, 4500, 1, 2)
    assert wx["mean_views"] == pytest.approx(4500 / 26)
    wb = accounts["赣州发布(微博)"]["metrics"]
    # The Jan 2 post (5000 views) is before the period and filtered by `where`; "2024/1/10" and "1,200" parse.
    assert (wb["posts"], wb["views_total"], wb["viral"], wb["authors"], wb["mean_views"]) == (3, 1500, 1, 2, 500)
    hc = accounts["会昌发布(抖音)"]["metrics"]
    # Its only post is outside the period: the unit exists, with nothing counted and no mean.
    assert (hc["posts"], hc["views_total"], hc["viral"], hc["authors"], hc["mean_views"]) == (0, 0, 0, 0, None)


def test_week_month_quarter_buckets(accounts) -> None:
    # Window Wed 2024-01-03 .. Fri 2024-03-29 touches 13 ISO weeks (the first and last cut), 3 months, 1 quarter.
    got = {name: (u["metrics"]["thin_weeks"], u["metrics"]["empty_months"], u["metrics"]["thin_quarters"])
           for name, u in accounts.items()}
    assert got == {
        "赣州发布(微信)": (0, 0, 0),    # two posts every week, including the cut first and last weeks
        "赣州发布(微博)": (12, 1, 0),   # two posts only in the week of Jan 8; nothing in March; 3 posts >= 3
        "瑞金发布(微信)": (12, 1, 0),   # Jan 5 + Jan 6 fill the cut first week; Mar 29 alone; February empty
        "会昌发布(抖音)": (13, 3, 1),   # no post in the window: every bucket is short
    }


def test_scores_bands_flags_from_aggregates(accounts) -> None:
    scores = {n: u["metrics"]["score"] for n, u in accounts.items()}
    # 100 - 2 × weeks - 5 × months - 10 × quarters
    assert scores == {"赣州发布(微信)": 100, "赣州发布(微博)": 71, "瑞金发布(微信)": 71, "会昌发布(抖音)": 49}
    assert accounts["会昌发布(抖音)"]["bands"] == {"grade": "poor"}
    assert [n for n, u in accounts.items() if "idle_month" in u["flags"]] == ["会昌发布(抖音)", "瑞金发布(微信)", "赣州发布(微博)"]


def test_working_day_durations_via_the_calendar_table() -> None:
    units = _units(tongbao.evaluate(tongbao.load_ruleset(HERE / "hotline.yaml"), HERE))
    cg = units["城管局"]["metrics"]
    # A1 Thu 2024-02-08 -> Mon 02-19: Feb 9, 18 (make-up Sunday), 19 = 3 working days (Feb 10-17 is the holiday).
    # B2 Fri 03-01 -> Mon 03-11: Mar 4-8 and 11 = 6. C3 not closed: no duration, not on time, still counted.
    assert (cg["orders"], cg["late"], cg["open"], cg["slowest"]) == (3, 1, 1, 6)
    assert cg["on_time"] == pytest.approx(1 / 3)
    zj = units["住建局"]["metrics"]
    # D4 Mon 01-29 -> Sun 02-04 (a make-up working day): Jan 30, 31, Feb 1, 2, 4 = 5, on time.
    assert (zj["orders"], zj["on_time"], zj["late"], zj["slowest"]) == (1, 1.0, 0, 5)
    jy = units["教育局"]["metrics"]  # in the unit table, no orders
    assert (jy["orders"], jy["on_time"], jy["late"], jy["slowest"]) == (0, None, 0, None)


def test_explain_shows_the_aggregated_values(cli) -> None:
    res = cli.run("explain", HERE / "accounts.yaml", HERE, "赣州发布(微博)")
    assert res.returncode == 0, res.stderr
    assert "汇总自发文记录（posts.csv，只计 published >= period_start and published <= period_end 的行）" in res.stdout
    assert "发文条数 3（行数：全部行）" in res.stdout
    assert "更新不足2条的周数 12（考核期内按周计行数（全部行），低于 2 的周数）" in res.stdout


def test_verdict_records_the_records_file_hash() -> None:
    tables = tongbao.evaluate(tongbao.load_ruleset(HERE / "hotline.yaml"), HERE).to_dict()["input"]["tables"]
    import hashlib
    want = hashlib.sha256((HERE / "orders.csv").read_bytes()).hexdigest()
    assert {"file": "orders.csv", "sha256": want, "encoding": None, "rows": 4} in tables


# ---------------------------------------------------------------- the same through Parquet

def test_parquet_gives_the_same_units(tmp_path: Path, accounts) -> None:
    import duckdb

    text = (HERE / "accounts.yaml").read_text(encoding="utf-8").replace("file: posts.csv", "file: posts.parquet")
    (tmp_path / "accounts.yaml").write_text(text, encoding="utf-8")
    con = duckdb.connect()
    # Typed columns, as a real export would have them: dates as DATE, views as BIGINT.
    rel = con.read_csv(str(HERE / "posts.csv"), all_varchar=True)
    rel.query("p", "SELECT 账号名称, 平台, CAST(strptime(replace(发布日期, '/', '-'), '%Y-%m-%d') AS DATE) AS 发布日期, "
                   "CAST(replace(阅读量, ',', '') AS BIGINT) AS 阅读量, 作者 FROM p").write_parquet(str(tmp_path / "posts.parquet"))
    got = _units(tongbao.evaluate(tongbao.load_ruleset(tmp_path / "accounts.yaml"), tmp_path))
    assert {n: u["metrics"] for n, u in got.items()} == {n: u["metrics"] for n, u in accounts.items()}


# ---------------------------------------------------------------- bad data, bad rulesets

def _hotline(tmp_path: Path, orders: str, ruleset_edit: tuple[str, str] | None = None) -> Path:
    shutil.copy(HERE / "depts.csv", tmp_path / "depts.csv")
    (tmp_path / "orders.csv").write_text(orders, encoding="utf-8")
    text = (HERE / "hotline.yaml").read_text(encoding="utf-8")
    if ruleset_edit:
        assert ruleset_edit[0] in text
        text = text.replace(*ruleset_edit)
    (tmp_path / "hotline.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "hotline.yaml"


def test_unknown_unit_names_file_line_column_value(tmp_path: Path) -> None:
    rules = _hotline(tmp_path, "工单号,承办单位,受理日期,办结日期\nA1,城管局,2024-02-08,2024-02-19\nB2,城官局,2024-03-01,\n")
    with pytest.raises(DataError) as exc:
        tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path)
    (p,) = exc.value.problems
    assert (p.file.endswith("orders.csv"), p.line, p.column, p.value) == (True, 3, "承办单位", "城官局")
    assert "是否是“城管局”" in p.message


def test_bad_date_cell_names_row_and_value(tmp_path: Path) -> None:
    rules = _hotline(tmp_path, "工单号,承办单位,受理日期,办结日期\nA1,城管局,2024-02-08,2024-02-19\nB2,城管局,2024-13-01,\n")
    with pytest.raises(DataError) as exc:
        tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path)
    (p,) = exc.value.problems
    assert (p.line, p.column, p.value) == (3, "受理日期", "2024-13-01")
    assert "日期" in p.message


def test_blank_key_is_a_data_error(tmp_path: Path) -> None:
    rules = _hotline(tmp_path, "工单号,承办单位,受理日期,办结日期\nA1, ,2024-02-08,2024-02-19\n")
    with pytest.raises(DataError) as exc:
        tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path)
    assert [(p.line, p.column) for p in exc.value.problems] == [(2, "承办单位")]


def test_missing_column_is_named(tmp_path: Path) -> None:
    rules = _hotline(tmp_path, "工单号,承办部门,受理日期,办结日期\nA1,城管局,2024-02-08,2024-02-19\n")
    with pytest.raises(DataError) as exc:
        tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path)
    assert exc.value.problems[0].column == "承办单位" and "承办部门" in exc.value.problems[0].message


def test_cli_data_error_exits_1_without_traceback(tmp_path: Path, cli) -> None:
    rules = _hotline(tmp_path, "工单号,承办单位,受理日期,办结日期\nA1,城官局,2024-02-08,2024-02-19\n")
    cli.fail("evaluate", rules, tmp_path, "-f", "json", "-o", tmp_path / "out.json",
             inputs=(tmp_path / "orders.csv",), contains=("orders.csv", "城官局"))


@pytest.mark.parametrize("edit, message", [
    (("per_unit:\n      orders:", "per_unit:\n      weeks: {label: 周, per: week, date: received, count: true, below: 1}\n      orders:"),
     "window"),
    (('count: "workdays(received, closed) > 5"', 'count: "sum(workdays(received, closed)) > 5"'), "不能用函数 sum"),
    (('max: "workdays(received, closed)"', 'max: "workdays(received, closed + 1)"'), "第 2 个参数应是日期"),
])
def test_ruleset_errors_at_load(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    rules = _hotline(tmp_path, "x\n", edit)
    with pytest.raises(RulesetError) as exc:
        tongbao.load_ruleset(rules)
    assert any(message in p.message for p in exc.value.problems), exc.value.problems


def test_units_from_an_unknown_records_table(tmp_path: Path) -> None:
    text = (HERE / "accounts.yaml").read_text(encoding="utf-8").replace("from: posts", "from: post")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as exc:
        tongbao.load_ruleset(tmp_path / "a.yaml")
    assert "未知的明细记录表“post”" in exc.value.problems[0].message


# ---------------------------------------------------------------- no SQL from a ruleset or a file

def test_quotes_in_column_names_file_names_and_texts_stay_data(tmp_path: Path) -> None:
    """Identifiers are quoted and values bound: a hostile column, file name or text is just a name or a text."""
    column = 'a"b`c\'; DROP TABLE src; --'
    file = "x'; DROP TABLE src; --.csv"
    text_value = "it's \"quoted\"; DROP TABLE src; --"
    import csv
    with open(tmp_path / file, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["单位", column])
        w.writerows([["甲", text_value], ["甲", "plain"], ["乙", text_value]])
    hits = _yaml_quote('note == "' + text_value.replace('"', '\\"') + '"')
    has = _yaml_quote("contains(note, '\"; DROP')")
    ruleset = f"""
tongbao: 1
id: records-quotes
version: "1"
title: 引号测试
issuer: 测试
region: 测试
# 考核期随数据走（period.yaml），不写在规则集里。
units: {{from: rows, label: 单位}}
records:
  rows:
    label: 记录
    file: {_yaml_quote(file)}
    key: 单位
    fields:
      note: {{column: {_yaml_quote(column)}, type: text}}
    per_unit:
      hits: {{label: 命中, count: {hits}}}
      has: {{label: 包含, count: {has}}}
metrics:
  total: {{label: 合计, expr: hits + has}}
"""
    (tmp_path / "q.yaml").write_text(ruleset, encoding="utf-8")
    units = _units(tongbao.evaluate(tongbao.load_ruleset(tmp_path / "q.yaml"), tmp_path))
    assert {n: (u["metrics"]["hits"], u["metrics"]["has"]) for n, u in units.items()} == {"甲": (1, 1), "乙": (1, 1)}


def _yaml_quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_statement_binds_every_value() -> None:
    from tongbao.data import sql

    records = tongbao.load_ruleset(HERE / "hotline.yaml").parts[0].records[0]
    stmt = sql.build_statement(records, (), "duckdb", {"受理日期", "办结日期", "承办单位"}, None, None)
    assert 5.0 in stmt.params.values()  # the 5 of "<= 5" is a parameter, not SQL text
    assert '"受理日期"' in stmt.sql and "$p" in stmt.sql
    spark = sql.build_statement(records, (), "spark", {"受理日期", "办结日期", "承办单位"}, None, None)
    assert "`受理日期`" in spark.sql and ":p" in spark.sql and '"受理日期"' not in spark.sql


# ---------------------------------------------------------------- buckets against a plain Python count

def _reference(dates: list[dt.date], start: dt.date, end: dt.date, per: str, below: int) -> int:
    def bucket(d: dt.date) -> tuple:
        return {"week": d.isocalendar()[:2], "month": (d.year, d.month), "quarter": (d.year, (d.month - 1) // 3)}[per]
    days = [start + dt.timedelta(i) for i in range((end - start).days + 1)]
    counts = {bucket(d): 0 for d in days}
    for d in dates:
        if start <= d <= end:
            counts[bucket(d)] += 1
    return sum(1 for n in counts.values() if n < below)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_buckets_match_a_row_by_row_count(tmp_path_factory, data) -> None:
    base = dt.date(2023, 12, 1)
    start = base + dt.timedelta(data.draw(st.integers(0, 60)))
    end = start + dt.timedelta(data.draw(st.integers(0, 200)))
    dates = data.draw(st.lists(st.integers(0, 300).map(lambda d: base + dt.timedelta(d)), min_size=1, max_size=40))
    below = data.draw(st.integers(1, 3))
    folder = tmp_path_factory.mktemp("buckets")
    (folder / "posts.csv").write_text("账号,日期\n" + "".join(f"甲,{d.isoformat()}\n" for d in dates), encoding="utf-8")
    (folder / "r.yaml").write_text(f"""
tongbao: 1
id: records-buckets
version: "1"
title: 分段
issuer: 测试
region: 测试
# 考核期随数据走（period.yaml），不写在规则集里。
facts:
  s: {{label: 开始, date: "{start.isoformat()}"}}
  e: {{label: 结束, date: "{end.isoformat()}"}}
units: {{from: posts}}
records:
  posts:
    label: 记录
    file: posts.csv
    key: 账号
    fields: {{day: {{column: 日期, type: date}}}}
    window: {{start: s, end: e}}
    per_unit:
      w: {{label: 周, per: week, date: day, count: true, below: {below}}}
      m: {{label: 月, per: month, date: day, count: true, below: {below}}}
      q: {{label: 季, per: quarter, date: day, count: true, below: {below}}}
metrics:
  x: {{label: x, expr: w + m + q}}
""", encoding="utf-8")
    got = _units(tongbao.evaluate(tongbao.load_ruleset(folder / "r.yaml"), folder))["甲"]["metrics"]
    want = {k: _reference(dates, start, end, per, below) for k, per in (("w", "week"), ("m", "month"), ("q", "quarter"))}
    assert {k: got[k] for k in want} == want


def test_duckdb_is_not_imported_without_records() -> None:
    root = Path(__file__).resolve().parent.parent
    code = ("import sys, tongbao; r = tongbao.load_ruleset('rulesets/tonggu-ganzhengtong.yaml'); "
            "tongbao.evaluate(r, 'examples/tonggu-ganzhengtong/'); print('duckdb' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_padded_keys_are_trimmed_like_unit_names(tmp_path: Path) -> None:
    # The first statement groups keys as stored; " 城管局 " makes it repeat with trimming.
    rules = _hotline(tmp_path, "工单号,承办单位,受理日期,办结日期\nA1, 城管局 ,2024-03-01,2024-03-11\nA2,城管局,2024-03-01,2024-03-04\n")
    units = _units(tongbao.evaluate(tongbao.load_ruleset(rules), tmp_path))
    assert (units["城管局"]["metrics"]["orders"], units["城管局"]["metrics"]["late"]) == (2, 1)


def test_rule_test_files_can_give_records_rows(cli, tmp_path: Path) -> None:
    ok = cli.run("test", HERE / "accounts.test.yaml")
    assert ok.returncode == 0 and "1 通过，0 失败" in ok.stdout, ok.stdout + ok.stderr
    shutil.copy(HERE / "accounts.yaml", tmp_path / "accounts.yaml")
    wrong = (HERE / "accounts.test.yaml").read_text(encoding="utf-8").replace("thin_weeks: 12", "thin_weeks: 11")
    (tmp_path / "accounts.test.yaml").write_text(wrong, encoding="utf-8")
    bad = cli.run("test", tmp_path / "accounts.test.yaml")
    assert bad.returncode == 1 and "0 通过，1 失败" in bad.stdout, bad.stdout + bad.stderr


@pytest.mark.parametrize("name", ["accounts", "hotline"])
def test_records_verdicts_follow_the_verdict_schema(name: str) -> None:
    import json
    import jsonschema

    schema = json.loads((Path(__file__).parent.parent / "schemas" / "verdict.schema.json").read_text(encoding="utf-8"))
    verdict = tongbao.evaluate(tongbao.load_ruleset(HERE / f"{name}.yaml"), HERE).to_dict()
    validator = jsonschema.validators.validator_for(schema)(schema)
    assert [e.message for e in validator.iter_errors(json.loads(json.dumps(verdict)))] == []


def test_duckdb_settings_progress_bar_off_and_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from tongbao.data.records import DuckRunner

    monkeypatch.setenv("TONGBAO_MEMORY_LIMIT", "1GB")
    con = DuckRunner().con
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert limit.replace(" ", "") in ("953.6MiB", "1.0GB", "1GB", "1000.0MB"), limit
    temp = con.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert "tongbao-duckdb-" in temp  # spill files never land in the working folder


def test_unknown_records_engine_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TONGBAO_RECORDS_ENGINE", "hive")
    with pytest.raises(tongbao.TongbaoError) as exc:
        tongbao.evaluate(tongbao.load_ruleset(HERE / "hotline.yaml"), HERE)
    assert "只能是 duckdb 或 spark" in str(exc.value.problems[0])


def test_units_from_records_read_key_parts_as_fields_and_group_by_them(accounts) -> None:
    assert {n: (u["fields"]["platform"], u["group"]) for n, u in accounts.items()} == {
        "会昌发布(抖音)": ("抖音", "others"), "瑞金发布(微信)": ("微信", "wechat"),
        "赣州发布(微信)": ("微信", "wechat"), "赣州发布(微博)": ("微博", "others")}


def test_unit_fields_from_records_must_be_key_columns(tmp_path: Path) -> None:
    text = (HERE / "accounts.yaml").read_text(encoding="utf-8").replace(
        "platform: {column: 平台, type: text}", "platform: {column: 作者, type: text}")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as exc:
        tongbao.load_ruleset(tmp_path / "a.yaml")
    assert "只能是 key 中的列（账号名称、平台）" in exc.value.problems[0].message
