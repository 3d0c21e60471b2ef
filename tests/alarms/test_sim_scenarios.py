"""The simulator's OWN fault scenarios (app/sim/scenarios.py) drive the real plant model; the
alarm engine sees what the servers would publish and raises what an operator expects."""

from __future__ import annotations

import asyncio

from app.alarms.definitions import Priority, load_alarms
from app.alarms.engine import AlarmEngine
from app.core.layout import PlantLayout
from app.core.tags import Quality, TagValue
from app.sim.model import FAULT
from app.sim.runner import SimulatorRunner
from app.sim.scenarios import SCENARIOS, run_scenario
from tests.alarms.helpers import Clock

STEP_S = 5.0


def _batch(runner: SimulatorRunner, values: dict[str, object], clock: Clock) -> dict[str, TagValue]:
    bad = runner.model.bad
    return {name: TagValue(v, Quality.BAD if name in bad else Quality.GOOD, clock.now, clock.now)
            for name, v in values.items()}


def _run(runner: SimulatorRunner, engine: AlarmEngine, clock: Clock, minutes: float) -> None:
    """Step the model as the runner does and hand each published change to the engine."""
    for _ in range(int(minutes * 60 / STEP_S)):
        clock.advance(STEP_S)
        engine.evaluate(_batch(runner, runner.model.step(STEP_S), clock))
        engine.tick()


def scenario_engine(layout: PlantLayout, name: str, minutes: float = 10.0) -> tuple[SimulatorRunner, AlarmEngine, set[str]]:
    """Ten minutes of normal running, then the simulator's scenario ``name`` for ``minutes``;
    returns the runner, the engine and the alarms that stood before the fault."""
    runner = SimulatorRunner(layout, port=0, seed=5)  # servers are not started: the model only
    clock = Clock()
    engine = AlarmEngine(load_alarms(layout), layout.tags, clock=clock)
    engine.evaluate(_batch(runner, dict(runner.model.values), clock))
    _run(runner, engine, clock, 10)
    before = {r.id for r in engine.visible()}
    asyncio.run(run_scenario(runner, name))
    _run(runner, engine, clock, minutes)
    return runner, engine, before


def test_blower_trip_scenario_trips_the_blower_and_its_urgent_alarm_is_first_out(layout: PlantLayout) -> None:
    runner, engine, before = scenario_engine(layout, "blower-trip")
    values = runner.model.values
    assert values["AP.BLOWER.STATE"] == FAULT, "the blower must show FAULT, not RUNNING at 0 rpm"
    assert layout.tags["AP.BLOWER.STATE"].states[FAULT] == "FAULT"
    assert float(values["AP.BLOWER.SPEED"]) == 0.0 and float(values["AP.BLOWER.CURRENT"]) == 0.0
    records = {r.id: r for r in engine.visible()}
    trip = records.get("AP.BLOWER.STATE.FAULT")
    assert trip is not None, sorted(records)
    assert trip.definition.priority is Priority.URGENT
    assert engine.first_out("AP.TRIP") == "AP.BLOWER.STATE.FAULT" and trip.first_out
    assert not records["AP.BLOWER.SPEED.DEV"].first_out
    # what follows from it: converters cannot blow, the acid plant loses its gas
    assert {"PSC1.BLAST_FLOW.L", "AP.GAS_FLOW.L"} <= set(records) - before


def test_acid_upset_scenario_raises_tail_gas_alarms(layout: PlantLayout) -> None:
    _runner, engine, before = scenario_engine(layout, "acid-upset")
    new = {r.id: r for r in engine.visible() if r.id not in before}
    assert {"AP.TAIL_SO2.H", "AP.TAIL_SO2.HH", "AP.CONV_TOT.L"} <= set(new)
    assert new["AP.TAIL_SO2.HH"].definition.priority is Priority.URGENT
    assert "AP.BLOWER.STATE.FAULT" not in new


def test_short_cluster_scenario_raises_the_shorted_cells(layout: PlantLayout) -> None:
    _runner, engine, before = scenario_engine(layout, "short-cluster")
    new = {r.id for r in engine.visible() if r.id not in before}
    cells = {f"TH.S1.C{c:02d}.V.L" for c in range(12, 20)}  # the scenario shorts cells 12-19
    assert cells <= new and "TH.S1.SHORTS.H" in new
    assert not any(i.startswith("TH.S2.") for i in new)


def test_every_plant_scenario_is_covered() -> None:
    # server-pause acts on the servers, not the plant: the driver tests cover it (tests/io)
    covered = {"blower-trip", "acid-upset", "short-cluster", "frozen-instrument", "bad-instrument", "server-pause"}
    assert set(SCENARIOS) == covered
