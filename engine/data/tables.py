"""The unit table as typed columns, with masks for blank and not-applicable cells.

Over 400 lines because it is the one cell-typing path every reader shares: parsing, masks and messages together.

Cells arrive as text from CSV ("95.83%", "1,234", full-width "１２", "/"), as
Python values from an embedding tool, or as numpy arrays. Each field becomes one
column: float64 for numbers (NaN where blank or not applicable), object for
text, datetime64[D] for dates. The masks keep "blank" apart from "not
applicable" because NaN alone cannot tell them apart.

(Over 400 lines: the row, column and cell-text builders share the private cell helpers below.)
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from . import fastcells
from .fingerprint import columns_fingerprint, data_sha, digest, is_numeric_array
from .textcells import figure_decimals, normalise, normalise_all, normalise_column
from .unitnames import check_names as _check_names
from .choices import parse_choices
from ..errors import CellProblem, DataError, DataWarning, basename
from ..escape import clip
from ..rules.model import FieldSpec, UnitTable

_normalise = normalise  # the one-cell rule, as records.py and the readers import it
MAX_LISTED = 20
MAX_MAGNITUDE = 1e15  # larger "numbers" are ID numbers or typing slips, and would not print exactly
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class Table:
    """One evaluation's units, column-wise. Arrays are read-only once built."""

    file: str
    fingerprint: str | Callable[[], str]  # the input's sha256, or (in-memory columns) how to compute it: read .sha256
    encoding: str | None
    names: np.ndarray  # object array of unit names
    lines: np.ndarray  # int array: CSV line (or record number) of each unit
    columns: dict[str, np.ndarray]
    not_applicable: dict[str, np.ndarray]
    blank: dict[str, np.ndarray]
    warnings: list[DataWarning] = field(default_factory=list)
    text: dict[str, np.ndarray] = field(default_factory=dict)  # cells as written, for audited fields (read them by text_at)
    decimals: dict[str, np.ndarray] = field(default_factory=dict)  # the same cells' printed decimals (-1: not a plain figure)
    group_runs: tuple[tuple[str | None, int], ...] = ()  # each file's group and unit count, in table order, when the part has groups by file
    totals: list[dict[str, Any]] = field(default_factory=list)  # totals-row checks
    source_list: list[dict[str, Any]] = field(default_factory=list)  # each file read: name, sha256, encoding, rows (read .sources)
    file_runs: tuple[tuple[str, int], ...] = ()  # when several files were read: each one and its unit count, in table order
    name_hashes: np.ndarray | None = None  # each name's hash, sorted, from the check at ingest (unitnames.name_hashes)
    text_runs: tuple[dict[str, np.ndarray], ...] = ()  # a joined table's ``text``, file by file, never concatenated
    names_column: Any = None  # the same names as a polars String column, when the reader made one (report.jsonout's JSON texts)

    @property
    def sha256(self) -> str:
        """The input's sha256. In-memory columns compute it when first asked: only a written verdict needs it,
        and at a million units hashing every column is a fifth of an evaluation."""
        if not isinstance(self.fingerprint, str):
            self.fingerprint = self.fingerprint()
        return self.fingerprint

    @property
    def sources(self) -> list[dict[str, Any]]:
        for source in self.source_list:
            if callable(source["sha256"]):
                source["sha256"] = source["sha256"]()
        return self.source_list

    @sources.setter
    def sources(self, value: list[dict[str, Any]]) -> None:
        self.source_list = value

    def text_at(self, name: str, index: np.ndarray) -> np.ndarray:
        """An audited field's cells as written, at the positions ``index``.

        A table joined from several files keeps them file by file: only the audit reads them, at the
        few cells it reports, and joining a million cells costs a million object references.
        """
        if not self.text_runs:
            cells: np.ndarray = self.text[name][index]
            return cells
        return gather_runs([run[name] for run in self.text_runs], index)

    def names_at(self, index: np.ndarray) -> np.ndarray:
        """The names of the units at ``index`` (a joined table reads them from its files' arrays, groupfiles.JoinedTable)."""
        names: np.ndarray = self.names[index]
        return names

    def file_runs_in(self, sl: slice) -> list[tuple[str, int]]:
        """Each file the units ``sl`` came from and how many of them, in table order: what the verdict
        writers repeat per unit, so a file's name is worked on once, not once a unit."""
        start, stop, _ = sl.indices(len(self))
        runs = self.file_runs or ((self.file, len(self)),)
        out, at = [], 0
        for file, n in runs:
            overlap = min(stop, at + n) - max(start, at)
            if overlap > 0:
                out.append((file, overlap))
            at += n
        return out

    def file_of(self, i: int) -> str:
        for file, n in self.file_runs:
            if i < n:
                return file
            i -= n
        return self.file

    def __len__(self) -> int:
        return len(self.names)


