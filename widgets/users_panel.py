"""The Users panel (administrators): add, enable/disable, roles, reset password.

Every change goes through :class:`app.security.users.UserStore` (audited) and needs the
``manage_users`` permission at the moment it is made, not only when the panel opened.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from app.db.notify import USERS
from app.security import permissions as perms
from app.security.session import PermissionDenied, Session
from app.security.users import SecurityError, UserInfo, UserStore
from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.login_dialog import ERROR_STYLE, _Form, _password_field, role_text
from widgets.panel import DockPanel
from widgets.shared_changes import SharedChanges

ModelIndex = QModelIndex | QPersistentModelIndex


class UsersModel(QAbstractTableModel):
    HEADERS = (
        QT_TRANSLATE_NOOP("UsersModel", "User"), QT_TRANSLATE_NOOP("UsersModel", "Name"), QT_TRANSLATE_NOOP("UsersModel", "Roles"), QT_TRANSLATE_NOOP("UsersModel", "Enabled"), QT_TRANSLATE_NOOP("UsersModel", "Locked until"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users: list[UserInfo] = []

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.users)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.tr(self.HEADERS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        u = self.users[index.row()]
        locked = u.locked_until.astimezone().strftime("%H:%M") if u.locked_until else ""
        values = (u.username, u.full_name, ", ".join(role_text(r) for r in u.roles), self.tr("yes") if u.enabled else self.tr("no"), locked)
        return values[index.column()]

    def set_users(self, users: list[UserInfo]) -> None:
        self.beginResetModel()
        self.users = users
        self.endResetModel()


class UserDialog(_Form):
    """Add a user, or set a user's roles / password."""

    def __init__(self, users: UserStore, actor: str, existing: UserInfo | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users, self.actor, self.existing = users, actor, existing
        self.setWindowTitle(self.tr("Crucible - user"))
        self.header.setText(self.tr("Add user") if existing is None else self.tr("User {user}").format(user=existing.username))
        self.hint.setText(self.tr("Leave the password empty to keep it.") if existing else "")
        self.user_field = QLineEdit(existing.username if existing else "")
        self.user_field.setReadOnly(existing is not None)
        self.name_field = QLineEdit(existing.full_name if existing else "")
        self.name_field.setReadOnly(existing is not None)
        self.password_field = _password_field()
        self.form.addRow(self.tr("User"), self.user_field)
        self.form.addRow(self.tr("Full name"), self.name_field)
        self.form.addRow(self.tr("Password"), self.password_field)
        self.role_boxes: dict[str, QCheckBox] = {}
        for role in perms.ROLES:
            box = QCheckBox(role_text(role))
            box.setChecked(bool(existing and role in existing.roles))
            self.role_boxes[role] = box
            self.form.addRow("", box)

    def attempt(self) -> bool:
        roles = [r for r, box in self.role_boxes.items() if box.isChecked()]
        password = self.password_field.text()
        self.password_field.clear()
        try:
            if self.existing is None:
                self.users.add_user(self.user_field.text().strip(), password, roles, self.name_field.text().strip(),
                                    self.actor, must_change_password=True)
            else:
                if sorted(roles) != sorted(self.existing.roles):
                    self.users.set_roles(self.existing.username, roles, self.actor)
                if password:
                    self.users.reset_password(self.existing.username, password, self.actor)
        except SecurityError as exc:
            self.show_error(str(exc))
            return False
        return True


class UsersPanel(DockPanel):
    """Users and their roles, for administrators."""

    NAME = "users"
    TITLE = QT_TRANSLATE_NOOP("UsersPanel", "Users")
    AREA = Qt.DockWidgetArea.RightDockWidgetArea
    PERMISSIONS = (perms.MANAGE_USERS,)

    def __init__(self, users: UserStore, session: Session) -> None:
        super().__init__()
        self.users, self.session = users, session
        self.model = UsersModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setStretchLastSection(True)
        self.add_button, self.edit_button, self.toggle_button = QPushButton(), QPushButton(), QPushButton()
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.toggle_button.clicked.connect(self._on_toggle_clicked)
        self.message = QLabel()
        self.message.setWordWrap(True)
        bar = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.toggle_button):
            bar.addWidget(b)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        # users and roles changed on other consoles (PostgreSQL): the table re-reads at once,
        # on a worker thread
        self.shared_query = BackgroundQuery(self, "users", self._on_shared_result, self._on_shared_error)
        self.shared = SharedChanges(self, users.engine, (USERS,), self._on_shared_changes)
        self.retranslate()
        self.reload()

    def _on_shared_changes(self, _changes: set[tuple[str, str]]) -> None:
        self.shared_query.submit(self.users.list_users)

    def _on_shared_result(self, users: list[UserInfo]) -> None:
        self.model.set_users(users)
        self.view.resizeColumnsToContents()

    def _on_shared_error(self, exc: Exception) -> None:
        if isinstance(exc, SQLAlchemyError):  # the database went away meanwhile: the next change re-reads
            self._say(self.tr("The user list could not be refreshed: the plant database does not answer."), error=True)
        else:
            self._say(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, error=True)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shared.shutdown()
        self.shared_query.shutdown()
        super().closeEvent(event)

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("Add user ..."))
        self.edit_button.setText(self.tr("Roles / password ..."))
        self.toggle_button.setText(self.tr("Enable / disable"))

    def reload(self) -> None:
        self.model.set_users(self.users.list_users())
        self.view.resizeColumnsToContents()

    def _selected(self) -> UserInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.users[rows[0].row()] if rows else None

    def _allowed(self) -> bool:
        try:
            self.session.require(perms.MANAGE_USERS)
        except PermissionDenied as exc:
            self._say(str(exc), error=True)
            return False
        return True

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")

    def _open(self, existing: UserInfo | None) -> None:
        dialog = UserDialog(self.users, self.session.username, existing, self)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()

    def _on_add_clicked(self) -> None:
        if self._allowed():
            self._open(None)

    def _on_edit_clicked(self) -> None:
        user = self._selected()
        if user is None:
            self._say(self.tr("Select a user first."), error=True)
        elif self._allowed():
            self._open(user)

    def _on_toggle_clicked(self) -> None:
        user = self._selected()
        if user is None:
            self._say(self.tr("Select a user first."), error=True)
            return
        if not self._allowed():
            return
        if user.username == self.session.username:
            self._say(self.tr("You cannot disable yourself."), error=True)
            return
        self.users.set_enabled(user.username, not user.enabled, self.session.username)
        self._say(self.tr("{user} enabled").format(user=user.username) if not user.enabled
                  else self.tr("{user} disabled").format(user=user.username))
        self.reload()
