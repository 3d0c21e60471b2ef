"""``enter_assays``: who may enter assays by hand and import laboratory files, per role, in the
service and on the command line; an older database gets the permission once."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete

from app.core.layout import PlantLayout
from app.core.settings import Settings
from app.quality.assays import AssayInput
from app.quality.service import QualityService
from app.security import permissions as p
from app.security.context import Security
from app.security.session import PermissionDenied
from tests.quality.test_assays import count, write_csv

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
MAY = {p.LABORATORY, p.SHIFT_LEAD, p.PROCESS_ENGINEER, p.ADMINISTRATOR}


@pytest.mark.parametrize("role", p.ROLES)
def test_each_role_may_or_may_not_enter_and_import_assays(layout: PlantLayout, engine: Engine, security: Security,
                                                          tmp_path: Path, role: str) -> None:
    svc = QualityService(layout, engine)
    security.users.add_user("u1", "correct horse 9", [role])
    security.session.login("u1", "correct horse 9")
    lab_file = write_csv(tmp_path / "lab.csv", [f"S1,MATTE-1,{T0.isoformat()},SMF.MATTE_CU,62.1"])
    hand = AssayInput("H1", "SMF.SLAG_CU", 0.91, T0, "SLAG-1")
    if role in MAY:
        assert svc.import_lab_csv(lab_file, security.session) == 1
        svc.enter_assay(security.session, "correct horse 9", hand)
        assert count(engine) == 2
        (row,) = svc.lot_record("MATTE-1")["assays"]
        assert (row["source"], row["entered_by"]) == ("lab", "u1")
        assert ("assay_import", "u1") in [(e.event_type, e.user) for e in security.audit.entries(limit=5)]
    else:
        with pytest.raises(PermissionDenied) as imp:
            svc.import_lab_csv(lab_file, security.session)
        assert str(imp.value).startswith(f"u1 ({role.replace('_', ' ')}) may not enter or import assays (laboratory file lab.csv)")
        with pytest.raises(PermissionDenied, match="may not enter or import assays"):
            svc.enter_assay(security.session, "correct horse 9", hand)
        assert count(engine) == 0


def test_nobody_logged_in_imports_nothing(layout: PlantLayout, engine: Engine, security: Security, tmp_path: Path) -> None:
    svc = QualityService(layout, engine)
    lab_file = write_csv(tmp_path / "lab.csv", [f"S1,MATTE-1,{T0.isoformat()},SMF.MATTE_CU,62.1"])
    with pytest.raises(PermissionDenied, match="No one is logged in"):
        svc.import_lab_csv(lab_file, security.session)
    assert count(engine) == 0


def test_enter_assays_reaches_a_database_made_before_it(security: Security) -> None:
    """An older database has no enter_assays: its default roles get it once, on start."""
    from sqlalchemy.orm import Session as DbSession

    from app.security.models import RolePermission
    from app.security.users import UserStore

    with DbSession(security.engine) as db, db.begin():
        db.execute(delete(RolePermission).where(RolePermission.permission == p.ENTER_ASSAYS))
    assert all(p.ENTER_ASSAYS not in perms for perms in security.users.role_permissions().values())
    UserStore(security.engine, security.audit)  # the next start
    have = {role for role, perms in security.users.role_permissions().items() if p.ENTER_ASSAYS in perms}
    assert have == MAY
    security.users.set_role_permission(p.SHIFT_LEAD, p.ENTER_ASSAYS, False, actor="admin")
    UserStore(security.engine, security.audit)  # a revocation stands
    assert p.ENTER_ASSAYS not in security.users.role_permissions()[p.SHIFT_LEAD]


def test_cli_import_needs_a_user_who_may_enter_assays(engine: Engine, security: Security, settings: Settings, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from app.quality import cli as qcli

    security.users.add_user("op1", "furnace-42x", ["operator"])
    security.users.add_user("lab1", "lab-bench-7", ["laboratory"])
    parser = argparse.ArgumentParser()
    qcli.register(parser.add_subparsers())
    path = write_csv(tmp_path / "lab.csv", [f"S1,MATTE-1,{T0.isoformat()},SMF.MATTE_CU,62.1"])

    def run(user: str, password: str) -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        args = parser.parse_args(["quality", "import", "--csv", str(path), "--user", user, "--password-stdin", "--json"])
        return int(args.handler(args, settings))

    assert run("op1", "furnace-42x") == 2
    err = capsys.readouterr().err
    assert err.startswith("quality import: op1 (operator) may not enter or import assays") and "Traceback" not in err
    assert run("lab1", "wrong") == 2
    assert "Traceback" not in capsys.readouterr().err
    assert count(engine) == 0
    assert run("lab1", "lab-bench-7") == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 1}
    assert count(engine) == 1
