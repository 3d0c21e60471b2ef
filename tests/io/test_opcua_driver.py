"""The OPC UA driver against the simulator's real server on a free port."""

from __future__ import annotations

import asyncio
import time

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.tags import Quality
from app.io.health import LinkState
from app.io.opcua import OpcUaDriver


async def wait_for(predicate, timeout: float = 15.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return bool(predicate())


async def test_driver_feeds_every_tag_and_goes_bad_when_the_server_stops(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    store = TagStore(layout.tags.values())
    driver = OpcUaDriver("sim", sim_server.endpoint, store, layout.tags.values(), publishing_ms=200)
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: len(store.values) == len(layout.tags))
        assert all(v.quality is Quality.GOOD for v in store.values.values())
        first = store.get("SMF.T_PROC")
        assert 1000 <= first.value <= 1500 and first.source_ts.tzinfo is not None
        assert await wait_for(lambda: store.get("SMF.T_PROC").source_ts > first.source_ts), "values keep moving"
        assert driver.health.state is LinkState.CONNECTED and driver.health.latency_ms is not None
        assert store.get("PSC1.STATE").value in range(7)

        sim_server.stop()
        await sim_server.close()
        assert await wait_for(lambda: all(v.quality is Quality.BAD for v in store.values.values()), 10)
        assert store.get("SMF.T_PROC").reason == "connection lost"
        assert driver.health.state in (LinkState.DOWN, LinkState.CONNECTING)
        assert driver.health.bad_tags == len(layout.tags)
    finally:
        await driver.stop()
        await task


async def test_unreachable_server_is_reported_not_raised(layout: PlantLayout, free_port: int) -> None:
    store = TagStore(layout.tags.values())
    driver = OpcUaDriver("plc", f"opc.tcp://127.0.0.1:{free_port}/", store, list(layout.tags.values())[:5])
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: driver.health.state is LinkState.DOWN, 10)
        assert f"127.0.0.1:{free_port}" in driver.health.last_error
        assert all(store.get(n).quality is Quality.BAD for n in driver.tags)
    finally:
        await driver.stop()
        await task
