"""The WordprocessingML python-docx has no API for: East Asian fonts, the 公文 page grid, PAGE fields, borders.

GB/T 9704-2012 in Word units (twips, 1/20 pt): A4; margins top 2098, bottom 1984,
left 1587, right 1474 (37/35/28/26 mm), which leaves a 156 × 225 mm type area;
22 lines at an exact 579 twips (28.95 pt) and 28 characters of 3号 (16 pt) per line,
which needs a character pitch of at most 156 mm / 28 = 15.79 pt.

The line grid is a ``docGrid`` of type ``lines``. The character grid is not: Word
squeezes 16 pt glyphs into a 15.79 pt ``linesAndChars`` cell, but LibreOffice (and
so the layout test) gives a glyph wider than its cell two cells, i.e. 14 characters a
line. Condensing every body run by 0.25 pt (``w:spacing -5``, a 15.75 pt pitch) gives
28 characters a line in Word, WPS and LibreOffice alike.
"""
from __future__ import annotations

from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

MM = 36000  # EMU per millimetre
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINE_PITCH = 579  # twips: 22 lines in the 225 mm type area
CONDENSE = -5  # twips per character: 16 pt glyphs at a 15.75 pt pitch, 28 in 156 mm
BODY_PT = 16  # 3号
TYPE_WIDTH_TWIPS = round((PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]) / 25.4 * 1440)

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
FAMILIES = (FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI)


def set_fonts(rpr_parent: Any, family: str) -> None:
    """Name ``family`` for every script on a run or style, drop theme fonts (WPS then asks for nothing)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme}") or "theme" in attr.lower():
            del fonts.attrib[attr]
    for script in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{script}"), family)
    fonts.set(qn("w:hint"), "eastAsia")


def strip_theme_fonts(styles_element: Any) -> None:
    """Remove every theme font reference from styles.xml (docDefaults and each style)."""
    for fonts in styles_element.iter(qn("w:rFonts")):
        for attr in list(fonts.attrib):
            if "theme" in attr.lower():
                del fonts.attrib[attr]
        for script in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{script}"), FANGSONG)
    for lang in styles_element.iter(qn("w:lang")):
        lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese glyph forms and line breaking


def doc_grid(section: Any) -> None:
    """The 22-line grid on a section (characters: see ``condense``)."""
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))


def condense(run: Any, twips: int = CONDENSE) -> None:
    """Character spacing on a run: the 28-character line (see the module docstring)."""
    rpr = run._r.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twips))
    rpr.append(spacing)


def page_number_field(paragraph: Any) -> list[Any]:
    """Append a PAGE field to ``paragraph``; return its runs so the caller can set fonts."""
    runs = []
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
        runs.append(run)
    return runs


def bottom_border(paragraph: Any, color: str = "FF0000", size_eighths: int = 12) -> None:
    """A rule under the paragraph (the red line under the 版头), kept on the line grid: LibreOffice
    adds about twice the rule's width below the line (measured: 64 twips for a 1.5 pt rule), so that
    much comes off the paragraph's exact height and the lines after it stay on the 28.95 pt grid."""
    from docx.shared import Twips

    paragraph.paragraph_format.line_spacing = Twips(LINE_PITCH - 64 * size_eighths // 12)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", str(size_eighths)), ("space", "0"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def indent_chars(paragraph: Any, first: int = 0, left: int = 0, right: int = 0) -> None:
    """Indents in characters (w:*Chars, hundredths), with twips beside them for readers that ignore Chars."""
    ppr = paragraph._p.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    for key, chars in (("firstLine", first), ("left", left), ("right", right)):
        if chars:
            ind.set(qn(f"w:{key}Chars"), str(chars * 100))
            ind.set(qn(f"w:{key}"), str(chars * BODY_PT * 20))


def repeat_header(row: Any) -> None:
    """Repeat this table row at the top of every page the table runs onto; never split it."""
    tr_pr = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


def table_widths(table: Any, widths: list[int]) -> None:
    """Fixed layout: the width of the table, of each grid column and of every cell, in twips."""
    tbl_pr = table._tbl.tblPr
    for tag, attrs in (("w:tblW", {"w": str(sum(widths)), "type": "dxa"}), ("w:tblLayout", {"type": "fixed"})):
        el = tbl_pr.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            tbl_pr.append(el)
        for k, v in attrs.items():
            el.set(qn(f"w:{k}"), v)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            tc_pr = cell._tc.get_or_add_tcPr()
            tcw = tc_pr.find(qn("w:tcW"))
            if tcw is None:
                tcw = OxmlElement("w:tcW")
                tc_pr.insert(0, tcw)
            tcw.set(qn("w:w"), str(width))
            tcw.set(qn("w:type"), "dxa")


def no_grid_snap(paragraph: Any) -> None:
    """Lay the paragraph by its own exact line height, not by the document grid: LibreOffice gives
    a line taller than the grid pitch (the 22 pt title) two grid lines, and a ruled paragraph more."""
    ppr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    ppr.insert(0, snap)
