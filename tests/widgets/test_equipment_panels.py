"""The equipment status and work order panels on a simulated plant (a worn pump bearing
tripped, the blower in zone C, a belt locked out), a real SQLite plant database and historian."""

from __future__ import annotations

import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.alarms.service import build_alarm_engine
from app.core.layout import PlantLayout
from app.db import Base
from app.historian.service import open_historian
from tests.maintenance.demo import build
from widgets.equipment_status_panel import EquipmentStatusPanel
from widgets.panel import PanelContext
from widgets.store_bridge import StoreBridge
from widgets.work_order_panel import WorkOrderPanel


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """No automatic garbage collection during these tests: pyqtgraph and the panels' Qt objects
    live in reference cycles, and a collection triggered on a worker thread (the panels' queries)
    would destroy them there. They are collected here, on the GUI thread, after each test."""
    import gc

    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.fixture
def plant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: PlantLayout) -> Iterator[types.SimpleNamespace]:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    import app.maintenance.models  # noqa: F401
    from app.core.settings import load_settings

    settings = load_settings()
    settings.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    historian = open_historian(settings, definitions=layout.tags)
    Base.metadata.create_all(historian.engine, tables=[t for t in Base.metadata.sorted_tables if t.name.startswith("maint_")])
    historian.start()
    from app.core.store import TagStore

    alarms = build_alarm_engine(layout, TagStore(layout.tags.values()))
    svc, store = build(layout, historian.engine, historian, alarms)
    runtime = types.SimpleNamespace(layout=layout, store=store, alarms=alarms, historian=historian,
                                    services={"maintenance": svc})
    yield types.SimpleNamespace(runtime=runtime, service=svc, store=store, settings=settings)
    svc.close()
    historian.stop()


def context(plant: types.SimpleNamespace, qtbot) -> PanelContext:  # type: ignore[no-untyped-def]
    bridge = StoreBridge(plant.store)
    return PanelContext(runtime=plant.runtime, bridge=bridge)  # type: ignore[arg-type]


