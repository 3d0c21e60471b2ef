"""The write path against the simulator: refused writes say why; good ones are read back."""

from __future__ import annotations

import asyncio

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.io.opcua import OpcUaDriver
from app.io.writes import WritePath, WriteRequest, WriteResult
from tests.io.test_opcua_driver import wait_for


async def test_write_path(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    store = TagStore(layout.tags.values())
    driver = OpcUaDriver("sim", sim_server.endpoint, store, layout.tags.values(), publishing_ms=200)
    task = asyncio.create_task(driver.run())
    audited: list[tuple[WriteRequest, WriteResult]] = []
    path = WritePath(store, {"sim": driver}, audit=lambda req, res: audited.append((req, res)))
    try:
        assert await wait_for(lambda: len(store.values) == len(driver.tags))
        ok = await path.write(WriteRequest("PSC2.BLAST_SP", 33000.0, user="op1"))
        assert ok.ok and ok.read_back == 33000.0, ok.message
        assert "confirmed by read-back" in ok.message
        assert await wait_for(lambda: store.get("PSC2.BLAST_SP").value == 33000.0)

        high = await path.write(WriteRequest("PSC2.BLAST_SP", 90000.0, user="op1"))
        assert not high.ok
        assert high.message == "PSC2.BLAST_SP: 90000 Nm³/h is outside the allowed range 20000 to 45000 Nm³/h"
        assert store.get("PSC2.BLAST_SP").value == 33000.0

        read_only = await path.write(WriteRequest("SMF.T_PROC", 1300.0, user="op1"))
        assert not read_only.ok and read_only.message == "SMF.T_PROC is read-only"

        refusing = WritePath(store, {"sim": driver}, permission=lambda req, tag: f"{req.user} may not write {tag.area}")
        denied = await refusing.write(WriteRequest("PSC2.BLAST_SP", 34000.0, user="viewer"))
        assert not denied.ok and denied.message == "viewer may not write PSC"
        assert [r.ok for _, r in audited] == [True, False, False]  # every attempt is recorded
        assert audited[0][1].old is not None and audited[0][1].new == 33000.0
    finally:
        await driver.stop()
        await task


async def test_output_writes_wait_for_manual_mode(layout: PlantLayout) -> None:
    """A controller output may be written only in MANUAL; without a known mode, not at all."""
    from app.core.tags import Quality, TagValue, utcnow

    store = TagStore(layout.tags.values())
    path = WritePath(store, {})
    unknown = await path.write(WriteRequest("CB.OUT", 50.0, user="op1"))
    assert not unknown.ok
    assert unknown.message == "CB.OUT may be written only while CB.MODE is MANUAL; its present state is not known"
    now = utcnow()
    store.apply({"CB.MODE": TagValue(1, Quality.GOOD, now, now)})
    auto = await path.write(WriteRequest("CB.OUT", 50.0, user="op1"))
    assert auto.message == "CB.OUT may be written only while CB.MODE is MANUAL; it is AUTO"
    store.apply({"CB.MODE": TagValue(0, Quality.GOOD, now, now)})
    manual = await path.write(WriteRequest("CB.OUT", 50.0, user="op1"))
    assert manual.message == "CB.OUT: connection 'sim' is not available"  # past the mode check, to the driver
    low = await path.write(WriteRequest("CB.OUT", 10.0, user="op1"))
    assert low.message == "CB.OUT: 10 % is outside the allowed range 33.4 to 86.6 %"


async def test_a_value_the_device_reverts_is_reported_not_done(sim_server) -> None:  # type: ignore[no-untyped-def]
    """Issue 13 §6: the server echoes 59000, the simulator reverts it on its next cycle; the
    write is "not done: the device holds ...", not "confirmed by read-back"."""
    from app.core.tags import TagDef

    tag = TagDef("BLAST", "PSC", "PSC2", "blast", "", "Nm³/h", -1e9, 1e9,
                 "opcua://sim/ns=2;s=PSC2.BLAST_SP", writable=True, deadband=50.0)
    store = TagStore([tag])
    driver = OpcUaDriver("sim", sim_server.endpoint, store, [tag], publishing_ms=100)
    task = asyncio.create_task(driver.run())
    path = WritePath(store, {"sim": driver})
    try:
        assert await wait_for(lambda: store.get("BLAST") is not None)
        before = store.get("BLAST").value
        reverted = await path.write(WriteRequest("BLAST", 59000.0, user="op1"))
        assert not reverted.ok, reverted.message
        assert reverted.message.startswith("BLAST: not done: the device holds ")
        assert abs(float(reverted.read_back) - before) <= 50.0  # what the device really holds
        kept = await path.write(WriteRequest("BLAST", 33000.0, user="op1"))  # inside the device's limits
        assert kept.ok and "confirmed by read-back" in kept.message, kept.message
    finally:
        await driver.stop()
        await task
