"""Handover log: the current shift's entries per area, sign / acknowledge, searchable history.

Database work runs on a worker thread (:class:`BackgroundQuery`); the password for signing
is asked in the button's synchronous slot (never inside a coroutine).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
)

from app.db.notify import HANDOVER
from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext
from widgets.shared_changes import SharedChanges

ITEM_KINDS = {
    "out_of_service": QT_TRANSLATE_NOOP("HandoverPanel", "out of service"),
    "work_order": QT_TRANSLATE_NOOP("HandoverPanel", "work order"),
    "standing_alarm": QT_TRANSLATE_NOOP("HandoverPanel", "standing alarm"),
    "shelved_alarm": QT_TRANSLATE_NOOP("HandoverPanel", "shelved alarm"),
    "safety": QT_TRANSLATE_NOOP("HandoverPanel", "safety"),
    "note": QT_TRANSLATE_NOOP("HandoverPanel", "note"),
}
COLUMNS = (QT_TRANSLATE_NOOP("HandoverPanel", "Shift"), QT_TRANSLATE_NOOP("HandoverPanel", "Area"),
           QT_TRANSLATE_NOOP("HandoverPanel", "Author"), QT_TRANSLATE_NOOP("HandoverPanel", "Time"),
           QT_TRANSLATE_NOOP("HandoverPanel", "Notes"), QT_TRANSLATE_NOOP("HandoverPanel", "Items"))


class HandoverPanel(DockPanel):
    """Entries of one shift (default: the current one), written, signed and acknowledged here."""

    NAME = "handover"
    TITLE = QT_TRANSLATE_NOOP("HandoverPanel", "Shift handover")
    PERMISSIONS: tuple[str, ...] = ("view",)

    def __init__(self, context: PanelContext) -> None:
        super().__init__()
        self.context = context
        self.service: Any = context.service("shifts")
        self.zh = context.language.startswith("zh")
        self.entries: list[Any] = []
        self.shift: Any = self.service.current_shift()

        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.shift_spin = QSpinBox()
        self.shift_spin.setRange(1, self.service.calendar.shifts_per_day)
        self.shift_info = QLabel()
        self.state_label = QLabel()
        self.search_field = QLineEdit()
        self.search_button = QPushButton()
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)  # the notes take the room
        for col, width in ((0, 96), (1, 48), (2, 64), (3, 84), (5, 300)):
            self.table.setColumnWidth(col, width)
        self.table.setWordWrap(False)  # one line per entry; the full text is in the tooltip
        self.table.verticalHeader().hide()
        self.area_combo = QComboBox()
        layout = getattr(context.runtime, "layout", None)
        for area in (layout.areas.values() if layout is not None else []):
            self.area_combo.addItem(f"{area.id}  {area.name('zh_CN' if self.zh else 'en')}", area.id)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setMaximumHeight(90)
        self.auto_items = QCheckBox()
        self.auto_items.setChecked(True)
        self.safety_field = QLineEdit()
        self.add_button = QPushButton()
        self.save_button = QPushButton()
        self.sign_button = QPushButton()
        self.ack_button = QPushButton()
        self.message = QLabel()
        self.message.setWordWrap(True)

        row1 = QHBoxLayout()
        for w in (self.date_edit, self.shift_spin, self.shift_info, self.state_label):
            row1.addWidget(w)
        row1.addStretch(1)
        row1.addWidget(self.search_field)
        row1.addWidget(self.search_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.area_combo)
        row2.addWidget(self.safety_field, 1)
        row2.addWidget(self.auto_items)
        row3 = QHBoxLayout()
        for button in (self.add_button, self.save_button):
            row3.addWidget(button)
        row3.addStretch(1)
        for button in (self.sign_button, self.ack_button):
            row3.addWidget(button)
        box = QVBoxLayout(self)
        box.addLayout(row1)
        box.addWidget(self.table, 1)
        box.addLayout(row2)
        box.addWidget(self.text_edit)
        box.addLayout(row3)
        box.addWidget(self.message)

        self.query = BackgroundQuery(self, "handover", self._on_query_result, self._on_query_error)
        self._showing = "entries"  # or "search": other consoles' entries refresh the shift view only
        # other consoles' entries and sign-offs (PostgreSQL): re-read without touching the message
        self.shared_query = BackgroundQuery(self, "handover", self._on_shared_result, lambda _exc: None)
        self.shared = SharedChanges(self, self.service.handover.engine, (HANDOVER,), self._on_shared_changes)
        self.date_edit.dateChanged.connect(self._on_shift_changed)
        self.shift_spin.valueChanged.connect(self._on_shift_changed)
        self.search_button.clicked.connect(self._on_search_button_clicked)
        self.search_field.returnPressed.connect(self._on_search_button_clicked)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.sign_button.clicked.connect(self._on_sign_button_clicked)
        self.ack_button.clicked.connect(self._on_ack_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.retranslate()
        self._set_shift_widgets(self.shift)
        self.reload()

    # --- helpers ----------------------------------------------------------------------------
    @property
    def user(self) -> str:
        session = self.context.session
        return session.username if session is not None else ""

    def _set_shift_widgets(self, s: Any) -> None:
        self.date_edit.blockSignals(True)
        self.shift_spin.blockSignals(True)
        self.date_edit.setDate(QDate(s.day.year, s.day.month, s.day.day))
        self.shift_spin.setValue(s.number)
        self.date_edit.blockSignals(False)
        self.shift_spin.blockSignals(False)
        name = self.service.shift_name(s, "zh_CN" if self.zh else "en")
        self.shift_info.setText(self.tr("{name} crew {crew}, {start}–{end}").format(
            name=name, crew=s.crew, start=s.start.strftime("%H:%M"), end=s.end.strftime("%H:%M")))

    def reload(self) -> None:
        self._showing = "entries"
        self._run(self._entries_query())

    def _entries_query(self) -> Any:
        sid = self.shift.id
        log = self.service.handover
        return lambda: ("entries", log.entries(sid), log.signoff(sid), log.verify(sid))

    def _on_shared_changes(self, changes: set[tuple[str, str]]) -> None:
        """Another console wrote, changed or signed a handover: show it if it is this shift's."""
        if self._showing == "entries" and any(not key or key == self.shift.id for _kind, key in changes):
            self.shared_query.submit(self._entries_query())

    def _on_shared_result(self, result: Any) -> None:
        if self._showing == "entries" and result[0] == "entries":
            self._on_query_result(result)

    def _run(self, fn: Any) -> None:
        self.message.clear()
        self.query.submit(fn)

    def retranslate(self) -> None:
        self.model.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.search_field.setPlaceholderText(self.tr("search the handover history"))
        self.search_button.setText(self.tr("Search"))
        self.safety_field.setPlaceholderText(self.tr("safety note (optional)"))
        self.auto_items.setText(self.tr("Add standing and shelved alarms, equipment out of service"))
        self.text_edit.setPlaceholderText(self.tr("What the next crew must know about this area"))
        self.add_button.setText(self.tr("Add entry"))
        self.save_button.setText(self.tr("Save my entry"))
        self.sign_button.setText(self.tr("Sign handover (outgoing lead)…"))
        self.ack_button.setText(self.tr("Acknowledge (incoming lead)…"))

    def _show(self, entries: list[Any]) -> None:
        self.entries = entries
        self.model.setRowCount(0)
        for e in entries:
            items = "; ".join(f"{self.tr(ITEM_KINDS.get(i.kind, i.kind))}: {i.text}" for i in e.items)
            cells = [e.shift_id, e.area, e.author, e.updated_at.astimezone(self.service.calendar.tz).strftime("%m-%d %H:%M"),
                     e.text, items]
            row = []
            for c in cells:
                item = QStandardItem(c)
                item.setToolTip(c.replace("; ", "\n"))
                row.append(item)
            self.model.appendRow(row)

    # --- slots ------------------------------------------------------------------------------
    def _on_shift_changed(self, *_: object) -> None:
        qd = self.date_edit.date()
        from datetime import date

        self.shift = self.service.calendar.shift(date(qd.year(), qd.month(), qd.day()), self.shift_spin.value())
        self._set_shift_widgets(self.shift)
        self.reload()

    def _on_search_button_clicked(self) -> None:
        text = self.search_field.text().strip()
        log = self.service.handover
        self._showing = "search"
        self._run(lambda: ("search", log.search(text)))

    def _on_add_button_clicked(self) -> None:
        text = self.text_edit.toPlainText().strip()
        area = str(self.area_combo.currentData() or "")
        sid, user = self.shift.id, self.user
        items: list[Any] = []
        from app.shifts.handover import HandoverItem, automatic_items

        if self.safety_field.text().strip():
            items.append(HandoverItem("safety", self.safety_field.text().strip()))
        if self.auto_items.isChecked():
            rt = self.context.runtime
            items += automatic_items(getattr(rt, "alarms", None), self.service.maintenance,
                                     getattr(rt, "layout", None), getattr(rt, "store", None), area=area,
                                     standards=getattr(rt, "services", {}).get("standards"))
        log = self.service.handover
        self._run(lambda: ("changed", log.add(sid, area, user, text, items)))

    def _on_save_button_clicked(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.message.setText(self.tr("Select your entry in the list first"))
            return
        entry = self.entries[rows[0].row()]
        text, user = self.text_edit.toPlainText().strip(), self.user
        log = self.service.handover
        self._run(lambda: ("changed", log.edit(entry.id, user, text)))

    def _ask_password(self, title: str) -> str | None:
        # a synchronous slot: the modal input dialog is safe here (not inside a coroutine)
        password, ok = QInputDialog.getText(self, title, self.tr("Password for {user}").format(user=self.user),
                                            QLineEdit.EchoMode.Password)
        return password if ok else None

    def _on_sign_button_clicked(self) -> None:
        password = self._ask_password(self.tr("Sign the handover of shift {shift}").format(shift=self.shift.id))
        if password is None:
            return
        sid, user, log = self.shift.id, self.user, self.service.handover
        self._run(lambda: ("changed", log.sign(sid, user, password)))

    def _on_ack_button_clicked(self) -> None:
        password = self._ask_password(self.tr("Acknowledge the handover of shift {shift}").format(shift=self.shift.id))
        if password is None:
            return
        sid, user, log = self.shift.id, self.user, self.service.handover
        self._run(lambda: ("changed", log.acknowledge(sid, user, password)))

    def _on_table_selection_changed(self, *_: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.entries):
            e = self.entries[rows[0].row()]
            self.save_button.setEnabled(e.author == self.user)
            if e.author == self.user:
                self.text_edit.setPlainText(e.text)

    def _on_query_result(self, result: Any) -> None:
        kind = result[0]
        if kind == "entries":
            _, entries, signoff, problems = result
            self._show(entries)
            if problems:
                self.state_label.setText(self.tr("CHANGED AFTER SIGNING"))
                self.message.setText(problems[0])
            elif signoff is None:
                self.state_label.setText(self.tr("open"))
            elif signoff.acknowledged_by:
                self.state_label.setText(self.tr("signed by {a}, acknowledged by {b}").format(
                    a=signoff.signed_by, b=signoff.acknowledged_by))
            else:
                self.state_label.setText(self.tr("signed by {a}").format(a=signoff.signed_by))
            signed = signoff is not None
            for w in (self.add_button, self.save_button, self.sign_button, self.text_edit):
                w.setEnabled(not signed)
            self.ack_button.setEnabled(signed and not (signoff and signoff.acknowledged_by))
        elif kind == "search":
            self._show(result[1])
            self.state_label.setText(self.tr("{n} entries found").format(n=len(result[1])))
        else:
            self.text_edit.clear()
            self.safety_field.clear()
            self.reload()

    def _on_query_error(self, exc: Exception) -> None:
        self.message.setText(str(exc))

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.query.shutdown()
        self.shared_query.shutdown()
        self.shared.shutdown()
        super().closeEvent(event)
