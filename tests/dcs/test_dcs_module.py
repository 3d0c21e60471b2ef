"""The dcs module in a running runtime: the simulator's conditions reach the alarm engine and
a link outage is back-filled by itself when the link returns."""

from __future__ import annotations

import asyncio
import copy

from app.core.layout import PlantLayout
from app.db import make_engine
from app.db.migrate import upgrade
from app.historian.service import Historian
from app.runtime import Runtime, replace_endpoint
from tests.io.test_opcua_driver import wait_for


async def test_the_module_brings_dcs_alarms_and_back_fills_an_outage(layout: PlantLayout, sim_server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plant = copy.deepcopy(layout)
    replace_endpoint(plant, "sim", sim_server.endpoint)
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", plant.tags)
    runtime = Runtime(plant, db_url=f"sqlite:///{tmp_path / 'h.sqlite'}", historian=historian)
    runtime.start()
    try:
        service = runtime.services["dcs"]
        assert await wait_for(lambda: all(c.state == "connected" for c in service.clients.values()))
        sim_server.model.trip("AP.BLOWER")  # Crucible alarms it too: the layout says the local alarm wins
        bridge = service.bridges["sim"]
        assert await wait_for(lambda: bridge.duplicates_hidden == 1)
        assert not any(r.extra.get("external") for r in runtime.alarms.visible())
        # The DCS's own controller alarm, which Crucible does not define, comes in marked [DCS].
        sim_server.model.instrument_fault("SMF.T_PROC", "bad", duration_s=3600)
        assert await wait_for(lambda: "DCS:DCS.CTRL1.REDUNDANCY" in runtime.alarms.records
                              and runtime.alarms.records["DCS:DCS.CTRL1.REDUNDANCY"].standing)
        rec = runtime.alarms.records["DCS:DCS.CTRL1.REDUNDANCY"]
        assert rec.definition.text_en.startswith("[DCS]") and rec in runtime.alarms.visible()
        # an outage: the server stops answering, then answers again
        await sim_server.pause_servers()
        driver = runtime.driver("sim")
        assert await wait_for(lambda: driver.health.state.name in ("DOWN", "STALLED"), timeout=40)
        await asyncio.sleep(2.0)
        await sim_server.resume_servers()
        assert await wait_for(lambda: service.results, timeout=60)
        assert service.results[-1].samples > 0 and not service.results[-1].errors
    finally:
        await runtime.stop()
        engine.dispose()
