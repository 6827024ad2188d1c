"""Reading CSV files as offices save them: UTF-8 with or without BOM, or GBK.

The encoding chain is BOM → strict UTF-8 → gb18030 (a superset of GBK that
decodes what plain gbk cannot); statistical detectors misread short GBK files,
so none is used. The reader is strict: an unterminated quote, a NUL byte or a
repeated header is an error, never a silently different table.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import sys
from pathlib import Path

from ..errors import CellProblem, DataError
from ..frozen import frozen
from . import csvcolumns
from .csvcolumns import ColumnTable, TableFile, read_columns

MAX_FILE_BYTES = 500_000_000


@frozen
class RawTable(TableFile):
    """Cells as text, with the CSV line each row started on."""

    rows: list[tuple[int, list[str]]]  # (line number, cells)


def read_csv(path: str | Path, encoding: str | None = None, display: str | None = None) -> RawTable | ColumnTable:
    """The table's cells as text: whole columns for a large plain file, else rows (the exact reader)."""
    name = display or str(path)
    _import_polars_meanwhile(path)
    raw = _read_bytes(Path(path), name)
    sha = hashlib.sha256(raw).hexdigest()
    fast = _utf8_columns(raw, name, sha) if encoding is None else None
    if fast is None:
        text, used = decode(raw, name, encoding)
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            raise DataError([CellProblem(name, line, None, None, "文件中有空字符（NUL），不像是 CSV 文本。请从表格软件重新另存为 CSV。")])
        if encoding is not None or not used.startswith("utf-8"):  # UTF-8 found by the chain was tried as bytes above
            fast = read_columns(text.encode("utf-8"), name, sha, used)
        if fast is None:
            return _parse(text, name, sha, used)
    _check_header(list(fast.header), fast.header_line, name)
    return fast


def _import_polars_meanwhile(path: str | Path) -> None:
    """For a file big enough for the columnar read (csvcolumns.FAST_MIN_BYTES), polars is imported in a
    second thread while this one reads and hashes the bytes, which release the GIL: importing polars
    (~0.3 s, most of it loading its library) otherwise waits until they are done. A small file, every
    seed's, never imports polars; a file that cannot be stat'ed is left to read_bytes' message."""
    if "polars" in sys.modules:
        return
    try:
        big = os.stat(path).st_size >= csvcolumns.FAST_MIN_BYTES
    except (OSError, ValueError):
        return
    if big:
        import threading

        threading.Thread(target=_import_polars, name="import polars", daemon=True).start()


def _import_polars() -> None:
    try:
        import polars  # noqa: F401
    except BaseException:  # the columnar reader imports it again, and meets the error where it is handled
        pass


def _utf8_columns(raw: bytes, name: str, sha: str) -> ColumnTable | None:
    """The columnar read of a UTF-8 file straight from its bytes: polars checks the UTF-8 as it
    reads, so the file is decoded once, not also into a Python str (~0.1 s for 40 MB). None for
    anything else (another encoding, a NUL, a second BOM): the decoding chain then decides."""
    _not_text(raw, name, None)
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[3:] if bom else raw
    if body.startswith(codecs.BOM_UTF8) or b"\x00" in body:
        return None
    return read_columns(body, name, sha, "utf-8-sig" if bom else "utf-8")


def _read_bytes(path: Path, name: str) -> bytes:
    from .files import TABLE_LIMIT, FileProblem, read_bytes

    try:
        return read_bytes(path, min(MAX_FILE_BYTES, TABLE_LIMIT), "数据")
    except FileProblem as exc:
        reason = exc.reason
        if reason.startswith("找不到"):
            reason = "找不到数据文件。请检查路径，或确认文件夹中有规则集 units.file 指定的文件。"
        raise DataError([CellProblem(name, None, None, None, reason)]) from None


