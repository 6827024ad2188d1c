"""The circular as a Word document in 公文 layout (GB/T 9704-2012), written with python-docx.

Title 2号 方正小标宋简体 centred; body 3号 仿宋_GB2312, two characters indented, on the
22 × 28 grid at an exact 28.95 pt; level-1 headings 黑体, level-2 楷体_GB2312; page
numbers "— 1 —" in 4号 宋体 at the outer corners (odd pages right, even pages left);
every run names its East Asian font; annexes start on a new page, their table's
header row repeats on every page. The page measures live in docx_xml.py.
"""
from __future__ import annotations

import io
import re
from typing import Any

from .annex_table import AnnexTable
from .circular import Circular

TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四: annex tables hold many columns
STYLE_FONT = {"body": "FANGSONG", "h1": "HEITI", "h2": "KAITI", "h3": "FANGSONG"}


def to_docx(doc: Circular) -> bytes:
    """The whole .docx as bytes (the caller writes it atomically)."""
    from docx import Document

    from . import docx_xml as x

    document = Document()
    x.strip_theme_fonts(document.styles.element)
    _page_setup(document)
    writer = _Writer(document)
    writer.front(doc)
    writer.body(doc)
    for annex in doc.annexes:
        writer.annex(annex)
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/word/stylesWithEffects.xml":  # the Word 2010 copy of the styles
            part._blob = re.sub(rb'\s*w:(ascii|hAnsi|eastAsia|cs)(Theme|theme)="[^"]*"', b"", part.blob)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _page_setup(document: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Emu, Pt

    from . import docx_xml as x

    normal = document.styles["Normal"]
    normal.font.size = Pt(x.BODY_PT)
    x.set_fonts(normal.element, x.FANGSONG)
    section = document.sections[0]
    section.page_width, section.page_height = Emu(x.PAGE_MM[0] * x.MM), Emu(x.PAGE_MM[1] * x.MM)
    for side, mm in x.MARGINS_MM.items():
        setattr(section, f"{side}_margin", Emu(mm * x.MM))
    section.footer_distance = Emu(25 * x.MM)  # the number sits about 7 mm below the type area
    section.header_distance = Emu(15 * x.MM)
    x.doc_grid(section)
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
                                (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left")):
        p = footer.paragraphs[0]
        p.alignment = align
        x.indent_chars(p, **{side: 1})  # 一字 from the outer edge of the type area
        runs = [p.add_run("— ")] + x.page_number_field(p) + [p.add_run(" —")]
        for run in runs:
            run.font.size = Pt(PAGE_NUMBER_PT)
            x.set_fonts(run._r, x.SONGTI)


class _Writer:
    def __init__(self, document: Any) -> None:
        from . import docx_xml as x

        self.document = document
        self.x = x

    def paragraph(self, runs: list[tuple[str, str]], align: str = "justify", first: int = 2, size: int = 16,
                  left: int = 0, right: int = 0) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Pt, Twips

        p = self.document.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(self.x.LINE_PITCH)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False  # widow control would pull lines to the next page and break the 22-line page
        p.alignment = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
                       "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
        self.x.indent_chars(p, first=first, left=left, right=right)
        self.x.no_grid_snap(p)  # the exact 28.95 pt makes the 22 lines; snapping would give a 22 pt line two
        for text, style in runs:
            self.run(p, text, getattr(self.x, STYLE_FONT.get(style, style)), size)
        return p

    def run(self, p: Any, text: str, family: str, size: int, color: str | None = None) -> Any:
        from docx.shared import Pt, RGBColor

        run = p.add_run(text)
        run.font.size = Pt(size)
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        self.x.set_fonts(run._r, family)
        if size == self.x.BODY_PT:
            self.x.condense(run)
        return run

    def blank(self) -> None:
        self.paragraph([], first=0)

    def front(self, doc: Circular) -> None:
        x = self.x
        header = doc.header or {}
        if header.get("organ"):
            red = "FF0000" if header.get("red", True) else None
            p = self.paragraph([], align="center", first=0)
            self.run(p, str(header["organ"]), x.XIAOBIAOSONG, TITLE_PT, red)
            self.blank()
        if doc.number:
            p = self.paragraph([(doc.number, "body")], align="center", first=0)
            if header.get("organ"):
                x.bottom_border(p, "FF0000" if header.get("red", True) else "000000")
            self.blank()
        self.paragraph([(doc.title, "XIAOBIAOSONG")], align="center", first=0, size=TITLE_PT)
        self.blank()
        if doc.recipients:
            ending = "" if doc.recipients.endswith(("：", ":")) else "："
            self.paragraph([(doc.recipients + ending, "body")], first=0)

    def body(self, doc: Circular) -> None:
        for para in doc.body:
            self.paragraph(para.runs)
        if doc.attachments:
            self.blank()
            self.paragraph([(doc.attachments[0], "body")])
            for line in doc.attachments[1:]:
                self.paragraph([(line, "body")], first=0, left=5)
        self.blank()
        self.blank()
        if doc.signature:
            self.paragraph([(doc.signature, "body")], align="right", first=0, right=4)
        if doc.date:
            self.paragraph([(doc.date, "body")], align="right", first=0, right=4)
        if doc.distribution:
            self.blank()
            self.paragraph([(doc.distribution, "body")], first=0)

    def annex(self, annex: AnnexTable) -> None:
        p = self.paragraph([(f"附件{annex.number or ''}", "h1")], align="left", first=0)
        p.paragraph_format.page_break_before = True
        self.blank()
        self.paragraph([(annex.title, "XIAOBIAOSONG")], align="center", first=0, size=TITLE_PT)
        self.blank()
        self._table(annex)

    def _table(self, annex: AnnexTable) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        x = self.x
        table = self.document.add_table(rows=1 + len(annex.rows), cols=len(annex.header))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, values in enumerate([annex.header] + annex.rows):
            for c, text in enumerate(values):
                p = table.rows[r].cells[c].paragraphs[0]
                x.no_grid_snap(p)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 or c == 0 else (
                    WD_ALIGN_PARAGRAPH.RIGHT if annex.numeric[c] else WD_ALIGN_PARAGRAPH.LEFT)
                self.run(p, text, x.HEITI if r == 0 else x.FANGSONG, TABLE_PT)
        x.repeat_header(table.rows[0])
        x.table_widths(table, _widths(annex, x.TYPE_WIDTH_TWIPS))


def _widths(annex: AnnexTable, total: int) -> list[int]:
    """Column widths from the longest text per column (CJK counts double), scaled to the type area."""
    from unicodedata import east_asian_width

    def width(text: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)

    # a header may wrap onto two lines; the values should not
    need = [max([(width(annex.header[c]) + 1) // 2] + [width(r[c]) for r in annex.rows]) + 2 for c in range(len(annex.header))]
    need = [max(n, 6) for n in need]
    scale = total / sum(need)
    widths = [int(n * scale) for n in need]
    widths[-1] += total - sum(widths)
    return widths
