"""Ruleset tests (``tongbao test``): a few made-up rows in, the expected verdict out.

Over 400 lines because the test-file reader still checks shapes by hand that schemas/ruletest.schema.json now states; moving them onto the schema is open work.

Written beside a ruleset as ``<规则集>.test.yaml`` and run like ``opa test`` or
pytest. Each case is evaluated by the same ``engine.evaluate`` as real data, and
its cells pass through the same parser as a CSV cell, so a test shows what the
administrator's table will give. The format, for the people who write it:

测试文件的写法
==============

    ruleset: tonggu-ganzhengtong.yaml      # 要测试的规则集，路径相对于本测试文件
    defaults:                              # 可选：行里没写的列取这里的值（省得每行重复）
      累计注册人数: 10
      活跃工作群数: 1
    cases:
      - name: 活跃率恰为80%落入“低于90%”   # 用一句话写明检查什么
        part: main                         # 可选：多部分的规则集写部分的 id；默认第一部分
        units:                             # 该部分单位表的几行：列名就是表头，值照表格里的写法
          - {单位: 甲, 累计激活率: "100%", 活跃率: "80.00%"}
          - {单位: 乙, 累计激活率: "100%", 活跃率: "79.99%"}
        expect:                            # 按单位名称写期望；只比较写出来的项
          甲:
            bands: {activity_band: below_90}    # 分档名: 档位 id；不落入任何一档写 null
            flags: []                           # 标记的完整清单（不计顺序）；没有写 []
            notifications: [name_low_activity]  # 通报措施 id 的完整清单
            metrics: {active: 8}                # 指标；数字按相对误差 1e-9 比较
            fields: {activity: "80%"}           # 字段；"80%" 即 0.8；null 表示缺失或无法计算
          乙: {bands: {activity_band: below_80}}
        expect_summary:                    # 可选：汇总
          figures: {registered_total: 20}  # 汇总数字；分组的写 {all: …, 组id: …}
          units: 2                         # 单位数

单位的期望项还可写 vetoes（单项否决项 id 的完整清单）、rank（名次，无名次写 null）、
group（所属组的 id）；expect_summary 还可写 top（排名前列的单位名单，不计顺序）。

规则集读多个文件时（分部分、分组或有明细表），用 ``tables`` 按文件名给出各表的行（节选）：

    tables:                                # 文件顶层：各用例共用的行
      市直部门.csv: [{责任单位: 市政府办, 累计总条数: 1, 本月发布数: 1}]
    cases:
      - name: 国庆调休的周六算工作日
        part: frequency
        units: [{账号: 赣州发布, 类型: 市县政府账号}]   # 该部分的单位表（只有一个文件时可用）
        tables:                            # 用例里的 tables 替换顶层同名文件的行
          留言记录.csv: [{账号: 赣州发布, 留言类型: 一般性, 收到日期: 2022-09-30, 回复日期: 2022-10-08}]
        expect: {赣州发布: {metrics: {late_replies: 0}}}

规则集要读的每个文件都要有行（用例或顶层 tables 中），每个文件至少一行。行里没写的列是
空白单元格，按规则集给该字段写的 blank 处理（按 0 计、按缺失，或报错）；值照表格里的写法，
百分数写成 "80%"（带引号），日期写成 2022-09-30。
``defaults`` 也可按文件写：``defaults: {网站.csv: {网站类型: 部门网站}}``。

测试文件本身写错（YAML 语法、找不到规则集、未知的键、部分、分档、档位、标记、
通报、指标、字段，或 expect 中的单位不在本用例的数据里）是错误，指明文件、行、列；
规则集或数据在评定时出错，则该用例失败，并给出出错信息。

覆盖：某个用例的 expect 写明某单位落入某档（或带有某标记、否决项、通报措施），
且评定结果确实如此，这一档（标记……）才算“测到”。
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, cast

from rich.console import Console
from rich.text import Text

from ..errors import DataError, Problem, RulesetError, TongbaoError
from ..evaluate import evaluate
from ..rules.expressions import unknown_message
from ..data.inputs import file_names
from ..rules.loader import load_ruleset
from ..rules.model import Aggregate, FieldSpec, Metric, Part, Ruleset
from ..verdict_types import TopDict
from ..verdict import PartResult, Verdict
from ..rules.yamlfile import YamlDoc, read_yaml
from .casehistory import case_history, earlier_verdicts

SUFFIX = ".test.yaml"
REL_TOL = 1e-9
ABS_TOL = 1e-12  # a figure that should be 0 can come out as 1e-17 after float sums; relative tolerance alone rejects it
FILE_KEYS = ("ruleset", "defaults", "tables", "cases")
CASE_KEYS = ("name", "part", "period", "history", "units", "tables", "expect", "expect_summary")
UNIT_KEYS = ("bands", "flags", "vetoes", "notifications", "escalations", "metrics", "fields", "rank", "group", "messages")
SUMMARY_KEYS = ("figures", "units", "top", "bottom")
LIST_KINDS = {"flags": "标记", "vetoes": "单项否决项", "notifications": "通报措施", "escalations": "升级处理"}
COVERAGE_KINDS = (("bands", "分档"), ("flags", "标记"), ("vetoes", "否决"), ("notifications", "通报"))
_PERCENT = re.compile(r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*%\s*$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

Where = tuple[Any, ...]  # a key path inside the test file, as YamlDoc marks it


class RuleTestError(TongbaoError):
    """A test file is wrong (not the ruleset under test): every problem, each with file:line:column."""

    def __init__(self, problems: list[Problem]) -> None:
        self._located = list(problems)
        n = len(self._located)
        tail = f"\n测试文件共有 {n} 处问题，请按上面的位置逐一修改后再运行 tongbao test。" if n > 1 else ""
        super().__init__("\n".join(str(p) for p in self._located) + tail)

    @property
    def problems(self) -> list[Problem]:
        return self._located


@dataclass(frozen=True)
class Rows:
    """One table's rows as a case gives them: cells as CSV text, and where each row sits in the test file."""

    records: tuple[dict[str, str], ...]
    marks: tuple[tuple[int | None, int | None], ...]


