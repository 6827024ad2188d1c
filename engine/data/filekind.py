"""Is this data file a workbook? Told apart here, so reading a CSV never imports the workbook reader."""
from __future__ import annotations

from pathlib import Path

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def is_workbook(path: Path) -> bool:
    """By name, or by content for a workbook saved under another name (units.csv that is an .xlsx)."""
    if path.suffix.lower() in SUFFIXES + (".et",):
        return True
    if not path.is_file():  # a FIFO or device is refused by the reader, without being opened here
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    return head.startswith(ZIP_MAGIC) or head == OLE_MAGIC
