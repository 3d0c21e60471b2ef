"""The engine the security module uses: the historian database (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from app.core.settings import Settings


def database_url(settings: Settings, override: str | None = None) -> str:
    """``--db URL``, else the ``db_url`` setting, else the SQLite file in the data folder."""
    if override:
        return override
    if settings.db_url:
        return settings.db_url
    path: Path = settings.default_sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def security_engine(url: str, create_tables: bool = True) -> Engine:
    """An engine for ``url``; creates the security tables when missing.

    Until the historian's Alembic migrations run at start-up, ``create_tables`` keeps a fresh
    database usable (``checkfirst``: existing tables are left alone).
    """
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    if create_tables:
        from app.historian.db import Base
        from app.security.models import SECURITY_TABLES

        if engine.dialect.name == "sqlite" and _migrate_fresh_sqlite(engine):
            return engine
        Base.metadata.create_all(engine, tables=SECURITY_TABLES, checkfirst=True)
    return engine


def _migrate_fresh_sqlite(engine: Engine) -> bool:
    """A fresh SQLite file gets every table through the migrations (security included).

    Creating only the security tables here made the historian's migrations fail on the first
    start ("table security_roles already exists"): history was off until the file was deleted.
    False (nothing done) for a file that already has tables or cannot be migrated.
    """
    from sqlalchemy import inspect

    from app.historian.database import DatabaseError, upgrade

    if inspect(engine).get_table_names():
        return False
    try:
        upgrade(engine)
    except DatabaseError:
        return False
    return True
