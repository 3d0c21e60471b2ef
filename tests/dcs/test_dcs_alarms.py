"""DCS alarms in Crucible's alarm engine, against the simulator's real OPC UA server: raised
with the right priority, acknowledged back, acknowledged on the server, restored by
ConditionRefresh after a reconnect, and a duplicate of a local alarm shown once."""

from __future__ import annotations

import asyncio

import pytest

from app.alarms.dcs import DcsAlarms, DcsConfig, load_config
from app.alarms.definitions import Priority, load_alarms
from app.alarms.engine import AlarmEngine, AlarmState
from app.core.layout import PlantLayout
from app.io.conditions import ConditionClient
from tests.io.test_opcua_driver import wait_for


def _engine(layout: PlantLayout) -> AlarmEngine:
    return AlarmEngine(load_alarms(layout), layout.tags)


async def _connect(sim_server, engine: AlarmEngine, config: DcsConfig):  # type: ignore[no-untyped-def]
    client: ConditionClient | None = None
    tasks: set[asyncio.Task[object]] = set()

    def spawn(coro):  # type: ignore[no-untyped-def]
        task = asyncio.ensure_future(coro)
        tasks.add(task)

    bridge = DcsAlarms(engine, config, "sim", None, spawn)
    client = ConditionClient("sim", sim_server.endpoint, bridge.on_event)
    bridge.acknowledge = client.acknowledge
    task = asyncio.create_task(client.run())
    assert await wait_for(lambda: client.state == "connected" and client.refreshes == 1)
    return client, task, bridge


async def test_a_dcs_alarm_is_raised_acknowledged_back_and_followed(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(layout)
    client, task, bridge = await _connect(sim_server, engine, DcsConfig(duplicates="dcs"))
    try:
        sim_server.model.trip("AP.BLOWER")
        assert await wait_for(lambda: "DCS:AP.BLOWER.STATE.FAULT" in engine.records
                              and engine.records["DCS:AP.BLOWER.STATE.FAULT"].ann is AlarmState.UNACK)
        rec = engine.records["DCS:AP.BLOWER.STATE.FAULT"]
        assert rec.definition.priority is Priority.URGENT  # severity 900 >= the urgent band (801)
        assert rec.extra["external"] == "sim" and rec.definition.tag == "AP.BLOWER.STATE"
        assert rec in engine.visible() and engine.tag_priority("AP.BLOWER.STATE") == 1  # colours the displays
        # duplicates: dcs -> Crucible's own blower trip alarm is hidden, the DCS one shown once
        local = engine.records["AP.BLOWER.STATE.FAULT"]
        assert local.hidden and bridge.duplicates_hidden == 1
        # Acknowledge in Crucible: the server's AckedState changes, then the list follows.
        assert engine.ack([rec.id], "op1", "seen") == 1
        assert await wait_for(lambda: sim_server.opcua.conditions.states["AP.BLOWER.STATE.FAULT"].acked)
        assert await wait_for(lambda: rec.ann is AlarmState.ACKED)
        assert rec.acked_by == "op1"
        assert "op1" in sim_server.opcua.conditions.states["AP.BLOWER.STATE.FAULT"].comment
        # Acknowledged on the DCS itself: another urgent condition, acked on the server.
        sim_server.model.trip("PSC1.BLOWER")
        name = next(n for n in sim_server.opcua.conditions.states if n.startswith("PSC1.BLOWER.STATE"))
        assert await wait_for(lambda: f"DCS:{name}" in engine.records and engine.records[f"DCS:{name}"].unacked)
        state = sim_server.opcua.conditions.states[name]
        await sim_server.opcua.conditions._on_acknowledge(sim_server.opcua.conditions._nodes[name], None, "DCS operator")
        assert state.acked
        assert await wait_for(lambda: not engine.records[f"DCS:{name}"].unacked)
    finally:
        await client.stop()
        await task


async def test_standing_dcs_alarms_come_back_after_a_reconnect(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    sim_server.model.trip("AP.BLOWER")
    await asyncio.sleep(1.0)  # the condition is standing on the server before anyone connects
    engine = _engine(layout)
    client, task, bridge = await _connect(sim_server, engine, DcsConfig(duplicates="dcs"))
    try:
        assert await wait_for(lambda: "DCS:AP.BLOWER.STATE.FAULT" in engine.records)
        assert engine.records["DCS:AP.BLOWER.STATE.FAULT"].ann is AlarmState.UNACK
    finally:
        await client.stop()
        await task


async def test_a_duplicate_of_a_local_alarm_is_shown_once_when_local_wins(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    engine = _engine(layout)
    client, task, bridge = await _connect(sim_server, engine, DcsConfig(duplicates="local"))
    try:
        sim_server.model.trip("AP.BLOWER")
        assert await wait_for(lambda: bridge.duplicates_hidden == 1)
        assert "DCS:AP.BLOWER.STATE.FAULT" not in engine.records
        assert bridge.twins == {"AP.BLOWER.STATE.FAULT": "AP.BLOWER.STATE.FAULT"}
        # The DCS's own controller alarm, which Crucible does not define, is shown with its source.
        assert not any(r.extra.get("external") for r in engine.visible())
    finally:
        await client.stop()
        await task


def test_the_shipped_client_settings_load_and_bad_ones_are_named(layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = load_config(layout.folder)
    assert config.enabled and config.priority(900) is Priority.URGENT and config.priority(700) is Priority.HIGH
    assert config.priority(500) is Priority.MEDIUM and config.priority(10) is Priority.LOW
    (tmp_path / "dcs_alarms.yaml").write_text("client:\n  duplicates: both\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"dcs_alarms.yaml:2: duplicates must be 'local' or 'dcs'"):
        load_config(tmp_path)
