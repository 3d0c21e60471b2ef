"""Seeded scheduling scenarios: the aisle from ``production.yaml`` in a random state (units
busy for a while, bath level, a crane inspection, an anode-furnace breakdown, a converter in
maintenance). Used by ``bench/aps.py``, ``crucible schedule --seed N`` and the tests."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from app.production.config import AisleConfig, Unavailability
from app.production.schedule import Problem


def scenario(aisle: AisleConfig, start: datetime, seed: int, horizon_h: int | None = None) -> Problem:
    """Scenario ``seed``: a reproducible starting state of the aisle."""
    rng = random.Random(seed)
    H = horizon_h or rng.choice((24, 36, 48))
    avail = {c: rng.randrange(0, 600, 10) for c in aisle.converters}
    avail.update({x: rng.randrange(0, 480, 10) for x in aisle.anode_furnaces})
    out: list[Unavailability] = []
    if rng.random() < 0.6:
        k = rng.choice(aisle.cranes)
        s = rng.randrange(0, H * 60 - 120, 10)
        out.append(Unavailability(k, s, s + 120, "maintenance", "crane inspection"))
    if rng.random() < 0.4:
        x = rng.choice(aisle.anode_furnaces)
        s = rng.randrange(0, H * 60 - 240, 10)
        out.append(Unavailability(x, s, s + rng.choice((120, 240)), "breakdown", "burner trip"))
    if rng.random() < 0.3:
        c = rng.choice(aisle.converters)
        s = rng.randrange(0, H * 60 - 480, 10)
        out.append(Unavailability(c, s, s + 480, "maintenance", "tuyere line repair"))
    bath = rng.randrange(300, 1000, 50)
    return Problem(replace(aisle, unavailable=()), start, horizon_h=H, available_from=avail,
                   unavailable=tuple(out), bath_initial_t=bath)
