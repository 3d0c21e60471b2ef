"""End to end, as an operator uses the console: the GUI's own composition (app.main.build_window,
default confirm and signature hooks), the real simulator child, a real SQLite database in a
temporary CRUCIBLE_DATA_DIR, driven with QTest.

After every step the test asserts that the plant is still alive on the screen: live values
keep arriving, the alarm engine keeps ticking and the history keeps growing. That is what a
modal dialog inside an asyncio task breaks (the freeze after a faceplate write), and what the
widget tests with injected lambda hooks could never see.

The steps are driven from a Qt timer, not from an asyncio task: a frozen asyncio loop must
make a step fail (with the step's name), not hang the test.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import time
import traceback
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget

from app.core.layout import DEFAULT_LAYOUT, PlantLayout, load_layout
from app.core.settings import load_settings
from app.main import _connect_simulator, _open_historian, build_window, stop_runtime
from app.runtime import SimulatorProcess
from app.security.context import Security, build_security
from widgets.faceplate import SetpointDialog
from widgets.i18n import Translations
from widgets.login_dialog import LoginDialog
from widgets.main_window import MainWindow

STEP_TIMEOUT_S = 25.0
ALIVE_TIMEOUT_S = 20.0


@dataclass
class Wait:
    """What a step waits for: ``until()`` true within ``timeout_s``, else the step fails saying ``what``."""

    until: Callable[[], bool]
    what: str
    timeout_s: float = STEP_TIMEOUT_S


Step = Generator[Wait, None, None]


@dataclass
class Console:
    """The running console and what the test watches."""

    window: MainWindow
    security: Security
    layout: PlantLayout
    db_file: Path
    updates: int = 0  # live values delivered to the screen (tags, summed over bridge batches)
    ticks: int = 0  # alarm engine ticks
    results: dict[str, str] = field(default_factory=dict)  # step -> "ok" or why it failed
    boot: Callable[[], None] | None = None  # starts the runtime once the loop runs (as app.main)

    @property
    def runtime(self):  # type: ignore[no-untyped-def]
        return self.window.runtime

    def written(self) -> int:
        historian = self.runtime.historian
        return historian.status.written_samples if historian is not None else 0

    def alive(self, step: str) -> Step:
        """Live values keep arriving, the alarm engine keeps ticking, history keeps growing."""
        updates, ticks, written = self.updates, self.ticks, self.written()
        yield Wait(lambda: self.updates > updates + 20, f"{step}: live values stopped arriving", ALIVE_TIMEOUT_S)
        yield Wait(lambda: self.ticks > ticks + 3, f"{step}: the alarm engine stopped ticking", ALIVE_TIMEOUT_S)
        yield Wait(lambda: self.written() > written, f"{step}: the history stopped growing", ALIVE_TIMEOUT_S)


def modal(kind: type[QWidget]) -> QWidget | None:
    """The visible dialog of type ``kind`` (modal or window-modal), if any."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, kind) and widget.isVisible():
            return widget
    return None


def later(action: Callable[[], object]) -> None:
    """Do ``action`` from the Qt event loop (a click that opens a modal dialog must not run
    inside the step: exec() would not return until the dialog closes)."""
    QTimer.singleShot(0, action)


def run_steps(console: Console, steps: list[tuple[str, Callable[[Console], Step]]], loop: asyncio.AbstractEventLoop) -> None:
    """Drive ``steps`` from a 50 ms Qt timer until all ran (or one failed), the loop running."""
    queue = list(steps)
    state: dict[str, object] = {"gen": None, "name": "", "wait": None, "since": 0.0}

    finished: asyncio.Future[None] = loop.create_future()

    def finish() -> None:
        timer.stop()
        if not finished.done():
            finished.set_result(None)  # ends run_until_complete by a plain callback, even if a task hangs

    def fail(why: str) -> None:
        console.results[str(state["name"])] = why
        queue.clear()
        state["gen"] = None
        finish()

    def advance() -> None:
        gen = state["gen"]
        assert isinstance(gen, Generator)
        try:
            state["wait"] = next(gen)
            state["since"] = time.monotonic()
        except StopIteration:
            console.results[str(state["name"])] = "ok"
            state["gen"] = None

    def on_timeout() -> None:
        try:
            if state["gen"] is None:
                if not queue:
                    finish()
                    return
                name, step = queue.pop(0)
                state["name"], state["gen"] = name, step(console)
                advance()
                return
            wait = state["wait"]
            assert isinstance(wait, Wait)
            if wait.until():
                advance()
            elif time.monotonic() - float(state["since"]) > wait.timeout_s:  # type: ignore[arg-type]
                fail(wait.what)
        except Exception:  # an assertion in a step: the step failed, with its traceback
            fail(traceback.format_exc(limit=4))

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(on_timeout)
    timer.start()
    state["timer"] = timer
    if console.boot is not None:  # scheduled here: nothing may run it before the loop does
        loop.call_soon(console.boot)
        console.boot = None
    loop.run_until_complete(finished)
    timer.stop()


