"""Compatibility: the plant database layer moved to :mod:`app.db` (engine, URL, migrations)."""

from __future__ import annotations

from app.db.engine import (
    DatabaseError,
    check_connection,
    connection_error,
    database_url,
    describe,
    make_engine,
    secret_name,
)
from app.db.migrate import (
    SchemaStatus,
    alembic_config,
    current_revisions,
    schema_status,
    script_heads,
    upgrade,
)

__all__ = [
    "DatabaseError", "SchemaStatus", "alembic_config", "check_connection", "connection_error",
    "current_revisions", "database_url", "describe", "make_engine", "schema_status", "script_heads",
    "secret_name", "upgrade",
]
