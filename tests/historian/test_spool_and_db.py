"""Spool crash-safety, exactly-once replay, connection messages, retention, raw reads, CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from app.core.settings import Settings
from app.historian.compression import Compressor, TagState
from app.historian.database import DatabaseError, check_connection, database_url, make_engine
from app.historian.reader import HistoryReader, to_us
from app.historian.retention import prune
from app.historian.spool import Spool
from app.historian.writer import HistorianWriter
from tests.historian.conftest import T0, batches

US = 1_000_000


def test_torn_spool_record_is_cut_and_the_rest_replays(tmp_path: Path) -> None:
    comp = Compressor()
    spool = Spool(tmp_path / "spool")
    for i, b in enumerate(batches(["A", "B"], 30)):
        chunk = comp.chunk_from_batches([b])
        chunk.seq = i + 1
        spool.append(chunk)
    with open(spool.path, "ab") as f:  # a crash in the middle of the next append
        f.write(b"CRSP\x99\x00\x00\x00\x00\x00\x00\x00garbage")
    again = Spool(tmp_path / "spool")
    assert again.records == 30 and again.samples == 60
    assert [c.seq for c in again.read()] == list(range(1, 31))
    assert again.writer_id == spool.writer_id


def test_chunks_committed_before_a_crash_are_not_written_twice(engine: Engine, tmp_path: Path) -> None:
    """The crash window between 'committed' and 'spool cleared': replay skips by checkpoint."""
    spool_dir = tmp_path / "spool"
    writer = HistorianWriter(engine, spool_dir)
    comp = Compressor()
    chunks = []
    for i, b in enumerate(batches(["X.A", "X.B"], 120)):
        c = comp.chunk_from_batches([b])
        c.seq = 1000 + i
        chunks.append(c)
    for c in chunks[:60]:
        writer.sink.write(c)  # committed ...
    for c in chunks:
        writer.spool.append(c)  # ... and also still in the spool (as after a crash)
    again = HistorianWriter(engine, spool_dir)
    again.start()
    again.stop()
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM samples").scalar()
        m = conn.exec_driver_sql('SELECT sum("count") FROM rollups WHERE width_s = 60').scalar()
    assert n == m == 240
    assert Spool(spool_dir).empty


def test_connection_failure_names_host_database_and_cause() -> None:
    engine = make_engine("postgresql+psycopg://operator:x@127.0.0.1:1/plant_history")
    with pytest.raises(DatabaseError) as err:
        check_connection(engine)
    text = str(err.value)
    assert "127.0.0.1" in text and "plant_history" in text and "refused" in text.lower()


def test_password_in_the_database_address_is_refused() -> None:
    with pytest.raises(DatabaseError, match="keyring"):
        database_url(Settings(db_url="postgresql+psycopg://op:secret@db/plant"))
    assert database_url(Settings()).get_backend_name() == "sqlite"


def test_swinging_door_keeps_every_value_within_the_deviation() -> None:
    rng = np.random.default_rng(1)
    values = np.cumsum(rng.normal(0, 0.3, 3000)) + 50
    state = TagState(deadband=0.0, deviation=0.5)
    kept: list[tuple[int, float, int]] = []
    for i, v in enumerate(values):
        state.offer((i * US, float(v), 2), 10**12, kept)
    state.flush(kept)
    assert 20 < len(kept) < len(values) / 3  # it compresses
    kt = np.array([p[0] for p in kept]) / US
    kv = np.array([p[1] for p in kept])
    assert np.max(np.abs(np.interp(np.arange(3000), kt, kv) - values)) <= 0.5 + 1e-9


def test_deadband_and_quality_changes() -> None:
    state = TagState(deadband=1.0)
    out: list[tuple[int, float, int]] = []
    for i, (v, q) in enumerate([(10.0, 2), (10.5, 2), (10.9, 2), (11.2, 2), (11.2, 0), (11.3, 2)]):
        state.offer((i, v, q), 10**12, out)
    assert [(p[1], p[2]) for p in out] == [(10.0, 2), (11.2, 2), (11.2, 0), (11.3, 2)]


def test_retention_prunes_old_raw_and_rollups(engine: Engine, tmp_path: Path) -> None:
    writer = HistorianWriter(engine, tmp_path / "spool")
    for b in batches(["R.A"], 3 * 86400 // 600, step_s=600):  # three days, every 10 min
        writer.enqueue(b)
    writer.stop()
    now = to_us(T0) + 3 * 86400 * US
    samples, rollups = prune(engine, raw_days=1, rollup_years=10, now_us=now)
    assert rollups == 0
    reader = HistoryReader(engine)
    left = reader.raw("R.A", 0, now)
    if engine.dialect.name == "postgresql":
        # partitioned by UTC day: retention drops the days wholly before the cut (06:00)
        day = 86400 * US
        cut_day = (now - day) // day * day
        assert samples == (cut_day - to_us(T0)) // (600 * US)
        assert len(left) == 3 * 144 - samples and left.ts.min() >= cut_day
        return
    assert samples == 2 * 86400 // 600
    assert len(left) == 144 and left.ts.min() >= now - 86400 * US


def test_raw_last_before_and_csv(engine: Engine, tmp_path: Path) -> None:
    writer = HistorianWriter(engine, tmp_path / "spool")
    for b in batches(["C.A", "C.B"], 100, bad_every=10):
        writer.enqueue(b)
    writer.stop()
    reader = HistoryReader(engine)
    t0 = to_us(T0)
    s = reader.raw("C.A", t0 + 10 * US, t0 + 20 * US)
    assert len(s) == 10 and s.ts[0] == t0 + 10 * US
    before = reader.last_before("C.A", t0 + 10 * US)
    assert before.ts.tolist() == [t0 + 9 * US]
    assert len(reader.raw("NOPE", t0, t0 + US)) == 0
    text = reader.export_csv(["C.A", "C.B"], t0, t0 + 100 * US)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["time_utc", "tag", "value", "quality"] and len(rows) == 201
    assert {r[3] for r in rows[1:]} == {"GOOD", "BAD"}
    assert rows[1][0] == "2026-11-02T06:00:00.000000+00:00"


def test_merged_chunks_carry_one_rollup_row_per_bucket() -> None:
    from app.historian.chunk import combine_rollups, merge_chunks

    comp = Compressor()
    chunks = [comp.chunk_from_batches([b]) for b in batches(["M.A", "M.B"], 200, bad_every=7)]
    merged = merge_chunks(chunks)
    whole = Compressor().chunk_from_batches(batches(["M.A", "M.B"], 200, bad_every=7))
    r, w = combine_rollups(merged.rollups), combine_rollups(whole.rollups)  # both in key order
    assert len(r) == len(w) == len(set(zip(r.idx.tolist(), r.width_s.tolist(), r.ts.tolist(), strict=True)))
    for f in ("ts", "count", "bad_count", "first_ts", "last_ts"):
        assert np.array_equal(getattr(r, f), getattr(w, f)), f
    for f in ("vmin", "vmax", "total", "first", "last", "tw_sum", "tw_dur_s"):
        assert np.allclose(getattr(r, f), getattr(w, f), equal_nan=True), f
