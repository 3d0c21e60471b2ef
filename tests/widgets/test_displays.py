"""Process displays: binding, live values, quality looks, navigation, language switch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt
from PySide6.QtGui import QImage, QPainter

from app.core.displays import load_displays
from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.tags import Quality, TagValue
from app.runtime import Runtime
from widgets.display_panel import DisplayPanel
from widgets.main_window import MainWindow
from widgets.store_bridge import StoreBridge
from widgets.symbols import AlarmItem, AnalogItem, BarsItem, BoundItem, EquipmentItem, ValueItem


def value(v: object, quality: Quality = Quality.GOOD, reason: str = "") -> TagValue:
    now = datetime.now(UTC)
    return TagValue(v, quality, now, now, reason)  # type: ignore[arg-type]


def render(item: BoundItem) -> QImage:
    """What the item looks like on screen (its scene area rendered to an image)."""
    scene = item.scene()
    rect = item.sceneBoundingRect()
    image = QImage(int(rect.width()) + 1, int(rect.height()) + 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    scene.render(painter, source=rect)
    painter.end()
    return image


@pytest.fixture
def panel(qtbot, layout: PlantLayout):  # type: ignore[no-untyped-def]
    store = TagStore(layout.tags.values())
    bridge = StoreBridge(store)
    limits = {"SMF.T_PROC": {"LL": 1150.0, "L": 1200.0, "H": 1380.0, "HH": 1420.0}}
    widget = DisplayPanel(layout, load_displays(layout), bridge, limits=limits.get)
    qtbot.addWidget(widget)
    widget.resize(1600, 800)
    yield widget
    bridge.close()


def test_every_display_loads_and_binds_every_element_to_a_tag(panel: DisplayPanel, layout: PlantLayout) -> None:
    for display in panel.displays.values():
        panel.show_display(display.id)
        scene = panel.scene
        assert scene is not None and len(scene.bound_items) == len(display.elements)
        assert set(scene.items_by_tag) == display.bound_tags, display.id
        assert set(scene.items_by_tag) <= set(layout.tags)
        bound = [item for item in scene.bound_items if item.element.bound_tags]
        assert bound, display.id
        for item in bound:  # before the first value, every bound element shows "no data"
            assert item.look == "no_data", item.element.source
            assert set(item.values) == set(item.element.bound_tags)
        assert [i for i in scene.bound_items if isinstance(i, ValueItem) and i.text() != "no data"] == []


def test_a_value_change_reaches_the_element_and_quality_changes_its_look(panel: DisplayPanel) -> None:
    panel.show_display("smf")
    store = panel.bridge.store
    item = next(i for i in panel.scene.items_for("SMF.T_PROC") if isinstance(i, AnalogItem))
    no_data = render(item)
    store.apply({"SMF.T_PROC": value(1301.4)})
    panel.bridge.flush()
    assert item.text() == "1301.4 °C" and item.look == "good"
    good = render(item)
    assert good != no_data
    store.apply({"SMF.T_PROC": value(1301.4, Quality.UNCERTAIN, "stale")})
    panel.bridge.flush()
    assert item.look == "stale"
    stale = render(item)
    store.apply({"SMF.T_PROC": value(1301.4, Quality.BAD, "connection lost")})
    panel.bridge.flush()
    assert item.look == "bad" and item.text() == "1301.4 °C"  # the last value stays, marked
    bad = render(item)
    assert len({good.bits().tobytes(), stale.bits().tobytes(), bad.bits().tobytes()}) == 3


def test_alarm_limits_drive_the_alarm_indicator_by_priority(panel: DisplayPanel) -> None:
    panel.show_display("smf")
    store = panel.bridge.store
    alarm = next(i for i in panel.scene.items_for("SMF.T_PROC") if isinstance(i, AlarmItem))
    store.apply({"SMF.T_PROC": value(1300.0)})
    panel.bridge.flush()
    assert alarm.state() == (0, 0)
    store.apply({"SMF.T_PROC": value(1390.0)})
    panel.bridge.flush()
    assert alarm.state() == (2, 1)
    store.apply({"SMF.T_PROC": value(1430.0), "SMF.DRAFT_P": value(20.0)})  # HH; draft off its normal band
    panel.bridge.flush()
    assert alarm.state() == (1, 2)


def test_converter_tilts_with_its_stage(panel: DisplayPanel, layout: PlantLayout) -> None:
    panel.show_display("psc1")
    converter = next(i for i in panel.scene.items_for("PSC1.STATE") if isinstance(i, EquipmentItem))
    assert converter.tilt_angle() == 0.0
    panel.bridge.store.apply({"PSC1.STATE": value(layout.tags["PSC1.STATE"].states.index("POURING"))})
    panel.bridge.flush()
    assert converter.tilt_angle() > 45


def test_clicks_navigate_and_open_faceplates(panel: DisplayPanel, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel.show_display("overview")
    requested: list[str] = []
    panel.sig_faceplate_requested.connect(requested.append)
    nav = next(i for i in panel.scene.bound_items if i.element.type == "nav" and i.element.target == "psc")
    panel.show()
    qtbot.waitExposed(panel)
    pos = panel.view.mapFromScene(nav.sceneBoundingRect().center())
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert panel.current.id == "psc"
    converter = next(i for i in panel.scene.items_for("PSC2.STATE") if isinstance(i, EquipmentItem))
    panel._on_element_activated(converter.element)  # on a unit display, equipment opens its faceplate
    assert requested == ["PSC2"]
    assert panel.back() and panel.current.id == "overview"
    assert panel.forward() and panel.current.id == "psc"


def test_keyboard_navigation_and_chinese(qtbot, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(Runtime(layout), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel = window.display_panel
    panel.view.setFocus()
    assert panel.current.id == "overview"
    assert window.windowTitle().startswith("Plant overview - Level 1")
    qtbot.keyClick(panel.view, Qt.Key.Key_F4)
    assert panel.current.id == "psc"
    assert window.windowTitle().startswith("Converters - Level 2")
    qtbot.keyClick(panel.view, Qt.Key.Key_F6)
    assert panel.current.id == "th"
    qtbot.keyClick(panel.view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert panel.current.id == "psc"
    qtbot.keyClick(panel.view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert panel.current.id == "th"
    qtbot.keyClick(panel.view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert panel.current.id == "overview"

    try:
        window.set_language("zh_CN")
        assert window.display_menu.menu.title() == "画面(&D)"
        assert window._file_menu.title() == "文件(&F)"
        assert window.windowTitle().startswith("全厂总貌 - 第1级")
        assert window.display_menu.display_actions["psc"].text() == "吹炼"
        value_item = next(i for i in panel.scene.bound_items if isinstance(i, ValueItem))
        assert value_item.text() == "无数据"
        assert "精矿" in value_item._desc  # tag descriptions in the chosen language
        assert window.docks["tag_browser"].windowTitle() == "位号浏览器"
    finally:
        window.set_language("en")
    assert window.display_menu.menu.title() == "&Display"
    assert window.windowTitle().startswith("Plant overview - Level 1")


def test_a_display_opens_in_a_new_window(qtbot, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(Runtime(layout), settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.display_panel.show_display("th_s1")
    second = window.open_display_window()
    assert second is not None
    qtbot.addWidget(second)
    assert second.panel.current.id == "th_s1" and "Tankhouse section 1" in second.windowTitle()
    second.panel.show_display("psc")  # independent of the main window
    assert window.display_panel.current.id == "th_s1"
    window.bridge.store.apply({"TH.S1.C05.V": value(0.29)})
    window.bridge.flush()
    assert all(i.value_of("TH.S1.C05.V") is not None for i in window.display_panel.scene.items_for("TH.S1.C05.V"))


def test_a_display_called_up_again_shows_values_that_changed_while_hidden(panel: DisplayPanel) -> None:
    store = panel.bridge.store
    panel.show_display("smf")
    store.apply({"SMF.T_PROC": value(1290.0)})
    panel.bridge.flush()
    first = panel.scene
    panel.show_display("psc")
    store.apply({"SMF.T_PROC": value(1311.0, Quality.UNCERTAIN, "stale")})
    panel.bridge.flush()
    panel.show_display("smf")
    assert panel.scene is first  # kept built
    item = next(i for i in panel.scene.items_for("SMF.T_PROC") if isinstance(i, AnalogItem))
    assert item.text() == "1311.0 °C" and item.look == "stale"


class PaintSpy(QObject):
    """The areas of a widget that were actually repainted (grab() would render afresh)."""

    def __init__(self, widget) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False

    def covered(self, rect: QRect) -> bool:
        return any(r.contains(rect) for r in self.rects)


def on_screen(panel: DisplayPanel, item: BoundItem) -> tuple[QRect, QImage]:
    """Where the item is on the view, and how it looks there."""
    view = panel.view
    area = view.mapFromScene(item.sceneBoundingRect()).boundingRect() & view.viewport().rect()
    return area, view.viewport().grab(area).toImage()


def test_a_batch_reaches_each_element_once_and_the_screen_shows_it(panel: DisplayPanel, qtbot) -> None:  # type: ignore[no-untyped-def]
    """40 cell voltages in one bridge tick: the bar group recomputes once (not 40 times), its
    area of the screen is repainted and shows the new bars."""
    panel.show_display("th_s1")
    panel.show()
    qtbot.waitExposed(panel)
    store = panel.bridge.store
    bars = next(i for i in panel.scene.bound_items if isinstance(i, BarsItem))
    names = bars.element.tags
    store.apply({n: value(0.30) for n in names})
    panel.bridge.flush()
    qtbot.wait(50)
    area, before = on_screen(panel, bars)
    refreshes: list[int] = []
    original = bars.refresh
    bars.refresh = lambda: refreshes.append(1) or original()  # type: ignore[method-assign]
    spy = PaintSpy(panel.view.viewport())
    store.apply({n: value(0.30 + 0.004 * k) for k, n in enumerate(names)})
    panel.bridge.flush()
    assert len(refreshes) == 1
    qtbot.waitUntil(lambda: spy.covered(area))
    assert on_screen(panel, bars)[1] != before


def test_a_new_value_repaints_its_field_on_screen(panel: DisplayPanel, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Value fields are painted together (one layer item): a change still repaints that
    field's area of the screen, with the new value, and leaves a far neighbour alone."""
    panel.show_display("smf")
    panel.show()
    qtbot.waitExposed(panel)
    store = panel.bridge.store
    field = next(i for i in panel.scene.items_for("SMF.T_PROC") if isinstance(i, AnalogItem))
    far = next(i for i in panel.scene.bound_items if isinstance(i, ValueItem)
               and abs(i.sceneBoundingRect().center().y() - field.sceneBoundingRect().center().y()) > 300)
    store.apply({"SMF.T_PROC": value(1290.0)})
    panel.bridge.flush()
    qtbot.wait(50)
    area, before = on_screen(panel, field)
    far_area, _ = on_screen(panel, far)
    spy = PaintSpy(panel.view.viewport())
    store.apply({"SMF.T_PROC": value(1305.5)})
    panel.bridge.flush()
    qtbot.waitUntil(lambda: spy.covered(area))
    assert on_screen(panel, field)[1] != before
    assert not any(r.intersects(far_area) for r in spy.rects)


