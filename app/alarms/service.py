"""Builds the alarm engine of a runtime: definitions from the layout, journal, store wiring."""

from __future__ import annotations

from app.alarms.definitions import load_alarms
from app.alarms.engine import AlarmEngine, AuditHook
from app.alarms.journal import JournalWriter
from app.core.layout import PlantLayout
from app.core.store import TagStore


def default_db_url() -> str:
    """The plant database of this console (``app.db.default_url`` of the settings)."""
    from app.core.settings import Settings
    from app.db.engine import default_url

    return default_url(Settings()).render_as_string(hide_password=False)


def build_alarm_engine(
    layout: PlantLayout, store: TagStore, db_url: str = "", console: str = "", audit: AuditHook | None = None
) -> AlarmEngine:
    """The engine for ``layout``'s ``alarms.yaml``, evaluating every batch of ``store``.

    Raises :class:`~app.alarms.definitions.AlarmDefinitionError` for a bad alarms file.
    The journal thread starts with :meth:`AlarmEngine.start` (the runtime's start).
    """
    import os

    console = console or os.uname().nodename
    journal = JournalWriter(db_url or default_db_url(), console)
    engine = AlarmEngine(load_alarms(layout), layout.tags, journal=journal, console=console, audit=audit)
    engine.attach(store)
    return engine
