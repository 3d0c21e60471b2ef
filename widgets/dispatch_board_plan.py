"""The dispatch board's Plan tab: plan versions, import from the layout, approval with an
electronic signature (password, reason, second person where the console requires one).

The dialog is opened with ``open()`` (never ``exec()``); the signature is verified and the
version approved in the dialog's slot on the GUI thread, as the faceplate's signature is (the
session and the audit trail notify GUI listeners); the version list loads on a worker thread."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db.notify import PLANS
from app.security.permissions import EDIT_PLANS
from widgets.background_query import BackgroundQuery
from widgets.shared_changes import SharedChanges


class PlanApprovalDialog(QDialog):
    """Collects the signature for approving one plan version."""

    def __init__(self, year: int, version: int, user: str, second_person: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year, self.version = year, version
        self.setWindowTitle(self.tr("Approve production plan"))
        form = QFormLayout(self)
        head = QLabel(self.tr("Approve plan %1 version %2: your password and a reason go into the audit trail.")
                      .replace("%1", str(year)).replace("%2", str(version)))
        head.setWordWrap(True)
        form.addRow(head)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QLineEdit()
        form.addRow(self.tr("Your password (%1)").replace("%1", user), self.password)
        form.addRow(self.tr("Reason"), self.reason)
        self.second_user = QLineEdit()
        self.second_password = QLineEdit()
        self.second_password.setEchoMode(QLineEdit.EchoMode.Password)
        if second_person:
            form.addRow(self.tr("Second person"), self.second_user)
            form.addRow(self.tr("Their password"), self.second_password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)


class PlanTab(QWidget):
    """Plan versions of the plan year, import and approval."""

    COLUMNS = ("Version", "Status", "Created by", "Approved by", "Approved at", "Reason")

    def __init__(self, service: Any, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.session = session
        self.year = service.config.plan.year
        self.model = QStandardItemModel(0, len(self.COLUMNS), self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.btn_import = QPushButton()
        self.btn_approve = QPushButton()
        self.btn_import.clicked.connect(self._on_import_clicked)
        self.btn_approve.clicked.connect(self._on_approve_clicked)
        self.status = QLabel()
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.btn_import)
        row.addWidget(self.btn_approve)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view)
        self.dialog: PlanApprovalDialog | None = None
        self._query = BackgroundQuery(self, "production-plan", self._on_query_result, self._on_query_error)
        # plan versions imported or approved on other consoles (PostgreSQL): the list re-reads
        self._versions_query = BackgroundQuery(self, "production-plan", self._on_query_result, lambda _exc: None)
        self.shared: SharedChanges | None = None
        if service.plan_store is not None:
            self.shared = SharedChanges(self, service.plan_store.engine, (PLANS,), self._on_shared_changes)
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        self.btn_import.setText(self.tr("Import plan from the layout"))
        self.btn_approve.setText(self.tr("Approve…"))
        headers = [self.tr("Version"), self.tr("Status"), self.tr("Created by"), self.tr("Approved by"),
                   self.tr("Approved at"), self.tr("Reason")]
        self.model.setHorizontalHeaderLabels(headers)
        store = self.service.plan_store
        allowed = store is not None and self.session is not None and self.session.may(EDIT_PLANS)
        self.btn_import.setEnabled(allowed)
        self.btn_approve.setEnabled(allowed)
        if store is None:
            self.status.setText(self.tr("No plant database: plans cannot be stored."))
        elif not allowed:
            self.status.setText(self.tr("Approving plans needs the permission to edit production plans."))

    # --- data -----------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.service.plan_store is not None:
            self._query.submit(lambda: ("versions", self.service.plan_store.versions(self.year)))

    def _on_shared_changes(self, changes: set[tuple[str, str]]) -> None:
        store = self.service.plan_store
        if store is not None and any(not key or key == str(self.year) for _kind, key in changes):
            year = self.year
            self._versions_query.submit(lambda: ("versions", store.versions(year)))

    def shutdown(self) -> None:
        """Stop the queries and the shared-change feed (the board's closeEvent)."""
        self._query.shutdown()
        self._versions_query.shutdown()
        if self.shared is not None:
            self.shared.shutdown()

    def _on_query_result(self, result: tuple[str, Any]) -> None:
        kind, value = result
        if kind == "versions":
            self._show_versions(value)
            return
        if kind == "imported":
            self.status.setText(self.tr("Plan %1 version %2 imported as a draft.").replace("%1", str(self.year)).replace("%2", str(value)))
        elif kind == "approved":
            self.status.setText(self.tr("Plan %1 version %2 approved by %3.").replace("%1", str(value.year))
                                .replace("%2", str(value.version)).replace("%3", value.approved_by))
        self.refresh()

    def _on_query_error(self, exc: Exception) -> None:
        self.status.setText(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)

    def _show_versions(self, versions: list[Any]) -> None:
        self.model.setRowCount(0)
        status_text = {"draft": self.tr("draft"), "approved": self.tr("approved"), "superseded": self.tr("superseded")}
        for v in versions:
            when = v.approved_at.strftime("%Y-%m-%d %H:%M") if v.approved_at else ""
            row = [QStandardItem(f"{v.year} v{v.version}"), QStandardItem(status_text.get(v.status, v.status)),
                   QStandardItem(v.created_by), QStandardItem(v.approved_by), QStandardItem(when), QStandardItem(v.reason)]
            row[0].setData(v.version)
            for it in row:
                it.setEditable(False)
            self.model.appendRow(row)

    # --- actions ----------------------------------------------------------------------------
    def _on_import_clicked(self) -> None:
        """Import on the GUI thread (a short insert; the audit trail notifies GUI listeners)."""
        store = self.service.plan_store
        store.audit = getattr(self.session, "audit", None) or store.audit
        try:
            version = store.import_plan(self.service.config.plan, str(self.service.config.path), self.session.username)
        except Exception as exc:  # noqa: BLE001 - e.g. database down: say so on the tab
            self.status.setText(self.tr("Not imported: %1").replace("%1", str(exc).splitlines()[0]))
            return
        self._on_query_result(("imported", version))

    def selected_version(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return int(self.model.item(rows[0].row(), 0).data())

    def _on_approve_clicked(self) -> None:
        version = self.selected_version()
        if version is None:
            self.status.setText(self.tr("Select a draft version first."))
            return
        self.dialog = PlanApprovalDialog(self.year, version, self.session.username,
                                         bool(getattr(self.session, "second_person_required", False)), self)
        self.dialog.accepted.connect(self._on_dialog_accepted)
        self.dialog.open()  # not exec(): the asyncio loop keeps running

    def _on_dialog_accepted(self) -> None:
        """Verify and approve on the GUI thread, as the faceplate's signature does: the session
        and the audit trail notify GUI listeners."""
        from app.production.plan_store import PlanStoreError
        from app.security.users import SecurityError

        d, self.dialog = self.dialog, None
        if d is None:
            return
        try:
            info = self.service.plan_store.approve(d.year, d.version, self.session, d.password.text(), reason=d.reason.text(),
                                                   second_user=d.second_user.text().strip(), second_password=d.second_password.text())
        except (SecurityError, PlanStoreError) as exc:
            self.status.setText(self.tr("Not approved: %1").replace("%1", str(exc)))
            return
        self._on_query_result(("approved", info))
