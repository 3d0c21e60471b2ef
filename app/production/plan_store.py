"""Plan versions in the plant database: import a draft from ``production.yaml``, approve it
with the ``edit_production_plans`` permission and an electronic signature (the user
re-enters their password; audited), and compare the approved plan with actual production."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session as DbSession

from app.db.notify import PLANS, notify_change
from app.production.config import MaintenanceWindow, PlanConfig
from app.production.models import PlanVersion
from app.security import audit as au
from app.security.permissions import EDIT_PLANS


class PlanStoreError(ValueError):
    """A plan action that cannot be done; the message names the plan version."""


@dataclass(frozen=True)
class PlanVersionInfo:
    year: int
    version: int
    status: str
    created_by: str
    created_at: datetime
    approved_by: str
    approved_at: datetime | None
    reason: str
    plan: PlanConfig


def _dump(plan: PlanConfig) -> str:
    return json.dumps({
        "year": plan.year, "annual_targets": plan.annual_targets, "monthly_share": list(plan.monthly_share),
        "holidays": sorted(d.isoformat() for d in plan.holidays),
        "maintenance_windows": [{"unit": w.unit, "start": w.start.isoformat(), "end": w.end.isoformat(), "reason": w.reason}
                                for w in plan.maintenance],
    })


def _load(text: str) -> PlanConfig:
    d = json.loads(text)
    return PlanConfig(int(d["year"]), {k: float(v) for k, v in d["annual_targets"].items()}, tuple(d["monthly_share"]),
                      frozenset(date.fromisoformat(h) for h in d["holidays"]),
                      tuple(MaintenanceWindow(w["unit"], datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"]),
                                              w["reason"]) for w in d["maintenance_windows"]))


def _info(row: PlanVersion) -> PlanVersionInfo:
    return PlanVersionInfo(row.year, row.version, row.status, row.created_by, row.created_at, row.approved_by,
                           row.approved_at, row.reason, _load(row.content))


class PlanStore:
    """Plan versions of each year."""

    def __init__(self, engine: Engine, audit: au.AuditTrail | None = None) -> None:
        self.engine = engine
        self.audit = audit

    def import_plan(self, plan: PlanConfig, source: str = "", user: str = "") -> int:
        """Store ``plan`` as the next draft version of its year; returns the version number."""
        with DbSession(self.engine) as db, db.begin():
            last = db.execute(select(func.max(PlanVersion.version)).where(PlanVersion.year == plan.year)).scalar() or 0
            db.add(PlanVersion(year=plan.year, version=last + 1, status="draft", created_at=datetime.now(UTC),
                               created_by=user, source=source, content=_dump(plan)))
            notify_change(db, PLANS, str(plan.year))  # the other consoles' plan lists re-read at commit
        if self.audit is not None:
            self.audit.record(au.CONFIG, "plan_import", au.SUCCESS, user=user, target=f"plan {plan.year} v{last + 1}",
                              detail=f"imported from {source}" if source else "imported")
        return last + 1

    def versions(self, year: int) -> list[PlanVersionInfo]:
        with DbSession(self.engine) as db:
            rows = db.execute(select(PlanVersion).where(PlanVersion.year == year).order_by(PlanVersion.version)).scalars()
            return [_info(r) for r in rows]

    def approved(self, year: int) -> PlanVersionInfo | None:
        return next((v for v in self.versions(year) if v.status == "approved"), None)

    def approve(self, year: int, version: int, session: Any, password: str, reason: str = "",
                second_user: str = "", second_password: str = "") -> PlanVersionInfo:
        """Approve a draft: the logged-in user needs ``edit_production_plans`` and signs with their
        password (``session.sign_critical``: re-authentication, audited). The approved version
        before it becomes ``superseded``."""
        target = f"plan {year} v{version}"
        with DbSession(self.engine) as db:
            row = db.execute(select(PlanVersion).where(PlanVersion.year == year, PlanVersion.version == version)).scalar_one_or_none()
            if row is None:
                raise PlanStoreError(f"{target} does not exist (crucible plan import first)")
            if row.status != "draft":
                raise PlanStoreError(f"{target} is {row.status}, only a draft can be approved")
        signature = session.sign_critical(EDIT_PLANS, target, "approved", password, second_user=second_user,
                                          second_password=second_password, reason=reason)
        with DbSession(self.engine) as db, db.begin():
            for old in db.execute(select(PlanVersion).where(PlanVersion.year == year, PlanVersion.status == "approved")).scalars():
                old.status = "superseded"
            row = db.execute(select(PlanVersion).where(PlanVersion.year == year, PlanVersion.version == version)).scalar_one()
            row.status = "approved"
            row.approved_by = signature.user
            row.approved_at = datetime.now(UTC)
            row.reason = reason
            info = _info(row)
            notify_change(db, PLANS, str(year))
        session.audit.record(au.CONFIG, "plan_approve", au.SUCCESS, user=signature.user, target=target, new="approved",
                             second_user=second_user, reason=reason, console=session.console)
        return info


def plan_vs_actual(targets: dict[str, int], actual: dict[str, float]) -> dict[str, dict[str, float]]:
    """Per item: target, actual, and completion in % (no target: completion not given)."""
    out = {}
    for item, target in targets.items():
        done = float(actual.get(item, 0.0))
        out[item] = {"target": float(target), "actual": done, "pct": round(100 * done / target, 1) if target else float("nan")}
    return out


#: historian counters that reset each shift: plan item -> (tag, factor to tonnes)
SHIFT_COUNTERS = {"anodes_t": ("CW.COUNT", 0.37), "cathode_t": ("TH.CATHODE_T", 1.0)}


def actual_from_counters(last_values: dict[str, float]) -> dict[str, float]:
    """Actual production of one shift from the last value of each per-shift counter before it
    reset (anodes counted on the wheel at ~370 kg each, cathode harvested in tonnes)."""
    return {item: last_values[tag] * factor for item, (tag, factor) in SHIFT_COUNTERS.items() if tag in last_values}


def actual_for_shift(reader: Any, start: datetime, end: datetime) -> dict[str, float]:
    """Actual production of the shift ``[start, end)`` from the historian: each per-shift
    counter's highest good value in the shift (it resets at the shift change)."""
    import numpy as np

    from app.core.tags import Quality

    last: dict[str, float] = {}
    for _item, (tag, _f) in SHIFT_COUNTERS.items():
        series = reader.raw(tag, start, end)
        good = series.value[(series.quality == Quality.GOOD.value) & ~np.isnan(series.value)] if len(series) else series.value
        if len(good):
            last[tag] = float(np.max(good))
    return actual_from_counters(last)
