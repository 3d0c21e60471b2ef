"""Work orders and lock-outs in the plant database (synchronous; call from worker threads or the CLI).

Life of a work order: requested -> approved -> scheduled -> in_progress -> done -> closed
(``cancelled`` from any open step). Closing needs the ``close_work_orders`` permission and an
electronic signature (checked by :class:`~app.maintenance.service.MaintenanceService`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as DbSession

from app.db.notify import WORK_ORDERS, notify_change
from app.maintenance.models import Lockout, StateTransition, WorkOrder, WorkOrderEvent

KINDS = ("corrective", "preventive", "predictive")
STATUSES = ("requested", "approved", "scheduled", "in_progress", "done", "closed", "cancelled")
OPEN_STATUSES = STATUSES[:5]
NEXT_STATUS = {"requested": "approved", "approved": "scheduled", "scheduled": "in_progress",
               "in_progress": "done", "done": "closed"}


class WorkOrderError(ValueError):
    """A work-order action that cannot be done; the message says why (shown to the user)."""


def utc(t: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives back naive datetimes: they were stored as UTC."""
    if t is None:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class WorkOrderView:
    """A work order as plain data (safe to hand to the GUI thread)."""

    id: int
    kind: str
    equipment: str
    title: str
    status: str
    priority: int
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    due_at: dt.datetime | None = None
    alarm_id: str = ""
    alarm_text: str = ""
    snapshot: dict[str, list[list[Any]]] = field(default_factory=dict)
    plan_id: str = ""
    prediction: dict[str, Any] = field(default_factory=dict)
    assignee: str = ""
    labour_h: float = 0.0
    parts: list[dict[str, Any]] = field(default_factory=list)
    notes: str = ""
    closed_by: str = ""
    closed_at: dt.datetime | None = None
    run_hours_at_done: float | None = None
    done_at: dt.datetime | None = None
    history: list[tuple[dt.datetime, str, str, str, str]] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def label(self) -> str:
        return f"WO-{self.id:05d}"


def _view(wo: WorkOrder, events: Sequence[WorkOrderEvent] = ()) -> WorkOrderView:
    return WorkOrderView(
        id=wo.id, kind=wo.kind, equipment=wo.equipment, title=wo.title, status=wo.status, priority=wo.priority,
        created_at=utc(wo.created_at), created_by=wo.created_by, updated_at=utc(wo.updated_at),  # type: ignore[arg-type]
        due_at=utc(wo.due_at), alarm_id=wo.alarm_id, alarm_text=wo.alarm_text,
        snapshot=json.loads(wo.snapshot) if wo.snapshot else {}, plan_id=wo.plan_id,
        prediction=json.loads(wo.prediction) if wo.prediction else {}, assignee=wo.assignee,
        labour_h=wo.labour_h or 0.0, parts=json.loads(wo.parts) if wo.parts else [], notes=wo.notes,
        closed_by=wo.closed_by, closed_at=utc(wo.closed_at), run_hours_at_done=wo.run_hours_at_done,
        done_at=utc(wo.done_at),
        history=[(utc(e.ts), e.who, e.from_status, e.to_status, e.note) for e in events],  # type: ignore[misc]
    )


