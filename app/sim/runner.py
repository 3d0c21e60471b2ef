"""Runs the plant model and serves it over OPC UA and Modbus TCP: ``crucible sim``."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from app.core.layout import PlantLayout
from app.sim.conditions import SimConditions, load_dcs
from app.sim.modbus_map import load_modbus_map
from app.sim.modbus_server import PlantModbusServer
from app.sim.model import PlantModel, SetpointError, Value
from app.sim.opcua_server import OpcUaSecurity, PlantOpcUaServer

log = logging.getLogger(__name__)
MODBUS_MAP_FILE = "modbus_map.yaml"


@dataclass(slots=True)
class RunnerStats:
    """What the runner has done since it started (for the bench and the logs)."""

    steps: int = 0
    opcua_updates: int = 0
    modbus_updates: int = 0
    step_cpu_s: float = 0.0
    publish_cpu_s: float = 0.0


class SimulatorRunner:
    """Steps the model every ``period_s`` of wall time (``time_scale`` x in sim time).

    ``modbus_port=None`` serves OPC UA only; the Modbus server needs the layout's
    ``modbus_map.yaml``.
    """

    def __init__(
        self,
        layout: PlantLayout,
        port: int = 4840,
        host: str = "127.0.0.1",
        seed: int = 1,
        time_scale: float = 1.0,
        period_s: float = 0.5,
        modbus_port: int | None = None,
        security: OpcUaSecurity | None = None,
    ) -> None:
        self.model = PlantModel(layout.tags, seed=seed)
        self.opcua = PlantOpcUaServer(layout, host=host, port=port, security=security)
        self.tags = layout.tags
        conditions, history = load_dcs(Path(layout.folder), layout.tags)
        if conditions or history:  # the DCS's own alarms (A&C) and short history (HistoryRead)
            from app.core.settings import data_dir

            history_file = data_dir() / "sim" / f"dcs-history-{port}-{os.getpid()}.sqlite"
            self.opcua.conditions = SimConditions(self.opcua, conditions, history, history_file)
        self.modbus: PlantModbusServer | None = None
        map_path = Path(layout.folder) / MODBUS_MAP_FILE
        if modbus_port is not None and map_path.is_file():
            self.modbus = PlantModbusServer(load_modbus_map(map_path), host=host, port=modbus_port)
        elif modbus_port is not None:
            log.warning("%s has no %s: no Modbus server", layout.folder, MODBUS_MAP_FILE)
        self.time_scale = time_scale
        self.period_s = period_s
        self.stats = RunnerStats()
        self._stop = asyncio.Event()
        self._published_bad: dict[str, str] = {}
        self._scenario_tasks: set[asyncio.Task[None]] = set()

    @property
    def endpoint(self) -> str:
        return self.opcua.endpoint

    async def start(self) -> None:
        await self.opcua.start(self.model.values)
        if self.modbus is not None:
            try:
                await self.modbus.start(self.model.values)
            except OSError:
                await self.opcua.stop()
                raise

    async def tick(self, dt_wall_s: float) -> None:
        """One cycle: apply client writes, step ``dt_wall_s * time_scale``, publish."""
        changed: dict[str, Value] = {}
        writes = await self.opcua.client_writes()
        if self.modbus is not None:
            writes.update(self.modbus.client_writes())
        for name, value in writes.items():
            try:
                changed.update(self.model.write(name, value))
            except SetpointError as exc:
                log.warning("refused client write: %s", exc)
                changed[name] = self.model.values[name]  # put the model's value back
        t0 = time.process_time()
        changed.update(self.model.step(dt_wall_s * self.time_scale))
        t1 = time.process_time()
        bad = dict(self.model.bad)
        if bad != self._published_bad:  # quality changes are news even if the value is not
            for name in set(bad) | set(self._published_bad):
                changed[name] = self.model.values[name]
            self._published_bad = bad
        self.stats.opcua_updates += await self.opcua.publish(changed, bad=bad)
        if self.opcua.conditions is not None:
            await self.opcua.conditions.update(self.model.values, bad, self.tags)
        if self.modbus is not None:
            good = {k: v for k, v in changed.items() if k not in bad} if bad else changed
            self.stats.modbus_updates += self.modbus.publish(good)
        self.stats.steps += 1
        self.stats.step_cpu_s += t1 - t0
        self.stats.publish_cpu_s += time.process_time() - t1

    async def run(self) -> None:
        """Step and publish until :meth:`stop` is called."""
        loop = asyncio.get_running_loop()
        last = loop.time()
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), self.period_s)
            except TimeoutError:
                pass
            now = loop.time()
            await self.tick(now - last)
            last = now

    def start_scenario(self, name: str, duration: float | None = None, delay_s: float = 0.0) -> asyncio.Task[None]:
        """Run a named scenario (see :mod:`app.sim.scenarios`) after ``delay_s`` wall seconds."""
        from app.sim.scenarios import SCENARIOS, run_scenario

        if name not in SCENARIOS:
            raise KeyError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")

        async def later() -> None:
            await asyncio.sleep(delay_s)
            log.info("scenario %s starts", name)
            await run_scenario(self, name, duration)

        task = asyncio.create_task(later())
        self._scenario_tasks.add(task)
        task.add_done_callback(self._scenario_tasks.discard)
        return task

    async def pause_servers(self) -> None:
        """Both servers stop answering (the model keeps running)."""
        await self.opcua.pause()
        if self.modbus is not None:
            await self.modbus.stop()
        log.info("servers paused")

    async def resume_servers(self) -> None:
        await self.opcua.resume()
        if self.modbus is not None:
            await self.modbus.start()
        log.info("servers answering again")

    def stop(self) -> None:
        self._stop.set()

    async def close(self) -> None:
        for task in list(self._scenario_tasks):
            task.cancel()
        if self.modbus is not None:
            await self.modbus.stop()
        await self.opcua.stop()
        conditions = self.opcua.conditions
        if conditions is not None and conditions.history_file is not None:
            conditions.history_file.unlink(missing_ok=True)
