"""Alarm tables on the shared historian :class:`Base` (migration ``0003_alarms``).

``alarm_journal`` holds every alarm event and every operator action (who, when, from which
console, why). Other consoles poll it for operator actions, which is how an acknowledgement
on one console reaches the others. ``alarm_shelf`` holds the shelves and out-of-service
marks in force, so a console that starts later knows them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
JournalId = BigInteger().with_variant(Integer(), "sqlite")


class AlarmJournalRow(Base):
    __tablename__ = "alarm_journal"

    id: Mapped[int] = mapped_column(JournalId, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    alarm: Mapped[str] = mapped_column(String(160), index=True)
    tag: Mapped[str] = mapped_column(String(160), default="")
    priority: Mapped[int] = mapped_column(SmallInteger, default=4)
    area: Mapped[str] = mapped_column(String(40), default="")
    event: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(24), default="")
    value: Mapped[str] = mapped_column(String(40), default="")
    limit: Mapped[str] = mapped_column(String(40), default="")
    who: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(400), default="")
    console: Mapped[str] = mapped_column(String(80), default="")
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AlarmShelfRow(Base):
    __tablename__ = "alarm_shelf"

    alarm: Mapped[str] = mapped_column(String(160), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # timed | oneshot | oos
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    who: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(400), default="")
    console: Mapped[str] = mapped_column(String(80), default="")


TABLES: list[Table] = [Base.metadata.tables["alarm_journal"], Base.metadata.tables["alarm_shelf"]]