@dataclass(frozen=True)
class Check:
    """One expectation: what to look up in the verdict, what it should be, and where it was written."""

    kind: str  # band | flags | vetoes | notifications | metric | field | rank | group | figure | units | top
    unit: str | None
    name: str | None  # tier, metric, field or figure id
    scope: str  # "all" or a group id (figures)
    expected: Any
    what: str  # for people: 甲 的分档“活跃率分档”（activity_band）
    line: int | None
    column: int | None


@dataclass(frozen=True)
class Case:
    file: str
    line: int | None
    name: str
    ruleset: Ruleset | None
    broken: str | None  # why the ruleset would not load; the case then fails with it
    part: int  # index into ruleset.parts
    tables: dict[str, Rows]
    checks: tuple[Check, ...]
    period: str | None = None  # this period's id, when the case gives earlier periods
    history: tuple[Any, ...] = ()  # earlier periods, oldest first: (period, rows) or a saved verdict (history.Period)

    @property
    def ruleset_id(self) -> str | None:
        return self.ruleset.id if self.ruleset else None


# ================================================================ discovery

def discover(path: Path) -> list[Path]:
    """A test file given by name, or every ``*.test.yaml`` under a folder, in name order."""
    path = Path(path)
    if path.is_file():
        return [_test_file_of(path)]
    if not path.is_dir():
        raise TongbaoError(f"{path}：找不到该文件或文件夹。请给出 *{SUFFIX} 测试文件，或放着它们的文件夹。")
    found = sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file())
    if not found:
        raise TongbaoError(f"{path}：文件夹中没有 *{SUFFIX} 测试文件。测试文件的写法见 docs/rulesets.md 的“规则测试”。")
    return found


def _test_file_of(path: Path) -> Path:
    """The ruleset's own test file when a ruleset is given (``tongbao test x.yaml`` means x.test.yaml)."""
    if path.name.endswith(SUFFIX) or path.suffix not in (".yaml", ".yml"):
        return path
    beside = path.with_name(path.stem + SUFFIX)
    return beside if beside.is_file() else path


# ================================================================ reading a test file

