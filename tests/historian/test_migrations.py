"""Migrations from an empty database, on SQLite and PostgreSQL; the start-up schema check."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from app.historian.database import make_engine, schema_status, script_heads, upgrade


def test_upgrade_from_empty_creates_the_tables_and_reaches_every_head(db_url: str) -> None:
    engine = make_engine(db_url)
    before = schema_status(engine)
    assert not before.up_to_date
    assert "crucible db upgrade" in before.message
    after = upgrade(engine)
    assert after.up_to_date, after.message
    assert frozenset(script_heads()) <= after.applied  # every module's head is applied
    # security, alarms and partitioned samples branch off 0001_initial: every head is applied
    assert {"0002_security", "0003_alarms", "0004_partitioned_samples",
            "0005_rollups_fillfactor", "0006_rollup_marks"} <= after.applied
    assert {"security_users", "security_audit", "alarm_journal"} <= set(inspect(engine).get_table_names())
    tables = set(inspect(engine).get_table_names())
    assert {"tags", "samples", "rollups", "writer_checkpoints", "events", "alembic_version"} <= tables
    if engine.dialect.name == "postgresql":  # room for in-place (HOT) rollup merges
        with engine.connect() as conn:
            options = conn.exec_driver_sql("SELECT reloptions FROM pg_class WHERE relname = 'rollups'").scalar()
        assert options == ["fillfactor=70"]
    assert upgrade(engine).up_to_date  # running it again changes nothing
    engine.dispose()


def test_behind_schema_says_what_to_do(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/h.sqlite")
    upgrade(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM alembic_version")
        conn.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES ('0001_initial')")
    status = schema_status(engine)
    assert not status.up_to_date and "crucible db upgrade" in status.message


def test_migrations_run_without_an_alembic_ini_in_the_working_folder(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path}/h.sqlite")
    assert upgrade(engine).up_to_date
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
