"""Rollup rows are written once their minute is whole; the writer adds up the open minutes.

A successor that takes over from a writer which died with open minutes (added up in its memory
only) takes them up again from the stored samples: once it has written them, every minute and
hour row equals what one writer computing everything from all samples at once gets. Meanwhile
readers see the open minutes from the samples. On SQLite and a real PostgreSQL.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sqlalchemy import Engine, text

from app.core.tags import Quality
from app.historian.chunk import compute_rollups
from app.historian.compression import Compressor
from app.historian.reader import HistoryReader
from app.historian.writer import SampleSink
from tests.historian.conftest import T0

US = 1_000_000
NAMES = ["A.FLOW", "B.TEMP", "C.LEVEL"]
BAD, GOOD = int(Quality.BAD), int(Quality.GOOD)


def stream(seconds: int) -> tuple[np.ndarray, ...]:
    """Readings from 50 min past an hour (so the hour turns): A every second, B every 2 s with
    a Bad reading and a missing value, C seldom (its held value spans written minutes)."""
    t0 = int(T0.timestamp() * US) + 50 * 60 * US
    rng = np.random.default_rng(11)
    idx, ts, value, quality = [], [], [], []
    for s in range(seconds):
        idx.append(0)
        ts.append(t0 + s * US + 250_000)
        value.append(100 + rng.normal())
        quality.append(GOOD)
        if s % 2 == 0:
            idx.append(1)
            ts.append(t0 + s * US)
            value.append(math.nan if s == 64 else 1200 + rng.normal())
            quality.append(BAD if s == 90 else GOOD)
        if s in (5, 70, 190, 400, 650):
            idx.append(2)
            ts.append(t0 + s * US)
            value.append(float(s))
            quality.append(GOOD)
    return (np.array(idx, np.int32), np.array(ts, np.int64), np.array(value), np.array(quality, np.int8))


def chunks(data: tuple[np.ndarray, ...], size_s: int) -> list:  # type: ignore[type-arg]
    """The stream cut into commits of ``size_s`` seconds, with rollups as the compressor makes them."""
    idx, ts, value, quality = data
    comp = Compressor()
    edges = np.arange(ts.min(), ts.max() + size_s * US, size_s * US)
    out = []
    for seq, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True), start=1):
        sel = (ts >= a) & (ts < b)
        c = comp.chunk_from_arrays(NAMES, idx[sel], ts[sel], value[sel], quality[sel])
        c.seq = seq
        out.append(c)
    return out


def expected(data: tuple[np.ndarray, ...]) -> dict[tuple[str, int, int], tuple]:  # type: ignore[type-arg]
    """Every (tag, width, bucket) as computed from all samples at once."""
    idx, ts, value, quality = data
    order = np.lexsort((ts, idx))
    r = compute_rollups(idx[order], ts[order], value[order], quality[order], np.full(3, -1, np.int64),
                        np.full(3, np.nan), 3600.0, widths_s=(60, 3600))
    return {(NAMES[int(r.idx[i])], int(r.width_s[i]), int(r.ts[i])):
            (int(r.count[i]), int(r.bad_count[i]), float(r.total[i]), float(r.tw_sum[i]), float(r.tw_dur_s[i]),
             _n(r.vmin[i]), _n(r.vmax[i]), _n(r.first[i]), _n(r.last[i]))
            for i in range(len(r))}


def _n(x: float | None) -> float | None:
    return None if x is None or x != x else float(x)


def stored(engine: Engine) -> dict[tuple[str, int, int], tuple]:  # type: ignore[type-arg]
    with engine.connect() as conn:
        rows = conn.execute(text(
            'SELECT t.name, r.width_s, r.ts, r."count", r.bad_count, r.total, r.tw_sum, r.tw_dur_s, r.vmin, r.vmax, '
            'r."first", r."last" FROM rollups r JOIN tags t ON t.id = r.tag_id')).all()
    return {(n, int(w), int(t)): (int(c), int(b), float(tot), float(tw), float(twd), _n(lo), _n(hi), _n(f), _n(la))
            for n, w, t, c, b, tot, tw, twd, lo, hi, f, la in rows}


def same(got: dict, want: dict) -> list:  # type: ignore[type-arg]
    """Keys or values that differ (sums compared to 1e-9 relative)."""
    diff = []
    for key in sorted(set(got) | set(want)):
        a, b = got.get(key), want.get(key)
        if a is None or b is None or a[:2] != b[:2] or any(
                (x is None) != (y is None) or (x is not None and not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9))
                for x, y in zip(a[2:], b[2:], strict=True)):
            diff.append((key, a, b))
    return diff


def reader_rows(engine: Engine, width_s: int, data: tuple[np.ndarray, ...]) -> dict[tuple[str, int, int], tuple]:  # type: ignore[type-arg]
    reader = HistoryReader(engine)
    t0 = int(data[1].min()) // (3600 * US) * 3600 * US
    out = {}
    for name in NAMES:
        tid = reader.tag_id(name)
        assert tid is not None
        for ts, vmin, vmax, total, cnt, first, last, tw, twd in reader.rollup_rows(tid, width_s, t0, t0 + 3 * 3600 * US):
            out[(name, width_s, int(ts))] = (int(cnt), total, tw, twd, _n(vmin), _n(vmax), _n(first), _n(last))
    return out


@pytest.mark.parametrize("crash_after", [4, 9])
def test_a_successor_takes_up_a_dead_writers_open_minutes(engine: Engine, crash_after: int) -> None:
    data = stream(700)  # 11 2/3 minutes, across the hour
    want = expected(data)
    parts = chunks(data, 15)
    first = SampleSink(engine, "console-1")
    for c in parts[:crash_after]:
        first.write(c)
    # the first writer dies here: its open minutes were only in its memory
    second = SampleSink(engine, "console-2")
    for c in parts[crash_after:]:
        second.write(c)
    # readers see every minute already: written rows plus the open ones from the samples
    # (rollup_rows gives no bad_count: compared without it)
    for width in (60, 3600):
        got = {k: (v[0], 0, *v[1:]) for k, v in reader_rows(engine, width, data).items()}
        assert same(got, {k: (v[0], 0, *v[2:]) for k, v in want.items() if k[1] == width}) == []
    assert any(k[1] == 60 for k in want) and len(stored(engine)) < len(want)  # some minutes are still open
    second.close_all()  # what the writer does when it stops
    assert same(stored(engine), want) == []
