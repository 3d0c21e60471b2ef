"""The Standards panel: the setpoint cards in force with live values, drifts, operating
procedures run as checklists, and operator notes pinned to units.

Every dialog here opens window-modally with ``open()`` (never ``exec()``), and writes run as
asyncio tasks started from the synchronous slot after the confirmation.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.standards.cards import Card, StandardsError
from app.standards.layout import CardItem
from app.standards.sop import SopError
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext

ModelIndex = QModelIndex | QPersistentModelIndex
DRIFT = QColor("#f0e6c8")  # a quiet marker, not a colour flood (ISA-101)


def tr(text: str) -> str:
    return QCoreApplication.translate("StandardsPanel", text)


class RowsModel(QAbstractTableModel):
    """Rows of plain text (and an optional highlight per row) under translated headers."""

    def __init__(self, headers: tuple[str, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headers = headers
        self.rows: list[tuple[str, ...]] = []
        self.marked: set[int] = set()

    def set_rows(self, rows: list[tuple[str, ...]], marked: set[int] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.marked = marked or set()
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.headers[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.marked:
            return DRIFT
        return None


def _table(model: RowsModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().hide()
    return view


class ProposeDialog(QDialog):
    """A new band and target for one setpoint of a card, with the reason."""

    def __init__(self, card: Card, item: CardItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("StandardsPanel", "Propose a card change"))
        self.card, self.item = card, item
        form = QFormLayout(self)
        form.addRow(QLabel(f"{card.unit} / {card.mode} v{card.version}: {item.tag}"))
        self.low, self.high, self.target = QDoubleSpinBox(), QDoubleSpinBox(), QDoubleSpinBox()
        for box, value in ((self.low, item.low), (self.high, item.high), (self.target, item.target)):
            box.setRange(-1e9, 1e9)
            box.setDecimals(2)
            box.setValue(value)
        self.reason, self.reference = QLineEdit(), QLineEdit(card.reference)
        form.addRow(QCoreApplication.translate("StandardsPanel", "Low"), self.low)
        form.addRow(QCoreApplication.translate("StandardsPanel", "High"), self.high)
        form.addRow(QCoreApplication.translate("StandardsPanel", "Target"), self.target)
        form.addRow(QCoreApplication.translate("StandardsPanel", "Reason"), self.reason)
        form.addRow(QCoreApplication.translate("StandardsPanel", "Reference"), self.reference)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setObjectName("dialogError")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def items(self) -> list[CardItem]:
        changed = CardItem(self.item.tag, self.low.value(), self.high.value(), self.target.value(), self.item.grace_s)
        return [changed if i.tag == self.item.tag else i for i in self.card.items]

    def _on_buttons_accepted(self) -> None:
        if not self.reason.text().strip():
            self.error.setText(QCoreApplication.translate("StandardsPanel", "Say why the card changes."))
            return
        if not self.low.value() <= self.target.value() <= self.high.value():
            self.error.setText(QCoreApplication.translate("StandardsPanel", "The target must lie between low and high."))
            return
        self.accept()


class PasswordDialog(QDialog):
    """The user's password again (approval, sign-off), optionally a second person and a reason."""

    def __init__(self, title: str, text: str, second_person: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        label = QLabel(text)
        label.setWordWrap(True)
        form.addRow(label)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(QCoreApplication.translate("StandardsPanel", "Your password"), self.password)
        self.second_user, self.second_password, self.reason = QLineEdit(), QLineEdit(), QLineEdit()
        self.second_password.setEchoMode(QLineEdit.EchoMode.Password)
        if second_person:
            form.addRow(QCoreApplication.translate("StandardsPanel", "Second person"), self.second_user)
            form.addRow(QCoreApplication.translate("StandardsPanel", "Their password"), self.second_password)
            form.addRow(QCoreApplication.translate("StandardsPanel", "Reason"), self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class StandardsPanel(DockPanel):
    """Cards, drifts, procedures and notes of the standards module."""

    NAME = "standards"
    TITLE = QT_TRANSLATE_NOOP("StandardsPanel", "Standards")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    CARD_HEADERS = (QT_TRANSLATE_NOOP("StandardsPanel", "Unit"), QT_TRANSLATE_NOOP("StandardsPanel", "Mode now"),
                    QT_TRANSLATE_NOOP("StandardsPanel", "Card"), QT_TRANSLATE_NOOP("StandardsPanel", "Setpoint"),
                    QT_TRANSLATE_NOOP("StandardsPanel", "Approved band"), QT_TRANSLATE_NOOP("StandardsPanel", "Target"),
                    QT_TRANSLATE_NOOP("StandardsPanel", "Live"), QT_TRANSLATE_NOOP("StandardsPanel", "State"))
    DRIFT_HEADERS = (QT_TRANSLATE_NOOP("StandardsPanel", "Setpoint"), QT_TRANSLATE_NOOP("StandardsPanel", "Unit"),
                     QT_TRANSLATE_NOOP("StandardsPanel", "Mode"), QT_TRANSLATE_NOOP("StandardsPanel", "Value"),
                     QT_TRANSLATE_NOOP("StandardsPanel", "Approved band"), QT_TRANSLATE_NOOP("StandardsPanel", "Since"),
                     QT_TRANSLATE_NOOP("StandardsPanel", "Minutes"), QT_TRANSLATE_NOOP("StandardsPanel", "Changed by"))
    PROPOSAL_HEADERS = (QT_TRANSLATE_NOOP("StandardsPanel", "Card"), QT_TRANSLATE_NOOP("StandardsPanel", "Proposed by"),
                        QT_TRANSLATE_NOOP("StandardsPanel", "Reason"), QT_TRANSLATE_NOOP("StandardsPanel", "Setpoints"))
    NOTE_HEADERS = (QT_TRANSLATE_NOOP("StandardsPanel", "Unit"), QT_TRANSLATE_NOOP("StandardsPanel", "Note"),
                    QT_TRANSLATE_NOOP("StandardsPanel", "By"), QT_TRANSLATE_NOOP("StandardsPanel", "Expires"))

    def __init__(self, context: PanelContext) -> None:
        super().__init__()
        self.context = context
        self.service = context.service("standards")
        self.runtime = context.runtime
        self.language = context.language
        self._cards_shown: list[tuple[Card, CardItem]] = []
        self._proposals: list[Card] = []
        self._run_id: int | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("panelMessage")
        self.offer = QLabel()  # "a procedure is available" when its alarm fires
        self.offer.setWordWrap(True)
        self.tabs = QTabWidget()

        # Cards
        self.cards_model = RowsModel(self.CARD_HEADERS, self)
        self.cards_view = _table(self.cards_model)
        self.propose_button, self.apply_button = QPushButton(), QPushButton()
        self.propose_button.clicked.connect(self._on_propose_clicked)
        self.apply_button.clicked.connect(self._on_apply_clicked)
        self.proposals_model = RowsModel(self.PROPOSAL_HEADERS, self)
        self.proposals_view = _table(self.proposals_model)
        self.approve_button, self.reject_button = QPushButton(), QPushButton()
        self.approve_button.clicked.connect(lambda: self._on_decide_clicked(True))
        self.reject_button.clicked.connect(lambda: self._on_decide_clicked(False))
        cards_page = QWidget()
        lay = QVBoxLayout(cards_page)
        lay.addWidget(self.cards_view, 3)
        row = QHBoxLayout()
        row.addWidget(self.propose_button)
        row.addWidget(self.apply_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.proposals_label = QLabel()
        lay.addWidget(self.proposals_label)
        lay.addWidget(self.proposals_view, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.approve_button)
        row2.addWidget(self.reject_button)
        row2.addStretch(1)
        lay.addLayout(row2)
        self.tabs.addTab(cards_page, "")

        # Drifts
        self.drifts_model = RowsModel(self.DRIFT_HEADERS, self)
        self.drifts_view = _table(self.drifts_model)
        self.tabs.addTab(self.drifts_view, "")

        # Procedures
        proc_page = QWidget()
        plays = QVBoxLayout(proc_page)
        top = QHBoxLayout()
        self.sop_box = QComboBox()
        for sop in self.service.sops.sops.values():
            self.sop_box.addItem(sop.title(self.language), sop.id)
        self.start_button, self.step_button = QPushButton(), QPushButton()
        self.start_button.clicked.connect(self._on_start_clicked)
        self.step_button.clicked.connect(self._on_step_clicked)
        self.runs_box = QComboBox()
        self.runs_box.currentIndexChanged.connect(self._on_runs_box_current_index_changed)
        top.addWidget(self.sop_box, 2)
        top.addWidget(self.start_button)
        top.addWidget(self.runs_box, 2)
        plays.addLayout(top)
        self.steps_list = QListWidget()
        plays.addWidget(self.steps_list, 1)
        plays.addWidget(self.step_button)
        self.tabs.addTab(proc_page, "")

        # Notes
        notes_page = QWidget()
        nlay = QVBoxLayout(notes_page)
        self.notes_model = RowsModel(self.NOTE_HEADERS, self)
        self.notes_view = _table(self.notes_model)
        nlay.addWidget(self.notes_view, 1)
        add = QHBoxLayout()
        self.note_unit = QComboBox()
        for unit in context.runtime.layout.units.values():
            self.note_unit.addItem(unit.name(self.language), unit.id)
        self.note_text = QLineEdit()
        self.note_hours = QDoubleSpinBox()
        self.note_hours.setRange(0.5, 24 * 90)
        self.note_hours.setValue(12)
        self.note_add, self.note_remove = QPushButton(), QPushButton()
        self.note_add.clicked.connect(self._on_note_add_clicked)
        self.note_remove.clicked.connect(self._on_note_remove_clicked)
        for w, stretch in ((self.note_unit, 1), (self.note_text, 3), (self.note_hours, 0), (self.note_add, 0),
                           (self.note_remove, 0)):
            add.addWidget(w, stretch)
        nlay.addLayout(add)
        self.tabs.addTab(notes_page, "")

        outer = QVBoxLayout(self)
        outer.addWidget(self.offer)
        outer.addWidget(self.tabs, 1)
        outer.addWidget(self.message)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.runtime.alarms.changed.connect(self._on_alarms_changed)
        self.retranslate()
        self.refresh()

    # --- text ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        for i, text in enumerate((QCoreApplication.translate("StandardsPanel", "Cards"), QCoreApplication.translate("StandardsPanel", "Drifts"), QCoreApplication.translate("StandardsPanel", "Procedures"), QCoreApplication.translate("StandardsPanel", "Notes"))):
            self.tabs.setTabText(i, text)
        self.propose_button.setText(QCoreApplication.translate("StandardsPanel", "Propose change…"))
        self.apply_button.setText(QCoreApplication.translate("StandardsPanel", "Apply card…"))
        self.approve_button.setText(QCoreApplication.translate("StandardsPanel", "Approve…"))
        self.reject_button.setText(QCoreApplication.translate("StandardsPanel", "Reject…"))
        self.proposals_label.setText(QCoreApplication.translate("StandardsPanel", "Proposals waiting for a second person:"))
        self.start_button.setText(QCoreApplication.translate("StandardsPanel", "Start procedure"))
        self.step_button.setText(QCoreApplication.translate("StandardsPanel", "Done: next step"))
        self.note_add.setText(QCoreApplication.translate("StandardsPanel", "Pin note"))
        self.note_remove.setText(QCoreApplication.translate("StandardsPanel", "Remove note"))
        self.note_text.setPlaceholderText(QCoreApplication.translate("StandardsPanel", "Temporary measure or known fault"))
        for model in (self.cards_model, self.drifts_model, self.proposals_model, self.notes_model):
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        self._permissions()

    def set_language(self, language: str) -> None:
        self.language = language
        for i in range(self.sop_box.count()):
            sop = self.service.sops.sops.get(self.sop_box.itemData(i))
            if sop is not None:
                self.sop_box.setItemText(i, sop.title(language))
        self.refresh()

    def _permissions(self) -> None:
        session = self.context.session
        may_change = session is not None and session.may("change_settings")
        for button in (self.propose_button, self.approve_button, self.reject_button):
            button.setEnabled(may_change)
            button.setToolTip("" if may_change else QCoreApplication.translate("StandardsPanel", "Needs the permission to change settings (process engineer)."))

    # --- refresh ------------------------------------------------------------------------
    def refresh(self) -> None:
        values = self.runtime.store.values
        cards = self.service.tracker.current_cards(values)
        rows: list[tuple[str, ...]] = []
        marked: set[int] = set()
        self._cards_shown = []
        for unit in sorted(cards):
            card = cards[unit]
            for item in card.items:
                live = values.get(item.tag)
                text = "" if live is None or live.value is None or not live.is_good else f"{float(live.value):g}"
                drift = self.service.drift_of(item.tag)
                state = QCoreApplication.translate("StandardsPanel", "drift since {t}").format(t=drift.started.astimezone().strftime("%H:%M")) if drift else (
                    QCoreApplication.translate("StandardsPanel", "outside, within grace") if item.tag in self.service.tracker.pending else QCoreApplication.translate("StandardsPanel", "in band"))
                if drift:
                    marked.add(len(rows))
                rows.append((unit, card.mode, f"v{card.version}", item.tag, f"{item.low:g} … {item.high:g}",
                             f"{item.target:g}", text, state))
                self._cards_shown.append((card, item))
        self.cards_model.set_rows(rows, marked)
        now = datetime.now(UTC)
        drifts = self.service.cards.drifts(start=now.replace(hour=0, minute=0, second=0, microsecond=0))
        self.drifts_model.set_rows(
            [(d.tag, d.unit, d.mode, f"{d.value:g}", f"{d.low:g} … {d.high:g}", d.started.astimezone().strftime("%m-%d %H:%M"),
              f"{d.minutes(now):.0f}", d.changed_by or "?") for d in reversed(drifts)],
            {i for i, d in enumerate(reversed(drifts)) if d.ended is None})
        self._proposals = self.service.cards.cards(status="proposed")
        self.proposals_model.set_rows([(f"#{c.id} {c.unit}/{c.mode} v{c.version}", c.proposed_by, c.reason,
                                        "; ".join(f"{i.tag} {i.low:g}…{i.high:g} ({i.target:g})" for i in c.items))
                                       for c in self._proposals])
        notes = self.service.notes.active()
        self._notes = notes
        self.notes_model.set_rows([(n.unit, n.text, n.author, n.expires.astimezone().strftime("%m-%d %H:%M")) for n in notes])
        self._refresh_runs()

    def _refresh_runs(self) -> None:
        runs = self.service.sops.open_runs()
        current = self._run_id
        self.runs_box.blockSignals(True)
        self.runs_box.clear()
        for run in runs:
            sop = self.service.sops.sops.get(run.sop)
            title = sop.title(self.language) if sop else run.sop
            self.runs_box.addItem(QCoreApplication.translate("StandardsPanel", "Run #{id}: {title} (step {n})").format(id=run.id, title=title, n=run.next_step), run.id)
        if current is not None:
            index = self.runs_box.findData(current)
            self.runs_box.setCurrentIndex(index)
            if index < 0:
                self._run_id = None
        elif runs:
            self._run_id = runs[0].id
            self.runs_box.setCurrentIndex(0)
        self.runs_box.blockSignals(False)
        self._show_run()

    def _show_run(self) -> None:
        self.steps_list.clear()
        self.step_button.setEnabled(False)
        if self._run_id is None:
            return
        run = self.service.sops.run(self._run_id)
        sop = self.service.sops.sops[run.sop]
        values = self.runtime.store.values
        for step in sop.steps:
            done = next((s for s in run.steps if s.step == step.number), None)
            line = f"{step.number}. {step.text(self.language)}"
            if done:
                line = "✓ " + line + "  — " + QCoreApplication.translate("StandardsPanel", "{who} at {when}").format(who=done.done_by,
                                                                          when=done.done_at.astimezone().strftime("%H:%M"))
            elif step.number == run.next_step:
                blocked = self.service.sops.blocked_by(step, values)
                line = "▶ " + line + ("  — " + "; ".join(blocked) if blocked else "")
                self.step_button.setEnabled(not blocked and run.status == "running")
            else:
                line = "   " + line
            if step.sign_off:
                line += "  [" + QCoreApplication.translate("StandardsPanel", "sign-off") + "]"
            self.steps_list.addItem(line)

    def _on_runs_box_current_index_changed(self, index: int) -> None:
        self._run_id = self.runs_box.itemData(index) if index >= 0 else None
        self._show_run()

    def _on_alarms_changed(self, records: list[Any]) -> None:
        offered = []
        for record in records:
            if getattr(record, "standing", False):
                for sop in self.service.sops.for_alarm(record.definition.tag) + self.service.sops.for_alarm(record.id):
                    offered.append(sop.title(self.language))
        self.offer.setText(QCoreApplication.translate("StandardsPanel", "Procedure available: {names}").format(names=", ".join(sorted(set(offered))))
                           if offered else "")

    # --- actions ------------------------------------------------------------------------
    def _user(self) -> str:
        session = self.context.session
        return session.username if session is not None else ""

    def _selected_card(self) -> tuple[Card, CardItem] | None:
        rows = self.cards_view.selectionModel().selectedRows()
        if not rows:
            self.message.setText(QCoreApplication.translate("StandardsPanel", "Select a setpoint of a card first."))
            return None
        return self._cards_shown[rows[0].row()]

    def _on_propose_clicked(self) -> None:
        chosen = self._selected_card()
        if chosen is None:
            return
        card, item = chosen
        dialog = ProposeDialog(card, item, self)

        def finished(result: int) -> None:
            dialog.deleteLater()
            if result != QDialog.DialogCode.Accepted:
                return
            try:
                new = self.service.cards.propose(card.unit, card.mode, dialog.items(), self._user(), dialog.reason.text(),
                                                 dialog.reference.text())
            except StandardsError as exc:
                self.message.setText(str(exc))
                return
            self.message.setText(QCoreApplication.translate("StandardsPanel", "Proposed {unit}/{mode} v{version}: a second person approves it.").format(
                unit=new.unit, mode=new.mode, version=new.version))
            self.refresh()

        dialog.finished.connect(finished)
        dialog.open()

    def _on_decide_clicked(self, approve: bool) -> None:
        rows = self.proposals_view.selectionModel().selectedRows()
        if not rows:
            self.message.setText(QCoreApplication.translate("StandardsPanel", "Select a proposal first."))
            return
        card = self._proposals[rows[0].row()]
        session = self.context.session
        dialog = PasswordDialog(QCoreApplication.translate("StandardsPanel", "Approve card change") if approve else QCoreApplication.translate("StandardsPanel", "Reject card change"),
                                QCoreApplication.translate("StandardsPanel", "{unit}/{mode} v{version} proposed by {who}: {reason}").format(
                                    unit=card.unit, mode=card.mode, version=card.version, who=card.proposed_by,
                                    reason=card.reason), parent=self)

        def finished(result: int) -> None:
            password = dialog.password.text()
            dialog.deleteLater()
            if result != QDialog.DialogCode.Accepted or session is None:
                return

            def verify(user: str) -> None:
                session.users.authenticate(user, password, event="signature", console=session.console)
                if not session.may("change_settings"):
                    raise StandardsError(QCoreApplication.translate("StandardsPanel", "You may not approve card changes."))

            try:
                decided = self.service.cards.decide(card.id, self._user(), approve, verify)
            except StandardsError as exc:
                self.message.setText(str(exc))
                return
            self.service.tracker.reload_cards()
            self.message.setText(QCoreApplication.translate("StandardsPanel", "{unit}/{mode} v{version}: {status}").format(
                unit=decided.unit, mode=decided.mode, version=decided.version,
                status=QCoreApplication.translate("StandardsPanel", "approved") if decided.status == "approved" else QCoreApplication.translate("StandardsPanel", "rejected")))
            self.refresh()

        dialog.finished.connect(finished)
        dialog.open()

    def _on_apply_clicked(self) -> None:
        chosen = self._selected_card()
        if chosen is None:
            return
        card = chosen[0]
        session = self.context.session
        if session is None:
            self.message.setText(QCoreApplication.translate("StandardsPanel", "Log in to apply a card."))
            return
        tags = self.runtime.layout.tags
        critical = any(tags[i.tag].critical for i in card.items if i.tag in tags)
        dialog = PasswordDialog(
            QCoreApplication.translate("StandardsPanel", "Apply card"),
            QCoreApplication.translate("StandardsPanel", "Write every setpoint of {unit}/{mode} v{version} to its target: {items}").format(
                unit=card.unit, mode=card.mode, version=card.version,
                items=", ".join(f"{i.tag} = {i.target:g}" for i in card.items)),
            second_person=critical, parent=self)

        def finished(result: int) -> None:
            fields = (dialog.password.text(), dialog.second_user.text().strip(), dialog.second_password.text(),
                      dialog.reason.text())
            dialog.deleteLater()
            if result != QDialog.DialogCode.Accepted:
                return
            password, second, second_password, reason = fields
            try:  # the password is checked now, before any write
                session.users.authenticate(session.username, password, event="signature", console=session.console)
            except Exception as exc:  # noqa: BLE001 - a wrong password: say so, write nothing
                self.message.setText(str(exc))
                return

            def request_for(tag: str, value: float) -> Any:
                definition = tags[tag]
                if not definition.critical:
                    return session.request(tag, value)
                from app.security.session import action_for

                try:
                    signature = session.sign_critical(action_for(definition), tag, value, password, second,
                                                      second_password, reason)
                except Exception as exc:  # noqa: BLE001 - stop the batch with the reason
                    self.message.setText(str(exc))
                    return None
                return session.request(tag, value, signature)

            task = asyncio.ensure_future(self._apply(card, request_for))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        dialog.finished.connect(finished)
        dialog.open()

    async def _apply(self, card: Card, request_for: Any) -> None:
        self.message.setText(QCoreApplication.translate("StandardsPanel", "Writing the card …"))
        result = await self.service.apply(card, request_for)
        if result.ok:
            self.message.setText(QCoreApplication.translate("StandardsPanel", "{unit}/{mode} v{version}: all {n} setpoint(s) written and confirmed.").format(
                unit=card.unit, mode=card.mode, version=card.version, n=len(result.done)))
        else:
            self.message.setText(result.message)
        self.refresh()

    def show_procedure(self, sop_id: str) -> None:
        """Select ``sop_id`` on the Procedures tab (the faceplate's "Operating procedures…")."""
        self.tabs.setCurrentIndex(2)
        index = self.sop_box.findData(sop_id)
        if index >= 0:
            self.sop_box.setCurrentIndex(index)

    def _on_start_clicked(self) -> None:
        sop_id = self.sop_box.currentData()
        try:
            run = self.service.sops.start(sop_id, self._user())
        except SopError as exc:
            self.message.setText(str(exc))
            return
        self._run_id = run.id
        self._refresh_runs()

    def _on_step_clicked(self) -> None:
        if self._run_id is None:
            return
        run = self.service.sops.run(self._run_id)
        step = self.service.sops.sops[run.sop].steps[run.next_step - 1]
        session = self.context.session
        if not step.sign_off:
            self._complete(run.id, run.next_step, None)
            return
        dialog = PasswordDialog(QCoreApplication.translate("StandardsPanel", "Sign off"), step.text(self.language), parent=self)

        def finished(result: int) -> None:
            password = dialog.password.text()
            dialog.deleteLater()
            if result != QDialog.DialogCode.Accepted or session is None:
                return
            self._complete(run.id, run.next_step,
                           lambda user: session.users.authenticate(user, password, event="signature", console=session.console))

        dialog.finished.connect(finished)
        dialog.open()

    def _complete(self, run_id: int, step: int, sign: Any) -> None:
        try:
            self.service.sops.complete_step(run_id, step, self._user(), self.runtime.store.values, sign=sign)
        except Exception as exc:  # noqa: BLE001 - a refused step or a wrong password: the reason, shown
            self.message.setText(str(exc))
            return
        self.message.setText("")
        self._refresh_runs()

    def _on_note_add_clicked(self) -> None:
        try:
            self.service.notes.add(self.note_unit.currentData(), self.note_text.text(), self._user(),
                                   self.note_hours.value())
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.note_text.clear()
        self.refresh()

    def _on_note_remove_clicked(self) -> None:
        rows = self.notes_view.selectionModel().selectedRows()
        if not rows:
            self.message.setText(QCoreApplication.translate("StandardsPanel", "Select a note first."))
            return
        try:
            self.service.notes.remove(self._notes[rows[0].row()].id, self._user())
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.refresh()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self._timer.stop()
        self.runtime.alarms.changed.disconnect(self._on_alarms_changed)
