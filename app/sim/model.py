"""A first plant model: every tag moves plausibly around its normal band.

Deterministic for a given seed. Each float tag follows a mean-reverting random walk toward
the middle of its normal band (or toward its setpoint, when a setpoint tag names it);
counters and energy meters only grow; converters and anode furnaces step through their
stages; a motor's start/stop command moves its state. The full process model with mass
balances replaces this in ``app/sim`` later without changing the server side.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from app.core.tags import DataType, TagDef

_COUNTER_SUFFIXES = (".KWH", ".RUN_HOURS", "_TAPPED", ".COUNT", ".CATHODE_T", "BATCHES")


@dataclass(slots=True)
class _Walk:
    value: float
    target: float
    sigma: float
    low: float
    high: float


class SetpointError(ValueError):
    """A write the simulated controller refuses (not writable, out of its limits)."""


class PlantModel:
    """Steps every tag of a layout forward in simulated time."""

    def __init__(self, tags: dict[str, TagDef], seed: int = 1) -> None:
        self.tags = tags
        self.rng = random.Random(seed)
        self.sim_time_s = 0.0
        self.values: dict[str, float | int | bool] = {}
        self._walks: dict[str, _Walk] = {}
        self._setpoint_target = {t.setpoint_of: t.name for t in tags.values() if t.setpoint_of}
        self._stage_timer: dict[str, float] = {}
        for tag in tags.values():
            self._init_tag(tag)

    def _init_tag(self, tag: TagDef) -> None:
        low, high = tag.eu_low, tag.eu_high
        if tag.data_type is DataType.STATE:
            if tag.states and tag.states[0] == "STOPPED":
                self.values[tag.name] = 1  # motors start RUNNING
            else:  # a batch unit: start somewhere in its cycle (the last state is maintenance)
                self.values[tag.name] = self.rng.randrange(0, max(1, len(tag.states) - 1))
                self._stage_timer[tag.name] = self.rng.uniform(0, 600)
            return
        if tag.data_type is DataType.BOOL:
            self.values[tag.name] = True
            return
        n_low = tag.normal_low if tag.normal_low is not None else low
        n_high = tag.normal_high if tag.normal_high is not None else high
        centre = (n_low + n_high) / 2
        if tag.name.endswith(_COUNTER_SUFFIXES):
            self.values[tag.name] = round(self.rng.uniform(low, low + (high - low) * 0.001), 3)
            return
        sigma = max((n_high - n_low) * 0.08, (high - low) * 0.002)
        start = centre + self.rng.uniform(-0.2, 0.2) * (n_high - n_low)
        self._walks[tag.name] = _Walk(start, centre, sigma, low, high)
        self.values[tag.name] = start

    def write(self, name: str, value: float) -> dict[str, float | int | bool]:
        """An operator write: sets a setpoint or command, within the tag's write limits.

        Returns the values the write changed at once (a motor's state follows its command).
        """
        tag = self.tags.get(name)
        if tag is None or not tag.writable:
            raise SetpointError(f"{name} is not writable")
        if tag.data_type is DataType.BOOL:
            self.values[name] = bool(value)
            changed: dict[str, float | int | bool] = {name: bool(value)}
            motor = name.rsplit(".", 1)[0] + ".STATE"
            if motor in self.values:
                self.values[motor] = changed[motor] = 1 if value else 0
            return changed
        low = tag.write_low if tag.write_low is not None else tag.eu_low
        high = tag.write_high if tag.write_high is not None else tag.eu_high
        if not low <= value <= high:
            raise SetpointError(f"{name}: {value:g} outside {low:g}..{high:g}")
        self.values[name] = float(value)
        walk = self._walks.get(name)
        if walk:
            walk.value = walk.target = float(value)
        measured = self._walks.get(tag.setpoint_of)
        if measured:
            measured.target = float(value)
        return {name: float(value)}

    def step(self, dt_s: float) -> dict[str, float | int | bool]:
        """Advance ``dt_s`` simulated seconds; return every value that changed."""
        self.sim_time_s += dt_s
        changed: dict[str, float | int | bool] = {}
        gauss = self.rng.gauss
        theta = min(1.0, dt_s / 60.0)  # a one-minute pull back toward the target
        root = math.sqrt(min(dt_s, 60.0) / 60.0)
        for name, walk in self._walks.items():
            if name in self._setpoint_target.values():
                continue  # setpoints hold what the operator wrote
            walk.value += theta * (walk.target - walk.value) + walk.sigma * root * gauss(0.0, 0.3)
            walk.value = min(max(walk.value, walk.low), walk.high)
            self.values[name] = walk.value
            changed[name] = walk.value
        for name, tag in self.tags.items():
            if name.endswith(_COUNTER_SUFFIXES) and tag.data_type is DataType.FLOAT:
                rate = (tag.eu_high - tag.eu_low) / (30 * 86400.0)
                new = float(self.values[name]) + rate * dt_s
                if new > tag.eu_high:
                    new = tag.eu_low
                self.values[name] = new
                changed[name] = new
        for name, left in list(self._stage_timer.items()):
            left -= dt_s
            if left <= 0:
                states = self.tags[name].states
                self.values[name] = (int(self.values[name]) + 1) % (len(states) - 1)
                changed[name] = self.values[name]
                left = self.rng.uniform(300, 1800)
            self._stage_timer[name] = left
        return changed
