"""Journal search/export and the KPI panel over a real SQLite journal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from app.alarms.journal import ensure_tables, make_db_engine
from app.alarms.kpi import read_csv_journal
from app.alarms.models import AlarmJournalRow
from app.alarms.queries import AlarmJournalQueries
from tests.alarms.helpers import Clock, adef, engine
from tests.alarms.test_kpi import END, START, crafted
from widgets.alarm_journal_panel import AlarmJournalPanel
from widgets.alarm_kpi_panel import AlarmKpiPanel


def journal_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = make_db_engine(f"sqlite:///{tmp_path / 'j.sqlite'}")
    ensure_tables(db)
    with db.begin() as conn:
        conn.execute(insert(AlarmJournalRow), [
            {"ts": e.ts, "alarm": e.alarm, "tag": e.alarm, "priority": e.priority, "area": e.area, "event": e.event,
             "who": "op1" if e.event == "ack" else "", "reason": "", "console": "c1"}
            for e in crafted()
        ])
    return db


def test_journal_search_and_csv_export(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    panel = AlarmJournalPanel(AlarmJournalQueries(journal_db(tmp_path)))
    qtbot.addWidget(panel)
    panel.set_period(START, END)
    panel.search()
    panel.wait()
    assert panel.model.rowCount() == len([e for e in crafted() if START <= e.ts < END])
    panel.text_edit.setText("op1")  # by who acknowledged
    panel.search()
    panel.wait()
    assert [r["event"] for r in panel.model.rows] == ["ack"]
    panel.text_edit.setText("")
    panel.event_box.setCurrentIndex(panel.event_box.findData("activate"))
    panel.search()
    panel.wait()
    assert panel.model.rowCount() == 20
    out = tmp_path / "export.csv"
    panel.export_csv(out)
    assert [e.alarm for e in read_csv_journal(out)] == [r["alarm"] for r in panel.model.rows]


def test_kpi_panel_shows_the_figures_and_shelves_a_chatterer(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    eng = engine([adef("C", limit=10.0, id="C")], clock)
    panel = AlarmKpiPanel(AlarmJournalQueries(journal_db(tmp_path)), eng, user=lambda: "op1", clock=lambda: END)
    qtbot.addWidget(panel)
    panel.compute()
    panel.wait()
    figures = {panel.summary.item(r, 0).text(): panel.summary.item(r, 1).text() for r in range(panel.summary.rowCount())}
    assert figures["Annunciated alarms"] == "20"
    assert figures["Floods"] == "1" and figures["Flood duration"] == "9.0 min"
    assert figures["Stale alarms (> 24 h)"].startswith("1")
    assert panel.chatter.item(0, 0).text() == "C"
    assert panel.report is not None and panel.report.end - panel.report.start == timedelta(hours=8)
    panel.chatter_view.clicked.emit(panel.chatter.index(0, 2))  # one click
    assert eng.records["C"].shelve is not None and eng.records["C"].shelved_by == "op1"
    assert panel.chatter.item(0, 2).text() == "shelved"