def gather_runs(runs: Sequence[np.ndarray], index: np.ndarray) -> np.ndarray:
    """``np.concatenate(runs)[index]`` for object arrays, without joining them: the runs are read where the index falls."""
    out = np.empty(len(index), dtype=object)
    start = 0
    for cells in runs:
        at = np.flatnonzero((index >= start) & (index < start + len(cells)))
        out[at] = cells[index[at] - start]
        start += len(cells)
    return out


class _Problems:
    """Collects bad cells; stops listing after MAX_LISTED but keeps counting."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[CellProblem] = []
        self.more = 0

    def add(self, line: int | None, column: str | None, value: Any, message: str) -> None:
        if len(self.items) < MAX_LISTED:
            self.items.append(CellProblem(self.file, line, column, None if value is None else str(value), message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.items, self.more)


@dataclass(frozen=True)  # not @frozen: data/groupfiles.py copies it with dataclasses.replace
class Layout:
    """What to read from one file: the key column, the fields, and how rows are told apart."""

    key: str
    fields: tuple[FieldSpec, ...]
    unique: bool = True  # unit tables: one row per unit; findings: many
    totals_row: str | None = None
    keep_text: frozenset[str] = frozenset()  # fields whose cells are audited as printed
    sheet: str | None = None  # a workbook's sheet, when the ruleset names it

    @classmethod
    def of(cls, spec: UnitTable, keep_text: Iterable[str] = ()) -> "Layout":
        return cls(spec.key, spec.fields, True, spec.totals_row, frozenset(keep_text), spec.sheet)


def table_from_rows(layout: Layout | UnitTable, file: str, header: Sequence[str], rows: Sequence[tuple[int, Sequence[Any]]],
                    sha256: str, encoding: str | None) -> Table:
    """Build the typed table from rows of cells in header order."""
    layout = layout if isinstance(layout, Layout) else Layout.of(layout)
    problems = _Problems(file)
    index = _column_index(layout, header, file)
    rows, totals = _split_totals(rows, layout.totals_row)
    if not rows:
        raise DataError([CellProblem(file, None, None, None, "表中没有数据行（只有表头）。请确认文件是否选对。")])
    key_i = index[layout.key]
    names = [_normalise(cells[key_i]) if key_i < len(cells) else "" for _, cells in rows]
    lines = np.array([line for line, _ in rows], dtype=np.int64)
    hashes = _check_names(names, lines, layout.key, problems, layout.unique)

    def cells_of(f: FieldSpec) -> list[Any]:
        i = index[f.column]
        return [cells[i] if i < len(cells) else "" for _, cells in rows]
    table = _typed(layout, cells_of, names, lines, problems, file, sha256, encoding)
    table.name_hashes = hashes
    table.totals = [_total_check(f, index, line, cells, table, file) for line, cells in totals for f in layout.fields
                    if f.total == "sum"]
    return _freeze(table)


def table_from_cells(layout: Layout, file: str, header: Sequence[str], columns: Sequence[Any], lines: np.ndarray,
                     sha256: str, encoding: str | None) -> Table:
    """Build the typed table from whole columns of cell text in header order (the CSV fast path).

    ``columns[i]`` holds header ``i``'s cells (a list, or a polars Series with None for a short
    row); ``lines`` each row's location. Totals rows need a look at whole rows: they take the row path.
    """
    if layout.totals_row:
        cells = [_cells(c) for c in columns]
        rows = [(int(line), ["" if c is None else c for c in row]) for line, row in zip(lines.tolist(), zip(*cells))]
        return table_from_rows(layout, file, header, rows, sha256, encoding)
    problems = _Problems(file)
    index = _column_index(layout, header, file)
    if not len(lines):
        raise DataError([CellProblem(file, None, None, None, "表中没有数据行（只有表头）。请确认文件是否选对。")])
    names, polars_names = normalise_column(columns[index[layout.key]])  # a polars column goes in whole: joined by polars
    hashes = _check_names(names, lines, layout.key, problems, layout.unique, polars_names)
    table = _typed(layout, lambda f: columns[index[f.column]], names, lines, problems, file, sha256, encoding)
    table.name_hashes, table.names_column = hashes, polars_names
    return _freeze(table)


def _typed(layout: Layout, cells_of: Any, names: list[str], lines: np.ndarray, problems: _Problems,
           file: str, sha256: str | Callable[[], str], encoding: str | None) -> Table:
    """Parse every field's cells into a Table; the one loop shared by rows and columns."""
    columns, na, blank, text, decimals, warnings = {}, {}, {}, {}, {}, []
    for f in layout.fields:
        values = cells_of(f)
        columns[f.name], na[f.name], blank[f.name] = parse_column(f, values, lines, problems)
        if f.name in layout.keep_text:  # a published column: its audit reports a blank better
            written = normalise_all(values)
            text[f.name], decimals[f.name] = np.array(written, dtype=object), figure_decimals(written, f.type == "percent")
        else:
            warnings.extend(_blank_warnings(f, blank[f.name], lines, names, file))
    problems.raise_if_any()
    # fromiter: np.array(names) first looks into each str for a nested sequence (twice the time)
    table = Table(file, sha256, encoding, np.fromiter(names, dtype=object, count=len(names)), lines, columns, na, blank,
                  warnings, text, decimals)
    table.sources = [{"file": basename(file), "sha256": sha256, "encoding": encoding, "rows": len(names)}]
    return table


