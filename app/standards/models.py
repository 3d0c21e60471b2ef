"""Tables of the standards module: setpoint cards (versioned), drifts, SOP runs, operator notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class CardRow(Base):
    """One version of the setpoint card of a unit in one operating mode."""

    __tablename__ = "standards_cards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(String(60), index=True)
    mode: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # proposed | approved | superseded | rejected
    proposed_by: Mapped[str] = mapped_column(String(80))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reason: Mapped[str] = mapped_column(String(400), default="")
    reference: Mapped[str] = mapped_column(String(200), default="")


class CardItemRow(Base):
    """The approved value or band of one writable setpoint on a card."""

    __tablename__ = "standards_card_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("standards_cards.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(160))
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    grace_s: Mapped[float] = mapped_column(Float, default=300.0)


class DriftRow(Base):
    """A setpoint outside its card's band for longer than its grace time."""

    __tablename__ = "standards_drifts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tag: Mapped[str] = mapped_column(String(160), index=True)
    unit: Mapped[str] = mapped_column(String(60))
    mode: Mapped[str] = mapped_column(String(60))
    card_version: Mapped[int] = mapped_column(Integer)
    started: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    value: Mapped[float] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    changed_by: Mapped[str] = mapped_column(String(80), default="")


class SopRunRow(Base):
    __tablename__ = "standards_sop_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sop: Mapped[str] = mapped_column(String(80), index=True)
    unit: Mapped[str] = mapped_column(String(60), default="")
    started_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))  # running | finished | abandoned
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    trigger: Mapped[str] = mapped_column(String(160), default="")  # the alarm that offered it


class SopStepRow(Base):
    __tablename__ = "standards_sop_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("standards_sop_runs.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    done_by: Mapped[str] = mapped_column(String(80))
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    values: Mapped[str] = mapped_column(Text, default="{}")  # the tag values at that moment (JSON)
    note: Mapped[str] = mapped_column(String(400), default="")


class NoteRow(Base):
    """An operator note pinned to a unit (temporary measures, known faults), with an expiry."""

    __tablename__ = "standards_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[str] = mapped_column(String(60), index=True)
    text: Mapped[str] = mapped_column(String(1000))
    author: Mapped[str] = mapped_column(String(80))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str] = mapped_column(String(80), default="")
