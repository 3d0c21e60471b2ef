"""Vibration trend prediction: daily rollups fitted robustly to the ISO 10816 zone boundaries.

Two models are fitted with the Theil-Sen estimator (median of pairwise slopes, robust to the
odd spike of a start-up or a bad sample): linear ``v = a + b t`` and exponential
``v = a e^(b t)`` (a fit of ``ln v``). The exponential one is taken when its median absolute
residual is clearly smaller (accelerating bearing wear), else the linear one. The crossing of the zone boundary is solved from the fit; the quartiles of the pairwise
slopes give an early/late range, whose width sets the confidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_POINTS = 5
EXP_PREFERENCE = 0.8  # exponential wins when its residual is below 80 % of the linear one


@dataclass(frozen=True)
class Prediction:
    """``days``: from the last rollup until the boundary is crossed (0 = already there)."""

    boundary: float
    zone: str
    days: float
    early_days: float
    late_days: float
    confidence: str  # "high" | "medium" | "low"
    model: str  # "linear" | "exponential"
    slope_per_day: float

    def text(self) -> str:
        if self.days <= 0:
            return f"in zone {self.zone} now"
        return f"zone {self.zone} in about {self.days:.0f} days ({self.confidence} confidence)"

    def as_json(self) -> dict[str, object]:
        return {"boundary": self.boundary, "zone": self.zone, "days": round(self.days, 2),
                "early_days": round(self.early_days, 2),
                "late_days": None if math.isinf(self.late_days) else round(self.late_days, 2),
                "confidence": self.confidence, "model": self.model, "slope_per_day": round(self.slope_per_day, 5)}


def _theil_sen(t: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray]:
    i, j = np.triu_indices(len(t), 1)
    dt = t[j] - t[i]
    keep = dt > 0
    slopes = (y[j] - y[i])[keep] / dt[keep]
    b = float(np.median(slopes))
    a = float(np.median(y - b * t))
    return a, b, slopes


def predict_crossing(days: np.ndarray, values: np.ndarray, boundary: float, zone: str = "C",
                     max_days: float = 365.0) -> Prediction | None:
    """When ``values`` (one per day, NaN = no data) reach ``boundary``; None when there are
    too few days, no rising trend, or the crossing is further than ``max_days`` away (a
    near-flat trend would otherwise forecast centuries)."""
    t = np.asarray(days, float)
    v = np.asarray(values, float)
    ok = np.isfinite(t) & np.isfinite(v)
    t, v = t[ok], v[ok]
    if len(t) < MIN_POINTS:
        return None
    t_last = float(t.max())
    a_lin, b_lin, s_lin = _theil_sen(t, v)
    fits: list[tuple[float, str, float, float, np.ndarray]] = [
        (float(np.median(np.abs(v - (a_lin + b_lin * t)))), "linear", a_lin, b_lin, s_lin)]
    if np.all(v > 0):
        lv = np.log(v)
        a_exp, b_exp, s_exp = _theil_sen(t, lv)
        fits.append((float(np.median(np.abs(v - np.exp(a_exp + b_exp * t)))), "exponential", a_exp, b_exp, s_exp))
    # the simpler linear fit unless the curve is clearly better (two near-equal fits of 30
    # noisy days must not flip the forecast between them)
    best = fits[1] if len(fits) > 1 and fits[1][0] < EXP_PREFERENCE * fits[0][0] else fits[0]
    _, model, a, b, slopes = best

    def crossing(slope: float) -> float:
        # the fit through the present fitted level with this slope
        if model == "linear":
            now = a + b * t_last
            if now >= boundary:
                return 0.0
            return math.inf if slope <= 0 else (boundary - now) / slope
        now_log = a + b * t_last
        if now_log >= math.log(boundary):
            return 0.0
        return math.inf if slope <= 0 else (math.log(boundary) - now_log) / slope

    if b <= 0 and crossing(b) != 0.0:
        return None
    days_to = crossing(b)
    if days_to > max_days:
        return None
    q1, q3 = (float(x) for x in np.percentile(slopes, [25, 75]))
    early, late = crossing(q3), crossing(q1)
    spread = (late - early) / days_to if days_to > 0 and math.isfinite(late) else (0.0 if days_to == 0 else math.inf)
    confidence = "high" if spread < 0.3 else "medium" if spread < 0.8 else "low"
    per_day = b if model == "linear" else b * math.exp(a + b * t_last)
    return Prediction(boundary, zone, days_to, early, late, confidence, model, per_day)


def remaining_life_h(rated_life_h: float, run_hours_now: float, run_hours_at_fit: float) -> float:
    """Run hours left of a part with a rated life, fitted at ``run_hours_at_fit``."""
    return rated_life_h - max(0.0, run_hours_now - run_hours_at_fit)
