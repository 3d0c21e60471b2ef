"""The maintenance service one console runs: state recorder, preventive plans, work orders,
lock-out and predictions, on the live tag store.

Database work is synchronous here; the GUI calls these methods from a worker thread (the
recorder queues transitions on the loop thread and :meth:`flush` writes them off it).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Engine

from app.core.events import Signal
from app.core.tags import TagValue
from app.core.work import run_blocking
from app.db.notify import WORK_ORDERS, follow
from app.maintenance import kpi
from app.maintenance.ledger import Equipment, Ledger, load_for_layout
from app.maintenance.lockout import install_refusal
from app.maintenance.prediction import Prediction, predict_crossing, remaining_life_h
from app.maintenance.workorders import (
    MaintenanceStore,
    WorkOrderError,
    WorkOrderView,
    now_utc,
    plan_records,
    set_plan_record,
)
from app.security import audit as au
from app.security import permissions as perms

log = logging.getLogger(__name__)

SUPERVISED_NAME = "maintenance"
STALL_AFTER_S = 300.0  # run() beats every few seconds; an hourly forecast round may take a while
PREDICTION_HORIZON_DAYS = 30.0  # a zone-C forecast inside this opens one predictive request
SIGNATURE_MAX_AGE_S = 300.0


@dataclass
class EquipmentStatus:
    """What the status panel shows of one machine (plain data)."""

    equipment: Equipment
    state: str = ""  # one of kpi.STATES, "" = not known yet
    run_hours: float | None = None
    vibration: float | None = None
    zone: str = ""
    locked_out: bool = False
    open_work_orders: int = 0
    next_pm: str = ""  # plan id of the next preventive task
    next_pm_days: float | None = None
    prediction: Prediction | None = None


def derive_state(eq: Equipment, values: Mapping[str, TagValue], locked_out: bool, planned: bool) -> str | None:
    """The machine's state from its tags: ``None`` while they are not known (or bad)."""
    if locked_out:
        return "out_of_service"
    name = eq.tags.get("state")
    if name is not None:
        v = values.get(name)
        if v is None or not v.is_good or v.value is None:
            return None
        code = int(v.value)  # STOPPED, RUNNING, FAULT
        if code == 2:
            return "unplanned_stop"
        if code == 1:
            return "running"
        return "planned_stop" if planned else "idle"
    fault = values.get(eq.tags.get("fault", ""))
    if fault is not None and fault.is_good and bool(fault.value):
        return "unplanned_stop"
    run = values.get(eq.tags.get("run", ""))
    if run is None or not run.is_good:
        return None
    return "running" if bool(run.value) else ("planned_stop" if planned else "idle")


