"""Workbooks in: .xlsx, .xlsm, .xls and .ods, read with python-calamine, turned into CSV text.

One typing path: every cell becomes the text a CSV saved from the same sheet would hold
(0.8232 with a 0.00% format → "82.32%", 12.0 → "12", a date → "2022-05-13"), and the
table builder in tables.py types it exactly as it types CSV cells. The header row is found
by the ruleset's column names, so title rows ("附件：…统计表"), notes and blank rows above it
are skipped; a two-row header (a merged parent over its children) reads as ``父/子``.

A workbook is untrusted: before calamine opens an .xlsx its zip entries are checked (sizes,
ratios, a DOCTYPE in the XML) and the sheet's real extent is measured by streaming its XML,
because one far cell (XFD1048576) makes calamine allocate the whole grid and abort the process.
The same pass reads each cell's number format (calamine exposes none) and finds formulas
without a cached value. python-calamine is imported only when a workbook is read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any, Sequence

from ..errors import CellProblem, DataError
from .filekind import OLE_MAGIC, ZIP_MAGIC, is_workbook as is_workbook  # told apart in filekind.py

MAX_UNZIPPED = 500_000_000  # all entries together, as declared by the zip's directory
MAX_RATIO = 200  # a deflated XML sheet compresses 10-30x; a bomb, thousands of times
MAX_CELLS = 20_000_000  # rows x columns of the sheet's used range (calamine allocates all of it)
HEADER_ROWS = 30  # the header must start within this many rows of the sheet's top


@dataclass
class Sheet:
    """One sheet as CSV text: the header the builder reads, rows with their sheet row numbers."""

    file: str
    sha256: str
    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    letters: dict[str, str] = field(default_factory=dict)  # header name -> column letter, for messages


def read_sheet(path: Path, columns: Sequence[str], sheet: str | None, display: str | None = None) -> Sheet:
    """The sheet holding ``columns`` (``sheet`` if named), as the header and rows a CSV would give."""
    from .files import TABLE_LIMIT, FileProblem, read_bytes

    name = display or str(path)
    try:
        raw = read_bytes(path, TABLE_LIMIT, "数据")
    except FileProblem as exc:
        raise _error(name, exc.reason) from None
    try:
        return _read(path, raw, columns, sheet, name)
    except DAMAGED as exc:  # our own DataErrors are none of these
        raise _error(name, f"工作簿已损坏，读到一半出错（{type(exc).__name__}）：可能没有下载完整，或被别的程序改坏了。"
                           "请用表格软件打开后另存为 .xlsx 再试，或重新导出。") from None


# What a damaged file raises from inside the zip and XML readers and the cell conversions (a bad
# deflate stream, a CRC mismatch, a zip feature the standard library lacks, a cut-off entry, an
# unreadable cell reference); not arithmetic, which a good file's numbers must never reach. calamine's own errors
# are caught where it is called (_open, _header_in).
DAMAGED = (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, KeyError, ValueError)


def _read(path: Path, raw: bytes, columns: Sequence[str], sheet: str | None, name: str) -> Sheet:
    kind = _kind(path, raw, name)
    styles: _Xlsx | None = _Xlsx(raw, name) if kind == "xlsx" else None
    book = _open(raw, name)
    names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise _error(name, f"没有名为“{sheet}”的工作表。工作簿里有：{'、'.join(names)}。请改规则集中的 sheet。")
    wanted = [_norm(c) for c in columns]
    best: tuple[int, Sheet] | None = None
    for sheet_name in ([sheet] if sheet else names):
        found = _header_in(book, sheet_name, wanted, styles, name)
        if found is not None and (best is None or found[0] > best[0]):
            best = found
        if best is not None and best[0] == len(set(wanted)):
            break
    if best is None:
        where = f"工作表“{sheet}”" if sheet else f"各工作表（{'、'.join(names)}）"
        raise _error(name, f"在{where}的前 {HEADER_ROWS} 行中找不到表头：规则集要的列（{'、'.join(columns)}）一列也没有。"
                           "请确认选对了文件和工作表，或在规则集 units 中写 sheet: 工作表名。")
    best[1].sha256 = hashlib.sha256(raw).hexdigest()
    return best[1]


def _kind(path: Path, raw: bytes, name: str) -> str:
    suffix = path.suffix.lower()
    if suffix == ".et":
        raise _error(name, "这是 WPS 表格的 .et 文件，tongbao 读不了这种格式。请在 WPS 中“另存为” Excel 工作簿（.xlsx）后再评定。")
    if raw.startswith(ZIP_MAGIC):
        try:
            entries = zipfile.ZipFile(io.BytesIO(raw)).namelist()
        except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError):  # version 22.1 and the like: NotImplementedError
            raise _error(name, "文件以 zip 开头却打不开，可能已损坏或没有下载完整。请重新导出工作簿。") from None
        if "xl/workbook.xml" in entries:
            return "xlsx"
        if "content.xml" in entries:
            return "ods"
        raise _error(name, "这是一个 zip 压缩包，但不是 Excel 或 WPS 工作簿（没有 xl/workbook.xml）。请给出表格本身。")
    if raw.startswith(OLE_MAGIC):
        return "xls"
    what = _looks_like(raw)
    raise _error(name, f"文件名是 {suffix or '（无扩展名）'}，但内容不是工作簿（{what}）。请确认文件没有被改过扩展名；"
                       "若是 CSV 文本，请把扩展名改回 .csv。")


def _looks_like(raw: bytes) -> str:
    head = raw[:512].lstrip()
    if head.startswith(b"%PDF"):
        return "看起来是 PDF"
    if head[:5].lower() in (b"<html", b"<!doc", b"<?xml"):
        return "看起来是网页或 XML 文本"
    if not raw:
        return "文件是空的"
    try:
        raw[:4096].decode("utf-8")
        return "看起来是文本，可能是 CSV"
    except UnicodeDecodeError:
        return "无法识别的内容"


def _open(raw: bytes, name: str) -> Any:
    import python_calamine  # here, not at the top: only reading a workbook pays for it

    try:
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise _error(name, f"无法作为工作簿打开（{type(exc).__name__}）：文件可能已损坏、加了密码，或不是 Excel/WPS 工作簿。"
                           "请用表格软件打开后另存为 .xlsx 再试。") from None


def _error(name: str, message: str, cell: str | None = None, value: str | None = None) -> DataError:
    return DataError([CellProblem(name if cell is None else f"{name} {cell}", None, None, value, message)])


# ---------------------------------------------------------------- xlsx: what calamine does not tell


class _Xlsx:
    """An .xlsx checked before calamine opens it, and each sheet's number formats and formulas."""

    def __init__(self, raw: bytes, name: str) -> None:
        self.name = name
        self.zip = zipfile.ZipFile(io.BytesIO(raw))
        self._check_sizes()
        self.formats = _cell_formats(self._xml("xl/styles.xml")) if "xl/styles.xml" in self.zip.namelist() else {}
        self.paths = self._sheet_paths()

    def _check_sizes(self) -> None:
        infos = self.zip.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNZIPPED:
            raise _error(self.name, f"工作簿解压后有 {total // 1_000_000} MB，超过 {MAX_UNZIPPED // 1_000_000} MB 的上限，"
                                    "像是压缩炸弹或放了大量图片。请只保留数据表另存后再评定。")
        for i in infos:
            if i.file_size > 1_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
                raise _error(self.name, f"工作簿中的“{i.filename}”压缩比超过 {MAX_RATIO} 倍（{i.compress_size} 字节解压成 "
                                        f"{i.file_size} 字节），像是压缩炸弹，不会打开。请从表格软件重新另存为 .xlsx。")

    def _xml(self, entry: str) -> bytes:
        data = self.zip.read(entry)
        if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:4096]:
            raise _error(self.name, f"工作簿中的“{entry}”带有 DOCTYPE/ENTITY 声明（可能是 XML 炸弹），不会打开。请重新另存为 .xlsx。")
        return data

    def _sheet_paths(self) -> dict[str, str]:
        book = self._xml("xl/workbook.xml").decode("utf-8", "replace")
        rels = self._xml("xl/_rels/workbook.xml.rels").decode("utf-8", "replace") if "xl/_rels/workbook.xml.rels" in self.zip.namelist() else ""
        targets = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
        targets.update({m.group(2): m.group(1) for m in re.finditer(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
        out = {}
        for m in re.finditer(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]+)"', book):
            target = targets.get(m.group(2), "")
            out[_unescape(m.group(1))] = target.lstrip("/") if target.startswith("/") else "xl/" + target
        return out

    def scan(self, sheet: str) -> "_Scan":
        """Stream the sheet's XML once: its extent (refused when too large), percent/fixed formats, formulas without values."""
        path = self.paths.get(sheet)
        if path is None or path not in self.zip.namelist():
            return _Scan()
        return _scan_sheet(self._xml(path), self.formats, self.name, sheet)


@dataclass
class _Scan:
    formats: dict[tuple[int, int], tuple[str, int]] = field(default_factory=dict)  # (row, col) 0-based -> (kind, decimals)
    no_value: set[tuple[int, int]] = field(default_factory=set)  # formulas saved without a cached value


_CELL = re.compile(rb'<c\b([^>]*?)(/>|>(.*?)</c>)', re.S)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')


def _scan_sheet(xml: bytes, formats: dict[int, tuple[str, int]], name: str, sheet: str) -> _Scan:
    scan = _Scan()
    rows = cols = cells = 0
    for m in _CELL.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        ref = attrs.get(b"r", b"").decode()
        if not ref:
            continue
        row, col = _parse_ref(ref)
        rows, cols, cells = max(rows, row + 1), max(cols, col + 1), cells + 1
        if rows * cols > MAX_CELLS or cells > MAX_CELLS:
            raise _error(name, f"工作表“{sheet}”的使用范围到了 {ref}（{rows} 行 × {cols} 列），超过 {MAX_CELLS:,} 个单元格的上限。"
                               "多半是表格远处有一个误填的单元格或格式：请删掉数据区以外的行列后另存再评定。")
        style = formats.get(int(attrs.get(b"s", b"0") or 0))
        if style is not None:
            scan.formats[(row, col)] = style
        body = m.group(3) or b""
        if b"<f" in body and b"<v" not in body:
            scan.no_value.add((row, col))
    return scan


def _cell_formats(styles: bytes) -> dict[int, tuple[str, int]]:
    """cellXfs index -> ("percent" | "fixed", decimals), for the formats that change a cell's CSV text."""
    text = styles.decode("utf-8", "replace")
    codes = {9: "0%", 10: "0.00%", 2: "0.00", 4: "#,##0.00"}
    codes.update({int(m.group(1)): _unescape(m.group(2)) for m in re.finditer(r'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', text)})
    xfs = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", text, re.S)
    out = {}
    for i, xf in enumerate(re.finditer(r"<xf\b([^>]*)", xfs.group(1) if xfs else "")):
        fid = re.search(r'numFmtId="(\d+)"', xf.group(1))
        kind = _format_kind(codes.get(int(fid.group(1)), "") if fid else "")
        if kind is not None:
            out[i] = kind
    return out


def _format_kind(code: str) -> tuple[str, int] | None:
    first = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code.split(";")[0]).strip()
    m = re.fullmatch(r"[#,0]*0(?:\.(0+))?(%?)", first)
    if not m:
        return None
    return ("percent" if m.group(2) else "fixed", min(len(m.group(1) or ""), 30))  # Excel shows at most 30 decimals


def _parse_ref(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):] or 1) - 1, col - 1


