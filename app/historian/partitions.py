"""Time-partitioned history on PostgreSQL: ``samples`` split into one partition per UTC day.

Native declarative range partitioning by ``ts`` (µs since epoch). The writer creates the
partitions a chunk needs (and ``AHEAD_DAYS`` beyond it) in its own short transaction before
the commit that fills them; retention drops whole partitions whose day is past the raw
retention, which is instant and leaves no bloat. A month-long trend of one tag reads ~30
small primary-key indexes (tag_id, ts), one per day, each pruned to the requested range.
SQLite's ``samples`` stays one table.

Where the ``pg_partman`` extension is installed in the database, partitions are pg_partman's:
the writer registers ``samples`` with it once (daily, native, by the integer ``ts``, starting
after the partitions that exist already), leaves the days ahead to pg_partman's maintenance
(its background worker or a scheduled ``run_maintenance()``), and has the days a chunk needs
that are still missing (a back-fill of old data, maintenance not set up) made by pg_partman's
own ``create_partition_id``, so they follow its configuration.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, text

from app.historian.schema import US

log = logging.getLogger(__name__)
DAY_US = 86_400 * US
AHEAD_DAYS = 7
_BOUND = re.compile(r"FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)")


def partition_name(day: int) -> str:
    """``samples_p20261201`` for the UTC day number ``day`` (days since 1970-01-01)."""
    return "samples_p" + datetime.fromtimestamp(day * 86_400, UTC).strftime("%Y%m%d")


def create_sql(day: int) -> str:
    return (f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF samples "
            f"FOR VALUES FROM ({day * DAY_US}) TO ({(day + 1) * DAY_US})")


def is_partitioned(conn: Connection) -> bool:
    """Whether ``samples`` is a partitioned table (PostgreSQL after revision 0004)."""
    if conn.dialect.name != "postgresql":
        return False
    row = conn.execute(text("SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass('samples')")).first()
    return bool(row and row[0] == "p")


def partitions(conn: Connection) -> list[tuple[str, int, int]]:
    """(name, from µs, to µs) of every partition of ``samples``, oldest first."""
    rows = conn.execute(text(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass('samples')")).all()
    out = []
    for name, bound in rows:
        m = _BOUND.search(bound or "")
        if m:
            out.append((str(name), int(m.group(1)), int(m.group(2))))
    return sorted(out, key=lambda p: p[1])


def partman_schema(conn: Connection) -> str | None:
    """The schema of the ``pg_partman`` extension when it is installed in this database."""
    if conn.dialect.name != "postgresql":
        return None
    row = conn.execute(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                            "WHERE e.extname = 'pg_partman'")).first()
    return str(row[0]) if row else None


def _samples_table(conn: Connection) -> str:
    """``schema.samples`` as pg_partman names its parent tables."""
    return str(conn.execute(text("SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n "
                                 "ON n.oid = c.relnamespace WHERE c.oid = to_regclass('samples')")).scalar_one())


def use_partman(conn: Connection, ahead_days: int = AHEAD_DAYS) -> str | None:
    """Have pg_partman manage ``samples`` if it is installed (registering it the first time);
    its schema, or None (not installed, or it refused: we make the partitions ourselves)."""
    schema = partman_schema(conn)
    if schema is None:
        return None
    parent = _samples_table(conn)
    if conn.execute(text(f'SELECT 1 FROM "{schema}".part_config WHERE parent_table = :p'), {"p": parent}).first():
        return schema
    # Start after the partitions made so far (ours: pg_partman would make overlapping ones).
    existing = partitions(conn)
    today = int(conn.execute(text("SELECT floor(extract(epoch FROM now()))::bigint")).scalar_one()) * US // DAY_US
    start = max([today] + [hi // DAY_US for _n, _lo, hi in existing])
    try:
        with conn.begin_nested():
            conn.execute(text(f'SELECT "{schema}".create_parent(:p, \'ts\', \'native\', :interval, '
                              "p_premake => :ahead, p_start_partition => :start)"),
                         {"p": parent, "interval": str(DAY_US), "ahead": ahead_days, "start": str(start * DAY_US)})
    except Exception as exc:  # noqa: BLE001 - no rights, an unexpected version: carry on without it
        log.warning("historian: pg_partman is installed but could not take over the samples partitions "
                    "(%s); the writer makes them", " ".join(str(getattr(exc, "orig", exc)).split())[:300])
        return None
    log.info("historian: samples partitions are now managed by pg_partman (daily, %d days ahead)", ahead_days)
    return schema


class PartitionMaker:
    """The writer's half: make sure the days a chunk touches have their partitions."""

    def __init__(self, engine: Engine, ahead_days: int = AHEAD_DAYS) -> None:
        self.engine = engine
        self.ahead_days = ahead_days
        self.partitioned: bool | None = None  # unknown until first asked
        #: pg_partman's schema when it manages the partitions (then it makes the days ahead).
        self.partman: str | None = None
        self._have: set[int] = set()

    def ensure(self, min_ts: int, max_ts: int) -> int:
        """Create the missing partitions for ``[min_ts, max_ts]`` plus the days ahead;
        returns how many were created. No-op on SQLite or an unpartitioned ``samples``.
        Only a chunk that needs a day not seen before costs a round trip."""
        if self.partitioned is False:
            return 0
        ahead = 0 if self.partman else self.ahead_days
        first, last = min_ts // DAY_US, max_ts // DAY_US + ahead
        want = [d for d in range(first, last + 1) if d not in self._have]
        if not want:
            return 0
        with self.engine.begin() as conn:
            if self.partitioned is None:
                self.partitioned = is_partitioned(conn)
                if not self.partitioned:
                    return 0
                self.partman = use_partman(conn, self.ahead_days)
                self._have.update(p[1] // DAY_US for p in partitions(conn))
                last = max_ts // DAY_US + (0 if self.partman else self.ahead_days)
                want = [d for d in range(first, last + 1) if d not in self._have]
            if self.partman and want:
                conn.execute(text(f'SELECT "{self.partman}".create_partition_id(:p, :ids)'),
                             {"p": _samples_table(conn), "ids": [d * DAY_US for d in want]})
            else:
                for day in want:
                    conn.execute(text(create_sql(day)))
        self._have.update(want)
        return len(want)

    def forget(self) -> None:
        """After an error (a partition dropped by retention, a fail-over): ask again."""
        self.partitioned = None
        self.partman = None
        self._have.clear()


def drop_before(engine: Engine, cut_us: int) -> tuple[int, int]:
    """Drop every partition wholly before ``cut_us``; returns (partitions, samples) dropped."""
    with engine.begin() as conn:
        if not is_partitioned(conn):
            return 0, 0
        old = [p for p in partitions(conn) if p[2] <= cut_us]
        rows = 0
        for name, _lo, _hi in old:
            rows += int(conn.execute(text(f"SELECT count(*) FROM {name}")).scalar() or 0)
            conn.execute(text(f"DROP TABLE {name}"))
    return len(old), rows
