"""Reading history: raw ranges, the value before a range, bucketed aggregates, CSV export.

Times are datetimes (UTC) or µs integers at the boundary; arrays are numpy. Aggregates come
from the minute or hour rollups when a bucket is at least that wide (a 7-day trend reads
10,080 minute rows per pen, not 604,800 samples), and from raw samples when zoomed in.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

import numpy as np
from sqlalchemy import Engine

from app.core.tags import Quality
from app.historian.schema import HOUR_S, MINUTE_S, US

BAD = int(Quality.BAD)


def to_us(t: datetime | int | float) -> int:
    if isinstance(t, datetime):
        if t.tzinfo is None:
            t = t.replace(tzinfo=UTC)
        return int(round(t.timestamp() * US))
    return int(t)


def from_us(ts: int) -> datetime:
    return datetime.fromtimestamp(ts / US, UTC)


@dataclass
class Series:
    """Raw samples of one tag: ts (µs), value (NaN = none), quality."""

    ts: np.ndarray
    value: np.ndarray
    quality: np.ndarray

    def __len__(self) -> int:
        return len(self.ts)


@dataclass
class Buckets:
    """``n`` buckets of ``width_us`` from ``start``; NaN where a bucket has no usable sample."""

    start: np.ndarray  # bucket start, µs
    vmin: np.ndarray
    vmax: np.ndarray
    avg: np.ndarray
    first: np.ndarray
    last: np.ndarray
    count: np.ndarray
    bad_count: np.ndarray
    source: str  # "raw", "rollup60" or "rollup3600"

    def __len__(self) -> int:
        return len(self.start)


class HistoryReader:
    """Read-only queries; safe to call from any worker thread (never the GUI thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.p = "?" if engine.dialect.name == "sqlite" else "%s"
        self._ids: dict[str, int] = {}

    def _query(self, sql: str, params: tuple) -> list[tuple]:  # type: ignore[type-arg]
        with self.engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            assert dbapi is not None
            cur = dbapi.cursor()
            try:
                cur.execute(sql.replace("?", self.p), params)
                return list(cur.fetchall())
            finally:
                cur.close()

    def tag_id(self, name: str) -> int | None:
        if name not in self._ids:
            rows = self._query("SELECT id FROM tags WHERE name = ?", (name,))
            if not rows:
                return None
            self._ids[name] = int(rows[0][0])
        return self._ids[name]

    def tag_names(self) -> list[str]:
        return [r[0] for r in self._query("SELECT name FROM tags ORDER BY name", ())]

    # --- raw ------------------------------------------------------------------------
    def raw(self, tag: str, start: datetime | int, end: datetime | int) -> Series:
        """Archived samples with ``start <= ts < end``."""
        tid = self.tag_id(tag)
        if tid is None:
            return Series(np.empty(0, np.int64), np.empty(0), np.empty(0, np.int8))
        rows = self._query("SELECT ts, value, quality FROM samples WHERE tag_id = ? AND ts >= ? AND ts < ? "
                           "ORDER BY ts", (tid, to_us(start), to_us(end)))
        return _series(rows)

    def last_before(self, tag: str, start: datetime | int) -> Series:
        """The newest sample before ``start`` (what the trend holds from the left edge)."""
        tid = self.tag_id(tag)
        if tid is None:
            return _series([])
        rows = self._query("SELECT ts, value, quality FROM samples WHERE tag_id = ? AND ts < ? "
                           "ORDER BY ts DESC LIMIT 1", (tid, to_us(start)))
        return _series(rows)

    # --- aggregates -----------------------------------------------------------------
    def aggregate(self, tag: str, start: datetime | int, end: datetime | int, buckets: int, *,
                  display: bool = False) -> Buckets:
        """``buckets`` equal buckets over [start, end): min, max, avg, first, last, counts.

        ``display``: ``buckets`` is a trend's width in pixels. Where the next coarser rollup
        still gives a bucket per 4 pixels or fewer, the buckets are that rollup's width
        (fewer of them) and read from it: a 30-day trend 2,000 pixels wide gets 720 hour
        buckets (min and max of each hour, so no peak is lost) instead of reading 43,200
        minute rows per pen."""
        t0, t1 = to_us(start), to_us(end)
        n = max(1, int(buckets))
        if display:
            for rollup in (HOUR_S, MINUTE_S):
                w = rollup * US
                if (t1 - t0) // n < w <= 4 * ((t1 - t0) // n):
                    n = max(1, (t1 - t0) // w)
                    break
        width = max(1, (t1 - t0) // n)
        starts = t0 + np.arange(n, dtype=np.int64) * width
        tid = self.tag_id(tag)
        if tid is None:
            return _empty_buckets(starts, "raw")
        for rollup in (HOUR_S, MINUTE_S):
            if width >= rollup * US:
                w = rollup * US
                return self._buckets(_ROLLUP_SQL, (t0, width, tid, rollup, (t0 // w) * w, t1, tid, rollup, tid, rollup),
                                     starts, f"rollup{rollup}")
        return self._buckets(_RAW_SQL, (t0, width, tid, t0, t1, tid, tid), starts, "raw")

    def _buckets(self, sql: str, params: tuple, starts: np.ndarray, source: str) -> Buckets:  # type: ignore[type-arg]
        """Aggregate in the database: one row per non-empty output bucket comes back."""
        rows = self._query(sql, params)
        out = _empty_buckets(starts, source)
        if not rows:
            return out
        arr = np.array(rows, dtype=np.float64)  # NULL -> nan
        k = np.clip(arr[:, 0].astype(np.int64), 0, len(starts) - 1)
        out.vmin[k], out.vmax[k] = arr[:, 1], arr[:, 2]
        cnt = arr[:, 4].astype(np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.avg[k] = np.where(cnt > 0, arr[:, 3] / np.maximum(cnt, 1), np.nan)
        out.count[k] = cnt
        out.bad_count[k] = arr[:, 5].astype(np.int64)
        out.first[k], out.last[k] = arr[:, 6], arr[:, 7]
        return out

    # --- export ---------------------------------------------------------------------
    def export_csv(self, tags: list[str], start: datetime | int, end: datetime | int,
                   out: TextIO | None = None) -> str:
        """Raw samples of ``tags`` in [start, end) as CSV (time UTC ISO, tag, value, quality)."""
        buf = out or io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["time_utc", "tag", "value", "quality"])
        for tag in tags:
            s = self.raw(tag, start, end)
            for ts, v, q in zip(s.ts.tolist(), s.value.tolist(), s.quality.tolist(), strict=True):
                writer.writerow([from_us(ts).isoformat(timespec="microseconds"), tag,
                                 "" if math.isnan(v) else repr(v), Quality(q).name])
        return buf.getvalue() if isinstance(buf, io.StringIO) and out is None else ""


# Bucket k = (ts - t0) // width; first/last are looked up by the bucket's first/last
# usable time through the primary key: portable SQL for SQLite and PostgreSQL.
_ROLLUP_SQL = """
WITH a AS (
  SELECT (ts - ?) / ? AS k, min(vmin) AS vmin, max(vmax) AS vmax, sum(total) AS total, sum("count") AS cnt,
         sum(bad_count) AS bad, min(CASE WHEN "count" > 0 THEN ts END) AS fts,
         max(CASE WHEN "count" > 0 THEN ts END) AS lts
  FROM rollups WHERE tag_id = ? AND width_s = ? AND ts >= ? AND ts < ? GROUP BY 1)
SELECT a.k, a.vmin, a.vmax, a.total, a.cnt, a.bad, f."first", l."last"
FROM a LEFT JOIN rollups f ON f.tag_id = ? AND f.width_s = ? AND f.ts = a.fts
LEFT JOIN rollups l ON l.tag_id = ? AND l.width_s = ? AND l.ts = a.lts
ORDER BY a.k
"""
_RAW_SQL = f"""
WITH a AS (
  SELECT (ts - ?) / ? AS k,
         min(CASE WHEN quality <> {BAD} THEN value END) AS vmin,
         max(CASE WHEN quality <> {BAD} THEN value END) AS vmax,
         sum(CASE WHEN quality <> {BAD} THEN value END) AS total,
         count(CASE WHEN quality <> {BAD} THEN value END) AS cnt,
         sum(CASE WHEN quality = {BAD} THEN 1 ELSE 0 END) AS bad,
         min(CASE WHEN quality <> {BAD} AND value IS NOT NULL THEN ts END) AS fts,
         max(CASE WHEN quality <> {BAD} AND value IS NOT NULL THEN ts END) AS lts
  FROM samples WHERE tag_id = ? AND ts >= ? AND ts < ? GROUP BY 1)
SELECT a.k, a.vmin, a.vmax, a.total, a.cnt, a.bad, f.value, l.value
FROM a LEFT JOIN samples f ON f.tag_id = ? AND f.ts = a.fts
LEFT JOIN samples l ON l.tag_id = ? AND l.ts = a.lts
ORDER BY a.k
"""


def _series(rows: list[tuple]) -> Series:  # type: ignore[type-arg]
    if not rows:
        return Series(np.empty(0, np.int64), np.empty(0), np.empty(0, np.int8))
    ts = np.fromiter((r[0] for r in rows), np.int64, len(rows))
    value = np.fromiter((np.nan if r[1] is None else r[1] for r in rows), np.float64, len(rows))
    quality = np.fromiter((r[2] for r in rows), np.int8, len(rows))
    return Series(ts, value, quality)


def _empty_buckets(starts: np.ndarray, source: str) -> Buckets:
    n = len(starts)
    nan = np.full(n, np.nan)
    zero = np.zeros(n, np.int64)
    return Buckets(starts, nan, nan.copy(), nan.copy(), nan.copy(), nan.copy(), zero, zero.copy(), source)