def _unescape(text: str) -> str:
    return text.replace("&quot;", '"').replace("&apos;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def letter(col: int) -> str:
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


# ---------------------------------------------------------------- the header, found by name


def _norm(text: Any) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _header_in(book: Any, sheet_name: str, wanted: list[str], xlsx: _Xlsx | None, name: str) -> tuple[int, Sheet] | None:
    scan = xlsx.scan(sheet_name) if xlsx is not None else _Scan()  # before calamine allocates the sheet
    try:
        sheet = book.get_sheet_by_name(sheet_name)
    except Exception as exc:
        raise _error(name, f"无法读取工作表“{sheet_name}”（{type(exc).__name__}）。请用表格软件打开后另存为 .xlsx 再试。") from None
    top, left = sheet.start or (0, 0)
    rows = [list(r) for r in sheet.iter_rows()]
    merges = list(getattr(sheet, "merged_cell_ranges", None) or [])
    best: tuple[int, int, list[str]] | None = None  # (score, rows used, header)
    for r in range(min(HEADER_ROWS, len(rows))):
        for depth in (1, 2):
            header = _rename(_header(rows, r, depth, top, left, merges), wanted)
            score = len(set(wanted) & {_norm(h) for h in header})
            if score and (best is None or score > best[0]):
                best = (score, r + depth, header)
        if best and best[0] == len(set(wanted)):
            break
    if best is None:
        return None
    score, start, header = best
    data = [(top + i + 1, [_text(v, scan, (top + i, left + j), name, sheet_name) for j, v in enumerate(row[:len(header)])])
            for i, row in enumerate(rows[start:], start=start) if any(str(v).strip() for v in row)]
    letters = {h: letter(left + j) for j, h in enumerate(header) if h}
    return score, Sheet(name, "", sheet_name, header, data, letters)


def _header(rows: list[list[Any]], r: int, depth: int, top: int, left: int, merges: list[Any]) -> list[str]:
    parents = [str(v).strip() if v != "" else "" for v in rows[r]]
    if depth == 1 or r + 1 >= len(rows):
        return parents
    children = [str(v).strip() for v in rows[r + 1]] + [""] * max(0, len(parents) - len(rows[r + 1]))
    filled = list(parents)
    for (r0, c0), (r1, c1) in merges:  # a parent merged across columns names each child below it
        if r0 == top + r and r1 == r0 and c0 >= left:
            for c in range(c0 - left, min(c1 - left + 1, len(filled))):
                filled[c] = parents[c0 - left]
    return [f"{p}/{c}" if p and c and p != c else (p or c) for p, c in zip(filled, children)]


def _rename(header: list[str], wanted: list[str]) -> list[str]:
    """Matched columns take the ruleset's spelling; a child alone (活跃率 under 使用情况) matches when unique."""
    norms = [_norm(h) for h in header]
    children = [_norm(h.rsplit("/", 1)[-1]) for h in header]
    out = list(header)
    for w in set(wanted):
        if w in norms:
            continue
        hits = [i for i, c in enumerate(children) if c == w]
        if len(hits) == 1:
            out[hits[0]] = w
    return out


# ---------------------------------------------------------------- cells as CSV text


def _text(value: Any, scan: _Scan, at: tuple[int, int], name: str, sheet: str) -> str:
    if at in scan.no_value and value == "":
        raise _error(name, f"单元格是公式，但文件里没有保存计算结果（工作表“{sheet}”）。请用 Excel 或 WPS 打开、重新计算并保存后再评定。",
                     cell=f"工作表“{sheet}”单元格 {letter(at[1])}{at[0] + 1}")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number(value, scan.formats.get(at))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _number(value: float, fmt: tuple[str, int] | None) -> str:
    """As the sheet shows it: 0.8232 under 0.00% is 82.32%; 3.8 under 0.00 is 3.80; else the shortest exact form."""
    if math.isinf(value):  # 1e999 in a sheet's XML: the cell's text, which the builder refuses by cell
        return repr(float(value))
    if fmt is not None:
        exact = Decimal(repr(float(value))) * (100 if fmt[0] == "percent" else 1)
        # Digits enough for any double x100 at the format's decimals (the default 28 raise for 1e30 under
        # 0.00%): the builder then says the value is too large, naming the cell.
        with localcontext(prec=340 + fmt[1]):
            shown = exact.quantize(Decimal(1).scaleb(-fmt[1]), ROUND_HALF_UP)  # Excel rounds half up
        return f"{shown}%" if fmt[0] == "percent" else f"{shown}"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def locate(error: DataError, sheet: Sheet) -> DataError:
    """The builder's messages name a row and a column; a workbook's reader adds the sheet and the cell (B12)."""
    out = []
    for p in error.problems:
        cell = sheet.letters.get(p.column or "")
        where = f"工作表“{sheet.name}”" + (f"单元格 {cell}{p.line}" if cell and p.line else "")
        out.append(CellProblem(f"{p.file} {where}", p.line, p.column, p.value, p.message))
    return DataError(out)
