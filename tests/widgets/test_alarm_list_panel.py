"""The alarm list panel: rows, filters, grouping, ack, shelve, banner, counts, double-click."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.alarms.definitions import load_alarms
from app.alarms.engine import AlarmEngine
from app.alarms.engine import AlarmState as S
from app.core.layout import PlantLayout
from tests.alarms.helpers import Clock
from tests.alarms.scenarios import acid_plant_upset, batch, blower_trip, normal_values
from widgets.alarm_list_panel import AlarmListPanel
from widgets.alarm_models import COL_GROUP


@pytest.fixture
def setup(qtbot, layout: PlantLayout, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRUCIBLE_NO_SOUND", "1")
    clock = Clock()
    eng = AlarmEngine(load_alarms(layout), layout.tags, clock=clock)
    values = normal_values(layout)
    eng.evaluate(batch(values, clock.now))
    panel = AlarmListPanel(eng, layout, user=lambda: "op1")
    qtbot.addWidget(panel)
    panel.resize(1400, 500)
    panel.show()

    def run(scenario, minutes=3):  # type: ignore[no-untyped-def]
        values.update(scenario)
        for _ in range(minutes * 12):
            clock.advance(5)
            eng.evaluate(batch(values, clock.now))
            eng.tick()
        panel.refresh()

    return eng, panel, run


def ids(panel: AlarmListPanel) -> list[str]:
    return [panel.proxy.record(r).id for r in range(panel.proxy.rowCount())]


def test_rows_filters_and_first_out_grouping(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run = setup
    run(blower_trip(layout))
    run(acid_plant_upset(layout))
    assert len(ids(panel)) == 9
    panel.proxy.set_max_priority(2)  # high and above
    assert set(ids(panel)) == {"PSC2.BLOWER.STATE.FAULT", "AP.TAIL_SO2.HH"}
    panel.proxy.set_max_priority(4)
    panel.area_box.setCurrentIndex(panel.area_box.findData("AP"))
    assert set(ids(panel)) == {"AP.TAIL_SO2.H", "AP.TAIL_SO2.HH", "AP.CONV_TOT.L"}
    panel.area_box.setCurrentIndex(0)
    panel.filter_edit.setText("tuyere")
    assert ids(panel) == ["PSC2.TUYERE_FLOW.L"]
    panel.filter_edit.setText("")
    panel.group_box.setChecked(True)
    psc = [i for i in ids(panel) if i.startswith("PSC2")]
    assert psc[0] == "PSC2.BLOWER.STATE.FAULT"  # first out heads its group
    assert "first out" in panel.model.display(eng.records["PSC2.BLOWER.STATE.FAULT"], COL_GROUP)
    assert "PSC2.BLOWER.STATE" in panel.banner.text() and "AP.TAIL_SO2" in panel.banner.text()
    assert "Urgent 1 (1)" in panel.counts_label.text().replace("&nbsp;", " ")


def test_sorting_by_priority_puts_urgent_first(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run = setup
    run(blower_trip(layout))
    run(acid_plant_upset(layout))
    panel.table.sortByColumn(1, panel.table.horizontalHeader().sortIndicatorOrder().AscendingOrder)
    assert ids(panel)[0] == "AP.TAIL_SO2.HH"


def test_ack_selected_ack_page_and_shelve(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run = setup
    run(acid_plant_upset(layout))
    panel.table.selectRow(0)
    first = panel.proxy.record(0)
    assert panel.ack_selected() == 1
    panel.refresh()
    assert first.state is S.ACKED and first.acked_by == "op1"
    assert panel.ack_page() == 2
    panel.refresh()
    assert all(eng.records[i].state is S.ACKED for i in ids(panel))
    panel.table.selectRow(0)
    rec = panel.proxy.record(0)
    assert panel.shelve([rec], 3600, "testing") == 1
    panel.refresh()
    assert rec.id not in ids(panel)
    panel.state_box.setCurrentIndex(panel.state_box.findData("shelved"))
    assert ids(panel) == [rec.id]


def test_double_click_asks_for_the_tag_and_time(setup, layout: PlantLayout, qtbot) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run = setup
    run(acid_plant_upset(layout))
    seen: list[tuple[str, datetime]] = []
    panel.sig_alarm_activated.connect(lambda tag, when: seen.append((tag, when)))
    panel.table.doubleClicked.emit(panel.proxy.index(0, 3))
    rec = panel.proxy.record(0)
    assert seen == [(rec.definition.tag, rec.time)]


def test_flood_banner(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run = setup
    cells = {f"TH.S2.C{c:02d}.V": 0.05 for c in range(1, 16)}
    run(cells, minutes=2)
    assert eng.in_flood
    assert "ALARM FLOOD" in panel.banner.text()


def test_horn_sounds_for_new_alarms_and_silences(setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    eng, panel, run = setup
    run(acid_plant_upset(layout))
    assert panel.horn.sounding is not None and panel.horn.sounding.name == "URGENT"
    panel.silence_button.click()
    assert panel.horn.sounding is None


def test_horn_plays_real_sounds_without_crashing_headless(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.alarms.definitions import Priority
    from widgets.alarm_horn import SOUND_FILES, SOUNDS, AlarmHorn

    monkeypatch.delenv("CRUCIBLE_NO_SOUND", raising=False)
    assert all((SOUNDS / f).stat().st_size > 1000 for f in SOUND_FILES.values())
    horn = AlarmHorn()
    horn.sound(Priority.LOW)
    horn.sound(Priority.URGENT)
    assert horn.sounding is Priority.URGENT
    horn.sound(Priority.MEDIUM)  # a less urgent one does not take over
    assert horn.sounding is Priority.URGENT
    qtbot.wait(50)
    horn.silence()
    assert horn.sounding is None


def test_shelve_dialog_needs_a_reason_and_offers_one_shot(qtbot, setup, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    from widgets.alarm_list_panel import ShelveDialog

    eng, panel, run = setup
    run(acid_plant_upset(layout))
    dialog = ShelveDialog([panel.proxy.record(0)])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.reason.setText("analyser being calibrated")
    assert ok.isEnabled()
    assert dialog.choice() == (3600.0, "analyser being calibrated")
    dialog.duration.setCurrentIndex(dialog.duration.count() - 1)
    assert dialog.choice() == (None, "analyser being calibrated")
