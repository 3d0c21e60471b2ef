"""Stale data: a tag not refreshed within its period turns Uncertain on its own."""

from __future__ import annotations

import asyncio

from app.core.store import TagStore
from app.core.tags import Quality, TagValue, utcnow
from app.io.driver import STALE, StaleWatcher
from app.io.modbus import ModbusDriver
from tests.io.modbus_server import ModbusTestServer
from tests.io.test_modbus_driver import tag
from tests.io.test_opcua_driver import wait_for


def test_watcher_marks_stale_and_a_refresh_clears_it() -> None:
    store = TagStore()
    watcher = StaleWatcher(store, {"A": 2.0, "B": 2.0, "C": 2.0})
    now = utcnow()
    store.apply({n: TagValue(1.0, Quality.GOOD, now, now) for n in "ABC"})
    store.apply({"C": TagValue(1.0, Quality.BAD, now, now, "connection lost")})
    watcher.refreshed("ABC", now=100.0)
    assert watcher.check(now=101.0) == []
    watcher.refreshed("B", now=101.5)
    assert watcher.check(now=102.5) == ["A"]  # B was refreshed; C is Bad and stays Bad
    assert store.get("A").quality is Quality.UNCERTAIN and store.get("A").reason == STALE
    assert store.get("A").value == 1.0  # the last value is kept, marked
    assert store.get("C").reason == "connection lost"
    watcher.revive(["A"])
    assert store.get("A").is_good


async def test_a_slow_poll_makes_modbus_tags_stale() -> None:
    """A device that answers one group but starves another (here: the poll task is held)."""
    server = ModbusTestServer()
    await server.start()
    tags = [tag("A", "modbus://p/hr/1")]
    store = TagStore(tags)
    driver = ModbusDriver("p", "127.0.0.1", server.port, store, tags, {"poll_ms": 100, "timeout_s": 0.3})
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: store.get("A") is not None and store.get("A").is_good, 10)
        # Hold the link (as a long write or a stuck request would): polls cannot go out.
        async with driver._lock:
            assert await wait_for(lambda: store.get("A").quality is Quality.UNCERTAIN, 5)
            assert store.get("A").reason == STALE and driver.health.bad_tags == 1
        assert await wait_for(lambda: store.get("A").is_good, 5)
    finally:
        await driver.stop()
        await task
        await server.stop()


def test_a_keep_alive_alone_does_not_turn_stale_values_good() -> None:
    """Issue 13 §11: with the server stopped, a keep-alive (or a late publish without data)
    must not flip a stale value back to Good with its old source time; only a fresh value may."""
    from asyncua import ua

    from app.core.tags import TagDef
    from app.io.opcua import OpcUaDriver

    tags = [TagDef("T", "A", "U", "t", "", "°C", 0.0, 100.0, "opcua://s/ns=2;s=T")]
    store = TagStore(tags)
    driver = OpcUaDriver("s", "opc.tcp://127.0.0.1:1/", store, tags)
    group = driver.plan()[0]
    old = utcnow()
    store.apply({"T": TagValue(42.0, Quality.GOOD, old, old)})
    store.mark_quality(["T"], Quality.UNCERTAIN, STALE)
    group.stale = True
    keep_alive = ua.PublishResult()
    keep_alive.NotificationMessage = ua.NotificationMessage()
    keep_alive.NotificationMessage.NotificationData = []
    driver._on_publish(group, keep_alive)  # the server is gone: no fresh read is possible
    value = store.get("T")
    assert value.quality is Quality.UNCERTAIN and value.reason == STALE
    assert group.stale  # still waiting for a fresh value
