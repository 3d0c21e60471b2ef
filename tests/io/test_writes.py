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
        assert await wait_for(lambda: len(store.values) == len(layout.tags))
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