def load_cases(path: Path, rulesets: dict[Path, Any] | None = None) -> list[Case]:
    """Read and check one test file; raise RuleTestError listing every problem in it."""
    try:
        doc, _ = read_yaml(path)
    except RulesetError as exc:  # read_yaml speaks of rulesets; the locations are what matter here
        raise RuleTestError(exc.problems) from None
    reader = _Reader(doc, Path(path), {} if rulesets is None else rulesets)
    cases = reader.read()
    if reader.problems:  # in reading order, not in the order the checks happened to find them
        raise RuleTestError(sorted(reader.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return cases


class _Reader:
    """Checks one test file against the ruleset it names, collecting every problem."""

    def __init__(self, doc: YamlDoc, path: Path, rulesets: dict[Path, Any]) -> None:
        self.doc, self.path, self.rulesets = doc, path, rulesets
        self.problems: list[Problem] = []
        self.ruleset: Ruleset | None = None
        self.files: list[str] = []
        self.columns: dict[str, list[str]] = {}

    def fail(self, where: Where, message: str) -> None:
        self.problems.append(self.doc.problem(where, message))

    def read(self) -> list[Case]:
        data = self.doc.data
        if not isinstance(data, dict):
            self.fail((), "测试文件应是一个映射，至少写 ruleset: 和 cases:。写法见 docs/rulesets.md 的“规则测试”。")
            return []
        self._keys(data, (), FILE_KEYS, "测试文件顶层")
        found, broken = self._ruleset(data.get("ruleset"))
        raw_cases = data.get("cases")
        if not isinstance(raw_cases, list) or not raw_cases:
            self.fail(("cases",) if "cases" in data else (), "缺少用例：请在 cases: 下列出至少一条用例（- name: …）。")
            return []
        if not found:
            return []
        if broken is not None:
            return [self._broken_case(raw, i, broken) for i, raw in enumerate(raw_cases)]
        defaults = self._defaults(data.get("defaults"))
        shared = self._tables(data.get("tables"), ("tables",), defaults)
        cases = [self._case(raw, i, shared, defaults) for i, raw in enumerate(raw_cases)]
        return [c for c in cases if c is not None]

    # ------------------------------------------------------------ the ruleset

    def _ruleset(self, value: Any) -> tuple[bool, str | None]:
        if not isinstance(value, str) or not value.strip():
            self.fail(("ruleset",) if value is not None else (),
                      "缺少 ruleset：请写要测试的规则集文件，路径相对于本测试文件，例如 ruleset: tonggu-ganzhengtong.yaml。")
            return False, None
        target = self.path.parent / value
        if not target.is_file():
            self.fail(("ruleset",), f"找不到规则集文件“{value}”（按本测试文件所在的文件夹查找，即 {target}）。请检查文件名。")
            return False, None
        key = target.resolve()
        if key not in self.rulesets:
            try:
                self.rulesets[key] = (load_ruleset(target), None)
            except TongbaoError as exc:
                self.rulesets[key] = (None, str(exc))
        self.ruleset, broken = self.rulesets[key]
        if self.ruleset is not None:
            self.files = file_names(self.ruleset)
            self.columns = _columns_read(self.ruleset)
        return True, broken

    def _broken_case(self, raw: Any, i: int, broken: str) -> Case:
        name = raw.get("name") if isinstance(raw, dict) else None
        return Case(str(self.path), self.doc.where(("cases", i))[0], str(name or f"第 {i + 1} 条用例"), None, broken, 0, {}, ())

    # ------------------------------------------------------------ rows

    def _defaults(self, raw: Any) -> dict[str, dict[str, str]]:
        """Default cells per file: ``{列: 值}`` for every file, ``{文件: {列: 值}}`` for one."""
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail(("defaults",), "defaults 应是“列名: 值”的映射，例如 defaults: {活跃工作群数: 1}。")
            return {}
        common = {k: self._cell(v, ("defaults", k)) for k, v in raw.items() if not isinstance(v, dict)}
        per_file: dict[str, dict[str, str]] = {}
        for name, cells in raw.items():
            if isinstance(cells, dict):
                if name not in self.files:
                    self.fail(("defaults", name), _unknown("文件", name, self.files) + "按文件写默认值时，键是规则集读取的文件名。")
                per_file[name] = {k: self._cell(v, ("defaults", name, k)) for k, v in cells.items()}
        return {f: {**common, **per_file.get(f, {})} for f in self.files}

    def _tables(self, raw: Any, where: Where, defaults: dict[str, Any]) -> dict[str, Rows]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.fail(where, "tables 应是“文件名: [行, …]”的映射，文件名与规则集中写的一致，例如 网站.csv。")
            return {}
        out = {}
        for name, rows in raw.items():
            if name not in self.files:
                self.fail(where + (name,), _unknown("文件", name, self.files) + "文件名要与规则集中 file / files 写的一致。")
                continue
            got = self._rows(rows, where + (name,), name, defaults)
            if got is not None:
                out[name] = got
        return out

    def _rows(self, raw: Any, where: Where, file: str, defaults: dict[str, Any]) -> Rows | None:
        if not isinstance(raw, list) or not raw:
            self.fail(where, f"“{file}”的行应是一个非空列表，每行写成 {{列名: 值, …}}。")
            return None
        records, marks = [], []
        for j, row in enumerate(raw):
            if not isinstance(row, dict):
                self.fail(where + (j,), "每一行应写成 {列名: 值, …}，列名就是表头。")
                continue
            cells = {str(k): self._cell(v, where + (j, k)) for k, v in row.items()}
            blank = dict.fromkeys(self.columns.get(file, ()), "")
            records.append({**blank, **defaults.get(file, {}), **cells})
            marks.append(self.doc.where(where + (j,)))
        return Rows(tuple(records), tuple(marks))

    def _cell(self, value: Any, where: Where) -> str:
        """A cell as a CSV would hold it, so the test exercises the same parsing as the real table."""
        if value is None:
            return ""
        if isinstance(value, bool):
            self.fail(where, f"读到的是真假值 {value}（YAML 把 yes、no、true、false 等当作真假值）。请给它加上引号，例如 \"是\"。")
            return ""
        if isinstance(value, (int, float, str)):
            return str(value)
        self.fail(where, "单元格应是一个值（文字或数字），这里是列表或映射。")
        return ""

    # ------------------------------------------------------------ a case

    def _case(self, raw: Any, i: int, shared: dict[str, Rows], defaults: dict[str, Any]) -> Case | None:
        where = ("cases", i)
        if not isinstance(raw, dict):
            self.fail(where, "每条用例应是一个映射，至少写 name、units（或 tables）和 expect。")
            return None
        self._keys(raw, where, CASE_KEYS, "用例")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            self.fail(where, "用例缺少 name：请用一句话写明这条用例检查什么。")
            name = f"第 {i + 1} 条用例"
        index = self._part(raw.get("part"), where)
        part = cast(Ruleset, self.ruleset).parts[index]
        tables = {**shared, **self._case_tables(raw, where, part, defaults)}
        missing = [f for f in self.files if f not in tables]
        if missing:
            self.fail(where, f"用例没有给出“{'、'.join(missing)}”的行，而规则集要读这些文件。"
                             "请在用例的 tables 中给出，或写在文件顶层的 tables 中供各用例共用（每个文件至少一行）。")
        period, history = case_history(self, raw, where, part, shared, defaults)
        names = _unit_names(part, tables)
        checks = self._expect(raw.get("expect"), where + ("expect",), part, names)
        checks += self._summary(raw.get("expect_summary"), where + ("expect_summary",), part)
        if "expect" not in raw and "expect_summary" not in raw:
            self.fail(where, "用例没有任何期望：请写 expect（各单位的期望）或 expect_summary（汇总）。")
        return Case(str(self.path), self.doc.where(where)[0], name, self.ruleset, None, index, tables, tuple(checks), period, history)

    def _part(self, value: Any, where: Where) -> int:
        ids = [p.id for p in cast(Ruleset, self.ruleset).parts]
        if value is None:
            return 0
        if value not in ids:
            self.fail(where + ("part",), _unknown("部分", str(value), ids))
            return 0
        return ids.index(value)

    def _case_tables(self, raw: dict[str, Any], where: Where, part: Part, defaults: dict[str, Any]) -> dict[str, Rows]:
        tables = self._tables(raw.get("tables"), where + ("tables",), defaults)
        if "units" not in raw:
            return tables
        files = [f for _, f in part.units.files]
        if len(files) != 1:
            self.fail(where + ("units",), f"部分“{part.id}”的单位来自 {len(files)} 个文件（{'、'.join(files)}），"
                                          "units 无法确定写入哪一个。请改用 tables: {文件名: [行, …]}。")
            return tables
        if files[0] in tables:
            self.fail(where + ("units",), f"units 与 tables 中的“{files[0]}”写的是同一个文件。请只写一处。")
        rows = self._rows(raw["units"], where + ("units",), files[0], defaults)
        return {**tables, files[0]: rows} if rows is not None else tables

    # ------------------------------------------------------------ expectations per unit

    def _expect(self, raw: Any, where: Where, part: Part, names: set[str]) -> list[Check]:
        if raw is None:
            return []
        if not isinstance(raw, dict):
            self.fail(where, "expect 应是“单位名称: {期望}”的映射，例如 expect: {甲: {flags: []}}。")
            return []
        checks: list[Check] = []
        for unit, want in raw.items():
            at = where + (unit,)
            if _normalise(unit) not in names:
                self.fail(at, _unknown("单位", unit, sorted(names)) + f"expect 中的单位必须出现在本用例的数据行中（“{part.units.key}”列）。")
                continue
            if not isinstance(want, dict):
                self.fail(at, f"“{unit}”的期望应是一个映射，可写的项有：{'、'.join(UNIT_KEYS)}。")
                continue
            self._keys(want, at, UNIT_KEYS, "单位的期望项")
            for key, value in want.items():
                if key in UNIT_READERS:
                    checks += UNIT_READERS[key](self, value, at + (key,), part, _normalise(unit), key)
        return checks

    def check(self, kind: str, unit: str | None, name: str | None, expected: Any, where: Where, what: str,
              scope: str = "all") -> Check:
        line, column = self.doc.where(where)
        return Check(kind, unit, name, scope, expected, what, line, column)

    def _bands(self, value: Any, where: Where, part: Part, unit: str, _: str) -> list[Check]:
        if not isinstance(value, dict):
            self.fail(where, "bands 应是“分档名: 档位 id”的映射，例如 bands: {activity_band: below_90}。")
            return []
        out = []
        for tier_name, band in value.items():
            tier = next((t for t in part.tiers if t.name == tier_name), None)
            if tier is None:
                self.fail(where + (tier_name,), _unknown("分档", tier_name, [t.name for t in part.tiers]))
            elif band is not None and (not isinstance(band, str) or tier.band(band) is None):
                self.fail(where + (tier_name,), _unknown("档位", str(band), [b.id for b in tier.bands]) + "不落入任何一档时写 null。")
            else:
                out.append(self.check("band", unit, tier_name, band, where + (tier_name,), f"{unit} 的分档“{tier.label}”（{tier_name}）"))
        return out

    def _ids(self, value: Any, where: Where, part: Part, unit: str, kind: str) -> list[Check]:
        known = {"flags": [f.name for f in part.flags], "vetoes": [v.name for v in part.vetoes],
                 "notifications": [n.id for n in part.notifications], "escalations": [e.id for e in part.escalations]}[kind]
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            self.fail(where, f"{kind} 应是{LIST_KINDS[kind]} id 的列表，例如 [{known[0] if known else '…'}]；一个也没有时写 []。")
            return []
        bad = [j for j, x in enumerate(value) if x not in known]
        for j in bad:
            self.fail(where + (j,), _unknown(LIST_KINDS[kind], value[j], known))
        return [] if bad else [self.check(kind, unit, None, tuple(value), where, f"{unit} 的{LIST_KINDS[kind]}")]

    def _values(self, value: Any, where: Where, part: Part, unit: str, kind: str) -> list[Check]:
        fields = [f.name for f in part.units.fields]
        metrics = [m.name for m in part.metrics] + [a.name for a in part.aggregates() if a.how != "dates"]
        known, other = (metrics, fields) if kind == "metrics" else (fields, metrics)
        word, other_word = ("指标", "fields") if kind == "metrics" else ("字段", "metrics")
        if not isinstance(value, dict):
            self.fail(where, f"{kind} 应是“名称: 值”的映射，例如 {kind}: {{{known[0] if known else 'x'}: 8}}。")
            return []
        out = []
        for name, expected in value.items():
            at = where + (name,)
            if name not in known:
                hint = f"“{name}”不是{word}，请写在 {other_word} 下。" if name in other else ""
                self.fail(at, hint or _unknown(word, name, known))
            elif not _is_scalar(expected):
                self.fail(at, "期望值应是一个数字、文字（如 \"80%\"）或 null。")
            else:
                out.append(self.check(kind[:-1], unit, name, expected, at, f"{unit} 的{word}“{_label(part, name)}”（{name}）"))
        return out

    def _rank(self, value: Any, where: Where, part: Part, unit: str, _: str) -> list[Check]:
        if part.ranking is None:
            self.fail(where, f"部分“{part.id}”没有排名（ranking），不能写 rank。")
        elif value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            self.fail(where, "rank 应是从 1 开始的名次；没有名次写 null。")
        else:
            return [self.check("rank", unit, None, value, where, f"{unit} 的名次（{part.ranking.label}）")]
        return []

    def _messages(self, value: Any, where: Where, part: Part, unit: str, _: str) -> list[Check]:
        """notification or escalation id → the exact text the unit gets (null: none)."""
        known = {n.id: n.label for n in part.notifications} | {e.id: e.label for e in part.escalations}
        if not isinstance(value, dict):
            self.fail(where, "messages 应是“通报措施 id: 文字”的映射；不应收到时写 null。")
            return []
        out = []
        for nid, text in value.items():
            if nid not in known:
                self.fail(where + (nid,), _unknown("通报措施或升级处理", str(nid), list(known)))
            elif text is not None and not isinstance(text, str):
                self.fail(where + (nid,), "期望的文字应是字符串；不应收到这项措施时写 null。")
            else:
                out.append(self.check("message", unit, nid, text, where + (nid,), f"{unit} 收到的“{known[nid]}”文字"))
        return out

    def _group(self, value: Any, where: Where, part: Part, unit: str, _: str) -> list[Check]:
        ids = [g.id for g in part.groups]
        if value not in ids:
            self.fail(where, _unknown("组", str(value), ids))
            return []
        return [self.check("group", unit, None, value, where, f"{unit} 所属的组")]

    # ------------------------------------------------------------ expectations on the summary

    def _summary(self, raw: Any, where: Where, part: Part) -> list[Check]:
        if raw is None:
            return []
        if not isinstance(raw, dict):
            self.fail(where, "expect_summary 应是一个映射，可写 figures、units、top、bottom。")
            return []
        self._keys(raw, where, SUMMARY_KEYS, "汇总的期望项")
        out = self._figures(raw["figures"], where + ("figures",), part) if "figures" in raw else []
        if "units" in raw:
            value = raw["units"]
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(where + ("units",), "units 应是单位个数（整数）。")
            else:
                out.append(self.check("units", None, None, value, where + ("units",), f"部分“{part.label}”的单位数"))
        for end in ("top", "bottom"):
            if end in raw:
                out += self._top(raw[end], where + (end,), part, end)
        return out

    def _figures(self, raw: Any, where: Where, part: Part) -> list[Check]:
        figures = {f.id: f for f in (*part.summary, *cast(Ruleset, self.ruleset).summary)}
        if not isinstance(raw, dict):
            self.fail(where, "figures 应是“汇总数字 id: 值”的映射，例如 figures: {registered_total: 10}。")
            return []
        out = []
        for fid, value in raw.items():
            fig = figures.get(fid)
            if fig is None:
                self.fail(where + (fid,), _unknown("汇总数字", fid, list(figures)))
                continue
            scopes = value if isinstance(value, dict) else {"all": value}
            known = _scopes(fig, part if fig in part.summary else None)
            for scope, expected in scopes.items():
                at = where + (fid,) + ((scope,) if isinstance(value, dict) else ())
                if scope not in known:
                    self.fail(at, _unknown("范围", scope, known) + "all 表示全部单位，其余是组的 id；"
                                  "只按组计算的汇总数字请写成 {组id: 值}。")
                elif not _is_scalar(expected):
                    self.fail(at, "期望值应是一个数字、文字（如 \"80%\"）或 null。")
                else:
                    who = "" if scope == "all" else f"（{next(g.label for g in part.groups if g.id == scope)}）"
                    out.append(self.check("figure", None, fid, expected, at, f"汇总数字“{fig.label}”（{fid}）{who}", scope))
        return out

    def _top(self, value: Any, where: Where, part: Part, end: str = "top") -> list[Check]:
        spec = part.ranking
        count, label = spec.roster(end) if spec else (None, None)
        if count is None:
            self.fail(where, f"部分“{part.id}”的排名没有写 {end}（{'前' if end == 'top' else '后'}几名），不能写 {end}。")
        elif not isinstance(value, list) or not all(isinstance(x, (str, int)) for x in value):
            self.fail(where, f"{end} 应是单位名称的列表。")
        else:
            names = tuple(_normalise(x) for x in value)
            return [self.check(end, None, None, names, where, f"“{label}”" + ("" if str(label).endswith("名单") else "名单"))]
        return []

    def _keys(self, raw: dict[str, Any], where: Where, allowed: tuple[str, ...], what: str) -> None:
        for key in raw:
            if key not in allowed:
                self.fail(where + (key,), _unknown(f"{what}的键", key, list(allowed)))


UNIT_READERS: dict[str, Callable[..., list[Check]]] = {
    "bands": _Reader._bands, "flags": _Reader._ids, "vetoes": _Reader._ids, "notifications": _Reader._ids, "escalations": _Reader._ids,
    "metrics": _Reader._values, "fields": _Reader._values, "rank": _Reader._rank, "group": _Reader._group,
    "messages": _Reader._messages,
}


def _columns_read(ruleset: Ruleset) -> dict[str, list[str]]:
    """The columns the ruleset reads from each file: a test writes only those that matter, the rest are blank."""
    out: dict[str, list[str]] = {}
    for part in ruleset.parts:
        for group, file in part.units.files:
            out.setdefault(file, []).extend([part.units.key, *(f.column for f in part.units.fields_in(group))])
        for findings in part.findings:
            out.setdefault(findings.file, []).extend([findings.unit_column, *(f.column for f in findings.fields)])
        for records in part.records:
            out.setdefault(records.file, []).extend([*records.key, *(f.column for f in records.fields)])
    return {file: list(dict.fromkeys(columns)) for file, columns in out.items()}


def _unit_names(part: Part, tables: dict[str, Rows]) -> set[str]:
    """The units a case's rows give the part, named as the engine will name them."""
    names = set()
    for _, file in part.units.files:
        for record in tables[file].records if file in tables else ():
            name = _normalise(record.get(part.units.key, ""))
            if name and name != part.units.totals_row:
                names.add(name)
    source = next((r for r in part.records if r.name == part.units.from_records), None)
    if source is not None:  # units from a records table: its distinct keys, named as data/records.py names them
        from ..data.records import unit_name

        for record in tables[source.file].records if source.file in tables else ():
            key = tuple(_normalise(record.get(k, "")) for k in source.key)
            if all(key):
                names.add(unit_name(key))
    return names


def _scopes(fig: Any, part: Part | None) -> list[str]:
    """Where a figure has a value: overall, per group, or both (its ``scope``)."""
    groups = [g.id for g in part.groups] if part is not None else []
    if not groups:
        return ["all"]
    return {"all": ["all"], "groups": groups}.get(fig.scope, ["all", *groups])


def _unknown(kind: str, name: str, known: list[str]) -> str:
    if not known:
        return f"未知的{kind}“{name}”：这里没有可用的{kind}。"
    return unknown_message(kind, name, known)


def _label(part: Part, name: str) -> str:
    items: tuple[FieldSpec | Metric | Aggregate, ...] = (*part.units.fields, *part.metrics, *part.aggregates())
    return next((x.label for x in items if x.name == name), name)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (int, float, str))


def _normalise(text: Any) -> str:
    # As the engine reads a cell: full-width forms folded, spaces trimmed.
    return unicodedata.normalize("NFKC", str(text)).strip()


# ================================================================ running

def run_tests(paths: list[Path]) -> dict[str, Any]:
    """Run every case in ``paths``; raise RuleTestError (every problem in every file) if a test file is wrong."""
    rulesets: dict[Path, Any] = {}
    cases: list[Case] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            cases += load_cases(Path(path), rulesets)
        except RuleTestError as exc:
            problems += exc.problems
    if problems:
        raise RuleTestError(problems)
    runs = [run_case(case) for case in cases]
    results = [r for r, _ in runs]
    passed = sum(1 for r in results if r["passed"])
    summary = f"{len(paths)} 个文件，{len(results)} 条用例：{passed} 通过，{len(results) - passed} 失败"
    loaded = [ruleset for ruleset, _ in rulesets.values() if ruleset is not None]
    return {"files": [str(p) for p in paths], "cases": results, "passed": passed, "failed": len(results) - passed,
            "coverage": coverage(loaded, [hit for _, hits in runs for hit in hits]), "summary": summary}


def run_case(case: Case) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """One case's result, and the (ruleset id, kind, name) it showed to be reached."""
    out = {"file": case.file, "line": case.line, "name": case.name, "ruleset": case.ruleset_id}
    if case.broken is not None:
        return {**out, "passed": False, "failures": [_error(case, "加载规则集", "规则集没有问题", case.broken)]}, []
    try:
        history = earlier_verdicts(case)
        verdict = evaluate(cast(Ruleset, case.ruleset), {f: list(rows.records) for f, rows in case.tables.items()},
                           period=case.period, history=history)
    except DataError as exc:
        return {**out, "passed": False, "failures": [_error(case, "读取数据", "数据没有问题", _locate(exc, case))]}, []
    except TongbaoError as exc:
        return {**out, "passed": False, "failures": [_error(case, "评定", "评定成功", str(exc))]}, []
    seen = _Seen(verdict, case.part)
    failures, hits = [], []
    for check in case.checks:
        failure = seen.compare(check)
        if failure is not None:
            failures.append(failure)
        hits += [(cast(Ruleset, case.ruleset).id, kind, name) for kind, name in seen.reached(check)]
    return {**out, "passed": not failures, "failures": failures}, hits


def exit_code(result: dict[str, Any]) -> int:
    return 1 if result["failed"] else 0


def _error(case: Case, what: str, expected: str, got: str) -> dict[str, Any]:
    return {"what": what, "expected": expected, "got": got, "line": case.line, "column": None}


def _locate(exc: DataError, case: Case) -> str:
    """Point each bad cell at the test-file row it came from: the engine numbers records, not YAML lines."""
    lines = []
    for p in exc.problems:
        rows = case.tables.get(p.file)
        if rows is None or p.line is None or not 1 <= p.line <= len(rows.marks):
            lines.append(str(p))
            continue
        line, column = rows.marks[p.line - 1]
        where = [f"{case.file}:{line}:{column}（{p.file} 第 {p.line} 行）"]
        where += [f"列“{p.column}”"] if p.column is not None else []
        where += [f"值 {p.value!r}"] if p.value is not None else []
        lines.append("，".join(where) + "：" + p.message)
    extra = str(exc).split("\n")[len(exc.problems):]  # "……另有 N 处" when the engine stopped listing
    return "\n".join(lines + extra)


class _Seen:
    """One evaluation's verdict, looked up the way checks ask."""

    def __init__(self, verdict: Verdict, part: int) -> None:
        data = verdict.to_dict()
        self.ruleset = verdict.ruleset
        self.result: PartResult = verdict.parts[part]
        self.overall = data["figures"]
        self.part = data["parts"][part]
        self.units = {u["name"]: (i, u) for i, u in enumerate(self.part["units"])}

    def compare(self, check: Check) -> dict[str, Any] | None:
        if check.unit is not None and check.unit not in self.units:
            return _failure(check, "出现在评定结果中", "评定结果中没有这个单位（是否被当作合计行？）")
        got = self.got(check)
        if _agrees(check, got):
            return None
        return _failure(check, _plain(check.expected), _plain(got), self.detail(check, got))

    def got(self, check: Check) -> Any:
        unit: Any = self.units[check.unit][1] if check.unit is not None else None
        kind = check.kind
        if kind in ("notifications", "escalations"):
            return [n["id"] for n in unit.get(kind, [])]
        if kind == "message":
            return next((n["message"] for n in (*unit["notifications"], *unit.get("escalations", [])) if n["id"] == check.name), None)
        if kind in ("flags", "vetoes", "rank", "group"):
            return unit.get(kind, [] if kind == "vetoes" else None)
        if kind in ("band", "metric", "field"):
            return unit[{"band": "bands", "metric": "metrics", "field": "fields"}[kind]].get(check.name)
        if kind == "figure":
            return self.figure(cast(str, check.name), check.scope)
        if kind == "units":
            return self.part["summary"]["units"]
        roster = self.part["summary"]["top"] if kind == "top" else self.part["summary"].get("bottom")
        return cast(TopDict, roster)["units"]

    def figure(self, fid: str, scope: str) -> Any:
        fig = next((f for f in self.part["summary"]["figures"] if f["id"] == fid), None)
        if fig is None:
            return next(f["value"] for f in self.overall if f["id"] == fid)
        return fig["value"] if scope == "all" else fig["groups"][scope]["value"]

    def detail(self, check: Check, got: Any) -> str | None:
        """Why the unit came out as it did: the value a band was decided on, or a list's difference."""
        if check.kind in LIST_KINDS or check.kind in ("top", "bottom"):
            extra = [x for x in got if x not in check.expected]
            lost = [x for x in check.expected if x not in got]
            return "；".join(s for s in (f"多出：{'、'.join(extra)}" if extra else "", f"缺少：{'、'.join(lost)}" if lost else "") if s)
        if check.kind == "band":
            tier = next(t for t in self.result.part.tiers if t.name == check.name)
            shown = self.result.display(tier.metric, self.units[cast(str, check.unit)][0])
            return f"{_label(self.result.part, tier.metric)}为 {shown}；{_band_label(tier, check.expected)}；{_band_label(tier, got)}"
        if check.kind in ("metric", "field"):
            return f"按规则集的格式显示为 {self.result.display(cast(str, check.name), self.units[cast(str, check.unit)][0])}"
        return None

    def reached(self, check: Check) -> list[tuple[str, str]]:
        """What this check showed the ruleset does: an expected band or id that the verdict agrees with."""
        if check.unit is not None and check.unit not in self.units:
            return []
        part = self.result.part
        if check.kind == "band" and check.expected is not None and self.got(check) == check.expected:
            return [("bands", _qualified(self.ruleset, part, f"{check.name}.{check.expected}"))]
        if check.kind in LIST_KINDS:
            got = set(self.got(check))
            return [(check.kind, _qualified(self.ruleset, part, x)) for x in check.expected if x in got]
        return []


def _failure(check: Check, expected: Any, got: Any, detail: str | None = None) -> dict[str, Any]:
    out = {"what": check.what, "expected": expected, "got": got, "line": check.line, "column": check.column}
    if detail:
        out["detail"] = detail
    return out


def _band_label(tier: Any, band_id: str | None) -> str:
    band = tier.band(band_id) if band_id else None
    return f"{band_id} 即“{band.label}”" if band else "null 即不落入任何一档"


def _agrees(check: Check, got: Any) -> bool:
    if check.kind in LIST_KINDS or check.kind in ("top", "bottom"):
        return bool(sorted(check.expected) == sorted(got))
    if check.kind in ("metric", "field", "figure"):
        return same_value(check.expected, got)
    return bool(check.expected == got)


def same_value(expected: Any, got: Any) -> bool:
    """Numbers within 1e-9 relative ("80%" is 0.8); dates however written; null only for null."""
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(got, bool) or isinstance(expected, bool):
        return bool(expected == got)
    number = _number(expected)
    if isinstance(got, (int, float)) and number is not None:
        return math.isclose(number, got, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return _text(expected) == _text(got)


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(",", "")
    if _PERCENT.match(text):
        return float(Decimal(text.rstrip().rstrip("%")) / 100)  # in decimal: float("93.1") / 100 misses 0.931
    try:
        return float(text)
    except ValueError:
        return None


def _text(value: Any) -> str:
    text = _normalise(value)
    m = _DATE.match(text)
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else text


def _plain(value: Any) -> Any:
    """JSON-friendly: tuples become lists."""
    return list(value) if isinstance(value, tuple) else value


# ================================================================ coverage

def coverage(rulesets: list[Ruleset], hits: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Per ruleset: which bands, flags, vetoes and notifications some passing expectation reached."""
    out = {}
    for ruleset in rulesets:
        reached = {(kind, name) for rid, kind, name in hits if rid == ruleset.id}
        names = _coverable(ruleset)
        out[ruleset.id] = {kind: {"reached": [n for n in names[kind] if (kind, n) in reached],
                                  "missed": [n for n in names[kind] if (kind, n) not in reached]}
                           for kind, _ in COVERAGE_KINDS}
    return out


def _coverable(ruleset: Ruleset) -> dict[str, list[str]]:
    def q(part: Part, name: str) -> str:
        return _qualified(ruleset, part, name)
    parts = ruleset.parts
    return {
        "bands": [q(p, f"{t.name}.{b.id}") for p in parts for t in p.tiers for b in t.bands],
        "flags": [q(p, f.name) for p in parts for f in p.flags],
        "vetoes": [q(p, v.name) for p in parts for v in p.vetoes],
        "notifications": [q(p, n.id) for p in parts for n in p.notifications],
    }


def _qualified(ruleset: Ruleset, part: Part, name: str) -> str:
    # Parts may reuse a name (Jiujiang's websites and accounts both flag "failed"): prefix the part then.
    return f"{part.id}.{name}" if len(ruleset.parts) > 1 else name


# ================================================================ terminal

def render_tests(result: dict[str, Any], console: Console) -> None:
    """The summary line, each failure as expected against got, then coverage per ruleset."""
    console.print(Text(result["summary"], style="bold red" if result["failed"] else "bold green"))
    for case in result["cases"]:
        if not case["passed"]:
            console.print()
            console.print(Text(f"失败  {case['file']}:{case['line']}  {case['name']}", style="bold red"))
            for failure in case["failures"]:
                _render_failure(case, failure, console)
    if result["coverage"]:
        console.print()
        console.print(Text("覆盖（用例的期望测到的分档、标记、否决项、通报措施）", style="bold"))
    for rid, cov in result["coverage"].items():
        console.print(Text(f"  {rid}：{coverage_line(cov)}"))
        for kind, word in COVERAGE_KINDS:
            if cov[kind]["missed"]:
                console.print(Text(f"    未测到的{word}：{'、'.join(cov[kind]['missed'])}", style="yellow"))


def coverage_line(cov: dict[str, Any]) -> str:
    """"分档 5/5、标记 2/2、通报 2/2": kinds the ruleset does not use are left out."""
    items = [f"{word} {len(cov[k]['reached'])}/{len(cov[k]['reached']) + len(cov[k]['missed'])}"
             for k, word in COVERAGE_KINDS if cov[k]["reached"] or cov[k]["missed"]]
    return "、".join(items) if items else "没有分档、标记、否决项或通报措施"


def _render_failure(case: dict[str, Any], failure: dict[str, Any], console: Console) -> None:
    where = case["file"] + (f":{failure['line']}" if failure.get("line") else "") + \
        (f":{failure['column']}" if failure.get("column") else "")
    console.print(Text(f"  {where}  {failure['what']}"))
    console.print(Text(f"    期望：{_shown(failure['expected'])}", style="green"))
    console.print(Text(f"    实际：{_shown(failure['got'])}", style="red"))
    if failure.get("detail"):
        console.print(Text(f"    {failure['detail']}", style="dim"))


def _shown(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(str(x) for x in value) + "]"
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value).replace("\n", "\n          ")
