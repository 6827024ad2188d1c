"""The annex workbook (evaluate -o 附件.xlsx): one row per unit in table order, bands filled, figures, warnings, no formulas."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

import tongbao
from tongbao.report.annex import to_xlsx

ROOT = Path(__file__).resolve().parent.parent
TONGGU = ROOT / "rulesets" / "tonggu-ganzhengtong.yaml"
TONGGU_DATA = ROOT / "examples" / "tonggu-ganzhengtong"


def _book(tmp_path: Path, verdict: dict) -> object:
    path = tmp_path / "附件.xlsx"
    path.write_bytes(to_xlsx(verdict))
    return load_workbook(path)


def test_one_row_per_unit_in_table_order_with_bands(tmp_path: Path) -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(TONGGU), TONGGU_DATA).to_dict()
    wb = _book(tmp_path, verdict)
    assert wb.sheetnames == ["关于全县赣政通使用情况的督查通报", "汇总", "提示"]
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["序号", "单位", "累计注册人数", "累计激活率", "活跃率", "活跃工作群数"]
    units = verdict["parts"][0]["units"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == [u["name"] for u in units] and len(rows) == 117
    band = header.index("活跃率分档")
    assert all(r[band] for r in rows)  # every unit's band written
    last = rows[-1]  # 人民医院, 15.72%
    assert last[1] == "人民医院" and last[band] == "活跃率低于20%的单位" and abs(last[4] - 0.1572) < 1e-9
    assert ws.cell(row=len(rows) + 1, column=5).number_format == "0.00%"
    assert ws.cell(row=len(rows) + 1, column=band + 1).fill.fgColor.rgb.endswith("F4B084")  # severity 4
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.column_dimensions["B"].width >= 18  # 中石化铜鼓分公司: 16 display columns
    notes = header.index("通报")
    assert rows[16][notes].startswith("通报批评：农业银行累计激活率75.00%")


def test_summary_and_warnings_sheets(tmp_path: Path) -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(TONGGU), TONGGU_DATA).to_dict()
    wb = _book(tmp_path, verdict)
    summary = list(wb["汇总"].iter_rows(min_row=2, values_only=True))
    assert ("关于全县赣政通使用情况的督查通报", "全县注册人数", "全部", "5001", "4919", "不一致") in summary
    warnings = [r[1] for r in wb["提示"].iter_rows(min_row=2, values_only=True)]
    assert "通报公布的“全县注册人数”为 4919，按表格计算为 5001。" in warnings


@pytest.mark.parametrize("name", ["=1+1", "@SUM(A1)", "+1", "-2", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_formula_injection_is_written_as_text(tmp_path: Path, name: str) -> None:
    data = tmp_path / "data"
    shutil.copytree(TONGGU_DATA, data)
    csv = data / "units.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[1] = '"' + name.replace('"', '""') + '"'
    lines[1] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdict = tongbao.evaluate(tongbao.load_ruleset(TONGGU), data).to_dict()
    assert verdict["parts"][0]["units"][0]["name"] == name.strip() or name[0] in "\t\r"
    wb = _book(tmp_path, verdict)
    cell = wb.worksheets[0]["B2"]
    assert cell.data_type == "s" and isinstance(cell.value, str)
    assert cell.value == verdict["parts"][0]["units"][0]["name"]
    if cell.value.startswith(("=", "+", "-", "@")):
        assert cell.quotePrefix  # editing the cell in Excel keeps it text


def test_nul_and_control_characters_do_not_break_the_file(tmp_path: Path) -> None:
    verdict = tongbao.evaluate(tongbao.load_ruleset(TONGGU), TONGGU_DATA).to_dict()
    verdict["parts"][0]["units"][0]["name"] = "\x00=1+1\x07"
    wb = _book(tmp_path, verdict)
    assert wb.worksheets[0]["B2"].value == "\ufffd=1+1\ufffd"


def test_evaluate_writes_xlsx_from_the_suffix_and_refuses_xlsx_to_the_screen(cli, tmp_path: Path) -> None:
    out = tmp_path / "附件.xlsx"
    res = cli.run("evaluate", TONGGU, TONGGU_DATA, "-o", out)
    assert res.returncode == 0, res.stderr
    assert load_workbook(out).sheetnames[1:] == ["汇总", "提示"]
    cli.fail("evaluate", TONGGU, TONGGU_DATA, "-f", "xlsx", contains=("-o 附件.xlsx",))


def test_an_annex_that_cannot_be_written_leaves_nothing_behind(cli, tmp_path: Path) -> None:
    inputs = (TONGGU, TONGGU_DATA / "units.csv", TONGGU_DATA / "period.yaml")
    missing = tmp_path / "无此文件夹" / "附件.xlsx"
    cli.fail("evaluate", TONGGU, TONGGU_DATA, "-o", missing, inputs=inputs, contains=("不存在",))
    assert not missing.parent.exists()
    folder = tmp_path / "附件.xlsx"
    folder.mkdir()
    cli.fail("evaluate", TONGGU, TONGGU_DATA, "-o", folder, inputs=inputs, contains=("文件夹",))
    assert list(folder.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["_tmpdir", "附件.xlsx"]
    wrong = tmp_path / "附件.json"  # -f xlsx to a name that does not say xlsx: refused before anything is written
    cli.fail("evaluate", TONGGU, TONGGU_DATA, "-f", "xlsx", "-o", wrong, out=wrong, inputs=inputs, contains=("以 .xlsx 结尾",))


def test_every_seed_writes_an_annex_workbook(tmp_path: Path) -> None:
    for seed in ("yanjiang-xinxi-2020q3", "jiujiang-wangzhan-2022q2", "ganzhou-jiance-2023-08", "ganzhou-gongkai-2022-07"):
        verdict = tongbao.evaluate(tongbao.load_ruleset(ROOT / "rulesets" / f"{seed}.yaml"), ROOT / "examples" / seed).to_dict()
        wb = _book(tmp_path, verdict)
        assert len(wb.sheetnames) == len(verdict["parts"]) + 2
        for ws, part in zip(wb.worksheets, verdict["parts"]):
            assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == [u["name"] for u in part["units"]]
