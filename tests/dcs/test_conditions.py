"""The DCS's own alarms over OPC UA Alarms & Conditions, against the simulator's real server."""

from __future__ import annotations

import asyncio

from app.core.layout import PlantLayout
from app.io.conditions import ConditionClient, ConditionEvent
from tests.io.test_opcua_driver import wait_for


async def test_a_trip_arrives_is_acknowledged_back_and_standing_alarms_come_back_on_refresh(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    got: list[ConditionEvent] = []
    client = ConditionClient("dcs", sim_server.endpoint, got.append)
    task = asyncio.create_task(client.run())
    try:
        assert await wait_for(lambda: client.state == "connected")
        sim_server.model.trip("AP.BLOWER")
        assert await wait_for(lambda: any(e.source == "AP.BLOWER.STATE" and e.active for e in got))
        trip = next(e for e in got if e.source == "AP.BLOWER.STATE" and e.active)
        assert (trip.severity, trip.acked, trip.retain, trip.name) == (900, False, True, "AP.BLOWER.STATE.FAULT")
        assert trip.message == "Main SO2 blower trip"
        # Acknowledge from Crucible: the server's AckedState changes and it says so.
        await client.acknowledge(trip.condition_id, trip.event_id, "seen by op1")
        assert await wait_for(lambda: got[-1].condition_id == trip.condition_id and got[-1].acked)
        assert got[-1].comment == "seen by op1" and got[-1].active
        assert sim_server.opcua.conditions.states["AP.BLOWER.STATE.FAULT"].acked
    finally:
        await client.stop()
        await task
    # Another console connects later: ConditionRefresh brings the standing (acked) trip.
    later: list[ConditionEvent] = []
    second = ConditionClient("dcs", sim_server.endpoint, later.append)
    task = asyncio.create_task(second.run())
    try:
        assert await wait_for(lambda: any(e.name == "AP.BLOWER.STATE.FAULT" for e in later))
        standing = [e for e in later if e.name == "AP.BLOWER.STATE.FAULT"][-1]
        assert standing.active and standing.acked and standing.retain
        assert second.refreshes == 1
    finally:
        await second.stop()
        await task
