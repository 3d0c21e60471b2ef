"""The 3D view drawing for real: run by test_plant3d_panel.py under Xvfb with QT_QPA_PLATFORM=xcb.

Not named test_*.py: the offscreen platform of the main test run cannot compile VTK's shaders,
so these checks only make sense in their own process on an X display with Mesa.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.tags import utcnow
from app.plant3d.local import LocalPlant
from widgets.panel import PanelContext
from widgets.plant3d_panel import ALARM_RGB, DANGER_RGB, Plant3DPanel
from widgets.store_bridge import StoreBridge


@pytest.fixture(scope="module")
def plant_layout():  # type: ignore[no-untyped-def]
    from app.core.layout import load_layout

    return load_layout()


@pytest.fixture
def view(qtbot, plant_layout):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.platformName() == "xcb", "run under Xvfb with QT_QPA_PLATFORM=xcb"
    now = [utcnow()]
    plant = LocalPlant(plant_layout, clock=lambda: now[0])
    plant.step(1.0, everything=True)
    plant.now = now  # type: ignore[attr-defined]
    bridge = StoreBridge(plant.store)
    opened: list[str] = []
    ctx = PanelContext(runtime=plant, bridge=bridge, open_faceplate=opened.append)  # type: ignore[arg-type]
    panel = Plant3DPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.problem == ""
    qtbot.waitUntil(lambda: panel.ready, timeout=60000)
    panel.plant = plant  # type: ignore[attr-defined]
    panel.opened = opened  # type: ignore[attr-defined]
    panel.bridge = bridge  # type: ignore[attr-defined]
    yield panel
    panel.close_view()
    bridge.close()


def _pixel(panel: Plant3DPanel, x: int, y: int) -> tuple[int, int, int]:
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

    panel.render_view()
    grab = vtkWindowToImageFilter()
    grab.SetInput(panel._vtk.GetRenderWindow())
    grab.ReadFrontBufferOff()
    grab.Update()
    image = grab.GetOutput()
    w, h, _ = image.GetDimensions()
    pixels = vtk_to_numpy(image.GetPointData().GetScalars()).reshape(h, w, -1)
    return tuple(int(v) for v in pixels[y, x, :3])  # type: ignore[return-value]


def test_the_plant_is_drawn_as_a_few_draw_calls(view) -> None:  # type: ignore[no-untyped-def]
    actors = view.renderer.GetActors()
    actors.InitTraversal()
    drawn = [a for a in (actors.GetNextActor() for _ in range(actors.GetNumberOfItems())) if a.GetVisibility()]
    assert len(drawn) < 25  # buildings + equipment merged; moving parts; zones; people (a zone's volume only in danger)
    assert view.meshes.triangles > 10000
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

    grab = vtkWindowToImageFilter()
    grab.SetInput(view._vtk.GetRenderWindow())
    grab.Update()
    pixels = vtk_to_numpy(grab.GetOutput().GetPointData().GetScalars())
    assert pixels.std() > 10  # a picture, not a blank window


def test_picking_at_converter_2_returns_converter_2_and_a_click_opens_its_faceplate(view) -> None:  # type: ignore[no-untyped-def]
    for n, x in ((1, 110.0), (2, 118.0)):  # cranes parked beyond converter 3, hooks empty
        view.plant.set(f"PSC.CRANE{n}.X", x)
        view.plant.set(f"PSC.CRANE{n}.LOAD", 0.0)
    view.bridge.flush()
    view.set_view("PSC", animate=False)
    for eq in ("PSC1", "PSC2", "PSC3"):
        x, y = view.display_position(eq)
        assert view.pick(x, y) == eq
    x, y = view.display_position("PSC2")
    assert view.click(x, y) == "PSC2"
    assert view.opened == ["PSC2"]
    # the ladle on crane 1's hook, moved into the aisle, picks as crane 1
    view.plant.set("PSC.CRANE1.X", 40.0)
    view.plant.set("PSC.CRANE1.Y", 10.0)
    view.plant.set("PSC.CRANE1.LOAD", 55.0)
    view.bridge.flush()
    from vtkmodules.vtkRenderingCore import vtkCoordinate

    coord = vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    coord.SetValue(100.0 + 40.0, 40.0 + 10.0, 5.0 + 2.0)  # the aisle's origin + X/Y, the ladle's middle
    x, y = coord.GetComputedDisplayValue(view.renderer)
    assert view.pick(x, y) == "PSC.CRANE1"


def test_a_value_change_moves_the_right_crane_and_tilts_the_right_converter(view) -> None:  # type: ignore[no-untyped-def]
    plant = view.plant
    plant.set("PSC.CRANE1.X", 20.0)
    plant.set("PSC.CRANE2.X", 100.0)
    plant.set("PSC2.TILT", 0.0)
    view.bridge.flush()
    crane1 = view._moving[view.scene.equipment.index(view.scene.equipment_by_id("PSC.CRANE1"))]
    crane2 = view._moving[view.scene.equipment.index(view.scene.equipment_by_id("PSC.CRANE2"))]
    before2 = crane2["bridge"][1].GetPosition()
    assert crane1["bridge"][1].GetPosition()[0] == pytest.approx(100.0 + 20.0)
    plant.set("PSC.CRANE1.X", 85.0)
    plant.set("PSC.CRANE1.LOAD", 55.0)
    plant.set("PSC2.TILT", 75.0)
    view.bridge.flush()
    assert crane1["bridge"][1].GetPosition()[0] == pytest.approx(100.0 + 85.0)
    assert crane2["bridge"][1].GetPosition() == before2
    assert crane1["load"][0].GetVisibility()  # the ladle hangs on the hook
    drum = view._moving[view.scene.equipment.index(view.scene.equipment_by_id("PSC2"))]["drum"][1]
    assert drum.GetOrientation()[0] == pytest.approx(75.0)
    drum1 = view._moving[view.scene.equipment.index(view.scene.equipment_by_id("PSC1"))]["drum"][1]
    assert drum1.GetOrientation()[0] != pytest.approx(75.0) or plant.store.values["PSC1.TILT"].value == 75.0
    # the tankhouse crane carries its rack of anodes/cathodes while its hook load says so
    th_crane = view._moving[view.scene.equipment.index(view.scene.equipment_by_id("TH.CRANE"))]
    plant.set("TH.CRANE.X", 60.0)
    plant.set("TH.CRANE.LOAD", 12.0)
    view.bridge.flush()
    assert th_crane["load"][0].GetVisibility()
    assert th_crane["load"][1].GetPosition()[0] == pytest.approx(th_crane["bridge"][1].GetPosition()[0])
    assert "Tankhouse crane hook load: 12" in view.hover_text("TH.CRANE")
    plant.set("TH.CRANE.LOAD", 0.0)
    view.bridge.flush()
    assert not th_crane["load"][0].GetVisibility()


def test_an_alarm_colours_its_equipment_on_screen(view) -> None:  # type: ignore[no-untyped-def]
    plant = view.plant
    plant.set("PSC.CRANE1.X", 5.0)  # both cranes at the far end of the aisle, out of the line of sight
    plant.set("PSC.CRANE2.X", 0.0)
    view.bridge.flush()
    view.set_view("PSC", animate=False)
    view.show_unit("PSC2", animate=False)
    x, y = view.display_position("PSC2")
    r, g, b = _pixel(view, x, y)
    assert not (r > 180 and b < 80)  # grey before
    plant.set("PSC2.BLOWER.STATE", plant.layout.tags["PSC2.BLOWER.STATE"].states.index("FAULT"))
    plant.now[0] += timedelta(seconds=5)
    plant.alarms.tick()
    view.bridge.flush()
    assert view.equipment_colour("PSC2") == ALARM_RGB[2]
    assert view.equipment_colour("PSC1") != ALARM_RGB[2]
    r, g, b = _pixel(view, x, y)
    assert r > 120 and r > b + 60 and g > b  # orange (shaded) where converter 2 is drawn
    assert "In alarm: high" in view.hover_text("PSC2")


def test_an_occupied_unsafe_zone_turns_red_and_is_alarmed(view) -> None:  # type: ignore[no-untyped-def]
    plant = view.plant
    plant.set("HSE.Z02.PERSONS", 0)
    plant.set("HSE.AMBIENT_SO2", 3.5)
    view.bridge.flush()
    assert view.zone_colour("Z02")[:3] != DANGER_RGB
    plant.set("HSE.Z02.PERSONS", 5)
    view.bridge.flush()
    assert view.zone_colour("Z02")[:3] == DANGER_RGB
    plant.now[0] += timedelta(seconds=6)
    plant.alarms.tick()
    assert plant.alarms.tag_priority("HSE.Z02.OCCUPIED_UNSAFE") == 2
    persons = sum(min(int(plant.store.values[z.persons].value or 0), 30) for z in view.scene.zones)
    assert view.people_count_drawn() == persons
    assert "IN DANGER" in view._labels[len(view._labels) - len(view.scene.zones) + 1][0].GetInput()


def _seen_at_centre(view) -> str | None:  # type: ignore[no-untyped-def]
    """What the middle of the view shows: an equipment id, "building" when a hall (floor, wall,
    column, roof) is in front, or None (sky, ground, nothing)."""
    from vtkmodules.vtkRenderingCore import vtkCellPicker

    view.render_view()
    w, h = view._vtk.GetRenderWindow().GetSize()
    x, y = w // 2, h // 2
    everything = vtkCellPicker()  # every pickable actor, the halls included
    everything.SetTolerance(0.0005)
    view._buildings_actor.PickableOn()
    try:
        if everything.Pick(x, y, 0, view.renderer) and everything.GetActor() is view._buildings_actor:
            return "building"
    finally:
        view._buildings_actor.PickableOff()
    return view.pick(x, y)


def test_show_unit_flies_the_camera_there(view, qtbot) -> None:  # type: ignore[no-untyped-def]
    view.set_view("OVERVIEW", animate=False)
    assert view.show_unit("PSC3")
    qtbot.waitUntil(lambda: not view._fly_timer.isActive(), timeout=30000)
    assert _seen_at_centre(view) == "PSC3"
    assert not view.show_unit("NO.SUCH.UNIT")


def test_show_in_3d_sees_every_unit_unhidden_by_halls_or_other_units(view) -> None:  # type: ignore[no-untyped-def]
    for n, x in ((1, 30.0), (2, 60.0)):  # the converter-aisle cranes somewhere along the aisle
        view.plant.set(f"PSC.CRANE{n}.X", x)
    view.bridge.flush()
    units = sorted({eq.unit for eq in view.scene.equipment})
    assert len(units) > 30
    missed = []
    for unit in units:
        view.set_view("OVERVIEW", animate=False)
        assert view.show_unit(unit, animate=False)
        seen = _seen_at_centre(view)
        eq = view.scene.equipment_by_id(seen) if seen not in (None, "building") else None
        if eq is None or eq.unit != unit:
            missed.append((unit, seen))
    assert missed == []


def test_labels_switch_to_chinese(view, qapp) -> None:  # type: ignore[no-untyped-def]
    from widgets.i18n import Translations

    texts = [a.GetInput() for a, _t in view._labels]
    assert "Converter aisle" in texts
    translations = Translations(qapp)
    assert translations.install("zh_CN")
    view.set_language("zh_CN")
    texts = [a.GetInput() for a, _t in view._labels]
    assert "转炉跨" in texts and "2号转炉" in texts
    assert view._labels[0][0].GetTextProperty().GetFontFile().endswith((".ttc", ".ttf", ".otf"))
    assert "2号转炉" in view.hover_text("PSC2")
    assert any(t.startswith("转炉跨:") and t.endswith(" 人") for t in texts)  # zone label with its count
    translations.install("en")


def test_the_real_mouse_hovers_and_clicks_through_to_the_faceplate(view, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    for n, x in ((1, 110.0), (2, 118.0)):
        view.plant.set(f"PSC.CRANE{n}.X", x)
        view.plant.set(f"PSC.CRANE{n}.LOAD", 0.0)
    view.bridge.flush()
    view.set_view("PSC", animate=False)
    x, y = view.display_position("PSC2")
    ratio = view._vtk.devicePixelRatioF()
    at = QPoint(int(x / ratio), int(view._vtk.height() - y / ratio))  # VTK counts rows from the bottom
    QTest.mouseMove(view._vtk, at)
    qtbot.waitUntil(lambda: view.hover_label.text().startswith("Peirce-Smith converter 2"), timeout=10000)
    assert "Converter 2 stage:" in view.hover_label.text()
    QTest.mouseClick(view._vtk, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at)
    qtbot.waitUntil(lambda: view.opened == ["PSC2"], timeout=10000)


def test_hovering_a_safety_zone_shows_its_people_gas_and_safety(view, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest
    from vtkmodules.vtkRenderingCore import vtkCoordinate

    plant = view.plant
    for n, x in ((1, 110.0), (2, 118.0)):  # cranes parked beyond converter 3, hooks empty
        plant.set(f"PSC.CRANE{n}.X", x)
        plant.set(f"PSC.CRANE{n}.LOAD", 0.0)
    plant.set("HSE.Z02.PERSONS", 4)
    plant.set("HSE.AMBIENT_SO2", 3.5)
    view.bridge.flush()
    view.set_view("PSC", animate=False)
    coord = vtkCoordinate()
    coord.SetCoordinateSystemToWorld()
    coord.SetValue(140.0, 55.0, 0.2)  # the converter aisle's floor between converters 1 and 2
    x, y = coord.GetComputedDisplayValue(view.renderer)
    w, h = view._vtk.GetRenderWindow().GetSize()
    assert 0 < x < w and 0 < y < h
    assert view.pick(x, y) is None and view.pick_zone(x, y) == "Z02"
    ratio = view._vtk.devicePixelRatioF()

    def hover(dx: int) -> None:
        QTest.mouseMove(view._vtk, QPoint(int(x / ratio) + dx, int(view._vtk.height() - y / ratio)))

    hover(0)
    qtbot.waitUntil(lambda: view.hover_label.text().startswith("Converter aisle"), timeout=10000)
    text = view.hover_label.text()
    assert "People in the zone: 4" in text
    assert "Ambient SO2 at converter aisle: 3.5 ppm (unsafe above 2 ppm)" in text
    assert "UNSAFE, people in danger" in text
    plant.set("HSE.Z02.PERSONS", 0)
    view.bridge.flush()
    hover(2)
    qtbot.waitUntil(lambda: "Unsafe: keep out" in view.hover_label.text(), timeout=10000)
    assert "People in the zone: 0" in view.hover_label.text()
    plant.set("HSE.AMBIENT_SO2", 0.8)
    view.bridge.flush()
    hover(0)
    qtbot.waitUntil(lambda: view.hover_label.text().endswith("Safe"), timeout=10000)
    assert "0.8 ppm (unsafe above 2 ppm)" in view.hover_label.text()
    # over a converter the hover is the converter's, not the zone's
    cx, cy = view.display_position("PSC2")
    QTest.mouseMove(view._vtk, QPoint(int(cx / ratio), int(view._vtk.height() - cy / ratio)))
    qtbot.waitUntil(lambda: view.hover_label.text().startswith("Peirce-Smith converter 2"), timeout=10000)


def test_the_main_window_with_its_default_wiring_shows_the_live_plant(qtbot, run_async, sim_process, layout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The real composition: the simulator child, the runtime with every module, the main window."""
    from PySide6.QtCore import QSettings

    from app.core.tags import Quality
    from app.runtime import Runtime, replace_endpoint
    from tests.widgets.conftest import wait_until
    from widgets.main_window import MainWindow

    replace_endpoint(layout, "sim", sim_process.endpoint)
    runtime = Runtime(layout)
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    panel = window.central_panels["plant3d"]
    assert isinstance(panel, Plant3DPanel) and panel.problem == ""
    crane = panel.scene.equipment.index(panel.scene.equipment_by_id("TH.CRANE"))  # type: ignore[union-attr]

    async def body() -> None:
        runtime.start()
        window.resize(1400, 900)
        window.show()
        try:
            assert await wait_until(lambda: panel.ready, 60)
            window.show_in_3d("PSC2")  # what a double-click on an alarm does
            assert window.central_tabs.currentWidget() is panel
            # the zone tags come from the plant3d module's monitor, Good once the people counts arrive
            assert await wait_until(lambda: (v := runtime.store.get("HSE.Z02.OCCUPIED_UNSAFE")) is not None
                                    and v.quality is Quality.GOOD, 30)
            # live values keep arriving: the tankhouse crane moves
            transform = panel._moving[crane]["bridge"][1]
            assert await wait_until(lambda: runtime.store.get("TH.CRANE.X") is not None, 30)
            first = transform.GetPosition()[0]
            assert await wait_until(lambda: transform.GetPosition()[0] != first, 60), "the crane moves with its tag"
            renders = panel.renders
            assert await wait_until(lambda: panel.renders > renders + 2, 30), "the view keeps redrawing"
        finally:
            await runtime.stop()

    run_async(body())
