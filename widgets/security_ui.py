"""Puts the session into the main window: Session menu, user in the status bar, Audit
panel, and the inactivity lock (SR 2.5) — a window-modal unlock dialog over live screens.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMainWindow, QMenu

from app.core.tags import TagDef
from app.security import permissions as perms
from app.security.context import Security
from app.security.session import Session, action_for
from widgets.audit_panel import AuditPanel
from widgets.certificate_dialog import CertificateTrustDialog
from widgets.login_dialog import ChangePasswordDialog, LoginDialog, role_text
from widgets.users_panel import UsersPanel

INPUT_EVENTS = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
}
USER_STYLE = "padding: 0 8px; font-weight: bold;"
LOCKED_STYLE = "padding: 0 8px; font-weight: bold; color: #ffffff; background: #5a5a5a;"


class SecurityUi(QObject):
    """Session menu, status-bar user, Audit panel and the inactivity lock for one window."""

    def __init__(self, window: QMainWindow, security: Security, idle_check_ms: int = 5000) -> None:
        super().__init__(window)
        self.window = window
        self.security = security
        self.session: Session = security.session
        self.dialog: LoginDialog | None = None
        self._hidden_by_role: set[str] = set()  # panels hidden because the user lacked a permission

        # The security module declares these panels; the main window builds them from the
        # registry. A bare window (tests) gets them here.
        panels = getattr(window, "panels", {})
        audit_panel = panels.get("audit")
        if not isinstance(audit_panel, AuditPanel):
            audit_panel = AuditPanel(security.audit, self.session)
            window.add_panel(audit_panel)  # type: ignore[attr-defined]
        self.audit_panel: AuditPanel = audit_panel
        users_panel = panels.get("users")
        if not isinstance(users_panel, UsersPanel):
            users_panel = UsersPanel(security.users, self.session)
            window.add_panel(users_panel)  # type: ignore[attr-defined]
        self.users_panel: UsersPanel = users_panel

        self.menu = QMenu(window)
        window.menuBar().addMenu(self.menu)
        self.lock_action = QAction(self)
        self.lock_action.triggered.connect(self._on_lock_triggered)
        self.switch_action = QAction(self)
        self.switch_action.triggered.connect(self._on_switch_triggered)
        self.password_action = QAction(self)
        self.password_action.triggered.connect(self._on_password_triggered)
        self.logout_action = QAction(self)
        self.logout_action.triggered.connect(self._on_logout_triggered)
        self.certs_action = QAction(self)
        self.certs_action.triggered.connect(self._on_certs_triggered)
        for action in (self.lock_action, self.switch_action, self.password_action, self.logout_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.certs_action)

        self.user_label = QLabel()
        window.statusBar().addPermanentWidget(self.user_label)
        self.session.listeners.append(self._on_session_changed)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(idle_check_ms)
        self.idle_timer.timeout.connect(self._on_idle_timer_timeout)
        self.idle_timer.start()
        self.retranslate()

    # --- text -------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.menu.setTitle(self.tr("&Session"))
        self.lock_action.setText(self.tr("&Lock console"))
        self.switch_action.setText(self.tr("&Switch user (shift handover) ..."))
        self.password_action.setText(self.tr("&Change password ..."))
        self.logout_action.setText(self.tr("Log &out"))
        self.certs_action.setText(self.tr("Pending OPC UA server &certificates ..."))
        self._refresh_user()

    def _refresh_user(self) -> None:
        session = self.session
        if session.user is None:
            text, style = self.tr("not logged in"), LOCKED_STYLE
        elif session.locked:
            text, style = self.tr("{user} · LOCKED").format(user=session.username), LOCKED_STYLE
        else:
            roles = ", ".join(role_text(r) for r in session.user.roles)
            text, style = f"{session.username} ({roles})", USER_STYLE
        self.user_label.setText(text)
        self.user_label.setStyleSheet(style)
        self._apply_panel_permissions()

    def _apply_panel_permissions(self) -> None:
        """Panels whose PERMISSIONS the user lacks are hidden (and cannot be re-opened)."""
        panels = getattr(self.window, "panels", {})
        docks = getattr(self.window, "docks", {})
        for name, panel in panels.items():
            dock = docks.get(name)
            if dock is None:
                continue
            allowed = self.session.user is not None and all(
                perms.grants(self.session.users.permissions_of(self.session.username), p) for p in panel.PERMISSIONS)
            dock.toggleViewAction().setEnabled(allowed)
            if not allowed:
                if not dock.isHidden():
                    self._hidden_by_role.add(name)
                dock.hide()
            elif name in self._hidden_by_role:  # the next user may see it again: bring it back
                self._hidden_by_role.discard(name)
                dock.show()
        if self.session.may(perms.MANAGE_USERS):
            self.users_panel.reload()
        for faceplate_window in getattr(self.window, "faceplates", {}).values():
            faceplate_window.faceplate.refresh_permissions()  # Change…/Start/Stop follow the user
        for panel in panels.values():  # buttons a role may not use: disabled, the reason as tooltip
            if hasattr(panel, "apply_permissions"):
                panel.apply_permissions()

    def faceplate_permission(self, tag: TagDef) -> str | None:
        """Why the logged-in user may not write ``tag`` from a faceplate, or None."""
        return self.session.refusal(action_for(tag), tag.name)

    # --- activity and lock ------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in INPUT_EVENTS:
            self.session.touch()
        return False

    def _on_idle_timer_timeout(self) -> None:
        self.session.check_idle()

    def _on_session_changed(self, session: Session) -> None:
        self._refresh_user()
        if session.locked and self.dialog is None:
            self._show_dialog("unlock")

    def _show_dialog(self, mode: str) -> LoginDialog:
        """Window-modal, not exec(): the asyncio loop and the live values keep running."""
        dialog = LoginDialog(self.session, mode, self.window)
        if mode == "unlock":
            dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).hide()
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_dialog_finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if self.session.user is None:
            if dialog is not None and dialog.mode == "login" and not result:
                self.window.close()  # "Quit" at the log-in after a log-out
            else:
                self._show_dialog("login")
        elif self.session.locked:
            self._show_dialog("unlock")
        self._refresh_user()

    def _on_lock_triggered(self) -> None:
        self.session.lock("manual")

    def _on_switch_triggered(self) -> None:
        if self.dialog is None:
            self._show_dialog("switch")

    def _on_password_triggered(self) -> None:
        if self.session.user is not None:
            ChangePasswordDialog(self.security.users, self.session.username, self.window).open()

    def _on_certs_triggered(self) -> None:
        """Show the next pending server certificate (trust / reject / later)."""
        pending = self.security.trust.list("pending")
        if not pending:
            self.window.statusBar().showMessage(self.tr("No server certificate is waiting for a decision."), 5000)
            return
        dialog = CertificateTrustDialog(self.security.trust, self.session, pending[0], self.window)
        dialog.open()

    def _on_logout_triggered(self) -> None:
        self.session.logout()
        if self.dialog is None:
            self._show_dialog("login")

    def teardown(self) -> None:
        self.idle_timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self._on_session_changed in self.session.listeners:
            self.session.listeners.remove(self._on_session_changed)
        self.audit_panel.teardown()