def decode(raw: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode with the given encoding, or by the chain; return text and the encoding used."""
    _not_text(raw, name, encoding)
    if encoding:
        try:
            codecs.lookup(encoding)
            return raw.decode(encoding), encoding
        except LookupError:
            raise DataError([CellProblem(name, None, None, None, f"不认识的编码“{encoding}”。常用的有 utf-8、gb18030。")]) from None
        except UnicodeDecodeError as exc:
            raise DataError([CellProblem(name, None, None, None, f"按 {encoding} 无法解码（第 {exc.start} 字节）。请去掉 --encoding 让程序自动判断，或换一种编码。")]) from None
    bom = raw.startswith(codecs.BOM_UTF8)
    if bom:
        raw = raw[3:]  # Excel's "CSV UTF-8" marker; WPS sometimes puts it before a GBK body too
    for candidate in ("utf-8", "gb18030"):
        try:
            # A GB18030 file may carry its own byte-order mark (84 31 95 33): it decodes to U+FEFF.
            text = raw.decode(candidate).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
        return text, ("utf-8-sig" if bom and candidate == "utf-8" else candidate)
    raise DataError([CellProblem(name, None, None, None, "既不是 UTF-8 也不是 GBK/GB18030 编码。请在表格软件中另存为“CSV UTF-8”，或用 --encoding 指明编码。")])


_MAGIC = (
    (b"PK\x03\x04", "这是 Excel 工作簿（.xlsx，或其他 zip 压缩文件），不是 CSV 文本。请在 Excel/WPS 中“另存为”→“CSV UTF-8（逗号分隔）”后再用。"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "这是旧版 Excel 工作簿（.xls），不是 CSV 文本。请在 Excel/WPS 中“另存为”→“CSV UTF-8（逗号分隔）”后再用。"),
    (b"%PDF", "这是 PDF 文件，不是 CSV 文本。请使用原始表格。"),
)
_UTF16 = "这是 UTF-16 文本（Excel 的“Unicode 文本”格式），不是 UTF-8 或 GBK 的 CSV。请在 Excel/WPS 中另存为“CSV UTF-8（逗号分隔）”，或用 --encoding utf-16 读取逗号分隔的 UTF-16 文件。"


def _not_text(raw: bytes, name: str, encoding: str | None) -> None:
    """Name what a file is when it is plainly not a CSV: a workbook, a PDF, UTF-16 text (by magic bytes or BOM)."""
    for magic, message in _MAGIC:
        if raw.startswith(magic):
            raise DataError([CellProblem(name, None, None, None, message)])
    if encoding is None and raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise DataError([CellProblem(name, None, None, None, _UTF16)])


_CSV_REASONS = (
    ("field larger than field limit", "有一个单元格超过 {limit} 个字符。表格的单元格不会这么长：多半是文件选错了、损坏了，或这里有一个引号没有闭合、把后面的内容都吞进了一个单元格。"),
    ("unexpected end of data", "文件在引号闭合之前就结束了：这一行某个引号没有闭合。"),
    ("',' expected after '\"'", "引号闭合后应紧跟逗号。单元格里要写引号时，请写成两个（\"\"），或整个单元格不加引号。"),
    ("new-line character seen in unquoted field", "单元格中有单独的回车符。请从表格软件重新另存为 CSV。"),
    ("line contains NUL", "文件中有空字符（NUL），不像是 CSV 文本。请从表格软件重新另存为 CSV。"),
)


def csv_reason(exc: csv.Error) -> str:
    """The csv module's English complaint in Chinese, with the likely cause."""
    text = str(exc)
    for english, chinese in _CSV_REASONS:
        if english in text:
            return chinese.format(limit=csv.field_size_limit())
    return f"CSV 格式错误（{text}）。多半是这一行某个引号没有闭合。"


def _parse(text: str, name: str, sha: str, encoding: str) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    header_line = 1
    while True:
        start = reader.line_num + 1  # the line this row starts on; an open quote is reported here
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise DataError([CellProblem(name, start, None, None, csv_reason(exc))]) from None
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header, header_line = [c.strip() for c in cells], start
        else:
            rows.append((start, [c.strip() for c in cells]))
    if header is None:
        raise DataError([CellProblem(name, None, None, None, "文件是空的：没有表头，也没有数据行。")])
    _check_header(header, header_line, name)
    for line, cells in rows:
        if len(cells) > len(header) and any(cells[len(header):]):
            raise DataError([CellProblem(name, line, None, None, f"这一行有 {len(cells)} 个单元格，比表头多（表头 {len(header)} 列）。请检查是否有多余的逗号。")])
    return RawTable(name, sha, encoding, tuple(header), rows)


def _check_header(header: list[str], line: int, name: str) -> None:
    seen: dict[str, int] = {}
    for i, col in enumerate(header):
        if col and col in seen:
            raise DataError([CellProblem(name, line, col, None, f"表头中这一列的名称出现了两次（第 {seen[col] + 1} 列和第 {i + 1} 列）。请改名或删掉其中一列。")])
        seen[col] = i
