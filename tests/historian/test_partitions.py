"""Time-partitioned ``samples`` on PostgreSQL (issue 21): the migration, partitions made by the
writer ahead of the data, retention dropping whole days, and `crucible db upgrade` converting
an existing database without losing a sample. SQLite keeps one table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text

from app.cli import main
from app.db.migrate import upgrade
from app.historian.database import make_engine
from app.historian.partitions import DAY_US, is_partitioned, partition_name, partitions
from app.historian.retention import prune
from app.historian.schema import US
from app.historian.writer import HistorianWriter

NOW = datetime.now(UTC).replace(microsecond=0)


def _samples(writer: HistorianWriter, start: datetime, days: float, tags: int = 3, step_s: int = 600) -> int:
    n = int(days * 86_400 // step_s)
    t0 = int(start.timestamp()) * US
    ts = np.tile(t0 + np.arange(n, dtype=np.int64) * step_s * US, tags)
    idx = np.repeat(np.arange(tags, dtype=np.int32), n)
    value = np.sin(np.arange(n * tags) / 7.0) * 10 + 50
    writer.enqueue_arrays([f"P.T{i}" for i in range(tags)], idx, ts, value, np.full(n * tags, 2, np.int8))
    return n * tags


def test_writer_makes_daily_partitions_and_retention_drops_whole_days(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.connect() as conn:
        assert is_partitioned(conn)
    writer = HistorianWriter(engine, tmp_path / "spool")
    start = NOW - timedelta(days=5)
    written = _samples(writer, start, days=5)
    writer.start()
    assert writer.flush(60)
    writer.stop()
    assert writer.status.state == "stopped" and writer.status.spooled_samples == 0
    assert writer.sink.partitions is not None and writer.sink.partitions.partman is None  # no pg_partman here
    with engine.connect() as conn:
        parts = partitions(conn)
        assert conn.execute(text("SELECT count(*) FROM samples")).scalar() == written
        per_day = dict(conn.execute(text("SELECT tableoid::regclass::text, count(*) FROM samples GROUP BY 1")).all())
    first_day = int(start.timestamp()) * US // DAY_US
    names = [p[0] for p in parts]
    for day in range(first_day, first_day + 6):  # every day of the data, and ahead of it
        assert partition_name(day) in names
    assert set(per_day) <= set(names) and len(per_day) >= 5
    # raw retention 2.5 days: the days wholly before the cut go, the rest stays untouched
    cut = int(NOW.timestamp()) * US - int(2.5 * DAY_US)
    doomed = [p for p in parts if p[2] <= cut]
    expect_gone = sum(per_day.get(p[0], 0) for p in doomed)
    gone, _ = prune(engine, raw_days=2.5, rollup_years=10)
    assert doomed and gone == expect_gone
    with engine.connect() as conn:
        left = [p[0] for p in partitions(conn)]
        assert not set(p[0] for p in doomed) & set(left)
        assert conn.execute(text("SELECT count(*) FROM samples")).scalar() == written - gone
        assert conn.execute(text("SELECT min(ts) FROM samples")).scalar() >= cut - DAY_US
    engine.dispose()


def test_with_pg_partman_installed_it_makes_the_partitions(pg_url: str, tmp_path: Path) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)  # our partitions for today and 2 days ahead exist already
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA partman"))
            conn.execute(text("CREATE EXTENSION pg_partman SCHEMA partman"))
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"pg_partman is not installed for this PostgreSQL ({exc}); on Debian: apt-get install "
                    "postgresql-<version>-partman (installers/system_deps.sh test does it)")
    with engine.connect() as conn:
        ours = {p[0] for p in partitions(conn)}
    writer = HistorianWriter(engine, tmp_path / "spool")
    start = NOW - timedelta(days=5)
    written = _samples(writer, start, days=5)
    writer.start()
    assert writer.flush(60)
    writer.stop()
    assert writer.status.state == "stopped" and writer.status.spooled_samples == 0
    assert writer.sink.partitions is not None and writer.sink.partitions.partman == "partman"
    today = int(NOW.timestamp()) * US // DAY_US
    first_day = int(start.timestamp()) * US // DAY_US
    with engine.begin() as conn:
        assert conn.execute(text("SELECT partition_interval FROM partman.part_config "
                                 "WHERE parent_table = 'public.samples'")).scalar() == str(DAY_US)
        names = {p[0] for p in partitions(conn)}
        assert ours <= names  # the partitions made before pg_partman stay as they are
        # the past days the data needed were made by pg_partman (its names: the day's first µs)
        assert {f"samples_p{d * DAY_US}" for d in range(first_day, today)} <= names
        # and it premade the week after ours
        assert {f"samples_p{d * DAY_US}" for d in range(today + 3, today + 3 + 7)} <= names
        assert conn.execute(text("SELECT count(*) FROM samples")).scalar() == written
        assert conn.execute(text("SELECT count(*) FROM samples_default")).scalar() == 0
        conn.execute(text("SELECT partman.run_maintenance('public.samples')"))  # its own upkeep works
    gone, _ = prune(engine, raw_days=2.5, rollup_years=10)  # retention still drops whole days
    with engine.connect() as conn:
        assert gone > 0 and conn.execute(text("SELECT count(*) FROM samples")).scalar() == written - gone
    engine.dispose()


def test_db_upgrade_converts_an_existing_database(pg_server, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(pg_url)
    upgrade(engine, target="0001_initial")  # a plant database from before partitioning
    with engine.begin() as conn:
        assert not is_partitioned(conn)
        conn.execute(text("INSERT INTO tags (name, eng_unit, description) VALUES ('A', '', ''), ('B', '', '')"))
        t0 = int((NOW - timedelta(days=40)).timestamp()) * US
        conn.execute(text("INSERT INTO samples (tag_id, ts, value, quality) "
                          "SELECT 1 + (g % 2), :t0 + g * 3600000000::bigint, g, 2 FROM generate_series(0, 999) g"),
                     {"t0": t0})
        before = conn.execute(text("SELECT sum(ts) + sum(value), count(*) FROM samples")).one()
    url = f"postgresql+psycopg://postgres@/{pg_url.rsplit('/', 1)[1]}?host={pg_server.sock}&port={pg_server.port}"
    assert main(["db", "upgrade", "--db", url]) == 0
    with engine.connect() as conn:
        assert is_partitioned(conn)
        assert conn.execute(text("SELECT sum(ts) + sum(value), count(*) FROM samples")).one() == before
        assert len(partitions(conn)) >= 42  # 40 days of data + today + 2 ahead
        assert conn.execute(text("SELECT to_regclass('samples_unpartitioned')")).scalar() is None
    engine.dispose()


def test_sqlite_keeps_one_samples_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/h.sqlite")
    upgrade(engine)
    writer = HistorianWriter(engine, tmp_path / "spool")
    written = _samples(writer, NOW - timedelta(days=2), days=2)
    writer.stop()
    with engine.connect() as conn:
        assert not is_partitioned(conn)
        assert conn.execute(text("SELECT count(*) FROM samples")).scalar() == written
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'samples_p%'")).scalar() == 0
