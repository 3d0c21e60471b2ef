"""The plant database layer: one ``Base`` for every module's tables, one engine factory, one
default URL, and Alembic migrations with one branch per module (``crucible db upgrade``).

Modules declare tables with ``from app.db import Base`` and ship their revisions in their own
``migrations`` package (see :mod:`app.modules`).
"""

from __future__ import annotations

from app.db.base import Base
from app.db.engine import (
    DatabaseError,
    check_connection,
    connection_error,
    database_url,
    default_url,
    describe,
    make_engine,
    open_engine,
    secret_name,
)

__all__ = [
    "Base", "DatabaseError", "check_connection", "connection_error", "database_url", "default_url",
    "describe", "make_engine", "open_engine", "secret_name",
]
