"""Login, signature and lock dialogs, the Audit panel, and the session inside the main window."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from app.core.layout import PlantLayout
from app.core.settings import load_settings
from app.core.tags import Quality, TagValue, utcnow
from app.io.writes import WriteRequest
from app.runtime import Runtime
from app.security import audit as au
from app.security.context import Security, build_security
from widgets.audit_panel import AuditPanel
from widgets.login_dialog import FirstRunDialog, LoginDialog
from widgets.main_window import MainWindow
from widgets.signature_dialog import SignatureDialog
from widgets.tag_browser_panel import COL_TAG, COL_VALUE


def test_login_dialog_shows_why_and_then_logs_in(qtbot, security: Security) -> None:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(security.session)
    qtbot.addWidget(dialog)
    dialog.user_field.setText("op1")
    dialog.password_field.setText("nope")
    assert not dialog.attempt()
    assert dialog.message.text() == "Wrong user name or password."  # no hint that op1 exists
    assert dialog.password_field.text() == ""  # never left lying in the field
    dialog.password_field.setText("furnace-42")
    assert dialog.attempt() and security.session.username == "op1"


def test_first_run_creates_an_administrator(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    settings = load_settings()
    settings.db_url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    sec = build_security(settings)
    try:
        assert not sec.users.has_users()
        dialog = FirstRunDialog(sec.users)
        qtbot.addWidget(dialog)
        dialog.password_field.setText("admin-pass-1")
        dialog.again_field.setText("admin-pass-2")
        assert not dialog.attempt() and "differ" in dialog.message.text()
        dialog.password_field.setText("admin-pass-1")
        dialog.again_field.setText("admin-pass-1")
        assert dialog.attempt()
        assert sec.session.login("admin", "admin-pass-1").roles == ("administrator",)
    finally:
        sec.close()


def test_signature_dialog_needs_the_second_person(qtbot, security: Security, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    security.session.login("op1", "furnace-42")
    tag = layout.tags["SMF.O2_ENR_SP"]
    dialog = SignatureDialog(security.session, tag, 70.0, 65.0)
    qtbot.addWidget(dialog)
    dialog.password_field.setText("furnace-42")
    dialog.reason_field.setText("raise matte grade")
    assert not dialog.attempt() and "second authorised person must confirm" in dialog.message.text()
    dialog.password_field.setText("furnace-42")
    dialog.second_user_field.setText("lead")
    dialog.second_password_field.setText("converter-7")
    assert dialog.attempt()
    assert dialog.signature is not None and dialog.signature.second_user == "lead"
    request = security.session.request(tag.name, 70.0, dialog.signature)
    assert (request.user, request.second_user, request.reason) == ("op1", "lead", "raise matte grade")


def test_audit_panel_filters_and_exports(qtbot, security: Security, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    security.session.login("op1", "furnace-42")
    security.audit.record(au.ALARM, "acknowledge", user="op1", target="SMF.T_PROC.HI")
    panel = AuditPanel(security.audit, security.session)
    qtbot.addWidget(panel)
    total = panel.model.rowCount()
    security.audit.record(au.WRITE, "setpoint_write", au.FAILURE, user="op1", target="PSC2.BLAST_SP", new=90000)
    assert panel.model.rowCount() == total + 1  # live: new records appear without refresh
    panel.search.setText("blast")
    assert panel.proxy.rowCount() == 1
    panel.search.setText("")
    panel.category.setCurrentIndex(panel.category.findData(au.ALARM))
    assert [e.event_type for e in panel.visible_entries()] == ["acknowledge"]
    panel.category.setCurrentIndex(0)
    panel.result.setCurrentIndex(panel.result.findData(au.FAILURE))
    assert [e.target for e in panel.visible_entries()] == ["PSC2.BLAST_SP"]
    out = tmp_path / "audit.csv"
    assert panel.export_csv(str(out)) == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows[0]["target"] == "PSC2.BLAST_SP" and rows[0]["result"] == "failure"
    panel._on_verify_clicked()
    assert "hash chain intact" in panel.status.text()
    panel.teardown()


def _value_shown(window: MainWindow, tag: str) -> str:
    proxy = window.panels["tag_browser"].proxy  # type: ignore[attr-defined]
    for row in range(proxy.rowCount()):
        if proxy.index(row, COL_TAG).data() == tag:
            return str(proxy.index(row, COL_VALUE).data())
    raise AssertionError(tag)


def test_locked_window_keeps_showing_values_but_allows_no_action(qtbot, security: Security, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = Runtime(layout)  # drivers not started: the test feeds the store itself
    runtime.attach_security(security.session)
    security.session.login("op1", "furnace-42")
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), security=security)
    qtbot.addWidget(window)
    window.show()
    assert "audit" in window.panels
    assert window.security_ui is not None
    assert window.security_ui.user_label.text() == "op1 (operator)"

    security.session.lock("inactivity")
    dialog = window.security_ui.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowModality() == Qt.WindowModality.WindowModal
    assert "LOCKED" in window.security_ui.user_label.text()
    now = utcnow()
    runtime.store.apply({"SMF.T_PROC": TagValue(1234.5, Quality.GOOD, now, now)})
    window.bridge.flush()
    qtbot.waitUntil(lambda: _value_shown(window, "SMF.T_PROC").startswith("1234"), timeout=3000)  # still live
    _, refusal = runtime.write_path.check(WriteRequest("PSC2.BLAST_SP", 34000.0, user="op1"))
    assert refusal == "The console is locked: unlock it to write setpoints in PSC (PSC2.BLAST_SP)."

    dialog.password_field.setText("furnace-42")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.security_ui.dialog is None, timeout=3000)
    assert not security.session.locked
    assert runtime.write_path.check(WriteRequest("PSC2.BLAST_SP", 34000.0, user="op1"))[1] == ""

    window.security_ui._on_switch_triggered()  # shift handover, no restart
    handover = window.security_ui.dialog
    handover.user_field.setText("lead")
    handover.password_field.setText("converter-7")
    handover.buttons.accepted.emit()
    qtbot.waitUntil(lambda: security.session.username == "lead", timeout=3000)
    assert window.security_ui.user_label.text() == "lead (shift lead)"
    window.close()


def test_untrusted_server_certificate_needs_an_administrator(qtbot, security: Security, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.security.certs import create_client_certificate
    from app.security.trust import UntrustedCertificate, pretty_thumbprint
    from widgets.certificate_dialog import CertificateTrustDialog

    der = create_client_certificate(tmp_path / "pki", None, hostname="plc1").cert_path.read_bytes()
    with pytest.raises(UntrustedCertificate):
        security.trust.require_trusted(der, "opc.tcp://plc1:4840")
    pending = security.trust.list("pending")[0]
    security.session.login("op1", "furnace-42")
    dialog = CertificateTrustDialog(security.trust, security.session, pending)
    qtbot.addWidget(dialog)
    assert pretty_thumbprint(pending.thumbprint) in [w.text() for w in dialog.findChildren(type(dialog.header))]
    assert not dialog.attempt() and "may not change settings" in dialog.message.text()
    security.users.add_user("admin", "admin-pass-1", ["administrator"])
    security.session.switch_user("admin", "admin-pass-1")
    assert dialog.attempt() and dialog.decision == "trusted"
    security.trust.require_trusted(der, "opc.tcp://plc1:4840")


def test_users_panel_for_administrators_only(qtbot, security: Security, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from widgets.users_panel import UserDialog

    security.users.add_user("admin", "admin-pass-1", ["administrator"])
    security.session.login("op1", "furnace-42")
    window = MainWindow(Runtime(layout), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), security=security)
    qtbot.addWidget(window)
    window.show()
    assert window.docks["users"].isHidden() and not window.docks["users"].toggleViewAction().isEnabled()
    assert not window.docks["audit"].isHidden()
    security.session.switch_user("admin", "admin-pass-1")
    assert window.docks["users"].toggleViewAction().isEnabled()
    panel = window.panels["users"]
    assert [u.username for u in panel.model.users] == ["admin", "lead", "op1"]
    dialog = UserDialog(security.users, "admin", None, panel)
    qtbot.addWidget(dialog)
    dialog.user_field.setText("maint1")
    dialog.password_field.setText("spanner-2026")
    dialog.role_boxes["maintenance"].setChecked(True)
    assert dialog.attempt()
    panel.reload()
    panel.view.selectRow([u.username for u in panel.model.users].index("op1"))
    panel._on_toggle_clicked()
    assert "op1 disabled" in panel.message.text()
    info = security.users.user("maint1")
    assert info is not None and info.roles == ("maintenance",) and info.must_change_password
    assert not security.users.user("op1").enabled  # type: ignore[union-attr]
    kinds = [(e.event_type, e.user, e.target) for e in security.audit.entries(limit=2)]
    assert kinds == [("user_disable", "admin", "op1"), ("user_add", "admin", "maint1")]
    window.close()


def test_alarm_actions_follow_the_login_roles_and_are_audited(qtbot, security: Security, layout: PlantLayout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from PySide6.QtWidgets import QMessageBox

    runtime = Runtime(layout)
    runtime.attach_security(security.session)
    security.session.login("op1", "furnace-42")  # operators acknowledge but may not shelve
    now = [utcnow()]
    runtime.alarms.clock = lambda: now[0]
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), security=security)
    qtbot.addWidget(window)
    window.show()
    refusals: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: refusals.append(text))
    panel = window.panels["alarm_list"]
    assert not window.docks["alarm_list"].isHidden()

    for value in (450.0, 460.0):  # tail SO2 above the permit, held past the on-delay
        runtime.store.apply({"AP.TAIL_SO2": TagValue(value, Quality.GOOD, now[0], now[0])})
        now[0] += timedelta(seconds=40)
        runtime.alarms.tick()
    qtbot.waitUntil(lambda: panel.proxy.rowCount() >= 1, timeout=3000)
    records = [panel.proxy.record(r) for r in range(panel.proxy.rowCount())]
    assert any(r.id.startswith("AP.TAIL_SO2") for r in records)

    assert panel.shelve(records, 600.0, "transmitter check") == 0
    assert refusals == ["op1 (operator) may not shelve alarms: ask a user whose role allows it."]
    panel.table.selectRow(0)
    assert panel.ack_selected() >= 1
    entries = [(e.category, e.event_type, e.user, e.target) for e in security.audit.entries(limit=5)]
    assert (au.ALARM, "ack", "op1", panel.proxy.record(0).id) in entries
    window.close()


async def test_critical_faceplate_write_is_signed_by_two_people_and_audited(qtbot, security: Security, layout: PlantLayout, sim_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from app.io.opcua import OpcUaDriver
    from app.security.session import action_for
    from tests.io.test_opcua_driver import wait_for
    from widgets.signature_dialog import SignatureDialog

    runtime = Runtime(layout)
    driver = OpcUaDriver("sim", sim_server.endpoint, runtime.store, layout.tags.values(), publishing_ms=200)
    runtime.drivers = [driver]
    runtime.write_path.drivers = {"sim": driver}
    runtime.attach_security(security.session)
    security.session.login("op1", "furnace-42")
    task = asyncio.create_task(driver.run())
    asked: list[tuple[str, object]] = []

    def sign(parent, session, tag, new, old=None, language="en"):  # type: ignore[no-untyped-def]
        asked.append((tag.name, new))  # what the real dialog would collect from the two people
        return session.sign_critical(action_for(tag), tag.name, new, "furnace-42", "lead", "converter-7",
                                     "raise matte grade per shift plan")

    monkeypatch.setattr(SignatureDialog, "ask", staticmethod(sign))
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), security=security)
    qtbot.addWidget(window)
    try:
        assert await wait_for(lambda: (v := runtime.store.get("SMF.O2_ENR_SP")) is not None and v.is_good)
        faceplate = window.open_faceplate("SMF").faceplate
        result = await faceplate.change(layout.tags["SMF.O2_ENR_SP"], 70.0)
        assert asked == [("SMF.O2_ENR_SP", 70.0)]
        assert result is not None and result.ok, result
        record = next(e for e in security.audit.entries(limit=10) if e.event_type == "setpoint_write")
        assert (record.user, record.second_user, record.reason, record.target) == (
            "op1", "lead", "raise matte grade per shift plan", "SMF.O2_ENR_SP")
    finally:
        window.close()
        await driver.stop()
        await task


def test_double_clicked_alarm_calls_up_its_display_and_faceplate(qtbot, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(Runtime(layout), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.alarm_list.sig_alarm_activated.emit("AP.TAIL_SO2", utcnow())
    current = window.display_panel.current
    assert current is not None and current.level == 2 and "Acid" in current.title_en
    assert "AP.ABS" in window.faceplates and window.faceplates["AP.ABS"].isVisible()
    assert "AP.TAIL_SO2" in window.trend.pens and not window.trend.live
    start, end = window.trend.view_range()
    assert start < utcnow().timestamp() < end
    window.close()


def test_display_alarm_indicators_follow_the_alarm_engine(qtbot, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """An idle converter's zero blast flow is suppressed by design: its display shows no alarm."""
    from datetime import timedelta

    from widgets.symbols import AlarmItem

    runtime = Runtime(layout)
    now = [utcnow()]
    runtime.alarms.clock = lambda: now[0]
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.display_panel.show_display(next(d for d in window.displays.values() if d.title_en == "Converters").id)
    items = [i for i in window.display_panel.scene.items() if isinstance(i, AlarmItem)]
    assert items
    idle = layout.tags["PSC3.STATE"].states.index("IDLE")
    for _ in range(3):
        runtime.store.apply({"PSC3.STATE": TagValue(idle, Quality.GOOD, now[0], now[0]),
                             "PSC3.BLAST_FLOW": TagValue(0.0, Quality.GOOD, now[0], now[0])})
        now[0] += timedelta(seconds=30)
        runtime.alarms.tick()
    window.bridge.flush()
    assert runtime.alarms.tag_priority("PSC3.BLAST_FLOW") == 0
    assert all(item.state() == (0, 0) for item in items)

    blowing = layout.tags["PSC3.STATE"].states.index("COPPER_BLOW")
    for _ in range(3):  # blowing with no blast: a real alarm, and the indicator shows it
        runtime.store.apply({"PSC3.STATE": TagValue(blowing, Quality.GOOD, now[0], now[0]),
                             "PSC3.BLAST_FLOW": TagValue(0.0, Quality.GOOD, now[0], now[0])})
        now[0] += timedelta(seconds=30)
        runtime.alarms.tick()
    window.bridge.flush()
    priority = runtime.alarms.tag_priority("PSC3.BLAST_FLOW")
    assert priority > 0
    assert any(item.state()[0] == min(priority, 3) for item in items)
    window.close()
