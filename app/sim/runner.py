"""Runs the plant model and serves it: ``crucible sim``."""

from __future__ import annotations

import asyncio
import logging

from app.core.layout import PlantLayout
from app.sim.model import PlantModel, SetpointError
from app.sim.opcua_server import PlantOpcUaServer

log = logging.getLogger(__name__)


class SimulatorRunner:
    """Steps the model every ``period_s`` of wall time (``time_scale`` x in sim time)."""

    def __init__(
        self,
        layout: PlantLayout,
        port: int = 4840,
        host: str = "127.0.0.1",
        seed: int = 1,
        time_scale: float = 1.0,
        period_s: float = 0.5,
    ) -> None:
        self.model = PlantModel(layout.tags, seed=seed)
        self.opcua = PlantOpcUaServer(layout, host=host, port=port)
        self.time_scale = time_scale
        self.period_s = period_s
        self._stop = asyncio.Event()

    @property
    def endpoint(self) -> str:
        return self.opcua.endpoint

    async def start(self) -> None:
        await self.opcua.start(self.model.values)

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
            changed: dict[str, float | int | bool] = {}
            for name, value in (await self.opcua.client_writes()).items():
                try:
                    changed.update(self.model.write(name, value))
                except SetpointError as exc:
                    log.warning("refused client write: %s", exc)
                    changed[name] = self.model.values[name]  # put the model's value back
            changed.update(self.model.step((now - last) * self.time_scale))
            last = now
            await self.opcua.publish(changed)

    def stop(self) -> None:
        self._stop.set()

    async def close(self) -> None:
        await self.opcua.stop()
