"""Buttons a role cannot use are disabled, with a tooltip saying why; the Users tab comes
back for the administrator after an operator's session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from app.core.layout import PlantLayout
from app.core.settings import load_settings
from app.runtime import Runtime
from app.security.context import Security, build_security
from widgets.main_window import MainWindow


@pytest.fixture
def security(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Security]:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")  # cheap hashing: a test-only setting
    settings = load_settings()
    settings.console_name = "CR-01"
    settings.db_url = f"sqlite:///{tmp_path / 'users.sqlite'}"
    sec = build_security(settings)
    sec.users.add_user("op1", "furnace-42", ["operator"])
    sec.users.add_user("lead", "converter-7", ["shift_lead"])
    sec.users.add_user("fitter", "spanner-26", ["maintenance"])
    sec.users.add_user("admin", "admin-pass-1", ["administrator"])
    yield sec
    sec.close()


@pytest.fixture
def window(qtbot, security: Security, layout: PlantLayout, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    security.session.login("admin", "admin-pass-1")
    runtime = Runtime(layout)
    runtime.attach_security(security.session)  # as app.main does: one rule for writes and alarm actions
    win = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), security=security)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_faceplate_buttons_follow_the_role_with_a_reason(window: MainWindow, security: Security) -> None:
    session = security.session
    session.switch_user("fitter", "spanner-26")  # maintenance: start/stop yes, setpoints no
    faceplate = window.open_faceplate("AP.BLOWER").faceplate
    change = faceplate.setpoint_buttons["AP.BLOWER.SPEED_SP"]
    start = faceplate.start_buttons["AP.BLOWER.CMD"]
    assert not change.isEnabled() and "fitter (maintenance) may not write setpoints" in change.toolTip()
    assert start.isEnabled() and start.toolTip() == ""
    session.switch_user("admin", "admin-pass-1")  # administrator: neither
    assert not start.isEnabled() and "may not start or stop equipment" in start.toolTip()
    assert not faceplate.stop_buttons["AP.BLOWER.CMD"].isEnabled()
    session.switch_user("op1", "furnace-42")  # operator: both
    assert start.isEnabled() and change.isEnabled() and change.toolTip() == ""


def test_alarm_buttons_follow_the_role_with_a_reason(window: MainWindow, security: Security) -> None:
    panel = window.panels["alarm_list"]
    security.session.switch_user("op1", "furnace-42")
    assert not panel.shelve_button.isEnabled()  # type: ignore[attr-defined]
    assert "may not shelve alarms" in panel.shelve_button.toolTip()  # type: ignore[attr-defined]
    assert panel.ack_button.isEnabled()  # type: ignore[attr-defined]
    security.session.switch_user("lead", "converter-7")
    assert panel.shelve_button.isEnabled() and panel.shelve_button.toolTip() == ""  # type: ignore[attr-defined]


def test_users_tab_comes_back_for_the_administrator(window: MainWindow, security: Security) -> None:
    users = window.docks["users"]
    assert not users.isHidden()
    security.session.switch_user("op1", "furnace-42")
    assert users.isHidden()
    security.session.logout()
    security.session.login("admin", "admin-pass-1")
    assert not users.isHidden() and users.toggleViewAction().isEnabled()
