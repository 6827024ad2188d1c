"""A big CSV file: polars (~0.3 s to import) is imported in a second thread while the file's bytes are
read and hashed (data/csvfile.py); a small one, every seed's, never imports it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tongbao.data import csvcolumns

CODE = """
import sys, threading
from tongbao.data import csvfile
assert "polars" not in sys.modules
csvfile._import_polars_meanwhile(sys.argv[1])
started = [t for t in threading.enumerate() if t.name == "import polars"]
for t in started:
    t.join()
print(len(started), "polars" in sys.modules)
"""


@pytest.mark.parametrize("size, expected", [(csvcolumns.FAST_MIN_BYTES, "1 True"), (csvcolumns.FAST_MIN_BYTES - 1, "0 False")])
def test_polars_is_imported_meanwhile_for_a_file_the_columnar_reader_reads(size: int, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n" + b"x" * (size - 4))
    done = subprocess.run([sys.executable, "-c", CODE, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == expected.split()


def test_a_missing_file_starts_nothing_and_is_left_to_the_reader(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", CODE, str(tmp_path / "none.csv")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False"]
