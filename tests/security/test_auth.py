"""Log-in, lock-out, password change, shift handover, session lock."""

from __future__ import annotations

import pytest

from app.security.context import Security
from app.security.users import AuthenticationError, SecurityError


def test_lockout_after_n_failures_with_a_clear_message(security: Security) -> None:
    security.users.add_user("op1", "furnace-42", ["operator"])
    for _ in range(3):  # the same words as for an unknown user (no enumeration); the audit knows more
        with pytest.raises(AuthenticationError, match=r"^wrong user name or password$"):
            security.session.login("op1", "wrong")
    failures = [e.detail for e in security.audit.entries(newest_first=False) if e.result == "failure"]
    assert "2 attempts left" in failures[0] and "1 attempt left" in failures[1]
    assert "account locked for 15 minutes after 3 failures" in failures[2]
    # the right password while locked: the message says what to do
    with pytest.raises(AuthenticationError, match=r"locked after 3 wrong passwords; try again after .* ask an administrator"):
        security.session.login("op1", "furnace-42")
    assert security.session.user is None
    security.users.reset_password("op1", "furnace-43", actor="admin")
    assert security.session.login("op1", "furnace-43").username == "op1"
    events = [(e.event_type, e.result) for e in security.audit.entries(newest_first=False)]
    assert events.count(("login", "failure")) == 4 and events[-1] == ("login", "success")


def test_unknown_user_and_disabled_user(security: Security) -> None:
    with pytest.raises(AuthenticationError, match="wrong user name or password"):
        security.session.login("ghost", "whatever")
    security.users.add_user("op2", "furnace-42", ["operator"])
    security.users.set_enabled("op2", False)
    with pytest.raises(AuthenticationError, match="^wrong user name or password$"):
        security.session.login("op2", "not-the-password")
    with pytest.raises(AuthenticationError, match="disabled"):
        security.session.login("op2", "furnace-42")


def test_user_names_cannot_be_enumerated(security: Security, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13 §4: same message and the same work for an unknown and an existing user."""
    from app.security import users as users_module

    security.users.add_user("op1", "furnace-42", ["operator"])
    calls: list[str] = []
    real = users_module.verify_password
    monkeypatch.setattr(users_module, "verify_password", lambda pw, stored: calls.append(stored.split("$")[1]) or real(pw, stored))
    messages = []
    for name in ("op1", "ghost"):
        with pytest.raises(AuthenticationError) as info:
            security.users.authenticate(name, "wrong-password")
        messages.append(str(info.value))
    assert messages[0] == messages[1] == "wrong user name or password"
    # one scrypt of the same cost for each (no 4 ms answer for an unknown name)
    assert calls == [str(security.users.policy.scrypt_n)] * 2


def test_password_change_and_rules(security: Security) -> None:
    security.users.add_user("op1", "furnace-42", ["operator"])
    with pytest.raises(SecurityError, match="at least 8 characters"):
        security.users.change_password("op1", "furnace-42", "short")
    with pytest.raises(AuthenticationError):
        security.users.change_password("op1", "not-it-at-all", "brand-new-pw")
    security.users.change_password("op1", "furnace-42", "brand-new-pw")
    with pytest.raises(AuthenticationError):
        security.session.login("op1", "furnace-42")
    security.session.login("op1", "brand-new-pw")


def test_switch_user_at_handover_without_restart(security: Security) -> None:
    security.users.add_user("night", "furnace-42", ["operator"])
    security.users.add_user("day", "converter-7", ["shift_lead"])
    session = security.session
    session.login("night", "furnace-42")
    assert not session.may("shelve_alarms")
    with pytest.raises(AuthenticationError):
        session.switch_user("day", "bad password")
    assert session.username == "night"  # a failed handover leaves the old user on
    session.switch_user("day", "converter-7")
    assert session.username == "day" and session.may("shelve_alarms")
    types = [e.event_type for e in security.audit.entries(newest_first=False)]
    assert types[-3:] == ["logout", "login", "switch_user"]


def test_session_locks_after_inactivity_and_unlocks_with_password(security: Security) -> None:
    security.users.add_user("op1", "furnace-42", ["operator"])
    session = security.session
    session.lock_after_s = 300
    session.login("op1", "furnace-42")
    session.clock.now += 299  # type: ignore[attr-defined]
    assert not session.check_idle()
    session.touch()
    session.clock.now += 299  # type: ignore[attr-defined]
    assert not session.check_idle()
    session.clock.now += 2  # type: ignore[attr-defined]
    assert session.check_idle()
    assert session.refusal("ack_alarms") == "The console is locked: unlock it to acknowledge alarms."
    with pytest.raises(AuthenticationError):
        session.unlock("wrong")
    assert session.locked
    session.unlock("furnace-42")
    assert session.may("ack_alarms")
    kinds = {e.event_type for e in security.audit.entries()}
    assert {"session_lock", "session_unlock"} <= kinds