class MaintenanceStore:
    """The maintenance tables of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- state history ------------------------------------------------------------------
    def add_transitions(self, rows: Sequence[tuple[str, dt.datetime, str, float | None]]) -> None:
        if not rows:
            return
        with DbSession(self.engine) as s, s.begin():
            s.add_all(StateTransition(equipment=e, ts=t, state=st, run_hours=rh) for e, t, st, rh in rows)

    def transitions(self, start: dt.datetime | None = None, end: dt.datetime | None = None,
                    equipment: str | None = None) -> list[tuple[dt.datetime, str, str]]:
        """Transitions up to ``end``, from the last one before ``start`` of each machine on
        (so the state at ``start`` is known)."""
        with DbSession(self.engine) as s:
            q = select(StateTransition.ts, StateTransition.equipment, StateTransition.state)
            if equipment:
                q = q.where(StateTransition.equipment == equipment)
            if end is not None:
                q = q.where(StateTransition.ts < end)
            rows = [(utc(t), e, st) for t, e, st in s.execute(q.order_by(StateTransition.ts))]
        if start is None:
            return rows  # type: ignore[return-value]
        last_before: dict[str, tuple[dt.datetime, str, str]] = {}
        out: list[tuple[dt.datetime, str, str]] = []
        for row in rows:
            if row[0] < start:  # type: ignore[operator]
                last_before[row[1]] = row  # type: ignore[assignment]
            else:
                out.append(row)  # type: ignore[arg-type]
        return sorted(last_before.values()) + out

    def last_states(self) -> dict[str, str]:
        with DbSession(self.engine) as s:
            rows = s.execute(select(StateTransition.equipment, StateTransition.state).order_by(StateTransition.ts, StateTransition.id))
            return {e: st for e, st in rows}

    # --- work orders --------------------------------------------------------------------
    def create(self, kind: str, equipment: str, title: str, who: str, *, priority: int = 3,
               alarm_id: str = "", alarm_text: str = "", snapshot: dict[str, Any] | None = None,
               plan_id: str = "", prediction: dict[str, Any] | None = None, run_hours: float | None = None,
               due_at: dt.datetime | None = None, when: dt.datetime | None = None) -> WorkOrderView:
        if kind not in KINDS:
            raise WorkOrderError(f"unknown work order kind {kind!r} (kinds: {', '.join(KINDS)})")
        t = when or now_utc()
        with DbSession(self.engine) as s, s.begin():
            wo = WorkOrder(kind=kind, equipment=equipment, title=title[:300], status="requested", priority=priority,
                           created_at=t, created_by=who, updated_at=t, due_at=due_at, alarm_id=alarm_id,
                           alarm_text=alarm_text[:400], snapshot=json.dumps(snapshot or {}), plan_id=plan_id,
                           prediction=json.dumps(prediction or {}, default=str), run_hours_at_open=run_hours,
                           assignee="", labour_h=0.0, parts="[]", notes="", closed_by="", second_user="")
            s.add(wo)
            s.flush()
            s.add(WorkOrderEvent(work_order_id=wo.id, ts=t, who=who, from_status="", to_status="requested", note=title[:200]))
            notify_change(s, WORK_ORDERS, equipment)  # the other consoles' work order lists re-read at commit
            s.flush()
            return _view(wo)

    def get(self, wo_id: int) -> WorkOrderView:
        with DbSession(self.engine) as s:
            wo = s.get(WorkOrder, wo_id)
            if wo is None:
                raise WorkOrderError(f"WO-{wo_id:05d}: no such work order")
            events = s.scalars(select(WorkOrderEvent).where(WorkOrderEvent.work_order_id == wo_id).order_by(WorkOrderEvent.id)).all()
            return _view(wo, events)

    def list(self, equipment: str | None = None, open_only: bool = False, kind: str | None = None,
             limit: int = 1000) -> list[WorkOrderView]:
        with DbSession(self.engine) as s:
            q = select(WorkOrder)
            if equipment:
                q = q.where(WorkOrder.equipment == equipment)
            if open_only:
                q = q.where(WorkOrder.status.in_(OPEN_STATUSES))
            if kind:
                q = q.where(WorkOrder.kind == kind)
            return [_view(w) for w in s.scalars(q.order_by(WorkOrder.id.desc()).limit(limit))]

    def advance(self, wo_id: int, to_status: str, who: str, note: str = "", *, closed_by: str = "",
                second_user: str = "", run_hours: float | None = None, when: dt.datetime | None = None,
                **fields: Any) -> WorkOrderView:
        """Move a work order one step (or cancel it); other ``fields`` (assignee, labour_h,
        parts, notes, scheduled_for) are updated with it."""
        t = when or now_utc()
        with DbSession(self.engine) as s, s.begin():
            wo = s.get(WorkOrder, wo_id)
            if wo is None:
                raise WorkOrderError(f"WO-{wo_id:05d}: no such work order")
            if to_status == "cancelled":
                if wo.status not in OPEN_STATUSES:
                    raise WorkOrderError(f"WO-{wo_id:05d} is {wo.status}; only an open work order can be cancelled")
            elif to_status != wo.status and NEXT_STATUS.get(wo.status) != to_status:
                nxt = NEXT_STATUS.get(wo.status)
                raise WorkOrderError(f"WO-{wo_id:05d} is {wo.status}: it can go to {nxt or 'nothing'} next, not {to_status}")
            old = wo.status
            for key, value in fields.items():
                if value is None:
                    continue
                if key == "parts":
                    value = json.dumps(value)
                elif key == "notes" and wo.notes:
                    value = f"{wo.notes}\n{value}"
                setattr(wo, key, value)
            wo.status = to_status
            wo.updated_at = t
            if to_status == "done":
                wo.done_at = t
                wo.run_hours_at_done = run_hours
            if to_status == "closed":
                wo.closed_at, wo.closed_by, wo.second_user = t, closed_by or who, second_user
            s.add(WorkOrderEvent(work_order_id=wo_id, ts=t, who=who, from_status=old, to_status=to_status, note=note[:1000]))
            s.flush()
            notify_change(s, WORK_ORDERS, wo.equipment)
            return _view(wo)

    def last_done(self, plan_id: str) -> WorkOrderView | None:
        """The newest done/closed preventive work order of a plan (when it was last done)."""
        with DbSession(self.engine) as s:
            wo = s.scalars(select(WorkOrder).where(WorkOrder.plan_id == plan_id, WorkOrder.status.in_(("done", "closed")))
                           .order_by(WorkOrder.done_at.desc()).limit(1)).first()
            return _view(wo) if wo else None

    def open_for_plan(self, plan_id: str) -> WorkOrderView | None:
        with DbSession(self.engine) as s:
            # a done order (awaiting its signed close) no longer holds the plan back
            wo = s.scalars(select(WorkOrder).where(WorkOrder.plan_id == plan_id, WorkOrder.status.in_(OPEN_STATUSES[:4]))
                           .limit(1)).first()
            return _view(wo) if wo else None

    # --- lock-outs ----------------------------------------------------------------------
    def open_lockouts(self) -> dict[str, dict[str, Any]]:
        with DbSession(self.engine) as s:
            rows = s.scalars(select(Lockout).where(Lockout.returned_at.is_(None))).all()
            return {r.equipment: {"id": r.id, "since": utc(r.locked_at), "by": r.locked_by, "reason": r.reason,
                                  "work_order": r.work_order_id} for r in rows}

    def add_lockout(self, equipment: str, who: str, reason: str, work_order: int | None, when: dt.datetime) -> int:
        with DbSession(self.engine) as s, s.begin():
            row = Lockout(equipment=equipment, work_order_id=work_order, locked_at=when, locked_by=who, reason=reason[:400],
                          returned_by="", returned_second_user="", return_reason="")
            s.add(row)
            s.flush()
            notify_change(s, WORK_ORDERS, equipment)
            return row.id

    def end_lockout(self, equipment: str, who: str, second_user: str, reason: str, when: dt.datetime) -> None:
        with DbSession(self.engine) as s, s.begin():
            for row in s.scalars(select(Lockout).where(Lockout.equipment == equipment, Lockout.returned_at.is_(None))):
                row.returned_at, row.returned_by = when, who
                row.returned_second_user, row.return_reason = second_user, reason[:400]
            notify_change(s, WORK_ORDERS, equipment)


def plan_records(engine: Engine) -> dict[str, tuple[dt.datetime, float | None]]:
    """plan id -> (last done, run hours then)."""
    from app.maintenance.models import PlanRecord

    with DbSession(engine) as s:
        return {r.plan_id: (utc(r.done_at), r.run_hours) for r in s.scalars(select(PlanRecord))}  # type: ignore[misc]


def set_plan_record(engine: Engine, plan_id: str, equipment: str, when: dt.datetime, run_hours: float | None) -> None:
    from app.maintenance.models import PlanRecord

    with DbSession(engine) as s, s.begin():
        row = s.get(PlanRecord, plan_id)
        if row is None:
            s.add(PlanRecord(plan_id=plan_id, equipment=equipment, done_at=when, run_hours=run_hours))
        else:
            row.done_at, row.run_hours = when, run_hours
