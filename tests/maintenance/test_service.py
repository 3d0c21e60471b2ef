"""The maintenance service on real parts: the tag store, the alarm engine, the write path and
security session against the simulator's OPC UA server, a real SQLite plant database and the
historian's writer and reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.tags import Quality, TagValue
from app.historian.service import open_historian
from app.maintenance.ledger import load_for_layout
from app.maintenance.service import MaintenanceService
from app.maintenance.workorders import WorkOrderError
from app.runtime import Runtime
from app.security import permissions as perms
from app.security.context import Security
from app.security.session import PermissionDenied
from tests.io.test_opcua_driver import wait_for
from tests.maintenance.conftest import FakeClock


def good(value: object, t: dt.datetime) -> TagValue:
    return TagValue(value, Quality.GOOD, t, t)


def own_historian(settings, layout: PlantLayout, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A historian on its own SQLite file (the maintenance tables stay in the security fixture's)."""
    import dataclasses

    mine = dataclasses.replace(settings, db_url=f"sqlite:///{tmp_path / 'history.sqlite'}")
    historian = open_historian(mine, definitions=layout.tags)
    assert not historian.schema_message, historian.schema_message
    historian.start()
    return historian


def service(layout: PlantLayout, security: Security, clock: FakeClock, store: TagStore | None = None,
            historian: object = None) -> MaintenanceService:
    ledger = load_for_layout(layout)
    assert ledger is not None
    svc = MaintenanceService(ledger, security.engine, store=store, audit=security.audit, clock=clock.utc,
                             historian=historian, all_tags=layout.tags)
    svc.start()
    return svc


def test_recorder_writes_transitions_and_kpis_come_from_them(layout: PlantLayout, security: Security, clock: FakeClock) -> None:
    store = TagStore(layout.tags.values())
    svc = service(layout, security, clock, store)
    start = clock.now
    for state, hours in ((1, 10), (2, 2), (1, 6), (0, 6)):  # running 10 h, FAULT 2 h, running 6 h, stopped
        store.apply({"AP.BLOWER.STATE": good(state, clock.now), "AP.BLOWER.VIB": good(2.0, clock.now)})
        store.apply({"AP.BLOWER.VIB": good(2.1, clock.now)})  # values that change no state add nothing
        clock.advance(hours=hours)
    assert svc.flush() == 4
    rows = svc.db.transitions(equipment="AP.BLOWER")
    assert [s for _, _, s in rows] == ["running", "unplanned_stop", "running", "idle"]
    k = {x.equipment: x for x in svc.kpis(start, clock.now)}["AP.BLOWER"]
    assert (k.failures, k.mtbf_h, k.mttr_h) == (1, 16.0, 2.0)
    assert k.availability_pct == pytest.approx(100 * 22 / 24)
    svc.close()


def test_preventive_work_order_generated_on_time_from_run_hours(layout: PlantLayout, security: Security, clock: FakeClock) -> None:
    store = TagStore(layout.tags.values())
    svc = service(layout, security, clock, store)

    def run_hours(h: float) -> None:
        store.apply({"AP.BLOWER.RUN_HOURS": good(h, clock.now)})

    def lube_orders() -> list:  # type: ignore[type-arg]
        return [w for w in svc.db.list("AP.BLOWER", kind="preventive") if w.plan_id == "AP.BLOWER.LUBE"]

    run_hours(41000.0)
    assert svc.check_plans() == [] or not lube_orders()  # first sight: counted from now
    clock.advance(days=40)
    run_hours(42999.5)
    svc.check_plans()
    assert lube_orders() == []  # 1999.5 of 2000 run hours: not yet
    run_hours(43000.0)
    opened = svc.check_plans()
    lube = lube_orders()
    assert len(lube) == 1 and lube[0] in opened and lube[0].status == "requested"
    assert "2000 run hours" in lube[0].title
    clock.advance(hours=1)
    run_hours(43001.0)
    svc.check_plans()
    assert len(lube_orders()) == 1  # once per due date
    # the crew does it: the next one counts from then
    for status in ("approved", "scheduled", "in_progress", "done"):
        svc.advance(lube[0].id, status, "fitter")
    clock.advance(days=40)
    run_hours(44999.0)
    svc.check_plans()
    assert len(lube_orders()) == 1
    run_hours(45001.0)
    svc.check_plans()
    assert len(lube_orders()) == 2
    svc.close()


