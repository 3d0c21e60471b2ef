"""Energy per period and per tonne: meters -> carriers -> kgce, areas, routes vs benchmarks,
and a day-ahead forecast by regression on past days. Plain data in, plain dicts out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np

from app.core.reasons import Reason
from app.core.shifts import ShiftCalendar
from app.energy.config import EnergyConfig, Meter
from app.energy.source import PeriodSource


def meter_quantity(meter: Meter, src: PeriodSource, start: datetime, end: datetime) -> float | None:
    """What ``meter`` measured over the period, in its carrier's unit (kWh, Nm³ ...)."""
    if meter.counter:
        return src.counter_delta(meter.counter, start, end)
    if meter.power:
        v = src.integral_h(meter.power, start, end)
        return None if v is None else v * meter.power_scale
    if meter.rate:
        return src.integral_h(meter.rate, start, end)
    return None


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, nd)


def period_energy(cfg: EnergyConfig, src: PeriodSource, start: datetime, end: datetime, label: str = "") -> dict[str, Any]:
    """Energy of one period: every meter, each area (top-level meters), product tonnes, each
    route's kgce per tonne against its benchmark, DC kWh per tonne of cathode.

    Every kgce figure comes with the factor used (``factors``, and per meter).
    """
    meters: list[dict[str, Any]] = []
    areas: dict[str, dict[str, float]] = {}
    missing: list[str] = []
    for m in cfg.meters:
        carrier = cfg.carriers[m.carrier]
        qty = meter_quantity(m, src, start, end)
        kgce = None if qty is None else qty * carrier.kgce_per_unit
        meters.append({"id": m.id, "area": m.area, "unit": m.unit, "parent": m.parent, "carrier": m.carrier,
                       "quantity": _r(qty), "quantity_unit": carrier.unit, "kgce": _r(kgce),
                       "factor": carrier.kgce_per_unit, "factor_text": carrier.label()})
        if qty is None:
            missing.append(m.id)
            continue
        if not m.parent:
            a = areas.setdefault(m.area, {"kgce": 0.0, "kwh": 0.0})
            a["kgce"] += kgce or 0.0
            if carrier.unit == "kWh":
                a["kwh"] += qty
    products: dict[str, float | None] = {}
    for p in cfg.products.values():
        d = src.counter_delta(p.counter, start, end)
        products[p.id] = None if d is None else d * p.factor
    routes: list[dict[str, Any]] = []
    shorter_than_a_day = (end - start) < timedelta(hours=23)  # a shift (a DST day is still a day)
    for r in cfg.routes:
        kgce = sum(areas.get(a, {}).get("kgce", 0.0) for a in r.areas)
        tonnes = products.get(r.product)
        per_t = kgce / tonnes if tonnes else None
        product = cfg.products.get(r.product)
        # a batch product's shift figure is shown, not judged: see Product.batch
        compared = per_t is not None and not (product is not None and product.batch and shorter_than_a_day)
        routes.append({"id": r.id, "name_en": r.name_en, "name_zh": r.name_zh, "kgce": _r(kgce), "product": r.product,
                       "tonnes": _r(tonnes), "kgce_per_t": _r(per_t, 2), "benchmark": r.limit,
                       "process_benchmark": r.process_limit, "benchmark_source": r.source,
                       "batch_not_compared": per_t is not None and not compared,
                       "within_benchmark": None if per_t is None or not compared else per_t <= r.limit})
    dc = None
    if cfg.dc_meter and cfg.dc_product:
        kwh = next((x["quantity"] for x in meters if x["id"] == cfg.dc_meter), None)
        t = products.get(cfg.dc_product)
        dc = None if kwh is None or not t else kwh / t
    return {
        "period": label, "from": start.isoformat(), "to": end.isoformat(),
        "factors": {c.name: {"kgce_per_unit": c.kgce_per_unit, "unit": c.unit, "basis": c.basis, "source": c.source}
                    for c in cfg.carriers.values() if any(m.carrier == c.name for m in cfg.meters)},
        "factors_text": cfg.factors_text(),
        "meters": meters,
        "areas": {k: {"kgce": _r(v["kgce"]), "kwh": _r(v["kwh"])} for k, v in areas.items()},
        "total_kgce": _r(sum(v["kgce"] for v in areas.values())),
        "products_t": {k: _r(v) for k, v in products.items()},
        "routes": routes,
        "dc_kwh_per_t": _r(dc, 2), "dc_limit": cfg.dc_limit, "dc_source": cfg.dc_source,
        "missing_meters": missing,
    }


