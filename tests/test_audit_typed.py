"""The audit reading plain figures from their typed column (agrees_as_typed) says what parsing each
printed text says (agrees_as_printed), cell for cell; figure_decimals counts as the regex does."""
from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tongbao.data import tables
from tongbao.data.textcells import _decimals_of, figure_decimals, normalise_all
from tongbao.rules.formatmany import agrees_as_printed, agrees_as_typed
from tongbao.rules.formatting import Format
from tongbao.rules.model import FieldSpec, Where

_figures = st.tuples(st.integers(-10**6, 10**9), st.integers(0, 4)).map(lambda t: f"{t[0] / 10**t[1]:.{t[1]}f}")
_odd = st.sampled_from(["", "/", "1,234.5", "１２.５", " 7.25 ", "3.", ".5", "+2", "1.2万", "12 %", "—", "0.125"])
_cells = st.lists(st.tuples(_figures | _odd, st.booleans()).map(lambda t: t[0] + ("%" if t[1] else "")), min_size=1, max_size=25)


@given(_cells, st.booleans(), st.data())
@settings(max_examples=400, deadline=None)
def test_typed_audit_is_the_printed_audit(cells: list[str], percent: bool, data: st.DataObject) -> None:
    kind = "percent" if percent else "number"
    field = FieldSpec("x", "x", kind, "x", "missing", ("/",), None, None, Format.parse(kind), "sum", Where("r.yaml", None, None, ""))
    problems = tables._Problems("t.csv")
    values, _, _ = tables.parse_column(field, cells, np.arange(2, len(cells) + 2), problems)
    assume(not problems.items)
    printed = np.array(normalise_all(cells), dtype=object)
    scale = 100.0 if percent else 1.0
    nudge = data.draw(st.lists(st.sampled_from([0.0, 0.005, -0.005, 0.5, 1e-12, 0.05]), min_size=len(cells), max_size=len(cells)))
    computed = np.nan_to_num(values, nan=0.3125) + np.array(nudge) / scale
    decimals = figure_decimals(list(printed), percent)
    want = agrees_as_printed(printed, computed)
    assert agrees_as_typed(printed, decimals, values, computed, percent).tolist() == want.tolist()


@given(st.lists(_figures | _odd | st.text(max_size=6), max_size=30), st.booleans())
@settings(max_examples=300, deadline=None)
def test_figure_decimals_column_equals_cells(texts: list[str], percent: bool) -> None:
    texts = [t + "%" if percent and i % 2 else t for i, t in enumerate(texts)]
    assert figure_decimals(texts, percent).tolist() == [_decimals_of(t, percent) for t in texts]


def test_known_decimals() -> None:
    assert figure_decimals(["12.5%", "12.50%", "-3%", "3", "", "/", "1,234%", "0.001%"], True).tolist() == [1, 2, 0, -1, -1, -1, -1, 3]
    assert figure_decimals(["12.5", "3.", ".5", "1234567890123456", "-0.25"], False).tolist() == [1, -1, -1, -1, 2]
