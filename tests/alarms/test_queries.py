"""The alarm journal query service the panels call (no SQLAlchemy in the panels)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from app.alarms.journal import ensure_tables, make_db_engine
from app.alarms.models import AlarmJournalRow
from app.alarms.queries import AlarmJournalQueries

T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def test_events_and_kpis_from_a_real_sqlite_journal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'journal.sqlite'}"
    db = make_db_engine(url)
    ensure_tables(db)
    rows = []
    for i in range(12):  # one alarm chattering: 12 activations within 12 minutes
        rows.append({"ts": T0 + timedelta(minutes=i), "alarm": "AP.TAIL_SO2.HH", "tag": "AP.TAIL_SO2", "priority": 1,
                     "area": "AP", "event": "activate", "who": "", "reason": "", "console": "c1"})
    rows.append({"ts": T0 + timedelta(minutes=5, seconds=30), "alarm": "AP.TAIL_SO2.HH", "tag": "AP.TAIL_SO2",
                 "priority": 1, "area": "AP", "event": "ack", "who": "op1", "reason": "blower check", "console": "c1"})
    with db.begin() as conn:
        conn.execute(insert(AlarmJournalRow), rows)
    db.dispose()
    queries = AlarmJournalQueries(url)
    found = queries.events(T0, T0 + timedelta(hours=1), text="blower")
    assert [(r["event"], r["who"]) for r in found] == [("ack", "op1")]
    assert len(queries.events(T0, T0 + timedelta(hours=1), events=("activate",))) == 12
    report = queries.kpis(T0, T0 + timedelta(hours=8))
    assert report.annunciated == 12
    assert report.max_per_10min == 10
