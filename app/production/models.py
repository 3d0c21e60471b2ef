"""Production tables: plan versions, tracked lots (batches) and their genealogy links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class PlanVersion(Base):
    """One version of a year's production plan (draft, approved or superseded)."""

    __tablename__ = "production_plan_version"
    __table_args__ = (UniqueConstraint("year", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    source: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    content: Mapped[str] = mapped_column(Text, nullable=False)  # JSON: targets, shares, holidays, windows
    approved_by: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reason: Mapped[str] = mapped_column(String(400), nullable=False, default="")


class LotRecord(Base):
    """A tracked lot: concentrate fed, converter batch, anode-furnace heat, casting run, cathode."""

    __tablename__ = "production_lot"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lot: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    unit: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    mass_t: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    assay: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON
    note: Mapped[str] = mapped_column(String(400), nullable=False, default="")


class LotLink(Base):
    """``child`` consumed ``mass_t`` of ``parent``; parent ``""`` marks a gap (origin unknown)."""

    __tablename__ = "production_lot_link"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    child: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    parent: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    mass_t: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    note: Mapped[str] = mapped_column(String(200), nullable=False, default="")