# --- the steps ----------------------------------------------------------------------------------
def step_connected(c: Console) -> Step:
    yield Wait(lambda: all(h.state.name == "CONNECTED" for h in c.runtime.health), "the console never connected")
    yield from c.alive("after start")


def step_function_keys(c: Console) -> Step:
    panel = c.window.display_panel
    for key, fkey in ((Qt.Key.Key_F7, "F7"), (Qt.Key.Key_F4, "F4"), (Qt.Key.Key_F1, "F1")):
        QTest.keyClick(c.window, key)
        assert panel.current is not None and panel.current.key == fkey, (fkey, panel.current)
    edit = c.window.panels["alarm_list"].filter_edit  # type: ignore[attr-defined]
    edit.setFocus()
    QTest.keyClick(edit, Qt.Key.Key_F3)  # also while typing in the alarm filter
    assert panel.current is not None and panel.current.key == "F3"
    yield from c.alive("F-keys")


def step_faceplate(c: Console) -> Step:
    """Click the flash furnace on its display: its faceplate opens with live values."""
    QTest.keyClick(c.window, Qt.Key.Key_F3)
    c.window.display_panel.sig_faceplate_requested.emit("SMF")  # what a click on the furnace symbol emits
    window = c.window.faceplates["SMF"]
    field = {n: label for n, label in window.faceplate._value_labels.items()  # measured in the field (not calc://)
             if c.layout.tags[n].address.startswith(("opcua://", "modbus://"))}
    assert len(field) > 5
    yield Wait(lambda: all(label.text() and "no data" not in label.text() for label in field.values()),
               "the furnace faceplate shows no data")
    yield from c.alive("faceplate open")


def step_blower_faceplate(c: Console) -> Step:
    window = c.window.open_faceplate("AP.BLOWER")
    yield Wait(lambda: "RUNNING" in window.faceplate._value_labels["AP.BLOWER.STATE"].text().upper(),
               "the blower faceplate shows no state")
    yield from c.alive("blower faceplate open")


def _confirm(c: Console, what: str) -> Step:
    """The real confirmation box (plain_confirm): read for two seconds, as a person does, then Yes."""
    yield Wait(lambda: modal(QMessageBox) is not None, f"{what}: no confirmation appeared")
    shown = time.monotonic()
    yield Wait(lambda: time.monotonic() - shown >= 2.0, "")  # the plant must keep running meanwhile
    box = modal(QMessageBox)
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()


def step_setpoint(c: Console) -> Step:
    faceplate = c.window.faceplates["AP.BLOWER"].faceplate
    button = faceplate.setpoint_buttons["AP.BLOWER.SPEED_SP"]
    assert button.isEnabled(), button.toolTip()
    later(button.click)
    yield Wait(lambda: modal(SetpointDialog) is not None, "the setpoint dialog did not open")
    dialog = modal(SetpointDialog)
    assert isinstance(dialog, SetpointDialog)
    dialog.edit.selectAll()
    QTest.keyClicks(dialog.edit, "4300")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    yield from _confirm(c, "setpoint")
    store = c.runtime.store
    yield Wait(lambda: abs(float(store.get("AP.BLOWER.SPEED_SP").value) - 4300.0) < 1.0,
               "the new setpoint never reached the plant")
    yield Wait(lambda: "Done" in faceplate.result_label.text(), "the faceplate never showed the read-back")
    yield from c.alive("setpoint change")


