"""The plant database layer (app/db): one engine factory, one default URL, migrations as the
one way the schema changes — tried as IT does on a fresh machine."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app.cli import main
from app.core.settings import Settings
from app.db import Base, make_engine
from app.db.migrate import schema_status, upgrade


def test_it_adds_the_first_user_then_status_and_upgrade_agree(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Was: users add made the tables with create_all; db status said 'no tables' and db
    upgrade failed with 'table security_roles already exists'. The console has its keyring
    (the documented set-up), which keeps the key that signs the audit checkpoints."""

    from tests.security.file_keyring import file_keyring

    with file_keyring(tmp_path, monkeypatch):
        _first_user_flow(tmp_path, capsys, monkeypatch)


def _first_user_flow(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse 1\n"))
    assert main(["users", "add", "admin", "--role", "administrator", "--password-stdin"]) == 0
    assert main(["db", "status"]) == 0
    assert main(["db", "upgrade"]) == 0
    out = capsys.readouterr().out
    assert out.count("schema up to date") == 2
    db = tmp_path / "data" / "history.sqlite"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600  # users and audit trail: owner only
    assert main(["audit", "verify"]) == 0


@pytest.mark.parametrize("argv", [
    ["audit", "verify", "--db", "sqlite:///{missing}"],
    ["alarms", "kpi", "--db", "sqlite:///{missing}"],
    ["db", "status", "--db", "sqlite:///{missing}"],
    ["db", "export", "X", "--db", "sqlite:///{missing}"],
    ["users", "list", "--db", "sqlite:///{missing}"],
])
def test_a_mistyped_database_path_is_named_not_created(argv: list[str], tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "typo" / "plant.sqlite"
    assert main([a.format(missing=missing) for a in argv]) == 2
    err = capsys.readouterr().err
    assert f"{missing} does not exist" in err
    assert "Traceback" not in err
    assert not missing.exists() and not missing.parent.exists()


def test_a_database_made_by_create_all_is_adopted_not_recreated(tmp_path: Path) -> None:
    import app.alarms.models  # noqa: F401
    import app.security.models  # noqa: F401

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    from app.security.models import SECURITY_TABLES

    Base.metadata.create_all(engine, tables=SECURITY_TABLES)  # what an old console did
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO security_roles (name, description) VALUES ('keep_me', 'old row')"))
    status = upgrade(engine)
    assert status.up_to_date, status.message
    assert {"samples", "alarm_journal", "security_users"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT description FROM security_roles WHERE name='keep_me'")).scalar_one() == "old row"


def test_no_product_code_calls_create_all() -> None:
    root = Path(__file__).resolve().parents[1] / "app"
    offenders = [str(p) for p in root.rglob("*.py") if "create_all(" in p.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.mark.postgres
def test_postgres_with_the_password_only_in_the_keyring_serves_history_login_and_journal(pg_url: str) -> None:
    """The documented set-up: db_url without a password, the password in the OS keyring.
    Was: the historian connected but login and the alarm journal got no password."""
    import keyring
    from keyring.backend import KeyringBackend

    from app.alarms.journal import JournalWriter, read_journal
    from app.security.context import build_security

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return "test" if (service, username) == ("crucible", "db/127.0.0.1/postgres") else None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise NotImplementedError

        def delete_password(self, service: str, username: str) -> None:
            raise NotImplementedError

    url = pg_url.replace("postgres:test@", "postgres@")
    assert ":test@" not in url
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        engine = make_engine(url)
        assert upgrade(engine).up_to_date  # IT's `crucible db upgrade`
        security = build_security(Settings(db_url=url, scrypt_n=1024))
        security.users.add_user("lead", "a long password 1", roles=["shift_lead"], actor="it")
        assert security.session.login("lead", "a long password 1").username == "lead"
        security.close()
        journal = JournalWriter(url, "console-1")
        journal.start()
        journal.put({"ts": datetime.now(UTC), "alarm": "A1", "tag": "T", "priority": 1, "event": "activate",
                     "console": "console-1", "who": "", "reason": "", "value": "1.0"})
        journal.close()
        rows = read_journal(url)
        assert [r["alarm"] for r in rows] == ["A1"]
        assert schema_status(engine).up_to_date
    finally:
        keyring.set_keyring(previous)


@pytest.mark.postgres
@pytest.mark.parametrize("form", ["comma", "key=value"])
def test_the_libpq_multi_host_forms_work_on_the_command_line_and_in_the_settings(
        form: str, pg_server, pg_url: str, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The first server named is down (nothing listens there); the command finds the second."""
    import socket

    from app.db import database_url

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    name = pg_url.rsplit("/", 1)[1]
    upgrade(make_engine(pg_url))
    url = (f"postgresql://postgres@127.0.0.1:{dead},127.0.0.1:{pg_server.port}/{name}?target_session_attrs=read-write"
           if form == "comma" else
           f"host=127.0.0.1,127.0.0.1 port={dead},{pg_server.port} dbname={name} user=postgres "
           "target_session_attrs=read-write")
    parsed = database_url(Settings(), url)
    assert parsed.drivername == "postgresql+psycopg" and parsed.database == name
    assert parsed.query["host"] == "127.0.0.1,127.0.0.1" and parsed.query["port"] == f"{dead},{pg_server.port}"
    assert main(["db", "status", "--db", url]) == 0
    out = capsys.readouterr().out
    assert f"127.0.0.1:{dead}, 127.0.0.1:{pg_server.port}" in out and "up to date" in out, out
    monkeypatch.setenv("CRUCIBLE_DB_URL", url)  # the db_url setting takes the same forms
    assert main(["db", "status"]) == 0
    assert main(["db", "status", "--db", "host=a,b,c port=1,2 dbname=x"]) == 2
    err = capsys.readouterr().err
    assert "names 3 hosts but 2 ports" in err and "Traceback" not in err
