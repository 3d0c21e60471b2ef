"""The OPC UA driver against the simulator's real server on a free port."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time

import pytest

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
        assert await wait_for(lambda: len(store.values) == len(driver.tags))
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
        assert driver.health.bad_tags == len(driver.tags)
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


async def test_restarted_server_brings_every_value_back_without_restarting_the_client(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    from app.sim.runner import SimulatorRunner

    store = TagStore(layout.tags.values())
    # every tag over subscriptions of at most 100 items, a few at their own faster rate.
    fast = {"SMF.T_PROC", "PSC1.STATE"}
    tags = [dataclasses.replace(t, sampling_ms=200) if t.name in fast else t for t in layout.tags.values()]
    driver = OpcUaDriver(
        "sim", sim_server.endpoint, store, tags, publishing_ms=300, options={"max_items_per_subscription": 100}
    )
    plan = [(g.publishing_ms, len(g.names)) for g in driver.plan()]
    slow = len(driver.tags) - len(fast)
    # the fast pair alone, the rest in as few subscriptions of <= 100 as possible, evenly filled
    assert plan[0] == (200, 2)
    assert all(rate == 300 and size <= 100 for rate, size in plan[1:])
    assert sum(size for _, size in plan[1:]) == slow and len(plan) - 1 == math.ceil(slow / 100)
    assert max(size for _, size in plan[1:]) - min(size for _, size in plan[1:]) <= 3
    port = int(sim_server.endpoint.rsplit(":", 1)[1].split("/")[0])
    task = asyncio.create_task(driver.run())
    runner = None
    try:
        assert await wait_for(lambda: len(store.values) == len(driver.tags) and all(v.is_good for v in store.values.values()))
        assert len(driver._groups) == len(plan)
        sim_server.stop()
        await sim_server.close()
        stopped = time.monotonic()
        assert await wait_for(lambda: all(v.quality is Quality.BAD for v in store.values.values()), 5)
        assert time.monotonic() - stopped < 5
        assert driver.health.state is not LinkState.CONNECTED
        before = {n: v.server_ts for n, v in store.values.items()}

        runner = SimulatorRunner(layout, port=port, period_s=0.2)
        await runner.start()
        runner_task = asyncio.create_task(runner.run())
        assert await wait_for(lambda: all(v.is_good for v in store.values.values()), 20)
        assert all(store.values[n].server_ts > before[n] for n in before), "every value is new"
        assert driver.health.state is LinkState.CONNECTED and driver.health.reconnects >= 1
        assert driver.health.bad_tags == 0 and len(driver._groups) == len(plan)  # every subscription again
        t_proc = store.get("SMF.T_PROC")
        assert await wait_for(lambda: store.get("SMF.T_PROC").server_ts > t_proc.server_ts), "still live"
    finally:
        await driver.stop()
        await task
        if runner is not None:
            runner.stop()
            await runner_task
            await runner.close()


@pytest.fixture
async def quiet_server(layout: PlantLayout):  # type: ignore[no-untyped-def]
    """The simulator's OPC UA server with no model stepping: the test publishes every value.

    It advertises ``localhost`` while the client dials ``127.0.0.1`` (a server whose
    endpoints name another host than the one dialled)."""
    from app.sim.opcua_server import PlantOpcUaServer
    from tests.conftest import _free_port

    server = PlantOpcUaServer(layout, host="localhost", port=_free_port())
    await server.start({})
    try:
        yield server
    finally:
        await server.stop()


async def test_status_codes_deadband_and_timestamps(layout: PlantLayout, quiet_server) -> None:  # type: ignore[no-untyped-def]
    dialled = quiet_server.endpoint.replace("localhost", "127.0.0.1")
    tags = [
        layout.tags["SMF.T_PROC"],
        dataclasses.replace(layout.tags["SMF.T_MATTE"], report_deadband=5.0),
    ]
    store = TagStore(tags)
    driver = OpcUaDriver("sim", dialled, store, tags, publishing_ms=100)
    task = asyncio.create_task(driver.run())
    try:
        await quiet_server.publish({"SMF.T_PROC": 1300.0, "SMF.T_MATTE": 1200.0})
        assert await wait_for(lambda: store.get("SMF.T_MATTE") is not None and store.get("SMF.T_MATTE").value == 1200.0)
        assert store.get("SMF.T_PROC").is_good and store.get("SMF.T_PROC").source_ts.tzinfo is not None

        await quiet_server.publish({"SMF.T_PROC": 1310.0, "SMF.T_MATTE": 1202.0})  # inside the deadband
        assert await wait_for(lambda: store.get("SMF.T_PROC").value == 1310.0)
        await asyncio.sleep(0.5)
        assert store.get("SMF.T_MATTE").value == 1200.0
        await quiet_server.publish({"SMF.T_MATTE": 1210.0})
        assert await wait_for(lambda: store.get("SMF.T_MATTE").value == 1210.0)

        await quiet_server.publish({"SMF.T_PROC": 1320.0}, bad={"SMF.T_PROC": "sensor"})
        assert await wait_for(lambda: store.get("SMF.T_PROC").quality is Quality.BAD)
        assert store.get("SMF.T_PROC").reason == "BadSensorFailure"
        assert driver.health.bad_tags == 1
        await quiet_server.publish({"SMF.T_PROC": 1321.0})
        assert await wait_for(lambda: store.get("SMF.T_PROC").is_good and driver.health.bad_tags == 0)
    finally:
        await driver.stop()
        await task


def test_malformed_address_names_the_tag(layout: PlantLayout) -> None:
    from app.core.address import AddressError

    bad = dataclasses.replace(layout.tags["SMF.T_PROC"], address="opcua://sim/SMF.T_PROC")
    with pytest.raises(AddressError, match=r"tag 'SMF.T_PROC': bad address: .*'SMF.T_PROC' is not an OPC UA node id"):
        OpcUaDriver("sim", "opc.tcp://127.0.0.1:4840/", TagStore([bad]), [bad])
