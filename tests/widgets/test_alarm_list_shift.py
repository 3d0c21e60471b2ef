"""What an operator hit in the alarm list during a shift: rows moving under the pointer, the
value at activation only, colours that differ per screen, cut times, shelving without expiry,
English texts in Chinese, the list hidden on double-click."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from app.alarms.definitions import Priority, load_alarms
from app.alarms.engine import AlarmEngine
from app.core.displays import Element
from app.core.layout import PlantLayout
from app.core.tags import Quality, TagValue, utcnow
from app.runtime import Runtime
from tests.alarms.helpers import Clock
from tests.alarms.scenarios import acid_plant_upset, batch, blower_trip, normal_values
from widgets.alarm_kpi_panel import MIX_COLOURS, MIX_WORDS
from widgets.alarm_list_panel import AlarmListPanel
from widgets.alarm_models import (
    COL_DESC,
    COL_NOW,
    COL_PRIORITY,
    COL_STATE,
    COL_TIME,
    COL_VALUE,
    PRIORITY_COLOURS,
)
from widgets.main_window import MainWindow
from widgets.priority_look import PRIORITY_LOOK
from widgets.symbols import ALARM_COLOURS, AlarmItem, DisplayContext


@pytest.fixture
def setup(qtbot, layout: PlantLayout, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRUCIBLE_NO_SOUND", "1")
    clock = Clock()
    eng = AlarmEngine(load_alarms(layout), layout.tags, clock=clock)
    values = normal_values(layout)
    eng.evaluate(batch(values, clock.now))
    panel = AlarmListPanel(eng, layout, user=lambda: "lead")
    qtbot.addWidget(panel)
    panel.resize(1400, 500)
    panel.show()

    def run(scenario, minutes=3):  # type: ignore[no-untyped-def]
        values.update(scenario)
        for _ in range(minutes * 12):
            clock.advance(5)
            eng.evaluate(batch(values, clock.now))
            eng.tick()

    return eng, panel, run, clock


def ids(panel: AlarmListPanel) -> list[str]:
    return [panel.proxy.record(r).id for r in range(panel.proxy.rowCount())]


def test_new_rows_wait_while_the_pointer_rests_on_the_list(setup, layout: PlantLayout, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run, _clock = setup
    run(blower_trip(layout))
    panel.refresh()
    before = ids(panel)
    assert before
    monkeypatch.setattr(panel.table.viewport(), "underMouse", lambda: True)  # the pointer rests on row 0
    run(acid_plant_upset(layout))
    panel.refresh()
    assert ids(panel) == before  # nothing moved under the pointer
    monkeypatch.setattr(panel.table.viewport(), "underMouse", lambda: False)
    panel.refresh()
    assert len(ids(panel)) > len(before) and "AP.TAIL_SO2.HH" in ids(panel)


def test_value_at_alarm_and_value_now(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run, clock = setup
    run(acid_plant_upset(layout))
    panel.refresh()
    row = ids(panel).index("AP.TAIL_SO2.HH")
    model = panel.model
    assert model.headerData(COL_VALUE, Qt.Orientation.Horizontal) == "Value at alarm"
    assert model.headerData(COL_NOW, Qt.Orientation.Horizontal) == "Value now"
    at_alarm = model.display(panel.proxy.record(row), COL_VALUE)
    eng.evaluate({"AP.TAIL_SO2": TagValue(700.0, Quality.GOOD, clock.now, clock.now)})
    assert model.display(panel.proxy.record(row), COL_VALUE) == at_alarm
    assert model.display(panel.proxy.record(row), COL_NOW).startswith("700")


def test_one_colour_and_shape_per_priority_everywhere(setup, layout: PlantLayout, qtbot) -> None:  # type: ignore[no-untyped-def]
    for p in Priority:
        look = PRIORITY_LOOK[int(p)]
        assert PRIORITY_COLOURS[p][0] == look.background == ALARM_COLOURS[int(p)].name()
    assert len({look.background for look in PRIORITY_LOOK.values()}) == 4
    assert len({look.shape for look in PRIORITY_LOOK.values()}) == 4
    assert MIX_COLOURS["medium"] == PRIORITY_LOOK[3].background and MIX_WORDS["high"] == "urgent + high"
    # the list shows the shape with the word; the display indicator paints the same colour
    eng, panel, run, _clock = setup
    run(acid_plant_upset(layout))
    panel.refresh()
    rec = next(panel.proxy.record(r) for r in range(panel.proxy.rowCount()) if panel.proxy.record(r).definition.priority is Priority.MEDIUM)
    assert panel.model.display(rec, COL_PRIORITY) == "◆ Medium"
    ctx = DisplayContext(tags=layout.tags, alarm_priority=lambda tag: 3 if tag == rec.definition.tag else 0)
    item = AlarmItem(Element(type="alarm", x=0, y=0, w=40, h=40, tags=(rec.definition.tag,)), ctx)
    item.values = {rec.definition.tag: TagValue(1.0, Quality.GOOD, utcnow(), utcnow())}
    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    item.paint(painter, QStyleOptionGraphicsItem())
    painter.end()
    colours = {image.pixelColor(x, y).name() for x in range(40) for y in range(40)}
    assert PRIORITY_LOOK[3].background in colours and "#c21fb8" not in colours  # yellow diamond, not magenta


def test_bold_time_is_not_cut_and_a_shelved_alarm_shows_until_when(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run, clock = setup
    run(blower_trip(layout))
    panel.refresh()
    bold = QFont(panel.table.font())
    bold.setBold(True)
    assert panel.table.columnWidth(COL_TIME) >= QFontMetrics(bold).horizontalAdvance("88:88:88") + 8
    rec = panel.proxy.record(0)
    assert rec.unacked
    assert eng.shelve(rec.id, "lead", "transmitter check", 3600.0)
    panel.state_box.setCurrentIndex(panel.state_box.findData("shelved"))
    panel.refresh()
    shelved = panel.proxy.record(0)
    until = (clock.now + timedelta(seconds=3600)).astimezone().strftime("%H:%M")
    assert panel.model.display(shelved, COL_STATE) == f"Shelved (lead, until {until})"


def test_chinese_detail_texts(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from widgets.i18n import Translations

    alarms = load_alarms(layout)  # alarms.yaml (tools/gen_copper_alarms.py) and the modules' alarms.d/*.yaml
    assert len([a for a in alarms if "alarms.d" in a.source]) >= 13
    untranslated = [(a.source, a.tag) for a in alarms
                    if (a.cause and not a.cause_zh) or (a.consequence and not a.consequence_zh) or (a.action and not a.action_zh)]
    assert len(alarms) > 300 and untranslated == []
    eng, panel, run, _clock = setup
    translations = Translations(QApplication.instance())  # type: ignore[arg-type]
    try:
        translations.install("zh_CN")
        panel.set_language("zh_CN")
        assert panel.detail.text().startswith("选择一个报警")
        run(blower_trip(layout))
        panel.refresh()
        panel.table.selectRow(ids(panel).index("PSC2.BLOWER.STATE.FAULT"))
        text = panel.detail.text()
        assert "风机电机或保护跳闸" in text and "将转炉转出烟罩" in text and "Blower motor" not in text
        assert "原因：" in text and "Cause" not in text and "允许响应时间" in text
        assert panel.model.display(panel.proxy.record(panel.table.currentIndex().row()), COL_DESC) == "2号转炉鼓风机状态故障"
    finally:
        translations.install("en")


def test_double_click_keeps_the_alarm_list_in_view(qtbot, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runtime = Runtime(layout)
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    now = [utcnow()]
    runtime.alarms.clock = lambda: now[0]
    for value in (450.0, 460.0):  # tail SO2 above the permit, held past the on-delay
        runtime.store.apply({"AP.TAIL_SO2": TagValue(value, Quality.GOOD, now[0], now[0])})
        now[0] += timedelta(seconds=40)
        runtime.alarms.tick()
    panel = window.panels["alarm_list"]
    window.docks["alarm_list"].raise_()
    qtbot.waitUntil(lambda: panel.proxy.rowCount() >= 1, timeout=5000)  # type: ignore[attr-defined]
    panel._on_table_double_clicked(panel.proxy.index(0, 0))  # type: ignore[attr-defined]
    assert "AP.TAIL_SO2" in window.trend.pens
    assert window.docks["trend"].isVisible()
    assert panel.isVisible() and not panel.visibleRegion().isEmpty()  # the list is still in view
    window.close()


