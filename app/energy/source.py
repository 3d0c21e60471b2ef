"""Where period figures come from: the historian (:class:`HistorianSource`) or arrays of
samples (:class:`ArraySource`, for tests, benchmarks and the simulator driven in-process).

Both answer the same three questions over ``[start, end)``:

- :meth:`counter_delta`: how much a counter went up. Counters that reset (shift counters,
  a meter exchanged) are handled: a drop means a reset, and the new reading is what was
  counted since. The value at each boundary is interpolated between the samples around it.
- :meth:`integral_h`: the integral of a rate (kW, t/h, Nm³/h) in value-hours, each value held
  until the next sample (the historian's step interpolation).
- :meth:`weighted_integral_h`: the integral of ``rate x pct / 100`` (copper in concentrate).
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import numpy as np

from app.historian.reader import HistoryReader, to_us

US_PER_H = 3_600_000_000


class PeriodSource(Protocol):
    def counter_delta(self, tag: str, start: datetime, end: datetime) -> float | None: ...

    def integral_h(self, tag: str, start: datetime, end: datetime) -> float | None: ...

    def weighted_integral_h(self, rate: str, pct: str, start: datetime, end: datetime) -> float | None: ...

    def latest(self, tag: str, at: datetime) -> float | None: ...


def reset_aware_increase(values: np.ndarray) -> float:
    """Sum of the rises of a counter in order; after a drop (a reset) the new reading counts."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return 0.0
    d = np.diff(v)
    return float(np.where(d >= 0, d, np.maximum(v[1:], 0.0)).sum())


def _value_at(ts: np.ndarray, v: np.ndarray, t: int) -> float:
    """Counter reading at ``t``: interpolated between the samples around it; held across a reset."""
    i = int(np.searchsorted(ts, t, side="right"))  # ts[i-1] <= t < ts[i]
    if i == 0:
        return float(v[0])
    if i >= len(ts) or ts[i - 1] == t:
        return float(v[i - 1])
    v0, v1 = float(v[i - 1]), float(v[i])
    if v1 < v0:  # reset between the samples: hold the last reading
        return v0
    return v0 + (v1 - v0) * (t - ts[i - 1]) / (ts[i] - ts[i - 1])


def _held_integral(ts: np.ndarray, v: np.ndarray, a: int, b: int) -> float | None:
    """∫ value dt over [a, b) in value-hours, each sample held until the next (µs times)."""
    if len(ts) == 0 or ts[0] >= b:
        return None
    i0 = max(int(np.searchsorted(ts, a, side="right")) - 1, 0)
    i1 = int(np.searchsorted(ts, b, side="left"))
    t = ts[i0:i1].astype(np.int64).copy()
    val = v[i0:i1]
    t[0] = max(t[0], a)
    edges = np.append(t, b)
    ok = np.isfinite(val)
    return float((val[ok] * np.diff(edges)[ok]).sum() / US_PER_H)


