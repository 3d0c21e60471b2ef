"""One history writer per plant, elected through PostgreSQL (no extra server product).

Every console (and ``crucible serve``) is a candidate. A candidate holds a dedicated
PostgreSQL connection and tries ``pg_try_advisory_lock(WRITER_LOCK)`` on it once per
``interval_s``; the one that gets the lock is the writer until its session ends. A writer
that dies (crash, SIGKILL, power cut) or loses its connection ends that session, PostgreSQL
releases the lock at once (TCP keep-alives and ``tcp_user_timeout`` bound the half-open
case) and the next candidate to try gets it, so hand-over takes about ``interval_s``.

The writer thread also *fences* each commit (:meth:`WriterElection.fence_sql`): the commit
checks, in its own transaction, that the lock connection still holds the lock, so two
consoles never both write history even for a moment.

Who writes is visible to everyone: the lock connection's ``application_name`` is
``crucible-writer:<console>``, read back from ``pg_locks`` / ``pg_stat_activity``.

On SQLite there is one console, and it is always the writer (:class:`AlwaysWriter`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: The advisory lock key of the history writer (any fixed 64-bit number; "crucible" in ASCII).
WRITER_LOCK = 0x6372756369626C65
APP_PREFIX = "crucible-writer:"
#: Seconds a candidate waits between attempts, and a writer between checks of its connection.
DEFAULT_INTERVAL_S = 1.0
_CLASSID, _OBJID = (WRITER_LOCK >> 32) & 0xFFFFFFFF, WRITER_LOCK & 0xFFFFFFFF

#: Who holds the writer lock (``pg_locks`` splits a bigint key into classid/objid).
WHO_SQL = (
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    f"WHERE l.locktype = 'advisory' AND l.classid = {_CLASSID} AND l.objid = {_OBJID} "
    "AND l.objsubid = 1 AND l.granted"
)


class Election(Protocol):
    """What the historian writer needs to know about the election."""

    @property
    def is_writer(self) -> bool: ...

    @property
    def term(self) -> int: ...

    @property
    def writer(self) -> str: ...

    def fence_sql(self) -> str | None: ...

    @property
    def listeners(self) -> list[Callable[[bool, str], None]]: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class AlwaysWriter:
    """SQLite (one console): this console always writes."""

    def __init__(self, console: str = "") -> None:
        self.console = console
        self.term = 1
        self.is_writer = True
        self.listeners: list[Callable[[bool, str], None]] = []

    @property
    def writer(self) -> str:
        return self.console

    def fence_sql(self) -> str | None:
        return None

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def connect_args(engine: Engine) -> tuple[list[Any], dict[str, Any]]:
    """psycopg ``connect`` arguments for ``engine``'s URL (password, multi-host query included)."""
    cargs, cparams = engine.dialect.create_connect_args(engine.url)
    return list(cargs), dict(cparams)


class WriterElection:
    """Candidate for the plant's history writer on PostgreSQL (a thread of its own).

    Each of ``listeners`` (``fn(is_writer, writer)``) is called on the election thread whenever
    this console becomes or stops being the writer, or the writer it sees changes.
    """

    def __init__(self, engine: Engine, console: str, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self.engine = engine
        self.console = console
        self.interval_s = interval_s
        self.listeners: list[Callable[[bool, str], None]] = []
        self._is_writer = False
        self._term = 0
        self._writer = ""
        self._pid: int | None = None
        self._conn: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._told: tuple[bool, str] = (False, "")
        self.last_error = ""

    # --- any thread -----------------------------------------------------------------
    @property
    def is_writer(self) -> bool:
        return self._is_writer

    @property
    def term(self) -> int:
        """Counts the times this console became the writer (a new term means: back-fill)."""
        return self._term

    @property
    def writer(self) -> str:
        """The console that writes history now ('' while nobody does, or unknown)."""
        return self._writer

    def fence_sql(self) -> str | None:
        """SQL returning one row while this console's lock connection still holds the lock."""
        pid = self._pid
        if not self._is_writer or pid is None:
            return "SELECT 1 WHERE false"
        return (f"SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = {_CLASSID} "
                f"AND objid = {_OBJID} AND objsubid = 1 AND granted AND pid = {int(pid)}")

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="historian-election", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Resign: close the lock connection (the next candidate takes over at once)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self._drop("stopped")

    def wait_decided(self, timeout_s: float = 10.0) -> bool:
        """Wait until some console (maybe this one) is known to be the writer."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            if self._writer:
                return True
            time.sleep(0.05)
        return False

    # --- election thread ------------------------------------------------------------
    def _connect(self) -> Any:
        import psycopg

        cargs, cparams = connect_args(self.engine)
        cparams.setdefault("connect_timeout", 5)
        cparams.update(application_name=f"{APP_PREFIX}{self.console}"[:63], keepalives=1,
                       keepalives_idle=5, keepalives_interval=2, keepalives_count=2, tcp_user_timeout=8000)
        conn = psycopg.connect(*cargs, autocommit=True, **cparams)
        conn.execute("SET statement_timeout = 5000")
        return conn

    def _drop(self, why: str) -> None:
        conn, self._conn = self._conn, None
        was = self._is_writer
        self._is_writer = False
        self._pid = None
        if was:
            self._writer = ""
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
        if was:
            log.warning("history writer: %s no longer writes history (%s)", self.console, why)
            self._notify()

    def _notify(self) -> None:
        state = (self._is_writer, self._writer)
        if state == self._told:
            return
        self._told = state
        for fn in list(self.listeners):
            try:
                fn(self._is_writer, self._writer)
            except Exception:  # noqa: BLE001 - a listener's bug must not end the election
                log.exception("history writer: a listener failed")

    def _round(self) -> None:
        if self._conn is None:
            self._conn = self._connect()
            self._pid = int(self._conn.info.backend_pid)
        conn = self._conn
        if not self._is_writer:
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (WRITER_LOCK,)).fetchone()
            if got and got[0]:
                self._term += 1
                self._is_writer = True
                log.warning("history writer: %s now writes history (term %d)", self.console, self._term)
        row = conn.execute(WHO_SQL).fetchone()  # also proves the connection is alive
        who = str(row[0])[len(APP_PREFIX):] if row and str(row[0]).startswith(APP_PREFIX) else ""
        if self._is_writer and who != self.console:
            self._drop("the lock is no longer held")
            return
        self._writer = who
        self._notify()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._round()
                self.last_error = ""
            except Exception as exc:  # noqa: BLE001 - any database trouble: resign, retry
                self.last_error = " ".join(str(exc).split())[:200]
                if self._writer:
                    self._writer = ""
                self._drop(self.last_error or type(exc).__name__)
            self._stop.wait(self.interval_s)


def current_writer(engine: Engine) -> str:
    """The console writing history on ``engine``'s database ('' when none; SQLite: '')."""
    if engine.dialect.name != "postgresql":
        return ""
    from sqlalchemy import text

    with engine.connect() as conn:
        row = conn.execute(text(WHO_SQL)).first()
    return str(row[0])[len(APP_PREFIX):] if row and str(row[0]).startswith(APP_PREFIX) else ""


def make_election(engine: Engine, console: str, interval_s: float = DEFAULT_INTERVAL_S) -> Election:
    """The election for ``engine``: PostgreSQL elects; SQLite's single console always writes."""
    if engine.dialect.name == "postgresql":
        return WriterElection(engine, console, interval_s)
    return AlwaysWriter(console)
