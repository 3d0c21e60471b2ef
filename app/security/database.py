"""The engine the security module uses: the plant database (SQLite or PostgreSQL), via app.db."""

from __future__ import annotations

from sqlalchemy import Engine

from app.core.settings import Settings
from app.db.engine import database_url as _database_url
from app.db.engine import make_engine
from app.db.migrate import ensure_current


def database_url(settings: Settings, override: str | None = None) -> str:
    """``--db URL``, else the ``db_url`` setting, else the SQLite file in the data folder."""
    return _database_url(settings, override).render_as_string(hide_password=False)


def security_engine(url: str, create_tables: bool = True, must_exist: bool = False) -> Engine:
    """An engine for ``url`` (keyring password for PostgreSQL).

    ``create_tables``: bring a console's own SQLite file up to date through the migrations
    (a shared PostgreSQL database is only checked: :class:`app.db.DatabaseError` says to run
    ``crucible db upgrade``). ``must_exist``: a SQLite file that is not there is an error.
    """
    engine = make_engine(url, must_exist=must_exist)
    if create_tables:
        ensure_current(engine)
    return engine
