"""The main window against the simulator in its own process, as `crucible` runs it."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from app.core.layout import PlantLayout
from app.core.tags import Quality
from app.runtime import Runtime, replace_endpoint
from tests.widgets.conftest import wait_until
from widgets.main_window import MainWindow
from widgets.tag_browser_panel import COL_QUALITY, COL_TAG, COL_VALUE


def _row_text(panel, tag: str) -> dict[int, str]:  # type: ignore[no-untyped-def]
    proxy = panel.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, COL_TAG).data() == tag:
            return {c: proxy.index(row, c).data() for c in range(proxy.columnCount())}
    raise AssertionError(f"{tag} not shown")


def test_tag_browser_shows_live_values_from_the_simulator(qtbot, run_async, sim_process, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    replace_endpoint(layout, "sim", sim_process.endpoint)
    runtime = Runtime(layout)
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(runtime, settings=settings)
    qtbot.addWidget(window)
    panel = window.panels["tag_browser"]

    async def body() -> None:
        runtime.start()
        window.show()
        try:
            # Before the first value: "No data", not a made-up number.
            assert _row_text(panel, "SMF.T_PROC")[COL_VALUE] == ""
            assert await wait_until(lambda: _row_text(panel, "SMF.T_PROC")[COL_QUALITY] == "Good")
            first = _row_text(panel, "SMF.T_PROC")[COL_VALUE]
            assert 1000 <= float(first) <= 1500
            assert await wait_until(lambda: _row_text(panel, "SMF.T_PROC")[COL_VALUE] != first), "values change"
            assert await wait_until(lambda: "sim: connected" in window._link_labels["sim"].text())
            # Filter by area and text, as an operator would.
            panel.area_box.setCurrentIndex(panel.area_box.findData("TH"))
            panel.filter_edit.setText("c07 voltage")
            shown = {panel.proxy.index(r, COL_TAG).data() for r in range(panel.proxy.rowCount())}
            assert shown == {"TH.S1.C07.V", "TH.S2.C07.V"}
            assert 0 < float(_row_text(panel, "TH.S1.C07.V")[COL_VALUE]) < 0.6
        finally:
            await runtime.stop()

    run_async(body())
    assert all(v.quality is Quality.BAD for v in runtime.store.values.values())  # stopped: no longer live


def test_window_layout_is_saved_and_restored(qtbot, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Runtime(layout), settings=settings)
    qtbot.addWidget(window)
    window.show()
    dock = window.docks["tag_browser"]
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    window.close()
    again = MainWindow(Runtime(layout), settings=settings)
    qtbot.addWidget(again)
    again.show()
    assert again.dockWidgetArea(again.docks["tag_browser"]) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_a_saved_layout_wider_than_the_screen_falls_back_to_the_default(qtbot, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Panels saved side by side on a wide (or second) monitor must not push the window off
    this screen: the operator gets the default layout (panels as tabs) instead."""
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Runtime(layout), settings=settings)
    qtbot.addWidget(window)
    window.show()
    docks = [d for d in window.docks.values()]
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, docks[0])
    for previous, dock in zip(docks, docks[1:], strict=False):
        dock.show()
        window.splitDockWidget(previous, dock, Qt.Orientation.Horizontal)  # all side by side
    screen_width = window.screen().availableGeometry().width()
    assert window.minimumSizeHint().width() > screen_width  # the trap: wider than the screen
    window.close()
    again = MainWindow(Runtime(layout), settings=settings)
    qtbot.addWidget(again)
    again.show()
    assert again.minimumSizeHint().width() <= screen_width
    assert again.tabifiedDockWidgets(again.docks["alarm_list"])  # the default: other panels are tabs


def test_equipment_locked_out_for_work_shows_oos_on_the_displays(qtbot, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.core.events import Signal
    from widgets.symbols import EquipmentItem

    class Ledger:
        equipment = {"WT.P2": object()}

        def tags_of(self, eq_id: str, tags: object = None) -> list[str]:
            return ["WT.P2.STATE", "WT.P2.CMD"] if eq_id == "WT.P2" else []

    class Maintenance:  # what the maintenance service offers the displays
        def __init__(self) -> None:
            self.locked: dict[str, dict[str, str]] = {}
            self.ledger = Ledger()
            self.lockouts_changed: Signal[[set[str]]] = Signal(fires_on="any")

    runtime = Runtime(layout)
    service = Maintenance()
    runtime.services["maintenance"] = service
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.display_panel.show_display("overview")
    scene = window.display_panel.scene
    assert scene is not None
    pump = next(i for i in scene.items_for("WT.P2.STATE") if isinstance(i, EquipmentItem))
    assert window.display_panel.unit_badge(pump.element) == ("", "")
    service.locked["WT.P2"] = {"by": "fitter", "reason": "replace mechanical seal"}
    service.lockouts_changed.emit({"WT.P2"})
    assert window.display_panel.unit_badge(pump.element) == ("OOS", "Locked out for work by fitter: replace mechanical seal")
    assert pump.shown()[-1][0] == "OOS"  # repainted with the badge; other pumps stay plain
    other = next(i for i in scene.items_for("WT.P1.STATE") if isinstance(i, EquipmentItem))
    assert window.display_panel.unit_badge(other.element) == ("", "")
