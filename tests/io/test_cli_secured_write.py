"""Issue 13 §1: ``crucible tags write`` logs in, is authorised by the GUI's hooks (critical:
second person and reason), is audited with the console name; a server named directly needs
the ``write_direct`` permission. The real CLI in a child process, the real simulator."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from app.core.settings import load_settings
from app.security.context import build_security
from tests.security.file_keyring import file_keyring

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def plant_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    monkeypatch.setenv("CRUCIBLE_CONSOLE_NAME", "CR-09")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the child's file keyring
    with file_keyring(tmp_path, monkeypatch) as path:
        import keyring

        keyring.get_keyring().file_path = str(tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg")
        url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
        settings = load_settings()
        security = build_security(settings, url)
        security.users.add_user("op1", "furnace-42", ["operator"])
        security.users.add_user("lead", "converter-7", ["shift_lead"])
        yield url, security
        security.close()
        del path


async def _cli(*args: str, stdin: str = "") -> tuple[int, str]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app.cli", "tags", "write", *args, cwd=ROOT, env=dict(os.environ),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(child.communicate(stdin.encode()), 120)
    return int(child.returncode or 0), out.decode()


async def test_command_line_writes_log_in_sign_and_are_audited(sim_server, plant_db) -> None:  # type: ignore[no-untyped-def]
    url, security = plant_db
    common = ("--endpoint", sim_server.endpoint, "--db", url)
    # no password: no terminal to ask, nothing on stdin -> refused, nothing written
    rc, out = await _cli("SMF.O2_ENR_SP", "66", "--user", "op1", *common)
    assert rc == 2 and "--password-stdin" in out
    # wrong password
    rc, out = await _cli("SMF.O2_ENR_SP", "66", "--user", "op1", "--password-stdin", *common, stdin="guess\n")
    assert rc == 1 and "REFUSED: wrong user name or password" in out
    # critical tag without a second person
    rc, out = await _cli("SMF.O2_ENR_SP", "66", "--user", "op1", "--password-stdin", "--reason", "trial", *common,
                         stdin="furnace-42\n")
    assert rc == 1 and "second authorised person" in out
    # with the second person and a reason: written, read back, audited with the console
    rc, out = await _cli("SMF.O2_ENR_SP", "66", "--user", "op1", "--second-user", "lead", "--password-stdin",
                         "--reason", "matte grade trial", *common, stdin="furnace-42\nconverter-7\n")
    assert rc == 0 and "\nOK: SMF.O2_ENR_SP = 66" in "\n" + out, out
    writes = [e for e in security.audit.entries(newest_first=False) if e.category == "write"]
    assert [(e.user, e.second_user, e.reason, e.console, e.result) for e in writes] == [
        ("op1", "lead", "matte grade trial", "CR-09", "success")]
    logins = [e for e in security.audit.entries(newest_first=False) if e.event_type == "login"]
    assert [e.result for e in logins] == ["failure", "success", "success"]
    assert security.audit.verify() == []


async def test_a_server_named_directly_needs_the_write_direct_permission(sim_server, plant_db) -> None:  # type: ignore[no-untyped-def]
    url, security = plant_db
    address = f"{sim_server.endpoint}#ns=2;s=PSC2.BLAST_SP"
    rc, out = await _cli(address, "31000", "--user", "op1", "--password-stdin", "--db", url, stdin="furnace-42\n")
    assert rc == 1 and "REFUSED: " in out and "write to a server named directly" in out
    refused = security.audit.entries(limit=2)[1]
    assert (refused.category, refused.result, refused.target) == ("write", "refused", address)
    security.users.set_role_permission("operator", "write_direct", True, actor="admin")
    rc, out = await _cli(address, "31000", "--user", "op1", "--password-stdin", "--db", url, stdin="furnace-42\n")
    assert rc == 0 and "\nOK: " in "\n" + out, out
