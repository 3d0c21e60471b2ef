"""Completion statistics: plan against actual per shift, day, week, month and year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.shifts import Shift, ShiftCalendar
from app.production.plan import PlanBreakdown
from app.production.tracking import ANODE_T, Lot

LEVELS = ("shift", "day", "week", "month", "year")


@dataclass(frozen=True)
class Period:
    """``actual`` is None when no shift of the period has data (a gap, not zero)."""

    key: str
    target: float
    actual: float | None

    @property
    def pct(self) -> float | None:
        return 100.0 * self.actual / self.target if self.target and self.actual is not None else None


def period_key(shift: Shift, level: str) -> str:
    if level == "shift":
        return shift.id
    if level == "day":
        return shift.day.isoformat()
    if level == "week":
        iso = shift.day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if level == "month":
        return f"{shift.day.year}-{shift.day.month:02d}"
    return str(shift.day.year)


def actual_from_lots(lots: Iterable[Lot], calendar: ShiftCalendar) -> dict[str, dict[str, float]]:
    """Per shift id: anodes cast (t, at ~370 kg per anode counted on the wheel) and cathode harvested."""
    out: dict[str, dict[str, float]] = {}
    for lot in lots:
        if lot.kind == "casting_run" and lot.end is not None:
            sid = calendar.shift_at(lot.end).id
            out.setdefault(sid, {}).setdefault("anodes_t", 0.0)
            out[sid]["anodes_t"] += lot.assay.get("anodes", 0.0) * ANODE_T
        elif lot.kind == "cathode" and lot.lot.startswith("CATH-"):
            sid = lot.lot[len("CATH-"):]
            out.setdefault(sid, {})["cathode_t"] = lot.mass_t
        elif lot.kind == "concentrate" and lot.lot.startswith("CONC-"):
            sid = lot.lot[len("CONC-"):]
            out.setdefault(sid, {})["concentrate_t"] = lot.mass_t
    return out


def completion(plan: PlanBreakdown, actual_by_shift: dict[str, dict[str, float]], level: str, item: str,
               now: datetime, count: int = 8) -> list[Period]:
    """The last ``count`` periods of ``level`` up to the one holding ``now``: target and actual of ``item``."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (one of {', '.join(LEVELS)})")
    totals: dict[str, list[float]] = {}
    has_data: set[str] = set()
    order: list[str] = []
    for sid, shift in sorted(plan.shift_objects.items(), key=lambda kv: kv[1].start):
        if shift.start > now:
            break
        key = period_key(shift, level)
        if key not in totals:
            totals[key] = [0.0, 0.0]
            order.append(key)
        totals[key][0] += plan.shifts[sid].get(item, 0)
        if item in actual_by_shift.get(sid, {}):
            totals[key][1] += actual_by_shift[sid][item]
            has_data.add(key)
    return [Period(k, totals[k][0], totals[k][1] if k in has_data else None) for k in order[-count:]]


def shifts_for(plan: PlanBreakdown, now: datetime, days: int = 40) -> list[Shift]:
    """The plan's shifts of the last ``days`` up to ``now`` (what the board queries actuals for)."""
    lo = now - timedelta(days=days)
    return [s for s in plan.shift_objects.values() if lo <= s.start <= now]


def today(calendar: ShiftCalendar, now: datetime) -> date:
    return calendar.shift_at(now).day
