"""``crucible tags ...`` against real servers (the simulator's OPC UA server, a pymodbus server)."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.core.address import modbus_point, parse_address
from app.core.layout import PlantLayout
from app.io import cli
from app.io.modbus import encode
from tests.io.modbus_server import ModbusTestServer
from tests.security.file_keyring import file_keyring

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A logged-in engineer (operator role, also allowed to write to servers named directly)."""
    from app.core.settings import load_settings
    from app.security import permissions as perms
    from app.security.context import build_security

    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    with file_keyring(tmp_path, monkeypatch):
        settings = load_settings()
        settings.console_name = "CR-07"
        settings.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
        security = build_security(settings)
        security.users.add_user("eng", "eng-pass-1", ["operator"])
        security.users.set_role_permission("operator", perms.WRITE_DIRECT, True)
        security.session.login("eng", "eng-pass-1")
        yield security.session
        security.close()


async def _write(resolved: cli.Resolved, text: str, session: Any, out: io.StringIO) -> int:
    request = session.request(resolved.tags[0].name, cli.parse_value(text, resolved.tags[0]))
    return await cli.write(resolved, request, out, session.write_permission, session.audit_write)


async def test_read_write_and_watch_with_addresses_naming_their_server(sim_server, session) -> None:  # type: ignore[no-untyped-def]
    # The simulator advertises 127.0.0.1; dial it as "localhost" (another host name).
    endpoint = sim_server.endpoint.replace("127.0.0.1", "localhost")
    out = io.StringIO()
    rc = await cli.read(cli.resolve([f"{endpoint}#ns=2;s=SMF.T_PROC", f"{endpoint}#ns=2;s=NO.SUCH"], None), out, 10)
    lines = out.getvalue().splitlines()
    assert rc == 1 and len(lines) == 2
    assert "#ns=2;s=SMF.T_PROC  1" in lines[0] and "Good" in lines[0]
    assert "Bad (cannot subscribe: BadNodeIdUnknown)" in lines[1]

    out = io.StringIO()
    assert await _write(cli.resolve([f"{endpoint}#ns=2;s=PSC2.BLAST_SP"], None), "31000", session, out) == 0
    assert out.getvalue().startswith("OK: ") and "confirmed by read-back" in out.getvalue()

    out = io.StringIO()
    await cli.watch(cli.resolve([f"{endpoint}#ns=2;s=SMF.T_PROC"], None), out, seconds=2.0)
    assert sum("Good" in line for line in out.getvalue().splitlines()) >= 2  # live updates


async def test_write_of_a_layout_tag_keeps_its_limits(layout: PlantLayout, sim_server, session) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    resolved = cli.resolve(["PSC2.BLAST_SP"], layout, sim_server.endpoint)
    assert await _write(resolved, "90000", session, out) == 1
    assert out.getvalue().strip() == "FAILED: PSC2.BLAST_SP: 90000 Nm³/h is outside the allowed range 20000 to 45000 Nm³/h"


async def test_modbus_address_naming_its_server(session) -> None:  # type: ignore[no-untyped-def]
    server = ModbusTestServer()
    await server.start()
    try:
        server.set_registers("hr", 0, encode(modbus_point(parse_address("modbus://x/hr/0?type=float32")), 12.5))
        address = f"modbus://127.0.0.1:{server.port}/hr/40001?type=float32"
        out = io.StringIO()
        assert await cli.read(cli.resolve([address], None), out, 5) == 0
        assert out.getvalue().startswith(f"{address}  12.5  Good")
        out = io.StringIO()
        assert await _write(cli.resolve([address], None), "7.25", session, out) == 0
        assert "7.25" in out.getvalue()
        out = io.StringIO()
        bad = f"modbus://127.0.0.1:{server.port}/hr/9000"
        assert await cli.read(cli.resolve([bad], None), out, 2) == 1
        assert "Bad (Modbus exception 2 (illegal data address))" in out.getvalue()
    finally:
        await server.stop()


def test_bad_addresses_are_refused_with_a_reason() -> None:
    with pytest.raises(cli.CliError, match="put the node id after '#'"):
        cli.resolve(["opc.tcp://h:4840/"], None)
    with pytest.raises(cli.CliError, match="table 'zz'"):
        cli.resolve(["modbus://h:502/zz/1"], None)
    with pytest.raises(cli.CliError, match="not a tag of the layout"):
        cli.resolve(["KILN.T"], None)


def test_a_computed_tag_is_refused_with_where_it_comes_from(layout: PlantLayout) -> None:
    """Tags a module computes in the console (calc://) have no server to read from or write to."""
    with pytest.raises(cli.CliError, match=r"EN.CATHODE.KGCE_T is computed inside the console by the energy module"):
        cli.resolve(["EN.CATHODE.KGCE_T"], layout)
    with pytest.raises(cli.CliError, match="plant3d module"):
        cli.resolve_for_write("HSE.Z01.OCCUPIED_UNSAFE", layout)
    assert cli.resolve(["SMF.T_MATTE"], layout).tags[0].name == "SMF.T_MATTE"  # a server's tag still resolves


def test_browse_and_import_from_the_command_line(sim_process, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = [sys.executable, "-m", "app.cli"]
    browse = subprocess.run(
        [*run, "tags", "browse", sim_process.endpoint, "--depth", "4"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert browse.returncode == 0, browse.stderr
    assert "Plant  [Object]  ns=2;s=Plant" in browse.stdout
    assert "SMF.T_PROC  [Variable]  ns=2;s=SMF.T_PROC  = 1" in browse.stdout

    target = tmp_path / "tags" / "psc.yaml"
    imp = subprocess.run(
        [*run, "tags", "import", sim_process.endpoint, "--under", "Plant/PSC", "-o", str(target), "--connection", "sim"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert imp.returncode == 0, imp.stderr
    tags = {t["name"]: t for t in yaml.safe_load(target.read_text(encoding="utf-8"))["tags"]}
    sp = tags["PSC2.BLAST_SP"]
    assert sp["eu"] == "Nm³/h" and sp["range"] == [0.0, 60000.0] and sp["writable"] is True
    assert sp["address"] == "opcua://sim/ns=2;s=PSC2.BLAST_SP" and sp["unit"] == "PSC2"
    assert "writable" not in tags["PSC1.BLAST_FLOW"]

    read = subprocess.run(
        [*run, "tags", "read", "SMF.T_PROC", "--endpoint", sim_process.endpoint], cwd=ROOT, capture_output=True,
        text=True, timeout=120,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.startswith("SMF.T_PROC  1") and "°C  Good" in read.stdout


async def test_writing_an_output_from_the_command_line_follows_the_mode(layout: PlantLayout, sim_server, session) -> None:  # type: ignore[no-untyped-def]
    """`crucible tags write CB.OUT 50` reads CB.MODE too: refused in AUTO with the reason,
    done in MANUAL (not refused for want of knowing the mode)."""
    out = io.StringIO()
    assert await _write(cli.resolve_for_write("CB.OUT", layout, sim_server.endpoint), "50", session, out) == 1
    assert out.getvalue().strip() == "FAILED: CB.OUT may be written only while CB.MODE is MANUAL; it is AUTO"
    out = io.StringIO()
    assert await _write(cli.resolve_for_write("CB.MODE", layout, sim_server.endpoint), "0", session, out) == 0
    out = io.StringIO()
    assert await _write(cli.resolve_for_write("CB.OUT", layout, sim_server.endpoint), "50", session, out) == 0
    assert out.getvalue().startswith("OK: CB.OUT = 50.0 %")
