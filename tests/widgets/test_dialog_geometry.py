"""Dialogs grow with their messages: nothing clipped, no field squashed, no empty strip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.core.layout import PlantLayout
from app.core.settings import load_settings
from app.security.context import Security, build_security
from widgets.faceplate import SetpointDialog
from widgets.login_dialog import LoginDialog
from widgets.signature_dialog import SignatureDialog


@pytest.fixture
def security(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Security]:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")  # cheap hashing: a test-only setting
    settings = load_settings()
    settings.console_name = "CR-01"
    settings.db_url = f"sqlite:///{tmp_path / 'users.sqlite'}"
    sec = build_security(settings)
    sec.users.add_user("op1", "furnace-42", ["operator"])
    sec.users.add_user("lead", "converter-7", ["shift_lead"])
    yield sec
    sec.close()


def problems(dialog: QDialog) -> list[str]:
    """What an operator would see wrong: clipped text, squashed fields, an empty bottom strip."""
    found: list[str] = []
    for label in dialog.findChildren(QLabel):
        if not label.isVisibleTo(dialog) or not label.text():
            continue
        if label.wordWrap():
            need = label.heightForWidth(label.width())
            if label.height() < need:
                found.append(f"label {label.text()[:40]!r} is {label.height()} px high, needs {need}")
        elif label.width() < label.minimumSizeHint().width():
            found.append(f"label {label.text()[:40]!r} is {label.width()} px wide, needs {label.minimumSizeHint().width()}")
    for field in dialog.findChildren(QLineEdit):
        if field.isVisibleTo(dialog) and field.height() < field.minimumSizeHint().height():
            found.append(f"field {field.objectName() or field.placeholderText()!r} squashed to {field.height()} px")
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    bottom = buttons.mapTo(dialog, buttons.rect().bottomLeft()).y()
    strip = dialog.height() - 1 - bottom - dialog.layout().contentsMargins().bottom()
    if strip > 2:
        found.append(f"{strip} px empty strip below the buttons")
    for child in dialog.findChildren(QWidget):
        if child.isVisibleTo(dialog) and child.parentWidget() is dialog:
            r = child.geometry()
            if r.bottom() >= dialog.height() or r.right() >= dialog.width():
                found.append(f"{type(child).__name__} runs off the dialog ({r} in {dialog.size()})")
    return found


def show(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(20)


def test_login_error_is_whole_and_the_fields_keep_their_height(qtbot, security: Security) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(security.session)
    show(qtbot, dialog)
    assert problems(dialog) == []
    before = dialog.height()
    dialog.user_field.setText("op1")
    dialog.password_field.setText("nope")
    assert not dialog.attempt()
    qtbot.wait(20)
    assert dialog.message.isVisible() and "Wrong user name or password" in dialog.message.text()
    assert problems(dialog) == []
    assert dialog.height() > before


def test_setpoint_out_of_range_message_is_not_clipped(qtbot, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    tag = layout.tags["SMF.O2_ENR_SP"]
    dialog = SetpointDialog(tag, 70.0)
    show(qtbot, dialog)
    assert problems(dialog) == []
    dialog.edit.setText("123456789")
    dialog.accept()
    qtbot.wait(20)
    assert "outside the allowed range" in dialog.error_label.text() and dialog.isVisible()
    assert problems(dialog) == []


def test_signature_second_person_fields_survive_the_message(qtbot, layout: PlantLayout, security: Security) -> None:  # type: ignore[no-untyped-def]
    security.session.second_person_required = True
    security.session.login("op1", "furnace-42")
    tag = next(t for t in layout.tags.values() if t.critical)
    dialog = SignatureDialog(security.session, tag, 1.0, 0.0)
    show(qtbot, dialog)
    assert problems(dialog) == []
    dialog.password_field.setText("furnace-42")
    dialog.second_user_field.setText("op1")
    dialog.second_password_field.setText("furnace-42")
    dialog.reason_field.setText("test")
    assert not dialog.attempt()
    qtbot.wait(20)
    assert "someone other than the logged-in user" in dialog.message.text()
    assert dialog.second_user_field.height() >= dialog.second_user_field.minimumSizeHint().height()
    assert problems(dialog) == []
