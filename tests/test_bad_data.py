"""A wrong unit table gets one clear message: file, 第 N 行, 列“…”, the value, the fix.

Each case edits a copy of the Tonggu units.csv; line numbers are computed from
the edited text. GBK / GB18030 files are not errors: they must read exactly
like the UTF-8 file.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

import tongbao

TONGGU_RULESET = Path(__file__).resolve().parent.parent / "rulesets" / "tonggu-ganzhengtong.yaml"


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"fixture edit is ambiguous or stale: {old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, prefix: str) -> int:
    """1-based line of the only line starting with ``prefix``."""
    hits = [i + 1 for i, line in enumerate(text.split("\n")) if line.startswith(prefix)]
    assert len(hits) == 1, (prefix, hits)
    return hits[0]


HEADER = "序号,单位,累计注册人数,累计激活率,活跃率,活跃工作群数\n"


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[str], bytes]  # Tonggu CSV text -> file bytes
    line: Callable[[str], int] | None  # edited text -> the line the message must name
    column: str | None
    value: str | None
    parts: tuple[str, ...]
    more: Callable[[str], tuple[str, ...]] = field(default=lambda text: ())


def edit(old: str, new: str) -> Callable[[str], bytes]:
    return lambda text: replace_once(text, old, new).encode("utf-8")


CASES = [
    Case("missing-column", lambda t: replace_once(t, HEADER, HEADER.replace("活跃率,", "活跃度,")).encode(),
         lambda t: 1, "活跃率", None,
         ("是否是“活跃度”", "序号、单位、累计注册人数、累计激活率、活跃度、活跃工作群数")),
    Case("abc-in-integer", edit("4,编委办,6,", "4,编委办,abc,"), lambda t: line_of(t, "4,编委办,"),
         "累计注册人数", "abc", ("应为整数",)),
    Case("abc-in-percent", edit("4,编委办,6,100%,", "4,编委办,6,abc,"), lambda t: line_of(t, "4,编委办,"),
         "累计激活率", "abc", ("应为百分数", "95.83%")),
    Case("percent-over-max", edit("4,编委办,6,100%,100.00%,", "4,编委办,6,100%,100.50%,"),
         lambda t: line_of(t, "4,编委办,"), "活跃率", "100.50%", ("不大于 100%",)),
    Case("percent-without-sign", edit("4,编委办,6,100%,100.00%,", "4,编委办,6,100%,0.95,"),
         lambda t: line_of(t, "4,编委办,"), "活跃率", "0.95", ("应为百分数", "%")),
    Case("duplicate-unit", edit("5,巡察办,", "5,编委办,"), lambda t: line_of(t, "5,编委办,"),
         "单位", "编委办", ("重复",), lambda t: (f"第 {line_of(t, '4,编委办,')} 行",)),
    Case("unterminated-quote", edit("4,编委办,", '4,"编委办,'), lambda t: line_of(t, '4,"编委办'),
         None, None, ("引号",)),
    Case("nul-byte", edit("4,编委办,", "4,编委\x00办,"), lambda t: line_of(t, "4,编委"), None, None, ("NUL",)),
    Case("duplicate-header", lambda t: replace_once(t, HEADER, HEADER.replace("活跃工作群数", "活跃率")).encode(),
         lambda t: 1, "活跃率", None, ("出现了两次", "第 5 列", "第 6 列")),
    Case("header-only", lambda t: HEADER.encode(), None, None, None, ("只有表头",)),
    Case("empty-file", lambda t: b"", None, None, None, ("空",)),
    Case("blank-lines-only", lambda t: b"\r\n  \r\n", None, None, None, ("空",)),
    Case("neither-utf8-nor-gbk", lambda t: b"\xff\xfe\x00\x81" * 64, None, None, None,
         ("UTF-8", "GB", "--encoding")),
]
IDS = [c.id for c in CASES]


@dataclass(frozen=True)
class Expected:
    file: Path
    line: int | None
    column: str | None
    value: str | None
    parts: tuple[str, ...]

    def substrings(self, shown: str | Path) -> list[str]:
        out = [str(shown), *self.parts]
        if self.line is not None:
            out.append(f"第 {self.line} 行")
        if self.column is not None:
            out.append(f"列“{self.column}”")
        if self.value is not None:
            out.append(self.value)
        return out


def make(case: Case, units_text: str, folder: Path) -> Expected:
    raw = case.build(units_text)
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "units.csv"
    file.write_bytes(raw)
    text = raw.decode("utf-8", errors="replace")
    return Expected(file, case.line(text) if case.line else None, case.column, case.value, case.parts + case.more(text))


@pytest.fixture(scope="module")
def rules() -> tongbao.Ruleset:
    return tongbao.load_ruleset(TONGGU_RULESET)


@pytest.fixture
def ruleset_copy(tonggu_ruleset_text: str, tmp_path: Path) -> Path:
    path = tmp_path / "rules" / "ruleset.yaml"
    path.parent.mkdir()
    path.write_text(tonggu_ruleset_text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_api_names_file_line_column_value(case: Case, rules, tonggu_units_text: str, tmp_path: Path, snapshot) -> None:
    exp = make(case, tonggu_units_text, tmp_path)
    snap = snapshot(exp.file)
    with pytest.raises(tongbao.DataError) as info:
        tongbao.evaluate(rules, exp.file)
    snap.assert_unchanged()
    assert len(info.value.problems) == 1, str(info.value)
    first = info.value.problems[0]
    assert first.file == str(exp.file)
    # Where the case names no line/column/value, naming one anyway is fine.
    for attr in ("line", "column", "value"):
        if getattr(exp, attr) is not None:
            assert getattr(first, attr) == getattr(exp, attr), f"{attr}: {info.value}"
    message = str(info.value)
    for part in exp.substrings(exp.file):
        assert part in message, f"{part!r} not in:\n{message}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cli_evaluate_writes_nothing(case: Case, ruleset_copy: Path, tonggu_units_text: str, tmp_path: Path, cli) -> None:
    exp = make(case, tonggu_units_text, tmp_path / "data")
    out = tmp_path / "out" / "verdict.json"
    out.parent.mkdir()
    res = cli.fail("evaluate", ruleset_copy, exp.file, "-o", out, inputs=(ruleset_copy, exp.file), out=out,
                   contains=tuple(exp.substrings(exp.file)))
    assert res.stderr.startswith("错误：")
    assert not out.exists()


# ---------------------------------------------------------------- --encoding

@pytest.mark.parametrize("encoding, parts", [
    ("nonsense", ("“nonsense”", "utf-8", "gb18030")),
    ("utf-8", ("utf-8", "--encoding")),  # a GBK file forced to UTF-8 cannot decode
], ids=["unknown-name", "wrong-for-file"])
def test_encoding_option_errors(encoding: str, parts: tuple[str, ...], rules, ruleset_copy: Path,
                                tonggu_units_text: str, tmp_path: Path, cli) -> None:
    data = tmp_path / "data" / "units.csv"
    data.parent.mkdir()
    data.write_bytes(tonggu_units_text.encode("gbk"))
    with pytest.raises(tongbao.DataError) as info:
        tongbao.evaluate(rules, data, encoding=encoding)
    for part in (str(data), *parts):
        assert part in str(info.value)
    out = tmp_path / "out" / "verdict.json"
    out.parent.mkdir()
    cli.fail("evaluate", ruleset_copy, data, "--encoding", encoding, "-o", out,
             inputs=(ruleset_copy, data), out=out, contains=(str(data), *parts))


# ---------------------------------------------------------------- Chinese encodings are read, not rejected

def comparable(verdict):
    """The verdict without what legitimately differs between two copies of one table:
    where the file is, its hash and its encoding."""
    if isinstance(verdict, dict):
        return {k: comparable(v) for k, v in verdict.items() if k not in ("file", "sha256", "encoding")}
    if isinstance(verdict, list):
        return [comparable(v) for v in verdict]
    return verdict


def units_first(text: str) -> str:
    """The same table with 单位 as the first column, so a BOM stuck to the header would break it."""
    rows = list(csv.reader(io.StringIO(text)))
    return "".join(",".join([r[1], r[0], *r[2:]]) + "\n" for r in rows)


ENCODED = [
    ("gbk", lambda t: t.encode("gbk"), "gb18030"),
    ("gb18030", lambda t: t.encode("gb18030"), "gb18030"),
    ("utf8-bom-then-gb18030", lambda t: codecs.BOM_UTF8 + t.encode("gb18030"), "gb18030"),
    ("gb18030-bom", lambda t: "\ufeff".encode("gb18030") + t.encode("gb18030"), "gb18030"),
    ("gb18030-bom-units-first", lambda t: "\ufeff".encode("gb18030") + units_first(t).encode("gb18030"), "gb18030"),
    ("utf8-bom", lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    ("utf8-bom-units-first", lambda t: codecs.BOM_UTF8 + units_first(t).encode("utf-8"), "utf-8-sig"),
]


@pytest.mark.parametrize("name, encode, expected", ENCODED, ids=[e[0] for e in ENCODED])
def test_chinese_encodings_read_like_utf8(name: str, encode, expected: str, rules, tonggu_units_text: str,
                                         tmp_path: Path, snapshot) -> None:
    baseline = tmp_path / "utf8" / "units.csv"
    baseline.parent.mkdir()
    baseline.write_text(tonggu_units_text, encoding="utf-8")
    data = tmp_path / name / "units.csv"
    data.parent.mkdir()
    data.write_bytes(encode(tonggu_units_text))
    snap = snapshot(data)
    want = tongbao.evaluate(rules, baseline).to_dict()
    got = tongbao.evaluate(rules, data).to_dict()
    snap.assert_unchanged()
    assert got["input"]["tables"][0]["encoding"] == expected
    assert got["input"]["tables"][0]["rows"] == 117
    assert comparable(got) == comparable(want)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_cli_reads_gbk_like_utf8(encoding: str, ruleset_copy: Path, tonggu_units_text: str, tmp_path: Path, cli, snapshot) -> None:
    utf8 = tmp_path / "utf8" / "units.csv"
    utf8.parent.mkdir()
    utf8.write_text(tonggu_units_text, encoding="utf-8")
    data = tmp_path / encoding / "units.csv"
    data.parent.mkdir()
    data.write_bytes(tonggu_units_text.encode(encoding))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    snap = snapshot(ruleset_copy, data)
    results = {}
    for key, path in (("utf8", utf8), ("chinese", data)):
        out = out_dir / f"{key}.json"
        res = cli.run("evaluate", ruleset_copy, path, "-f", "json", "-o", out)
        assert res.returncode == 0, res.stderr
        assert "Traceback" not in res.stderr
        results[key] = json.loads(out.read_text(encoding="utf-8"))
    snap.assert_unchanged()
    assert sorted(p.name for p in out_dir.iterdir()) == ["chinese.json", "utf8.json"]  # no temp files left
    assert results["chinese"]["input"]["tables"][0]["encoding"] == "gb18030"
    assert comparable(results["chinese"]) == comparable(results["utf8"])