def step_manual_auto(c: Console) -> Step:
    faceplate = c.window.faceplates["AP.BLOWER"].faceplate
    for button, mode in ((faceplate.manual_button, "MANUAL"), (faceplate.auto_button, "AUTO")):
        yield Wait(button.isEnabled, f"{mode}: the button stayed disabled")
        later(button.click)
        yield from _confirm(c, mode)
        yield Wait(lambda m=mode: faceplate.mode() == m, f"the blower never went to {mode}")
        yield from c.alive(f"switch to {mode}")


def step_pump_start(c: Console) -> Step:
    window = c.window.open_faceplate("WT.P2")
    faceplate = window.faceplate
    start = faceplate.start_buttons["WT.P2.CMD"]  # the standby cooling-water pump
    later(start.click)
    yield from _confirm(c, "pump start")
    yield Wait(lambda: c.runtime.store.get("WT.P2.STATE").value == 1, "the standby pump never ran")
    yield from c.alive("pump start")


def step_ack_shelve(c: Console) -> Step:
    from widgets.alarm_list_panel import ShelveDialog

    panel = c.window.panels["alarm_list"]
    c.window.docks["alarm_list"].raise_()
    panel.state_box.setCurrentIndex(0)  # type: ignore[attr-defined]
    yield Wait(lambda: panel.proxy.rowCount() >= 2, "no alarms to acknowledge", 60.0)  # type: ignore[attr-defined]
    panel.table.selectRow(0)  # type: ignore[attr-defined]
    first = panel.proxy.record(0)  # type: ignore[attr-defined]
    QTest.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert first.acked_by == "lead", first
    yield from c.alive("acknowledge")
    panel.table.selectRow(0)  # type: ignore[attr-defined]
    target = panel.proxy.record(0)  # type: ignore[attr-defined]
    later(lambda: QTest.mouseClick(panel.shelve_button, Qt.MouseButton.LeftButton))  # type: ignore[attr-defined]
    yield Wait(lambda: modal(ShelveDialog) is not None, "the shelve dialog did not open")
    dialog = modal(ShelveDialog)
    assert isinstance(dialog, ShelveDialog)
    QTest.keyClicks(dialog.reason, "transmitter check")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    yield Wait(lambda: target.shelve is not None, "the alarm was not shelved")
    assert target.shelved_by == "lead" and target.shelve_until is not None
    yield from c.alive("shelve")


def step_trend(c: Console) -> Step:
    trend = c.window.trend
    assert trend.add_pen("AP.BLOWER.SPEED")
    c.window.docks["trend"].raise_()
    yield Wait(lambda: len(trend.pens["AP.BLOWER.SPEED"].data()[0]) > 3, "the trend stayed empty")
    yield from c.alive("trend")


def step_lock_unlock(c: Console) -> Step:
    ui = c.window.security_ui
    assert ui is not None
    ui.lock_action.trigger()
    yield Wait(lambda: ui.dialog is not None and ui.dialog.isVisible(), "the lock dialog did not appear")
    yield from c.alive("console locked")  # values keep updating behind the lock
    dialog = ui.dialog
    assert isinstance(dialog, LoginDialog)
    QTest.keyClicks(dialog.password_field, "converter-7")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    yield Wait(lambda: not c.security.session.locked, "the console did not unlock")
    yield from c.alive("unlocked")


def step_language(c: Console) -> Step:
    menu_action = c.window.language_actions["zh_CN"]
    menu_action.trigger()
    assert c.window.menuBar().actions()[0].text().startswith("文件"), c.window.menuBar().actions()[0].text()
    yield from c.alive("Chinese")
    c.window.language_actions["en"].trigger()
    assert c.window.menuBar().actions()[0].text() == "&File"
    yield from c.alive("English")


READ_ONLY_STEPS = [
    ("connected", step_connected), ("function keys", step_function_keys), ("faceplate", step_faceplate),
    ("acknowledge and shelve", step_ack_shelve), ("trend", step_trend), ("lock and unlock", step_lock_unlock),
    ("language", step_language),
]
WRITE_STEPS = [
    ("connected", step_connected), ("faceplate", step_blower_faceplate), ("setpoint", step_setpoint),
    ("manual and auto", step_manual_auto), ("pump start", step_pump_start),
]


