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
from app.historian.chunk import compute_rollups
from app.historian.schema import HOUR_S, MINUTE_S, US

BAD = int(Quality.BAD)
MINUTE_US = MINUTE_S * US


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


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
        # rollup rows, plus what the writer has not written into them yet (see _OPEN_SAMPLES)
        if width >= HOUR_S * US:
            w0 = (t0 // (HOUR_S * US)) * HOUR_S * US
            floor = self._open_floor()
            return self._buckets(_HOUR_SQL, (tid, w0, t1, tid, max(t0, floor), t1, t0, width)
                                 + (tid, tid, floor) * 2, starts, f"rollup{HOUR_S}")
        if width >= MINUTE_S * US:
            w0 = (t0 // (MINUTE_S * US)) * MINUTE_S * US
            floor = self._open_floor()
            return self._buckets(_MINUTE_SQL, (tid, w0, t1, tid, max(t0, floor), t1, t0, width)
                                 + (tid, tid, floor) * 2, starts, f"rollup{MINUTE_S}")
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

    def _open_floor(self) -> int:
        """Where the minutes the writer has not written yet start, as of now (µs)."""
        rows = self._query("SELECT upto FROM rollup_marks WHERE name = 'minutes'", ())
        return int(rows[0][0]) + MINUTE_US if rows else _BIG - MINUTE_US

    def rollup_rows(self, tag_id: int, width_s: int, t0: int, t1: int,
                    max_hold_s: float = 3600.0) -> list[tuple]:  # type: ignore[type-arg]
        """Rollup rows (minutes or hours) of one tag with ``t0 <= ts < t1``, oldest first:
        (ts, vmin, vmax, total, count, first, last, tw_sum, tw_dur_s). Includes what the
        writer has not written into rows yet (the open minutes), computed from their samples
        as the writer will."""
        width = width_s * US
        floor = self._open_floor()
        rows = self._query(_ROWS_AND_OPEN_SQL, (tag_id, width_s, t0, t1, tag_id, floor, t1, tag_id,
                                                floor - int(max_hold_s * US), t1))
        stored = [r[1:] for r in rows if r[0] == 0]
        open_from = next((int(r[1]) for r in rows if r[0] == 3), None)
        raw = sorted((int(r[1]), r[2], int(r[3])) for r in rows if r[0] == 1)
        if raw and open_from is not None:
            prev = [(int(r[1]), r[2], int(r[3])) for r in rows if r[0] == 2]
            p_ts = prev[0][0] if prev and prev[0][2] != BAD and prev[0][1] is not None else -1
            p_v = float(prev[0][1]) if p_ts >= 0 else math.nan
            ts = np.array([r[0] for r in raw], np.int64)
            value = np.array([math.nan if r[1] is None else r[1] for r in raw], np.float64)
            inc = compute_rollups(np.zeros(len(ts), np.int32), ts, value, np.array([r[2] for r in raw], np.int8),
                                  np.array([p_ts], np.int64), np.array([p_v]), max_hold_s)
            keep = (inc.ts >= open_from) & (inc.ts >= t0 // MINUTE_US * MINUTE_US) & (inc.ts < t1)
            for i in np.flatnonzero(keep).tolist():
                n = int(inc.count[i])
                stored.append((int(inc.ts[i]), _num(inc.vmin[i]), _num(inc.vmax[i]), float(inc.total[i]), n,
                               _num(inc.first[i]) if n else None, _num(inc.last[i]) if n else None,
                               float(inc.tw_sum[i]), float(inc.tw_dur_s[i])))
        stored.sort(key=lambda r: int(r[0]))
        out: list[list] = []  # type: ignore[type-arg]
        for ts_, vmin, vmax, total, cnt, first, last, tw_sum, tw_dur in stored:
            b = int(ts_) // width * width
            if not out or out[-1][0] != b:
                out.append([b, vmin, vmax, total, cnt, first if cnt else None, last if cnt else None, tw_sum,
                            tw_dur])
                continue
            row = out[-1]  # a later part of the same bucket (rows come in time order)
            row[1] = vmin if row[1] is None else row[1] if vmin is None else min(row[1], vmin)
            row[2] = vmax if row[2] is None else row[2] if vmax is None else max(row[2], vmax)
            row[3] += total
            if cnt:
                if not row[4]:
                    row[5] = first
                row[6] = last
            row[4] += cnt
            row[7] += tw_sum
            row[8] += tw_dur
        return [tuple(r) for r in out]

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


# What the writer has not written into rollup rows yet (SampleSink._write_rows): minutes
# after the "minutes" mark are only in the samples (it adds them up and writes each minute,
# and adds it to its hour, once it is whole). Each query reads the mark and the rows in one
# statement, so both come from one snapshot.
# Bucket k = (ts - t0) // width; first/last are looked up by the bucket's first/last usable
# time: portable SQL for SQLite and PostgreSQL.
# Row starts never meet: rollup rows <= the mark < open samples.
_BIG = 9_223_372_036_854_775_807
_OPEN_FROM = f"(COALESCE((SELECT upto FROM rollup_marks WHERE name = 'minutes'), {_BIG - 60 * US}) + {60 * US})"
_OPEN_SAMPLES = f"""
  SELECT ts, CASE WHEN quality <> {BAD} THEN value END AS vmin, CASE WHEN quality <> {BAD} THEN value END AS vmax,
         CASE WHEN quality <> {BAD} AND value IS NOT NULL THEN value ELSE 0 END AS total,
         CASE WHEN quality <> {BAD} AND value IS NOT NULL THEN 1 ELSE 0 END AS "count",
         CASE WHEN quality = {BAD} THEN 1 ELSE 0 END AS bad_count,
         CASE WHEN quality <> {BAD} THEN value END AS "first", CASE WHEN quality <> {BAD} THEN value END AS "last"
  FROM samples WHERE tag_id = ? AND ts >= ? AND ts < ? AND ts >= {_OPEN_FROM}"""
# The "ts >= ?" bounds on samples are the start of the open minutes read just before (the mark
# only moves on): never tighter than the statement's own, they let PostgreSQL plan one or two
# daily partitions instead of every one in the range.
_COLS = 'ts, vmin, vmax, total, "count", bad_count, "first", "last"'
# first/last by the bucket's first/last usable time, looked up through the primary keys: in
# the rollup rows, else the samples (row starts never meet, see above)
_BUCKETS = """,
a AS (
  SELECT (ts - ?) / ? AS k, min(vmin) AS vmin, max(vmax) AS vmax, sum(total) AS total, sum("count") AS cnt,
         sum(bad_count) AS bad, min(CASE WHEN "count" > 0 THEN ts END) AS fts,
         max(CASE WHEN "count" > 0 THEN ts END) AS lts
  FROM r GROUP BY 1)
SELECT a.k, a.vmin, a.vmax, a.total, a.cnt, a.bad, {first}, {last} FROM a ORDER BY a.k
"""


def _pick(column: str, at: str, width: int) -> str:
    return (f'COALESCE((SELECT "{column}" FROM rollups WHERE tag_id = ? AND width_s = {width} AND ts = a.{at}), '
            f"(SELECT value FROM samples WHERE tag_id = ? AND ts >= ? AND ts = a.{at}))")


_MINUTE_SQL = f"""
WITH r AS (
  SELECT {_COLS} FROM rollups WHERE tag_id = ? AND width_s = 60 AND ts >= ? AND ts < ?
  UNION ALL {_OPEN_SAMPLES})""" + _BUCKETS.format(first=_pick("first", "fts", 60), last=_pick("last", "lts", 60))
_HOUR_SQL = f"""
WITH r AS (
  SELECT {_COLS} FROM rollups WHERE tag_id = ? AND width_s = 3600 AND ts >= ? AND ts < ?
  UNION ALL {_OPEN_SAMPLES})""" + _BUCKETS.format(first=_pick("first", "fts", 3600), last=_pick("last", "lts", 3600))
_RCOLS = 'ts, vmin, vmax, total, "count", "first", "last", tw_sum, tw_dur_s'
# kind 0: rollup rows, 1: open samples, 2: the sample before them, 3: where they start
_ROWS_AND_OPEN_SQL = f"""
SELECT 0 AS kind, {_RCOLS} FROM rollups WHERE tag_id = ? AND width_s = ? AND ts >= ? AND ts < ?
UNION ALL
SELECT 1, ts, value, quality, NULL, NULL, NULL, NULL, NULL, NULL FROM samples
  WHERE tag_id = ? AND ts >= ? AND ts >= {_OPEN_FROM} AND ts < ?
UNION ALL
SELECT 2, ts, value, quality, NULL, NULL, NULL, NULL, NULL, NULL FROM (
  SELECT ts, value, quality FROM samples WHERE tag_id = ? AND ts >= ? AND ts < ? AND ts < {_OPEN_FROM}
  ORDER BY ts DESC LIMIT 1) p
UNION ALL
SELECT 3, {_OPEN_FROM}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
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
