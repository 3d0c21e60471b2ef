"""A plant with something to maintain, for the panel tests and the screenshots: simulated
values (one pump tripped by its worn bearing, a converter blower in zone C, the main blower
rising towards it), 30 days of vibration
history, a week of state history, a lock-out and work orders of each kind."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.tags import Quality, TagValue
from app.maintenance.ledger import load_for_layout
from app.maintenance.service import MaintenanceService
from app.maintenance.workorders import set_plan_record
from app.sim.model import FAULT, PlantModel


def good(value: object, t: dt.datetime) -> TagValue:
    return TagValue(value, Quality.GOOD, t, t)  # type: ignore[arg-type]


def simulated_store(layout: PlantLayout, now: dt.datetime) -> tuple[TagStore, PlantModel]:
    """The simulator's plant after a worn pump bearing tripped WT.P1 and the main blower wore into zone C."""
    model = PlantModel(layout.tags, seed=1)
    model.step(600)
    pump = model.motors["WT.P1"]
    pump.age_h = pump.onset_h + 300.0
    pump.wear = 5.8  # a bearing near the end of its life (vib_base + wear just under C/D)
    model.motors["AP.BLOWER"].wear = 1.5  # zone B, rising: the forecast
    model.motors["PSC3.BLOWER"].wear = 2.8  # zone C now
    for _ in range(400):
        model.step(600)
        if pump.state == FAULT:
            break
    assert pump.state == FAULT, "the worn pump did not trip"
    store = TagStore(layout.tags.values())
    store.apply({k: good(v, now) for k, v in model.values.items() if k in layout.tags})
    return store, model


def write_history(historian: Any, layout: PlantLayout, now: dt.datetime) -> None:
    """30 days of hourly vibration: flat for most, rising for the blower, stepping up for the pump."""
    rng = random.Random(5)
    ledger = load_for_layout(layout)
    assert ledger is not None
    start = now - dt.timedelta(days=30)
    for h in range(30 * 24):
        t = start + dt.timedelta(hours=h)
        batch: dict[str, TagValue] = {}
        for eq in ledger:
            tag = eq.tags.get("vibration")
            if tag is None or eq.zones is None:
                continue
            base = eq.zones.ab * 0.7
            if eq.id == "AP.BLOWER":
                v = 2.0 * math.exp(0.0223 * h / 24)  # 2.0 -> ~3.9 mm/s over 30 days: zone C in ~6 days
            elif eq.id == "WT.P1":
                v = base + 0.12 * max(0.0, h / 24 - 18)
            else:
                v = base
            batch[tag] = good(round(v * (1 + rng.gauss(0, 0.03)), 3), t)
        historian.writer.enqueue(batch)
    assert historian.writer.flush()


def state_history(svc: MaintenanceService, now: dt.datetime) -> None:
    """A week of transitions: a few breakdowns and planned stops."""
    t0 = now - dt.timedelta(days=7)
    rows: list[tuple[str, dt.datetime, str, float | None]] = []
    for eq in svc.ledger:
        rows.append((eq.id, t0, "running", None))
    h = dt.timedelta(hours=1)
    rows += [
        ("WT.P1", t0 + 60 * h, "unplanned_stop", None), ("WT.P1", t0 + 65 * h, "running", None),
        ("WT.P1", now - 3 * h, "unplanned_stop", None),
        ("CB.BELT1", t0 + 30 * h, "unplanned_stop", None), ("CB.BELT1", t0 + 33 * h, "running", None),
        ("CB.BELT2", t0 + 100 * h, "planned_stop", None), ("CB.BELT2", t0 + 104 * h, "running", None),
        ("PSC2.BLOWER", t0 + 80 * h, "idle", None), ("PSC2.BLOWER", t0 + 92 * h, "running", None),
        ("WT.P2", t0, "idle", None),
    ]
    svc.db.add_transitions(sorted(rows, key=lambda r: r[1]))


def build(layout: PlantLayout, engine: Any, historian: Any, alarms: Any = None) -> tuple[MaintenanceService, TagStore]:
    """The service on a simulated store with history, lock-out and work orders."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    store, _model = simulated_store(layout, now)
    if historian is not None:
        write_history(historian, layout, now)
    ledger = load_for_layout(layout)
    assert ledger is not None
    svc = MaintenanceService(ledger, engine, store=store, alarms=alarms, historian=historian, all_tags=layout.tags)
    state_history(svc, now)
    svc.start()
    svc.check_plans()  # first sight of every plan
    for plan in ("OX.COMP.LUBE", "CB.BELT1.INSPECT"):  # last done long ago: due now
        eq = plan.rsplit(".", 1)[0]
        rh = svc.value(eq, "run_hours")
        set_plan_record(engine, plan, eq, now - dt.timedelta(days=46), None if rh is None else rh - 2100)
    pm = svc.check_plans()
    svc.lock_out("CB.BELT2", "fitter", "replace drive pulley lagging")
    if alarms is not None:
        alarm_id = next(rid for rid, r in alarms.records.items() if r.definition.tag == "WT.P1.STATE")
        svc.create_corrective("op1", alarm_id=alarm_id)
    else:
        svc.create_corrective("op1", equipment="WT.P1", title="Cooling water pump 1: tripped, bearing noise")
    old = svc.create_corrective("op2", equipment="SF.MILL.MOTOR", title="Mill motor: cooling fan guard loose")
    for status in ("approved", "scheduled", "in_progress", "done"):
        svc.advance(old.id, status, "fitter")
    if pm:
        for status in ("approved", "scheduled"):
            svc.advance(pm[0].id, status, "planner", assignee="Zhang Wei")
    if historian is not None:
        svc.check_predictions()
    return svc, store
