"""The Audit panel: the tamper-evident trail, searchable and filterable, exportable to CSV."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.security import audit as au
from app.security.audit import AuditEntry, AuditTrail
from app.security.session import Session
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("ts", "console", "user", "category", "event_type", "result", "target", "old_value", "new_value",
           "second_user", "reason", "detail")
FAILED = QColor("#e8c8c8")  # colour only for the abnormal (ISA-101): refused / failed events


class AuditTableModel(QAbstractTableModel):
    """Audit entries, newest first; new records arrive through the trail's listener."""

    HEADERS = (
        QT_TRANSLATE_NOOP("AuditTableModel", "Time"), QT_TRANSLATE_NOOP("AuditTableModel", "Console"), QT_TRANSLATE_NOOP("AuditTableModel", "User"), QT_TRANSLATE_NOOP("AuditTableModel", "Category"),
        QT_TRANSLATE_NOOP("AuditTableModel", "Event"), QT_TRANSLATE_NOOP("AuditTableModel", "Result"), QT_TRANSLATE_NOOP("AuditTableModel", "Target"), QT_TRANSLATE_NOOP("AuditTableModel", "Old"),
        QT_TRANSLATE_NOOP("AuditTableModel", "New"), QT_TRANSLATE_NOOP("AuditTableModel", "Second person"), QT_TRANSLATE_NOOP("AuditTableModel", "Reason"), QT_TRANSLATE_NOOP("AuditTableModel", "Detail"),
    )

    def __init__(self, entries: list[AuditEntry] | None = None, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.entries: list[AuditEntry] = list(entries or [])

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        name = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = getattr(entry, name)
            if isinstance(value, datetime):
                return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            if role == Qt.ItemDataRole.ToolTipRole and name == "ts":
                return self.tr("event {id} · record {seq}").format(id=entry.event_id, seq=entry.seq)
            return value
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return entry.seq if name == "ts" else getattr(entry, name)
        if role == Qt.ItemDataRole.BackgroundRole and entry.result != au.SUCCESS:
            return FAILED
        return None

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def prepend(self, entry: AuditEntry) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.entries.insert(0, entry)
        self.endInsertRows()


class AuditFilterProxy(QSortFilterProxyModel):
    """Free text over every column, plus category and result."""

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.text = ""
        self.category = ""
        self.result = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_filter(self, text: str | None = None, category: str | None = None, result: str | None = None) -> None:
        self.beginFilterChange()
        if text is not None:
            self.text = text.strip().lower()
        if category is not None:
            self.category = category
        if result is not None:
            self.result = result
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, AuditTableModel)
        entry = model.entries[source_row]
        if self.category and entry.category != self.category:
            return False
        if self.result and entry.result != self.result:
            return False
        if self.text:
            haystack = " ".join(str(getattr(entry, c)) for c in COLUMNS[1:]).lower()
            return all(word in haystack for word in self.text.split())
        return True


class AuditPanel(DockPanel):
    """Search, filter and export the audit trail (IEC 62443 SR 2.8)."""

    NAME = "audit"
    TITLE = QT_TRANSLATE_NOOP("AuditPanel", "Audit trail")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    PERMISSIONS = ("view",)
    LIMIT = 20000  # newest records loaded; older ones via `crucible audit export`

    def __init__(self, trail: AuditTrail, session: Session | None = None) -> None:
        super().__init__()
        self.trail = trail
        self.session = session
        self.model = AuditTableModel(parent=self)
        self.proxy = AuditFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(180)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.category = QComboBox()
        self.category.currentIndexChanged.connect(self._on_category_changed)
        self.result = QComboBox()
        self.result.currentIndexChanged.connect(self._on_result_changed)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.reload)
        self.verify_button = QPushButton()
        self.verify_button.clicked.connect(self._on_verify_clicked)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self._on_export_clicked)
        self.status = QLabel()
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        bar = QHBoxLayout()
        self.search_label = QLabel()
        for w in (self.search_label, self.search):
            bar.addWidget(w)
        bar.addWidget(self.category)
        bar.addWidget(self.result)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.verify_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        layout.addWidget(self.status)
        self.retranslate()
        self.reload()
        trail.listeners.append(self._on_trail_recorded)

    def retranslate(self) -> None:
        self.search_label.setText(self.tr("Search"))
        self.search.setPlaceholderText(self.tr("user, tag, event, reason ..."))
        self.refresh_button.setText(self.tr("Refresh"))
        self.verify_button.setText(self.tr("Verify chain"))
        self.export_button.setText(self.tr("Export CSV ..."))
        categories = [("", self.tr("All categories")), (au.ACCESS, self.tr("Access")), (au.WRITE, self.tr("Writes")),
                      (au.COMMAND, self.tr("Commands")), (au.ALARM, self.tr("Alarms")),
                      (au.CONFIG, self.tr("Configuration")), (au.USER, self.tr("Users"))]
        results = [("", self.tr("All results")), (au.SUCCESS, self.tr("Success")), (au.FAILURE, self.tr("Failure")),
                   (au.REFUSED, self.tr("Refused"))]
        for combo, items in ((self.category, categories), (self.result, results)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for key, text in items:
                combo.addItem(text, key)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        self._update_status()

    def reload(self) -> None:
        self.model.set_entries(self.trail.entries(limit=self.LIMIT))
        self.fit_columns()
        self._update_status()

    def fit_columns(self, widest: int = 240) -> None:
        """Fit columns to their text, but no wider than ``widest`` (tooltips show the rest)."""
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(widest, self.view.columnWidth(column)))

    def _update_status(self, extra: str = "") -> None:
        text = self.tr("{shown} of {total} records shown").format(shown=self.proxy.rowCount(), total=self.model.rowCount())
        self.status.setText(text + (f" · {extra}" if extra else ""))

    def _on_trail_recorded(self, entry: AuditEntry) -> None:
        self.model.prepend(entry)
        self._update_status()

    def _on_search_text_changed(self, text: str) -> None:
        self.proxy.set_filter(text=text)
        self._update_status()

    def _on_category_changed(self, _index: int) -> None:
        self.proxy.set_filter(category=self.category.currentData() or "")
        self._update_status()

    def _on_result_changed(self, _index: int) -> None:
        self.proxy.set_filter(result=self.result.currentData() or "")
        self._update_status()

    def _on_verify_clicked(self) -> None:
        problems = self.trail.verify()
        self._update_status(self.tr("hash chain intact") if not problems
                            else self.tr("TAMPERED: {problem}").format(problem=problems[0]))

    def visible_entries(self) -> list[AuditEntry]:
        """The entries the filter shows, in the view's order (what the CSV export writes)."""
        rows = [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in range(self.proxy.rowCount())]
        return [self.model.entries[r] for r in rows]

    def export_csv(self, path: str) -> int:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            count = au.write_csv(self.visible_entries(), stream)
        self.trail.record(au.CONFIG, "audit_export", user=self.session.username if self.session else "",
                          target=path, detail=f"{count} records")
        return count

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export audit trail"), "audit.csv", self.tr("CSV files (*.csv)"))
        if path:
            count = self.export_csv(path)
            self._update_status(self.tr("{n} records exported to {path}").format(n=count, path=path))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.teardown()
        super().closeEvent(event)

    def teardown(self) -> None:
        if self._on_trail_recorded in self.trail.listeners:
            self.trail.listeners.remove(self._on_trail_recorded)
