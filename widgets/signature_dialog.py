"""Electronic signature for a critical action: own password, second person, reason.

The dialog collects; :meth:`app.security.session.Session.sign_critical` verifies and keeps
the signature for the one write that follows. A faceplate does::

    signature = await SignatureDialog.ask(self, session, tag, new_value, old_value)
    if signature:
        await write_path.write(session.request(tag.name, new_value, signature))
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.core.tags import TagDef
from app.io.writes import WriteRequest
from app.security.session import Session, Signature, action_for
from app.security.users import SecurityError
from widgets.dialogs import answer, resolved
from widgets.login_dialog import _Form, _password_field

TARGET_STYLE = "font-size: 12pt; font-weight: bold; background: #d8d8d8; border: 1px solid #9a9a9a; padding: 6px;"


class SignatureDialog(_Form):
    """Sign one critical change; ``signature`` is set when it was accepted."""

    def __init__(
        self, session: Session, tag: TagDef, new_value: object, old_value: object = None,
        language: str = "en", parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.tag = tag
        self.new_value = new_value
        self.action = action_for(tag)
        self.signature: Signature | None = None
        self.setWindowTitle(self.tr("Crucible - critical change"))
        self.header.setText(self.tr("Critical change: electronic signature"))
        needs = (self.tr("your password, a second authorised person and a reason")
                 if session.second_person_required else self.tr("your password and a reason"))
        self.hint.setText(self.tr("{tag} is marked critical. This change needs {needs}; "
                                  "both names and the reason go into the audit trail.").format(tag=tag.name, needs=needs))
        old = tag.format_value(old_value) if old_value is not None else "-"
        target = QLabel(f"{tag.name}  {tag.description(language)}\n{old}  \u2192  {tag.format_value(new_value)} {tag.eng_unit}".rstrip())
        target.setStyleSheet(TARGET_STYLE)
        self.vbox.insertWidget(2, target)

        self.password_field = _password_field()
        self.form.addRow(self.tr("Your password ({user})").format(user=session.username), self.password_field)
        self.second_box = QGroupBox(self.tr("Second authorised person"))
        second_form = QFormLayout(self.second_box)
        self.second_user_field = QLineEdit()
        self.second_password_field = _password_field()
        second_form.addRow(self.tr("User"), self.second_user_field)
        second_form.addRow(self.tr("Password"), self.second_password_field)
        self.form.addRow(self.second_box)
        self.second_box.setVisible(session.second_person_required)
        self.reason_field = QLineEdit()
        self.reason_field.setPlaceholderText(self.tr("why this change (goes into the audit trail)"))
        self.form.addRow(self.tr("Reason"), self.reason_field)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Sign and write"))
        self.password_field.setFocus()

    def attempt(self) -> bool:
        try:
            self.signature = self.session.sign_critical(
                self.action, self.tag.name, self.new_value, self.password_field.text(),
                self.second_user_field.text().strip(), self.second_password_field.text(), self.reason_field.text(),
            )
        except SecurityError as exc:
            self.show_error(str(exc))
            return False
        finally:
            self.password_field.clear()
            self.second_password_field.clear()
        return True

    @classmethod
    async def ask(cls, parent: QWidget | None, session: Session, tag: TagDef, new_value: object,
                  old_value: object = None, language: str = "en") -> Signature | None:
        """Show the dialog window-modally and await it (never ``exec()``: the asyncio loop and
        the live values keep running); the verified signature, or None when cancelled."""
        dialog = cls(session, tag, new_value, old_value, language, parent)
        try:
            await answer(dialog)
            return dialog.signature
        finally:
            dialog.deleteLater()


def signed_request_hook(session: Session, language: Callable[[], str]) -> Callable[..., Awaitable[WriteRequest | None]]:
    """The faceplates' ``confirm_critical`` hook while a session is logged in: the electronic
    signature (own password, second person, reason) for the one write that follows."""

    async def signed_request(faceplate: QWidget, tag: TagDef, old: object, new: object) -> WriteRequest | None:
        asked: Awaitable[Signature | None] | Signature | None = SignatureDialog.ask(faceplate, session, tag, new, old, language())
        signature: Signature | None = await resolved(asked)
        return session.request(tag.name, new, signature) if signature is not None else None  # type: ignore[arg-type]

    return signed_request


