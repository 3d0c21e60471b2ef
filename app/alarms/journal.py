"""The alarm journal: a background writer thread, the shared-console poller, and readers.

The engine runs on the GUI/asyncio thread and must never wait for the database, so it hands
rows to :class:`JournalWriter`, whose thread writes them in one transaction per batch and
keeps them (retrying) while the database is down: no row is lost. The same thread polls the
journal for operator actions made on *other* consoles (ack, shelve, ...); the engine takes
them with :meth:`JournalWriter.take_remote` on its next tick. On PostgreSQL an operator action
also sends ``NOTIFY`` (same transaction) and a listener (:mod:`app.alarms.notify`) wakes the
poll at once; ``on_remote`` then tells the engine to tick now.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import aliased

from app.alarms.models import AlarmJournalRow, AlarmShelfRow
from app.alarms.notify import ALARM_CHANNEL, Listener

log = logging.getLogger(__name__)

OPERATOR_EVENTS = ("ack", "shelve", "unshelve", "oos", "in_service")
#: Events every console's engine sees for itself from the field (the writer journals them).
PROCESS_EVENTS = ("activate", "clear", "suppress", "unsuppress")
#: How long a standby console keeps its own process events for a hand-over back-fill.
HOLD_S = 120.0
#: Two consoles' records of one event differ by their engines' clocks and drivers: one
#: alarm's rows of one event this close together are the same event.
SAME_EVENT_S = 2.0
JOURNAL_EVENTS = ("activate", "clear", "ack", "shelve", "unshelve", "suppress", "unsuppress", "oos", "in_service")


def as_utc(ts: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything we store is UTC."""
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def make_db_engine(url: str, must_exist: bool = False) -> Engine:
    """The plant database's engine (:func:`app.db.make_engine`: WAL and busy timeout on
    SQLite so consoles can share a file, the keyring password on PostgreSQL)."""
    from app.db.engine import make_engine

    return make_engine(url, must_exist=must_exist)


def ensure_tables(engine: Engine) -> None:
    """Bring the alarm tables up to date through the migrations (a console's own SQLite file
    is upgraded; a shared PostgreSQL database only checked — IT runs ``crucible db upgrade``)."""
    from app.db.migrate import prepare

    prepare(engine)


@dataclass(slots=True)
class ShelfOp:
    """Insert/replace (``row`` set) or delete (``row`` None) the shelf entry of ``alarm``."""

    alarm: str
    row: dict[str, Any] | None


#: Queued by the listener: poll the journal now (another console notified an action).
POLL_NOW = ShelfOp("", None)


@dataclass(slots=True)
class Backfill:
    """Process events this console saw while another one journaled them (a hand-over)."""

    rows: list[dict[str, Any]]


def missing_after(held: list[dict[str, Any]], last: tuple[str, datetime] | None) -> list[dict[str, Any]]:
    """Of one alarm's ``held`` process events (oldest first), those the journal lacks, given
    the newest event it has of that alarm (``last``: event, time; None: none stored).

    The stored event is matched to the nearest held one of the same kind within
    :data:`SAME_EVENT_S`; what follows it is missing. Without a match, held events up to the
    stored one are taken as stored, and a leading repeat of the stored event (the alarm was
    already in that state: this console saw it late, e.g. at its start) is not an event."""
    if last is None:
        return list(held)
    event, ts = last
    near = [(abs((as_utc(h["ts"]) - ts).total_seconds()), i) for i, h in enumerate(held) if h["event"] == event]
    best = min(near, default=None)
    if best is not None and best[0] <= SAME_EVENT_S:
        return held[best[1] + 1:]
    rest = [h for h in held if as_utc(h["ts"]) > ts]
    while rest and rest[0]["event"] == event:
        rest.pop(0)
    return rest


