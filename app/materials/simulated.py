"""Drive the simulator's process model in-process at fast time and keep what it publishes as
arrays (an :class:`~app.energy.source.ArraySource`) plus the model's own balance snapshots at
chosen moments: the reference the tag-based account and energy figures are checked against
(tests, benchmarks, screenshots)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from app.energy.source import ArraySource
from app.materials.account import ModelSnapshot


@dataclass
class SimulatedRun:
    source: ArraySource
    snapshots: dict[datetime, ModelSnapshot]
    start: datetime
    end: datetime
    values: dict[str, Any]  # every tag's value at the end (for a store)


def simulate(layout: Any, start: datetime, hours: float, tags: list[str], sample_s: float = 60.0, seed: int = 3,
             snapshot_every_h: float = 8.0, events: Mapping[float, Callable[[Any], None]] | None = None) -> SimulatedRun:
    """Run the plant model for ``hours`` from ``start`` (sim time 0 = ``start``), sampling
    ``tags`` every ``sample_s`` and snapshotting the balance every ``snapshot_every_h``.
    ``events``: hour -> a function called with the model at the first sample at or after that
    hour, before the step (an upset, a leak, a scenario)."""
    from app.sim.model import PlantModel

    model = PlantModel(layout.tags, seed=seed)
    pending = sorted((events or {}).items())
    n = int(hours * 3600 / sample_s)
    ts = np.empty(n + 1, np.int64)
    vals = {t: np.empty(n + 1) for t in tags}
    t0_us = int(start.timestamp() * 1_000_000)
    snaps: dict[datetime, ModelSnapshot] = {start: ModelSnapshot.take(model)}
    every = int(round(snapshot_every_h * 3600 / sample_s))
    for k in range(n + 1):
        while pending and pending[0][0] * 3600 <= k * sample_s:
            pending.pop(0)[1](model)
        if k:
            model.step(sample_s)
        ts[k] = t0_us + int(k * sample_s * 1_000_000)
        for t in tags:
            vals[t][k] = float(model.values[t])
        if k and k % every == 0:
            snaps[start + timedelta(seconds=k * sample_s)] = ModelSnapshot.take(model)
    return SimulatedRun(ArraySource({t: (ts, vals[t]) for t in tags}), snaps, start, start + timedelta(hours=hours),
                        dict(model.values))


def account_tags(cfg: Any) -> list[str]:
    """Every tag the materials account, stocks and consumption read."""
    out: set[str] = set()
    for acc in cfg.accounts.values():
        for t in [*acc.inputs, *acc.outputs, *acc.losses]:
            out.update(x for x in (t.rate, t.counter, t.pct, t.recovery) if x)
    for s in cfg.stocks:
        out.update(x for x in (s.level, s.tonnes, s.cu_pct_tag, s.s_pct_tag) if x)
    for c in cfg.consumption:
        out.update(c.rates)
    return sorted(out)


def energy_tags(cfg: Any) -> list[str]:
    """Every tag the energy figures read (``EnergyConfig.tags``)."""
    return cfg.tags()  # type: ignore[no-any-return]