def _split_totals(rows: Sequence[Any], label: str | None) -> tuple[Sequence[Any], list[Any]]:
    """Rows whose cell reads the totals label (合计, 合计：) are checked, never counted as units."""
    if not label:
        return rows, []
    def is_total(cells: Sequence[Any]) -> bool:
        return any(_normalise(c).rstrip(":：") == label for c in cells)
    return [r for r in rows if not is_total(r[1])], [r for r in rows if is_total(r[1])]


def _total_check(f: FieldSpec, index: dict[str, Any], line: int, cells: Sequence[Any], table: Table, file: str) -> dict[str, Any]:
    i = index[f.column]
    printed = _normalise(cells[i]) if i < len(cells) else ""
    computed = float(np.nansum(np.where(table.not_applicable[f.name], np.nan, table.columns[f.name])))
    value = _number(printed, printed, f) if printed else None
    check = {"file": basename(file), "line": line, "field": f.name, "column": f.column, "published": printed,
             "computed": computed, "agrees": value is not None and abs(value - computed) < 1e-9}
    if not check["agrees"]:
        table.warnings.append(DataWarning(
            "TB-T001", f"合计行“{f.column}”为 {printed or '空'}，各单位相加为 {computed:.12g}。", file, line, f.column, None,
            {"published": printed, "computed": computed}))
    return check


def table_from_columns(spec: Layout | UnitTable, columns: dict[str, Any], file: str = "<columns>") -> Table:
    """Build from whole columns keyed by header; numeric arrays skip per-cell parsing."""
    layout = spec if isinstance(spec, Layout) else Layout.of(spec)
    missing = [c for c in [spec.key, *(f.column for f in spec.fields)] if c not in columns]
    if missing:
        raise DataError([CellProblem(file, None, c, None, "缺少这一列。") for c in missing])
    key_column = columns[spec.key]
    names, polars_names = normalise_column(key_column)
    if not names:
        raise DataError([CellProblem(file, None, None, None, "表中没有数据行。")])
    lines = np.arange(1, len(names) + 1, dtype=np.int64)
    problems = _Problems(file)
    hashes = _check_names(names, lines, spec.key, problems, column=polars_names)
    # Number arrays are copied once: the copy is both the typed column and what the fingerprint hashes
    # later, so a caller changing its arrays after evaluate changes neither. Other columns are hashed now.
    own = {k: v.copy() if is_numeric_array(v) else v for k, v in columns.items()}
    digests = [(k, digest(v)) for k, v in columns.items() if k != spec.key and not is_numeric_array(v)]
    table = _typed(layout, lambda f: own[f.column], names, lines, problems, file, "", None)
    arrays = {k: v for k, v in own.items() if k != spec.key and is_numeric_array(v)}
    table.fingerprint = table.source_list[0]["sha256"] = columns_fingerprint(digests, arrays, spec.key, table.names)
    table.name_hashes, table.names_column = hashes, polars_names
    return _freeze(table)


