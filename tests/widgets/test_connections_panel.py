"""The Connections panel shows a link going down and coming back (real Modbus server)."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QSettings

from app.core.store import TagStore
from app.io.modbus import ModbusDriver
from app.runtime import Runtime
from tests.io.modbus_server import ModbusTestServer
from tests.io.test_modbus_driver import tag
from tests.widgets.conftest import wait_until
from widgets.connections_panel import (
    COL_BAD,
    COL_ERROR,
    COL_LATENCY,
    COL_NAME,
    COL_RECONNECTS,
    COL_STATE,
    ConnectionsPanel,
)
from widgets.main_window import MainWindow


def test_panel_shows_a_link_going_down_and_recovering(qtbot, run_async) -> None:  # type: ignore[no-untyped-def]
    server = ModbusTestServer()
    tags = [tag("P.A", "modbus://rect/hr/1"), tag("P.B", "modbus://rect/hr/2")]
    store = TagStore(tags)
    driver = ModbusDriver("rect", "127.0.0.1", server.port, store, tags, {"poll_ms": 200, "timeout_s": 0.5})
    panel = ConnectionsPanel([driver.health], refresh_ms=100)
    qtbot.addWidget(panel)
    panel.show()

    async def body() -> None:
        await server.start()
        task = asyncio.create_task(driver.run())
        try:
            assert await wait_until(lambda: panel.text(0, COL_STATE) == "connected")
            assert panel.text(0, COL_NAME) == "rect" and panel.text(0, COL_BAD) == "0 / 2"
            assert float(panel.text(0, COL_LATENCY)) > 0
            await server.stop()
            assert await wait_until(lambda: panel.text(0, COL_STATE) in ("DOWN", "connecting") and panel.text(0, COL_BAD) == "2 / 2", 10)
            assert await wait_until(lambda: panel.text(0, COL_STATE) == "DOWN", 10)
            assert f"127.0.0.1:{server.port}" in panel.text(0, COL_ERROR)
            await server.start()
            assert await wait_until(lambda: panel.text(0, COL_STATE) == "connected" and panel.text(0, COL_BAD) == "0 / 2", 15)
            assert int(panel.text(0, COL_RECONNECTS)) >= 1
        finally:
            await driver.stop()
            await task
            await server.stop()

    run_async(body())
    assert panel.text(0, COL_STATE) == "stopped"


def test_main_window_has_the_connections_panel(qtbot, layout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Runtime(layout), settings=settings)
    qtbot.addWidget(window)
    panel = window.panels["connections"]
    assert panel.text(0, COL_NAME) == "sim" and panel.text(0, COL_STATE) == "connecting"
    assert window.docks["connections"].windowTitle() == "Connections"
