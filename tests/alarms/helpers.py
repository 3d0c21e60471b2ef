"""Helpers for alarm tests: a settable clock, values, and small hand-made definitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.alarms.definitions import AlarmDef, AlarmType, Priority, Suppression
from app.alarms.engine import AlarmEngine
from app.core.tags import DataType, Quality, TagDef, TagValue

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
UNIT_STATES = ("IDLE", "CHARGING", "SLAG_BLOW", "SKIMMING", "COPPER_BLOW", "POURING", "MAINTENANCE")


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def tv(value: Any, ts: datetime, quality: Quality = Quality.GOOD) -> TagValue:
    return TagValue(value, quality, ts, ts)


def tag(name: str, data_type: DataType = DataType.FLOAT, states: tuple[str, ...] = ()) -> TagDef:
    return TagDef(name, "X", "X", name, name, "", 0.0, 100.0, f"sim://{name}", data_type=data_type, states=states)


def adef(tag_name: str, kind: AlarmType = AlarmType.H, limit: float | None = 10.0, **kw: Any) -> AlarmDef:
    alarm_id = kw.pop("id", f"{tag_name}.{kind.value}")
    return AlarmDef(alarm_id, tag_name, kind, kw.pop("priority", Priority.LOW), "X", limit, **kw)


def engine(defs: list[AlarmDef], clock: Clock, **kw: Any) -> AlarmEngine:
    names = {d.tag for d in defs} | {d.setpoint_tag for d in defs if d.setpoint_tag}
    tags = {n: tag(n) for n in names}
    for d in defs:
        if d.suppression:
            tags[d.suppression.tag] = tag(d.suppression.tag, DataType.STATE, UNIT_STATES)
        if d.type is AlarmType.STATE:
            tags[d.tag] = tag(d.tag, DataType.STATE, ("STOPPED", "RUNNING", "FAULT"))
    return AlarmEngine(defs, tags, clock=clock, **kw)


def suppressed_by(unit: str) -> Suppression:
    return Suppression(unit, ("IDLE", "MAINTENANCE"))