def table_from_records(spec: Layout | UnitTable, records: Iterable[dict[str, Any]], file: str = "<records>") -> Table:
    records = list(records)
    odd = next((i for i, rec in enumerate(records) if not isinstance(rec, Mapping)), None)
    if odd is not None:  # records come from the embedding program, often from a user's JSON
        raise DataError([CellProblem(file, odd + 1, None, None, f"这条记录是 {type(records[odd]).__name__}，"
                                     "而不是“列名: 值”的映射。每条记录应是一个字典，键为表头。")])
    header: list[str] = []
    for rec in records:
        for key in rec:
            if key not in header:
                header.append(str(key))
    rows = [(i + 1, [rec.get(h, "") for h in header]) for i, rec in enumerate(records)]
    if not records:
        raise DataError([CellProblem(file, None, None, None, "没有任何记录。")])
    return table_from_rows(spec, file, header, rows, data_sha(records), None)


def _freeze(table: Table) -> Table:
    for arr in (table.names, table.lines, *table.columns.values(), *table.not_applicable.values(), *table.blank.values(),
                *table.text.values(), *table.decimals.values()):
        arr.flags.writeable = False
    return table


def _column_index(spec: Layout, header: Sequence[str], file: str) -> dict[str, int]:
    index = {h: i for i, h in enumerate(header)}
    needed = [spec.key, *(f.column for f in spec.fields)]
    problems = []
    for col in needed:
        if col not in index:
            import difflib  # a missing column's suggestion only: not on every start-up

            near = difflib.get_close_matches(col, [h for h in header if h], n=1, cutoff=0.5)
            hint = f"是否是“{clip(near[0])}”？" if near else ""
            problems.append(CellProblem(file, 1, col, None, f"缺少规则集要求的列。{hint}请改表头，或改规则集中该字段的 column。"))
    if problems:  # the header is listed once, shortened: a wrongly decoded header can be kilobytes
        listing = "、".join(h for h in header if h)
        listing = listing if len(listing) <= 200 else listing[:200] + "……（若表头是乱码，多半是编码不对：去掉 --encoding 或换一种编码）"
        first = problems[0]
        problems[0] = CellProblem(first.file, first.line, first.column, first.value, first.message + f"表中的列有：{listing}。")
        raise DataError(problems)
    return index


def _blank_warnings(f: FieldSpec, blank: np.ndarray, lines: np.ndarray, names: list[str], file: str) -> list[DataWarning]:
    # "zero" is the administrator saying a blank means 0: no news. "missing" is worth a word.
    if f.blank != "missing" or not blank.any():
        return []
    return [DataWarning("TB-D001", f"“{f.column}”为空，按缺失处理，相关指标不计算。", file, int(lines[i]), f.column, names[i])
            for i in np.flatnonzero(blank)]


# ---------------------------------------------------------------- cells

