"""Large tables take a columnar path (polars reads the CSV, whole columns are typed at once);
it must give exactly the table, warnings and messages of the cell-by-cell path.

The thresholds are set to zero here so that every small fixture takes the fast path, and the
bad-data and blank-cell suites run again on it (imported below: their assertions unchanged).
"""
from __future__ import annotations

import codecs
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tongbao
from tongbao.data import csvcolumns, fastcells, tables
from tongbao.data.csvfile import read_csv
from tongbao.errors import DataError
from tongbao.rules.formatting import Format
from tongbao.rules.model import FieldSpec, Where


def spec(name: str, kind: str, blank: str = "missing", not_applicable: tuple[str, ...] = (), lo: float | None = None,
         hi: float | None = None) -> FieldSpec:
    return FieldSpec(name, name, kind, name, blank, not_applicable, lo, hi, Format.parse(kind), "sum", Where("r.yaml", None, None, ""))

from test_bad_data import *  # noqa: F401,F403 - the same cases, on the fast path (see fast_path)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvcolumns, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(fastcells, "FAST_MIN_CELLS", 0)


def _exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvcolumns, "FAST_MIN_BYTES", 10**12)
    monkeypatch.setattr(fastcells, "FAST_MIN_CELLS", 10**12)


def _same_table(a: tables.Table, b: tables.Table) -> None:
    assert a.names.tolist() == b.names.tolist()
    assert a.lines.tolist() == b.lines.tolist()
    assert a.columns.keys() == b.columns.keys()
    for k in a.columns:
        x, y = a.columns[k], b.columns[k]
        assert x.dtype == y.dtype
        assert [str(v) for v in x.tolist()] == [str(v) for v in y.tolist()], k  # NaN == NaN, -0.0 != 0.0
        assert a.not_applicable[k].tolist() == b.not_applicable[k].tolist()
        assert a.blank[k].tolist() == b.blank[k].tolist()
    assert [w.to_dict() for w in a.warnings] == [w.to_dict() for w in b.warnings]
    assert (a.sha256, a.encoding) == (b.sha256, b.encoding)


def _outcome(build: object) -> object:
    try:
        return build()  # type: ignore[operator]
    except DataError as exc:
        return str(exc)


def test_the_fast_path_is_taken_and_reads_the_seed_like_the_exact_one(monkeypatch: pytest.MonkeyPatch) -> None:
    csv = ROOT / "examples" / "tonggu-ganzhengtong" / "units.csv"
    assert isinstance(read_csv(csv), csvcolumns.ColumnTable)
    rules = tongbao.load_ruleset(ROOT / "rulesets" / "tonggu-ganzhengtong.yaml")
    fast = tongbao.load_table(rules, csv)
    _exact(monkeypatch)
    assert not isinstance(read_csv(csv), csvcolumns.ColumnTable)
    _same_table(fast, tongbao.load_table(rules, csv))


