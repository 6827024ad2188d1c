"""The Arrow C data interface's two structs, through which polars hands out a column's own buffers.

polars implements the interface (``Series._export_arrow_to_c``); reading a column's buffers this way
costs no copy and no pyarrow. report/arrowtext.py reads a String column's text buffers through it,
data/shortnumbers.py its views. Imported only by code that reads a polars column (ctypes' import is
not start-up's).
"""
from __future__ import annotations

import ctypes
from contextlib import contextmanager
from typing import Any, Iterator


class ArrowSchema(ctypes.Structure):
    pass


ArrowSchema._fields_ = [("format", ctypes.c_char_p), ("name", ctypes.c_char_p), ("metadata", ctypes.c_char_p),
                        ("flags", ctypes.c_int64), ("n_children", ctypes.c_int64), ("children", ctypes.c_void_p),
                        ("dictionary", ctypes.c_void_p), ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowSchema))),
                        ("private_data", ctypes.c_void_p)]


class ArrowArray(ctypes.Structure):
    pass


ArrowArray._fields_ = [("length", ctypes.c_int64), ("null_count", ctypes.c_int64), ("offset", ctypes.c_int64),
                       ("n_buffers", ctypes.c_int64), ("n_children", ctypes.c_int64), ("buffers", ctypes.POINTER(ctypes.c_void_p)),
                       ("children", ctypes.c_void_p), ("dictionary", ctypes.c_void_p),
                       ("release", ctypes.CFUNCTYPE(None, ctypes.POINTER(ArrowArray))), ("private_data", ctypes.c_void_p)]

STRING_VIEW = b"vu"  # the Arrow C format of a UTF-8 string-view array (polars' String)


@contextmanager
def exported(chunk: Any) -> Iterator[tuple[ArrowArray, ArrowSchema]]:
    """One chunk of a polars Series as (array, schema), released on leaving. The buffers the array
    points to are the chunk's: they live as long as ``chunk`` does, not as long as the export."""
    array, schema = ArrowArray(), ArrowSchema()
    chunk._export_arrow_to_c(ctypes.addressof(array), ctypes.addressof(schema))
    try:
        yield array, schema
    finally:
        array.release(ctypes.byref(array))
        schema.release(ctypes.byref(schema))
