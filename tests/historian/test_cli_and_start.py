"""`crucible db ...` and the schema check when the application starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.core.settings import Settings
from app.historian.service import open_historian


def test_db_upgrade_then_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A read-only command never creates the file it was asked about.
    assert main(["db", "status"]) == 2
    assert "history.sqlite does not exist" in capsys.readouterr().err
    assert not (tmp_path / "data" / "history.sqlite").exists()
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "status"]) == 0
    out = capsys.readouterr().out
    assert "up to date" in out and str(tmp_path / "data" / "history.sqlite") in out


def test_db_command_names_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", "postgresql+psycopg://op@127.0.0.1:1/plant", "db", "status"]) == 2
    err = capsys.readouterr().err
    assert "plant" in err and "127.0.0.1" in err


def test_start_brings_the_local_sqlite_file_up_to_date(tmp_path: Path) -> None:
    historian = open_historian(Settings())
    assert historian.schema_message == ""
    assert (tmp_path / "data" / "history.sqlite").exists()


def test_start_on_a_behind_shared_database_says_what_to_do(pg_url: str) -> None:
    """The password comes from the keyring (``db/<host>/<user>``), never from the URL."""
    import keyring
    from keyring.backend import KeyringBackend

    asked: list[tuple[str, str]] = []

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            asked.append((service, username))
            return "test"

        def set_password(self, service: str, username: str, password: str) -> None:
            raise NotImplementedError

        def delete_password(self, service: str, username: str) -> None:
            raise NotImplementedError

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        historian = open_historian(Settings(), pg_url.replace("postgres:test@", "postgres@"))
    finally:
        keyring.set_keyring(previous)
    assert asked == [("crucible", "db/127.0.0.1/postgres")]
    assert "crucible db upgrade" in historian.schema_message
    assert historian.status.state == "ok"  # nothing written yet; writes will buffer until upgraded
