"""Statistical process control on assays: I-MR and X̄-R charts with the Western Electric rules.

Pure numpy. A chart is computed in two steps: :func:`imr_limits` / :func:`xbar_r_limits` give
the centre line and sigma (from a baseline, the first ``N`` points or subgroups, or given by
the user), then :func:`western_electric` marks the points that break rules 1-4 on the
individuals (or subgroup means) against those limits.

The rules, as in the Western Electric Statistical Quality Control Handbook (1956), zones
measured in sigma of the plotted statistic from the centre line, both sides checked
separately:

1. one point beyond 3 sigma (``|x - c| > 3 sigma``);
2. two of three consecutive points beyond 2 sigma on the same side;
3. four of five consecutive points beyond 1 sigma on the same side;
4. eight consecutive points on the same side of the centre line.

Variant (documented because handbooks and packages differ): a rule is reported at the point
that completes the pattern, i.e. the last point of the window, and for rules 2 and 3 only if
that last point is itself one of the points beyond the zone (so one pattern is not reported
again by the next, innocent point). Rule 4 is reported at the 8th point of a run and at every
further point while the run lasts; a point exactly on the centre line ends a run. Rule 4 uses
eight points (the Western Electric number), not Nelson's nine. Strict inequalities throughout:
a point exactly on a limit is inside.

Expected false-alarm rates per point for an in-control normal series with known limits:
:data:`EXPECTED_RATE` (derivation in :func:`expected_rates`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.core.reasons import Reason

# Control-chart constants (ASTM STP 15D / Montgomery, Table VI): d2 by subgroup size, D3, D4.
D2 = {2: 1.128, 3: 1.693, 4: 2.059, 5: 2.326, 6: 2.534, 7: 2.704, 8: 2.847, 9: 2.970, 10: 3.078}
D3 = {2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.0, 7: 0.076, 8: 0.136, 9: 0.184, 10: 0.223}
D4 = {2: 3.267, 3: 2.574, 4: 2.282, 5: 2.114, 6: 2.004, 7: 1.924, 8: 1.864, 9: 1.816, 10: 1.777}
RULE_WINDOW = {1: 1, 2: 3, 3: 5, 4: 8}
RULE_TEXT = {
    1: "one point beyond 3 sigma",
    2: "2 of 3 points beyond 2 sigma, same side",
    3: "4 of 5 points beyond 1 sigma, same side",
    4: "8 points in a row on one side of the centre line",
}


class SpcError(Reason):
    """Data or limits an SPC chart cannot be drawn from; the message says what is wrong
    (a translatable template and its values, see :mod:`app.core.reasons`)."""


def _phi_upper(z: float) -> float:
    """P(Z > z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def expected_rates() -> dict[int, float]:
    """Probability that a given point (with a full window behind it) is flagged by each rule,
    for independent normal points with the true centre and sigma as limits.

    - rule 1: ``2 P(Z > 3)``;
    - rule 2: per side ``q (1 - (1 - q)^2)`` with ``q = P(Z > 2)``: the point beyond and at
      least one of the two before it;
    - rule 3: per side ``r P(at least 3 of 4 beyond)`` with ``r = P(Z > 1)``;
    - rule 4: ``2 * 0.5^8``.
    """
    q = _phi_upper(2.0)
    r = _phi_upper(1.0)
    three_of_four = 4 * r**3 * (1 - r) + r**4
    return {
        1: 2 * _phi_upper(3.0),
        2: 2 * q * (1 - (1 - q) ** 2),
        3: 2 * r * three_of_four,
        4: 2 * 0.5**8,
    }


EXPECTED_RATE = expected_rates()


@dataclass(frozen=True)
class Limits:
    """Centre line and sigma of the plotted statistic; control limits at ±3 sigma.

    ``range_centre``/``range_ucl``/``range_lcl``: the moving-range (I-MR) or range (X̄-R) chart.
    ``source``: where they came from ("first 25 points", "given").
    """

    centre: float
    sigma: float
    range_centre: float = float("nan")
    range_ucl: float = float("nan")
    range_lcl: float = 0.0
    source: str = "given"

    @property
    def ucl(self) -> float:
        return self.centre + 3 * self.sigma

    @property
    def lcl(self) -> float:
        return self.centre - 3 * self.sigma

    def as_dict(self) -> dict[str, float | str]:
        return {
            "centre": self.centre, "sigma": self.sigma, "ucl": self.ucl, "lcl": self.lcl,
            "range_centre": self.range_centre, "range_ucl": self.range_ucl, "range_lcl": self.range_lcl,
            "limits_from": self.source,
        }


def imr_limits(values: np.ndarray, baseline: int | None = None) -> Limits:
    """Individuals / moving-range limits from the first ``baseline`` points (all if None).

    sigma = mean moving range / d2(2); MR chart UCL = D4(2) x mean moving range.
    """
    x = np.asarray(values, dtype=np.float64)
    n = len(x) if baseline is None else min(int(baseline), len(x))
    if n < 2:
        raise SpcError("an I-MR chart needs at least 2 baseline points, got {n}", n=n)
    base = x[:n]
    mr = np.abs(np.diff(base))
    mrbar = float(mr.mean())
    centre = float(base.mean())
    sigma = mrbar / D2[2]
    if sigma <= 0:
        raise SpcError("the baseline points are all equal: sigma would be zero")
    return Limits(centre, sigma, mrbar, D4[2] * mrbar, 0.0, f"first {n} points")


def subgroups(values: np.ndarray, size: int) -> np.ndarray:
    """Consecutive subgroups of ``size`` points as rows (a trailing partial subgroup is dropped)."""
    if size not in D2:
        raise SpcError("subgroup size {size} is not between 2 and 10", size=size)
    x = np.asarray(values, dtype=np.float64)
    k = len(x) // size
    return x[: k * size].reshape(k, size)


def xbar_r_limits(groups: np.ndarray, baseline: int | None = None) -> Limits:
    """X̄-R limits from the first ``baseline`` subgroups: sigma of X̄ = R̄ / (d2 sqrt(n))."""
    k, size = groups.shape
    m = k if baseline is None else min(int(baseline), k)
    if m < 2:
        raise SpcError("an X̄-R chart needs at least 2 baseline subgroups, got {m}", m=m)
    base = groups[:m]
    rbar = float((base.max(axis=1) - base.min(axis=1)).mean())
    centre = float(base.mean())
    sigma = rbar / (D2[size] * math.sqrt(size))
    if sigma <= 0:
        raise SpcError("the baseline subgroups have no spread: sigma would be zero")
    return Limits(centre, sigma, rbar, D4[size] * rbar, D3[size] * rbar, f"first {m} subgroups of {size}")


def _window_count(mask: np.ndarray, window: int) -> np.ndarray:
    """How many of the ``window`` points ending at each index are True (0 before a full window)."""
    c = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))
    out = np.zeros(len(mask), dtype=np.int64)
    if len(mask) >= window:
        out[window - 1:] = c[window:] - c[: len(mask) - window + 1]
    return out


