"""The alarm journal: search the history of alarms and operator actions; export as CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.alarms.definitions import Priority
from app.alarms.engine import AlarmState
from app.alarms.journal import JOURNAL_EVENTS
from app.alarms.kpi import write_csv_journal
from app.alarms.queries import AlarmJournalQueries
from widgets.alarm_models import STATE_TEXT
from widgets.alarm_models import tr as alarm_tr
from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel

AnyIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("ts", "alarm", "priority", "area", "event", "state", "value", "limit", "who", "reason", "console")
HEADERS = (
    QT_TRANSLATE_NOOP("JournalTableModel", "Time"), QT_TRANSLATE_NOOP("JournalTableModel", "Alarm"), QT_TRANSLATE_NOOP("JournalTableModel", "Priority"), QT_TRANSLATE_NOOP("JournalTableModel", "Area"),
    QT_TRANSLATE_NOOP("JournalTableModel", "Event"), QT_TRANSLATE_NOOP("JournalTableModel", "State"), QT_TRANSLATE_NOOP("JournalTableModel", "Value"), QT_TRANSLATE_NOOP("JournalTableModel", "Limit"),
    QT_TRANSLATE_NOOP("JournalTableModel", "Who"), QT_TRANSLATE_NOOP("JournalTableModel", "Reason"), QT_TRANSLATE_NOOP("JournalTableModel", "Console"),
)


# The journal's event codes (app.alarms.journal.JOURNAL_EVENTS), shown through self.tr in the event filter.
_EVENT_WORDS = (
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "activate"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "clear"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "ack"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "shelve"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "unshelve"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "suppress"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "unsuppress"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "oos"),
    QT_TRANSLATE_NOOP("AlarmJournalPanel", "in_service"),
)
# Cell texts shown through self.tr in JournalTableModel: Priority.label and the event codes.
_CELL_WORDS = (
    QT_TRANSLATE_NOOP("JournalTableModel", "urgent"), QT_TRANSLATE_NOOP("JournalTableModel", "high"),
    QT_TRANSLATE_NOOP("JournalTableModel", "medium"), QT_TRANSLATE_NOOP("JournalTableModel", "low"),
    QT_TRANSLATE_NOOP("JournalTableModel", "activate"),
    QT_TRANSLATE_NOOP("JournalTableModel", "clear"),
    QT_TRANSLATE_NOOP("JournalTableModel", "ack"),
    QT_TRANSLATE_NOOP("JournalTableModel", "shelve"),
    QT_TRANSLATE_NOOP("JournalTableModel", "unshelve"),
    QT_TRANSLATE_NOOP("JournalTableModel", "suppress"),
    QT_TRANSLATE_NOOP("JournalTableModel", "unsuppress"),
    QT_TRANSLATE_NOOP("JournalTableModel", "oos"),
    QT_TRANSLATE_NOOP("JournalTableModel", "in_service"),
)


class JournalTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()]
        value = row.get(key)
        if key == "ts":
            return value.astimezone().strftime("%Y-%m-%d %H:%M:%S") if value else ""
        if key == "priority":
            return self.tr(Priority(value).label) if value else ""
        if key == "event" and value in JOURNAL_EVENTS:
            return self.tr(value)
        if key == "state" and value in set(AlarmState):
            return alarm_tr(STATE_TEXT[AlarmState(value)])
        return "" if value is None else str(value)


class AlarmJournalPanel(DockPanel):
    """Search the journal by period, text (alarm, who, reason) and event; export to CSV."""

    NAME = "alarm_journal"
    TITLE = QT_TRANSLATE_NOOP("AlarmJournalPanel", "Alarm journal")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, journal: AlarmJournalQueries | str) -> None:
        super().__init__()
        self.journal = AlarmJournalQueries(journal) if isinstance(journal, str) else journal
        self.model = JournalTableModel()
        self._query = BackgroundQuery(self, "journal-query", self._show_rows, self._show_error)
        now = QDateTime.currentDateTime()
        self.from_edit = QDateTimeEdit(now.addSecs(-8 * 3600))
        self.to_edit = QDateTimeEdit(now.addSecs(3600))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.text_edit = QLineEdit()
        self.text_edit.setClearButtonEnabled(True)
        self.event_box = QComboBox()
        self.search_button = QPushButton()
        self.export_button = QPushButton()
        self.status = QLabel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(9, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(1, 200)
        top = QHBoxLayout()
        for w in (self.from_edit, self.to_edit, self.event_box):
            top.addWidget(w)
        top.addWidget(self.text_edit, 1)
        top.addWidget(self.search_button)
        top.addWidget(self.export_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        box.addWidget(self.table, 1)
        box.addWidget(self.status)
        self.search_button.clicked.connect(self.search)
        self.text_edit.returnPressed.connect(self.search)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.retranslate()

    def retranslate(self) -> None:
        current = self.event_box.currentData()
        self.event_box.blockSignals(True)
        self.event_box.clear()
        self.event_box.addItem(self.tr("All events"), "")
        for ev in JOURNAL_EVENTS:
            self.event_box.addItem(self.tr(ev), ev)  # shown translated, filtered by the code
        self.event_box.setCurrentIndex(max(0, self.event_box.findData(current)))
        self.event_box.blockSignals(False)
        self.text_edit.setPlaceholderText(self.tr("Alarm, user or reason"))
        self.search_button.setText(self.tr("Search"))
        self.export_button.setText(self.tr("Export CSV..."))

    def period(self) -> tuple[datetime, datetime]:
        start = datetime.fromtimestamp(self.from_edit.dateTime().toSecsSinceEpoch(), UTC)
        end = datetime.fromtimestamp(self.to_edit.dateTime().toSecsSinceEpoch(), UTC)
        return start, end

    def set_period(self, start: datetime, end: datetime) -> None:
        self.from_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
        self.to_edit.setDateTime(QDateTime.fromSecsSinceEpoch(int(end.timestamp()) + 59))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The first time the tab is shown it fills itself (no empty tab until a button is pressed)."""
        super().showEvent(event)
        if not getattr(self, "_filled_on_show", False):
            self._filled_on_show = True
            self.search()

    def search(self) -> None:
        """Query in the background; the table fills when the rows arrive."""
        start, end = self.period()
        event = self.event_box.currentData() or ""
        self.status.setText(self.tr("Searching..."))
        self._query.submit(
            self.journal.events, start, end, self.text_edit.text().strip(), (event,) if event else ()
        )

    def wait(self, timeout: float = 10.0) -> None:
        """Block until the running search is shown (tests, screenshots)."""
        self._query.wait(timeout)

    def _show_error(self, exc: Exception) -> None:
        self.status.setText(self.tr("Cannot read the journal: {error}").format(error=str(exc).splitlines()[0]))

    def _show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.model.set_rows(rows)
        self.status.setText(self.tr("{n} events").format(n=len(rows)))

    def export_csv(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as fh:
            write_csv_journal(self.model.rows, fh)

    def _on_export_button_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export alarm journal"), "alarm_journal.csv", "CSV (*.csv)")
        if name:
            self.export_csv(Path(name))
            self.status.setText(self.tr("Exported {n} events to {path}").format(n=len(self.model.rows), path=name))

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self._query.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]


