"""Tables of the shifts module (migration branch ``shifts``, revision ``shifts_0001``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class HandoverEntryRow(Base):
    """One handover entry: an area's notes for one shift, written by one person."""

    __tablename__ = "handover_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shift_id: Mapped[str] = mapped_column(String(16), index=True)  # 2026-12-01/2
    area: Mapped[str] = mapped_column(String(40), default="")
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {"kind", "text"}


class HandoverSignoffRow(Base):
    """The outgoing lead's signature and the incoming lead's acknowledgement of a shift's handover."""

    __tablename__ = "handover_signoffs"

    shift_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    signed_by: Mapped[str] = mapped_column(String(80))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str] = mapped_column(String(80), default="")
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the signed entries


class ShiftReportRow(Base):
    """A generated report PDF, kept in the plant database (and as a file in the reports folder)."""

    __tablename__ = "shift_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))  # shift | day | month
    label: Mapped[str] = mapped_column(String(16), index=True)  # 2026-12-01/2, 2026-12-01, 2026-12
    language: Mapped[str] = mapped_column(String(8))
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    automatic: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(String(400), default="")
    pdf: Mapped[bytes] = mapped_column(LargeBinary)


TABLES: list[Table] = [Base.metadata.tables[n] for n in ("handover_entries", "handover_signoffs", "shift_reports")]
