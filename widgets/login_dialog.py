"""Log-in, first-run administrator, unlock / switch user and password change dialogs.

They only collect input: every decision (right password, lock-out, roles) is made by
:mod:`app.security` and shown here as its message.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.security.permissions import ADMINISTRATOR
from app.security.session import Session
from app.security.users import SecurityError, UserStore
from widgets.dialog_fit import FittingDialog
from widgets.i18n import QT_TRANSLATE_NOOP

ERROR_STYLE = "color: #ffffff; background: #9c1f1f; padding: 4px; font-weight: bold;"
HEADER_STYLE = "font-size: 14pt; font-weight: bold;"
# Role names as shown (app.security.permissions.ROLES, "_" -> " "), translated under "Role".
ROLE_WORDS = (
    QT_TRANSLATE_NOOP("Role", "operator"), QT_TRANSLATE_NOOP("Role", "shift lead"), QT_TRANSLATE_NOOP("Role", "maintenance"),
    QT_TRANSLATE_NOOP("Role", "process engineer"), QT_TRANSLATE_NOOP("Role", "administrator"), QT_TRANSLATE_NOOP("Role", "laboratory"),
)


def role_text(role: str) -> str:
    """A role's visible name in the current language (``shift_lead`` -> "shift lead")."""
    return QCoreApplication.translate("Role", role.replace("_", " "))


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(260)
    return field


class _Form(FittingDialog):
    """Header, hint, form rows, a message line and OK/Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.header = QLabel()
        self.header.setStyleSheet(HEADER_STYLE)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.vbox = layout = QVBoxLayout(self)
        for w in (self.header, self.hint):
            layout.addWidget(w)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.refit()  # the dialog grows: the message and every field keep their room

    def _on_ok(self) -> None:
        if self.attempt():
            self.accept()

    def attempt(self) -> bool:  # pragma: no cover - overridden
        return True


class LoginDialog(_Form):
    """Log in at start, after log-out, to unlock a locked console, or to take over a shift.

    ``mode``: "login", "unlock" (the current user, or another user = handover) or "switch".
    """

    def __init__(self, session: Session, mode: str = "login", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.mode = mode
        self.user_field = QLineEdit()
        self.password_field = _password_field()
        self.form.addRow(self.tr("User"), self.user_field)
        self.form.addRow(self.tr("Password"), self.password_field)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        console = session.console or "-"
        if mode == "unlock":
            self.setWindowTitle(self.tr("Crucible - console locked"))
            self.header.setText(self.tr("Console locked"))
            self.hint.setText(self.tr(
                "Locked after inactivity or by {user}. Process values keep updating behind this dialog; "
                "no action is possible until {user} unlocks, or another user logs in to take over."
            ).format(user=session.username))
            self.user_field.setText(session.username)
            ok.setText(self.tr("Unlock"))
        elif mode == "switch":
            self.setWindowTitle(self.tr("Crucible - switch user"))
            self.header.setText(self.tr("Shift handover"))
            self.hint.setText(self.tr("The next user logs in; {user} is logged out. Nothing restarts.").format(
                user=session.username or "-"))
            ok.setText(self.tr("Switch user"))
        else:
            self.setWindowTitle(self.tr("Crucible - log in"))
            self.header.setText(self.tr("Crucible control room - log in"))
            self.hint.setText(self.tr("Console {console}. Log in with your own user name; every action is recorded.")
                              .format(console=console))
            ok.setText(self.tr("Log in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("Quit") if mode == "login" else self.tr("Cancel"))
        (self.password_field if self.user_field.text() else self.user_field).setFocus()

    def attempt(self) -> bool:
        """Try the typed credentials; on failure show the reason and clear the password."""
        username, password = self.user_field.text().strip(), self.password_field.text()
        self.password_field.clear()
        try:
            if self.mode == "unlock" and username == self.session.username:
                self.session.unlock(password)
            elif self.mode in ("unlock", "switch") and self.session.user is not None:
                self.session.switch_user(username, password)
            else:
                self.session.login(username, password)
        except SecurityError as exc:
            self.show_error(str(exc)[:1].upper() + str(exc)[1:] + ".")
            self.password_field.setFocus()
            return False
        return True


class FirstRunDialog(_Form):
    """No user exists yet: create the first administrator."""

    def __init__(self, users: UserStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users = users
        self.setWindowTitle(self.tr("Crucible - first start"))
        self.header.setText(self.tr("Create the first administrator"))
        self.hint.setText(self.tr(
            "No users exist in this database yet. The administrator manages users and settings; "
            "operators and shift leads are added afterwards (here or with 'crucible users add')."))
        self.user_field = QLineEdit("admin")
        self.name_field = QLineEdit()
        self.password_field = _password_field()
        self.again_field = _password_field()
        self.form.addRow(self.tr("User"), self.user_field)
        self.form.addRow(self.tr("Full name"), self.name_field)
        self.form.addRow(self.tr("Password"), self.password_field)
        self.form.addRow(self.tr("Password again"), self.again_field)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create administrator"))

    def attempt(self) -> bool:
        if self.password_field.text() != self.again_field.text():
            self.show_error(self.tr("The two passwords differ."))
            return False
        try:
            self.users.add_user(self.user_field.text().strip(), self.password_field.text(), [ADMINISTRATOR],
                                self.name_field.text().strip(), actor="first-run")
        except SecurityError as exc:
            self.show_error(str(exc))
            return False
        finally:
            self.password_field.clear()
            self.again_field.clear()
        return True


class ChangePasswordDialog(_Form):
    """The logged-in user changes their own password."""

    def __init__(self, users: UserStore, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users = users
        self.username = username
        self.setWindowTitle(self.tr("Crucible - change password"))
        self.header.setText(self.tr("Change password of {user}").format(user=username))
        self.hint.hide()
        self.old_field, self.new_field, self.again_field = _password_field(), _password_field(), _password_field()
        self.form.addRow(self.tr("Current password"), self.old_field)
        self.form.addRow(self.tr("New password"), self.new_field)
        self.form.addRow(self.tr("New password again"), self.again_field)

    def attempt(self) -> bool:
        try:
            if self.new_field.text() != self.again_field.text():
                self.show_error(self.tr("The two new passwords differ."))
                return False
            self.users.change_password(self.username, self.old_field.text(), self.new_field.text())
        except SecurityError as exc:
            self.show_error(str(exc))
            return False
        finally:
            for field in (self.old_field, self.new_field, self.again_field):
                field.clear()
        return True


def align_labels(dialog: QDialog) -> None:
    """Right-align form labels (looks tidier in the control-room font)."""
    for form in dialog.findChildren(QFormLayout):
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