def test_analog_pointers_follow_the_alarm_engine_not_bare_limits(qtbot, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    """An idle converter's blast flow sits below its LL limit, but that alarm is suppressed by
    design: its analog indicator must not be coloured (the alarm list shows nothing either);
    a blowing converter's low blast, once the alarm stands, colours its pointer."""
    from app.alarms.definitions import limits_by_tag

    runtime = Runtime(layout)
    store = runtime.store
    bridge = StoreBridge(store)
    limits = limits_by_tag(runtime.alarms.definitions)
    widget = DisplayPanel(layout, load_displays(layout), bridge, limits=limits.get)
    widget.alarm_priority = runtime.alarms.tag_priority
    qtbot.addWidget(widget)
    try:
        states = layout.tags["PSC3.STATE"].states
        store.apply({"PSC3.STATE": value(states.index("IDLE")), "PSC3.BLAST_FLOW": value(0.0),
                     "PSC2.STATE": value(states.index("SLAG_BLOW")), "PSC2.BLAST_FLOW": value(36000.0)})
        widget.show_display("psc")
        idle = next(i for i in widget.scene.items_for("PSC3.BLAST_FLOW") if isinstance(i, AnalogItem))
        assert idle.limits()["LL"] > 0.0  # below its LL limit...
        assert runtime.alarms.tag_priority("PSC3.BLAST_FLOW") == 0  # ...but suppressed by design
        assert idle._priority == 0
        blowing = next(i for i in widget.scene.items_for("PSC2.BLAST_FLOW") if isinstance(i, AnalogItem))
        assert blowing._priority == 0
        # the blowing converter's blast collapses: once its on-delay has passed the alarm stands
        now = [datetime.now(UTC)]
        runtime.alarms.clock = lambda: now[0]
        store.apply({"PSC2.BLAST_FLOW": value(1000.0)})
        now[0] += timedelta(seconds=60)
        runtime.alarms.tick()
        store.apply({"PSC2.BLAST_FLOW": value(1001.0)})
        bridge.flush()
        standing = runtime.alarms.tag_priority("PSC2.BLAST_FLOW")
        assert standing in (1, 2, 3)
        assert blowing._priority == standing
        assert idle._priority == 0
    finally:
        bridge.close()


def test_indicators_follow_the_alarm_engine_without_a_new_value(qtbot, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An alarm that comes in after its on-delay, or is shelved, changes the display's
    indicators at once: the value does not have to change again (main display and a second
    window alike)."""
    runtime = Runtime(layout)
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    store, engine = runtime.store, runtime.alarms
    now = [datetime.now(UTC)]
    engine.clock = lambda: now[0]
    states = layout.tags["PSC2.STATE"].states
    store.apply({"PSC2.STATE": value(states.index("SLAG_BLOW")), "PSC2.BLAST_FLOW": value(36000.0)})
    window.display_panel.show_display("psc")
    second = window.open_display_window()
    assert second is not None
    window.bridge.flush()
    panels = [window.display_panel, second.panel]

    def pointer(panel: DisplayPanel) -> AnalogItem:
        return next(i for i in panel.scene.items_for("PSC2.BLAST_FLOW") if isinstance(i, AnalogItem))

    def indicator(panel: DisplayPanel) -> AlarmItem:
        return next(i for i in panel.scene.items_for("PSC2.BLAST_FLOW") if isinstance(i, AlarmItem))

    store.apply({"PSC2.BLAST_FLOW": value(1000.0)})  # the blast collapses; alarms wait for their on-delay
    window.bridge.flush()
    assert [pointer(p)._priority for p in panels] == [0, 0] and [indicator(p).state()[0] for p in panels] == [0, 0]
    now[0] += timedelta(seconds=60)
    engine.tick()  # the on-delay has passed: no new value, only the engine's change
    standing = engine.tag_priority("PSC2.BLAST_FLOW")
    assert standing in (1, 2, 3)
    assert [pointer(p)._priority for p in panels] == [standing, standing]
    assert [indicator(p).state()[0] for p in panels] == [standing, standing]
    ids = [r.definition.id for r in engine.records.values() if r.definition.tag == "PSC2.BLAST_FLOW" and r.standing]
    assert ids and all(engine.shelve(i, "lead", "tuyeres being punched") for i in ids)  # one-shot shelve
    engine.tick()
    assert engine.tag_priority("PSC2.BLAST_FLOW") == 0
    assert [pointer(p)._priority for p in panels] == [0, 0]
    window.close()
