"""A simulator with both servers that the test steps by hand (no background loop)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from app.core.layout import PlantLayout
from app.runtime import free_port
from app.sim.runner import SimulatorRunner


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stepped_sim(layout: PlantLayout) -> AsyncIterator[SimulatorRunner]:
    """OPC UA + Modbus on free ports; call ``await runner.tick(dt)`` to move the plant.

    One per test module (starting an asyncua server costs seconds): tests share the plant.
    """
    runner = SimulatorRunner(layout, port=free_port(), modbus_port=free_port(), seed=5, time_scale=60.0)
    await runner.start()
    try:
        yield runner
    finally:
        await runner.close()