def parse_column(f: FieldSpec, values: Any, lines: np.ndarray, problems: _Problems) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse one column; returns (values, not-applicable mask, blank mask).

    Large columns of text take ``fastcells`` for their plain number cells; the cells it does not
    claim (blank, not applicable, full-width, bad) come here one by one, so messages are the same.
    """
    if f.type in ("yesno", "enum"):
        return parse_choices(f, _cells(values), lines, problems)
    arr = values if isinstance(values, np.ndarray) else None
    if arr is not None and arr.dtype.kind in "iuf" and f.type in ("integer", "number", "percent"):
        # copy=False: table_from_columns hands over arrays of its own (a float64 one becomes the column as it is)
        return _numeric_array(f, arr.astype(np.float64, copy=False), lines, problems, arr.dtype.kind in "iu")
    n = len(values)
    na = np.zeros(n, dtype=bool)
    blank = np.zeros(n, dtype=bool)
    if f.type == "text":
        out = np.array(["" if v is None else str(v).strip() for v in _cells(values)], dtype=object)
        return out, na, out == ""
    if f.type == "date":
        out, todo, cells = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"), range(n), _cells(values)
    else:
        out, todo, cells = _plain_numbers(f, values)
    for i, raw in zip(todo, cells):
        text = _normalise(raw)
        if text == "":
            blank[i] = True
            _blank(f, int(lines[i]), problems, out, i)
        elif text in f.not_applicable:
            na[i] = True
        else:
            value = _cell(f, raw, text, int(lines[i]), problems)
            if value is not None:
                out[i] = value
    return out, na, blank


def _cells(values: Any) -> Sequence[Any]:
    """Cells as a Python sequence (a polars column from the CSV fast path becomes a list)."""
    if isinstance(values, (list, tuple, np.ndarray)):
        return values  # type: ignore[return-value]  # an ndarray is indexed and iterated like one
    return list(values.to_list())


def _plain_numbers(f: FieldSpec, values: Any) -> tuple[np.ndarray, Any, Sequence[Any]]:
    """(values so far, the cell indices still to type one by one, those cells)."""
    series = fastcells.as_series(values)
    if series is None:
        return np.full(len(values), np.nan), range(len(values)), _cells(values)
    out, claimed = fastcells.plain_numbers(series, f.type == "percent", tuple(f.not_applicable))
    # A claimed value out of range goes back to the per-cell path, which words the message. Two
    # reductions say whether any is (unclaimed cells are NaN, which fmin/fmax pass over); the masks
    # below, ~10 passes over the column, are made only when one is.
    if not _all_in_range(f, out, ~claimed if f.type == "integer" else None):
        _unclaim_out_of_range(f, out, claimed)
    todo = np.flatnonzero(~claimed)
    return out, todo.tolist(), series.gather(todo).to_list() if todo.size else []


def _unclaim_out_of_range(f: FieldSpec, out: np.ndarray, claimed: np.ndarray) -> None:
    bad = ~(np.abs(out) <= MAX_MAGNITUDE)
    if f.min is not None:
        bad |= out < f.min
    if f.max is not None:
        bad |= out > f.max
    if f.type == "integer":
        bad |= out != np.floor(out)
    bad &= claimed
    claimed &= ~bad
    out[bad] = np.nan


def _numeric_array(f: FieldSpec, arr: np.ndarray, lines: np.ndarray, problems: _Problems,
                   ints: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``ints``: the array came as integers, so no cell is blank and every one is whole (as a float too:
    from 2**52 on every float is whole), and neither needs a look at each value."""
    blank = np.zeros(len(arr), dtype=bool) if ints else np.isnan(arr)
    some_blank = not ints and bool(blank.any())
    if some_blank and f.blank == "zero":
        arr = np.where(blank, 0.0, arr)
    elif some_blank and f.blank == "error":
        for i in np.flatnonzero(blank):
            problems.add(int(lines[i]), f.column, "", _blank_message(f))
    if _all_in_range(f, arr, blank if some_blank else None, ints):
        return arr, np.zeros(len(arr), dtype=bool), blank
    bad = ~blank & ~(np.abs(arr) <= MAX_MAGNITUDE)
    if f.min is not None:
        bad |= arr < f.min
    if f.max is not None:
        bad |= arr > f.max
    if f.type == "integer":
        bad |= ~blank & (arr != np.floor(arr))
    for i in np.flatnonzero(bad):
        problems.add(int(lines[i]), f.column, arr[i], _range_message(f))
    return arr, np.zeros(len(arr), dtype=bool), blank


