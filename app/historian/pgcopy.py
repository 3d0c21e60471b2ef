"""PostgreSQL binary ``COPY`` payloads built with numpy: no Python work per row.

A binary COPY row is a field count followed by (length, bytes) per field, length -1 for
NULL. Rows with the same NULL pattern have the same layout, so each pattern becomes one
numpy structured array; rows of several patterns are simply concatenated (COPY does not
care about row order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
TRAILER = b"\xff\xff"
#: numpy big-endian type of each PostgreSQL column type we write.
PG_TYPES = {"int2": ">i2", "int4": ">i4", "int8": ">i8", "float8": ">f8"}


@dataclass(frozen=True)
class Column:
    """One column: its values, its PostgreSQL type, and where it is NULL (``None``: never)."""

    values: np.ndarray
    pg_type: str
    null: np.ndarray | None = None


def binary_copy(columns: Sequence[Column]) -> bytes:
    """The whole COPY payload (header, rows, trailer) for ``columns`` of equal length."""
    if not columns:
        return HEADER + TRAILER
    n = len(columns[0].values)
    nullable = [i for i, c in enumerate(columns) if c.null is not None and c.null.any()]
    if not nullable:
        return b"".join((HEADER, _rows(columns, np.arange(n), ()), TRAILER))
    pattern = np.zeros(n, np.int64)
    for bit, i in enumerate(nullable):
        null = columns[i].null
        assert null is not None
        pattern |= null.astype(np.int64) << bit
    parts = [HEADER]
    for p in np.unique(pattern).tolist():
        nulls = {i for bit, i in enumerate(nullable) if p >> bit & 1}
        parts.append(_rows(columns, np.flatnonzero(pattern == p), nulls))
    parts.append(TRAILER)
    return b"".join(parts)


def _rows(columns: Sequence[Column], rows: np.ndarray, nulls: set[int] | tuple[()]) -> bytes:
    fields: list[tuple[str, str]] = [("n", ">i2")]
    for i, c in enumerate(columns):
        fields.append((f"l{i}", ">i4"))
        if i not in nulls:
            fields.append((f"v{i}", PG_TYPES[c.pg_type]))
    out = np.empty(len(rows), np.dtype(fields))
    out["n"] = len(columns)
    for i, c in enumerate(columns):
        if i in nulls:
            out[f"l{i}"] = -1
        else:
            out[f"l{i}"] = np.dtype(PG_TYPES[c.pg_type]).itemsize
            out[f"v{i}"] = c.values[rows]
    return out.tobytes()
