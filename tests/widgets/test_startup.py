"""Start-up: the simulator starts while the operator logs in; a splash says so if it takes
longer, and a simulator that fails to start is explained in a message box, not a silent exit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QSplashScreen

from app.core.layout import PlantLayout
from app.main import _connect_simulator
from app.runtime import SimulatorProcess


def test_the_gui_waits_for_the_simulator_behind_a_splash(qtbot, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    simulator = SimulatorProcess(layout.folder)
    simulator.launch()  # returns at once: the child needs seconds to build its address space
    seen: list[str] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QSplashScreen) and widget.isVisible():
                seen.append(widget.message())

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(50)
    try:
        assert not simulator.endpoint
        assert _connect_simulator(layout, simulator)
        timer.stop()
        assert simulator.endpoint.startswith("opc.tcp://127.0.0.1:")
        assert layout.connections["sim"].endpoint == simulator.endpoint
        assert seen and seen[0] == "Starting the built-in copper-smelter simulator ..."
        assert not any(isinstance(w, QSplashScreen) and w.isVisible() for w in QApplication.topLevelWidgets())
    finally:
        simulator.stop()


def test_a_simulator_that_cannot_start_is_explained(qtbot, layout: PlantLayout, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    simulator = SimulatorProcess(tmp_path / "no_such_layout")
    simulator.launch()
    assert not _connect_simulator(layout, simulator)
    assert len(shown) == 1 and shown[0].startswith("The built-in simulator did not start: it exited with code")
    assert simulator.process is None  # nothing left running


def test_a_wayland_session_uses_xcb_for_the_3d_view_unless_a_platform_is_chosen() -> None:
    from app.main import prefer_xcb_on_wayland

    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert prefer_xcb_on_wayland(env) and env["QT_QPA_PLATFORM"] == "xcb"
    chosen = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}
    assert not prefer_xcb_on_wayland(chosen) and chosen["QT_QPA_PLATFORM"] == "wayland"
    no_xwayland = {"WAYLAND_DISPLAY": "wayland-0"}
    assert not prefer_xcb_on_wayland(no_xwayland) and "QT_QPA_PLATFORM" not in no_xwayland
