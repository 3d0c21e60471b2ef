"""The maintenance crew's work order panel: open orders, one step forward, a signed close.

A :class:`WorkOrderModel` (``QAbstractTableModel``) holds plain :class:`WorkOrderView` rows;
every database call runs off the GUI thread (:class:`BackgroundQuery`).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db.notify import WORK_ORDERS
from app.maintenance.workorders import NEXT_STATUS, WorkOrderView
from app.security import permissions as perms
from app.security.session import Session, Signature
from app.security.users import SecurityError
from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.login_dialog import _Form, _password_field
from widgets.panel import DockPanel, PanelContext
from widgets.shared_changes import SharedChanges

CTX = "WorkOrderPanel"
STATUS_WORDS = {
    "requested": QT_TRANSLATE_NOOP("WorkOrderPanel", "requested"),
    "approved": QT_TRANSLATE_NOOP("WorkOrderPanel", "approved"),
    "scheduled": QT_TRANSLATE_NOOP("WorkOrderPanel", "scheduled"),
    "in_progress": QT_TRANSLATE_NOOP("WorkOrderPanel", "in progress"),
    "done": QT_TRANSLATE_NOOP("WorkOrderPanel", "done"),
    "closed": QT_TRANSLATE_NOOP("WorkOrderPanel", "closed"),
    "cancelled": QT_TRANSLATE_NOOP("WorkOrderPanel", "cancelled"),
}
KIND_WORDS = {
    "corrective": QT_TRANSLATE_NOOP("WorkOrderPanel", "corrective"),
    "preventive": QT_TRANSLATE_NOOP("WorkOrderPanel", "preventive"),
    "predictive": QT_TRANSLATE_NOOP("WorkOrderPanel", "predictive"),
}
COLUMNS = (
    QT_TRANSLATE_NOOP("WorkOrderPanel", "Order"), QT_TRANSLATE_NOOP("WorkOrderPanel", "Kind"),
    QT_TRANSLATE_NOOP("WorkOrderPanel", "Equipment"), QT_TRANSLATE_NOOP("WorkOrderPanel", "Title"),
    QT_TRANSLATE_NOOP("WorkOrderPanel", "Status"), QT_TRANSLATE_NOOP("WorkOrderPanel", "Requested"),
    QT_TRANSLATE_NOOP("WorkOrderPanel", "Assignee"),
)
CONFIDENCE_WORDS = (QT_TRANSLATE_NOOP("WorkOrderPanel", "high"), QT_TRANSLATE_NOOP("WorkOrderPanel", "medium"),
                    QT_TRANSLATE_NOOP("WorkOrderPanel", "low"))
CORRECTIVE_OPEN = QColor("#f2d21b")  # an open breakdown order: the one abnormal colour here


def weak_slot(method: Callable[..., Any]) -> Callable[..., None]:
    """A callback that does not keep its panel alive: a panel and its background queries
    holding each other would be freed by the garbage collector on whatever thread runs it
    (a worker thread destroying Qt objects crashes); without the cycle the panel goes on the
    GUI thread by reference counting."""
    ref = weakref.WeakMethod(method)  # type: ignore[arg-type]

    def call(*args: Any) -> None:
        bound = ref()
        if bound is not None:
            bound(*args)

    return call


def finish_queries(*queries: BackgroundQuery, timeout_s: float = 10.0) -> None:
    """Close the queries, then wait until their worker threads are past them: a worker
    finishing a query calls back into its QObject (``_emit_done``) after the future is already
    done, so the panel must not go before the worker has moved on (each pool has one worker
    and runs in order: a no-op submitted now ends after every callback of the earlier work)."""
    for q in queries:
        q.shutdown()
    pools = {id(pool): pool for pool in (getattr(q, "_pool", None) for q in queries) if pool is not None}
    for pool in pools.values():
        try:
            pool.submit(lambda: None).result(timeout_s)
        except Exception:  # noqa: BLE001 - a pool shut down at exit: nothing left in flight
            pass


def parse_parts(text: str) -> list[dict[str, Any]]:
    """``"SKF 22218 E x2; seal kit"`` -> ``[{"part": "SKF 22218 E", "quantity": 2}, {"part": "seal kit", "quantity": 1}]``."""
    out: list[dict[str, Any]] = []
    for item in (i.strip() for i in text.split(";")):
        if not item:
            continue
        part, quantity = item, 1
        head, sep, tail = item.rpartition(" x")
        if sep and tail.strip().isdigit():
            part, quantity = head.strip(), int(tail)
        elif sep and tail.strip() and not tail.strip().isalpha():
            raise ValueError(f"{item!r}: the quantity after 'x' must be a whole number")
        if quantity < 1:
            raise ValueError(f"{item!r}: the quantity must be at least 1")
        out.append({"part": part, "quantity": quantity})
    return out


def tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate(CTX, text)


class WorkOrderModel(QAbstractTableModel):
    """Work orders as table rows (newest first)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[WorkOrderView] = []

    def set_rows(self, rows: list[WorkOrderView]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        w = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            local = w.created_at.astimezone()
            return (w.label(), tr(KIND_WORDS.get(w.kind, w.kind)), w.equipment, w.title,
                    tr(STATUS_WORDS.get(w.status, w.status)), local.strftime("%Y-%m-%d %H:%M"), w.assignee)[col]
        if role == Qt.ItemDataRole.BackgroundRole and col == 4 and w.kind == "corrective" and w.is_open:
            return CORRECTIVE_OPEN
        if role == Qt.ItemDataRole.UserRole:
            return w.id
        return None


class MaintenanceSignatureDialog(_Form):
    """Sign a maintenance action (closing an order, returning a machine to service)."""

    def __init__(self, session: Session, target: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.target = target
        self.value = what
        self.signature: Signature | None = None
        self.setWindowTitle(self.tr("Crucible - signature"))
        self.header.setText(self.tr("Electronic signature: {what}").format(what=what))
        self.hint.setText(self.tr("{target}: your password, {second}and a reason go into the audit trail.").format(
            target=target, second=self.tr("a second authorised person ") if session.second_person_required else ""))
        self.password_field = _password_field()
        self.form.addRow(self.tr("Your password ({user})").format(user=session.username), self.password_field)
        self.second_box = QGroupBox(self.tr("Second authorised person"))
        second = QFormLayout(self.second_box)
        self.second_user_field = QLineEdit()
        self.second_password_field = _password_field()
        second.addRow(self.tr("User"), self.second_user_field)
        second.addRow(self.tr("Password"), self.second_password_field)
        self.form.addRow(self.second_box)
        self.second_box.setVisible(session.second_person_required)
        self.reason_field = QLineEdit()
        self.reason_field.setPlaceholderText(self.tr("what was done, how it was tested"))
        self.form.addRow(self.tr("Reason"), self.reason_field)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign"))

    def attempt(self) -> bool:
        try:
            self.signature = self.session.sign_critical(
                perms.CLOSE_WORK_ORDERS, self.target, self.value, self.password_field.text(),
                self.second_user_field.text().strip(), self.second_password_field.text(), self.reason_field.text())
        except SecurityError as exc:
            self.show_error(str(exc))
            return False
        finally:
            self.password_field.clear()
            self.second_password_field.clear()
        return True

    @classmethod
    def sign_in_dialog(cls, parent: QWidget | None, session: Session, target: str, what: str) -> Signature | None:
        """Modal, from a synchronous slot only (never inside a coroutine)."""
        dialog = cls(session, target, what, parent)
        try:
            dialog.exec()
            return dialog.signature
        finally:
            dialog.deleteLater()  # freed by Qt on this (GUI) thread, not by a garbage collection elsewhere


class WorkOrderPanel(DockPanel):
    """Open (or all) work orders; advance, cancel, signed close; the selected order's details."""

    NAME = "work_orders"
    TITLE = QT_TRANSLATE_NOOP("WorkOrderPanel", "Work orders")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, context: PanelContext) -> None:
        super().__init__()
        self.context = context
        self.service = context.service("maintenance")
        if self.service is None:  # no equipment.yaml or no plant database: say so, do nothing else
            off = QLabel(self.tr("Maintenance is off: the plant layout has no equipment.yaml, or there is no plant database."))
            off.setWordWrap(True)
            QVBoxLayout(self).addWidget(off)
            return
        self.session = context.session
        self.model = WorkOrderModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.filter = QComboBox()
        self.filter_label = QLabel()
        self.advance_button = QPushButton()
        self.advance_button.clicked.connect(self._on_advance_clicked)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self._on_close_clicked)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.assignee_field = QLineEdit()
        self.labour_field = QDoubleSpinBox()
        self.labour_field.setRange(0.0, 10000.0)
        self.labour_field.setDecimals(1)
        self.labour_field.setSuffix(" h")
        self.parts_field = QLineEdit()
        self.notes_field = QLineEdit()
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self._on_save_clicked)
        self.edit_box = QGroupBox()
        self.edit_form = QFormLayout(self.edit_box)
        self.edit_labels = [QLabel() for _ in range(4)]
        for label, field in zip(self.edit_labels, (self.assignee_field, self.labour_field, self.parts_field,
                                                   self.notes_field), strict=True):
            self.edit_form.addRow(label, field)
        self.edit_form.addRow(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.details, 1)
        right_layout.addWidget(self.edit_box)
        bar = QHBoxLayout()
        bar.addWidget(self.filter_label)
        bar.addWidget(self.filter)
        bar.addStretch(1)
        for b in (self.advance_button, self.cancel_button, self.close_button):
            bar.addWidget(b)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([900, 450])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.query = BackgroundQuery(self, "work-orders", weak_slot(self._on_query_result), weak_slot(self._on_query_error))
        self.action = BackgroundQuery(self, "work-order-action", weak_slot(self._on_action_result), weak_slot(self._on_query_error))
        self._dirty = True
        self.service.changed.connect(self._on_service_changed)
        # work orders changed on other consoles (PostgreSQL): the list re-reads at once, not on the timer
        self.shared = SharedChanges(self, self.service.engine, (WORK_ORDERS,), weak_slot(self._on_shared_changes))
        self.timer = QTimer(self)
        self.timer.setInterval(2000)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()
        self.retranslate()
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.reload()

    # --- data ---------------------------------------------------------------------------
    def reload(self) -> None:
        self._dirty = False
        open_only = self.filter.currentIndex() <= 0
        self.query.submit(lambda: self.service.db.list(open_only=open_only))

    def _on_service_changed(self, _equipment: str) -> None:
        self._dirty = True  # may come from a worker thread: only a flag

    def _on_shared_changes(self, _changes: set[tuple[str, str]]) -> None:
        self.reload()

    def _on_timer_timeout(self) -> None:
        if self._dirty:
            self.reload()

    def _on_filter_changed(self, _index: int) -> None:
        self.reload()

    def _on_query_result(self, rows: list[WorkOrderView]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        if selected is not None:
            for i, w in enumerate(rows):
                if w.id == selected.id:
                    self.view.selectRow(i)
        self._update_buttons()

    def _on_query_error(self, exc: Exception) -> None:
        self.message.setText(self.tr("Work orders: {error}").format(error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))

    def _on_action_result(self, wo: WorkOrderView) -> None:
        self.message.setText(self.tr("{order} is now {status}").format(order=wo.label(), status=tr(STATUS_WORDS[wo.status])))
        self.reload()

    def selected(self) -> WorkOrderView | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _on_view_selection_changed(self, *_args: object) -> None:
        self._update_buttons()
        w = self.selected()
        self.details.setPlainText(self.describe(w) if w else "")
        self.assignee_field.setText(w.assignee if w else "")
        self.labour_field.setValue(w.labour_h if w else 0.0)
        self.parts_field.setText("; ".join(f"{p.get('part')} x{p.get('quantity', 1)}" for p in w.parts) if w else "")
        self.notes_field.clear()

    def describe(self, w: WorkOrderView) -> str:
        lines = [f"{w.label()}  {w.title}", self.tr("Equipment: {equipment}   Status: {status}").format(
            equipment=w.equipment, status=tr(STATUS_WORDS[w.status]))]
        if w.alarm_id:
            lines.append(self.tr("Alarm: {alarm}").format(alarm=w.alarm_text or w.alarm_id))
        if w.snapshot:
            lines.append(self.tr("Trend snapshot: {tags}").format(tags=", ".join(w.snapshot)))
        if w.prediction:
            lines.append(self.tr("Forecast: zone {zone} in about {days:.0f} days ({confidence} confidence)").format(
                zone=w.prediction.get("zone", "C"), days=float(w.prediction.get("days") or 0.0),
                confidence=self.tr(str(w.prediction.get("confidence", "")))))
        if w.notes:
            lines.append(w.notes)
        return "\n".join(lines)

    def _update_buttons(self) -> None:
        w = self.selected()
        nxt = NEXT_STATUS.get(w.status) if w else None
        self.advance_button.setEnabled(w is not None and nxt is not None and nxt != "closed")
        self.advance_button.setText(self.tr("Mark {status}").format(status=tr(STATUS_WORDS[nxt])) if nxt and nxt != "closed"
                                    else self.tr("Next step"))
        self.cancel_button.setEnabled(w is not None and w.is_open)
        self.close_button.setEnabled(w is not None and w.status == "done"
                                     and self.session is not None and self.session.may(perms.CLOSE_WORK_ORDERS))

    # --- actions (synchronous slots: dialogs before any work is submitted) ----------------
    def _who(self) -> Any:
        return self.session if self.session is not None and self.session.username else None

    def _on_save_clicked(self) -> None:
        w = self.selected()
        who = self._who()
        if w is None or who is None:
            self.message.setText(self.tr("No one is logged in: log in first."))
            return
        try:
            parts = parse_parts(self.parts_field.text())
        except ValueError as exc:
            self.message.setText(self.tr("Parts used: {error}").format(error=str(exc)))
            return
        note = self.notes_field.text().strip()
        self.action.submit(lambda: self.service.advance(
            w.id, w.status, who, note, assignee=self.assignee_field.text().strip(),
            labour_h=self.labour_field.value(), parts=parts, notes=note or None))

    def _on_advance_clicked(self) -> None:
        w = self.selected()
        if w is None or NEXT_STATUS.get(w.status) in (None, "closed"):
            return
        who = self._who()
        if who is None:
            self.message.setText(self.tr("No one is logged in: log in first."))
            return
        self.action.submit(self.service.advance, w.id, NEXT_STATUS[w.status], who)

    def _on_cancel_clicked(self) -> None:
        w = self.selected()
        who = self._who()
        if w is None or who is None:
            return
        answer = QMessageBox.question(self, self.tr("Cancel work order"), self.tr("Cancel {order}?").format(order=w.label()))
        if answer == QMessageBox.StandardButton.Yes:
            self.action.submit(self.service.advance, w.id, "cancelled", who)

    def _on_close_clicked(self) -> None:
        w = self.selected()
        if w is None or self.session is None:
            return
        signature = MaintenanceSignatureDialog.sign_in_dialog(self, self.session, w.label(), "closed")
        if signature is not None:
            self.action.submit(self.service.close_work_order, w.id, self.session, signature)

    def retranslate(self) -> None:
        if self.service is None:
            return
        self.filter_label.setText(self.tr("Show"))
        index = max(0, self.filter.currentIndex())
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItems([self.tr("Open orders"), self.tr("All orders")])
        self.filter.setCurrentIndex(index)
        self.filter.blockSignals(False)
        self.cancel_button.setText(self.tr("Cancel order"))
        self.edit_box.setTitle(self.tr("Work done"))
        for label, text in zip(self.edit_labels, (self.tr("Assignee"), self.tr("Labour"), self.tr("Parts used"),
                                                  self.tr("Note")), strict=True):
            label.setText(text)
        self.parts_field.setPlaceholderText(self.tr("part x quantity; part x quantity"))
        self.save_button.setText(self.tr("Save"))
        self.close_button.setText(self.tr("Close (signed)..."))
        self._update_buttons()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.teardown()
        super().closeEvent(event)

    def teardown(self) -> None:
        if self.service is None:
            return
        self.timer.stop()
        self.shared.shutdown()
        self.service.changed.disconnect(self._on_service_changed)
        finish_queries(self.query, self.action)
