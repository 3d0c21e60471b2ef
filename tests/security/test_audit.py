"""The audit trail's hash chain: `crucible audit verify` passes intact, fails when edited or cut."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, update

from app.cli import main as crucible
from app.core.settings import Settings
from app.security import audit as au
from app.security.checkpoints import CheckpointLog
from app.security.context import Security
from app.security.models import AuditRecord


def _fill(security: Security) -> None:
    security.users.add_user("op1", "furnace-42", ["operator"], actor="admin")
    security.session.login("op1", "furnace-42")
    security.audit.record(au.ALARM, "acknowledge", user="op1", target="SMF.T_PROC.HI")
    security.audit.record(au.ALARM, "shelve", user="op1", target="PSC1.P.LO", reason="instrument fault", detail="60 min")
    security.audit.record(au.WRITE, "setpoint_write", user="op1", target="PSC2.BLAST_SP", old=32000.0, new=33000.0)
    security.session.logout()


def test_records_carry_the_sr_2_8_fields(security: Security) -> None:
    _fill(security)
    entry = security.audit.entries(limit=2)[1]
    assert (entry.category, entry.event_type, entry.result, entry.user, entry.console) == (
        "write", "setpoint_write", "success", "op1", "CR-01")
    assert entry.ts.tzinfo is not None and len(entry.event_id) == 36 and entry.seq > 1
    assert (entry.target, entry.old_value, entry.new_value) == ("PSC2.BLAST_SP", "32000.0", "33000.0")
    out = io.StringIO()
    assert au.write_csv(security.audit.entries(newest_first=False), out) == 6
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[3]["event_type"] == "shelve" and rows[3]["reason"] == "instrument fault"


def test_verify_intact_then_altered(security: Security, settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    _fill(security)
    assert security.audit.verify() == []
    assert crucible(["audit", "verify", "--db", settings.db_url]) == 0
    assert "hash chain intact" in capsys.readouterr().out
    with security.engine.begin() as db:  # someone "corrects" the value written
        db.execute(update(AuditRecord).where(AuditRecord.target == "PSC2.BLAST_SP").values(new_value="34000.0"))
    problems = security.audit.verify()
    assert len(problems) == 1 and "altered" in problems[0]
    assert crucible(["audit", "verify", "--db", settings.db_url]) == 1
    assert "FAIL: record 5 (setpoint_write by op1): content was altered" in capsys.readouterr().out


@pytest.mark.parametrize("which", ["middle", "last"])
def test_verify_detects_a_removed_record(security: Security, settings: Settings, which: str) -> None:
    _fill(security)
    last = security.audit.entries(limit=1)[0].seq
    seq = 3 if which == "middle" else last
    with security.engine.begin() as db:
        db.execute(delete(AuditRecord).where(AuditRecord.seq == seq))
    problems = security.audit.verify()
    assert problems, "a removed record must be noticed"
    assert crucible(["audit", "verify", "--db", settings.db_url]) == 1


def test_two_consoles_on_one_database_share_one_chain(security: Security, settings: Settings) -> None:
    # each console signs its own checkpoints; here both write to one (shared) checkpoint folder
    other = au.AuditTrail(security.engine, console="CR-02", checkpoints=CheckpointLog("CR-02"))
    for i in range(5):
        security.audit.record(au.ACCESS, "login", user=f"a{i}")
        other.record(au.ACCESS, "login", user=f"b{i}")
    entries = security.audit.entries(newest_first=False)
    assert [e.seq for e in entries] == list(range(1, 11))
    assert {e.console for e in entries} == {"CR-01", "CR-02"}
    assert security.audit.verify() == []


def test_verify_without_a_keyring_says_not_checked_not_tampered(security: Security, settings: Settings,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    _fill(security)
    before = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        assert crucible(["audit", "verify", "--db", settings.db_url]) == 1  # not proven: not a pass
    finally:
        keyring.set_keyring(before)
    out = capsys.readouterr()
    assert "NOT CHECKED: checkpoints of console 'CR-01' cannot be checked: no key" in out.out
    assert "FAIL:" not in out.out and "tampered with" not in out.err
    assert "the hash chain is intact, but its signed checkpoints cannot be checked" in out.err
    with security.engine.begin() as db:  # a real edit on top is still called what it is
        db.execute(update(AuditRecord).where(AuditRecord.target == "PSC2.BLAST_SP").values(new_value="34000.0"))
    keyring.set_keyring(NoKeyring())
    try:
        assert crucible(["audit", "verify", "--db", settings.db_url]) == 1
    finally:
        keyring.set_keyring(before)
    out = capsys.readouterr()
    assert "FAIL: record 5 (setpoint_write by op1): content was altered" in out.out and "1 problem(s) - it has been tampered with" in out.err
