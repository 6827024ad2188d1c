"""Workbooks in: the Tonggu annex as an .xlsx (title row, percent cells stored as numbers under a
0.00% format) gives the verdict the CSV gives; bad workbooks get one Chinese message, quickly.

Every workbook here is built in the test with XlsxWriter from examples/tonggu-ganzhengtong/units.csv.
"""
from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

import pytest
import xlsxwriter

import tongbao

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rulesets/tonggu-ganzhengtong.yaml"
MAY = ROOT / "examples/tonggu-ganzhengtong"
PERCENT = ("累计激活率", "活跃率")


def _csv_rows() -> list[list[str]]:
    with open(MAY / "units.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _cell(column: str, text: str) -> Any:
    """As an office's spreadsheet stores the cell: percents as fractions, counts as numbers."""
    if column in PERCENT and text.endswith("%"):
        return float(Decimal(text[:-1]) / 100)
    return int(text) if text.isdigit() else text


def tonggu_xlsx(path: Path, title: bool = True, two_rows: bool = False, edit: dict[tuple[int, int], Any] | None = None) -> Path:
    """The May annex as an office would save it: a merged title row, a blank row, then the header."""
    rows = _csv_rows()
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("附件")
    pct = book.add_format({"num_format": "0.00%"})
    top = 0
    if title:
        sheet.merge_range(0, 0, 0, 5, "附件：“赣政通”各单位使用情况统计表（截至5月10日）")
        top = 2  # row 2 left blank, as annexes often are
    header = rows[0]
    if two_rows:  # 激活与活跃 over its two percent columns, the rest merged down over both rows
        for c, h in enumerate(header):
            if h not in PERCENT:
                sheet.merge_range(top, c, top + 1, c, h)
        sheet.merge_range(top, 3, top, 4, "使用情况")
        sheet.write_row(top + 1, 3, PERCENT)
        top += 1
    else:
        sheet.write_row(top, 0, header)
    for r, row in enumerate(rows[1:], start=top + 1):
        for c, text in enumerate(row):
            value = (edit or {}).get((r, c), _cell(header[c], text))
            if header[c] in PERCENT and isinstance(value, float):
                sheet.write_number(r, c, value, pct)
            else:
                sheet.write(r, c, value)
    book.close()
    return path


def _comparable(verdict: dict[str, Any]) -> Any:
    """Everything but the input's name and hash and the row numbers (a sheet's rows sit below its title)."""
    def strip(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("input", "tables", "line", "file", "sha256")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(verdict)


@pytest.fixture(scope="module")
def rules() -> tongbao.Ruleset:
    return tongbao.load_ruleset(RULES)


def test_the_annex_as_xlsx_gives_the_csvs_verdict(rules: tongbao.Ruleset, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("may")
    tonggu_xlsx(folder / "units.xlsx")
    (folder / "period.yaml").write_bytes((MAY / "period.yaml").read_bytes())
    from_csv = tongbao.evaluate(rules, MAY).to_dict()
    from_xlsx = tongbao.evaluate(rules, folder).to_dict()  # the ruleset names units.csv: units.xlsx stands in for it
    assert _comparable(from_xlsx) == _comparable(from_csv)
    part = from_xlsx["parts"][0]
    bands = {b["id"]: b["units"] for b in part["summary"]["tiers"][0]["bands"]}
    assert bands["below_20"] == ["人民医院"] and len(bands["below_90"]) == 15
    forestry = next(u for u in part["units"] if u["name"] == "林业局")
    assert forestry["fields"]["activity"] == 0.7956 and forestry["line"] == 103  # row 103 of the sheet: title, blank, header
    assert part["tables"] == [{"file": "units.xlsx", "sha256": part["tables"][0]["sha256"], "encoding": None, "rows": 117}]


def test_a_two_row_header_reads_as_parent_and_child(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tonggu_xlsx(tmp_path / "units.xlsx", two_rows=True)
    verdict = tongbao.evaluate(rules, path, period_file=MAY / "period.yaml").to_dict()
    assert _comparable(verdict)["parts"] == _comparable(tongbao.evaluate(rules, MAY / "units.csv").to_dict())["parts"]


def test_a_bad_cell_is_named_by_file_sheet_and_cell(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tonggu_xlsx(tmp_path / "units.xlsx", edit={(13, 4): "九成"})  # 活跃率 of the 11th unit, cell E14
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(rules, path)
    (problem,) = err.value.problems
    assert str(problem).startswith(f"{path} 工作表“附件”单元格 E14，第 14 行，列“活跃率”，值 '九成'：应为百分数")


def _edit_sheet(path: Path, edit: Callable[[bytes], bytes]) -> None:
    """Rewrite the workbook at ``path`` with its first sheet's XML passed through ``edit``."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            body = zin.read(name)
            zout.writestr(name, edit(body) if name == "xl/worksheets/sheet1.xml" else body)


def _uncalculated_formula(body: bytes) -> bytes:
    """C4 (the first unit's 累计注册人数) becomes =1+1, saved without a computed value."""
    head, _, rest = body.partition(b'<c r="C4"')
    return head + b'<c r="C4"><f>1+1</f></c>' + rest.split(b"</c>", 1)[1]


def test_a_formula_without_its_value_is_a_data_error_naming_the_cell(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    tonggu_xlsx(path)
    _edit_sheet(path, _uncalculated_formula)
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(rules, path)
    assert "工作表“附件”单元格 C4" in str(err.value) and "没有保存计算结果" in str(err.value)


def _refused(rules: tongbao.Ruleset, path: Path) -> str:
    start = time.perf_counter()
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(rules, path)
    assert time.perf_counter() - start < 1.0  # refused before any real work
    assert len(err.value.problems) == 1
    return str(err.value)


def test_a_wps_et_file_is_named_for_what_it_is(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "units.et"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 512)
    assert "这是 WPS 表格的 .et 文件" in _refused(rules, path)


def test_a_renamed_csv_is_not_a_workbook(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    path.write_bytes((MAY / "units.csv").read_bytes())
    assert "内容不是工作簿（看起来是文本，可能是 CSV）" in _refused(rules, path)


def test_an_xlsx_saved_as_csv_is_read_as_the_workbook_it_is(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    tonggu_xlsx(tmp_path / "book.xlsx")
    (tmp_path / "units.csv").write_bytes((tmp_path / "book.xlsx").read_bytes())
    verdict = tongbao.evaluate(rules, tmp_path / "units.csv").to_dict()
    assert verdict["parts"][0]["summary"]["units"] == 117


def test_a_zip_bomb_is_refused_before_it_is_opened(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tonggu_xlsx(tmp_path / "units.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/padding.bin", b"\0" * 50_000_000)  # 50 MB of zeros deflate to ~50 KB
    assert "像是压缩炸弹" in _refused(rules, path)


def test_a_far_cell_is_refused_before_calamine_allocates_the_grid(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tmp_path / "units.xlsx"
    tonggu_xlsx(path)
    # one stray cell at the sheet's far corner
    _edit_sheet(path, lambda body: body.replace(b"</sheetData>",
                                                b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))
    assert "使用范围到了 XFD1048576" in _refused(rules, path)


def _damage_entry(path: Path, entry: bytes, damage: Callable[[bytearray, int, int], None]) -> None:
    """Edit the workbook's bytes in place: ``damage(data, central, local)`` gets the offsets of ``entry``'s
    central-directory record and local header (what a cut download or a bad disk leaves)."""
    data = bytearray(path.read_bytes())
    central = next(i for i in _all(data, b"PK\x01\x02") if data[i + 46:i + 46 + len(entry)] == entry)
    local = next(i for i in _all(data, b"PK\x03\x04") if data[i + 30:i + 30 + len(entry)] == entry)
    damage(data, central, local)
    path.write_bytes(bytes(data))


def _all(data: bytearray, sign: bytes) -> list[int]:
    found, at = [], data.find(sign)
    while at >= 0:
        found.append(at)
        at = data.find(sign, at + 1)
    return found


def _scrambled_deflate(data: bytearray, central: int, local: int) -> None:
    start = local + 30 + int.from_bytes(data[local + 26:local + 28], "little") + int.from_bytes(data[local + 28:local + 30], "little")
    size = int.from_bytes(data[central + 20:central + 24], "little")
    data[start + size // 2:start + size // 2 + 16] = b"\xff" * 16  # the middle of the compressed sheet


def _newer_zip_version(data: bytearray, central: int, local: int) -> None:
    data[central + 6:central + 8] = (221).to_bytes(2, "little")  # "version needed to extract": 22.1


def _patched_data_flag(data: bytearray, central: int, local: int) -> None:
    data[central + 8] |= 0x20  # general-purpose flag bit 5 (compressed patched data): zipfile cannot read it


@pytest.mark.parametrize("damage, words", [
    (_scrambled_deflate, "工作簿已损坏，读到一半出错"),
    (_patched_data_flag, "工作簿已损坏，读到一半出错（NotImplementedError）"),
    (_newer_zip_version, "文件以 zip 开头却打不开"),
])
def test_a_damaged_workbook_is_a_data_error_not_a_crash(rules: tongbao.Ruleset, tmp_path: Path, damage: Any, words: str) -> None:
    """Found by fuzzing workbooks (13 of 60 mutated files stopped with exit 3): the zip and deflate
    readers' own errors are told as a damaged file, naming it."""
    path = tonggu_xlsx(tmp_path / "units.xlsx")
    _damage_entry(path, b"xl/worksheets/sheet1.xml", damage)
    message = _refused(rules, path)
    assert message.startswith(str(path)) and words in message and "重新导出" in message


def test_an_infinite_number_in_a_percent_cell_is_named_by_its_cell(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    """1e999 in the sheet's XML reads as infinity: the builder refuses it by cell, not as a damaged file."""
    path = tonggu_xlsx(tmp_path / "units.xlsx")
    _edit_sheet(path, lambda body: re.sub(rb'(<c r="E4"[^>]*><v>)[^<]*', rb"\g<1>1e999", body, count=1))
    message = _refused(rules, path)
    assert message.startswith(f"{path} 工作表“附件”单元格 E4，第 4 行，列“活跃率”，值 'inf'：应为百分数")


def test_a_huge_number_in_a_percent_cell_is_too_large_not_a_damaged_file(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    """1e30 under 0.00% needs more than Decimal's default 28 digits (found by review: told as damaged)."""
    path = tonggu_xlsx(tmp_path / "units.xlsx")
    _edit_sheet(path, lambda body: re.sub(rb'(<c r="E4"[^>]*><v>)[^<]*', rb"\g<1>1e30", body, count=1))
    message = _refused(rules, path)
    assert message.startswith(f"{path} 工作表“附件”单元格 E4，第 4 行，列“活跃率”，值 '1{'0' * 32}.00%'：数值过大")


def test_a_missing_sheet_lists_the_sheets(tmp_path: Path) -> None:
    text = RULES.read_text(encoding="utf-8").replace("  file: units.csv\n", "  file: units.csv\n  sheet: 附件2\n")
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    tonggu_xlsx(tmp_path / "units.xlsx")
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), tmp_path / "units.xlsx")
    assert "没有名为“附件2”的工作表。工作簿里有：附件" in str(err.value)


def test_cli_reads_a_workbook(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tonggu_xlsx(tmp_path / "六月.xlsx")
    out = subprocess.run([sys.executable, "-m", "tongbao", "evaluate", str(RULES), str(path), "-f", "json"],
                         cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr
    assert '"file": "六月.xlsx"' in out.stdout


def test_a_bogus_dimension_alone_reads_normally(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tonggu_xlsx(tmp_path / "units.xlsx")
    def claim_everything(body: bytes) -> bytes:  # the sheet claims every row and column; its cells are the annex's
        body = body.replace(b'<dimension ref="A1:F120"/>', b'<dimension ref="A1:XFD1048576"/>')
        assert b"XFD1048576" in body
        return body
    _edit_sheet(path, claim_everything)
    start = time.perf_counter()
    assert tongbao.evaluate(rules, path).to_dict()["parts"][0]["summary"]["units"] == 117
    assert time.perf_counter() - start < 1.0


def test_the_named_sheet_is_read_and_others_are_not(tmp_path: Path) -> None:
    text = RULES.read_text(encoding="utf-8").replace("  file: units.csv\n", "  file: units.csv\n  sheet: 五月\n")
    (tmp_path / "r.yaml").write_text(text, encoding="utf-8")
    book = xlsxwriter.Workbook(str(tmp_path / "units.xlsx"))
    rows, pct = _csv_rows(), book.add_format({"num_format": "0.00%"})
    for sheet_name, activity in (("四月", 0.5), ("五月", 0.9556)):
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, rows[0])
        sheet.write_row(1, 0, [1, "县委办", 28, "100%"])
        sheet.write_number(1, 4, activity, pct)
        sheet.write_number(1, 5, 7)
    book.close()
    verdict = tongbao.evaluate(tongbao.load_ruleset(tmp_path / "r.yaml"), tmp_path / "units.xlsx").to_dict()
    assert verdict["parts"][0]["units"][0]["fields"]["activity"] == 0.9556


def test_a_fraction_without_a_percent_format_is_not_a_percent(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    """As in a CSV, where the cell would read 0.9556: the message names the cell and what to write."""
    path = tonggu_xlsx(tmp_path / "units.xlsx", edit={(3, 4): "0.9556"})
    with pytest.raises(tongbao.DataError) as err:
        tongbao.evaluate(rules, path)
    assert "单元格 E4，第 4 行，列“活跃率”，值 '0.9556'：应为百分数" in str(err.value)


@pytest.mark.parametrize("value, fmt, text", [
    (0.8232, ("percent", 2), "82.32%"), (0.82325, ("percent", 2), "82.33%"), (1, ("percent", 0), "100%"),
    (12.0, None, "12"), (3.8, ("fixed", 2), "3.80"), (0.1 + 0.2, None, "0.30000000000000004"), (-0.005, ("percent", 1), "-0.5%"),
    # beyond the default 28 digits of Decimal (the builder then says "too large", by cell); NaN as before
    (1e30, ("percent", 2), "1" + "0" * 32 + ".00%"), (1e300, ("fixed", 1), "1" + "0" * 300 + ".0"),
    (-1.5e308, ("percent", 0), "-15" + "0" * 309 + "%"), (float("nan"), ("percent", 2), "NaN%"), (float("-inf"), ("percent", 2), "-inf"),
])
def test_numbers_read_as_the_sheet_shows_them(value: float, fmt: Any, text: str) -> None:
    from tongbao.data.workbook import _number

    assert _number(value, fmt) == text


@pytest.mark.parametrize("code, kind", [
    ("0.00%", ("percent", 2)), ("0%", ("percent", 0)), ("#,##0.0", ("fixed", 1)), ('[Red]0.00%;"-"', ("percent", 2)),
    ("General", None), ("yyyy-mm-dd", None), ("@", None), ("0." + "0" * 40, ("fixed", 30)),  # Excel's most decimals
])
def test_number_formats_that_change_a_cells_text(code: str, kind: Any) -> None:
    from tongbao.data.workbook import _format_kind

    assert _format_kind(code) == kind


def test_numbers_stored_as_text_parse_as_csv_cells_do(rules: tongbao.Ruleset, tmp_path: Path) -> None:
    path = tonggu_xlsx(tmp_path / "units.xlsx", edit={(3, 2): "1,028", (3, 4): "１００％"})  # 县委办: text cells
    unit = tongbao.evaluate(rules, path).to_dict()["parts"][0]["units"][0]
    assert (unit["name"], unit["fields"]["registered"], unit["fields"]["activity"]) == ("县委办", 1028, 1.0)


@pytest.mark.parametrize("value, text", [
    (__import__("datetime").datetime(2022, 5, 13), "2022-05-13"), (__import__("datetime").date(2023, 8, 2), "2023-08-02"),
    (__import__("datetime").datetime(2022, 5, 13, 8, 30), "2022-05-13 08:30:00"), (True, "TRUE"), ("  甲 ", "甲"),
])
def test_dates_and_other_cells_as_csv_text(value: Any, text: str) -> None:
    from tongbao.data.workbook import _Scan, _text

    assert _text(value, _Scan(), (0, 0), "u.xlsx", "S") == text
