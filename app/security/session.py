"""The console's session: who is logged in, the inactivity lock, permission checks and
electronic signatures for critical actions. No Qt: the GUI drives it, the write path asks it.

* :meth:`Session.write_permission` is the :class:`app.io.writes.WritePath` permission hook.
* :meth:`Session.audit_write` is its audit hook.
* :meth:`Session.sign_critical` is the non-Qt verification API a faceplate calls (after
  the signature dialog) before writing a critical tag; the signature it returns is used up
  by the next matching write.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from app.core.tags import DataType, TagDef
from app.db.notify import USERS, follow
from app.io.writes import WriteRequest, WriteResult
from app.security import audit as au
from app.security import permissions as perms
from app.security.audit import AuditTrail
from app.security.users import AuthenticationError, SecurityError, UserInfo, UserStore

SIGNATURE_VALID_S = 120.0
log = logging.getLogger(__name__)


class PermissionDenied(SecurityError):
    """The logged-in user (or no one) may not do this; the message says why."""


@dataclass(frozen=True)
class Signature:
    """A verified electronic signature for one critical action."""

    user: str
    action: str
    target: str
    value: object
    second_user: str
    reason: str
    signed_at: float


def action_for(tag: TagDef) -> str:
    """The permission a write of ``tag`` needs: start/stop for commands, else setpoints of its area."""
    if tag.data_type in (DataType.BOOL, DataType.STATE):
        return perms.START_STOP
    return perms.setpoint_permission(tag.area)


class Session:
    """One console's log-in session (SR 1.1, 2.1, 2.5)."""

    def __init__(
        self,
        users: UserStore,
        audit: AuditTrail,
        console: str = "",
        lock_after_s: float = 600.0,
        second_person_required: bool = True,
        reason_required: bool = True,
        clock: Callable[[], float] = time.monotonic,
        definitions: Mapping[str, TagDef] | None = None,
    ) -> None:
        self.users = users
        self.audit = audit
        self.console = console
        self.lock_after_s = lock_after_s
        self.second_person_required = second_person_required
        self.reason_required = reason_required
        self.clock = clock
        self.definitions = definitions  # tag name -> definition (tells commands from setpoints)
        self.user: UserInfo | None = None
        self.locked = False
        self.last_activity = clock()
        self._permissions: frozenset[str] = frozenset()
        self._signatures: list[Signature] = []
        self.listeners: list[Callable[[Session], None]] = []  # told after every state change

    # --- state ------------------------------------------------------------------------
    @property
    def username(self) -> str:
        return self.user.username if self.user else ""

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener(self)

    def login(self, username: str, password: str) -> UserInfo:
        """Log ``username`` in (raises :class:`AuthenticationError` with the reason)."""
        info = self.users.authenticate(username, password, console=self.console)
        self.user = info
        self._permissions = self.users.permissions_of(username)
        self.locked = False
        self._signatures.clear()
        self.touch()
        self._changed()
        return info

    def logout(self) -> None:
        if self.user is not None:
            self.audit.record(au.ACCESS, "logout", user=self.username, console=self.console)
        self.user = None
        self._permissions = frozenset()
        self._signatures.clear()
        self.locked = False
        self._changed()

    def switch_user(self, username: str, password: str) -> UserInfo:
        """Shift handover: the next user logs in; the previous one is logged out. No restart."""
        previous = self.username
        self.users.authenticate(username, password, event="switch_user_check", console=self.console)
        if previous:
            self.audit.record(au.ACCESS, "logout", user=previous, console=self.console, detail=f"handover to {username}")
        self.user = None
        info = self.login(username, password)
        self.audit.record(au.ACCESS, "switch_user", user=username, console=self.console, old=previous, new=username)
        return info

    def follow_shared_changes(self, loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
        """Apply user and role changes made on other consoles (PostgreSQL ``NOTIFY``) to this
        session within a moment: a revoked permission or a disabled account takes effect
        without a new log-in. The database is read on the listener thread; the session changes
        on ``loop``'s thread (its listeners may be views). Returns the unsubscribe."""

        def on_change(kind: str, key: str) -> None:  # the listener thread
            user = self.user
            if user is None or (key and key != user.username and key not in user.roles):
                return
            try:
                info = self.users.user(user.username)
                granted = self.users.permissions_of(user.username)
            except SQLAlchemyError as exc:  # the next change (or reconnect) tries again
                log.warning("session: shared user change not applied: %s", str(exc).splitlines()[0])
                return
            with contextlib.suppress(RuntimeError):  # the loop closed: the console is quitting
                loop.call_soon_threadsafe(self._apply_shared, user.username, info, granted)

        return follow(self.users.engine, (USERS,), on_change)

    def _apply_shared(self, username: str, info: UserInfo | None, granted: frozenset[str]) -> None:
        if self.user is None or self.username != username:
            return
        if info is not None and info.roles != self.user.roles:
            self.user = dataclasses.replace(self.user, roles=info.roles)
        elif granted == self._permissions:
            return
        self._permissions = granted
        self._changed()

    def touch(self) -> None:
        """The user did something (key, mouse): restart the inactivity timer."""
        if not self.locked:
            self.last_activity = self.clock()

    def check_idle(self) -> bool:
        """Lock when idle longer than ``lock_after_s``; returns whether the session is locked."""
        if self.user and not self.locked and self.lock_after_s > 0:
            if self.clock() - self.last_activity >= self.lock_after_s:
                self.lock("inactivity")
        return self.locked

    def lock(self, why: str = "manual") -> None:
        if self.user is None or self.locked:
            return
        self.locked = True
        self._signatures.clear()
        self.audit.record(au.ACCESS, "session_lock", user=self.username, console=self.console, detail=why)
        self._changed()

    def unlock(self, password: str) -> None:
        """The logged-in user unlocks with their password (another user uses switch_user)."""
        if self.user is None:
            raise AuthenticationError("no one is logged in")
        self.users.authenticate(self.username, password, event="unlock", console=self.console)
        self.locked = False
        self.touch()
        self.audit.record(au.ACCESS, "session_unlock", user=self.username, console=self.console)
        self._changed()

    # --- authorisation ----------------------------------------------------------------
    def refusal(self, action: str, what: str = "") -> str | None:
        """Why the current user may not do ``action`` now, or None when they may."""
        doing = perms.describe(action) + (f" ({what})" if what else "")
        if self.user is None:
            return f"No one is logged in: log in to {doing}."
        if self.locked:
            return f"The console is locked: unlock it to {doing}."
        if not perms.grants(self._permissions, action):
            roles = ", ".join(r.replace("_", " ") for r in self.user.roles) or "no role"
            return f"{self.username} ({roles}) may not {doing}: ask a user whose role allows it."
        return None

    def may(self, action: str) -> bool:
        return self.refusal(action) is None

    def require(self, action: str, what: str = "") -> None:
        """Raise :class:`PermissionDenied` unless the current user may do ``action``."""
        refusal = self.refusal(action, what)
        if refusal:
            raise PermissionDenied(refusal)

    # --- critical actions (electronic signature, second person) ----------------------
    def sign_critical(
        self, action: str, target: str, value: object, password: str,
        second_user: str = "", second_password: str = "", reason: str = "",
    ) -> Signature:
        """Verify the signature for one critical action and keep it for the write that follows.

        The logged-in user re-enters their password; where ``second_person_required``, a
        different user with the same permission confirms with theirs; a reason is typed.
        Every attempt is audited. Raises :class:`SecurityError` naming what is missing.
        """
        self.require(action, target)
        user = self.username
        reason = reason.strip()
        detail = f"{perms.describe(action)}: {target} = {value}"
        try:
            if self.reason_required and not reason:
                raise SecurityError(f"{target} is critical: type the reason for this change")
            self.users.authenticate(user, password, event="signature", console=self.console)
            if self.second_person_required or second_user:
                if not second_user:
                    raise SecurityError(f"{target} is critical: a second authorised person must confirm")
                if second_user == user:
                    raise SecurityError("the second person must be someone other than the logged-in user")
                self.users.authenticate(second_user, second_password, event="second_signature", console=self.console)
                if not perms.grants(self.users.permissions_of(second_user), action):
                    raise SecurityError(f"{second_user} is not authorised to {perms.describe(action)}, so cannot confirm it")
        except SecurityError as exc:
            self.audit.record(au.ACCESS, "signature", au.FAILURE, user=user, target=target, new=value,
                              second_user=second_user, reason=reason, detail=f"{detail}: {exc}", console=self.console)
            raise
        signature = Signature(user, action, target, value, second_user, reason, self.clock())
        self._signatures.append(signature)
        self.audit.record(au.ACCESS, "signature", au.SUCCESS, user=user, target=target, new=value,
                          second_user=second_user, reason=reason, detail=detail, console=self.console)
        return signature

    def request(self, tag: str, value: float | int | bool, signature: Signature | None = None) -> WriteRequest:
        """The :class:`WriteRequest` for the logged-in user (with the signature's names and reason)."""
        return WriteRequest(
            tag, value, user=self.username, console=self.console,
            reason=signature.reason if signature else "", second_user=signature.second_user if signature else "",
        )

    def _take_signature(self, request: WriteRequest, action: str) -> Signature | None:
        now = self.clock()
        self._signatures = [s for s in self._signatures if now - s.signed_at <= SIGNATURE_VALID_S]
        for sig in self._signatures:
            if (sig.user == request.user and sig.action == action and sig.target == request.tag
                    and sig.value == request.value and sig.second_user == request.second_user
                    and sig.reason == request.reason):
                self._signatures.remove(sig)
                return sig
        return None

    # --- write path hooks -------------------------------------------------------------
    def alarm_permission(self, who: str, action: str) -> str | None:
        """The :class:`app.alarms.engine.AlarmEngine` permission hook: a refusal, or None."""
        permission = perms.ALARM_ACTION_PERMISSIONS.get(action)
        if permission is None:
            return f"{action!r} is not an alarm action"
        refusal = self.refusal(permission)
        if refusal:
            return refusal
        if who != self.username:
            return f"The alarm action was requested as {who or 'no one'} but {self.username} is logged in."
        self.touch()
        return None

    def write_permission(self, request: WriteRequest, tag: TagDef) -> str | None:
        """The :class:`WritePath` permission hook: a refusal message, or None."""
        action = action_for(tag)
        refusal = self.refusal(action, tag.name)
        if refusal:
            return refusal
        if request.user != self.username:
            return f"{tag.name}: the write was requested as {request.user or 'no one'} but {self.username} is logged in."
        if tag.critical:
            if self.second_person_required and not request.second_user:
                return f"{tag.name} is critical: it needs your password, a second authorised person and a reason."
            if self._take_signature(request, action) is None:
                return f"{tag.name} is critical: sign the change (password{', second person' if self.second_person_required else ''} and reason) first."
        self.touch()
        return None

    def audit_write(self, request: WriteRequest, result: WriteResult) -> None:
        """The :class:`WritePath` audit hook: one record per attempted write."""
        tag = self.definitions.get(request.tag) if self.definitions else None
        is_command = action_for(tag) == perms.START_STOP if tag else isinstance(request.value, bool)
        category = au.COMMAND if is_command else au.WRITE
        self.audit.record(
            category, "command" if category == au.COMMAND else "setpoint_write",
            au.SUCCESS if result.ok else au.FAILURE,
            user=request.user, target=result.tag, old=result.old, new=result.new,
            second_user=request.second_user, reason=request.reason, detail=result.message,
            console=request.console or self.console,
        )
