"""A plant in one process for the 3D view's tests, screenshots and benchmark.

The parts of a runtime the view uses — layout, tag store, alarm engine (no journal), the plant3d
service with its zone monitor — fed by the simulator's real process model stepped in-process
(no servers), so the picture shows what the live plant would.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.alarms.definitions import load_alarms
from app.alarms.engine import AlarmEngine
from app.core.layout import PlantLayout, load_layout
from app.core.store import TagStore
from app.core.tags import Quality, TagValue, utcnow
from app.plant3d.module import Plant3DService, setup


class LocalPlant:
    """``layout``, ``store``, ``alarms``, ``services`` (like ``app.runtime.Runtime``) + ``step``."""

    def __init__(self, layout: PlantLayout | None = None, seed: int = 1,
                 clock: Callable[[], datetime] = utcnow) -> None:
        from app.sim.model import PlantModel

        self.layout = layout or load_layout()
        self.clock = clock
        self.store = TagStore(self.layout.tags.values())
        self.alarms = AlarmEngine(load_alarms(self.layout), self.layout.tags, clock=clock, record_process_events=False)
        self.alarms.attach(self.store)
        self.services: dict[str, Any] = {}
        self.services["plant3d"] = setup(self)
        self.model = PlantModel(self.layout.tags, seed)

    @property
    def plant3d(self) -> Plant3DService:
        return self.services["plant3d"]  # type: ignore[no-any-return]

    def step(self, dt_s: float = 1.0, everything: bool = False) -> int:
        """Advance the model ``dt_s`` seconds and apply its values; returns how many were applied."""
        changed = self.model.step(dt_s)
        source = self.model.values if everything else changed
        now = self.clock()
        tags = self.layout.tags  # calc:// tags are the modules' to publish, not the field's
        batch = {name: TagValue(value, Quality.GOOD, now, now) for name, value in source.items()
                 if name in tags and not tags[name].address.startswith("calc://")}
        self.store.apply(batch)
        return len(batch)

    def set(self, name: str, value: float | int | bool | None, quality: Quality = Quality.GOOD, reason: str = "") -> None:
        """Apply one value (tests: force a state)."""
        now = self.clock()
        self.store.apply({name: TagValue(value, quality, now, now, reason)})
