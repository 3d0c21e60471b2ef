"""A link that is connected but delivers nothing (no values, no keep-alive) for its expected
period is shown as stalled, and its values turn stale; the next delivery brings it back."""

from __future__ import annotations

import asyncio

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.tags import Quality, TagValue, utcnow
from app.io.driver import STALE, DriverBase
from app.io.health import ConnectionHealth, LinkState
from app.io.opcua import OpcUaDriver
from tests.io.test_opcua_driver import wait_for


class _SilentAfterConnect(DriverBase):
    """A server that accepts the session, sends one batch and then nothing at all (a hung
    PLC gateway): the link itself never breaks."""

    def __init__(self, store: TagStore, names: list[str]) -> None:
        tags = [store.definitions[n] for n in names]
        super().__init__("gw", store, tags, ConnectionHealth("gw", "opcua", "opc.tcp://gateway:4840"))
        self.stale.periods_s = {n: 0.4 for n in names}
        self.wake = asyncio.Event()

    async def _session(self) -> None:
        self.health.set_state(LinkState.CONNECTED)
        now = utcnow()
        self.publish({n: TagValue(1.0, Quality.GOOD, now, now) for n in self.tags})
        await self.wake.wait()  # silence, until the test lets it deliver again
        now = utcnow()
        self.publish({n: TagValue(2.0, Quality.GOOD, now, now) for n in self.tags})
        await self._stopping.wait()

    async def _disconnect(self) -> None:
        pass


async def test_a_connected_but_silent_link_is_stalled_and_its_values_stale(layout: PlantLayout) -> None:
    store = TagStore(layout.tags.values())
    names = ["SMF.T_PROC", "SMF.T_MATTE"]
    driver = _SilentAfterConnect(store, names)
    changes: list[LinkState] = []
    driver.health.changed.connect(lambda h: changes.append(h.state))
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: driver.health.state is LinkState.STALLED, 5)
        assert driver.health.last_error.startswith("connected, but nothing received for")
        assert all(store.get(n).quality is Quality.UNCERTAIN and store.get(n).reason == STALE for n in names)  # type: ignore[union-attr]
        assert store.get("SMF.T_PROC").value == 1.0  # type: ignore[union-attr]  # the last value stays, marked
        assert driver.health.bad_tags == 2
        driver.wake.set()  # the gateway delivers again
        assert await wait_for(lambda: driver.health.state is LinkState.CONNECTED, 5)
        assert all(store.get(n).is_good and store.get(n).value == 2.0 for n in names)  # type: ignore[union-attr]
        assert driver.health.bad_tags == 0
        assert changes[:3] == [LinkState.CONNECTED, LinkState.STALLED, LinkState.CONNECTED]
    finally:
        await driver.stop()
        await task


async def test_opcua_link_whose_server_stops_publishing_is_stalled(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    """The real simulator's OPC UA server: its subscriptions stop publishing (the server
    keeps the session open and answers reads) -> the link is stalled, the values stale."""
    store = TagStore(layout.tags.values())
    driver = OpcUaDriver("sim", sim_server.endpoint, store, layout.tags.values(), publishing_ms=200,
                         options={"keepalive_ms": 500})
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: driver.health.state is LinkState.CONNECTED and len(store.values) == len(driver.tags))
        # The server's publish loops stop (its session stays open and answers reads): no more
        # values, no keep-alives - what a hung gateway or an overloaded server looks like.
        subscriptions = sim_server.opcua.server.iserver.subscription_service.subscriptions
        assert subscriptions
        for subscription in list(subscriptions.values()):
            await subscription.stop()
        assert await wait_for(lambda: driver.health.state is LinkState.STALLED, 10)
        assert store.get("SMF.T_PROC").reason == STALE  # type: ignore[union-attr]
    finally:
        await driver.stop()
        await task
