"""What the 3D view shows for each piece of equipment and zone, computed from tag values.

Pure Python (tested headless): the widget only turns these looks into colours and transforms.
:class:`ZoneMonitor` publishes each zone's ``calc://plant3d/...`` tag (True = people in the
zone while it is unsafe) into the store, where the alarm engine raises the zone alarm.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.core.store import Batch, TagStore
from app.core.tags import DataType, Quality, TagDef, TagValue, utcnow
from app.plant3d.scene import Condition, Equipment, Scene, Zone

log = logging.getLogger(__name__)

Values = Mapping[str, TagValue]
PriorityOf = Callable[[str], int]


@dataclass(frozen=True, slots=True)
class EquipmentLook:
    """``priority``: best standing alarm priority (0 none, 1 urgent .. 4 low); ``data``: "good",
    "stale" or "bad" (any bound tag not Good); ``running``: None if no motor is bound."""

    priority: int = 0
    data: str = "good"
    running: bool | None = None
    tilt: float = 0.0
    x: float = 0.0
    y: float = 0.0
    load: float = 0.0


@dataclass(frozen=True, slots=True)
class ZoneLook:
    persons: int = 0
    unsafe: bool = False
    reasons: tuple[str, ...] = ()
    data: str = "good"

    @property
    def danger(self) -> bool:
        """Occupied while unsafe: drawn red and alarmed."""
        return self.unsafe and self.persons > 0


def _number(value: TagValue | None) -> float | None:
    if value is None or value.value is None or isinstance(value.value, str):
        return None
    try:
        return float(value.value)
    except (TypeError, ValueError):
        return None


def state_name(tag: TagDef | None, value: TagValue | None) -> str:
    """The state name of a state/bool tag's value ("" when unknown)."""
    if tag is None or value is None or value.value is None:
        return ""
    return tag.format_value(value.value)


def data_look(values: Values, names: tuple[str, ...] | list[str]) -> str:
    """"bad" when a tag has no value or Bad quality, "stale" when one is Uncertain, else "good"."""
    look = "good"
    for name in names:
        v = values.get(name)
        if v is None or v.quality is Quality.BAD:
            return "bad"
        if v.quality is not Quality.GOOD:
            look = "stale"
    return look


def equipment_look(eq: Equipment, values: Values, tags: Mapping[str, TagDef], priority_of: PriorityOf | None) -> EquipmentLook:
    """The look of ``eq`` from the latest values and the alarm engine's ``tag_priority``."""
    priority = 0
    if priority_of is not None:
        for name in eq.alarm_tags:
            p = priority_of(name)
            if p and (priority == 0 or p < priority):
                priority = p
    running: bool | None = None
    if "running" in eq.bind:
        name = eq.bind["running"]
        tag, v = tags.get(name), values.get(name)
        if tag is not None and tag.data_type is DataType.BOOL:
            running = bool(v.value) if v is not None and v.value is not None else False
        else:
            running = state_name(tag, v) in ("RUNNING", "SLAG_BLOW", "COPPER_BLOW", "ON")
    tilt = 0.0
    if "tilt" in eq.bind:
        tilt = _number(values.get(eq.bind["tilt"])) or 0.0
    elif "stage" in eq.bind and eq.stage_tilt:
        tilt = eq.stage_tilt.get(state_name(tags.get(eq.bind["stage"]), values.get(eq.bind["stage"])), 0.0)
    return EquipmentLook(
        priority=priority,
        data=data_look(values, list(eq.bind.values())),
        running=running,
        tilt=tilt,
        x=_number(values.get(eq.bind.get("x", ""))) or 0.0,
        y=_number(values.get(eq.bind.get("y", ""))) or 0.0,
        load=_number(values.get(eq.bind.get("load", ""))) or 0.0,
    )


def condition_holds(cond: Condition, tag: TagDef | None, value: TagValue | None) -> bool:
    if value is None or value.value is None:
        return False
    if cond.states:
        return state_name(tag, value) in cond.states
    number = _number(value)
    if number is None:
        return False
    if cond.above is not None:
        return number > cond.above
    return cond.below is not None and number < cond.below


def zone_look(zone: Zone, values: Values, tags: Mapping[str, TagDef]) -> ZoneLook:
    persons = int(_number(values.get(zone.persons)) or 0)
    reasons = tuple(c.text() for c in zone.unsafe_when if condition_holds(c, tags.get(c.tag), values.get(c.tag)))
    inputs = [zone.persons, *(c.tag for c in zone.unsafe_when)]
    return ZoneLook(persons, bool(reasons), reasons, data_look(values, inputs))


class ZoneMonitor:
    """Publishes every zone's "occupied while unsafe" tag whenever one of its inputs changes.

    Attached to the store's ``batch_applied`` (synchronous, like the alarm engine), so the zone
    tag follows the people count and the gas reading in the same batch cascade. Quality: the
    worst of its inputs (Bad when the people count or a condition tag is Bad).
    """

    def __init__(self, scene: Scene, store: TagStore, tags: Mapping[str, TagDef]) -> None:
        self.scene = scene
        self.store = store
        self.tags = tags
        self.zones = [z for z in scene.zones if z.alarm_tag]
        self._inputs: dict[str, list[Zone]] = {}
        for z in self.zones:
            for name in (z.persons, *(c.tag for c in z.unsafe_when)):
                self._inputs.setdefault(name, []).append(z)
        self._attached = False

    def attach(self) -> None:
        if not self._attached:
            self.store.batch_applied.connect(self._on_store_batch_applied)
            self._attached = True
        self.publish(self.zones)

    def detach(self) -> None:
        """Stop computing; the zone tags turn Bad (no longer live), like a stopped driver's."""
        if self._attached:
            self.store.batch_applied.disconnect(self._on_store_batch_applied)
            self._attached = False
            self.store.mark_quality([z.alarm_tag for z in self.zones], Quality.BAD, "3D plant module stopped")

    def _on_store_batch_applied(self, batch: Batch) -> None:
        touched: dict[str, Zone] = {}
        for name in batch:
            for z in self._inputs.get(name, ()):
                touched[z.id] = z
        if touched:
            self.publish(list(touched.values()))

    def publish(self, zones: list[Zone]) -> None:
        """Compute ``zones`` and apply their tags where value or quality changed."""
        values = self.store.values
        out: dict[str, TagValue] = {}
        now = utcnow()
        for z in zones:
            if values.get(z.persons) is None and values.get(z.alarm_tag) is None:
                continue  # nothing known yet: "no data", like any tag before its first value
            look = zone_look(z, values, self.tags)
            quality = {"good": Quality.GOOD, "stale": Quality.UNCERTAIN}.get(look.data, Quality.BAD)
            reason = "" if quality is Quality.GOOD else "an input of the zone is not Good"
            new = TagValue(look.danger, quality, now, now, reason)
            old = values.get(z.alarm_tag)
            if old is None or old.value is not new.value or old.quality is not new.quality:  # bools: `is`
                out[z.alarm_tag] = new
        if out:
            self.store.apply(out)