def periods(calendar: ShiftCalendar, start: datetime, end: datetime, by: str) -> list[tuple[str, datetime, datetime]]:
    """``(label, start, end)`` of every shift, production day or month overlapping [start, end)."""
    if by == "shift":
        return [(s.id, s.start, s.end) for s in calendar.shifts_between(start, end)]
    first = calendar.shift_at(start).day
    last = calendar.shift_at(end - timedelta(microseconds=1)).day
    out: list[tuple[str, datetime, datetime]] = []
    if by == "day":
        d = first
        while d <= last:
            a, b = calendar.day_bounds(d)
            out.append((d.isoformat(), a, b))
            d += timedelta(days=1)
        return out
    if by == "month":
        m = date(first.year, first.month, 1)
        while m <= last:
            nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
            out.append((m.strftime("%Y-%m"), calendar.day_bounds(m)[0], calendar.day_bounds(nxt)[0]))
            m = nxt
        return out
    raise ValueError(f"unknown period {by!r}: shift, day or month")


def energy_report(cfg: EnergyConfig, src: PeriodSource, calendar: ShiftCalendar, start: datetime, end: datetime,
                  by: str = "shift") -> dict[str, Any]:
    """Per-period figures plus the whole range (``total``)."""
    return {
        "by": by, "from": start.isoformat(), "to": end.isoformat(), "factors_text": cfg.factors_text(),
        "periods": [period_energy(cfg, src, a, b, label) for label, a, b in periods(calendar, start, end, by)],
        "total": period_energy(cfg, src, start, end, "total"),
    }


@dataclass
class Forecast:
    """Day-ahead energy forecast and how well the same method did on past days."""

    day: str
    kgce: float
    plan_t: dict[str, float]
    coefficients: dict[str, float]
    backtest: list[dict[str, Any]]  # {"day", "actual", "predicted", "error_pct"}
    mape_pct: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day, "kgce": round(self.kgce, 1), "plan_t": self.plan_t, "coefficients": self.coefficients,
                "backtest": self.backtest, "mape_pct": None if self.mape_pct is None else round(self.mape_pct, 2)}


def _fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    a = np.column_stack((np.ones(len(x)), x))
    coef, *_ = np.linalg.lstsq(a, y, rcond=None)
    return coef


def forecast_day(days: list[dict[str, Any]], features: tuple[str, ...], plan_t: dict[str, float], day: str,
                 min_train: int = 5) -> Forecast:
    """Regress daily kgce on daily product tonnes (``days``: ``period_energy`` dicts of past
    days, oldest first), predict ``day`` from ``plan_t``. The backtest predicts each past day
    from the days before it only (a walk-forward check, the error a planner would have seen)."""
    rows = [(d["period"], [d["products_t"].get(f) for f in features], d["total_kgce"]) for d in days]
    rows = [(p, x, y) for p, x, y in rows if y is not None and all(v is not None for v in x)]
    need = len(features) + 3  # more days than coefficients, or the "fit" is exact and says nothing
    if len(rows) < need:
        raise Reason("a forecast needs at least {need} past days with energy and production, got {got}",
                     need=need, got=len(rows))
    x = np.array([r[1] for r in rows], dtype=np.float64)
    y = np.array([r[2] for r in rows], dtype=np.float64)
    coef = _fit(x, y)
    plan = np.array([plan_t.get(f, float(x[-1, i])) for i, f in enumerate(features)])
    predicted = float(coef[0] + plan @ coef[1:])
    backtest = []
    for k in range(max(min_train, 2), len(rows)):
        c = _fit(x[:k], y[:k])
        p = float(c[0] + x[k] @ c[1:])
        backtest.append({"day": rows[k][0], "actual": round(float(y[k]), 1), "predicted": round(p, 1),
                         "error_pct": round(100 * (p - y[k]) / y[k], 2) if y[k] else None})
    errs = [abs(b["error_pct"]) for b in backtest if b["error_pct"] is not None]
    return Forecast(day, predicted, {f: float(v) for f, v in zip(features, plan, strict=True)},
                    {"intercept": float(coef[0]), **{f: float(c) for f, c in zip(features, coef[1:], strict=True)}},
                    backtest, float(np.mean(errs)) if errs else None)