def _all_in_range(f: FieldSpec, arr: np.ndarray, blank: np.ndarray | None, ints: bool = False) -> bool:
    """No cell out of range, found by two reductions (fmin/fmax pass over NaN) rather than a mask per
    limit; when one is out, _numeric_array's masks find which. ``blank``: the blank cells, if any;
    ``ints``: the values came as integers (whole)."""
    lo, hi = (float(np.fmin.reduce(arr)), float(np.fmax.reduce(arr))) if len(arr) else (0.0, 0.0)
    low = -MAX_MAGNITUDE if f.min is None else max(-MAX_MAGNITUDE, f.min)
    high = MAX_MAGNITUDE if f.max is None else min(MAX_MAGNITUDE, f.max)
    if lo != lo:  # every cell blank
        return True
    if not (low <= lo and hi <= high):
        return False
    if f.type != "integer" or ints:
        return True
    whole = np.floor(arr) == arr
    return bool(whole.all() if blank is None else (whole | blank).all())


def _blank(f: FieldSpec, line: int, problems: _Problems, out: np.ndarray, i: int) -> None:
    if f.blank == "zero" and f.type != "date":
        out[i] = 0.0
    elif f.blank == "error":
        problems.add(line, f.column, "", _blank_message(f))


def _blank_message(f: FieldSpec) -> str:
    return f"单元格为空，而规则集规定该列不能为空（blank: error）。请补上数值；若空白表示 0，在规则集中给字段 {f.name} 写 blank: zero；若表示缺失，写 blank: missing。"


def _range_message(f: FieldSpec) -> str:
    lo = "" if f.min is None else f"不小于 {_show_limit(f, f.min)}"
    hi = "" if f.max is None else f"不大于 {_show_limit(f, f.max)}"
    whole = "整数，" if f.type == "integer" else ""
    return f"超出允许范围：应为{whole}{'、'.join(x for x in (lo, hi) if x)}。请核对原表。"


def _show_limit(f: FieldSpec, value: float) -> str:
    return f"{value * 100:g}%" if f.type == "percent" else f"{value:g}"


def _cell(f: FieldSpec, raw: Any, text: str, line: int, problems: _Problems) -> Any:
    if f.type == "date":
        return _date(raw, text, f, line, problems)
    value = _number(raw, text, f)
    if value is None:
        problems.add(line, f.column, raw, _expected(f))
        return None
    if not abs(value) <= MAX_MAGNITUDE:
        problems.add(line, f.column, raw, f"数值过大（超过 {MAX_MAGNITUDE:.0e}）。这一列像是写进了证件号、编号之类的内容，请核对原表。")
        return None
    if (f.min is not None and value < f.min) or (f.max is not None and value > f.max) or \
            (f.type == "integer" and value != int(value)):
        problems.add(line, f.column, raw, _range_message(f))
        return None
    return value


def _number(raw: Any, text: str, f: FieldSpec) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):  # from an embedding tool: percent given as a fraction
        return float(raw)
    if f.type == "percent":
        if not text.endswith("%"):
            return None
        body = text[:-1].strip().replace(",", "")
        # Divide in decimal: float("93.1") / 100 is 0.9309999…, which would fall below a 93.1% line.
        return float(Decimal(body) / 100) if _NUMBER.match(body) else None
    body = text.replace(",", "")
    return float(body) if _NUMBER.match(body) else None


def _expected(f: FieldSpec) -> str:
    want = {"integer": "整数，例如 28", "number": "数字，例如 3.75", "percent": "百分数，例如 95.83%"}[f.type]
    na = f"；若它表示“不适用”，在规则集中给字段 {f.name} 写 not_applicable: [\"…\"]" if f.type != "text" else ""
    return f"应为{want}{na}。"


def _date(raw: Any, text: str, f: FieldSpec, line: int, problems: _Problems) -> np.datetime64 | None:
    if isinstance(raw, (dt.date, dt.datetime)):
        return np.datetime64(raw.isoformat()[:10], "D")
    m = _DATE.match(text)
    if m:
        try:
            return np.datetime64(dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), "D")
        except ValueError:
            pass
    problems.add(line, f.column, raw, "应为日期，例如 2023/8/2、2023-08-02 或 2023年8月2日。")
    return None
