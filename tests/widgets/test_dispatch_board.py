"""The dispatch board offscreen: a real panel over a real store and production service.
Scheduling runs in the worker thread with progress, a late converter shows with its reason,
a drag that breaks a constraint is refused with the validator's reason and one that keeps
the schedule valid is taken, release/acknowledge mark the task, the completion chart loads."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPointF, Qt

from app.core.layout import load_layout
from app.core.shifts import ShiftCalendar
from app.core.store import TagStore
from app.core.tags import Quality, TagValue
from app.production.config import load_production
from app.production.service import ProductionService
from widgets.dispatch_board import DispatchBoardPanel
from widgets.panel import PanelContext

FOLDER = Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter"


@pytest.fixture
def board(qtbot):  # type: ignore[no-untyped-def]
    layout = load_layout(FOLDER)
    cal = ShiftCalendar()
    start = cal.shift(cal.shift_at(__import__("datetime").datetime(2026, 12, 1, 9, tzinfo=cal.tz)).day, 2).start
    clock = {"now": start + timedelta(minutes=30)}
    store = TagStore(layout.tags.values())
    svc = ProductionService(load_production(FOLDER / "production.yaml"))
    svc.store = store
    runtime = SimpleNamespace(layout=layout, store=store, services={"production": svc}, audit=None, historian=None)
    panel = DispatchBoardPanel(PanelContext(runtime=runtime, bridge=None), now=lambda: clock["now"])  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.resize(1400, 800)
    panel.show()
    return panel, svc, store, clock, start


def _apply(store, values, when):  # type: ignore[no-untyped-def]
    store.apply({k: TagValue(v, Quality.GOOD, when, when) for k, v in values.items()})


def test_schedule_runs_in_the_worker_and_shows_progress(board, qtbot):  # type: ignore[no-untyped-def]
    panel, svc, store, clock, start = board
    seen = []
    panel._signals.sig_progress.connect(lambda *a: seen.append(a))
    qtbot.mouseClick(panel.btn_solve, Qt.MouseButton.LeftButton)
    assert not panel.btn_solve.isEnabled()  # the GUI stays responsive; the solver is off-thread
    qtbot.waitUntil(lambda: panel.btn_solve.isEnabled(), timeout=60000)
    assert svc.schedule is not None and svc.schedule.rule == "cpsat"
    assert seen and panel.gantt.schedule is svc.schedule
    assert "batches" in panel.objective.text()


def test_late_converter_is_listed_with_its_reason(board, qtbot):  # type: ignore[no-untyped-def]
    panel, svc, store, clock, start = board
    qtbot.mouseClick(panel.btn_greedy, Qt.MouseButton.LeftButton)
    blow = next(t for t in svc.schedule.tasks if t.kind == "slag_blow")
    clock["now"] = svc.schedule.problem.horizon_start + timedelta(minutes=blow.start + 30)
    _apply(store, {f"{blow.resource}.STATE": 1}, clock["now"])  # still charging
    panel._on_timer_timeout()
    rows = [panel.late_model.item(r, 0).text() for r in range(panel.late_model.rowCount())]
    assert blow.id in rows
    reason = panel.late_model.item(rows.index(blow.id), 3).text()
    assert reason.startswith(f"{blow.resource} is charging; planned slag blow since")
    assert blow.id in panel.gantt.late


def test_drag_is_rechecked_by_the_validator(board, qtbot):  # type: ignore[no-untyped-def]
    panel, svc, store, clock, start = board
    qtbot.mouseClick(panel.btn_greedy, Qt.MouseButton.LeftButton)
    clock["now"] = svc.schedule.problem.horizon_start
    panel._on_timer_timeout()
    pour = next(t for t in svc.schedule.tasks if t.kind == "pour")
    rect = panel.gantt._bar_rect(pour)
    centre = rect.center()
    # drag the pour two hours earlier, into its copper blow: refused with the reason
    left = QPointF(panel.gantt._x(pour.start - 120) + rect.width() / 2, centre.y())
    qtbot.mousePress(panel.gantt, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    qtbot.mouseMove(panel.gantt, pos=left.toPoint())
    qtbot.mouseRelease(panel.gantt, Qt.MouseButton.LeftButton, pos=left.toPoint())
    assert panel.status.text().startswith("Not moved: precedence:")
    assert next(t for t in svc.schedule.tasks if t.id == pour.id).start == pour.start
    # the last cast of the horizon moved one hour later still meets every constraint
    cast = max((t for t in svc.schedule.tasks if t.kind == "cast"), key=lambda t: t.start)
    panel._on_gantt_task_moved(cast.id, cast.start + 60)
    assert "still meets every constraint" in panel.status.text()
    assert next(t for t in svc.schedule.tasks if t.id == cast.id).start == cast.start + 60


def test_release_and_acknowledge(board, qtbot):  # type: ignore[no-untyped-def]
    panel, svc, store, clock, start = board
    qtbot.mouseClick(panel.btn_greedy, Qt.MouseButton.LeftButton)
    task = svc.schedule.tasks[-1]
    panel.gantt.selected = task.id
    qtbot.mouseClick(panel.btn_ack, Qt.MouseButton.LeftButton)
    assert "has not been released" in panel.status.text()
    qtbot.mouseClick(panel.btn_release, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.btn_ack, Qt.MouseButton.LeftButton)
    assert task.id in svc.acknowledged and task.id in panel.gantt.acknowledged


def test_acid_plant_banner_warns_when_three_blow(board, qtbot):  # type: ignore[no-untyped-def]
    panel, svc, store, clock, start = board
    qtbot.mouseClick(panel.btn_greedy, Qt.MouseButton.LeftButton)
    _apply(store, {"PSC1.STATE": 2, "PSC2.STATE": 4, "PSC3.STATE": 2}, clock["now"])
    panel._on_timer_timeout()
    assert "3 blowing" in panel.acid.text() and "e8771a" in panel.acid.styleSheet()


def test_completion_chart_shows_plan_and_no_data_as_a_gap(board, qtbot):  # type: ignore[no-untyped-def]
    panel, svc, store, clock, start = board
    panel._stats_query.wait(30)
    assert panel._plan is not None
    assert "no data" in panel.stats_note.text()  # nothing recorded yet: not shown as zero
    panel.level.setCurrentIndex(3)  # month
    assert panel.stats_note.text().startswith("Current month: plan")


def test_the_main_window_shows_the_board_as_a_central_tab(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from app.runtime import Runtime
    from widgets.main_window import MainWindow

    runtime = Runtime(load_layout(FOLDER))
    runtime.setup_modules()  # what start() does once the loop runs
    assert "production" in runtime.services, runtime.module_problems
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    assert "dispatch_board" in window.central_panels, window.panel_problems
    assert window.show_central("dispatch_board")
    tabs = [window.central_tabs.tabText(i) for i in range(window.central_tabs.count())]
    assert "Dispatch board" in tabs


def test_plan_tab_imports_and_approves_with_a_signature(qtbot, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from app.core.settings import load_settings
    from app.db import Base
    from app.production import models  # noqa: F401 - the tables
    from app.production.plan_store import PlanStore
    from app.security.context import build_security

    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    settings = load_settings()
    settings.critical_second_person = False
    settings.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    security = build_security(settings)
    Base.metadata.create_all(security.engine)  # test fixture only
    security.users.add_user("lead", "lead-pass-1", ["shift_lead"])
    security.session.login("lead", "lead-pass-1")
    layout = load_layout(FOLDER)
    store = TagStore(layout.tags.values())
    svc = ProductionService(load_production(FOLDER / "production.yaml"))
    svc.plan_store = PlanStore(security.engine, security.audit)
    runtime = SimpleNamespace(layout=layout, store=store, services={"production": svc}, audit=security.audit, historian=None)
    panel = DispatchBoardPanel(PanelContext(runtime=runtime, bridge=None, session=security.session))  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.show()
    tab = panel.plan_tab
    assert tab.btn_approve.isEnabled()
    qtbot.mouseClick(tab.btn_import, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=10000)
    assert tab.model.item(0, 1).text() == "draft"
    tab.view.selectRow(0)
    qtbot.mouseClick(tab.btn_approve, Qt.MouseButton.LeftButton)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()  # opened with open(), not exec()
    dialog.password.setText("wrong")
    dialog.reason.setText("budget")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert tab.status.text().startswith("Not approved:")
    qtbot.mouseClick(tab.btn_approve, Qt.MouseButton.LeftButton)
    tab.dialog.password.setText("lead-pass-1")
    tab.dialog.reason.setText("budget 2026")
    tab.dialog.buttons.button(tab.dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1 and tab.model.item(0, 1).text() == "approved", timeout=10000)
    assert tab.model.item(0, 3).text() == "lead"
    events = [(e.event_type, e.result) for e in security.audit.entries()]
    assert ("plan_approve", "success") in events and ("signature", "failure") in events
    security.close()


def test_reschedule_from_now_after_an_upset_keeps_history_and_validates(board, qtbot):  # type: ignore[no-untyped-def]
    from app.production.validator import validate

    panel, svc, store, clock, start = board
    qtbot.mouseClick(panel.btn_greedy, Qt.MouseButton.LeftButton)
    first = svc.schedule
    clock["now"] = first.problem.horizon_start + timedelta(minutes=300)
    _apply(store, {"PSC2.STATE": 6}, clock["now"])  # converter 2 found in maintenance
    qtbot.mouseClick(panel.btn_reschedule, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.btn_reschedule.isEnabled() and svc.schedule is not first, timeout=60000)
    again = svc.schedule
    started = {t.id: t for t in first.tasks if t.start < 300}
    assert started and all(any(t.id == i and t.start == s.start for t in again.tasks) for i, s in started.items())
    assert any(u.resource == "PSC2" and u.kind == "breakdown" for u in again.problem.unavailable)
    assert validate(again.to_json()) == []