# --- the console --------------------------------------------------------------------------------
class ScenarioSimulator(SimulatorProcess):
    """The real simulator child, running one of its own fault scenarios after a delay."""

    def __init__(self, layout_folder: Path, scenario: str | None, **kw: object) -> None:
        super().__init__(layout_folder, **kw)  # type: ignore[arg-type]
        self.scenario = scenario

    def command(self) -> list[str]:
        extra = ["--scenario", self.scenario, "--scenario-delay", "3"] if self.scenario else []
        return super().command() + extra


@pytest.fixture
def console(qapp, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Console, asyncio.AbstractEventLoop]]:  # type: ignore[no-untyped-def]
    import qasync

    monkeypatch.setenv("CRUCIBLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")  # cheap hashing: a test-only setting
    for name in ("CRUCIBLE_DB_URL", "CRUCIBLE_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    layout = load_layout(DEFAULT_LAYOUT)  # its own copy: the simulator's endpoint goes into it
    settings = load_settings()
    assert not settings.db_url and str(settings.default_sqlite_path).startswith(str(tmp_path))
    security = build_security(settings, definitions=layout.tags)
    security.users.add_user("lead", "converter-7", ["shift_lead"])

    # log in through the real dialog, typed as a user does
    login = LoginDialog(security.session)
    login.open()
    QTest.keyClicks(login.user_field, "lead")
    QTest.keyClicks(login.password_field, "converter-7")
    QTest.mouseClick(login.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert security.session.username == "lead" and not login.isVisible()

    marker = request.node.get_closest_marker("sim_scenario")
    simulator = ScenarioSimulator(layout.folder, marker.args[0] if marker else None, seed=3, time_scale=10.0)
    simulator.launch()
    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    window: MainWindow | None = None
    try:
        assert _connect_simulator(layout, simulator)
        args = argparse.Namespace(db=None, endpoint=None, no_sim=False, language="en", layout=None)
        historian = _open_historian(args, settings, layout)
        assert historian is not None
        runtime, window = build_window(layout, args, settings, security, historian, "en", Translations(qapp))
        c = Console(window, security, layout, settings.default_sqlite_path)

        def count(changes: dict[str, object]) -> None:
            c.updates += len(changes)

        window.bridge.sig_tags_changed.connect(count)
        engine_tick = runtime.alarms.tick

        def tick() -> None:
            c.ticks += 1
            engine_tick()

        runtime.alarms.tick = tick  # type: ignore[method-assign]
        c.boot = runtime.start
        window.show()
        yield c, loop
    finally:
        for widget in QApplication.topLevelWidgets():  # a dialog left open by a failed step
            if isinstance(widget, QMessageBox | SetpointDialog) and widget.isVisible():
                widget.reject()
        if window is not None:
            window.close()
            stopper = QTimer()  # a wedged loop must not hang the test's teardown either
            stopper.setSingleShot(True)
            stopper.timeout.connect(loop.stop)
            stopper.start(40_000)
            try:
                loop.run_until_complete(stop_runtime(window.runtime, 20.0))
            except RuntimeError:
                pass
            stopper.stop()
        security.close()
        simulator.stop()
        loop.close()
        asyncio.set_event_loop(None)


def _history_rows(db_file: Path) -> int:
    with sqlite3.connect(db_file) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        table = next(t for t in tables if "raw" in t or "sample" in t)
        return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


@pytest.mark.sim_scenario("blower-trip")  # alarms to acknowledge and shelve
def test_operator_shift_without_writes_keeps_the_plant_live(console: tuple[Console, asyncio.AbstractEventLoop]) -> None:
    c, loop = console
    run_steps(c, READ_ONLY_STEPS, loop)
    assert c.results == {name: "ok" for name, _ in READ_ONLY_STEPS}, c.results
    assert _history_rows(c.db_file) > 0
    entries = [(e.event_type, e.user) for e in c.security.audit.entries(limit=50)]
    assert ("shelve", "lead") in entries and ("session_unlock", "lead") in entries


def test_faceplate_writes_through_the_real_dialogs_keep_the_plant_live(console: tuple[Console, asyncio.AbstractEventLoop]) -> None:
    c, loop = console
    run_steps(c, WRITE_STEPS, loop)
    assert c.results == {name: "ok" for name, _ in WRITE_STEPS}, c.results
    entries = [(e.event_type, e.user, e.target) for e in c.security.audit.entries(limit=50)]
    assert any(t == "AP.BLOWER.SPEED_SP" and u == "lead" for _, u, t in entries), entries
