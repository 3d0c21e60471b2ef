"""The simulator's servers, read and written by real, independent clients."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from asyncua import Client, ua
from pymodbus.client import AsyncModbusTcpClient

from app.core.layout import PlantLayout
from app.runtime import free_port
from app.sim.modbus_map import RegisterEntry
from app.sim.opcua_server import NAMESPACE_URI, OpcUaSecurity
from app.sim.runner import SimulatorRunner

pytestmark = pytest.mark.asyncio(loop_scope="module")
CLIENT_URI = "urn:crucible:test-client"


def modbus_target(runner: SimulatorRunner) -> tuple[str, int]:
    assert runner.modbus is not None
    return runner.modbus.host, runner.modbus.port


async def read_entry(client: AsyncModbusTcpClient, entry: RegisterEntry, device_id: int) -> float | bool:
    if entry.table == "ir":
        rr = await client.read_input_registers(entry.address, count=entry.count, device_id=device_id)
    elif entry.table == "hr":
        rr = await client.read_holding_registers(entry.address, count=entry.count, device_id=device_id)
    else:
        rr = await client.read_coils(entry.address, count=1, device_id=device_id)
        assert not rr.isError()
        return bool(rr.bits[0])
    assert not rr.isError(), rr
    return entry.decode(rr.registers)


async def test_asyncua_client_browses_the_plant_and_reads_values(stepped_sim: SimulatorRunner, layout: PlantLayout) -> None:
    await stepped_sim.tick(1.0)
    async with Client(stepped_sim.endpoint) as client:
        ns = await client.get_namespace_index(NAMESPACE_URI)
        plant = await client.nodes.objects.get_child([f"{ns}:Plant"])
        areas = {(await n.read_browse_name()).Name: n for n in await plant.get_children()}
        assert set(areas) == set(layout.areas) | {"Conditions"}  # the DCS's alarm conditions live beside the areas
        units = {(await n.read_browse_name()).Name: n for n in await areas["PSC"].get_children()}
        assert {"PSC1", "PSC2", "PSC3"} <= set(units)
        names = {(await n.read_browse_name()).Name for n in await units["PSC1"].get_children()}
        assert {"PSC1.STATE", "PSC1.BLAST_FLOW", "PSC1.BLAST_SP", "PSC1.BATCHES"} <= names
        assert {"PSC1.HELD_T", "PSC1.HELD_CU", "PSC1.HELD_S"} <= names  # the converter's charge, for the copper account
        for inventory in ("CW.YARD_T", "TH.ANODES_CU", "TH.LIBERATOR_CU_TOTAL"):
            dv = await client.get_node(f"ns={ns};s={inventory}").read_data_value()
            assert dv.StatusCode.is_good() and dv.Value.Value == pytest.approx(stepped_sim.model.values[inventory])
        node = client.get_node(f"ns={ns};s=TH.RECT1.I")
        dv = await node.read_data_value()
        assert dv.StatusCode.is_good() and dv.SourceTimestamp is not None
        assert dv.Value.Value == pytest.approx(stepped_sim.model.values["TH.RECT1.I"])
        eu = await (await node.get_child(["0:EngineeringUnits"])).read_value()
        assert eu.DisplayName.Text == "kA"
        sp = client.get_node(f"ns={ns};s=TH.RECT1.I_SP")
        assert await sp.get_access_level() >= {ua.AccessLevel.CurrentRead, ua.AccessLevel.CurrentWrite}
        assert ua.AccessLevel.CurrentWrite not in await node.get_access_level()


async def test_modbus_registers_match_the_opcua_values(stepped_sim: SimulatorRunner) -> None:
    await stepped_sim.tick(2.0)
    assert stepped_sim.modbus is not None
    entries = stepped_sim.modbus.map.entries
    host, port = modbus_target(stepped_sim)
    device = stepped_sim.modbus.map.device_id
    async with Client(stepped_sim.endpoint) as ua_client, AsyncModbusTcpClient(host, port=port) as mb:
        ns = await ua_client.get_namespace_index(NAMESPACE_URI)
        # the 80 cell voltages in two block reads (<= 125 registers each)
        rr = await mb.read_input_registers(100, count=80, device_id=device)
        assert not rr.isError()
        cells = [e for e in entries if e.table == "ir" and 100 <= e.address < 180]
        assert len(cells) == 80
        for entry in cells:
            opc = await ua_client.get_node(f"ns={ns};s={entry.tag}").read_value()
            assert entry.decode([rr.registers[entry.address - 100]]) == pytest.approx(opc, abs=0.001)
        for entry in entries:
            if 100 <= entry.address < 180 and entry.table == "ir":
                continue
            mb_value = await read_entry(mb, entry, device)
            opc = await ua_client.get_node(f"ns={ns};s={entry.tag}").read_value()
            tolerance = abs(entry.scale) if entry.type != "float32" else 1e-6 * max(1.0, abs(float(opc)))
            if entry.type == "uint32":
                tolerance = max(tolerance, 1.0)
            assert float(mb_value) == pytest.approx(float(opc), abs=tolerance), entry.tag


async def test_opcua_setpoint_write_changes_the_process(stepped_sim: SimulatorRunner) -> None:
    await stepped_sim.tick(1.0)
    async with Client(stepped_sim.endpoint) as client:
        ns = await client.get_namespace_index(NAMESPACE_URI)
        sp = client.get_node(f"ns={ns};s=AP.BLOWER.SPEED_SP")
        flow = client.get_node(f"ns={ns};s=AP.GAS_FLOW")
        before = await flow.read_value()
        await sp.write_value(ua.Variant(5000.0, ua.VariantType.Double))
        for _ in range(5):
            await stepped_sim.tick(1.0)  # 60 s of plant per tick
        assert await flow.read_value() > before + 40000
        # a write outside the limits is refused and the setpoint put back
        await sp.write_value(ua.Variant(9000.0, ua.VariantType.Double))
        await stepped_sim.tick(1.0)
        assert await sp.read_value() == 5000.0


async def test_modbus_writes_change_the_process(stepped_sim: SimulatorRunner) -> None:
    await stepped_sim.tick(1.0)
    assert stepped_sim.modbus is not None
    by_tag = stepped_sim.modbus.map.by_tag()
    host, port = modbus_target(stepped_sim)
    device = stepped_sim.modbus.map.device_id
    async with AsyncModbusTcpClient(host, port=port) as mb:
        i_sp = by_tag["TH.RECT2.I_SP"]
        await mb.write_registers(i_sp.address, i_sp.encode(47.5), device_id=device)
        await mb.write_coil(by_tag["WT.P1.CMD"].address, False, device_id=device)
        for _ in range(10):
            await stepped_sim.tick(1.0)
        assert stepped_sim.model.values["TH.RECT2.I_SP"] == pytest.approx(47.5)
        assert await read_entry(mb, by_tag["TH.RECT2.I"], device) == pytest.approx(47.5, abs=0.2)
        assert stepped_sim.model.values["WT.P1.STATE"] == 0
        assert await read_entry(mb, by_tag["WT.P1.STATE"], device) == 0
        assert float(await read_entry(mb, by_tag["WT.CW_P"], device)) < 3.5  # one pump fewer
        await mb.write_registers(i_sp.address, i_sp.encode(80.0), device_id=device)  # above the limit
        await stepped_sim.tick(1.0)
        assert await read_entry(mb, i_sp, device) == pytest.approx(47.5)


async def test_bad_instrument_is_published_with_a_bad_status_then_recovers(stepped_sim: SimulatorRunner) -> None:
    from app.sim.scenarios import run_scenario

    await stepped_sim.tick(1.0)
    async with Client(stepped_sim.endpoint) as client:
        ns = await client.get_namespace_index(NAMESPACE_URI)
        node = client.get_node(f"ns={ns};s=TH.T_ELEC")
        await run_scenario(stepped_sim, "bad-instrument", duration=120)
        await stepped_sim.tick(1.0)
        dv = await node.read_data_value(raise_on_bad_status=False)
        assert dv.StatusCode.value == ua.StatusCodes.BadSensorFailure
        for _ in range(3):
            await stepped_sim.tick(1.0)
        dv = await node.read_data_value()
        assert dv.StatusCode.is_good()


async def test_uncertain_reason_gives_an_uncertain_status(stepped_sim: SimulatorRunner) -> None:
    await stepped_sim.tick(1.0)
    stepped_sim.model.instrument_fault("SMF.T_PROC", "bad", duration_s=60, reason="uncertain")
    await stepped_sim.tick(0.1)
    async with Client(stepped_sim.endpoint) as client:
        ns = await client.get_namespace_index(NAMESPACE_URI)
        dv = await client.get_node(f"ns={ns};s=SMF.T_PROC").read_data_value(raise_on_bad_status=False)
        assert dv.StatusCode.is_uncertain()
        assert dv.StatusCode.value == ua.StatusCodes.UncertainSensorNotAccurate
        assert 1000 < dv.Value.Value < 1500  # the value is still there, flagged
    await stepped_sim.tick(2.0)


async def test_server_pause_stops_answering_then_comes_back(stepped_sim: SimulatorRunner) -> None:
    await stepped_sim.tick(1.0)
    host, port = modbus_target(stepped_sim)
    await stepped_sim.pause_servers()
    client = Client(stepped_sim.endpoint, timeout=1)
    with pytest.raises((OSError, asyncio.TimeoutError, TimeoutError)):
        await client.connect()
    mb = AsyncModbusTcpClient(host, port=port, timeout=1, retries=0)
    assert not await mb.connect()
    mb.close()
    await stepped_sim.resume_servers()
    async with Client(stepped_sim.endpoint) as again, AsyncModbusTcpClient(host, port=port) as mb2:
        ns = await again.get_namespace_index(NAMESPACE_URI)
        assert await again.get_node(f"ns={ns};s=TH.RECT1.I").read_value() > 0
        rr = await mb2.read_input_registers(0, count=2, device_id=1)
        assert not rr.isError()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def secure_sim(layout: PlantLayout, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[SimulatorRunner, Path]]:
    """A simulator with only SignAndEncrypt endpoints and one user; plus a client cert folder."""
    from asyncua.crypto.cert_gen import setup_self_signed_certificate
    from cryptography.x509.oid import ExtendedKeyUsageOID

    folder = tmp_path_factory.mktemp("pki")
    security = OpcUaSecurity(cert_dir=folder / "server", users={"operator": "s3cret-Pa55"}, allow_none=False)
    runner = SimulatorRunner(layout, port=free_port(), security=security)
    await runner.start()
    await setup_self_signed_certificate(folder / "client_key.pem", folder / "client_cert.der", CLIENT_URI, "localhost",
                                        [ExtendedKeyUsageOID.CLIENT_AUTH], {"commonName": "test client"})
    try:
        yield runner, folder
    finally:
        await runner.close()


@pytest.mark.parametrize("policy", ["Basic256Sha256", "Aes128Sha256RsaOaep"])
async def test_secure_endpoints_need_the_right_password(secure_sim: tuple[SimulatorRunner, Path], policy: str) -> None:
    from asyncua.crypto import security_policies

    runner, folder = secure_sim
    cls = getattr(security_policies, f"SecurityPolicy{policy}")
    assert runner.opcua.security is not None
    server_cert = runner.opcua.security.cert_file

    async def connect(password: str) -> float:
        client = Client(runner.endpoint)
        client.application_uri = CLIENT_URI
        client.set_user("operator")
        client.set_password(password)
        await client.set_security(cls, str(folder / "client_cert.der"), str(folder / "client_key.pem"),
                                  server_certificate=str(server_cert), mode=ua.MessageSecurityMode.SignAndEncrypt)
        async with client:
            ns = await client.get_namespace_index(NAMESPACE_URI)
            return float(await client.get_node(f"ns={ns};s=SMF.T_PROC").read_value())

    assert 1000 < await connect("s3cret-Pa55") < 1500
    with pytest.raises(ua.UaError):
        await connect("wrong")


async def test_secure_server_refuses_anonymous_plain_clients(secure_sim: tuple[SimulatorRunner, Path]) -> None:
    runner, _ = secure_sim
    anonymous = Client(runner.endpoint, timeout=2)
    with pytest.raises((ua.UaError, OSError, TimeoutError)):
        async with anonymous:  # no None endpoint, no anonymous login
            pass
