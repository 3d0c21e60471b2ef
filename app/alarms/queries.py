"""What the alarm panels (and any other console) ask of the alarm journal, as plain calls.

Panels get an :class:`AlarmJournalQueries` instead of a raw SQLAlchemy engine or URL: the SQL
stays here (headless, tested), the panels call these methods off the GUI thread and show the
results. Each call is blocking: run it in the background (``widgets.background_query``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from app.alarms.journal import make_db_engine, read_journal
from app.alarms.kpi import KpiReport, compute_kpis, events_from_rows

#: How far before a KPI period the journal is read, so alarms already standing at its start
#: (and stale ones) are known.
KPI_LOOKBACK = timedelta(days=30)


class AlarmJournalQueries:
    """Searches and KPIs over one alarm journal database."""

    def __init__(self, db: str | Engine) -> None:
        self._db = make_db_engine(db) if isinstance(db, str) else db

    def events(self, start: datetime, end: datetime, text: str = "", events: tuple[str, ...] = (),
               limit: int = 100_000) -> list[dict[str, Any]]:
        """Journal rows in ``[start, end)``, oldest first; ``text`` matches alarm, who or reason."""
        return read_journal(self._db, start, end, text, events, limit)

    def kpis(self, start: datetime, end: datetime) -> KpiReport:
        """The EEMUA 191 / ISA-18.2 figures of ``[start, end)``."""
        rows = read_journal(self._db, start - KPI_LOOKBACK, end)
        return compute_kpis(events_from_rows(rows), start, end)
