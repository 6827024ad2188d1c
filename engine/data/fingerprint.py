"""Fingerprints of the input: the sha256 a verdict records for data that did not come from a file
(columns or records given through the API), as a file's sha256 is of its bytes."""
from __future__ import annotations

import functools
import hashlib
import json
from typing import Any, Callable

import numpy as np


def is_numeric_array(values: Any) -> bool:
    return isinstance(values, np.ndarray) and values.dtype.kind in "biufM"


def columns_fingerprint(digests: list[tuple[str, str]], arrays: dict[str, np.ndarray], key: str,
                        names: np.ndarray) -> Callable[[], str]:
    """How table_from_columns' sha256 is computed, when first asked: each column's digest (``digest``;
    the key column's from the names as normalised), sorted by column, then hashed together."""
    @functools.cache
    def sha256() -> str:
        every = [*digests, *((k, digest(v)) for k, v in arrays.items()), (key, text_sha("\x1f".join(names.tolist())))]
        return hashlib.sha256(repr(sorted(every)).encode()).hexdigest()
    return sha256


def data_sha(data: Any) -> str:
    """A stable fingerprint of in-memory data (records or columns), as a file's sha256 is of its bytes."""
    return text_sha(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str))


def digest(values: Any) -> str:
    arr = np.asarray(values)
    if arr.dtype.kind in "biufM":  # the bytes of tobytes(), read in place when the array is contiguous already
        return hashlib.sha256(np.ascontiguousarray(arr).view(np.uint8).data).hexdigest()
    return text_sha("\x1f".join(map(str, arr.tolist())))


def text_sha(text: str) -> str:
    """sha256 of text as UTF-8; a lone surrogate (a name from a file name that is not UTF-8) is hashed as
    its own three bytes rather than refused, so such a name reaches the verdict, escaped, as a file name does."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
