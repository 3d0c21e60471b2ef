"""Security tables on the shared historian metadata: users, roles, audit trail, trust list.

Declared on :class:`app.historian.db.Base` so the same Alembic migrations
(``app/historian/migrations/versions/0002_security.py``) create them in SQLite or PostgreSQL;
consoles that share a PostgreSQL database share users, roles, audit trail and trust list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db.base import Base

user_roles = Table(
    "security_user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("security_users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_name", ForeignKey("security_roles.name", ondelete="CASCADE"), primary_key=True),
)


class Role(Base):
    __tablename__ = "security_roles"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    permissions: Mapped[list[RolePermission]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class RolePermission(Base):
    __tablename__ = "security_role_permissions"

    role_name: Mapped[str] = mapped_column(
        ForeignKey("security_roles.name", ondelete="CASCADE"), primary_key=True
    )
    permission: Mapped[str] = mapped_column(String(100), primary_key=True)


class User(Base):
    __tablename__ = "security_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")


class AuditRecord(Base):
    """One auditable event (IEC 62443-3-3 SR 2.8), chained to the one before by hash."""

    __tablename__ = "security_audit"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    console: Mapped[str] = mapped_column(String(100), default="")
    user: Mapped[str] = mapped_column(String(64), default="")
    category: Mapped[str] = mapped_column(String(32), index=True)
    event_type: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(200), default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    second_user: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The newest record's seq and hash: lets ``audit verify`` notice a removed tail."""

    __tablename__ = "security_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class TrustedCertificate(Base):
    """An OPC UA server certificate an administrator trusted or rejected (or one pending)."""

    __tablename__ = "security_opcua_trust"

    thumbprint: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256, hex
    subject: Mapped[str] = mapped_column(String(400), default="")
    endpoint: Mapped[str] = mapped_column(String(400), default="")
    status: Mapped[str] = mapped_column(String(16))  # pending | trusted | rejected
    der: Mapped[bytes] = mapped_column()
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


SECURITY_TABLE_NAMES = (
    "security_roles", "security_role_permissions", "security_users", "security_user_roles",
    "security_audit", "security_audit_head", "security_opcua_trust",
)
SECURITY_TABLES: list[Table] = [Base.metadata.tables[name] for name in SECURITY_TABLE_NAMES]
