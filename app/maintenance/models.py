"""Maintenance tables on the shared ``app.db.Base`` (migration branch ``maintenance``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base


class StateTransition(Base):
    """One change of a machine's state (running, idle, planned_stop, unplanned_stop, out_of_service)."""

    __tablename__ = "maint_state_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    equipment: Mapped[str] = mapped_column(String(80), index=True)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(20))
    run_hours: Mapped[float | None] = mapped_column(Float, nullable=True)


class WorkOrder(Base):
    """A corrective, preventive or predictive work order."""

    __tablename__ = "maint_work_orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # corrective | preventive | predictive
    equipment: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    alarm_id: Mapped[str] = mapped_column(String(200), default="")
    alarm_text: Mapped[str] = mapped_column(String(400), default="")
    snapshot: Mapped[str] = mapped_column(Text, default="")  # JSON: tag -> [[iso ts, value], ...]
    plan_id: Mapped[str] = mapped_column(String(120), default="", index=True)
    prediction: Mapped[str] = mapped_column(Text, default="")  # JSON of the prediction that opened it
    run_hours_at_open: Mapped[float | None] = mapped_column(Float, nullable=True)
    run_hours_at_done: Mapped[float | None] = mapped_column(Float, nullable=True)
    assignee: Mapped[str] = mapped_column(String(80), default="")
    labour_h: Mapped[float] = mapped_column(Float, default=0.0)
    parts: Mapped[str] = mapped_column(Text, default="")  # JSON list of {part, quantity}
    notes: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_by: Mapped[str] = mapped_column(String(80), default="")
    second_user: Mapped[str] = mapped_column(String(80), default="")


class WorkOrderEvent(Base):
    """One step in a work order's life (who moved it from what to what, and why)."""

    __tablename__ = "maint_wo_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("maint_work_orders.id", ondelete="CASCADE"), index=True)
    ts: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    who: Mapped[str] = mapped_column(String(80), default="")
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")


class Lockout(Base):
    """A machine out of service for work; open while ``returned_at`` is empty."""

    __tablename__ = "maint_lockouts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    equipment: Mapped[str] = mapped_column(String(80), index=True)
    work_order_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    locked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_by: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(String(400), default="")
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    returned_by: Mapped[str] = mapped_column(String(80), default="")
    returned_second_user: Mapped[str] = mapped_column(String(80), default="")
    return_reason: Mapped[str] = mapped_column(String(400), default="")


class PlanRecord(Base):
    """When a preventive plan was last done (calendar and run hours); the baseline the next
    due date counts from. Written when a preventive work order is done, and once when a plan
    is first seen (so a new console does not find every plan overdue)."""

    __tablename__ = "maint_plan_records"

    plan_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    equipment: Mapped[str] = mapped_column(String(80))
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_hours: Mapped[float | None] = mapped_column(Float, nullable=True)
