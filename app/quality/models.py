"""Quality tables: assays (hand-entered or imported), lot grades, quality events of a lot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class Assay(Base):
    """One assay value of one sample. ``lot_id`` links to app/production's genealogy by id only."""

    __tablename__ = "quality_assays"
    __table_args__ = (UniqueConstraint("sample_id", "characteristic", name="uq_quality_assay_sample_char"),
                      Index("ix_quality_assays_char_time", "characteristic", "sampled_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sample_id: Mapped[str] = mapped_column(String(80), nullable=False)
    lot_id: Mapped[str] = mapped_column(String(80), nullable=False, default="", index=True)
    characteristic: Mapped[str] = mapped_column(String(80), nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)
    sampled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)  # "hand" | "lab"
    entered_by: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    reason: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    import_file: Mapped[str] = mapped_column(String(400), nullable=False, default="")
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class LotGrade(Base):
    """The latest grading of a cathode lot against GB/T 467."""

    __tablename__ = "quality_lot_grades"

    lot_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    grade: Mapped[str] = mapped_column(String(16), nullable=False)  # "A", "1", "off-grade", "incomplete"
    total_impurities: Mapped[float | None] = mapped_column(Float, nullable=True)
    cu_ag: Mapped[float | None] = mapped_column(Float, nullable=True)
    reasons: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    graded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class QualityEvent(Base):
    """An out-of-control point or an off-grade lot, for the lot's record and the shift report."""

    __tablename__ = "quality_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "spc" | "grade"
    lot_id: Mapped[str] = mapped_column(String(80), nullable=False, default="", index=True)
    sample_id: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    characteristic: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    rule: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    detail: Mapped[str] = mapped_column(String(400), nullable=False, default="")
