"""The writer role as the runtime sees it: who writes history, and whether this console
journals process alarm events (only the elected writer does, so events are not doubled)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class WriterRole:
    """``runtime.services["historian"]``: plain Python, read by the status bar and ``crucible status``.

    ``writer``: the console writing the plant's history now ('' when none or unknown);
    ``is_writer``: whether it is this one. SQLite or no historian: this console, always.
    """

    console: str
    journal_process_events: bool
    is_writer: bool = True
    writer: str = ""

    @property
    def text(self) -> str:
        """One line for the status bar, e.g. ``history writer: srv-01 (this console)``."""
        if not self.writer:
            return "history writer: none yet"
        return f"history writer: {self.writer}" + (" (this console)" if self.is_writer else "")


def _same_database(a: Any, b: Any) -> bool:
    """Whether two engines reach one PostgreSQL database (the election's fence reads pg_locks there)."""
    try:
        return bool(a.dialect.name == b.dialect.name == "postgresql"
                    and a.url.render_as_string(hide_password=True) == b.url.render_as_string(hide_password=True))
    except AttributeError:
        return False


def setup(runtime: Any) -> WriterRole:
    """Follow the election: process alarm events are journaled by the writer only.

    On standby the alarm engine keeps its own process events for a while; on becoming the
    writer this console back-fills those the journal lacks (the old writer's last ones, lost
    with it, and the switch's gap), as the history writer back-fills samples."""
    alarms = runtime.alarms
    role = WriterRole(runtime.console, bool(alarms.record_process_events), writer=runtime.console)
    historian = getattr(runtime, "historian", None)
    election = getattr(historian, "election", None)
    if election is None:
        return role
    alarms.hold_process_events = role.journal_process_events and getattr(alarms, "journal", None) is not None
    journal = getattr(alarms, "journal", None)
    if journal is not None and _same_database(journal.db, election.engine):
        journal.fence = election.fence_sql  # a deposed writer's late process events are not committed

    def follow(is_writer: bool, writer: str) -> None:
        took_over = is_writer and not role.is_writer
        role.is_writer, role.writer = is_writer, writer
        alarms.record_process_events = role.journal_process_events and is_writer
        if took_over and alarms.hold_process_events:
            alarms.journal.backfill_held()

    role.is_writer = False  # until the election says so (a writer at start has nothing held)
    follow(election.is_writer, election.writer)
    election.listeners.append(follow)
    return role
