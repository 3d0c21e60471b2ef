"""The production service behind the dispatch board: the current schedule, solving in a
worker thread with progress, rescheduling from now after an upset, re-checking a dragged task."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.production.config import ProductionConfig, Unavailability, load_production
from app.production.schedule import InfeasibleError, Problem, Schedule, Task


def reschedule_problem(schedule: Schedule, now_min: int, breakdowns: tuple[Unavailability, ...] = ()) -> Problem:
    """The problem of rescheduling from ``now_min``: tasks already started stay as they are;
    a breakdown of a unit busy with a started task begins when that task ends."""
    frozen = {t.id: t for t in schedule.tasks if t.start < now_min}
    shifted = []
    for u in breakdowns:
        busy_until = max((t.end for t in frozen.values() if t.resource == u.resource and t.end > u.start), default=u.start)
        start = max(u.start, busy_until)
        shifted.append(replace(u, start=start, end=max(u.end, start + (u.end - u.start))))
    p = schedule.problem
    avail = {r: max(m, now_min) for r, m in p.available_from.items()}
    for r in (*p.aisle.converters, *p.aisle.cranes, *p.aisle.anode_furnaces, p.aisle.casting, p.aisle.smelting_furnace):
        avail.setdefault(r, now_min)
    # resources of frozen tasks may run on (their later tasks are constrained by the chain)
    for t in frozen.values():
        avail[t.resource] = min(avail[t.resource], t.start)
    return replace(p, frozen=frozen, unavailable=(*p.unavailable, *shifted), available_from=avail)


def moved(schedule: Schedule, task_id: str, new_start: int) -> Schedule:
    """``schedule`` with one task moved (same duration) — for the validator to judge."""
    tasks: list[Task] = []
    for t in schedule.tasks:
        if t.id == task_id:
            t = replace(t, start=new_start, end=new_start + (t.end - t.start))
        tasks.append(t)
    return Schedule(schedule.problem, tasks, list(schedule.feed_cut_hours), schedule.rule + "+edit", "EDITED")


class ProductionService:
    """Holds the production data and the current schedule."""

    def __init__(self, config: ProductionConfig) -> None:
        self.config = config
        self.schedule: Schedule | None = None
        self.released: set[str] = set()
        self.acknowledged: set[str] = set()
        self._listeners: list[Callable[[Schedule], None]] = []
        self.sink: Any = None
        self.tracker: Any = None
        self.tracking_error = ""
        self.store: Any = None
        self.last_feedback: Any = None
        self.lot_store: Any = None
        self.plan_store: Any = None
        self._last_feedback_at: datetime | None = None
        self._closed: deque[Any] = deque(maxlen=300)

    @classmethod
    def from_runtime(cls, runtime: Any) -> ProductionService:
        """The service for a running console: heat tracking from the live store into the plant
        database (``runtime.db``)."""
        folder = Path(runtime.layout.folder)
        svc = cls(load_production(folder / "production.yaml"))
        svc.store = getattr(runtime, "store", None)
        try:
            # the plant database for module services (Runtime.db), else the historian's engine
            engine = runtime.db if hasattr(runtime, "db") else getattr(getattr(runtime, "historian", None), "engine", None)
        except Exception as exc:  # noqa: BLE001 - e.g. database down: run without tracking, say why
            engine = None
            svc.tracking_error = f"heat tracking off: {str(exc).splitlines()[0]}"
        if engine is not None:
            from app.production.lot_store import LotStore
            from app.production.plan_store import PlanStore
            from app.production.tracking import LotTracker, ThreadedSink, observe_batch

            svc.plan_store = PlanStore(engine, getattr(runtime, "audit", None))
            try:
                svc.lot_store = LotStore(engine)
                svc.sink = ThreadedSink(svc.lot_store)
            except Exception as exc:  # noqa: BLE001 - e.g. tables not migrated yet: say so, run without
                svc.tracking_error = f"heat tracking off: {str(exc).splitlines()[0]} (run crucible db upgrade)"
            else:
                svc.attach_tracker(LotTracker(svc.sink))
                runtime.store.batch_applied.connect(lambda batch: observe_batch(svc.tracker, batch))
        if svc.store is not None:
            svc.store.batch_applied.connect(svc._on_store_batch)
        return svc

    def attach_tracker(self, tracker: Any) -> None:
        """Keep the lots a tracker closes for the board's actual bars."""
        self.tracker = tracker
        tracker.on_lot_closed.append(self._closed.append)

    def recent_lots(self) -> list[Any]:
        """Lots closed lately and the open ones (actual bars on the board)."""
        open_lots = list(self.tracker.open.values()) if self.tracker is not None else []
        return [*self._closed, *open_lots]

    def actual_by_shift(self, calendar: Any) -> dict[str, dict[str, float]]:
        """Actual production per shift from the recorded lots (SQL: call off the GUI thread)."""
        from app.production.stats import actual_from_lots

        lots = self.lot_store.lots() if self.lot_store is not None else []
        seen = {lot.lot for lot in lots}
        lots += [lot for lot in self.recent_lots() if lot.lot not in seen]
        out = actual_from_lots(lots, calendar)
        if self.tracker is not None:  # the per-shift counters seen live (anodes on the wheel, cathode harvested)
            from app.production.plan_store import actual_from_counters

            for sid, last in self.tracker.shift_counters.items():
                out.setdefault(sid, {}).update(actual_from_counters(last))
        return out

    def close(self) -> None:
        if self.sink is not None:
            self.sink.stop()

    def subscribe(self, fn: Callable[[Schedule], None]) -> None:
        self._listeners.append(fn)

    def set_schedule(self, schedule: Schedule) -> None:
        self.schedule = schedule
        for fn in list(self._listeners):
            fn(schedule)

    def problem(self, start: datetime | None = None) -> Problem:
        return Problem(self.config.aisle, start or datetime.now(UTC).replace(second=0, microsecond=0))

    def problem_from_live(self, start: datetime, values: dict[str, Any]) -> Problem:
        """The problem from ``start`` with the units' state read from the live tags: a converter
        mid-cycle is free when its remaining stages are done (stage durations from the layout;
        est.: half the current stage left), a furnace heat when its cycle is, a converter in
        MAINTENANCE is out for a while, the bath from the matte level (est.: 140 m² settler, 4.6 t/m³)."""
        a = self.config.aisle
        d = a.durations
        stages = ["charge", "slag_blow", "skim", "copper_blow", "pour"]
        avail: dict[str, int] = {}
        out: list[Unavailability] = []
        for c in a.converters:
            st = values.get(f"{c}.STATE")
            if isinstance(st, int | float) and 1 <= int(st) <= 5:
                k = int(st) - 1
                avail[c] = d[stages[k]] // 2 + sum(d[s] for s in stages[k + 1:])
            elif isinstance(st, int | float) and int(st) == 6:
                out.append(Unavailability(c, 0, 240, "breakdown", "in maintenance at the horizon start (live)"))
        for x in a.anode_furnaces:
            st, cycle_h = values.get(f"{x}.STATE"), values.get(f"{x}.CYCLE_H")
            if isinstance(st, int | float) and int(st) != 0 and isinstance(cycle_h, int | float):
                avail[x] = max(0, int(d["af_heat"] + d["cast"] - 60 * cycle_h))
        level = values.get("SMF.MATTE_LEVEL")
        bath = int(level / 1000 * 140 * 4.6) if isinstance(level, int | float) else None
        return Problem(a, start, available_from=avail, unavailable=tuple(out),
                       bath_initial_t=None if bath is None else max(0, min(bath, a.bath_max_t)))

    def solve_in_thread(self, problem: Problem, *, budget_s: float = 10.0,
                        progress: Callable[[float, float, float], None] | None = None,
                        done: Callable[[Schedule | None, str], None] | None = None) -> threading.Event:
        """Solve off the calling thread; ``done(schedule, error)`` is called from the worker
        (a GUI hands it to its own thread). Returns an event that stops the search early."""
        from app.production import cpsat

        stop = threading.Event()

        def work() -> None:
            try:
                s = cpsat.solve(problem, time_limit_s=budget_s, progress=progress, stop=stop)
            except InfeasibleError as exc:
                if done:
                    done(None, str(exc))
                return
            if done:
                done(s, "")

        from app.core.work import executor

        executor("production-solver").submit(work)  # one solve at a time, in order
        return stop

    FEEDBACK_EVERY_S = 10.0

    def _on_store_batch(self, batch: Any) -> None:
        """Live feedback at most every ``FEEDBACK_EVERY_S`` of plant time, published after the
        batch is handled (never from inside the store's emission)."""
        from app.production.feedback import ACID_TAG, LATE_TAG

        if self.schedule is None or not batch or set(batch) <= {LATE_TAG, ACID_TAG}:
            return
        stamps = [v.source_ts for v in batch.values() if getattr(v, "source_ts", None) is not None]
        if not stamps:
            return
        now = max(stamps)
        if self._last_feedback_at is not None and (now - self._last_feedback_at).total_seconds() < self.FEEDBACK_EVERY_S:
            return
        self._last_feedback_at = now
        values = {k: v.value for k, v in self.store.values.items() if getattr(v, "value", None) is not None}

        def later() -> None:
            self.feedback(now, values)

        try:
            import asyncio

            asyncio.get_running_loop().call_soon(later)
        except RuntimeError:  # no loop (tests, tools): right away
            later()

    def feedback(self, now: datetime, values: dict[str, Any]) -> Any:
        """Late tasks and the acid margin now; the derived values go into the store when the
        layout declares them (``tags/production.yaml``, alarms in ``alarms.d/production.yaml``), so their alarms
        are journaled."""
        from app.production.feedback import derived_values, evaluate

        if self.schedule is None:
            return None
        started = {}
        if self.tracker is not None:
            started = {unit: lot.start for unit, lot in self.tracker.open.items() if lot.kind == "converter_batch"}
        fb = evaluate(self.schedule, now, values, started)
        self.last_feedback = fb
        if self.store is not None:
            from app.core.tags import Quality, TagValue

            known = getattr(self.store, "definitions", None) or getattr(self.store, "tags", {})
            batch = {k: TagValue(v, Quality.GOOD, now, now) for k, v in derived_values(fb).items() if k in known}
            if batch:
                self.store.apply(batch)
        return fb

    def release(self, task_id: str) -> None:
        self.released.add(task_id)

    def acknowledge(self, task_id: str) -> None:
        if task_id not in self.released:
            raise ValueError(f"task {task_id} has not been released to the crew")
        self.acknowledged.add(task_id)
