"""Builds the security objects one console (or one CLI command) works with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine

from app.core.settings import Settings
from app.core.tags import TagDef
from app.security.audit import AuditTrail
from app.security.checkpoints import CheckpointLog
from app.security.database import database_url, security_engine
from app.security.session import Session
from app.security.trust import TrustStore
from app.security.users import SecurityPolicy, UserStore


@dataclass
class Security:
    engine: Engine
    audit: AuditTrail
    users: UserStore
    session: Session
    trust: TrustStore

    def close(self) -> None:
        self.engine.dispose()


def policy_from(settings: Settings) -> SecurityPolicy:
    return SecurityPolicy(
        lockout_failures=settings.lockout_failures, lockout_minutes=settings.lockout_minutes,
        min_password_length=settings.min_password_length, scrypt_n=settings.scrypt_n,
    )


def build_security(
    settings: Settings, db_url: str | None = None, definitions: Mapping[str, TagDef] | None = None,
    must_exist: bool = False,
) -> Security:
    """Engine, audit trail, user store, session and trust store for this console.

    ``must_exist``: read-only commands refuse a SQLite file that is not there (a mistyped
    ``--db`` must not create an empty database). Raises :class:`app.db.DatabaseError`.
    """
    engine = security_engine(database_url(settings, db_url), create_tables=not must_exist, must_exist=must_exist)
    audit = AuditTrail(engine, console=settings.console_name, checkpoints=CheckpointLog(settings.console_name))
    users = UserStore(engine, audit, policy_from(settings))
    session = Session(
        users, audit, console=settings.console_name, lock_after_s=settings.session_lock_minutes * 60.0,
        second_person_required=settings.critical_second_person, definitions=definitions,
    )
    return Security(engine, audit, users, session, TrustStore(engine, audit))
