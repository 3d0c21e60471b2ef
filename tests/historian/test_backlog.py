"""A backlog (batches queued faster than written: a restart, an import, a slow database) is
written in commits of bounded size, the next commit's chunks built while one is written, and
``flush()`` returns only when every queued sample is in the database — on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sqlalchemy import Engine, text

from app.historian.chunk import Chunk
from app.historian.writer import HistorianWriter
from tests.historian.conftest import T0
from tests.historian.test_election import rollups_match_samples

US = 1_000_000
NAMES = [f"BL.T{i}" for i in range(10)]


def batch(k: int) -> tuple[np.ndarray, ...]:
    """10 tags x 20 s, the k-th 20 s of the stream."""
    t0 = int(T0.timestamp() * US) + k * 20 * US
    idx = np.repeat(np.arange(len(NAMES), dtype=np.int32), 20)
    ts = t0 + np.tile(np.arange(20, dtype=np.int64), len(NAMES)) * US
    return idx, ts, np.sin(ts / 1e7) + idx, np.full(len(idx), 2, np.int8)


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM samples")).scalar_one())


def test_a_backlog_goes_in_bounded_commits_and_flush_waits_for_all_of_it(engine: Engine, tmp_path: Path) -> None:
    writer = HistorianWriter(engine, tmp_path / "spool", commit_interval_s=0.01, max_commit_samples=1000)
    commits: list[int] = []
    write = writer.sink.write

    def counting(chunk: Chunk) -> int:
        commits.append(len(chunk))
        return write(chunk)

    writer.sink.write = counting  # type: ignore[method-assign]
    for k in range(30):  # 30 batches of 200 samples waiting before the writer starts
        writer.enqueue_arrays(NAMES, *batch(k))
    writer.start()
    assert writer.flush(60)
    assert stored(engine) == 30 * 200  # all of it, the moment flush() says so
    assert len(commits) >= 6 and max(commits) < 1000 + 200  # bounded: the cap plus at most one batch
    assert writer._builder is not None  # the next commit was built while one was written
    for k in range(30, 33):  # and it goes on as usual afterwards
        writer.enqueue_arrays(NAMES, *batch(k))
        assert writer.flush(10) and stored(engine) == (k + 1) * 200
    writer.stop()
    assert writer.status.written_samples == 33 * 200 and writer.status.state == "stopped"
    assert rollups_match_samples(engine, open_too=False) == []  # every sample counted once in the rows
