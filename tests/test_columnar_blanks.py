"""The blank-cell suite again, on the columnar path (thresholds at zero; see test_columnar_ingest.py)."""
from __future__ import annotations

import pytest

from tongbao.data import csvcolumns, fastcells

from test_blank_cells import *  # noqa: F401,F403 - the same cases and assertions, on the fast path


@pytest.fixture(autouse=True)
def fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvcolumns, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr(fastcells, "FAST_MIN_CELLS", 0)
