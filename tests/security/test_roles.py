"""Each role can do exactly its permissions and is refused the rest with a message."""

from __future__ import annotations

import pytest

from app.core.tags import DataType, TagDef
from app.io.writes import WriteRequest
from app.security import permissions as p
from app.security.context import Security

EXPECTED = {
    p.OPERATOR: {p.VIEW, p.ACK_ALARMS, "write_setpoint:SMF", "write_setpoint:PSC", p.START_STOP},
    p.SHIFT_LEAD: {p.VIEW, p.ACK_ALARMS, p.SHELVE_ALARMS, "write_setpoint:SMF", "write_setpoint:PSC", p.START_STOP, p.EDIT_PLANS,
                   p.CLOSE_CONSOLE, p.LOCKOUT, p.ENTER_ASSAYS},
    p.MAINTENANCE: {p.VIEW, p.START_STOP, p.CLOSE_WORK_ORDERS, p.LOCKOUT},
    p.PROCESS_ENGINEER: {p.VIEW, "write_setpoint:SMF", "write_setpoint:PSC", p.EDIT_PLANS, p.CHANGE_SETTINGS, p.CLOSE_CONSOLE,
                         p.LOCKOUT, p.ENTER_ASSAYS},
    p.ADMINISTRATOR: {p.VIEW, p.MANAGE_USERS, p.CHANGE_SETTINGS, p.CLOSE_CONSOLE, p.ENTER_ASSAYS},
    p.LABORATORY: {p.VIEW, p.ENTER_ASSAYS},
}
ALL = [a for a in p.ACTIONS if a != p.WRITE_SETPOINT] + ["write_setpoint:SMF", "write_setpoint:PSC"]


def _tag(name: str, area: str, dtype: DataType = DataType.FLOAT) -> TagDef:
    return TagDef(name, area, "U", "", "", "", 0, 100, f"opcua://sim/ns=2;s={name}", data_type=dtype, writable=True)


@pytest.mark.parametrize("role", p.ROLES)
def test_each_role_gets_exactly_its_permissions(security: Security, role: str) -> None:
    security.users.add_user("u1", "correct horse", [role])
    security.session.login("u1", "correct horse")
    for action in ALL:
        refusal = security.session.refusal(action)
        if action in EXPECTED[role]:
            assert refusal is None, f"{role} should {action}"
        else:
            assert refusal is not None, f"{role} must not {action}"
            assert refusal.startswith(f"u1 ({role.replace('_', ' ')}) may not {p.describe(action)}")
    # the same decisions through the write path's permission hook
    setpoint, command = _tag("SMF.X_SP", "SMF"), _tag("CB.BELT1.CMD", "CB", DataType.BOOL)
    hook = security.session.write_permission
    assert (hook(WriteRequest("SMF.X_SP", 1.0, user="u1"), setpoint) is None) == ("write_setpoint:SMF" in EXPECTED[role])
    assert (hook(WriteRequest("CB.BELT1.CMD", True, user="u1"), command) is None) == (p.START_STOP in EXPECTED[role])


def test_setpoints_can_be_granted_per_area(security: Security) -> None:
    security.users.set_role_permission(p.MAINTENANCE, "write_setpoint:WT", True, actor="admin")
    security.users.add_user("fitter", "wrench1234", [p.MAINTENANCE])
    security.session.login("fitter", "wrench1234")
    assert security.session.may("write_setpoint:WT")
    assert security.session.refusal("write_setpoint:SMF", "SMF.O2_ENR_SP") == (
        "fitter (maintenance) may not write setpoints in SMF (SMF.O2_ENR_SP): ask a user whose role allows it."
    )


def test_nobody_logged_in_is_refused(security: Security) -> None:
    assert security.session.refusal(p.ACK_ALARMS) == "No one is logged in: log in to acknowledge alarms."


def test_a_permission_added_later_reaches_the_default_roles_of_an_older_database_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    from app.core.settings import Settings
    from app.security import permissions as perms
    from app.security.context import build_security
    from app.security.models import RolePermission

    security = build_security(Settings(scrypt_n=1024), f"sqlite:///{tmp_path / 'p.sqlite'}")
    with security.engine.begin() as conn:  # a database from before lockout_equipment existed
        conn.execute(delete(RolePermission).where(RolePermission.permission == perms.LOCKOUT))
    security.users.ensure_roles()
    granted = security.users.role_permissions()
    assert perms.LOCKOUT in granted["maintenance"] and perms.LOCKOUT not in granted["operator"]
    security.users.set_role_permission("maintenance", perms.LOCKOUT, False, actor="admin")
    security.users.ensure_roles()  # the administrator's revoke stays
    assert perms.LOCKOUT not in security.users.role_permissions()["maintenance"]
    security.close()


def test_close_console_reaches_a_database_made_before_it(security: Security) -> None:
    """An older database has no close_console: its default roles get it once, on start."""
    from sqlalchemy import delete
    from sqlalchemy.orm import Session as DbSession

    from app.security.models import RolePermission

    with DbSession(security.users.engine) as db, db.begin():
        db.execute(delete(RolePermission).where(RolePermission.permission == p.CLOSE_CONSOLE))
    assert all(p.CLOSE_CONSOLE not in perms for perms in security.users.role_permissions().values())
    security.users.ensure_roles()
    have = {role for role, perms in security.users.role_permissions().items() if p.CLOSE_CONSOLE in perms}
    assert have == {p.SHIFT_LEAD, p.PROCESS_ENGINEER, p.ADMINISTRATOR}
