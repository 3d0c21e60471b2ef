"""The real write path against the simulator's OPC UA server, with the session plugged in."""

from __future__ import annotations

import pytest

from app.core.layout import PlantLayout
from app.io.writes import WriteRequest
from app.runtime import Runtime
from app.security.context import Security
from app.security.users import SecurityError
from tests.io.test_opcua_driver import wait_for


@pytest.fixture
async def runtime(layout: PlantLayout, sim_server, security: Security):  # type: ignore[no-untyped-def]
    rt = Runtime(layout, endpoint_override=sim_server.endpoint)
    rt.attach_security(security.session)
    rt.start()
    try:
        fielded = [t for t in layout.tags.values() if not t.address.startswith("calc://")]  # modules compute calc:// tags
        assert await wait_for(lambda: all(rt.store.get(t.name) is not None for t in fielded), 20)
        yield rt
    finally:
        await rt.stop()


async def test_session_lock_blocks_writes_while_values_keep_updating(runtime: Runtime, security: Security) -> None:
    security.users.add_user("op1", "furnace-42", ["operator"])
    session = security.session
    session.login("op1", "furnace-42")
    before = runtime.store.get("PSC2.BLAST_SP").value
    session.lock("inactivity")
    stamp = runtime.store.get("SMF.T_PROC").server_ts
    assert await wait_for(lambda: runtime.store.get("SMF.T_PROC").server_ts > stamp)  # still live
    refused = await runtime.write_path.write(session.request("PSC2.BLAST_SP", 34000.0))
    assert not refused.ok
    assert refused.message == "The console is locked: unlock it to write setpoints in PSC (PSC2.BLAST_SP)."
    assert runtime.store.get("PSC2.BLAST_SP").value == before
    session.unlock("furnace-42")
    done = await runtime.write_path.write(session.request("PSC2.BLAST_SP", 34000.0))
    assert done.ok, done.message
    records = [(e.event_type, e.result, e.target) for e in reversed(security.audit.entries(limit=4))]
    assert ("setpoint_write", "failure", "PSC2.BLAST_SP") in records and records[-1] == ("setpoint_write", "success", "PSC2.BLAST_SP")


async def test_maintenance_cannot_write_a_setpoint_but_can_start_a_pump(runtime: Runtime, security: Security) -> None:
    security.users.add_user("fitter", "wrench-1234", ["maintenance"])
    security.session.login("fitter", "wrench-1234")
    refused = await runtime.write_path.write(security.session.request("PSC2.BLAST_SP", 34000.0))
    assert not refused.ok and "fitter (maintenance) may not write setpoints in PSC" in refused.message
    pump = await runtime.write_path.write(security.session.request("WT.P2.CMD", True))
    assert pump.ok, pump.message
    last = security.audit.entries(limit=1)[0]
    assert (last.category, last.event_type, last.target, last.new_value) == ("command", "command", "WT.P2.CMD", "True")


async def test_critical_write_needs_a_second_person(runtime: Runtime, security: Security) -> None:
    users, session = security.users, security.session
    users.add_user("op1", "furnace-42", ["operator"])
    users.add_user("lead", "converter-7", ["shift_lead"])
    users.add_user("fitter", "wrench-1234", ["maintenance"])
    session.login("op1", "furnace-42")
    tag = "SMF.O2_ENR_SP"
    before = runtime.store.get(tag).value

    alone = await runtime.write_path.write(session.request(tag, 70.0))
    assert not alone.ok
    assert alone.message == f"{tag} is critical: it needs your password, a second authorised person and a reason."
    with pytest.raises(SecurityError, match="a second authorised person must confirm"):
        session.sign_critical("write_setpoint:SMF", tag, 70.0, "furnace-42", reason="raise matte grade")
    with pytest.raises(SecurityError, match="fitter is not authorised to write setpoints in SMF"):
        session.sign_critical("write_setpoint:SMF", tag, 70.0, "furnace-42", "fitter", "wrench-1234", "raise matte grade")
    with pytest.raises(SecurityError, match="wrong user name or password"):
        session.sign_critical("write_setpoint:SMF", tag, 70.0, "furnace-42", "lead", "guess", "raise matte grade")
    # naming a second person without their verified signature is not enough
    forged = await runtime.write_path.write(WriteRequest(tag, 70.0, user="op1", reason="x", second_user="lead"))
    assert not forged.ok and "sign the change" in forged.message
    assert runtime.store.get(tag).value == before

    signature = session.sign_critical("write_setpoint:SMF", tag, 70.0, "furnace-42", "lead", "converter-7", "raise matte grade")
    done = await runtime.write_path.write(session.request(tag, 70.0, signature))
    assert done.ok, done.message
    record = security.audit.entries(limit=1)[0]
    assert (record.category, record.user, record.second_user, record.reason, record.target, record.new_value, record.result) == (
        "write", "op1", "lead", "raise matte grade", tag, "70.0", "success")
    assert record.old_value == str(before)
    replay = await runtime.write_path.write(session.request(tag, 70.0, signature))
    assert not replay.ok, "a signature is good for one write only"
    assert security.audit.verify() == []