class MaintenanceService:
    """See the module docstring. ``clock`` gives "now" (tests pass a fake one)."""

    def __init__(
        self, ledger: Ledger, engine: Engine, *, store: Any = None, alarms: Any = None, historian: Any = None,
        write_path: Any = None, audit: Any = None, clock: Callable[[], dt.datetime] = now_utc,
        all_tags: Mapping[str, Any] | None = None,
    ) -> None:
        self.ledger = ledger
        self.engine = engine
        self.db = MaintenanceStore(engine)
        self.store = store
        self.alarms = alarms
        self.historian = historian
        self.audit = audit
        self.clock = clock
        # equipment id (or "" for many) whose status changed. Handed to the loop thread when the
        # service knows its loop (always in the GUI); without one it fires where the change was
        # made, so listeners only set a flag or hop to the GUI thread themselves.
        self.changed: Signal[[str]] = Signal(fires_on="any")
        # the machines locked out, after every lock-out / return: on the loop (GUI) thread
        # whenever the service knows its loop (always in the GUI), like ``changed``
        self.lockouts_changed: Signal[[set[str]]] = Signal(fires_on="any")
        self._tag_owner: dict[str, str] = {}
        self._state_owner: dict[str, str] = {}  # the tags that tell a machine's state
        for eq in ledger:
            for name in ledger.tags_of(eq.id, all_tags):
                self._tag_owner.setdefault(name, eq.id)
            for role in ("state", "run", "fault"):
                if role in eq.tags:
                    self._state_owner[eq.tags[role]] = eq.id
        self._lock = threading.Lock()
        self._pending: list[tuple[str, dt.datetime, str, float | None]] = []
        self.states: dict[str, str] = {}
        self.predictions: dict[str, Prediction] = {}
        self._planned: set[str] = set()  # machines with a preventive order in progress
        self.locked: dict[str, dict[str, Any]] = {}
        self._locked_version = 0  # counts this console's lock-out changes (vs. other consoles')
        self._oos_alarms: dict[str, list[str]] = {}
        self._remove_refusal: Callable[[], None] | None = None
        if write_path is not None:
            self._remove_refusal = install_refusal(write_path, self.write_refusal)
        self._unsubscribe: Callable[[], None] | None = None
        self._unfollow: Callable[[], None] = lambda: None  # other consoles' work order changes
        self.task: asyncio.Task[None] | None = None  # run(), when setup started it
        self.supervisor: Any = None  # the runtime's app.core.supervisor.Supervisor, when there is one
        self._beat: Callable[[], None] = lambda: None
        self.autostart = False  # start run() on the first live batch if start() found no running loop
        self._owner_thread = threading.get_ident()
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- start / stop -------------------------------------------------------------------
    def start(self) -> None:
        """Read open lock-outs and last states; subscribe to the store. Call on the thread
        that runs the alarm engine (the asyncio loop's)."""
        self._owner_thread = threading.get_ident()
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        self._unfollow()
        # PostgreSQL: another console's work order or lock-out change reaches the panels at once
        self._unfollow = follow(self.engine, (WORK_ORDERS,), self._on_shared_change)
        with contextlib.suppress(Exception):
            self.states.update(self.db.last_states())
        for eq_id, info in self.db.open_lockouts().items():
            self.locked[eq_id] = info
            self._alarms_out_of_service(eq_id, info["by"], f"locked out: {info['reason']}", True)
        self._planned = {w.equipment for w in self.db.list(open_only=True, kind="preventive") if w.status == "in_progress"}
        if self.store is not None:
            self.store.batch_applied.connect(self.on_batch)
            self._unsubscribe = lambda: self.store.batch_applied.disconnect(self.on_batch)
            self.on_batch(dict(self.store.values))

    def close(self, flush: bool = True) -> None:
        """Unsubscribe, take the write refusal away, write queued transitions (``flush``)."""
        self._unfollow()
        self._unfollow = lambda: None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._remove_refusal is not None:
            self._remove_refusal()
            self._remove_refusal = None
        if flush:
            with contextlib.suppress(Exception):
                self.flush()

    async def run(self, period_s: float = 5.0, plans_every_s: float = 60.0, predict_every_s: float = 3600.0) -> None:
        """Long-running work: write queued transitions, check preventive plans and forecasts."""
        last_plans = last_predict = -math.inf
        loop = asyncio.get_running_loop()
        while True:
            self._beat()
            try:
                await run_blocking(self.flush, pool="maintenance")
            except Exception:  # noqa: BLE001 - kept queued; the next round tries again
                log.exception("maintenance: state transitions not written yet")
            if loop.time() - last_plans >= plans_every_s:
                last_plans = loop.time()
                try:
                    await run_blocking(self.check_plans, pool="maintenance")
                except Exception:  # noqa: BLE001 - a DB hiccup must not stop the recorder
                    log.exception("maintenance: preventive plan check failed")
            if loop.time() - last_predict >= predict_every_s:
                last_predict = loop.time()
                try:
                    await run_blocking(self.check_predictions, pool="maintenance")
                except Exception:  # noqa: BLE001
                    log.exception("maintenance: vibration forecasts failed")
            await asyncio.sleep(period_s)

    # --- state recorder -----------------------------------------------------------------
    def on_batch(self, batch: Mapping[str, TagValue]) -> None:
        """TagStore listener (loop thread, cheap): queue state transitions."""
        if self.autostart and self.task is None:
            self._start_run()
        owners = self._state_owner
        touched = {owners[n] for n in batch if n in owners}
        if not touched:
            return
        values = self.store.values if self.store is not None else batch
        changed = [eq_id for eq_id in touched if self._update_state(eq_id, values)]
        if changed:
            self.changed.emit(changed[0] if len(changed) == 1 else "")

    def _start_run(self) -> None:
        """Start :meth:`run` on the running loop: through the runtime's supervisor (restarted
        if it ends, reported if it stalls) where there is one."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._loop = loop
        self._owner_thread = threading.get_ident()
        if self.supervisor is not None:
            handle = self.supervisor.spawn(SUPERVISED_NAME, self.run, expected_period_s=STALL_AFTER_S)
            self.task = handle.task
            self._beat = lambda: self.supervisor.beat(SUPERVISED_NAME)
        else:
            self.task = loop.create_task(self.run(), name=SUPERVISED_NAME)

    def _update_state(self, eq_id: str, values: Mapping[str, TagValue], at_clock: bool = False) -> bool:
        """Queue a transition when the machine's state changed; True if it did. The time is the
        source time of its state tag (when the field saw it), else the service's clock."""
        eq = self.ledger.equipment[eq_id]
        state = derive_state(eq, values, eq_id in self.locked, eq_id in self._planned)
        if state is None or self.states.get(eq_id) == state:
            return False
        self.states[eq_id] = state
        rh = self._number(values, eq.tags.get("run_hours"))
        source = None if at_clock else values.get(eq.tags.get("state") or eq.tags.get("run") or "")
        ts = source.source_ts if source is not None and source.is_good else self.clock()
        with self._lock:
            self._pending.append((eq_id, ts, state, rh))
        return True

    def flush(self) -> int:
        """Write queued transitions (worker thread); returns how many."""
        with self._lock:
            rows, self._pending = self._pending, []
        try:
            self.db.add_transitions(rows)
        except Exception:
            with self._lock:
                self._pending[:0] = rows  # keep them for the next try: nothing is lost
            raise
        return len(rows)

    @staticmethod
    def _number(values: Mapping[str, TagValue], name: str | None) -> float | None:
        v = values.get(name) if name else None
        if v is None or not v.is_good or isinstance(v.value, str | None):
            return None
        return float(v.value)

    def value(self, eq_id: str, role: str) -> float | None:
        eq = self.ledger.equipment[eq_id]
        return self._number(self.store.values if self.store is not None else {}, eq.tags.get(role))

    # --- KPIs ---------------------------------------------------------------------------
    def kpis(self, start: dt.datetime, end: dt.datetime) -> list[kpi.EquipmentKpi]:
        rows = self.db.transitions(start, None)
        history = kpi.StateHistory.from_rows(rows)
        return kpi.compute_kpis(history, start.timestamp(), end.timestamp(), max(end, self.clock()).timestamp())

    # --- preventive plans ---------------------------------------------------------------
    def check_plans(self) -> list[WorkOrderView]:
        """Open a preventive work order for every plan that has fallen due (once per due date)."""
        now = self.clock()
        records = plan_records(self.engine)
        opened: list[WorkOrderView] = []
        for eq in self.ledger:
            rh = self.value(eq.id, "run_hours")
            for plan in eq.plans:
                rec = records.get(plan.id)
                if rec is None:  # first sight: count from now (not from the machine's whole life)
                    set_plan_record(self.engine, plan.id, eq.id, now, rh)
                    continue
                done_at, done_rh = rec
                days = (now - done_at).total_seconds() / 86400.0
                since_h = (rh - done_rh) if rh is not None and done_rh is not None else 0.0
                if not plan.due(since_h, days) or self.db.open_for_plan(plan.id) is not None:
                    continue
                why = (f"{since_h:.0f} run hours" if plan.every_run_h and since_h >= plan.every_run_h
                       else f"{days:.0f} days")
                wo = self.db.create("preventive", eq.id, f"{plan.task_en} ({why} since last)", "system",
                                    plan_id=plan.id, run_hours=rh, priority=3, when=now)
                opened.append(wo)
                self._audit("work_order", f"WO-{wo.id:05d}", f"preventive {plan.id} due", user="system")
        if opened:
            self._notify("")
        return opened

    def next_pm(self, eq_id: str, records: Mapping[str, tuple[dt.datetime, float | None]] | None = None) -> tuple[str, float | None]:
        """The plan id of a machine's next preventive task and its days left (by calendar, or
        by run hours at 24 h a day)."""
        eq = self.ledger.equipment[eq_id]
        records = plan_records(self.engine) if records is None else records
        now = self.clock()
        rh = self.value(eq_id, "run_hours")
        best: tuple[str, float | None] = ("", None)
        for plan in eq.plans:
            rec = records.get(plan.id)
            if rec is None:
                continue
            days = (now - rec[0]).total_seconds() / 86400.0
            since_h = (rh - rec[1]) if rh is not None and rec[1] is not None else 0.0
            left_h, left_d = plan.remaining(since_h, days)
            cands = [x for x in (left_d, None if left_h is None else left_h / 24.0) if x is not None]
            if not cands:
                continue
            left = max(min(cands), (plan.min_days - days))
            if best[1] is None or left < best[1]:
                best = (plan.id, left)
        return best

    # --- work orders --------------------------------------------------------------------
    def trend_snapshot(self, eq_id: str, hours: float = 2.0, buckets: int = 60) -> dict[str, list[list[Any]]]:
        """The last ``hours`` of the machine's role tags from the historian (bucket averages)."""
        reader = getattr(self.historian, "reader", None)
        if reader is None:
            return {}
        end = self.clock()
        start = end - dt.timedelta(hours=hours)
        out: dict[str, list[list[Any]]] = {}
        for role, name in self.ledger.equipment[eq_id].tags.items():
            try:
                b = reader.aggregate(name, start, end, buckets)
            except Exception:  # noqa: BLE001 - a snapshot is a courtesy; the order matters more
                log.exception("snapshot of %s failed", name)
                continue
            out[name] = [[dt.datetime.fromtimestamp(int(s) / 1e6, dt.UTC).isoformat(), None if not np.isfinite(a) else float(a)]
                         for s, a in zip(b.start, b.avg, strict=False)]
            out[name].insert(0, [role, None])
        return out

    def equipment_of_alarm(self, alarm_id: str) -> str | None:
        rec = self.alarms.records.get(alarm_id) if self.alarms is not None else None
        if rec is None:
            return None
        return self._tag_owner.get(rec.definition.tag)

    def create_corrective(self, who: str, equipment: str | None = None, alarm_id: str = "",
                          title: str = "") -> WorkOrderView:
        """One click from an alarm (its machine found from the alarm's tag) or a machine."""
        alarm_text = ""
        if alarm_id:
            rec = self.alarms.records.get(alarm_id) if self.alarms is not None else None
            if rec is None:
                raise WorkOrderError(f"alarm {alarm_id}: no such alarm")
            equipment = equipment or self._tag_owner.get(rec.definition.tag)
            if equipment is None:
                raise WorkOrderError(f"alarm {alarm_id}: its tag {rec.definition.tag} belongs to no machine in the ledger")
            d = rec.definition
            what = d.text_en or d.cause or str(d.type)
            alarm_text = f"{d.id}: {what}; value {rec.value}" if rec.value is not None else f"{d.id}: {what}"
        if equipment is None or equipment not in self.ledger.equipment:
            raise WorkOrderError(f"{equipment}: no such machine in the equipment ledger")
        eq = self.ledger.equipment[equipment]
        if not title and alarm_id:
            d = self.alarms.records[alarm_id].definition
            title = f"{d.text_en} ({alarm_id})" if d.text_en else f"{eq.name_en}: {d.cause or d.type} ({alarm_id})"
        title = title or f"{eq.name_en}: fault"
        wo = self.db.create("corrective", equipment, title, who, priority=2 if eq.criticality == "A" else 3,
                            alarm_id=alarm_id, alarm_text=alarm_text, snapshot=self.trend_snapshot(equipment),
                            run_hours=self.value(equipment, "run_hours"), when=self.clock())
        self._audit("work_order", wo.label(), f"corrective requested: {title}", user=who)
        self._notify(equipment)
        return wo

    def advance(self, wo_id: int, to_status: str, session: Any, note: str = "", **fields: Any) -> WorkOrderView:
        """Move a work order one step (not to ``closed``: see :meth:`close`)."""
        if to_status == "closed":
            raise WorkOrderError("closing a work order needs a signature: use close")
        who = self._who(session)
        wo = self.db.get(wo_id)
        rh = self.value(wo.equipment, "run_hours") if to_status == "done" else None
        out = self.db.advance(wo_id, to_status, who, note, run_hours=rh, when=self.clock(), **fields)
        if out.kind == "preventive" and out.plan_id:
            if to_status == "in_progress":
                self._planned.add(out.equipment)
            elif to_status in ("done", "cancelled"):
                self._planned.discard(out.equipment)
            if to_status == "done":
                set_plan_record(self.engine, out.plan_id, out.equipment, self.clock(), rh)
        self._audit("work_order", out.label(), f"{wo.status} -> {to_status} {note}".strip(), user=who)
        self._notify(out.equipment)
        return out

    def close_work_order(self, wo_id: int, session: Any, signature: Any, note: str = "") -> WorkOrderView:
        """Close a done work order: ``close_work_orders`` and a fresh signature for it."""
        label = f"WO-{wo_id:05d}"
        who = self._who(session)
        session.require(perms.CLOSE_WORK_ORDERS, label)
        self._check_signature(session, signature, label)
        out = self.db.advance(wo_id, "closed", who, note or signature.reason, closed_by=who,
                              second_user=signature.second_user, when=self.clock())
        self._audit("work_order_close", label, f"closed: {note or signature.reason}", user=who,
                    second_user=signature.second_user, reason=signature.reason)
        self._notify(out.equipment)
        return out

    def _check_signature(self, session: Any, signature: Any, target: str) -> None:
        if signature is None:
            raise WorkOrderError(f"{target}: needs an electronic signature")
        age = session.clock() - signature.signed_at
        if (signature.user != session.username or signature.action != perms.CLOSE_WORK_ORDERS
                or signature.target != target or age > SIGNATURE_MAX_AGE_S):
            raise WorkOrderError(f"{target}: the signature given is for something else or has expired; sign again")

    @staticmethod
    def _who(session: Any) -> str:
        if session is None:
            return "system"
        if isinstance(session, str):
            return session
        if not session.username:
            raise WorkOrderError("No one is logged in: log in first.")
        return str(session.username)

    def _audit(self, event: str, target: str, detail: str, user: str, second_user: str = "", reason: str = "",
               result: str = au.SUCCESS) -> None:
        """Record in the audit trail, on the loop thread when the service knows its loop: the
        trail's listeners (the audit panel) touch Qt widgets."""
        self._on_loop(self._record_audit, event, target, detail, user, second_user, reason, result)

    def _record_audit(self, event: str, target: str, detail: str, user: str, second_user: str, reason: str,
                      result: str) -> None:
        trail = self.audit() if callable(self.audit) and not hasattr(self.audit, "record") else self.audit
        if trail is None:
            return
        try:
            trail.record(au.COMMAND, f"maintenance_{event}", result, user=user, target=target,
                         second_user=second_user, reason=reason, detail=detail[:400])
        except Exception:  # noqa: BLE001 - logged; the action itself is in the maintenance tables
            log.exception("audit of %s %s failed", event, target)

    # --- lock-out -----------------------------------------------------------------------
    def lock_out(self, equipment: str, session: Any, reason: str, work_order: int | None = None) -> None:
        """Out of service for work: its alarms out of service, writes to its tags refused."""
        if equipment not in self.ledger.equipment:
            raise WorkOrderError(f"{equipment}: no such machine in the equipment ledger")
        if equipment in self.locked:
            raise WorkOrderError(f"{equipment} is already locked out (by {self.locked[equipment]['by']})")
        if not reason.strip():
            raise WorkOrderError(f"{equipment}: type the reason for the lock-out")
        if session is not None and not isinstance(session, str):
            session.require(perms.START_STOP, f"lock out {equipment}")
        who = self._who(session)
        self._check_alarm_rule(who, "oos", equipment)
        now = self.clock()
        self._locked_version += 1
        lid = self.db.add_lockout(equipment, who, reason, work_order, now)
        self._locked_version += 1
        self.locked[equipment] = {"id": lid, "since": now, "by": who, "reason": reason, "work_order": work_order}
        self._alarms_out_of_service(equipment, who, f"locked out: {reason}", True)
        self._audit("lock_out", equipment, f"locked out: {reason}", user=who, reason=reason)
        self._refresh_state(equipment)
        self._on_loop(self.lockouts_changed.emit, set(self.locked))

    def return_to_service(self, equipment: str, session: Any, signature: Any) -> None:
        """Undo a lock-out: only by a signed action (``close_work_orders``, target the machine)."""
        if equipment not in self.locked:
            raise WorkOrderError(f"{equipment} is not locked out")
        if session is None or isinstance(session, str):
            raise WorkOrderError(f"{equipment}: return to service needs a logged-in user's signature")
        session.require(perms.CLOSE_WORK_ORDERS, f"return {equipment} to service")
        self._check_signature(session, signature, equipment)
        who = self._who(session)
        self._check_alarm_rule(who, "in_service", equipment)
        self._locked_version += 1
        self.db.end_lockout(equipment, who, signature.second_user, signature.reason, self.clock())
        self._locked_version += 1
        self.locked.pop(equipment, None)
        self._alarms_out_of_service(equipment, who, f"returned to service: {signature.reason}", False)
        self._audit("return_to_service", equipment, f"returned to service: {signature.reason}", user=who,
                    second_user=signature.second_user, reason=signature.reason)
        self._refresh_state(equipment)
        self._on_loop(self.lockouts_changed.emit, set(self.locked))

    def _on_shared_change(self, _kind: str, equipment: str) -> None:
        """A work order or lock-out changed on another console (listener thread): re-read the
        open lock-outs (a machine locked out there refuses writes here too), then ``changed``
        on the loop."""
        version = self._locked_version
        try:
            open_now: dict[str, dict[str, Any]] | None = self.db.open_lockouts()
        except Exception as exc:  # noqa: BLE001 - the next change (or reconnect) tries again
            log.warning("maintenance: lock-outs of other consoles not read: %s", str(exc).splitlines()[0])
            open_now = None
        if open_now is not None:
            self._on_loop(self._apply_shared_lockouts, open_now, version)
        self._notify(equipment)

    def _apply_shared_lockouts(self, open_now: dict[str, dict[str, Any]], version: int) -> None:
        """Take the database's open lock-outs, unless this console locked or returned a machine
        since they were read (then its own newer state stands until the next change)."""
        if version != self._locked_version:
            return
        known = {eq: info for eq, info in open_now.items() if eq in self.ledger.equipment}
        if set(known) == set(self.locked):
            return
        for eq in set(self.locked) - set(known):
            self.locked.pop(eq, None)
        for eq, info in known.items():
            self.locked.setdefault(eq, info)
        self.lockouts_changed.emit(set(self.locked))

    def _notify(self, equipment: str) -> None:
        self._on_loop(self.changed.emit, equipment)

    def _on_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run ``fn`` now when on the loop's thread, else hand it to the loop."""
        if threading.get_ident() != self._owner_thread and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(fn, *args)
        else:
            fn(*args)

    def remaining_life(self, eq_id: str) -> list[tuple[str, float, float | None]]:
        """(part, rated life h, run hours left) for each spare part with a rated life: counted
        from the newest done order that used the part, else from the machine's first run hour
        (worker thread)."""
        eq = self.ledger.equipment[eq_id]
        rh = self.value(eq_id, "run_hours")
        orders = [w for w in self.db.list(eq_id, limit=500) if w.status in ("done", "closed")]
        out: list[tuple[str, float, float | None]] = []
        for spare in eq.spares:
            if spare.rated_life_h is None:
                continue
            fitted = next((w.run_hours_at_done for w in orders  # newest first
                           if w.run_hours_at_done is not None and any(p.get("part") == spare.part for p in w.parts)), 0.0)
            left = None if rh is None else remaining_life_h(spare.rated_life_h, rh, fitted or 0.0)
            out.append((spare.part, spare.rated_life_h, left))
        return out

    def _refresh_state(self, equipment: str) -> None:
        if self.store is not None:
            if threading.get_ident() == self._owner_thread:
                self._update_state(equipment, self.store.values, True)
            elif self._loop is not None and not self._loop.is_closed():
                self._loop.call_soon_threadsafe(self._update_state, equipment, self.store.values, True)
        self._notify(equipment)

    def _check_alarm_rule(self, who: str, action: str, equipment: str) -> None:
        """The alarm engine's own rule for taking alarms out of / back into service, checked
        before anything changes (so a lock-out is all or nothing)."""
        refusal_of = getattr(self.alarms, "refusal", None)
        if refusal_of is None or not any(self._tag_owner.get(r.definition.tag) == equipment
                                         for r in self.alarms.records.values()):
            return
        refusal = refusal_of(who, action)
        if refusal:
            raise WorkOrderError(f"{equipment}: its alarms cannot be taken {'out of' if action == 'oos' else 'back into'} "
                                 f"service: {refusal}")

    def _alarms_out_of_service(self, equipment: str, who: str, reason: str, out: bool) -> None:
        """Alarm-engine changes run on the engine's (loop) thread; a lock-out done from a
        worker thread hands them over."""
        if self.alarms is None:
            return
        if threading.get_ident() != self._owner_thread and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._set_alarms_out_of_service, equipment, who, reason, out)
            return
        self._set_alarms_out_of_service(equipment, who, reason, out)

    def _set_alarms_out_of_service(self, equipment: str, who: str, reason: str, out: bool) -> None:
        assert self.alarms is not None
        ids = ([rid for rid, rec in self.alarms.records.items() if self._tag_owner.get(rec.definition.tag) == equipment]
               if out else self._oos_alarms.pop(equipment, []))
        done: list[str] = []
        for rid in ids:
            try:
                if self.alarms.set_out_of_service(rid, who, reason, out):
                    done.append(rid)
            except Exception as exc:  # noqa: BLE001 - refused (checked before, but a lock-out restored at
                # start-up finds no one logged in): the write refusal still holds; say so in the log
                log.warning("maintenance: %s of %s: alarm %s not %s: %s", "lock-out" if out else "return",
                            equipment, rid, "taken out of service" if out else "returned to service", exc)
        if out:
            self._oos_alarms[equipment] = done

    def write_refusal(self, request: Any, tag: Any) -> str | None:
        """The lock-out refusal in front of every write."""
        owner = self._tag_owner.get(tag.name)
        if owner is not None and owner in self.locked:
            info = self.locked[owner]
            return (f"{tag.name}: {owner} is locked out for maintenance (by {info['by']}: {info['reason']}); "
                    "writes are refused until it is returned to service")
        return None

    # --- prediction ---------------------------------------------------------------------
    def predict(self, eq_id: str, days: int = 30) -> Prediction | None:
        """Fit the machine's daily vibration averages (historian rollups) to zone C."""
        eq = self.ledger.equipment[eq_id]
        tag = eq.tags.get("vibration")
        reader = getattr(self.historian, "reader", None)
        if tag is None or eq.zones is None or reader is None:
            return None
        end = self.clock()
        b = reader.aggregate(tag, end - dt.timedelta(days=days), end, days)
        pred = predict_crossing(np.arange(len(b.avg), dtype=float), b.avg, eq.zones.bc, "C")
        if pred is None:
            self.predictions.pop(eq_id, None)
        else:
            self.predictions[eq_id] = pred
        return pred

    def apply_prediction(self, eq_id: str, pred: Prediction | None) -> WorkOrderView | None:
        """Open one predictive request when a forecast falls inside the warning horizon."""
        if pred is None:
            return None
        self.predictions[eq_id] = pred
        if pred.days > PREDICTION_HORIZON_DAYS:
            return None
        if any(w.kind == "predictive" for w in self.db.list(eq_id, open_only=True)):
            return None
        eq = self.ledger.equipment[eq_id]
        wo = self.db.create("predictive", eq_id, f"{eq.name_en}: vibration {pred.text()}", "system",
                            prediction=pred.as_json(), run_hours=self.value(eq_id, "run_hours"), when=self.clock(),
                            due_at=self.clock() + dt.timedelta(days=max(0.0, pred.early_days)))
        self._audit("work_order", wo.label(), f"predictive requested: {pred.text()}", user="system")
        self._notify(eq_id)
        return wo

    def check_predictions(self) -> list[WorkOrderView]:
        out = []
        for eq in self.ledger:
            wo = self.apply_prediction(eq.id, self.predict(eq.id))
            if wo is not None:
                out.append(wo)
        return out

    # --- status for the panel -----------------------------------------------------------
    def summary(self) -> dict[str, tuple[int, str, float | None]]:
        """Per machine: open work orders, next preventive plan id and its days left (worker thread)."""
        open_counts: dict[str, int] = {}
        for w in self.db.list(open_only=True, limit=100000):
            open_counts[w.equipment] = open_counts.get(w.equipment, 0) + 1
        records = plan_records(self.engine)
        return {eq.id: (open_counts.get(eq.id, 0), *self.next_pm(eq.id, records)) for eq in self.ledger}

    def detail(self, eq_id: str, days: int = 7) -> dict[str, Any]:
        """What the detail view shows (worker thread): state transitions of the last ``days``,
        hourly vibration/run-hours trends of 30 days, the machine's work orders."""
        end = self.clock()
        start = end - dt.timedelta(days=days)
        out: dict[str, Any] = {"start": start, "end": end,
                               "transitions": self.db.transitions(start, None, eq_id),
                               "work_orders": self.db.list(eq_id, limit=200), "trends": {},
                               "parts": self.remaining_life(eq_id)}
        reader = getattr(self.historian, "reader", None)
        if reader is not None:
            for role in ("vibration", "run_hours", "power"):
                name = self.ledger.equipment[eq_id].tags.get(role)
                if name:
                    b = reader.aggregate(name, end - dt.timedelta(days=30), end, 30 * 24)
                    out["trends"][role] = (name, b.start / 1e6, b.avg)
        return out

    def status(self) -> list[EquipmentStatus]:
        """Every machine's status from the live values and the database (worker thread)."""
        summary = self.summary()
        out = []
        for eq in self.ledger:
            vib = self.value(eq.id, "vibration")
            _, task, days = summary[eq.id]
            out.append(EquipmentStatus(
                eq, self.states.get(eq.id, ""), self.value(eq.id, "run_hours"), vib,
                eq.zones.zone(vib) if eq.zones is not None and vib is not None else "", eq.id in self.locked,
                summary[eq.id][0], task, days, self.predictions.get(eq.id)))
        return out


