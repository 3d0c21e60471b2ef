"""Issue 13 §2: someone with full write access to the database but without the console's
key cannot rewrite, truncate or empty the audit trail without ``crucible audit verify``
saying so. Each case is what an attacker did on main, where all of them passed verify."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session as DbSession

from app.cli import main as crucible
from app.core.settings import Settings
from app.security import audit as au
from app.security.checkpoints import CheckpointLog
from app.security.context import Security
from app.security.models import AuditHead, AuditRecord


def _fill(security: Security) -> None:
    security.users.add_user("op1", "furnace-42", ["operator"], actor="admin")
    for _ in range(2):
        with pytest.raises(Exception):  # noqa: B017 - wrong passwords: failed-login rows
            security.users.authenticate("op1", "wrong-pass")
    security.session.login("op1", "furnace-42")
    security.audit.record(au.WRITE, "setpoint_write", user="op1", target="SMF.O2_ENR_SP", old=65.0, new=66.0)
    security.audit.record(au.ALARM, "acknowledge", user="op1", target="SMF.T_PROC.HI")
    security.session.logout()


def _rechain(db: DbSession) -> None:
    """What an attacker does after editing: renumber and recompute every hash and the head."""
    rows = list(db.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars())
    values = [{c: getattr(r, c) for c in au.FIELDS} for r in rows]
    db.execute(delete(AuditRecord))
    db.flush()
    prev = au.GENESIS
    for seq, v in enumerate(values, 1):
        v["seq"], v["prev_hash"] = seq, prev
        v["hash"] = prev = au.record_hash(v)
        db.add(AuditRecord(**v))
    db.execute(delete(AuditHead))
    if values:
        db.add(AuditHead(id=1, seq=len(values), hash=prev))


def edit_and_rechain(security: Security) -> None:
    with DbSession(security.engine) as db, db.begin():
        db.execute(update(AuditRecord).where(AuditRecord.target == "SMF.O2_ENR_SP").values(new_value="80.0"))
        _rechain(db)


def delete_failed_logins_and_renumber(security: Security) -> None:
    with DbSession(security.engine) as db, db.begin():
        db.execute(delete(AuditRecord).where(AuditRecord.result == au.FAILURE))
        _rechain(db)


def append_forged_write(security: Security) -> None:
    forger = au.AuditTrail(security.engine, console="CR-01")  # the chain code, but no console key
    forger.record(au.WRITE, "setpoint_write", user="op1", target="SMF.O2_ENR_SP", old=66.0, new=80.0)


def delete_tail_and_update_head(security: Security) -> None:
    with DbSession(security.engine) as db, db.begin():
        last = db.execute(select(AuditHead)).scalar_one()
        db.execute(delete(AuditRecord).where(AuditRecord.seq >= last.seq - 1))
        _rechain(db)


def delete_everything(security: Security) -> None:
    with DbSession(security.engine) as db, db.begin():
        db.execute(delete(AuditRecord))
        db.execute(delete(AuditHead))


TAMPERING: dict[str, Callable[[Security], None]] = {
    "edit a row, recompute the chain": edit_and_rechain,
    "delete failed-login rows, renumber": delete_failed_logins_and_renumber,
    "append a forged, properly chained write": append_forged_write,
    "delete the tail, update the head": delete_tail_and_update_head,
    "delete everything": delete_everything,
}


def test_an_intact_trail_verifies_against_its_signed_checkpoints(security: Security, settings: Settings,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _fill(security)
    assert security.audit.verify() == []
    assert crucible(["audit", "verify", "--db", settings.db_url]) == 0
    out = capsys.readouterr().out
    assert "hash chain intact" in out and "signed checkpoint(s) match" in out
    checkpoints = list((Path(security.audit.checkpoints.folder)).glob("checkpoints-*.jsonl"))  # type: ignore[union-attr]
    assert len(checkpoints) == 1 and oct(checkpoints[0].stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("case", list(TAMPERING))
def test_tampering_without_the_console_key_is_detected(security: Security, settings: Settings, case: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    _fill(security)
    assert security.audit.verify() == []
    TAMPERING[case](security)
    assert crucible(["audit", "verify", "--db", settings.db_url]) == 1, case
    out = capsys.readouterr().out
    assert "FAIL: " in out and ("checkpoint" in out or "missing" in out or "rewritten" in out)


def test_cutting_or_forging_the_checkpoint_file_is_detected(security: Security) -> None:
    _fill(security)
    log = security.audit.checkpoints
    assert isinstance(log, CheckpointLog)
    lines = log.path.read_text().splitlines(keepends=True)
    # the attacker also cuts the file back to before the last two records, and the tail with it
    log.path.write_text("".join(lines[:-2]))
    delete_tail_and_update_head(security)
    problems = security.audit.verify()
    assert any("checkpoint file was cut" in p for p in problems), problems
    # a checkpoint line written without the key (wrong signature)
    log.path.write_text("".join(lines[:-1]) + lines[-1].replace('"mac":"', '"mac":"00'))
    assert any("wrong signature" in p for p in security.audit.verify())
