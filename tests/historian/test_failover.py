"""Database fail-over (issue 21): a primary with a streaming-replication hot standby
(``pg_basebackup -R``), a console on the libpq multi-host URL with
``target_session_attrs=read-write``. The primary stops, history buffers, the standby is
promoted, and the console writes again by itself: not one sample lost, none twice.

The history writer takes the comma form (``postgresql://user@a:5432,b:5433/db``); a second
console, sharing changes over LISTEN/NOTIFY, takes the libpq key/value form
(``host=a,b port=5432,5433 ...``): both find the promoted standby without a restart."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from app.db.migrate import upgrade
from app.db.notify import WORK_ORDERS, change_feed, close_feed, follow, notify_change
from app.historian.database import make_engine
from app.historian.election import WriterElection
from app.historian.writer import HistorianWriter
from tests.pg import PgServer, find_pg_bin

US = 1_000_000


@pytest.fixture
def pair() -> tuple[PgServer, PgServer]:  # type: ignore[misc]
    bin_dir = find_pg_bin()
    assert bin_dir is not None
    primary, standby = PgServer(bin_dir), PgServer(bin_dir)
    try:
        primary.init()
        primary.start()
        primary.admin("CREATE DATABASE plant")
        basebackup = Path(os.path.realpath(bin_dir / "pg_ctl")).parent / "pg_basebackup"
        res = standby._run(str(basebackup), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                           "-D", str(standby.data), "-R", "-X", "stream", "-c", "fast", check=False)
        assert res.returncode == 0, res.stderr
        standby.start()
        yield primary, standby
    finally:
        standby.destroy()
        primary.destroy()


def test_standby_promoted_every_sample_kept(pair: tuple[PgServer, PgServer], tmp_path: Path) -> None:
    primary, standby = pair
    url = f"postgresql://postgres:test@127.0.0.1:{primary.port},127.0.0.1:{standby.port}/plant?target_session_attrs=read-write"
    engine = make_engine(url)
    upgrade(engine)
    other = make_engine(f"host=127.0.0.1,127.0.0.1 port={primary.port},{standby.port} dbname=plant user=postgres "
                        "password=test target_session_attrs=read-write")
    heard: list[tuple[str, str]] = []
    unfollow = follow(other, (WORK_ORDERS,), lambda kind, key: heard.append((kind, key)))
    feed_of_other = change_feed(other)
    assert feed_of_other is not None and feed_of_other.listening.wait(10)
    election = WriterElection(engine, "console-1", interval_s=0.3)
    writer = HistorianWriter(engine, tmp_path / "spool", election=election, retry_interval_s=0.5)
    election.start()
    writer.start()
    names = [f"FO.T{i}" for i in range(20)]
    sent = [0]
    stop = threading.Event()

    def feed() -> None:  # 20 tags at 10 Hz, every sample a new value
        t = time.time_ns() // 1000
        while not stop.is_set():
            t += 100_000
            n = len(names)
            writer.enqueue_arrays(names, np.arange(n, dtype=np.int32), np.full(n, t, np.int64),
                                  np.random.default_rng(t).normal(50, 5, n), np.full(n, 2, np.int8))
            sent[0] += n
            time.sleep(0.1)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        deadline = time.monotonic() + 15
        while writer.status.written_samples < 200 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert election.is_writer and writer.status.written_samples >= 200, writer.status
        primary.stop()  # the primary is lost
        deadline = time.monotonic() + 15
        while writer.status.state != "buffering" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert writer.status.state == "buffering"  # neither server takes writes: spooling
        time.sleep(2)
        res = standby._run(str(standby.bin / "pg_ctl"), "-D", str(standby.data), "-w", "promote", check=False)
        assert res.returncode == 0, res.stderr
        promoted = time.monotonic()
        while not (writer.status.state == "ok" and election.is_writer) and time.monotonic() - promoted < 30:
            time.sleep(0.1)
        back = time.monotonic() - promoted
        assert writer.status.state == "ok" and election.is_writer, writer.status
        # the other console's LISTEN connection is back too, on the promoted server: a change
        # made through the writer's engine reaches it
        while not feed_of_other.listening.is_set() and time.monotonic() - promoted < 30:
            time.sleep(0.1)
        with engine.begin() as conn:
            notify_change(conn, WORK_ORDERS, "after-promotion")
        deadline = time.monotonic() + 5
        while (WORK_ORDERS, "after-promotion") not in heard and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (WORK_ORDERS, "after-promotion") in heard
        with other.connect() as conn:  # and its queries go to the promoted server
            assert conn.execute(text("SELECT NOT pg_is_in_recovery()")).scalar()
            assert conn.execute(text("SELECT inet_server_port()")).scalar() == standby.port
        time.sleep(1)
    finally:
        stop.set()
        feeder.join(5)
        unfollow()
    assert writer.flush(30)
    writer.stop()
    election.stop()
    with engine.connect() as conn:
        stored, distinct = conn.execute(text("SELECT count(*), count(DISTINCT (tag_id, ts)) FROM samples")).one()
        counted = conn.execute(text("SELECT sum(count) FROM rollups WHERE width_s = 60")).scalar()
    print(f"fail-over: writing again {back:.1f} s after the promotion; {sent[0]} samples sent, {stored} stored")
    assert stored == distinct == sent[0]
    assert counted == sent[0]
    close_feed(other)
    other.dispose()
    engine.dispose()
