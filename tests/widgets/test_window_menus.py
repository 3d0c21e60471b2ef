"""The way in: first start fits the screen, bottom area on Alarms, guarded Quit by role,
File (print to PDF, export PNG) and Help (guide, shortcuts, about) menus, F-keys in the filter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QTabBar

from app.core.layout import PlantLayout
from app.core.settings import load_settings
from app.runtime import Runtime
from app.security.context import Security, build_security
from widgets.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def window(qtbot, security: Security, layout: PlantLayout, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    security.session.login("op1", "furnace-42")
    win = MainWindow(Runtime(layout), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), security=security)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


FIRST_START = """
import json, os, sys
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QSettings
app = QApplication(sys.argv)
from app.core.layout import load_layout, DEFAULT_LAYOUT
from app.core.settings import load_settings
from app.security.context import build_security
from app.runtime import Runtime
from widgets.main_window import MainWindow
settings = load_settings(); settings.db_url = "sqlite:///" + sys.argv[1] + "/u.sqlite"
sec = build_security(settings)
sec.users.add_user("admin", "admin-pass-1", ["administrator"])
sec.session.login("admin", "admin-pass-1")
runtime = Runtime(load_layout(DEFAULT_LAYOUT), db_url=settings.db_url)  # as app.main.build_window: every module's panels
runtime.attach_security(sec.session, sec.trust.require_trusted)
runtime.setup_modules()
for h in runtime.health:  # a link down with a long reason, as on a real first start
    h.last_error = "Connection refused: opc.tcp://127.0.0.1:4840 did not answer within 5 s (retry in 30 s)"
w = MainWindow(runtime, settings=QSettings(sys.argv[1] + "/ui.ini", QSettings.Format.IniFormat), security=sec)
w.show(); app.processEvents(); w._refresh_links(); app.processEvents()
a, f = w.screen().availableGeometry(), w.frameGeometry()
print(json.dumps({"screen": [a.x(), a.y(), a.width(), a.height()], "frame": [f.x(), f.y(), f.width(), f.height()],
                  "central": w.centralWidget().height(), "height": w.height(),
                  "panels": sorted(w.panels),
                  "alarm_list_scrolls": w.docks["alarm_list"].widget() is not w.panels["alarm_list"],
                  "alarm_list_room": [w.panels["alarm_list"].height(), w.panels["alarm_list"].minimumSizeHint().height()]}))
w.close(); sec.close()
"""


def test_first_start_on_a_1920_screen_fits_and_gives_the_display_most_of_the_height(tmp_path: Path) -> None:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "s1", "x": 0, "y": 0, "width": 1920, "height": 1080,
                                               "logicalDpi": 96, "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", CRUCIBLE_SCRYPT_N="16",
               PYTHONPATH=str(ROOT), HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", FIRST_START, str(tmp_path)], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    geo = json.loads(out.stdout.strip().splitlines()[-1])
    sx, sy, sw, sh = geo["screen"]
    fx, fy, fw, fh = geo["frame"]
    assert (sw, sh) == (1920, 1080)
    assert {"dispatch_board", "equipment_status", "work_orders", "standards", "plant3d"} <= set(geo["panels"]), geo
    assert sx <= fx and fx + fw <= sx + sw and sy <= fy and fy + fh <= sy + sh, geo
    assert geo["central"] > 0.55 * geo["height"], geo  # the process display gets most of the height
    assert not geo["alarm_list_scrolls"], geo  # the alarm list and its buttons are all in view
    assert geo["alarm_list_room"][0] >= geo["alarm_list_room"][1], geo


def test_window_stays_within_the_screen_and_bottom_area_opens_on_alarms(window: MainWindow) -> None:
    avail = window.screen().availableGeometry()
    assert avail.contains(window.frameGeometry()), (avail, window.frameGeometry())
    bars = [b for b in window.findChildren(QTabBar) if any(b.tabText(i) == "Alarms" for i in range(b.count()))]
    assert bars and all(b.tabText(b.currentIndex()) == "Alarms" for b in bars)


def _boxes(window: MainWindow) -> list[QMessageBox]:
    return [d for d in window.menus.dialogs if isinstance(d, QMessageBox) and d.isVisible()]


def test_ctrl_q_is_refused_for_an_operator_and_asked_for_a_shift_lead(qtbot, window: MainWindow, security: Security) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(_boxes(window)), timeout=3000)
    box = _boxes(window)[0]
    assert "op1 (operator) may not close the console" in box.informativeText()
    box.button(QMessageBox.StandardButton.Ok).click()
    assert window.isVisible()
    security.session.switch_user("lead", "converter-7")
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(_boxes(window)), timeout=3000)
    box = _boxes(window)[0]
    assert box.text() == "Close the Crucible console?"
    box.button(QMessageBox.StandardButton.No).click()  # "Keep running"
    qtbot.wait(50)
    assert window.isVisible()
    window.menus.request_quit()
    box = _boxes(window)[0]
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)


def test_print_current_display_to_pdf_with_plant_and_title(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinter

    QTest.keyClick(window, Qt.Key.Key_F7)  # the acid plant
    assert window.display_panel.current is not None and window.display_panel.current.id.endswith("ap")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    pdf = tmp_path / "display.pdf"
    printer.setOutputFileName(str(pdf))
    assert window.menus.print_display(printer)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Acid plant" in text and window.runtime.layout.name("en") in text
    assert "AP.BLOWER" in text or "blower" in text.lower()  # the display itself, not just the header


def test_export_current_display_png(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "overview.png"
    assert window.menus.export_display(path)
    image = QImage(str(path))
    assert image.width() >= 1600 and image.height() > 400
    assert str(path) in window.statusBar().currentMessage()


def test_help_menu_guide_shortcuts_and_about(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    guide = window.menus.show_user_guide()
    assert "Faceplates" in guide.browser.toPlainText() and "Ctrl+Q" in guide.browser.toPlainText()
    shortcuts = window.menus.show_shortcuts().shortcuts()
    assert shortcuts["F7"] == "Acid plant" and "Quit" in shortcuts["Ctrl+Q"] and "Print" in shortcuts["Ctrl+P"]
    about = window.menus.show_about()
    assert "Crucible" in about.browser.toPlainText() and window.runtime.layout.name("en") in about.browser.toPlainText()
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Help" in titles and "&File" in titles


def test_function_keys_work_while_typing_in_the_alarm_filter(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    panel = window.panels["alarm_list"]
    edit = panel.filter_edit  # type: ignore[attr-defined]
    edit.setFocus()
    QTest.keyClicks(edit, "SO2")
    QTest.keyClick(edit, Qt.Key.Key_F3)
    current = window.display_panel.current
    assert current is not None and current.key == "F3"
    assert edit.text() == "SO2"


def test_file_and_help_menus_in_chinese(window: MainWindow) -> None:
    try:
        window.set_language("zh_CN")
        titles = [a.text() for a in window.menuBar().actions()]
        assert "帮助(&H)" in titles and "文件(&F)" in titles, titles
        assert window.menus.print_action.text() == "打印当前画面(&P) ..."
        guide = window.menus.show_user_guide()
        assert "操作面板" in guide.browser.toPlainText()  # the Chinese guide, not the English one
    finally:
        window.set_language("en")
