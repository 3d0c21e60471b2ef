"""A confirmed write must not stop the HMI's other asyncio work (issue 12, section 1).

Under qasync a modal ``exec()`` inside a coroutine runs a nested Qt loop while that coroutine
is still asyncio's "current task"; the other tasks' wake-ups are refused ("Cannot enter into
task ... while another task is being executed") and they never run again: live values
freeze, the stale watcher and the alarm timers stop. These tests drive the real faceplate
with its DEFAULT dialogs (no injected hooks), a real simulator process and the real driver,
answer the dialog as an operator would (a click on its button) and then check that a ticking
task, the driver and the alarm engine all keep going.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget

from app.core.layout import PlantLayout
from app.runtime import Runtime, replace_endpoint
from app.security.context import Security
from tests.widgets.conftest import wait_until
from widgets.faceplate import Faceplate
from widgets.main_window import MainWindow
from widgets.signature_dialog import SignatureDialog
from widgets.store_bridge import StoreBridge


def _answer_when_shown(kind: type[QWidget], answer: Callable[[QWidget], None], seen: list[str]) -> None:
    """Poll (as a Qt timer, like a person looking at the screen) for a visible ``kind``
    dialog, then answer it."""

    def look() -> None:
        dialog = next((w for w in QApplication.allWidgets() if isinstance(w, kind) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(50, look)
            return
        seen.append(dialog.windowTitle())
        answer(dialog)

    QTimer.singleShot(100, look)


class _Liveness:
    """Counts what keeps the HMI alive: a 10 ms ticker, store batches, alarm-engine ticks."""

    def __init__(self, runtime: Runtime) -> None:
        self.ticks = 0
        self.batches = 0
        self.alarm_ticks = 0
        runtime.store.batch_applied.connect(self._on_batch)
        engine_tick = runtime.alarms.tick

        def counted_tick() -> None:
            self.alarm_ticks += 1
            engine_tick()

        runtime.alarms.tick = counted_tick  # type: ignore[method-assign]
        self.task: asyncio.Future[None] | None = None

    def _on_batch(self, _batch: object) -> None:
        self.batches += 1

    async def _tick(self) -> None:
        while True:
            self.ticks += 1
            await asyncio.sleep(0.01)

    def start(self) -> None:
        self.task = asyncio.ensure_future(self._tick())

    def snapshot(self) -> tuple[int, int, int]:
        return self.ticks, self.batches, self.alarm_ticks

    async def assert_still_alive(self, seconds: float = 2.0) -> None:
        ticks, batches, alarm_ticks = self.snapshot()
        await asyncio.sleep(seconds)
        assert self.task is not None and not self.task.done()
        assert self.ticks - ticks >= 20, f"a 10 ms task ticked {self.ticks - ticks} times in {seconds} s"
        assert self.batches > batches, "the driver delivered nothing after the write"
        assert self.alarm_ticks - alarm_ticks >= 2, "the alarm engine stopped ticking"


@pytest.fixture
def live_runtime(layout: PlantLayout, sim_process) -> Runtime:  # type: ignore[no-untyped-def]
    replace_endpoint(layout, "sim", sim_process.endpoint)
    return Runtime(layout)


def test_confirmed_write_with_the_default_dialog_keeps_every_task_running(qtbot, run_async, live_runtime: Runtime) -> None:  # type: ignore[no-untyped-def]
    runtime = live_runtime
    layout = runtime.layout
    bridge = StoreBridge(runtime.store)
    live = _Liveness(runtime)
    tag = layout.tags["PSC1.BLAST_SP"]
    seen: list[str] = []

    async def body() -> None:
        runtime.start()
        live.start()
        try:
            assert await wait_until(lambda: (v := runtime.store.get(tag.name)) is not None and v.is_good)
            faceplate = Faceplate(layout, "PSC1", bridge, runtime.write_path.write, user="op1", console="cr1")
            qtbot.addWidget(faceplate)
            faceplate.show()
            target = 38000.0 if runtime.store.get(tag.name).value != 38000.0 else 37000.0  # type: ignore[union-attr]
            _answer_when_shown(QMessageBox, lambda box: box.button(QMessageBox.StandardButton.Yes).click(), seen)  # type: ignore[attr-defined]
            faceplate.start_write(tag, target)  # what Change… does once the setpoint is typed
            assert await wait_until(lambda: faceplate.result_label.text().startswith(("Done", "Not done")))
            assert seen == ["Confirm change"]
            assert faceplate.result_label.text() == f"Done: PSC1.BLAST_SP = {target:g} Nm³/h (confirmed by read-back)"
            await live.assert_still_alive()
            # The value the faceplate said was written is what the plant now delivers.
            assert await wait_until(lambda: runtime.store.get(tag.name).value == target, timeout=5)  # type: ignore[union-attr]
            faceplate.close_faceplate()
        finally:
            if live.task is not None:
                live.task.cancel()
            await runtime.stop()
            bridge.close()

    run_async(body())


def test_two_person_signature_dialog_keeps_every_task_running(qtbot, run_async, live_runtime: Runtime, security: Security, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = live_runtime
    runtime.attach_security(security.session)
    security.session.login("op1", "furnace-42")
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat), security=security)
    qtbot.addWidget(window)
    live = _Liveness(runtime)
    tag = runtime.layout.tags["SMF.O2_ENR_SP"]
    assert tag.critical
    seen: list[str] = []

    def sign(dialog: QWidget) -> None:
        assert isinstance(dialog, SignatureDialog)
        dialog.password_field.setText("furnace-42")
        dialog.second_user_field.setText("lead")
        dialog.second_password_field.setText("converter-7")
        dialog.reason_field.setText("raise matte grade per shift plan")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    async def body() -> None:
        runtime.start()
        live.start()
        window.show()
        try:
            assert await wait_until(lambda: (v := runtime.store.get(tag.name)) is not None and v.is_good)
            faceplate = window.open_faceplate("SMF").faceplate
            target = 70.0 if runtime.store.get(tag.name).value != 70.0 else 68.0  # type: ignore[union-attr]
            _answer_when_shown(SignatureDialog, sign, seen)
            faceplate.start_write(tag, target)
            assert await wait_until(lambda: faceplate.result_label.text().startswith(("Done", "Not done")))
            assert seen == ["Crucible - critical change"]
            assert faceplate.result_label.text().startswith("Done: SMF.O2_ENR_SP"), faceplate.result_label.text()
            record = next(e for e in security.audit.entries(limit=10) if e.event_type == "setpoint_write")
            assert (record.user, record.second_user) == ("op1", "lead")
            await live.assert_still_alive()
        finally:
            if live.task is not None:
                live.task.cancel()
            await runtime.stop()

    run_async(body())
    window.close()  # after the loop: closing the last window would stop it


def test_a_stopped_background_task_is_told_in_the_status_bar_and_raises_the_alarm(qtbot, run_async, layout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = Runtime(layout)
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)

    async def broken() -> None:
        raise OSError("spool folder is read-only")

    resume = asyncio.Event()

    async def stuck_then_fine() -> None:
        await resume.wait()
        while True:
            runtime.supervisor.beat("energy rollup")
            await asyncio.sleep(0.05)

    async def body() -> None:
        runtime.supervisor.spawn("energy rollup", stuck_then_fine, expected_period_s=0.5)
        assert await wait_until(lambda: "energy rollup" in runtime.supervisor.problems, timeout=5)
        label = window._supervisor_label
        assert label.text().startswith("Background work: energy rollup has made no progress for")
        resume.set()  # it gets going again: the message goes
        assert await wait_until(lambda: label.isHidden(), timeout=5)
        runtime.supervisor.spawn("shift report export", broken, restart=False)
        assert await wait_until(lambda: bool(runtime.supervisor.problems), timeout=5)
        runtime.alarms.tick()
        await runtime.supervisor.wait(0.1)

    run_async(body())
    label = window._supervisor_label
    assert not label.isHidden() and label.text() == (
        "Background work: shift report export stopped (OSError: spool folder is read-only); it is not restarted on its own")
    assert runtime.store.get("HMI.TASK_PROBLEMS").value == 1  # type: ignore[union-attr]
    assert any(r.definition.tag == "HMI.TASK_PROBLEMS" for r in runtime.alarms.visible())
    window.close()