class JournalWriter:
    """Writes journal rows on its own thread; polls other consoles' operator actions."""

    def __init__(self, url_or_engine: str | Engine, console: str, poll_s: float = 0.5) -> None:
        self.db = make_db_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
        self.console = console
        self.poll_s = poll_s
        self._queue: queue.Queue[dict[str, Any] | ShelfOp | Backfill | None] = queue.Queue()
        self._remote: deque[dict[str, Any]] = deque()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pending = 0
        self._idle = threading.Condition()
        self._last_id = 0
        self._seen: deque[int] = deque(maxlen=5000)
        self._seen_set: set[int] = set()
        self.last_error = ""
        self.rows_written = 0
        #: Called on the journal thread when other consoles' actions arrived (wakes the engine).
        self.on_remote: Callable[[], None] | None = None
        self.listener: Listener | None = None
        self._notify = self.db.dialect.name == "postgresql"
        # standby: this console's own process events, (monotonic time, row), for a hand-over
        self.hold_s = HOLD_S
        self._held: deque[tuple[float, dict[str, Any]]] = deque()
        self.backfilled = 0  # process events written at hand-overs (missing from the journal)
        #: The writer election's fence (SQL returning a row while this console may journal process
        #: events): a writer cut off from the database that lost the election meanwhile must not
        #: commit its late process events on reconnecting; the new writer back-filled them already.
        self.fence: Callable[[], str | None] | None = None
        self.fenced_off = 0  # process events dropped because this console was no longer the writer

    @property
    def notifies(self) -> bool:
        """PostgreSQL: actions are shared by LISTEN/NOTIFY (SQLite: by polling only)."""
        return self._notify

    # --- engine side (GUI thread) ------------------------------------------------------
    def start(self) -> None:
        ensure_tables(self.db)
        with self.db.connect() as conn:
            self._last_id = int(conn.execute(select(func.coalesce(func.max(AlarmJournalRow.id), 0))).scalar_one())
        self._thread = threading.Thread(target=self._run, name="alarm-journal", daemon=True)
        self._thread.start()
        if self._notify:
            self.listener = Listener(self.db, ALARM_CHANNEL, self._notified)
            self.listener.start()

    def _notified(self, payload: str) -> None:
        if payload != self.console:  # our own actions need no poll
            self._queue.put(POLL_NOW)

    def put(self, row: dict[str, Any] | ShelfOp) -> None:
        with self._idle:
            self._pending += 1
        self._queue.put(row)

    def hold(self, row: dict[str, Any]) -> None:
        """Keep a process event another console journals (this one is on standby), for
        :data:`HOLD_S` seconds: if that console dies before its journal commits it, this one
        writes it on taking over (:meth:`backfill_held`)."""
        now = time.monotonic()
        with self._lock:
            self._held.append((now, row))
            while self._held and self._held[0][0] < now - self.hold_s:
                self._held.popleft()

    def backfill_held(self) -> int:
        """This console has just become the writer: journal the held process events that the
        journal lacks (the old writer's last uncommitted ones and the switch's gap), without
        duplicates. Returns how many were held (the check runs on the journal thread)."""
        with self._lock:
            count = len(self._held)
        if count:
            with self._idle:
                self._pending += 1
            self._queue.put(Backfill([]))  # the rows are taken on the journal thread, late ones too
        return count

    def _take_held(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = [r for _, r in self._held]
            self._held.clear()
        return rows

    def take_remote(self) -> list[dict[str, Any]]:
        """Operator actions from other consoles seen since the last call (oldest first)."""
        with self._lock:
            rows = list(self._remote)
            self._remote.clear()
        return rows

    def load_shelf(self) -> list[dict[str, Any]]:
        """The shelves and out-of-service marks in force (read once at start-up)."""
        with self.db.connect() as conn:
            rows = conn.execute(select(AlarmShelfRow)).mappings().all()
        return [dict(r) for r in rows]

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every row handed over so far is in the database."""
        end = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout: float = 10.0) -> None:
        if self.listener is not None:
            self.listener.stop()
            self.listener = None
        if self._thread is None:
            return
        self.flush(timeout)
        self._queue.put(None)
        self._thread.join(timeout)
        self._thread = None
        self.db.dispose()

    # --- the thread -----------------------------------------------------------------------
    def _run(self) -> None:
        batch: list[dict[str, Any] | ShelfOp] = []
        backfills: list[Backfill] = []
        next_poll = 0.0
        stopping = False
        while not stopping:
            try:
                item = self._queue.get(timeout=self.poll_s / 2)
                if item is None:
                    stopping = True
                elif item is POLL_NOW:
                    next_poll = 0.0
                elif isinstance(item, Backfill):
                    backfills.append(item)
                else:
                    batch.append(item)
                while True:  # drain what is there: one transaction for the lot
                    item = self._queue.get_nowait()
                    if item is None:
                        stopping = True
                        break
                    if item is POLL_NOW:
                        next_poll = 0.0
                    elif isinstance(item, Backfill):
                        backfills.append(item)
                    else:
                        batch.append(item)
            except queue.Empty:
                pass
            while backfills:
                backfill = backfills[0]
                backfill.rows += self._take_held()
                if not self._backfill(backfill.rows):
                    if stopping:
                        log.error("alarm journal: %d held process events not back-filled at shutdown: %s",
                                  len(backfill.rows), self.last_error)
                    break  # the database is down: keep them, try again
                backfills.pop(0)
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()
            if batch:
                if self._write(batch):
                    with self._idle:
                        self._pending -= len(batch)
                        self._idle.notify_all()
                    batch = []
                elif stopping:
                    log.error("alarm journal: %d rows not written at shutdown: %s", len(batch), self.last_error)
                else:
                    time.sleep(min(5.0, self.poll_s * 4))  # the DB is down: keep the rows, retry
            if time.monotonic() >= next_poll:
                self._poll()
                next_poll = time.monotonic() + self.poll_s

    def _write(self, batch: list[dict[str, Any] | ShelfOp]) -> bool:
        journal = [r for r in batch if isinstance(r, dict)]
        try:
            with self.db.begin() as conn:
                if (journal and self.fence is not None and self._notify  # the fence is PostgreSQL's pg_locks
                        and any(r.get("event") in PROCESS_EVENTS for r in journal)):
                    journal = self._fenced(conn, journal)
                if journal:
                    conn.execute(insert(AlarmJournalRow), journal)
                for op in batch:
                    if isinstance(op, ShelfOp):
                        conn.execute(delete(AlarmShelfRow).where(AlarmShelfRow.alarm == op.alarm))
                        if op.row is not None:
                            conn.execute(insert(AlarmShelfRow), [op.row])
                if self._notify and any(r.get("event") in OPERATOR_EVENTS for r in journal):
                    # delivered at commit, together with the rows: listeners poll at once
                    conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": ALARM_CHANNEL, "p": self.console})
        except (DataError, IntegrityError) as exc:
            if len(batch) == 1:
                log.error("alarm journal: row rejected and dropped: %s: %r", str(exc).splitlines()[0], batch[0])
                return True
            # A row the database will never take (retrying would block the journal for good):
            # write the batch row by row and log the rejected ones.
            log.error("alarm journal: batch rejected (%s); writing row by row", str(exc).splitlines()[0])
            return self._write_one_by_one(batch)
        except SQLAlchemyError as exc:
            self.last_error = str(exc).splitlines()[0]
            log.warning("alarm journal: write failed, will retry: %s", self.last_error)
            return False
        self.rows_written += len(journal)
        self.last_error = ""
        return True

    def _fenced(self, conn: Any, journal: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``journal`` without its process events when this console no longer holds the writer
        lock (checked in the transaction that would commit them); operator actions always stay."""
        sql = self.fence() if self.fence is not None else None
        if sql is None or conn.execute(text(sql)).first() is not None:
            return journal
        kept = [r for r in journal if r.get("event") not in PROCESS_EVENTS]
        dropped = len(journal) - len(kept)
        self.fenced_off += dropped
        log.warning("alarm journal: %d process event(s) not written: another console is the writer now "
                    "(it journals them)", dropped)
        return kept

    def _backfill(self, rows: list[dict[str, Any]]) -> bool:
        """Write the held process events the journal lacks (:func:`missing_after`, per alarm)
        in one transaction; False when the database cannot be reached (kept, retried)."""
        if not rows:
            return True
        by_alarm: dict[str, list[dict[str, Any]]] = {}
        for row in sorted(rows, key=lambda r: as_utc(r["ts"])):
            by_alarm.setdefault(row["alarm"], []).append(row)
        # the newest stored process event of each alarm (however old: an alarm standing for
        # days has its activation far back)
        j, j2 = AlarmJournalRow, aliased(AlarmJournalRow)
        newest = (select(func.max(j2.ts)).where(j2.alarm == j.alarm).where(j2.event.in_(PROCESS_EVENTS))
                  .scalar_subquery())
        try:
            with self.db.begin() as conn:
                stored = conn.execute(
                    select(j.alarm, j.event, j.ts).where(j.alarm.in_(list(by_alarm)))
                    .where(j.event.in_(PROCESS_EVENTS)).where(j.ts == newest).order_by(j.ts, j.id)).all()
                last = {alarm: (event, as_utc(ts)) for alarm, event, ts in stored}
                missing = [r for alarm, held in by_alarm.items() for r in missing_after(held, last.get(alarm))]
                if missing:
                    conn.execute(insert(AlarmJournalRow), missing)
        except (DataError, IntegrityError) as exc:
            log.error("alarm journal: hand-over back-fill rejected and dropped: %s", str(exc).splitlines()[0])
            return True
        except SQLAlchemyError as exc:
            self.last_error = str(exc).splitlines()[0]
            log.warning("alarm journal: hand-over back-fill failed, will retry: %s", self.last_error)
            return False
        self.rows_written += len(missing)
        self.backfilled += len(missing)
        log.warning("alarm journal: took over; back-filled %d of %d process events seen on standby",
                    len(missing), len(rows))
        return True

    def _write_one_by_one(self, batch: list[dict[str, Any] | ShelfOp]) -> bool:
        for item in batch:
            while not self._write([item]):  # the database went away meanwhile: keep this row
                time.sleep(min(5.0, self.poll_s * 4))
        return True

    def _poll(self) -> None:
        # Ids may commit out of order on PostgreSQL: look back a little and skip what we saw.
        try:
            with self.db.connect() as conn:
                rows = conn.execute(
                    select(AlarmJournalRow)
                    .where(AlarmJournalRow.id > self._last_id - 500)
                    .where(AlarmJournalRow.event.in_(OPERATOR_EVENTS))
                    .where(AlarmJournalRow.console != self.console)
                    .order_by(AlarmJournalRow.id)
                ).mappings().all()
                top = conn.execute(select(func.coalesce(func.max(AlarmJournalRow.id), 0))).scalar_one()
        except SQLAlchemyError as exc:
            self.last_error = str(exc).splitlines()[0]
            return
        fresh = [dict(r) for r in rows if r["id"] not in self._seen_set]
        for row in fresh:
            if len(self._seen) == self._seen.maxlen:
                self._seen_set.discard(self._seen[0])
            self._seen.append(row["id"])
            self._seen_set.add(row["id"])
        self._last_id = max(self._last_id, int(top))
        if fresh:
            with self._lock:
                self._remote.extend(fresh)
            if self.on_remote is not None:
                self.on_remote()


def read_journal(
    url_or_engine: str | Engine,
    start: datetime | None = None,
    end: datetime | None = None,
    text: str = "",
    events: tuple[str, ...] = (),
    limit: int = 100_000,
) -> list[dict[str, Any]]:
    """Journal rows between ``start`` and ``end`` (oldest first), optionally filtered."""
    db = make_db_engine(url_or_engine, must_exist=True) if isinstance(url_or_engine, str) else url_or_engine
    query = select(AlarmJournalRow).order_by(AlarmJournalRow.ts, AlarmJournalRow.id)
    if start is not None:
        query = query.where(AlarmJournalRow.ts >= start)
    if end is not None:
        query = query.where(AlarmJournalRow.ts < end)
    if events:
        query = query.where(AlarmJournalRow.event.in_(events))
    if text:
        pattern = f"%{text}%"
        query = query.where(
            AlarmJournalRow.alarm.ilike(pattern) | AlarmJournalRow.who.ilike(pattern) | AlarmJournalRow.reason.ilike(pattern)
        )
    with db.connect() as conn:
        rows = [dict(r) for r in conn.execute(query.limit(limit)).mappings().all()]
    for row in rows:
        row["ts"] = as_utc(row["ts"])
        if row.get("until") is not None:
            row["until"] = as_utc(row["until"])
    if isinstance(url_or_engine, str):
        db.dispose()
    return rows
