"""Machine wear for the simulator: Weibull bearing lives per machine type, lognormal repair
times, and vibration that rises, faster and faster, on a worn bearing until protection trips
it at ISO 10816 zone C/D. Seeded separately from the process model, so adding wear leaves the
process's random stream (and its tests) as they were.

Values are typical of the literature on rolling-bearing life (Weibull shape 1.3-2, L10 lives
of thousands to tens of thousands of hours) and of repair times in heavy industry (a shift or
so, skewed long); they are not a real plant's records.
"""

from __future__ import annotations

import math
import random
from typing import Any

#: machine type -> (Weibull shape beta, scale eta in run hours) of the onset of bearing wear
WEIBULL: dict[str, tuple[float, float]] = {
    "blower": (1.8, 9000.0),
    "compressor": (1.8, 8000.0),
    "mill_motor": (1.6, 6000.0),
    "belt_conveyor": (1.4, 3000.0),
    "pump": (1.5, 4000.0),
}
#: machine type -> (median repair hours, lognormal sigma)
REPAIR: dict[str, tuple[float, float]] = {
    "blower": (10.0, 0.5),
    "compressor": (8.0, 0.5),
    "mill_motor": (12.0, 0.6),
    "belt_conveyor": (4.0, 0.6),
    "pump": (5.0, 0.5),
}


def machine_type(prefix: str) -> str:
    """The ledger's machine type from a tag prefix (``AP.BLOWER`` -> blower)."""
    if "BLOWER" in prefix:
        return "blower"
    if "COMP" in prefix:
        return "compressor"
    if "MILL" in prefix:
        return "mill_motor"
    if "BELT" in prefix.split(".")[-1]:
        return "belt_conveyor"
    return "pump"


class WearModel:
    """Draws lives and repair times; :meth:`degrade` and :meth:`renew` act on a motor."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed * 7919 + 17)

    def onset_h(self, kind: str) -> float:
        beta, eta = WEIBULL.get(kind, WEIBULL["pump"])
        return self.rng.weibullvariate(eta, beta)

    def repair_s(self, kind: str) -> float:
        median, sigma = REPAIR.get(kind, REPAIR["pump"])
        return min(72.0, self.rng.lognormvariate(math.log(median), sigma)) * 3600.0

    def bearing_rate(self) -> float:
        """mm/s per day at the onset of wear (it grows as the damage spreads)."""
        return self.rng.uniform(0.05, 0.2)

    def attach(self, motor: Any, prefix: str) -> None:
        """Give a new motor its type and a bearing part-way through its life: wear starts
        2 to 40 run days from now, so a demo sees vibration rise without a trip at start-up."""
        motor.kind = machine_type(prefix)
        motor.onset_h = self.onset_h(motor.kind)
        motor.age_h = max(0.0, motor.onset_h - self.rng.uniform(48.0, 960.0))
        motor.bearing_rate = self.bearing_rate()
        motor.repair_s = self.repair_s(motor.kind)
        motor.wear_model = self

    def degrade(self, motor: Any, dt: float) -> None:
        """Running for ``dt`` seconds: age the bearing; past its onset, vibration rises."""
        motor.age_h += dt / 3600.0
        past_h = motor.age_h - motor.onset_h
        if past_h > 0:
            motor.wear += motor.bearing_rate * (1.0 + past_h / 120.0) * dt / 86400.0

    def renew(self, motor: Any) -> None:
        """Bearings replaced after a failure: a new life and the next repair's length."""
        motor.age_h = 0.0
        motor.onset_h = self.onset_h(motor.kind)
        motor.bearing_rate = self.bearing_rate()
        motor.repair_s = self.repair_s(motor.kind)
