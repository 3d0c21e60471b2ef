"""Production plans: annual targets broken down to months, ISO weeks, production days and
shifts with the plant's shift calendar.

Each item's annual target (whole tonnes) goes to the months by ``monthly_share``, and each
month's to its shifts in proportion to the hours a shift can work: holidays and planned
plant-wide maintenance windows (unit ``PLANT``) get no target. Days and weeks are the sums
of their shifts. Rounding by largest remainder keeps every level summing exactly to the
level above.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.core.shifts import Shift, ShiftCalendar
from app.production.config import PlanConfig


class PlanError(ValueError):
    """A plan that cannot be broken down (the message names the month or item)."""


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` into whole parts in proportion to ``weights`` (largest remainder; sums exactly)."""
    s = sum(weights)
    if total and s <= 0:
        raise PlanError("nothing to spread the target over")
    raw = [total * w / s if s else 0.0 for w in weights]
    parts = [int(r) for r in raw]
    rest = total - sum(parts)
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i], weights[i]), reverse=True)
    for i in order[:rest]:
        parts[i] += 1
    return parts


@dataclass
class PlanBreakdown:
    """Targets per item on every level (keys: ``YYYY-MM``, ``YYYY-Www``, dates, shift ids)."""

    year: int
    annual: dict[str, int]
    months: dict[str, dict[str, int]] = field(default_factory=dict)
    weeks: dict[str, dict[str, int]] = field(default_factory=dict)
    days: dict[date, dict[str, int]] = field(default_factory=dict)
    shifts: dict[str, dict[str, int]] = field(default_factory=dict)
    shift_objects: dict[str, Shift] = field(default_factory=dict)

    def level(self, name: str) -> dict[Any, dict[str, int]]:
        levels: dict[str, dict[Any, dict[str, int]]] = {"month": self.months, "week": self.weeks, "day": self.days, "shift": self.shifts}
        return levels[name]

    def target_between(self, item: str, start: datetime, end: datetime) -> int:
        """Sum of shift targets of the shifts starting in ``[start, end)``."""
        return sum(v[item] for k, v in self.shifts.items() if start <= self.shift_objects[k].start < end)


def working_hours(shift: Shift, plan: PlanConfig, calendar: ShiftCalendar) -> float:
    """Hours of ``shift`` that can carry a target (0 on holidays; plant maintenance cut out)."""
    if shift.day in plan.holidays or calendar.is_holiday(shift.day):
        return 0.0
    hours = shift.hours
    for w in plan.maintenance:
        if w.unit != "PLANT":
            continue
        overlap = (min(w.end, shift.end) - max(w.start, shift.start)).total_seconds() / 3600.0
        hours -= max(0.0, overlap)
    return max(0.0, hours)


def break_down(plan: PlanConfig, calendar: ShiftCalendar) -> PlanBreakdown:
    """The plan for ``plan.year`` on every level."""
    annual = {k: int(round(v)) for k, v in plan.annual_targets.items()}
    out = PlanBreakdown(plan.year, annual)
    by_month: dict[int, list[Shift]] = defaultdict(list)
    day = date(plan.year, 1, 1)
    while day.year == plan.year:
        for n in range(1, calendar.shifts_per_day + 1):
            by_month[day.month].append(calendar.shift(day, n))
        day += timedelta(days=1)
    month_parts = {item: _split(total, list(plan.monthly_share)) for item, total in annual.items()}
    for m in range(1, 13):
        key = f"{plan.year}-{m:02d}"
        shifts = by_month[m]
        weights = [working_hours(s, plan, calendar) for s in shifts]
        out.months[key] = {item: parts[m - 1] for item, parts in month_parts.items()}
        for item in annual:
            total = out.months[key][item]
            if total and sum(weights) == 0:
                raise PlanError(f"{key}: {item} target {total} t but no shift of the month can work (holidays/maintenance)")
            for s, part in zip(shifts, _split(total, weights), strict=True):
                out.shifts.setdefault(s.id, {})[item] = part
                out.shift_objects[s.id] = s
    for sid, values in out.shifts.items():
        s = out.shift_objects[sid]
        d = out.days.setdefault(s.day, dict.fromkeys(annual, 0))
        iso = s.day.isocalendar()
        w = out.weeks.setdefault(f"{iso.year}-W{iso.week:02d}", dict.fromkeys(annual, 0))
        for item, v in values.items():
            d[item] += v
            w[item] += v
    return out
