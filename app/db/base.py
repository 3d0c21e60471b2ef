"""The one SQLAlchemy metadata every module's tables live in.

Every module (historian, security, alarms, and the smart-factory modules) declares its tables
on :class:`Base`; the migrations (one Alembic branch per module, see :mod:`app.db.migrate`)
create them in the same database (SQLite by default, PostgreSQL when consoles share one).
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
