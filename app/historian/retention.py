"""Retention: raw samples kept N days, rollups M years, pruned in the background.

Deletes run per tag and in small slices, each its own short transaction, so the writer
(SQLite allows one writer at a time) never waits long behind the pruner.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.historian.partitions import drop_before, is_partitioned
from app.historian.schema import US

log = logging.getLogger(__name__)
DAY_US = 86_400 * US


def prune(engine: Engine, raw_days: float, rollup_years: float, now_us: int | None = None,
          slice_us: int = DAY_US, stop: threading.Event | None = None) -> tuple[int, int]:
    """Delete old samples and rollups; returns (samples, rollups) deleted.

    PostgreSQL with partitioned ``samples``: whole days are dropped (a day goes once all of
    it is older than the raw retention), no row-by-row delete."""
    now_us = now_us if now_us is not None else time.time_ns() // 1000
    raw_cut = now_us - int(raw_days * DAY_US)
    roll_cut = now_us - int(rollup_years * 365.25 * DAY_US)
    with engine.connect() as conn:
        tag_ids = [r[0] for r in conn.execute(text("SELECT id FROM tags"))]
        partitioned = is_partitioned(conn)
    deleted = [0, 0]
    if partitioned:
        deleted[0] = drop_before(engine, raw_cut)[1]
    for table, cut, slot in (("samples", raw_cut, 0), ("rollups", roll_cut, 1)):
        if table == "samples" and partitioned:
            continue
        for tid in tag_ids:
            with engine.connect() as conn:
                oldest = conn.execute(text(f"SELECT min(ts) FROM {table} WHERE tag_id = :t"), {"t": tid}).scalar()
            if oldest is None or oldest >= cut:
                continue
            lo = int(oldest)
            while lo < cut:
                if stop is not None and stop.is_set():
                    return deleted[0], deleted[1]
                hi = min(cut, lo + slice_us)
                with engine.begin() as conn:
                    res = conn.execute(text(f"DELETE FROM {table} WHERE tag_id = :t AND ts >= :lo AND ts < :hi"),
                                       {"t": tid, "lo": lo, "hi": hi})
                    deleted[slot] += res.rowcount or 0
                lo = hi
                time.sleep(0)  # let the writer in between slices
    return deleted[0], deleted[1]


class RetentionWorker:
    """Prunes once shortly after start, then every ``interval_s``, on its own thread."""

    def __init__(self, engine: Engine, raw_days: float, rollup_years: float, interval_s: float = 3600.0,
                 first_delay_s: float = 60.0) -> None:
        self.engine = engine
        self.raw_days = raw_days
        self.rollup_years = rollup_years
        self.interval_s = interval_s
        self.first_delay_s = first_delay_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_result: tuple[int, int] | None = None
        #: Many consoles on one database: only the elected history writer prunes.
        self.only_if: Callable[[], bool] | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="historian-retention", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        delay = self.first_delay_s
        while not self._stop.wait(delay):
            delay = self.interval_s
            if self.only_if is not None and not self.only_if():
                continue
            try:
                self.last_result = prune(self.engine, self.raw_days, self.rollup_years, stop=self._stop)
                if any(self.last_result):
                    log.info("historian retention: pruned %d samples, %d rollups", *self.last_result)
            except SQLAlchemyError as exc:
                log.warning("historian retention: skipped (%s)", " ".join(str(exc).split())[:200])

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