def western_electric(x: np.ndarray, centre: float, sigma: float) -> dict[int, np.ndarray]:
    """Indices of the points flagged by each rule (1-4), ascending. NaN points never flag and
    break every window they are in."""
    z = (np.asarray(x, dtype=np.float64) - centre) / sigma
    finite = np.isfinite(z)
    zf = np.where(finite, z, 0.0)
    result: dict[int, np.ndarray] = {}
    result[1] = np.flatnonzero(finite & (np.abs(zf) > 3.0))
    for rule, zone, need in ((2, 2.0, 2), (3, 1.0, 4)):
        window = RULE_WINDOW[rule]
        hits = np.zeros(len(z), dtype=bool)
        for sign in (1.0, -1.0):
            beyond = finite & (sign * zf > zone)
            hits |= beyond & (_window_count(beyond, window) >= need)
        result[rule] = np.flatnonzero(hits)
    hits4 = np.zeros(len(z), dtype=bool)
    for sign in (1.0, -1.0):
        side = finite & (sign * zf > 0)
        hits4 |= _window_count(side, 8) == 8
    result[4] = np.flatnonzero(hits4)
    return result


@dataclass
class ChartResult:
    """One characteristic's chart: the plotted statistic, its limits and the rule violations."""

    name: str
    chart: str  # "I-MR" or "Xbar-R"
    points: np.ndarray  # individuals or subgroup means
    ranges: np.ndarray  # moving ranges (first NaN) or subgroup ranges
    limits: Limits
    violations: list[tuple[int, int]] = field(default_factory=list)  # (index, rule), by index then rule

    def flagged(self) -> set[int]:
        return {i for i, _ in self.violations}


def chart(
    name: str, values: np.ndarray, *, subgroup: int = 1, baseline: int | None = 25,
    limits: tuple[float, float] | None = None,
) -> ChartResult:
    """Compute an I-MR (``subgroup == 1``) or X̄-R chart and its Western Electric violations.

    ``limits``: ``(centre, sigma)`` given by the user (sigma of the individuals; for X̄-R it is
    divided by ``sqrt(subgroup)``); otherwise from the first ``baseline`` points/subgroups.
    """
    x = np.asarray(values, dtype=np.float64)
    if subgroup <= 1:
        points = x
        ranges = np.concatenate(([np.nan], np.abs(np.diff(x))))
        if limits is None:
            lim = imr_limits(x, baseline)
        else:
            lim = _given(limits, 1.0, D2[2], D4[2], 0.0)
        kind = "I-MR"
    else:
        groups = subgroups(x, subgroup)
        if len(groups) == 0:
            raise SpcError("fewer points ({n}) than one subgroup of {subgroup}", n=len(x), subgroup=subgroup)
        points = groups.mean(axis=1)
        ranges = groups.max(axis=1) - groups.min(axis=1)
        if limits is None:
            lim = xbar_r_limits(groups, baseline)
        else:
            lim = _given(limits, math.sqrt(subgroup), D2[subgroup], D4[subgroup], D3[subgroup])
        kind = "Xbar-R"
    flags = western_electric(points, lim.centre, lim.sigma)
    violations = sorted((int(i), rule) for rule, idx in flags.items() for i in idx)
    return ChartResult(name, kind, points, ranges, lim, violations)


def _given(limits: tuple[float, float], root_n: float, d2: float, d4: float, d3: float) -> Limits:
    centre, sigma = float(limits[0]), float(limits[1])
    if not math.isfinite(centre) or not math.isfinite(sigma) or sigma <= 0:
        raise SpcError("limits need a centre and a positive sigma, got {centre}, {sigma}", centre=centre, sigma=sigma)
    rbar = d2 * sigma
    return Limits(centre, sigma / root_n, rbar, d4 * rbar, d3 * rbar, "given")