@pytest.mark.parametrize("text", [
    "a,b\n1,2\n",
    "a,b\r\n1,2\r\n\r\n3,4",  # CRLF, a blank line, no final newline
    "\n\n a , b \n,\n1,2\n,,\n3\n",  # blank lines before the header, a short row
    'a,b\n"1,5",2\n',  # quotes: the exact reader
    "a,b\n1,2\r3,4\n",  # a lone CR: the exact reader
    "a,b\n1,2,,\n",  # longer than the header (but empty): the exact reader
    "a,b\n1,2,3\n",  # longer than the header: the exact reader's message
    "a,a\n1,2\n",  # a repeated header
    "a,b\n",
    "\u3000,\n a,b\n1,2\n",  # a line of Unicode spaces is blank
    "a,b\n,5\n \u3000, \n1,\n",  # a first cell blank, the row not (kept); a blank row; a row blank after its first cell
])
def test_csv_shapes_read_the_same_both_ways(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    layout = tables.Layout("a", (spec("b", "number"),))

    def build() -> tables.Table:
        from tongbao.data.inputs import _from_path
        return _from_path(path, layout, None)
    fast = _outcome(build)
    _exact(monkeypatch)
    exact = _outcome(build)
    if isinstance(exact, str):
        assert fast == exact
    else:
        _same_table(fast, exact)  # type: ignore[arg-type]



@pytest.mark.parametrize("encoding, data", [
    ("utf-8", "单位,b\n甲,1\n乙,2\n".encode("utf-8")),
    ("utf-8-sig", codecs.BOM_UTF8 + "单位,b\n甲,1\n".encode("utf-8")),
    ("gb18030", "单位,b\n甲,1\n乙,2\n".encode("gb18030")),          # not UTF-8: polars refuses it, the chain decodes it
    ("utf-8-sig", codecs.BOM_UTF8 * 2 + "单位,b\n甲,1\n".encode("utf-8")),  # a second BOM: decoded, then stripped
])
def test_encodings_read_the_same_both_ways(encoding: str, data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    layout = tables.Layout("单位", (spec("b", "number"),))
    from tongbao.data.inputs import _from_path
    fast = _from_path(path, layout, None)
    assert fast.encoding == encoding
    _exact(monkeypatch)
    _same_table(fast, _from_path(path, layout, None))


def test_a_utf8_file_is_read_from_its_bytes_without_decoding_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "t.csv"
    path.write_text("单位,b\n甲,1\n乙,2\n", encoding="utf-8")
    from tongbao.data import csvfile

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded")
    monkeypatch.setattr(csvfile, "decode", no_decoding)
    table = read_csv(path)
    assert isinstance(table, csvcolumns.ColumnTable) and table.encoding == "utf-8"
    assert [c.to_list() for c in table.columns] == [["甲", "乙"], ["1", "2"]]


CELLS = st.one_of(
    st.sampled_from(["", " ", "/", "—", "0", "-0", "+5", "-+5", "+-5", "5.", ".5", ".", "1,234", "1,2.3.4", "12.5%", "93.1%",
                     " 93.1 % ", "100%", "101%", "-1", "1e5", "inf", "nan", "0x10", "１２", "１２％", "3.0", "2.5", "1_000",
                     "99999999999999999", "0.000000000000001", "12 %", "%", "5%%", "\x1c7\x1f", "\u30007", "٣"]),
    st.from_regex(r"[+-]?[0-9,]{0,18}(\.[0-9]{0,8})?%?", fullmatch=True),
    st.text(alphabet="0123456789.,%+- /", max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=30), st.sampled_from(["integer", "number", "percent"]),
       st.sampled_from(["zero", "missing", "error"]), st.booleans())
def test_any_cells_type_the_same_both_ways(cells: list[str], kind: str, blank: str, bounded: bool) -> None:
    field = spec("x", kind, blank, ("/", "—"), 0.0 if bounded else None, (1.0 if kind == "percent" else 500.0) if bounded else None)
    lines = np.arange(2, len(cells) + 2)

    def parse() -> object:
        problems = tables._Problems("t.csv")
        out = tables.parse_column(field, list(cells), lines, problems)
        return [str(a.tolist()) for a in out], [str(p) for p in problems.items], problems.more
    fastcells.FAST_MIN_CELLS = 0
    try:
        fast = parse()
    finally:
        fastcells.FAST_MIN_CELLS = 10**12
    try:
        exact = parse()
    finally:
        fastcells.FAST_MIN_CELLS = 5_000
    assert fast == exact


def test_claimed_values_are_the_nearest_double_to_the_decimal() -> None:
    import polars as pl

    texts = [f"{i / 1000:.3f}%" for i in range(0, 100_001, 7)] + ["93.1%", "0.0695%", "28.85%"]
    values, claimed = fastcells.plain_numbers(pl.Series(texts), True, ())
    assert claimed.all()
    from decimal import Decimal
    assert values.tolist() == [float(Decimal(t[:-1]) / 100) for t in texts]
    assert values[-3] == 0.931 and not math.isnan(values[0])


def test_the_whitespace_stripped_is_what_str_strip_strips() -> None:
    assert csvcolumns.PY_SPACE == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert fastcells.ASCII_SPACE == "".join(chr(c) for c in range(128) if chr(c).isspace())


def test_a_cell_with_more_decimals_than_a_double_holds_goes_to_the_per_cell_path() -> None:
    # "0.000…01" with 31 zeros is 32 digits: unclaimed. Before, its scale (10**32) was looked up
    # for every cell, claimed or not, and the whole column stopped with an IndexError.
    import polars as pl

    tiny = "0." + "0" * 30 + "1"
    values, claimed = fastcells.plain_numbers(pl.Series([tiny, "12.5", "7"]), False, ())
    assert claimed.tolist() == [False, True, True]
    assert values.tolist()[1:] == [12.5, 7.0] and math.isnan(values[0])
    lines = np.arange(2, 5)
    out, _, _ = tables.parse_column(spec("x", "number"), [tiny, "12.5", "7"], lines, tables._Problems("t.csv"))
    assert out.tolist() == [1e-31, 12.5, 7.0]


def test_bare_and_general_tiers_by_hand() -> None:
    import polars as pl

    cells = ["237", "84.81%", " 1,234 %", "-3%", "100%", "0%", ".5%", "5.%", "0.0695%", "12 %"]
    values, claimed = fastcells.plain_numbers(pl.Series(cells), True, ("0%",))
    assert claimed.tolist() == [False, True, True, True, True, False, True, True, True, True]
    assert values.tolist()[1:5] == [0.8481, 12.34, -0.03, 1.0]      # the bare tier, then the general one
    assert values.tolist()[6:] == [0.005, 0.05, 0.000695, 0.12]
    values, claimed = fastcells.plain_numbers(pl.Series(["0", "00", "1234567890123456", "123456789012345"]), False, ("0",))
    assert claimed.tolist() == [False, True, False, True]            # "0" is the not-applicable token here; 16 digits are too many
    assert values[1] == 0.0 and values[3] == 123456789012345.0
