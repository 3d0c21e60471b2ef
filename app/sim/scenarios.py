"""Named fault scenarios: ``crucible sim --scenario NAME`` and ``await run_scenario(runner, NAME)``.

Each scenario acts on a running :class:`~app.sim.runner.SimulatorRunner`: on its plant model
(instrument failures, trips, upsets, short circuits) or on its servers (stop answering).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.sim.model import PlantModel


class SimulatorRunner(Protocol):
    """What a scenario acts on (``app.sim.runner.SimulatorRunner`` is one): the plant model and
    the servers. A protocol, so the runner and its scenarios do not import each other."""

    model: PlantModel

    async def pause_servers(self) -> None: ...

    async def resume_servers(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    run: Callable[[SimulatorRunner, float], Awaitable[None]]


async def _frozen(runner: SimulatorRunner, duration: float) -> None:
    runner.model.instrument_fault("SMF.T_MATTE", "frozen", duration_s=duration)


async def _bad(runner: SimulatorRunner, duration: float) -> None:
    runner.model.instrument_fault("TH.T_ELEC", "bad", duration_s=duration, reason="sensor")


async def _blower_trip(runner: SimulatorRunner, duration: float) -> None:
    runner.model.trip("AP.BLOWER")


async def _acid_upset(runner: SimulatorRunner, duration: float) -> None:
    runner.model.acid_upset(duration)


async def _shorts(runner: SimulatorRunner, duration: float) -> None:
    runner.model.short_cluster(section=1, first=12, count=8, duration_s=duration)


async def _server_pause(runner: SimulatorRunner, duration: float) -> None:
    await runner.pause_servers()
    await asyncio.sleep(duration)
    await runner.resume_servers()


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("frozen-instrument", "SMF.T_MATTE sticks at its value, quality still Good (1 h sim)", _frozen),
        Scenario("bad-instrument", "TH.T_ELEC goes BadSensorFailure (1 h sim)", _bad),
        Scenario("blower-trip", "main SO2 blower AP.BLOWER trips: acid plant down, converters stop blowing", _blower_trip),
        Scenario("acid-upset", "catalyst bed 1 quenched: conversion falls, tail SO2 spikes (30 min sim)", _acid_upset),
        Scenario("short-cluster", "cells 12-19 of tankhouse section 1 short-circuit (90 min sim)", _shorts),
        Scenario("server-pause", "OPC UA and Modbus servers stop answering, then come back (20 s wall)", _server_pause),
    )
}
# default durations: simulated seconds for plant faults, wall seconds for the server pause
DEFAULT_DURATION = {"frozen-instrument": 3600.0, "bad-instrument": 3600.0, "blower-trip": 0.0,
                    "acid-upset": 1800.0, "short-cluster": 5400.0, "server-pause": 20.0}


async def run_scenario(runner: SimulatorRunner, name: str, duration: float | None = None) -> None:
    """Start scenario ``name`` on ``runner`` (raises KeyError naming the known ones)."""
    scenario = SCENARIOS.get(name)
    if scenario is None:
        raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    await scenario.run(runner, DEFAULT_DURATION[name] if duration is None else duration)
