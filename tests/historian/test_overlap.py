"""A chunk that meets samples already stored (the previous writer's last commit just before a
hand-over, a restored backup) is written without them, and no stored sample is counted twice in
the rollups — on SQLite and on a real PostgreSQL (found by the three-console hand-over test)."""

from __future__ import annotations

import numpy as np
from sqlalchemy import Engine, text

from app.historian.chunk import Chunk, compute_rollups
from app.historian.reader import HistoryReader
from app.historian.writer import SampleSink
from tests.historian.conftest import T0

US = 1_000_000


def chunk(names: list[str], seconds: range, seq: int) -> Chunk:
    """One reading a second of each tag; rollups as the compressor makes them (nothing before)."""
    t0 = int(T0.timestamp() * US)
    idx = np.repeat(np.arange(len(names), dtype=np.int32), len(seconds))
    ts = np.tile(np.array([t0 + s * US for s in seconds], dtype=np.int64), len(names))
    value = (ts % 97).astype(np.float64) + idx
    quality = np.zeros(len(idx), dtype=np.int8)
    prev_ts = np.full(len(names), -1, np.int64)
    prev_v = np.full(len(names), np.nan)
    return Chunk(names, idx, ts, value, quality, compute_rollups(idx, ts, value, quality, prev_ts, prev_v, 3600.0), seq)


def counts(engine: Engine) -> dict[str, tuple[int, int, int]]:
    """Per tag: (samples stored, samples the minute buckets count, samples the hour buckets
    count) as a reader sees them (rows, plus the minutes the writer has not written yet)."""
    reader = HistoryReader(engine)
    t0 = int(T0.timestamp() * US) // (3600 * US) * 3600 * US
    out = {}
    with engine.connect() as conn:
        stored = dict(conn.execute(text(
            "SELECT t.name, (SELECT count(*) FROM samples s WHERE s.tag_id = t.id) FROM tags t")).all())
    for name, n in stored.items():
        minutes = reader.aggregate(name, t0, t0 + 3600 * US, 60)
        hours = reader.aggregate(name, t0, t0 + 2 * 3600 * US, 2)
        assert minutes.source == "rollup60" and hours.source == "rollup3600"
        out[name] = (int(n), int((minutes.count + minutes.bad_count).sum()), int((hours.count + hours.bad_count).sum()))
    return out


def table_counts(engine: Engine) -> dict[str, tuple[int, int, int]]:
    """The same from the rollup rows alone (after the writer wrote every open minute)."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT t.name, (SELECT count(*) FROM samples s WHERE s.tag_id = t.id), "
            "(SELECT coalesce(sum(r.count + r.bad_count), 0) FROM rollups r WHERE r.tag_id = t.id AND r.width_s = 60), "
            "(SELECT coalesce(sum(r.count + r.bad_count), 0) FROM rollups r WHERE r.tag_id = t.id AND r.width_s = 3600) "
            "FROM tags t")).all()
    return {n: (int(s), int(m), int(h)) for n, s, m, h in rows}


def test_an_overlapping_chunk_stores_and_counts_each_sample_once(engine: Engine) -> None:
    names = ["A.FLOW", "B.TEMP"]
    sink = SampleSink(engine, "console-test")
    assert sink.write(chunk(names, range(0, 30), seq=1)) == 60
    # the next writer's chunk starts 10 s before the last stored sample
    assert sink.write(chunk(names, range(20, 50), seq=2)) == 40  # only the 20 newer readings a tag
    assert counts(engine) == {"A.FLOW": (50, 50, 50), "B.TEMP": (50, 50, 50)}
    assert sink.partial_writes == 1 and sink.committed_seq() == 2
    assert sink.write(chunk(names, range(20, 50), seq=2)) == 0  # a replay of a committed chunk: skipped
    assert sink.write(chunk(names, range(0, 50), seq=3)) == 0  # everything there already
    assert counts(engine) == {"A.FLOW": (50, 50, 50), "B.TEMP": (50, 50, 50)} and sink.committed_seq() == 3
    sink.close_all()  # what the writer does when it stops: the rows alone say the same
    assert table_counts(engine) == counts(engine) == {"A.FLOW": (50, 50, 50), "B.TEMP": (50, 50, 50)}