def cell(model, row: int, col: int, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
    return model.data(model.index(row, col), role)


def test_status_panel_shows_the_simulated_failure_zone_c_and_the_lock_out(plant, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = EquipmentStatusPanel(context(plant, qtbot))
    qtbot.addWidget(panel)
    panel.slow_query.wait(20)
    m = panel.model
    pump, blower, belt, psc3 = (m.index_of[k] for k in ("WT.P1", "AP.BLOWER", "CB.BELT2", "PSC3.BLOWER"))
    assert cell(m, pump, 2) == "FAULT"
    assert cell(m, pump, 2, Qt.ItemDataRole.BackgroundRole).color().name() == "#e03c31"
    assert cell(m, pump, 6) == "1"  # the corrective order raised from its trip alarm
    assert cell(m, belt, 2) == "LOCKED OUT"
    assert cell(m, psc3, 5) == "C" and float(cell(m, psc3, 4)) >= 4.5
    assert cell(m, psc3, 4, Qt.ItemDataRole.BackgroundRole) is not None
    assert cell(m, blower, 5) == "B" and cell(m, blower, 5, Qt.ItemDataRole.BackgroundRole) is None
    assert "(~" in cell(m, blower, 8)  # the zone-C forecast from 30 days of rollups
    assert cell(m, blower, 8, Qt.ItemDataRole.BackgroundRole) is not None  # inside the 30-day horizon
    normal = m.index_of["OX.COMP"]
    assert cell(m, normal, 2) == "running"
    assert all(cell(m, normal, c, Qt.ItemDataRole.BackgroundRole) is None for c in (2, 4, 5, 8))  # grey when normal
    assert cell(m, m.index_of["OX.COMP"], 6) == "1" and "overdue" in cell(m, normal, 7)  # preventive due
    assert cell(m, 0, 0) != "" and cell(m, 1, 0) in ("", cell(m, 1, 0))  # the area on its group's first row
    # the detail view of the tripped pump: its timeline and its orders
    panel.select("WT.P1")
    panel.detail_query.wait(20)
    assert "WT.P1" in panel.detail.title.text()
    assert any(s == "unplanned_stop" for _a, _b, s in panel.detail.timeline.spans)
    assert panel.detail.history.rowCount() == 1
    assert len(panel.detail.curve.getData()[0]) > 100  # 30 days of hourly vibration
    lines = panel.detail.zone_lines
    assert [line.value() for line in lines] == [2.8, 4.5] and all(line.isVisible() for line in lines)  # group 2
    panel.detail.trend_role.setCurrentIndex(1)  # its motor current instead
    assert "WT.P1.CURRENT" in panel.detail.plot.plotItem.titleLabel.text
    assert not any(line.isVisible() for line in panel.detail.zone_lines)  # zone lines belong to vibration
    # the live value moves: the pump is repaired and restarted
    from tests.maintenance.demo import good

    now = plant.store.get("WT.P1.STATE").source_ts
    plant.store.apply({"WT.P1.STATE": good(1, now)})
    panel.refresh()
    assert cell(m, pump, 2) == "running"
    panel.teardown()


def test_work_order_panel_lists_orders_and_closing_needs_permission(plant, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = WorkOrderPanel(context(plant, qtbot))
    qtbot.addWidget(panel)
    panel.query.wait(20)
    kinds = {(w.kind, w.equipment, w.status) for w in panel.model.rows}
    assert ("corrective", "WT.P1", "requested") in kinds
    assert ("corrective", "SF.MILL.MOTOR", "done") in kinds
    assert any(k == "preventive" for k, _e, _s in kinds) and any(k == "predictive" for k, _e, _s in kinds)
    done_row = next(i for i, w in enumerate(panel.model.rows) if w.status == "done")
    panel.view.selectRow(done_row)
    assert not panel.close_button.isEnabled()  # no one logged in with close_work_orders
    assert "SF.MILL.MOTOR" in panel.details.toPlainText()
    requested = next(i for i, w in enumerate(panel.model.rows) if w.equipment == "WT.P1")
    panel.view.selectRow(requested)
    assert panel.advance_button.isEnabled() and "approved" in panel.advance_button.text()
    assert "WT.P1.STATE" in panel.details.toPlainText()  # the alarm attached
    panel.teardown()


def test_crew_records_assignee_labour_and_parts_then_closes_with_a_signature(plant, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.security.context import build_security

    security = build_security(plant.settings)
    security.users.add_user("fitter", "wrench-1234", ["maintenance"])
    security.users.add_user("fitter2", "spanner-5678", ["maintenance"])
    security.session.login("fitter", "wrench-1234")
    ctx = context(plant, qtbot)
    ctx.session = security.session
    panel = WorkOrderPanel(ctx)
    qtbot.addWidget(panel)
    panel.query.wait(20)
    row = next(i for i, w in enumerate(panel.model.rows) if w.equipment == "SF.MILL.MOTOR")
    panel.view.selectRow(row)
    panel.assignee_field.setText("Li Na")
    panel.labour_field.setValue(2.5)
    panel.parts_field.setText("guard bolts M12 x4; fan guard")
    panel.notes_field.setText("guard refitted, bolts torqued")
    panel.save_button.click()
    panel.action.wait(20)
    saved = plant.service.db.get(panel.model.rows[row].id)
    assert (saved.assignee, saved.labour_h) == ("Li Na", 2.5)
    assert saved.parts == [{"part": "guard bolts M12", "quantity": 4}, {"part": "fan guard", "quantity": 1}]
    assert "bolts torqued" in saved.notes
    panel.parts_field.setText("bolts x 2.5")
    panel.save_button.click()
    assert "must be a whole number" in panel.message.text()
    panel.query.wait(20)
    panel.view.selectRow(next(i for i, w in enumerate(panel.model.rows) if w.equipment == "SF.MILL.MOTOR"))
    assert panel.close_button.isEnabled()  # done, and the fitter may close work orders
    wo = panel.selected()
    signature = security.session.sign_critical("close_work_orders", wo.label(), "closed", "wrench-1234", "fitter2",
                                               "spanner-5678", "guard checked on the next shift")
    panel.action.submit(plant.service.close_work_order, wo.id, security.session, signature)
    panel.action.wait(20)
    assert plant.service.db.get(wo.id).status == "closed"
    assert "is now" in panel.message.text()
    panel.teardown()
    security.close()


def test_panels_say_so_when_maintenance_is_off(qtbot, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from app.core.store import TagStore

    store = TagStore(layout.tags.values())
    runtime = types.SimpleNamespace(layout=layout, store=store, services={"maintenance": None})
    for cls in (EquipmentStatusPanel, WorkOrderPanel):
        panel = cls(PanelContext(runtime=runtime, bridge=StoreBridge(store)))  # type: ignore[arg-type]
        qtbot.addWidget(panel)
        texts = [w.text() for w in panel.findChildren(QLabel)]
        assert any("Maintenance is off" in t for t in texts)
        panel.retranslate()
        panel.teardown()


def test_one_click_corrective_order_from_the_status_panel(plant, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.security.context import build_security

    security = build_security(plant.settings)
    security.users.add_user("op1", "furnace-42", ["operator"])
    ctx = context(plant, qtbot)
    panel = EquipmentStatusPanel(ctx)
    qtbot.addWidget(panel)
    panel.select("WT.P2")
    panel._update_buttons()
    assert not panel.create_button.isEnabled()  # no one logged in
    panel.teardown()
    security.session.login("op1", "furnace-42")
    ctx.session = security.session
    panel = EquipmentStatusPanel(ctx)
    qtbot.addWidget(panel)
    panel.select("WT.P2")
    panel._update_buttons()
    assert panel.create_button.isEnabled() and not panel.return_button.isEnabled()
    panel.create_button.click()
    panel.action.wait(20)
    orders = plant.service.db.list("WT.P2", kind="corrective")
    assert len(orders) == 1 and orders[0].created_by == "op1" and "requested" in panel.message.text()
    panel.select("CB.BELT2")  # locked out in the demo
    panel._update_buttons()
    assert panel.return_button.isEnabled() and not panel.lock_button.isEnabled()
    panel.teardown()
    security.close()
