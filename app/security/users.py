"""Users and roles in the shared database; authentication with lock-out (SR 1.1, 2.1).

Every change and every log-in attempt goes to the audit trail.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as DbSession

from app.core.tags import utcnow
from app.db.notify import USERS, notify_change
from app.security import audit as au
from app.security import permissions as perms
from app.security.audit import AuditTrail
from app.security.models import Role, RolePermission, User
from app.security.passwords import DEFAULT_N, hash_password, verify_password


class SecurityError(Exception):
    """A refused user operation; the message says what is wrong and what to do."""


class AuthenticationError(SecurityError):
    """A log-in or signature that did not succeed."""


@dataclass(frozen=True)
class UserInfo:
    username: str
    full_name: str
    roles: tuple[str, ...]
    enabled: bool
    locked_until: datetime | None
    must_change_password: bool


@dataclass(frozen=True)
class SecurityPolicy:
    """Limits that come from the settings."""

    lockout_failures: int = 5
    lockout_minutes: float = 15.0
    min_password_length: int = 8
    scrypt_n: int = DEFAULT_N


def _utc(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


class UserStore:
    """Users, roles and permissions; authentication with lock-out."""

    def __init__(self, engine: Engine, audit: AuditTrail, policy: SecurityPolicy | None = None) -> None:
        self.engine = engine
        self.audit = audit
        self.policy = policy or SecurityPolicy()
        self.ensure_roles()

    # --- roles ------------------------------------------------------------------------
    def ensure_roles(self) -> None:
        """Create the five standard roles with their default permissions when missing."""
        with DbSession(self.engine) as db, db.begin():
            existing = set(db.execute(select(Role.name)).scalars())
            for name in perms.ROLES:
                if name not in existing:
                    db.add(Role(
                        name=name, description=name.replace("_", " "),
                        permissions=[RolePermission(permission=p) for p in sorted(perms.DEFAULT_ROLE_PERMISSIONS[name])],
                    ))
            if existing:  # an older database: grant permissions new since then, once
                seen = set(db.execute(select(RolePermission.permission)).scalars())
                for permission in perms.ADDED_LATER:
                    if permission in seen:
                        continue
                    for role in db.execute(select(Role)).scalars():
                        if permission in perms.DEFAULT_ROLE_PERMISSIONS.get(role.name, frozenset()):
                            role.permissions.append(RolePermission(permission=permission))

    def role_permissions(self) -> dict[str, frozenset[str]]:
        with DbSession(self.engine) as db:
            return {r.name: frozenset(p.permission for p in r.permissions) for r in db.execute(select(Role)).scalars()}

    def set_role_permission(self, role: str, permission: str, granted: bool, actor: str = "") -> None:
        """Grant or revoke ``permission`` for ``role`` (audited)."""
        if not perms.is_known(permission):
            raise SecurityError(f"unknown permission {permission!r}; known: {', '.join(perms.ACTIONS)} (write_setpoint:<AREA>)")
        with DbSession(self.engine) as db, db.begin():
            row = db.get(Role, role)
            if row is None:
                raise SecurityError(f"no role {role!r}; roles: {', '.join(perms.ROLES)}")
            have = {p.permission: p for p in row.permissions}
            if granted and permission not in have:
                row.permissions.append(RolePermission(permission=permission))
            elif not granted and permission in have:
                row.permissions.remove(have[permission])
            notify_change(db, USERS, role)  # other consoles re-read at commit
        self.audit.record(au.USER, "role_grant" if granted else "role_revoke", user=actor, target=role, new=permission)

    # --- users ------------------------------------------------------------------------
    def has_users(self) -> bool:
        with DbSession(self.engine) as db:
            return db.execute(select(User.id).limit(1)).first() is not None

    def _check_password_rules(self, username: str, password: str) -> None:
        if len(password) < self.policy.min_password_length:
            raise SecurityError(f"the password must have at least {self.policy.min_password_length} characters")
        if password.lower() == username.lower():
            raise SecurityError("the password must not be the user name")

    def add_user(
        self, username: str, password: str, roles: list[str], full_name: str = "", actor: str = "",
        must_change_password: bool = False,
    ) -> None:
        username = username.strip()
        if not username or any(c.isspace() for c in username):
            raise SecurityError("a user name must be one word without spaces")
        if not roles:
            raise SecurityError(f"give the user at least one role: {', '.join(perms.ROLES)}")
        self._check_password_rules(username, password)
        now = utcnow()
        with DbSession(self.engine) as db, db.begin():
            if db.execute(select(User).where(User.username == username)).scalar_one_or_none():
                raise SecurityError(f"user {username!r} already exists")
            role_rows = self._roles(db, roles)
            db.add(User(
                username=username, full_name=full_name, password_hash=hash_password(password, self.policy.scrypt_n),
                enabled=True, failed_logins=0, created_at=now, password_changed_at=now, roles=role_rows,
                must_change_password=must_change_password,
            ))
            notify_change(db, USERS, username)
        self.audit.record(au.USER, "user_add", user=actor, target=username, new=",".join(roles))

    def _roles(self, db: DbSession, names: list[str]) -> list[Role]:
        rows = []
        for name in names:
            row = db.get(Role, name)
            if row is None:
                raise SecurityError(f"no role {name!r}; roles: {', '.join(perms.ROLES)}")
            rows.append(row)
        return rows

    def _user(self, db: DbSession, username: str) -> User:
        row = db.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if row is None:
            raise SecurityError(f"no user {username!r}")
        return row

    def list_users(self) -> list[UserInfo]:
        with DbSession(self.engine) as db:
            return [
                UserInfo(u.username, u.full_name, tuple(sorted(r.name for r in u.roles)), u.enabled,
                         _utc(u.locked_until), u.must_change_password)
                for u in db.execute(select(User).order_by(User.username)).scalars()
            ]

    def user(self, username: str) -> UserInfo | None:
        return next((u for u in self.list_users() if u.username == username), None)

    def set_enabled(self, username: str, enabled: bool, actor: str = "") -> None:
        with DbSession(self.engine) as db, db.begin():
            row = self._user(db, username)
            old = row.enabled
            row.enabled = enabled
            if enabled:
                row.failed_logins, row.locked_until = 0, None
            notify_change(db, USERS, username)
        self.audit.record(au.USER, "user_enable" if enabled else "user_disable", user=actor, target=username, old=old, new=enabled)

    def set_roles(self, username: str, roles: list[str], actor: str = "") -> None:
        if not roles:
            raise SecurityError(f"give the user at least one role: {', '.join(perms.ROLES)}")
        with DbSession(self.engine) as db, db.begin():
            row = self._user(db, username)
            old = ",".join(r.name for r in row.roles)
            row.roles = self._roles(db, roles)
            notify_change(db, USERS, username)
        self.audit.record(au.USER, "user_roles", user=actor, target=username, old=old, new=",".join(roles))

    def reset_password(self, username: str, password: str, actor: str = "", must_change: bool = True) -> None:
        """An administrator sets a new password (and clears a lock-out)."""
        self._check_password_rules(username, password)
        with DbSession(self.engine) as db, db.begin():
            row = self._user(db, username)
            row.password_hash = hash_password(password, self.policy.scrypt_n)
            row.failed_logins, row.locked_until = 0, None
            row.password_changed_at = utcnow()
            row.must_change_password = must_change
            notify_change(db, USERS, username)
        self.audit.record(au.USER, "password_reset", user=actor, target=username)

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """The user changes their own password (the old one must be right)."""
        self.authenticate(username, old_password, event="password_change_check")
        self._check_password_rules(username, new_password)
        if new_password == old_password:
            raise SecurityError("the new password must differ from the old one")
        with DbSession(self.engine) as db, db.begin():
            row = self._user(db, username)
            row.password_hash = hash_password(new_password, self.policy.scrypt_n)
            row.password_changed_at = utcnow()
            row.must_change_password = False
            notify_change(db, USERS, username)
        self.audit.record(au.ACCESS, "password_change", user=username, target=username)

    def permissions_of(self, username: str) -> frozenset[str]:
        with DbSession(self.engine) as db:
            row = db.execute(select(User).where(User.username == username)).scalar_one_or_none()
            if row is None or not row.enabled:
                return frozenset()
            return frozenset(p.permission for r in row.roles for p in r.permissions)

    # --- authentication ---------------------------------------------------------------
    def authenticate(self, username: str, password: str, event: str = "login", console: str | None = None) -> UserInfo:
        """The user when ``password`` is right; else :class:`AuthenticationError` (audited).

        ``lockout_failures`` wrong passwords in a row lock the account for ``lockout_minutes``.
        User names cannot be enumerated: an unknown user and a wrong password get the same
        message after the same work (one scrypt either way, against a dummy hash for an
        unknown name); that an account is locked or disabled is said only to someone who
        knows its password. The audit record keeps the real reason for the administrator.
        """
        now = utcnow()
        wrong = "wrong user name or password"
        detail = ""
        with DbSession(self.engine) as db, db.begin():
            row = db.execute(select(User).where(User.username == username).with_for_update()).scalar_one_or_none()
            if row is None:
                verify_password(password, self._dummy_hash())  # the same time as a real check
                error, detail = wrong, "unknown user name"
            else:
                right = verify_password(password, row.password_hash)
                until = _utc(row.locked_until)
                if right and not row.enabled:
                    error = f"the account {username!r} is disabled; ask an administrator"
                elif right and until and until > now:
                    error = (
                        f"the account {username!r} is locked after {self.policy.lockout_failures} wrong passwords; "
                        f"try again after {until.astimezone().strftime('%H:%M')} or ask an administrator to reset it"
                    )
                elif not right:
                    error = wrong
                    if not row.enabled:
                        detail = "wrong password (account disabled)"
                    elif until and until > now:
                        detail = "wrong password (account locked)"
                    else:
                        row.failed_logins += 1
                        left = self.policy.lockout_failures - row.failed_logins
                        detail = f"wrong password ({left} attempt{'s' if left != 1 else ''} left before the account locks)"
                        if row.failed_logins >= self.policy.lockout_failures:
                            row.locked_until = now + timedelta(minutes=self.policy.lockout_minutes)
                            row.failed_logins = 0
                            notify_change(db, USERS, username)  # the Users panels show the lock-out
                            detail = (f"wrong password; account locked for {self.policy.lockout_minutes:g} minutes "
                                      f"after {self.policy.lockout_failures} failures")
                else:
                    row.failed_logins, row.locked_until = 0, None
                    error = ""
                    info = UserInfo(row.username, row.full_name, tuple(r.name for r in row.roles), True, None,
                                    row.must_change_password)
        if error:
            self.audit.record(au.ACCESS, event, au.FAILURE, user=username, detail=detail or error, console=console)
            raise AuthenticationError(error)
        if event == "login":
            self.audit.record(au.ACCESS, event, au.SUCCESS, user=username, console=console)
        return info

    def _dummy_hash(self) -> str:
        """A hash with this console's cost, checked for unknown user names (timing)."""
        if getattr(self, "_dummy", None) is None:
            self._dummy = hash_password(os.urandom(16).hex(), self.policy.scrypt_n)
        return self._dummy