def test_closing_needs_the_permission_and_a_signature(layout: PlantLayout, security: Security, clock: FakeClock) -> None:
    users, session = security.users, security.session
    users.add_user("op1", "furnace-42", ["operator"])
    users.add_user("fitter", "wrench-1234", ["maintenance"])
    users.add_user("fitter2", "spanner-5678", ["maintenance"])
    svc = service(layout, security, clock)
    wo = svc.create_corrective("op1", equipment="WT.P1", title="Pump 1 noisy")
    for status in ("approved", "scheduled", "in_progress"):
        svc.advance(wo.id, status, "fitter")
    svc.advance(wo.id, "done", "fitter", "bearing replaced", labour_h=3.5, parts=[{"part": "SKF 22218 E", "quantity": 2}])
    with pytest.raises(WorkOrderError, match="can go to closed next, not approved"):
        svc.advance(wo.id, "approved", "fitter")
    session.login("op1", "furnace-42")
    with pytest.raises(PermissionDenied, match="op1 \\(operator\\) may not close work orders"):
        svc.close_work_order(wo.id, session, None)
    session.login("fitter", "wrench-1234")
    with pytest.raises(WorkOrderError, match="needs an electronic signature"):
        svc.close_work_order(wo.id, session, None)
    other = session.sign_critical(perms.CLOSE_WORK_ORDERS, "WO-99999", "closed", "wrench-1234", "fitter2", "spanner-5678", "done")
    with pytest.raises(WorkOrderError, match="for something else"):
        svc.close_work_order(wo.id, session, other)
    sig = session.sign_critical(perms.CLOSE_WORK_ORDERS, wo.label(), "closed", "wrench-1234", "fitter2", "spanner-5678",
                                "tested 2 h, vibration 1.1 mm/s")
    closed = svc.close_work_order(wo.id, session, sig)
    assert (closed.status, closed.closed_by) == ("closed", "fitter")
    full = svc.db.get(wo.id)
    assert [h[3] for h in full.history] == ["requested", "approved", "scheduled", "in_progress", "done", "closed"]
    assert full.labour_h == 3.5 and full.parts[0]["quantity"] == 2
    events = [(e.event_type, e.target, e.second_user) for e in security.audit.entries(limit=20)]
    assert ("maintenance_work_order_close", wo.label(), "fitter2") in events


def test_corrective_from_an_alarm_attaches_it_and_a_trend_snapshot(layout: PlantLayout, security: Security, clock: FakeClock,
                                                                    settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    historian = own_historian(settings, layout, tmp_path)
    try:
        t0 = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=90)
        for i in range(90):
            t = t0 + dt.timedelta(minutes=i)
            historian.writer.enqueue({"WT.P1.VIB": good(2.0 + i * 0.02, t), "WT.P1.STATE": good(1, t)})
        assert historian.writer.flush()
        from app.alarms.service import build_alarm_engine

        store = TagStore(layout.tags.values())
        alarms = build_alarm_engine(layout, store)
        clock.now = dt.datetime.now(dt.UTC)
        ledger = load_for_layout(layout)
        assert ledger is not None
        svc = MaintenanceService(ledger, security.engine, store=store, alarms=alarms, historian=historian,
                                 audit=security.audit, clock=clock.utc, all_tags=layout.tags)
        alarm_id = next(rid for rid, r in alarms.records.items() if r.definition.tag == "WT.P1.VIB")
        wo = svc.create_corrective("op1", alarm_id=alarm_id)
        assert wo.equipment == "WT.P1" and wo.alarm_id == alarm_id and alarm_id in wo.alarm_text
        trend = svc.db.get(wo.id).snapshot["WT.P1.VIB"]
        values = [v for _, v in trend[1:] if v is not None]
        assert len(values) >= 10 and values[-1] > values[0] + 1.0  # the rising vibration is in the order
        with pytest.raises(WorkOrderError, match="no such alarm"):
            svc.create_corrective("op1", alarm_id="NOPE")
    finally:
        historian.stop()