def setup(runtime: Any) -> MaintenanceService | None:
    """``Module.setup``: the service on the runtime's store, alarms, historian, write path and
    plant database (``runtime.db``); :func:`start` starts its work once the loop runs. A broken ``equipment.yaml`` raises :class:`~app.maintenance.ledger.LedgerError` (the
    runtime shows its file:line message); a layout without one has no maintenance (None)."""
    ledger = load_for_layout(runtime.layout)
    if ledger is None:
        log.info("maintenance: %s has no equipment.yaml", runtime.layout.folder)
        return None
    historian = getattr(runtime, "historian", None)
    if hasattr(type(runtime), "db"):
        engine = runtime.db  # the plant database, schema brought up to date
    else:  # a bare runtime (tests, tools): the historian's or the audit trail's database
        audit = getattr(runtime, "audit", None) or getattr(getattr(runtime, "session", None), "audit", None)
        engine = getattr(historian, "engine", None) or getattr(audit, "engine", None)
    if engine is None:
        log.warning("maintenance: no plant database; the maintenance module is off")
        return None
    service = MaintenanceService(
        ledger, engine, store=runtime.store, alarms=runtime.alarms, historian=historian,
        write_path=runtime.write_path, audit=lambda: getattr(runtime, "audit", None), all_tags=runtime.layout.tags,
    )
    service.supervisor = getattr(runtime, "supervisor", None)
    service.start()
    return service


def start(service: MaintenanceService | None) -> None:
    """``Module.start`` (the loop runs): start :meth:`MaintenanceService.run` on it; should the
    loop not be running yet, the first live batch starts it."""
    if service is None:
        return
    service.autostart = True
    service._start_run()


async def close(service: MaintenanceService | None) -> None:
    """``Module.close``: stop the loop's work, write what is queued (off the loop thread)."""
    if service is None:
        return
    if service.supervisor is not None:
        service.supervisor.cancel(SUPERVISED_NAME)
    task = service.task
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
    service.close(flush=False)
    await run_blocking(service.flush, pool="maintenance")
