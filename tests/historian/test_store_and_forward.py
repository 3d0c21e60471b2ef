"""Store and forward: outages (SQLite locked, PostgreSQL stopped) and a SIGKILL mid-write.

Afterwards every sample is present exactly once: the samples table has one row per
(tag, ts) by its key, and the rollups (which would double-count a replay) still match.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.historian.database import make_engine, upgrade
from app.historian.spool import Spool
from app.historian.writer import HistorianWriter
from tests.historian.conftest import batches

ROOT = Path(__file__).resolve().parents[2]
OUTAGE_S = float(os.environ.get("CRUCIBLE_PG_OUTAGE_S", "60"))


def counts(engine: Engine) -> tuple[int, int, int, int]:
    """(samples, distinct (tag, ts), rollup count per minute, per hour)."""
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM samples").scalar()
        d = conn.exec_driver_sql("SELECT count(*) FROM (SELECT DISTINCT tag_id, ts FROM samples) x").scalar()
        m = conn.exec_driver_sql('SELECT coalesce(sum("count" + bad_count), 0) FROM rollups WHERE width_s = 60').scalar()
        h = conn.exec_driver_sql('SELECT coalesce(sum("count" + bad_count), 0) FROM rollups WHERE width_s = 3600').scalar()
    return int(n or 0), int(d or 0), int(m or 0), int(h or 0)


def wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


class Feeder(threading.Thread):
    """Feeds store batches at ~50 Hz, as drivers would, until stopped."""

    def __init__(self, writer: HistorianWriter, tags: list[str]) -> None:
        super().__init__(daemon=True)
        self.writer = writer
        self.data = batches(tags, 20_000, step_s=0.1, bad_every=11)
        self.sent = 0
        self.halt = threading.Event()

    def run(self) -> None:
        for batch in self.data:
            if self.halt.is_set():
                return
            self.writer.enqueue(batch)
            self.sent += 1
            time.sleep(0.02)


def test_postgresql_stopped_during_writing_loses_nothing_and_writes_nothing_twice(
    pg_server, pg_url: str, tmp_path: Path  # type: ignore[no-untyped-def]
) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    writer = HistorianWriter(engine, tmp_path / "spool", commit_interval_s=0.2, retry_interval_s=1.0)
    tags = [f"OUT.T{i}" for i in range(30)]
    feeder = Feeder(writer, tags)
    writer.start()
    feeder.start()
    assert wait_for(lambda: writer.status.written_samples > 1000)
    pg_server.stop()  # a real outage: the server process is gone
    try:
        assert wait_for(lambda: writer.status.buffering and writer.status.spooled_samples > 0, 30)
        time.sleep(OUTAGE_S)
        during = writer.status
        assert during.buffering and during.spooled_samples > 1000
    finally:
        pg_server.start()
    assert wait_for(lambda: not writer.status.buffering, 60), writer.status
    feeder.halt.set()
    feeder.join()
    writer.stop()
    n, distinct, per_min, per_hour = counts(engine)
    expected = feeder.sent * len(tags)
    assert n == distinct == expected
    assert per_min == per_hour == expected  # no rollup counted twice or missed
    assert Spool(tmp_path / "spool").empty
    engine.dispose()


def test_sqlite_locked_buffers_then_replays_in_order(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    writer = HistorianWriter(engine, tmp_path / "spool", commit_interval_s=0.1, retry_interval_s=0.3)
    writer.start()
    tags = ["LOCK.A", "LOCK.B"]
    data = batches(tags, 300, step_s=1.0)
    for b in data[:100]:
        writer.enqueue(b)
    assert writer.flush()
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        for b in data[100:200]:
            writer.enqueue(b)
        assert wait_for(lambda: writer.status.buffering and writer.status.spooled_samples >= 200, 30)
        assert "locked" in writer.status.last_error
    finally:
        blocker.rollback()
        blocker.close()
    for b in data[200:]:
        writer.enqueue(b)
    assert wait_for(lambda: not writer.status.buffering and writer.flush(), 30)
    writer.stop()
    assert counts(engine) == (600, 600, 600, 600)


def _run_child(url: str, spool: Path, block, unblock, lines_before: int = 15, lines_during: int = 15) -> int:  # type: ignore[no-untyped-def]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-m", "tests.historian.writer_child", url, str(spool)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    assert child.stdout is not None
    last, seen, blocked, buffered = -1, 0, False, 0
    try:
        for line in child.stdout:
            last = int(line.split()[0])
            seen += 1
            if "buffering" in line:
                buffered += 1
            if seen == lines_before and not blocked:
                block()
                blocked = True
            if buffered >= lines_during:
                break
        # kill it while it is writing (no clean stop, no flush of held points)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        for line in child.stdout:  # what it reported before it died but we had not read yet
            last = int(line.split()[0])
    finally:
        if child.poll() is None:
            child.kill()
        unblock()
    assert buffered >= lines_during, child.stderr.read() if child.stderr else ""
    return last


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sigkill_mid_write_replays_the_spool_on_restart(backend: str, tmp_path: Path,
                                                        request: pytest.FixtureRequest) -> None:
    from tests.historian.writer_child import TAGS

    spool = tmp_path / "spool"
    if backend == "sqlite":
        path = tmp_path / "h.sqlite"
        url = f"sqlite:///{path}"
        holder: list[sqlite3.Connection] = []

        def block() -> None:
            conn = sqlite3.connect(path, timeout=0)
            conn.execute("BEGIN EXCLUSIVE")
            holder.append(conn)

        def unblock() -> None:
            for conn in holder:
                conn.rollback()
                conn.close()
    else:
        url = request.getfixturevalue("pg_url")
        server = request.getfixturevalue("pg_server")
        block, unblock = server.stop, server.start
    engine = make_engine(url)
    upgrade(engine)
    last = _run_child(url, spool, block, unblock)
    assert not Spool(spool).empty  # the dead process left samples behind
    writer = HistorianWriter(make_engine(url), spool)  # "restart"
    writer.start()
    assert wait_for(lambda: not writer.status.buffering, 60), writer.status
    writer.stop()
    n, distinct, per_min, per_hour = counts(engine)
    safe = (last + 1) * len(TAGS)
    # every batch reported safe is there; at most the batch in flight at the kill is extra
    assert safe <= n <= safe + len(TAGS)
    assert n == distinct == per_min == per_hour
    assert Spool(spool).empty
    engine.dispose()