class ArraySource:
    """Samples in memory: ``{tag: (ts_us, values)}``, each sorted by time."""

    def __init__(self, series: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        self.series = {k: (np.asarray(t, np.int64), np.asarray(v, np.float64)) for k, (t, v) in series.items()}

    def counter_delta(self, tag: str, start: datetime, end: datetime) -> float | None:
        if tag not in self.series:
            return None
        ts, v = self.series[tag]
        a, b = to_us(start), to_us(end)
        if len(ts) == 0 or ts[0] > b or ts[-1] < a:
            return None
        i0, i1 = int(np.searchsorted(ts, a, side="right")), int(np.searchsorted(ts, b, side="left"))
        seq = np.concatenate(([_value_at(ts, v, a)], v[i0:i1], [_value_at(ts, v, b)]))
        return reset_aware_increase(seq)

    def integral_h(self, tag: str, start: datetime, end: datetime) -> float | None:
        if tag not in self.series:
            return None
        ts, v = self.series[tag]
        return _held_integral(ts, v, to_us(start), to_us(end))

    def weighted_integral_h(self, rate: str, pct: str, start: datetime, end: datetime) -> float | None:
        if rate not in self.series or pct not in self.series:
            return None
        ts, r = self.series[rate]
        tp, p = self.series[pct]
        # the percentage held at each rate sample
        j = np.clip(np.searchsorted(tp, ts, side="right") - 1, 0, len(tp) - 1)
        return _held_integral(ts, r * p[j] / 100.0, to_us(start), to_us(end))

    def latest(self, tag: str, at: datetime) -> float | None:
        if tag not in self.series:
            return None
        ts, v = self.series[tag]
        i = int(np.searchsorted(ts, to_us(at), side="right")) - 1
        return float(v[i]) if i >= 0 else None


class HistorianSource:
    """Figures from the historian: boundaries from raw samples, the inside from rollups
    (minute buckets up to two days, hour buckets beyond), so a month reads ~720 rows a tag."""

    BOUNDARY_US = US_PER_H  # how far to look for the samples around a boundary

    def __init__(self, reader: HistoryReader) -> None:
        self.reader = reader

    def _buckets(self, start: datetime, end: datetime) -> int:
        span_h = (to_us(end) - to_us(start)) / US_PER_H
        return max(1, round(span_h * (60 if span_h <= 48 else 1)))

    def _boundary(self, tag: str, t: int) -> float | None:
        before = self.reader.last_before(tag, t + 1)
        after = self.reader.raw(tag, t + 1, t + self.BOUNDARY_US)
        ts = np.concatenate((before.ts, after.ts[:1]))
        v = np.concatenate((before.value, after.value[:1]))
        ok = np.isfinite(v)
        if not ok.any():
            return None
        return _value_at(ts[ok], v[ok], t)

    def counter_delta(self, tag: str, start: datetime, end: datetime) -> float | None:
        a, b = to_us(start), to_us(end)
        first, last = self._boundary(tag, a), self._boundary(tag, b)
        agg = self.reader.aggregate(tag, a, b, self._buckets(start, end))
        inner = np.column_stack((agg.first, agg.last)).ravel()
        seq = np.concatenate(([np.nan if first is None else first], inner, [np.nan if last is None else last]))
        if not np.isfinite(seq).any():
            return None
        return reset_aware_increase(seq)

    def _avg_held(self, tag: str, start: datetime, end: datetime) -> tuple[np.ndarray, np.ndarray] | None:
        a, b = to_us(start), to_us(end)
        agg = self.reader.aggregate(tag, a, b, self._buckets(start, end))
        avg = agg.avg.copy()
        prev = self.reader.last_before(tag, a)
        carry = float(prev.value[-1]) if len(prev) and np.isfinite(prev.value[-1]) else np.nan
        # an empty bucket holds the last value (compression stores no sample while nothing changes)
        for k in range(len(avg)):
            if np.isfinite(avg[k]):
                carry = float(agg.last[k]) if np.isfinite(agg.last[k]) else float(avg[k])
            else:
                avg[k] = carry
        if not np.isfinite(avg).any():
            return None
        width_h = np.diff(np.append(agg.start, b)) / US_PER_H
        return avg, width_h

    def integral_h(self, tag: str, start: datetime, end: datetime) -> float | None:
        got = self._avg_held(tag, start, end)
        if got is None:
            return None
        avg, w = got
        ok = np.isfinite(avg)
        return float((avg[ok] * w[ok]).sum())

    def weighted_integral_h(self, rate: str, pct: str, start: datetime, end: datetime) -> float | None:
        r, p = self._avg_held(rate, start, end), self._avg_held(pct, start, end)
        if r is None or p is None:
            return None
        ok = np.isfinite(r[0]) & np.isfinite(p[0])
        return float((r[0][ok] * p[0][ok] / 100.0 * r[1][ok]).sum())

    def latest(self, tag: str, at: datetime) -> float | None:
        s = self.reader.last_before(tag, to_us(at) + 1)
        return float(s.value[-1]) if len(s) and np.isfinite(s.value[-1]) else None

    def preload(self, tags: list[str], start: datetime, end: datetime) -> ArraySource:
        """Raw samples of ``tags`` around [start, end) in memory (one query per tag), for a
        report of many periods: each period is then answered in numpy, not in SQL."""
        a, b = to_us(start) - self.BOUNDARY_US, to_us(end) + self.BOUNDARY_US
        series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for tag in tags:
            before = self.reader.last_before(tag, a)
            raw = self.reader.raw(tag, a, b)
            ts = np.concatenate((before.ts, raw.ts))
            v = np.concatenate((before.value, raw.value))
            ok = np.isfinite(v) & np.concatenate((before.quality, raw.quality)).astype(bool)  # not Bad
            if ok.any():
                series[tag] = (ts[ok], v[ok])
        return ArraySource(series)
