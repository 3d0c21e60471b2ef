"""Puts the alarm panels (list, journal, KPIs) and the priority counts into the main window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.alarms.queries import AlarmJournalQueries
from widgets.alarm_journal_panel import AlarmJournalPanel
from widgets.alarm_kpi_panel import AlarmKpiPanel
from widgets.alarm_list_panel import AlarmListPanel

if TYPE_CHECKING:
    from widgets.main_window import MainWindow


def add_alarm_panels(window: MainWindow) -> AlarmListPanel:
    """Add the panels; returns the alarm list (its ``sig_alarm_activated`` is for display call-up)."""
    engine = window.runtime.alarms
    alarm_list = AlarmListPanel(engine, window.runtime.layout, window.language)
    list_dock = window.add_panel(alarm_list)
    if engine.journal is not None:  # journal and KPIs as tabs behind the list: the list stays wide
        queries = AlarmJournalQueries(engine.journal.db)  # the panels get queries, not a database engine
        for panel in (AlarmJournalPanel(queries), AlarmKpiPanel(queries, engine)):
            window.tabifyDockWidget(list_dock, window.add_panel(panel))
        list_dock.raise_()
    window.statusBar().addPermanentWidget(alarm_list.counts_label)
    return alarm_list
