"""Where an evaluation's tables come from: a CSV file, a folder, records or columns.

A ruleset names its files (``units.file``, ``units.files``, ``findings.*.file``).
A folder must hold them all; a single CSV path is accepted when the ruleset
reads exactly one file; an embedding tool may pass rows or columns instead.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping, Sequence

from .csvfile import read_csv
from .filekind import SUFFIXES as WORKBOOK_SUFFIXES, is_workbook
from ..errors import CellProblem, DataError
from ..rules.confine import inside
from ..rules.model import Ruleset
from .csvcolumns import ColumnTable
from .fingerprint import data_sha
from .tables import Layout, Table, table_from_cells, table_from_columns, table_from_records, table_from_rows

TableInput = str | Path | Table | Sequence[Mapping[str, Any]] | Mapping[str, Any]


def file_names(ruleset: Ruleset) -> list[str]:
    names = []
    for part in ruleset.parts:
        names += [f for _, f in part.units.files]
        names += [f.file for f in part.findings]
        names += [r.file for r in part.records]
    return list(dict.fromkeys(names))


class Inputs:
    """Resolves each file name a ruleset reads to a parsed Table."""

    def __init__(self, ruleset: Ruleset, data: TableInput, encoding: str | None) -> None:
        self.needed = file_names(ruleset)
        self.encoding = encoding
        self.folder: Path | None = None
        self.given: dict[str, Any] = {}
        self.aggregated: dict[str, dict[str, Any]] = {}  # part id -> records aggregates per unit (data/records.py)
        self._classify(data)

    def _classify(self, data: TableInput) -> None:
        if isinstance(data, (str, Path)) and Path(data).is_dir():
            self.folder = Path(data)
            missing = [f for f in self.needed if not (self.folder / stored_name(self.folder, f)).exists()]  # a FIFO or folder there is refused when read, by name
            if missing:
                have = "、".join(sorted(p.name for p in self.folder.iterdir() if p.is_file())) or "（空）"
                raise DataError([CellProblem(str(self.folder), None, None, None,
                                             f"文件夹中缺少规则集要读的文件：{'、'.join(missing)}。文件夹里有：{have}。")])
            return
        if isinstance(data, Mapping) and data and set(data) <= set(self.needed):
            self.given = dict(data)
            return
        if len(self.needed) != 1:
            raise DataError([CellProblem(str(data) if isinstance(data, (str, Path)) else "<数据>", None, None, None,
                                         f"这个规则集要读 {len(self.needed)} 个文件：{'、'.join(self.needed)}。请给出放着它们的文件夹。")])
        self.given = {self.needed[0]: data}

    def _in_folder(self, name: str) -> Path:
        """``name`` inside the data folder; a symbolic link there pointing out of it is refused."""
        assert self.folder is not None
        path = self.folder / name
        if not inside(path, self.folder):
            raise DataError([CellProblem(str(path), None, None, None, "这个文件经符号链接指向了数据文件夹之外，不会读取。"
                                         "请把表格本身复制到数据文件夹中。")])
        return path

    def path_of(self, name: str) -> tuple[Path, str]:
        """A records file's path (and how messages name it): records are read by DuckDB from the file itself.

        Rows given in memory (a rule test's tables) are written to a temporary CSV first.
        """
        if self.folder is not None:
            path = self._in_folder(name)
            _regular_or_refuse(path)  # DuckDB opens it itself: a FIFO or device must not reach it
            return path, str(path)
        data = self.given.get(name)
        if isinstance(data, (str, Path)):
            return Path(data), str(data)
        if data is None or isinstance(data, Table):
            raise DataError([CellProblem(name, None, None, None, f"没有提供这个明细记录文件。需要：{'、'.join(self.needed)}。")])
        return _temporary_csv(name, data), name

    def table(self, name: str, layout: Layout) -> Table:
        if self.folder is not None:
            path = self._in_folder(stored_name(self.folder, name))
            return _from_path(path, layout, self.encoding, display=str(path))
        data = self.given.get(name)
        if data is None:
            raise DataError([CellProblem(name, None, None, None, f"没有提供这个文件的数据。需要：{'、'.join(self.needed)}。")])
        if isinstance(data, Table):
            return data
        if isinstance(data, (str, Path)):
            return _from_path(Path(data), layout, self.encoding)
        if isinstance(data, Mapping):
            return _from_columns(layout, dict(data), name)
        return table_from_records(layout, data, file=name)


def _from_columns(layout: Layout, columns: dict[str, Any], name: str) -> Table:
    """Whole columns: the fast path for a plain unit table; otherwise the same row path as CSV,
    so totals rows, findings (many rows per unit) and audited cells behave exactly alike."""
    lengths = {k: len(v) for k, v in columns.items()}
    if len(set(lengths.values())) > 1:
        detail = "、".join(f"{k} {n} 行" for k, n in lengths.items())
        raise DataError([CellProblem(name, None, None, None, f"各列的长度不一样（{detail}）。每一列都应有同样多的行。")])
    if layout.unique and not layout.totals_row and not layout.keep_text:
        return table_from_columns(layout, columns, file=name)
    header = list(columns)
    rows = [(i + 1, [columns[h][i] for h in header]) for i in range(next(iter(lengths.values()), 0))]
    return table_from_rows(layout, name, header, rows, data_sha({k: list(v) for k, v in columns.items()}), None)


def stored_name(folder: Path, name: str) -> str:
    """The file in ``folder`` that holds table ``name``: itself, or the same name as a CSV or a workbook
    (units.csv may arrive as units.xlsx, and the other way round); exactly one of them must be there."""
    if (folder / name).exists():
        return name
    stem = Path(name).stem
    present = [stem + s for s in (".csv", *WORKBOOK_SUFFIXES) if (folder / (stem + s)).exists()]
    if len(present) > 1:
        raise DataError([CellProblem(str(folder), None, None, None, f"文件夹中同时有 {'、'.join(present)}，不知道该读哪一个"
                                                                 f"（规则集要的是 {name}）。请只留下一个。")])
    return present[0] if present else name


def _from_path(path: Path, layout: Layout, encoding: str | None, display: str | None = None) -> Table:
    if is_workbook(path):
        return _from_workbook(path, layout, display)
    raw = read_csv(path, encoding, display)
    if isinstance(raw, ColumnTable):
        return table_from_cells(layout, raw.file, raw.header, raw.columns, raw.lines, raw.sha256, raw.encoding)
    return table_from_rows(layout, raw.file, raw.header, raw.rows, raw.sha256, raw.encoding)


def _from_workbook(path: Path, layout: Layout, display: str | None) -> Table:
    """A workbook's sheet as CSV text, through the same table builder (one typing, one set of messages)."""
    from .workbook import locate, read_sheet  # late: a CSV never needs the workbook reader

    sheet = read_sheet(path, [layout.key, *(f.column for f in layout.fields)], layout.sheet, display)
    try:
        return table_from_rows(layout, sheet.file, sheet.header, sheet.rows, sheet.sha256, None)
    except DataError as exc:
        raise locate(exc, sheet) from None


def _temporary_csv(name: str, data: Any) -> Path:
    """Rows or columns given in memory, as a UTF-8 CSV in a private temporary folder (removed at exit)."""
    import atexit
    import csv
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="tongbao-records-"))
    atexit.register(shutil.rmtree, folder, True)
    if isinstance(data, Mapping):
        header = list(data)
        rows = [[data[h][i] for h in header] for i in range(len(next(iter(data.values()), [])))]
    else:
        header = list(dict.fromkeys(k for record in data for k in record))
        rows = [[record.get(h, "") for h in header] for record in data]
    path = folder / (Path(name).stem + ".csv")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


def _regular_or_refuse(path: Path) -> None:
    """For readers that open the file themselves: refuse what read_bytes would refuse (not a regular file)."""
    import os
    import stat

    from .files import open_reason

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise DataError([CellProblem(str(path), None, None, None, open_reason(exc, "数据"))]) from None
    if not stat.S_ISREG(mode):
        raise DataError([CellProblem(str(path), None, None, None, "这不是普通文件（文件夹、管道或设备），不能作为明细记录表读取。")])
