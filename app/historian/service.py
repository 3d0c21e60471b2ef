"""The historian as the runtime uses it: engine, writer, reader and retention together."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from sqlalchemy import Engine

from app.core.settings import Settings, data_dir
from app.core.store import TagStore
from app.core.tags import TagDef
from app.historian.database import (
    DatabaseError,
    database_url,
    describe,
    make_engine,
    schema_status,
    upgrade,
)
from app.historian.election import Election, make_election
from app.historian.reader import HistoryReader
from app.historian.retention import RetentionWorker
from app.historian.writer import HistorianStatus, HistorianWriter

log = logging.getLogger(__name__)


class Historian:
    """Owns the writer thread and the retention thread; the reader is for worker threads."""

    def __init__(self, engine: Engine, spool_dir: Path, definitions: Mapping[str, TagDef] | None = None,
                 raw_days: float = 90, rollup_years: float = 10, election: Election | None = None) -> None:
        self.engine = engine
        #: Many consoles on one PostgreSQL database: only the elected one writes (None: always).
        self.election = election
        self.writer = HistorianWriter(engine, spool_dir, definitions, election=election)
        self.reader = HistoryReader(engine)
        self.retention = RetentionWorker(engine, raw_days, rollup_years)
        if election is not None:
            self.retention.only_if = lambda: election.is_writer
        self.schema_message = ""
        self._store: TagStore | None = None

    @property
    def status(self) -> HistorianStatus:
        return self.writer.status

    def attach(self, store: TagStore) -> None:
        """Historise every batch the store applies (the writer only enqueues here)."""
        self._store = store
        self.writer.compressor.definitions.update(store.definitions)
        store.batch_applied.connect(self.writer.enqueue)

    def start(self) -> None:
        if self.election is not None:
            self.election.start()
        self.writer.start()
        self.retention.start()

    async def watch(self, beat: Callable[[], None] | None = None, period_s: float = 5.0) -> None:
        """Every ``period_s``: check the writer thread is alive (restart it when it died) and
        ``beat`` (for the runtime's supervisor). Ends when the historian is stopped."""
        import asyncio

        writer = self.writer
        while not writer._stop.is_set():
            thread = writer._thread
            if thread is not None and not thread.is_alive() and not writer._stop.is_set():
                log.error("the historian writer thread stopped; starting it again")
                writer._thread = None
                writer.start()
            if beat is not None:
                beat()
            await asyncio.sleep(period_s)

    def stop(self) -> None:
        """Blocking (joins threads): call from an executor, not the GUI thread."""
        if self._store is not None:
            self._store.batch_applied.disconnect(self.writer.enqueue)
        self.retention.stop()
        self.writer.stop()
        if self.election is not None:
            self.election.stop()  # after the last flush: the next console takes over at once


def open_historian(settings: Settings, db_override: str | None = None,
                   definitions: Mapping[str, TagDef] | None = None, console: str = "",
                   spool_dir: Path | None = None) -> Historian:
    """Build the historian from settings and check the schema.

    The console's own SQLite file is brought up to date on the spot; a shared PostgreSQL
    database is only checked (IT runs ``crucible db upgrade``): when it is behind or out of
    reach, history buffers to the spool and ``schema_message`` says what to do.
    Raises :class:`DatabaseError` when the address or its password cannot be used at all.
    """
    url = database_url(settings, db_override)
    engine = make_engine(url)
    election = None
    if engine.dialect.name == "postgresql":  # one writer per plant; SQLite's one console always writes
        import os

        election = make_election(engine, console or settings.console_name or os.uname().nodename)
    historian = Historian(engine, spool_dir or data_dir() / "spool", definitions, settings.history_raw_days,
                          settings.history_rollup_years, election)
    try:
        status = schema_status(engine)
        if not status.up_to_date and url.get_backend_name() == "sqlite" and not (status.current - status.heads):
            status = upgrade(engine)
        if not status.up_to_date:
            historian.schema_message = f"{describe(url)}: {status.message}"
    except DatabaseError as exc:
        historian.schema_message = str(exc)
    if historian.schema_message:
        log.warning("history: %s", historian.schema_message)
    return historian
