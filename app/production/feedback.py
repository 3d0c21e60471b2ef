"""Live feedback: planned tasks running late and the acid plant about to be overloaded,
judged from the schedule and the live stage tags. Published as derived values
(``calc://production/...``) for alarms, and listed on the dispatch board with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.production.schedule import BLOWING, Schedule

CONVERTER_STAGES = ("IDLE", "CHARGING", "SLAG_BLOW", "SKIMMING", "COPPER_BLOW", "POURING", "MAINTENANCE")
STAGE_OF_KIND = {"charge": 1, "slag_blow": 2, "skim": 3, "copper_blow": 4, "pour": 5}
AF_STAGES = ("IDLE", "CHARGING", "MELTING", "OXIDISING", "SKIMMING", "REDUCING", "CASTING")
LOOKAHEAD = timedelta(minutes=30)
GRACE = timedelta(minutes=10)

LATE_TAG = "PSC.LATE_TASKS"
ACID_TAG = "AP.CONV_BLOW_MARGIN"


@dataclass(frozen=True)
class LateTask:
    task_id: str
    resource: str
    kind: str
    planned_start: datetime
    reason: str
    live_stage: str = ""  # the unit's stage now (state name), for a translated reason
    batch_begun: datetime | None = None  # set when the unit is still on an earlier batch


@dataclass(frozen=True)
class Feedback:
    late: tuple[LateTask, ...]
    blowing_now: int
    blowing_soon: int  # blowing now or planned to start blowing within LOOKAHEAD
    acid_capacity: int

    @property
    def acid_margin(self) -> int:
        return self.acid_capacity - self.blowing_soon


def evaluate(schedule: Schedule, now: datetime, values: dict[str, Any],
             batch_started: dict[str, datetime] | None = None) -> Feedback:
    """Late tasks and the acid-plant margin at ``now`` from the live converter stages.

    ``batch_started``: when the batch now in each converter began (from tracking); a converter
    still on a batch begun well before the planned batch's charge is behind, whatever its stage."""
    batch_started = batch_started or {}
    p = schedule.problem
    t0 = p.horizon_start
    late: list[LateTask] = []
    blowing_now = 0
    blowing_soon = 0
    for c in p.aisle.converters:
        state = values.get(f"{c}.STATE")
        stage = int(state) if isinstance(state, int | float) else None
        if stage in (2, 4):
            blowing_now += 1
        tasks = sorted((t for t in schedule.tasks if t.resource == c), key=lambda t: t.start)
        due = [t for t in tasks if t0 + timedelta(minutes=t.start) + GRACE <= now < t0 + timedelta(minutes=t.end)]
        charge_of = {t.batch: t0 + timedelta(minutes=t.start) for t in tasks if t.kind == "charge"}
        for t in due:
            want = STAGE_OF_KIND.get(t.kind)
            if want is None or stage is None:
                continue
            began = batch_started.get(c)
            planned_charge = charge_of.get(t.batch)
            # the batch in the converter is an earlier one if it began before the planned batch
            # could (the horizon start, or the end of the batch planned before it)
            earliest = t0
            if planned_charge is not None:
                earlier = [x for x in tasks if x.kind == "pour" and t0 + timedelta(minutes=x.end) <= planned_charge]
                if earlier:
                    earliest = t0 + timedelta(minutes=max(x.end for x in earlier))
            if began is not None and planned_charge is not None and began < earliest - timedelta(hours=1) and stage != 0:
                late.append(LateTask(t.id, c, t.kind, t0 + timedelta(minutes=t.start),
                                     f"{c} is still on the batch begun {began.strftime('%H:%M')} ({CONVERTER_STAGES[stage]}), "
                                     f"planned {t.kind} since {(t0 + timedelta(minutes=t.start)).strftime('%H:%M')}",
                                     CONVERTER_STAGES[stage], began))
                continue
            behind = stage == 6 or (stage < want) or (stage == 0 and want > 0)
            if behind:
                late.append(LateTask(t.id, c, t.kind, t0 + timedelta(minutes=t.start),
                                     f"{c} is {CONVERTER_STAGES[stage]}, planned {t.kind} since {(t0 + timedelta(minutes=t.start)).strftime('%H:%M')}",
                                     CONVERTER_STAGES[stage]))
        soon = stage in (2, 4) or any(t.kind in BLOWING and now <= t0 + timedelta(minutes=t.start) <= now + LOOKAHEAD for t in tasks)
        blowing_soon += int(bool(soon))
    for a in p.aisle.anode_furnaces:
        state = values.get(f"{a}.STATE")
        for t in schedule.tasks:
            if t.resource == a and t.kind == "af_heat" and t0 + timedelta(minutes=t.start) + GRACE <= now < t0 + timedelta(minutes=t.end):
                if isinstance(state, int | float) and int(state) == 0:
                    late.append(LateTask(t.id, a, t.kind, t0 + timedelta(minutes=t.start), f"{a} is IDLE, planned af_heat since {(t0 + timedelta(minutes=t.start)).strftime('%H:%M')}", "AF_IDLE"))
    return Feedback(tuple(late), blowing_now, blowing_soon, p.aisle.acid_max_blowing)


def derived_values(fb: Feedback) -> dict[str, float]:
    """The values published as ``calc://production/late_tasks`` and ``.../acid_margin``."""
    return {LATE_TAG: float(len(fb.late)), ACID_TAG: float(fb.acid_margin)}