def test_prediction_from_daily_rollups_opens_one_predictive_request(layout: PlantLayout, security: Security, clock: FakeClock,
                                                                    settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    historian = own_historian(settings, layout, tmp_path)
    try:
        now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
        start = now - dt.timedelta(days=30)
        for h in range(30 * 24):  # group 2 pump: 1.2 mm/s rising 0.05 mm/s a day; zone C (2.8) at day 32
            t = start + dt.timedelta(hours=h)
            historian.writer.enqueue({"WT.P2.VIB": good(1.2 + 0.05 * h / 24, t)})
        assert historian.writer.flush()
        clock.now = now
        svc = service(layout, security, clock, historian=historian)
        pred = svc.predict("WT.P2")
        assert pred is not None and pred.boundary == 2.8
        assert abs(pred.days - 2.0) <= 1.0, pred  # 32 - 30 days, ±20 % of the 32-day crossing from the start
        first = svc.apply_prediction("WT.P2", pred)
        assert first is not None and first.kind == "predictive" and "zone C in about" in first.title
        assert svc.apply_prediction("WT.P2", svc.predict("WT.P2")) is None  # once
        assert len(svc.db.list("WT.P2", kind="predictive")) == 1
    finally:
        historian.stop()


async def test_lock_out_suppresses_alarms_and_blocks_writes_until_a_signed_return(
    layout: PlantLayout, sim_server, security: Security, clock: FakeClock, settings, tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    users, session = security.users, security.session
    users.add_user("apprentice", "spanner-0000", ["operator"])
    # taking alarms out of service is the alarm engine's rule (lockout_equipment: maintenance,
    # shift leads and process engineers by default); an operator may not
    users.add_user("fitter", "wrench-1234", ["maintenance"])
    users.add_user("fitter2", "spanner-5678", ["maintenance"])
    rt = Runtime(layout, endpoint_override=sim_server.endpoint, db_url=settings.db_url)
    rt.attach_security(session)
    rt.start()  # sets up the modules of the registry: maintenance among them, on the plant database
    try:
        field_tags = [n for n, t in layout.tags.items() if t.address.startswith("opcua://")]
        assert await wait_for(lambda: all(n in rt.store.values for n in field_tags), 20)  # the simulator's values
        assert "maintenance" not in rt.module_problems
        svc = rt.services["maintenance"]
        assert isinstance(svc, MaintenanceService) and svc.task is not None
        svc.clock = clock.utc
        pump_alarms = [rid for rid, r in rt.alarms.records.items() if r.definition.tag.startswith("WT.P2.")]
        assert pump_alarms
        session.login("apprentice", "spanner-0000")
        with pytest.raises(WorkOrderError, match="WT.P2: its alarms cannot be taken out of service: apprentice"):
            svc.lock_out("WT.P2", session, "replace mechanical seal")
        assert "WT.P2" not in svc.locked and not svc.db.open_lockouts()  # all or nothing
        assert not any(rt.alarms.records[r].out_of_service for r in pump_alarms)
        session.login("fitter", "wrench-1234")
        svc.lock_out("WT.P2", session, "replace mechanical seal")
        assert all(rt.alarms.records[r].out_of_service for r in pump_alarms)
        assert not any(r.out_of_service for r in rt.alarms.records.values() if r.definition.tag.startswith("WT.P1."))
        refused = await rt.write_path.write(session.request("WT.P2.CMD", True))
        assert not refused.ok
        assert refused.message.startswith("WT.P2.CMD: WT.P2 is locked out for maintenance (by fitter: replace mechanical seal)")
        other = await rt.write_path.write(session.request("WT.P1.CMD", True))
        assert other.ok, other.message  # only the locked-out machine
        assert svc.states["WT.P2"] == "out_of_service"
        # a second console (or a restart) finds the lock-out in the database
        again = MaintenanceService(svc.ledger, svc.engine, clock=clock.utc)
        again.start()
        assert "WT.P2" in again.locked
        with pytest.raises(WorkOrderError, match="needs an electronic signature"):
            svc.return_to_service("WT.P2", session, None)
        wrong = session.sign_critical(perms.CLOSE_WORK_ORDERS, "WT.P1", "return to service", "wrench-1234", "fitter2",
                                      "spanner-5678", "seal replaced")
        with pytest.raises(WorkOrderError, match="for something else"):
            svc.return_to_service("WT.P2", session, wrong)
        assert "WT.P2" in svc.locked and not (await rt.write_path.write(session.request("WT.P2.CMD", True))).ok
        sig = session.sign_critical(perms.CLOSE_WORK_ORDERS, "WT.P2", "return to service", "wrench-1234", "fitter2",
                                    "spanner-5678", "seal replaced, run 1 h")
        svc.return_to_service("WT.P2", session, sig)
        assert not any(rt.alarms.records[r].out_of_service for r in pump_alarms)
        back = await rt.write_path.write(session.request("WT.P2.CMD", True))
        assert back.ok, back.message
        svc.flush()
        states = [s for _, _, s in svc.db.transitions(equipment="WT.P2")]
        assert "out_of_service" in states and states[-1] != "out_of_service"
        events = [(e.event_type, e.target) for e in security.audit.entries(limit=30)]
        assert ("maintenance_lock_out", "WT.P2") in events and ("maintenance_return_to_service", "WT.P2") in events
        stamp = rt.store.get("SMF.T_PROC").server_ts
        assert await wait_for(lambda: rt.store.get("SMF.T_PROC").server_ts > stamp)  # live values keep coming
    finally:
        await rt.stop()
    assert "maintenance" not in rt.services and svc.task.done()  # closed with the runtime


def test_run_hours_remaining_life_counts_from_the_order_that_fitted_the_part(layout: PlantLayout, security: Security,
                                                                              clock: FakeClock) -> None:
    store = TagStore(layout.tags.values())
    svc = service(layout, security, clock, store)
    store.apply({"WT.P1.RUN_HOURS": good(30000.0, clock.now)})
    life = dict((p, left) for p, _rated, left in svc.remaining_life("WT.P1"))
    assert life["SKF 22218 E"] == 25000 - 30000  # never replaced here: counted from the first hour, overdue
    wo = svc.create_corrective("op1", equipment="WT.P1", title="bearing noise")
    for status in ("approved", "scheduled", "in_progress"):
        svc.advance(wo.id, status, "fitter")
    svc.advance(wo.id, "done", "fitter", parts=[{"part": "SKF 22218 E", "quantity": 2}])
    store.apply({"WT.P1.RUN_HOURS": good(32000.0, clock.now)})
    life = dict((p, left) for p, _rated, left in svc.remaining_life("WT.P1"))
    assert life["SKF 22218 E"] == 25000 - 2000  # fitted at 30,000 h, 2,000 h ago
    assert life["mechanical seal kit"] == 16000 - 32000  # not replaced
    svc.close()


async def test_run_loop_writes_transitions_and_checks_plans(layout: PlantLayout, security: Security, clock: FakeClock) -> None:
    import asyncio

    store = TagStore(layout.tags.values())
    svc = service(layout, security, clock, store)
    task = asyncio.create_task(svc.run(period_s=0.05, plans_every_s=0.05, predict_every_s=3600))
    try:
        store.apply({"WT.P1.STATE": good(1, clock.now)})
        clock.advance(hours=1)
        store.apply({"WT.P1.STATE": good(2, clock.now)})
        assert await wait_for(lambda: len(svc.db.transitions(equipment="WT.P1")) == 2, 10)
        from app.maintenance.workorders import plan_records

        assert await wait_for(lambda: "WT.P1.LUBE" in plan_records(svc.engine), 10)  # plans seen by the loop
    finally:
        task.cancel()
        svc.close()


async def test_module_set_up_before_the_loop_runs_starts_its_work_when_started(
    layout: PlantLayout, security: Security, clock: FakeClock, settings,  # type: ignore[no-untyped-def]
) -> None:
    """The GUI sets modules up before its loop runs (panels need the services), then
    ``Runtime.start`` calls ``Module.start`` on the running loop: run() starts there."""
    import asyncio
    import threading

    from app.maintenance.module import MODULE

    rt = Runtime(layout, db_url=settings.db_url)
    box: dict[str, object] = {}
    worker = threading.Thread(target=lambda: box.update(svc=MODULE.setup(rt)))  # no running loop there
    worker.start()
    worker.join()
    svc = box["svc"]
    assert isinstance(svc, MaintenanceService) and svc.task is None
    rt.store.apply({"WT.P1.STATE": good(1, clock.now)})  # queued by the recorder; not written yet
    assert svc.task is None
    assert MODULE.start is not None
    MODULE.start(svc)  # on the running loop
    assert svc.task is not None
    assert await wait_for(lambda: len(svc.db.transitions(equipment="WT.P1")) == 1, 10)
    await MODULE.close(svc)  # type: ignore[misc]
    assert svc.task.done()
    await asyncio.sleep(0)
