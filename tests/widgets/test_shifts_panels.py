"""The handover and reports panels, offscreen, on a real service (SQLite, security database)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.core.layout import load_layout
from app.core.settings import load_settings
from app.db import make_engine
from app.db.migrate import upgrade
from app.security.context import build_security
from app.shifts.service import ShiftsService
from widgets.panel import PanelContext

PASSWORD = "correct-horse-1"


@pytest.fixture
def context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    settings = load_settings()
    settings.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    upgrade(make_engine(settings.db_url))  # history + security tables (history empty: "no data" everywhere)
    sec = build_security(settings)
    sec.users.add_user("wang", PASSWORD, ["shift_lead"])
    sec.users.add_user("li", PASSWORD, ["shift_lead"])
    sec.session.login("wang", PASSWORD)
    layout = load_layout()
    svc = ShiftsService(sec.engine, layout, reports_dir=tmp_path / "reports", audit=sec.audit, users=sec.users,
                        clock=lambda: datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    runtime = SimpleNamespace(layout=layout, services={"shifts": svc}, alarms=None, store=None)
    yield PanelContext(runtime=runtime, bridge=None, session=sec.session, language="zh_CN")  # type: ignore[arg-type]
    sec.close()


def test_handover_panel_add_sign_read_only(qtbot, context, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    from widgets.handover_panel import HandoverPanel

    panel = HandoverPanel(context)
    qtbot.addWidget(panel)
    panel.query.wait(10)
    assert panel.shift.id == "2026-12-01/3" and "中班" in panel.shift_info.text()
    panel.area_combo.setCurrentIndex(panel.area_combo.findData("SMF"))
    panel.text_edit.setPlainText("2号放铜口难开,烧氧两次")
    panel.safety_field.setText("tap hole 2 barriered")
    panel.add_button.click()
    panel.query.wait(10)
    panel.query.wait(10)
    assert panel.model.rowCount() == 1
    assert panel.model.item(0, 4).text() == "2号放铜口难开,烧氧两次"
    assert "safety: tap hole 2 barriered" in panel.model.item(0, 5).text()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (PASSWORD, True))
    panel.sign_button.click()
    panel.query.wait(10)
    panel.query.wait(10)
    assert "wang" in panel.state_label.text()
    assert not panel.add_button.isEnabled() and not panel.text_edit.isEnabled() and panel.ack_button.isEnabled()
    panel.search_field.setText("放铜口")
    panel.search_button.click()
    panel.query.wait(10)
    assert panel.model.rowCount() == 1


def test_reports_panel_generates_previews_and_prints(qtbot, context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QPdfWriter

    from widgets.reports_panel import ReportsPanel

    panel = ReportsPanel(context)
    qtbot.addWidget(panel)
    assert not panel.print_button.isEnabled()
    panel.request("shift")
    panel.generate_button.click()
    assert panel.progress.isVisibleTo(panel) and not panel.generate_button.isEnabled()
    panel.query.wait(60)
    assert panel.pdf_bytes, panel.status.text()
    assert panel.pdf_bytes.startswith(b"%PDF") and panel.document.pageCount() >= 2
    assert panel.print_button.isEnabled() and not panel.progress.isVisibleTo(panel)
    out = tmp_path / "printed.pdf"
    writer = QPdfWriter(str(out))
    assert panel.print_document(writer) == panel.document.pageCount()
    assert out.stat().st_size > 10_000


def test_reports_panel_opens_a_kept_report(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    from widgets.reports_panel import ReportsPanel

    svc = context.runtime.services["shifts"]
    pdf = svc.build("shift", svc.current_shift().day, 1, "zh_CN")
    svc.store("shift", "2026-12-01/1", "zh_CN", pdf, automatic=True)
    panel = ReportsPanel(context)
    qtbot.addWidget(panel)
    panel.query.wait(20)
    assert panel.stored_combo.count() == 1 and panel.stored_combo.itemText(0).startswith("2026-12-01/1 zh_CN")
    panel.open_stored_button.click()
    panel.query.wait(20)
    assert panel.pdf_bytes == pdf and panel.document.pageCount() >= 2


def test_the_main_window_shows_the_shift_and_offers_the_reports_menu(layout, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from app.runtime import Runtime
    from widgets.main_window import MainWindow

    runtime = Runtime(layout)
    runtime.setup_modules()
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert window._shift_label.text().startswith("Shift ") and "crew" in window._shift_label.text()
    assert window._reports_menu is not None and window._reports_menu.title() == "&Reports"
    titles = [a.text() for a in window._reports_menu.actions() if a.text()]
    assert titles == ["&Shift report...", "&Daily report...", "&Monthly report...", "Shift &handover"]
    window._reports_menu.actions()[1].trigger()  # Daily report...
    assert window.docks["reports"].isVisible() or not window.isVisible()
    assert window.panels["reports"].kind_combo.currentIndex() == 1
