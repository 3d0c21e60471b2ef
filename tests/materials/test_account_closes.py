"""The copper and sulphur accounts from tags close shift by shift, and a loss nobody metered is
caught: the simulator's model driven in-process at fast time (as the ledger tests drive it),
its tags sampled every minute, each shift's account computed by the materials service from
those samples (materials.yaml terms and account stocks), and the day's figure published on
MAT.CU_UNACCOUNTED with the layout's own alarm on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from app.alarms.definitions import load_alarms
from app.alarms.engine import AlarmEngine
from app.core.layout import PlantLayout, load_layout
from app.core.store import TagStore
from app.energy.service import EnergyService
from app.materials.account import stocks_at
from app.materials.config import MaterialsConfig, load_materials_config
from app.materials.service import UNACCOUNTED_TAG, MaterialsService
from app.materials.simulated import SimulatedRun, account_tags, simulate
from app.sim.model import FLOW_TOTAL_TAGS, INVENTORY_TAGS, PlantModel

LEAK_HOUR = 24 + 8 + 3.0  # day 2, day shift, three hours in
LEAK_MATTE_T = 60.0  # a matte run-out into a pit, never weighed: ~37 t of copper


def _run_out(model: Any) -> None:
    model.furnace_matte.take(LEAK_MATTE_T)  # gone from the settler, booked nowhere


@pytest.fixture(scope="module")
def two_days() -> tuple[PlantLayout, MaterialsConfig, SimulatedRun, EnergyService]:
    layout = load_layout()
    cfg = load_materials_config(layout)
    energy = EnergyService(layout)
    start = energy.calendar.day_bounds(date(2026, 12, 1))[0]
    run = simulate(layout, start, 48.0, account_tags(cfg), sample_s=60.0, seed=3, events={LEAK_HOUR: _run_out})
    return layout, cfg, run, energy


@pytest.fixture()
def alarmed(two_days: tuple[PlantLayout, MaterialsConfig, SimulatedRun, EnergyService]) -> Iterator[tuple[MaterialsService, Any]]:
    layout, cfg, run, _ = two_days
    store = TagStore(layout.tags.values())
    engine = AlarmEngine(load_alarms(layout), layout.tags)  # alarms.yaml + alarms.d, as the runtime loads them
    engine.attach(store)
    yield MaterialsService(layout, run.source, store), engine
    engine.detach()


def _standing(engine: Any) -> list[str]:
    return [r.definition.tag for r in engine.records.values() if r.standing]


def test_copper_account_from_tags_closes_every_shift_of_a_clean_day(two_days, alarmed) -> None:  # type: ignore[no-untyped-def]
    layout, cfg, run, energy = two_days
    service, engine = alarmed
    day1 = energy.calendar.shifts_between(run.start, run.start + timedelta(days=1))
    assert len(day1) == 3
    alarm_pct = cfg.accounts["Cu"].alarm_pct
    assert alarm_pct == 2.0
    for shift in day1:
        acc = service.account(shift.start, shift.end)
        cu, s = acc["copper"], acc["sulphur"]
        assert 380 < cu["fed_t"] < 460, shift.id  # ~205 t/h of ~25.5 % Cu concentrate for 8 h
        # the converters, ladles and anode furnaces swing by hundreds of tonnes within a shift ...
        assert max(abs(v - cu["stock_open_t"][k]) for k, v in cu["stock_close_t"].items()) > 50, shift.id
        # ... and the account still closes to well under the alarm
        assert abs(cu["unaccounted_pct"]) < 1.0, (shift.id, cu)
        assert cu["closes"] is True
        assert abs(s["unaccounted_pct"]) < 1.0, (shift.id, s)
        assert s["closes"] is True
    # the day after: yesterday's copper account on MAT.CU_UNACCOUNTED, and its alarm stays quiet
    pct = service.publish(run.start + timedelta(days=1, hours=1))
    assert pct is not None and abs(pct) < 1.0
    assert store_value(service) == pytest.approx(pct)
    assert UNACCOUNTED_TAG not in _standing(engine)


def test_copper_nobody_metered_is_unaccounted_in_its_shift_and_raises_the_alarm(two_days, alarmed) -> None:  # type: ignore[no-untyped-def]
    layout, cfg, run, energy = two_days
    service, engine = alarmed
    day2 = energy.calendar.shifts_between(run.start + timedelta(days=1), run.end)
    leaked = [sh for sh in day2 if sh.start <= run.start + timedelta(hours=LEAK_HOUR) < sh.end]
    assert len(leaked) == 1
    for shift in day2:
        cu = service.account(shift.start, shift.end)["copper"]
        if shift in leaked:
            # ~60 t of 62 % matte: ~37 t of copper, ~9 % of the shift's feed
            assert cu["unaccounted_t"] == pytest.approx(LEAK_MATTE_T * 0.62, rel=0.1)
            assert cu["unaccounted_pct"] > 5.0 and cu["closes"] is False
        else:
            assert abs(cu["unaccounted_pct"]) < 1.0, (shift.id, cu)  # the loss stays in its own shift
    pct = service.publish(run.end + timedelta(hours=1))
    assert pct is not None and pct > 2.0  # ~3 % of the day's copper
    assert UNACCOUNTED_TAG in _standing(engine)


def store_value(service: MaterialsService) -> float:
    tv = service.store.get(UNACCOUNTED_TAG)
    assert tv is not None
    return float(tv.value)


def test_every_inventory_of_the_ledger_is_a_tag_in_the_account(layout: PlantLayout) -> None:
    """At any moment the account stocks read from the published tags hold what the
    simulator's ledger holds: a stock the model gains later without a tag fails here."""
    cfg = load_materials_config(layout)
    model = PlantModel(layout.tags, seed=11)
    for name in (*[f"{p}_{x}" for p in INVENTORY_TAGS.values() for x in ("CU", "S")], *FLOW_TOTAL_TAGS.values()):
        assert name in layout.tags, name
    for _ in range(int(16 * 3600 / 600)):  # two shifts, every 10 minutes
        model.step(600.0)

        def value(tag: str) -> float:
            return float(model.values[tag])

        cu_tags = sum(stocks_at(cfg, value, "Cu").values())
        cu_model = sum(model._stocks("cu").values())
        assert cu_tags == pytest.approx(cu_model, rel=1e-9, abs=1e-6)
        s_model = sum(v for k, v in model._stocks("s").items() if k != "acid tank")  # acid: booked as it is made
        assert sum(stocks_at(cfg, value, "S").values()) == pytest.approx(s_model, rel=1e-9, abs=1e-6)


def test_the_account_is_published_periodically_under_the_supervisor(layout: PlantLayout) -> None:
    """The shared periodic publisher (app.core.periodic) runs the materials figure under its own
    name, on its worker pool, and stops with the module."""
    import asyncio

    from app.core.supervisor import Supervisor
    from app.energy.source import ArraySource

    store = TagStore(layout.tags.values())
    svc = MaterialsService(layout, ArraySource({}), store)
    svc.yesterday_unaccounted_pct = lambda now=None: 0.42  # type: ignore[method-assign]  # the day's figure

    async def go() -> tuple[bool, bool]:
        svc.supervisor = Supervisor()
        svc.start()
        for _ in range(100):
            await asyncio.sleep(0.05)
            if store.get(UNACCOUNTED_TAG) is not None:
                break
        running = svc.supervisor.handles["materials account"].running
        svc.close()
        await asyncio.sleep(0.05)
        handle = svc.supervisor.handles.get("materials account")
        svc.supervisor.stop()
        return running, handle is None or not handle.running

    assert asyncio.run(go()) == (True, True)
    assert store_value(svc) == 0.42
