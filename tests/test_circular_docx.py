"""The DOCX's own XML: the 公文 page, fonts on every run, no theme fonts, page-number fields, annex tables, 版头."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import tongbao
from tongbao.report.circular import build_circular, load_circular
from tongbao.report.docx import to_docx

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx(seed: str, period: dict | None = None) -> dict[str, bytes]:
    ruleset = ROOT / "rulesets" / f"{seed}.yaml"
    verdict = tongbao.evaluate(tongbao.load_ruleset(ruleset), ROOT / "examples" / seed).to_dict()
    data = to_docx(build_circular(load_circular(ruleset), verdict, period or {}))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture(scope="module")
def jiujiang() -> dict[str, bytes]:
    return _docx("jiujiang-wangzhan-2022q2")


def _xml(parts: dict[str, bytes], name: str) -> etree._Element:
    return etree.fromstring(parts[name])


def test_page_is_a4_with_the_gbt9704_margins_and_line_grid(jiujiang: dict[str, bytes]) -> None:
    sect = _xml(jiujiang, "word/document.xml").find(f".//{W}sectPr")
    size, margins, grid = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar"), sect.find(f"{W}docGrid")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    assert [margins.get(f"{W}{k}") for k in ("top", "bottom", "left", "right")] == ["2098", "1984", "1587", "1474"]
    assert (grid.get(f"{W}type"), grid.get(f"{W}linePitch")) == ("lines", "579")


def test_every_run_names_its_east_asian_font_and_no_theme_fonts(jiujiang: dict[str, bytes]) -> None:
    for name, data in jiujiang.items():
        if name.endswith(".xml"):
            assert not re.search(rb'w:(ascii|hAnsi|eastAsia|cs)Theme=', data), name
    runs = [r for name in jiujiang if re.match(r"word/(document|footer\d*)\.xml", name)
            for r in _xml(jiujiang, name).iter(f"{W}r")]
    assert len(runs) > 100
    for r in runs:
        fonts = r.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}eastAsia"), etree.tostring(r, encoding="unicode")[:200]


def test_title_headings_body_fonts_and_sizes(jiujiang: dict[str, bytes]) -> None:
    doc = _xml(jiujiang, "word/document.xml")

    def run_with(text: str) -> etree._Element:
        return next(r for r in doc.iter(f"{W}r") if (r.findtext(f"{W}t") or "").startswith(text))

    def font_and_size(run: etree._Element) -> tuple[str, str]:
        return run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia"), run.find(f"{W}rPr/{W}sz").get(f"{W}val")

    assert font_and_size(run_with("2022年第二季度全市")) == ("方正小标宋简体", "44")  # 2号
    assert font_and_size(run_with("一、总体情况")) == ("黑体", "32")  # 3号 黑体
    assert font_and_size(run_with("（一）政府网站检查情况。")) == ("楷体_GB2312", "32")
    assert font_and_size(run_with("共抽查政府网站57家")) == ("仿宋_GB2312", "32")
    spacing = run_with("共抽查政府网站57家").getparent().find(f"{W}pPr/{W}spacing")
    assert (spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")) == ("579", "exact")


def test_page_numbers_odd_right_even_left(jiujiang: dict[str, bytes]) -> None:
    assert b"evenAndOddHeaders" in jiujiang["word/settings.xml"]
    doc = _xml(jiujiang, "word/document.xml")
    rels = jiujiang["word/_rels/document.xml.rels"].decode()
    for kind, align in (("default", "right"), ("even", "left")):
        ref = next(f for f in doc.iter(f"{W}footerReference") if f.get(f"{W}type") == kind)
        rid = ref.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
        footer = _xml(jiujiang, "word/" + (target.group(1) or target.group(2)))
        assert footer.find(f".//{W}jc").get(f"{W}val") == align
        assert "".join(footer.itertext()).replace(" ", "").startswith("—PAGE")
        assert {f.get(f"{W}eastAsia") for f in footer.iter(f"{W}rFonts")} == {"宋体"}
        assert {s.get(f"{W}val") for s in footer.iter(f"{W}sz")} == {"28"}  # 4号


def test_annex_tables_repeat_their_header_and_set_every_width(jiujiang: dict[str, bytes]) -> None:
    doc = _xml(jiujiang, "word/document.xml")
    tables = doc.findall(f".//{W}tbl")
    assert len(tables) == 3
    for tbl in tables:
        rows = tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
        grid = [int(c.get(f"{W}w")) for c in tbl.findall(f"{W}tblGrid/{W}gridCol")]
        assert sum(grid) == 8844 and all(w > 300 for w in grid)  # the 156 mm type area
        for r in rows:
            assert [int(tc.find(f"{W}tcPr/{W}tcW").get(f"{W}w")) for tc in r.findall(f"{W}tc")] == grid
    assert len(tables[2].findall(f"{W}tr")) == 1 + 67  # one row per unit of annex 3


def test_red_header_from_the_period() -> None:
    parts = _docx("tonggu-ganzhengtong", {"number": "铜政办字〔2022〕12号", "header": {"organ": "铜鼓县人民政府办公室", "red": True}})
    doc = _xml(parts, "word/document.xml")
    organ = next(r for r in doc.iter(f"{W}r") if r.findtext(f"{W}t") == "铜鼓县人民政府办公室")
    assert organ.find(f"{W}rPr/{W}color").get(f"{W}val") == "FF0000"
    number = next(r for r in doc.iter(f"{W}r") if r.findtext(f"{W}t") == "铜政办字〔2022〕12号").getparent()
    assert number.find(f"{W}pPr/{W}pBdr/{W}bottom").get(f"{W}color") == "FF0000"
