"""`crucible users ...` for IT: scriptable with --password-stdin and --db."""

from __future__ import annotations

import io

import pytest

from app.cli import main as crucible
from app.core.settings import Settings
from app.security.context import build_security


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return crucible(argv)


def test_users_add_list_roles_disable_reset(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", settings.db_url]
    assert run(["users", "add", "anna", "--role", "operator", "--full-name", "Anna K", "--password-stdin", *db], monkeypatch, "smelter-2026\n") == 0
    assert run(["users", "add", "bo", "--role", "shift_lead,maintenance", "--password-stdin", *db], monkeypatch, "converter-77\n") == 0
    assert run(["users", "add", "anna", "--role", "operator", "--password-stdin", *db], monkeypatch, "smelter-2026\n") == 1
    assert "user 'anna' already exists" in capsys.readouterr().err
    assert run(["users", "add", "cy", "--role", "wizard", "--password-stdin", *db], monkeypatch, "smelter-2026\n") == 1
    assert "no role 'wizard'" in capsys.readouterr().err
    assert run(["users", "list", *db], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "anna" in out and "maintenance,shift_lead" in out
    assert run(["users", "roles", "anna", "--set", "process_engineer", *db], monkeypatch) == 0
    assert "edit_production_plans" in capsys.readouterr().out
    assert run(["users", "disable", "bo", *db], monkeypatch) == 0
    assert run(["users", "reset-password", "anna", "--password-stdin", *db], monkeypatch, "new-secret-99\n") == 0
    assert run(["users", "add", "dee", "--role", "operator", *db], monkeypatch, "x\n") == 1
    assert "--password-stdin" in capsys.readouterr().err  # no terminal: says how to script it

    sec = build_security(settings)
    try:
        assert [(u.username, u.enabled) for u in sec.users.list_users()] == [("anna", True), ("bo", False)]
        assert sec.session.login("anna", "new-secret-99").roles == ("process_engineer",)
        assert any(e.event_type == "user_disable" and e.user.startswith("cli") for e in sec.audit.entries())
    finally:
        sec.close()


def test_roles_listing_and_grant(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", settings.db_url]
    assert run(["users", "roles", "--grant", "maintenance", "write_setpoint:WT", *db], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "maintenance" in out and "write_setpoint:WT" in out
    assert run(["users", "roles", "--grant", "maintenance", "fly", *db], monkeypatch) == 1
    assert "unknown permission 'fly'" in capsys.readouterr().err


def test_default_database_is_sqlite_in_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    assert run(["users", "add", "ed", "--role", "operator", "--password-stdin"], monkeypatch, "smelter-2026\n") == 0
    assert (tmp_path / "data" / "history.sqlite").exists()
