"""The DOCX circulars laid out by LibreOffice: A4, the 22-line × 28-character page, the fonts, the page numbers.

Each seed's circular is written as .docx and converted to PDF by LibreOffice headless, with
fontconfig told the documented fallbacks for the 公文 fonts (tests/layout/fonts.conf); poppler's
pdfinfo, pdffonts and pdftotext -bbox-layout then measure the result. Without LibreOffice the
tests skip locally and fail in CI (where .ci/run installs it and sets CI).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

import tongbao
from tongbao.report.circular import build_circular, load_circular
from tongbao.report.docx import to_docx

ROOT = Path(__file__).resolve().parent.parent
FONTS_CONF = ROOT / "tests" / "layout" / "fonts.conf"
SEEDS = ["tonggu-ganzhengtong", "yanjiang-xinxi-2020q3", "jiujiang-wangzhan-2022q2", "ganzhou-jiance-2023-08",
         "ganzhou-gongkai-2022-07"]
PT_PER_MM = 72 / 25.4
TOP = 37 * PT_PER_MM  # the type area starts 37 mm down
PITCH = 28.95  # 579 twips
BODY_OFFSET = 6.6  # a 16 pt line's glyph box starts this far below its grid line (measured, Noto Serif CJK)
# What the declared families may become (tests/layout/fonts.conf): nothing else may appear in the PDF.
ALLOWED_FONTS = re.compile(r"^[A-Z]{6}\+(NotoSerifCJK|NotoSansCJK|UKai)")
TOOLS = ("soffice", "pdffonts", "pdftotext", "pdfinfo")


def _tools_or_skip() -> str:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        why = (f"缺少 {'、'.join(missing)}：apt-get install -y libreoffice-writer-nogui poppler-utils "
               "fonts-noto-cjk fonts-arphic-ukai")
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the layout test; {why}")
        pytest.skip(why)
    return shutil.which("soffice") or "soffice"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = _tools_or_skip()
    folder = tmp_path_factory.mktemp("layout")
    docs = []
    for seed in SEEDS:
        ruleset = ROOT / "rulesets" / f"{seed}.yaml"
        verdict = tongbao.evaluate(tongbao.load_ruleset(ruleset), ROOT / "examples" / seed).to_dict()
        path = folder / f"{seed}.docx"  # with the period.yaml beside the data: 文号, date, red 版头
        path.write_bytes(to_docx(build_circular(load_circular(ruleset), verdict)))
        docs.append(path)
    env = dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF), HOME=str(folder))
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/lo",
                    "--convert-to", "pdf", "--outdir", str(folder), *map(str, docs)],
                   env=env, check=True, capture_output=True, timeout=300)
    out = {seed: folder / f"{seed}.pdf" for seed in SEEDS}
    assert all(p.is_file() for p in out.values()), sorted(folder.iterdir())
    return out


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, encoding="utf-8", timeout=60).stdout


def lines(pdf: Path, page: int) -> list[dict[str, float | str]]:
    """Every text line on a page: its box (points, from the top) and its text."""
    xml = _run("pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(pdf), "-")
    found = []
    for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', xml, re.S):
        text = "".join(re.findall(r">([^<]*)</word>", m.group(5)))
        found.append({"x0": float(m.group(1)), "y0": float(m.group(2)), "x1": float(m.group(3)), "y1": float(m.group(4)), "text": text})
    return found


def body(page_lines: list[dict]) -> list[dict]:
    """3号 lines (about 20.8 pt tall boxes), not the title, the page number or table text."""
    return [ln for ln in page_lines if 19.5 < ln["y1"] - ln["y0"] < 22.5 and not re.fullmatch(r"—?\s*\d+\s*—?", ln["text"])]


def slot(line: dict) -> float:
    return (line["y0"] - TOP - BODY_OFFSET) / PITCH


def _all_wide(text: str) -> bool:
    return all(unicodedata.east_asian_width(ch) in "WF" for ch in text)


@pytest.mark.parametrize("seed", SEEDS)
def test_a4_and_only_the_documented_fonts(pdfs: dict[str, Path], seed: str) -> None:
    info = _run("pdfinfo", str(pdfs[seed]))
    w, h = (float(x) for x in re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert abs(w - 595.3) < 1 and abs(h - 841.9) < 1
    fonts = [ln.split()[0] for ln in _run("pdffonts", str(pdfs[seed])).splitlines()[2:]]
    assert fonts and all(ALLOWED_FONTS.match(f) for f in fonts), fonts


@pytest.mark.parametrize("seed", SEEDS)
def test_body_lines_sit_on_the_22_line_grid(pdfs: dict[str, Path], seed: str) -> None:
    for page in (1, 2):
        rows = body(lines(pdfs[seed], page))
        assert rows, f"no body text on page {page}"
        slots = [slot(r) for r in rows]
        assert all(abs(s - round(s)) < 0.12 for s in slots), slots  # exact 28.95 pt from the top margin
        assert 0 <= min(slots) and round(max(slots)) <= 21
        # Latin glyph widths vary by font: count lines of Chinese only; a closing mark may hang past the
        # line end (避头尾: a line never starts with 。，), so one trailing mark is not counted
        chinese = [re.sub("[。，、；：！？）”》]$", "", r["text"]) for r in rows if _all_wide(r["text"])]
        assert all(len(t) <= 28 for t in chinese), [t for t in chinese if len(t) > 28]


def test_page_one_holds_22_lines_and_28_characters(pdfs: dict[str, Path]) -> None:
    """Tonggu's body runs past page 1. Its 22 grid lines: the red 版头 (政务督查), a blank line, the number
    above the red rule, a blank line, the title, a blank line, then 16 lines of 主送机关 and body text."""
    pdf = pdfs["tonggu-ganzhengtong"]
    page1 = lines(pdf, 1)
    rows = body(page1)
    assert [r["text"] for r in page1[:3]] == ["政务督查", "政务督查第7期", "关于全县赣政通使用情况的督查通报"]
    assert [round(slot(r)) for r in page1[:2]] == [0, 2] and page1[0]["y0"] < TOP + PITCH
    assert [round(slot(r)) for r in rows] == list(range(2, 3)) + list(range(6, 22))
    page2 = [round(slot(r)) for r in body(lines(pdf, 2))]
    assert page2 == list(range(22))  # a whole page of body text: 22 lines
    full = [r["text"] for r in body(lines(pdf, 2)) if _all_wide(r["text"])]
    assert full and max(len(t) for t in full) == 28  # a line of Chinese holds 28 characters


def test_page_numbers_at_the_outer_corners(pdfs: dict[str, Path]) -> None:
    pdf = pdfs["tonggu-ganzhengtong"]
    for page, side in ((1, "right"), (2, "left")):
        (number,) = [ln for ln in lines(pdf, page) if re.fullmatch(r"—\s*\d+\s*—", ln["text"])]
        assert number["text"].replace(" ", "") == f"—{page}—"
        assert (number["x1"] > 480) if side == "right" else (number["x0"] < 115), number
        assert number["y0"] > 841.9 - 35 * PT_PER_MM  # below the type area
