"""Rollups and reader aggregates equal an independent numpy computation over raw samples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from app.historian.reader import HistoryReader, to_us
from app.historian.writer import HistorianWriter
from tests.historian.conftest import T0, batches

US = 1_000_000
TAGS = ["SMF.T_BATH", "SMF.P_HOOD", "CV1.AIR_FLOW"]
MAX_HOLD_S = 3600


def raw_samples(engine: Engine, tag: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.ts, s.value, s.quality FROM samples s JOIN tags t ON t.id = s.tag_id "
            f"WHERE t.name = '{tag}' ORDER BY s.ts").all()
    ts = np.array([r[0] for r in rows], dtype=np.int64)
    v = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
    q = np.array([r[2] for r in rows])
    return ts, v, q


def expected_rollups(ts: np.ndarray, v: np.ndarray, q: np.ndarray, width_s: int) -> dict[int, dict[str, float]]:
    """Straightforward per-bucket loops: the definition, not the writer's vectorised code."""
    w = width_s * US
    good = (q != 0) & np.isfinite(v)
    out: dict[int, dict[str, float]] = {}
    for b in np.unique(ts // w):
        m = (ts // w) == b
        g = m & good
        e: dict[str, float] = {"count": int(g.sum()), "bad_count": int((m & (q == 0)).sum())}
        if g.any():
            e.update(vmin=v[g].min(), vmax=v[g].max(), avg=v[g].mean(), first=v[g][0], last=v[g][-1])
        out[int(b * w)] = e
    # time-weighted: each good value held until the next sample (at most MAX_HOLD_S)
    tw: dict[int, list[float]] = {}
    for i in range(len(ts) - 1):
        if not good[i]:
            continue
        a, b_ = ts[i], min(ts[i + 1], ts[i] + MAX_HOLD_S * US)
        t = a
        while t < b_:
            bucket = (t // w) * w
            end = min(b_, bucket + w)
            acc = tw.setdefault(int(bucket), [0.0, 0.0])
            acc[0] += v[i] * (end - t) / US
            acc[1] += (end - t) / US
            t = end
    for bucket, (s, d) in tw.items():
        out.setdefault(bucket, {"count": 0, "bad_count": 0})["twa"] = s / d
    return out


@pytest.fixture
def filled(engine: Engine, tmp_path: Path) -> Engine:
    writer = HistorianWriter(engine, tmp_path / "spool")
    writer.start()
    data = batches(TAGS, 2 * 3600 + 17, step_s=1.0, bad_every=37)
    # irregular gaps: drop a run of readings so holds span minute boundaries
    data = data[:1000] + data[1130:]
    for i in range(0, len(data), 250):  # several commits, so rollups merge across batches
        for b in data[i : i + 250]:
            writer.enqueue(b)
        writer.flush()
    writer.stop()
    assert writer.status.state != "buffering"
    return engine


@pytest.mark.parametrize("width_s", [60, 3600])
def test_rollups_equal_numpy_over_raw_samples(filled: Engine, width_s: int) -> None:
    for tag in TAGS:
        ts, v, q = raw_samples(filled, tag)
        assert len(ts) == 2 * 3600 + 17 - 130
        expected = expected_rollups(ts, v, q, width_s)
        with filled.connect() as conn:
            rows = conn.exec_driver_sql(
                'SELECT r.ts, vmin, vmax, total, "count", bad_count, "first", "last", tw_sum, tw_dur_s '
                "FROM rollups r JOIN tags t ON t.id = r.tag_id "
                f"WHERE t.name = '{tag}' AND width_s = {width_s} ORDER BY r.ts").all()
        assert {r[0] for r in rows} == set(expected)
        for r in rows:
            e = expected[r[0]]
            assert r[4] == e["count"] and r[5] == e["bad_count"]
            if e["count"]:
                assert r[1] == pytest.approx(e["vmin"]) and r[2] == pytest.approx(e["vmax"])
                assert r[3] / r[4] == pytest.approx(e["avg"])
                assert r[6] == pytest.approx(e["first"]) and r[7] == pytest.approx(e["last"])
            if "twa" in e:
                assert r[8] / r[9] == pytest.approx(e["twa"])


@pytest.mark.parametrize(("buckets", "display", "source", "returned"), [
    (40, False, "rollup60", 40),  # 180 s buckets from minute rollups
    (1000, False, "raw", 1000),  # 7.2 s buckets from raw samples
    (3, False, "rollup60", 3),  # exact buckets when asked for: 40-minute buckets from minutes
    (3, True, "rollup3600", 2),  # a 3-pixel trend: hour buckets (at least one per 4 pixels)
    (200, True, "rollup60", 120),  # a 200-pixel trend: minute buckets instead of raw 36 s ones
    (40, True, "rollup60", 40),  # the hour would be coarser than 4 pixels: as asked
])
def test_reader_buckets_equal_numpy(filled: Engine, buckets: int, display: bool, source: str, returned: int) -> None:
    reader = HistoryReader(filled)
    t0, t1 = to_us(T0), to_us(T0) + 2 * 3600 * US
    for tag in TAGS:
        agg = reader.aggregate(tag, t0, t1, buckets, display=display)
        assert agg.source == source and len(agg) == returned
        ts, v, q = raw_samples(filled, tag)
        buckets = len(agg)
        width = (t1 - t0) // buckets
        good = (q != 0) & np.isfinite(v) & (ts < t1)
        k = (ts - t0) // width
        for i in range(buckets):
            m = good & (k == i)
            assert agg.count[i] == m.sum()
            if m.any():
                assert agg.vmin[i] == pytest.approx(v[m].min())
                assert agg.vmax[i] == pytest.approx(v[m].max())
                assert agg.avg[i] == pytest.approx(v[m].mean())
                assert agg.first[i] == pytest.approx(v[m][0])
                assert agg.last[i] == pytest.approx(v[m][-1])
            else:
                assert np.isnan(agg.vmin[i])


def test_bulk_ingest_merges_rollups_across_batches(engine: Engine, tmp_path: Path) -> None:
    """Large batches (the PostgreSQL COPY + merge path) agree with the samples they came from."""
    writer = HistorianWriter(engine, tmp_path / "spool")
    writer.start()
    names = [f"BULK.T{i}" for i in range(300)]
    rng = np.random.default_rng(3)
    t0 = to_us(T0) + 17 * US  # batches end mid-minute, so buckets are merged across commits
    for b in range(3):
        idx = np.repeat(np.arange(300, dtype=np.int32), 100)
        ts = t0 + (np.tile(np.arange(100, dtype=np.int64), 300) + b * 100) * US
        value = rng.normal(0, 1, len(idx))
        quality = np.where(rng.random(len(idx)) < 0.05, 0, 2).astype(np.int8)
        writer.enqueue_arrays(names, idx, ts, value, quality)
        assert writer.flush()
    writer.stop()
    with engine.connect() as conn:
        expected = conn.exec_driver_sql(
            f"SELECT tag_id, (ts / {60 * US}) * {60 * US} AS b, min(CASE WHEN quality <> 0 THEN value END), "
            "max(CASE WHEN quality <> 0 THEN value END), sum(CASE WHEN quality <> 0 THEN 1 ELSE 0 END), "
            "sum(CASE WHEN quality = 0 THEN 1 ELSE 0 END) FROM samples GROUP BY 1, 2 ORDER BY 1, 2").all()
        got = conn.exec_driver_sql('SELECT tag_id, ts, vmin, vmax, "count", bad_count FROM rollups '
                                   "WHERE width_s = 60 ORDER BY 1, 2").all()
    assert len(expected) == len(got) == 300 * 6
    for e, g in zip(expected, got, strict=True):
        assert g[:2] == tuple(e[:2]) and g[4:] == tuple(e[4:])
        assert g[2] == pytest.approx(e[2]) and g[3] == pytest.approx(e[3])
