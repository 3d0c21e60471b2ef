"""The DCS's own alarms in Crucible's alarm list: OPC UA A&C events mapped onto the engine.

Severity 1-1000 maps to the four priorities by the bands in ``dcs_alarms.yaml`` (``client:``);
each condition becomes an external record of the alarm engine (id ``DCS:<condition name>``),
so it is listed, journaled, counted in the KPIs and floods, and coloured on the displays like a
local alarm, marked with its source. A DCS alarm that repeats a local one (same tag and kind)
is shown once: ``duplicates: local`` keeps Crucible's (the DCS condition is acknowledged on the
server when the local one is), ``duplicates: dcs`` keeps the DCS's (the local one is hidden).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.alarms.definitions import AlarmDef, AlarmType, Priority
from app.alarms.engine import AlarmEngine, AlarmRecord
from app.core.yaml_lines import YamlFileError, load_yaml

log = logging.getLogger(__name__)
DCS_FILE = "dcs_alarms.yaml"


@dataclass(frozen=True)
class DcsConfig:
    bands: tuple[tuple[int, Priority], ...] = ((801, Priority.URGENT), (601, Priority.HIGH), (401, Priority.MEDIUM))
    duplicates: str = "local"  # or "dcs"
    history_backfill: bool = True
    enabled: bool = True

    def priority(self, severity: int) -> Priority:
        for floor, priority in self.bands:
            if severity >= floor:
                return priority
        return Priority.LOW


def load_config(folder: Path) -> DcsConfig:
    """The ``client:`` section of ``dcs_alarms.yaml`` (defaults when absent); ``ValueError``
    with ``file:line: message`` for a bad one."""
    path = Path(folder) / DCS_FILE
    if not path.exists():
        return DcsConfig(enabled=False)
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        raise ValueError(str(exc)) from None
    client = (doc or {}).get("client") or {}
    if not isinstance(client, dict):
        raise ValueError(f"{path}: client: must be a mapping")
    line = client.get("__line__", "?")
    bands_doc = client.get("severity_bands", {}) or {}
    bands: list[tuple[int, Priority]] = []
    for name in ("urgent", "high", "medium"):
        value = bands_doc.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
            raise ValueError(f"{path}:{line}: severity_bands.{name} must be a whole number from 1 to 1000")
        bands.append((value, Priority.parse(name)))
    floors = [b[0] for b in bands]
    if floors != sorted(floors, reverse=True):
        raise ValueError(f"{path}:{line}: severity_bands must fall from urgent to medium")
    duplicates = client.get("duplicates", "local")
    if duplicates not in ("local", "dcs"):
        raise ValueError(f"{path}:{line}: duplicates must be 'local' or 'dcs'")
    backfill = client.get("history_backfill", True)
    if not isinstance(backfill, bool):
        raise ValueError(f"{path}:{line}: history_backfill must be true or false")
    return DcsConfig(tuple(bands) or DcsConfig().bands, duplicates, backfill)


@dataclass
class _Known:
    record_id: str  # the engine record shown for it ("" when a local duplicate wins)
    condition_id: str
    event_id: bytes = b""
    acked: bool = True


@dataclass
class DcsAlarms:
    """Bridges one source's condition events into the engine; ``acknowledge(condition_id,
    event_id, comment)`` is the source's Acknowledge (a coroutine function)."""

    engine: AlarmEngine
    config: DcsConfig
    source: str
    acknowledge: Callable[[str, bytes, str], Any] | None = None
    spawn: Callable[[Any], Any] | None = None  # runs a coroutine (asyncio.ensure_future in the runtime)
    known: dict[str, _Known] = field(default_factory=dict)  # condition name -> what it maps to
    twins: dict[str, str] = field(default_factory=dict)  # local alarm id -> its hidden DCS condition name
    duplicates_hidden: int = 0
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        previous = self.engine.external_ack
        engine_ack = self._external_ack

        def ack(rec: AlarmRecord, who: str, reason: str) -> None:
            if rec.extra.get("external") == self.source:
                engine_ack(rec, who, reason)
            elif previous is not None:
                previous(rec, who, reason)

        self.engine.external_ack = ack
        self.engine.changed.connect(self._on_engine_changed)

    def _local_duplicate(self, tag: str, name: str) -> AlarmDef | None:
        for d in self.engine.definitions:
            if d.tag != tag or d.source.startswith("dcs:"):
                continue
            kind = d.type.value if d.type is not AlarmType.STATE else "_".join(d.states)
            if d.id == name or name.endswith("." + kind):
                return d
        return None

    def on_event(self, event: Any) -> None:
        """One ``app.io.conditions.ConditionEvent`` (on the loop's thread)."""
        name = event.name or event.condition_id
        known = self.known.get(name)
        if known is None:
            known = self._register(event, name)
        known.event_id, known.acked = event.event_id, event.acked
        if not known.record_id:
            return
        who = event.comment.split(":", 1)[0] if event.comment else ""
        self.engine.set_external(known.record_id, active=event.active, acked=event.acked, when=event.time,
                                 value=event.message, who=who or self.source, comment=event.comment)

    def _register(self, event: Any, name: str) -> _Known:
        duplicate = self._local_duplicate(event.source, name)
        if duplicate is not None and self.config.duplicates == "local":
            self.duplicates_hidden += 1
            known = _Known("", event.condition_id)
            self.known[name] = known
            self.twins[duplicate.id] = name
            return known
        tags = self.engine.tags
        tag = event.source if event.source in tags else ""
        area = tags[tag].area if tag else ""
        definition = AlarmDef(
            id=f"DCS:{name}", tag=tag, type=AlarmType.STATE, priority=self.config.priority(event.severity), area=area,
            states=("ACTIVE",), text_en=f"[DCS] {event.message}", text_zh=f"[DCS] {event.message}", cause=event.message,
            source=f"dcs:{self.source}",
        )
        self.engine.add_external(definition, self.source)
        if duplicate is not None:  # the DCS wins: the local twin is hidden for good
            rec = self.engine.records[duplicate.id]
            rec.suppressed = True
            self.duplicates_hidden += 1
        known = _Known(definition.id, event.condition_id)
        self.known[name] = known
        return known

    def _external_ack(self, rec: AlarmRecord, who: str, reason: str) -> None:
        name = rec.id.removeprefix("DCS:")
        known = self.known.get(name)
        if known is None or self.acknowledge is None or self.spawn is None:
            return
        self.spawn(self._ack(known, f"{who}: {reason}" if reason else who))

    async def _ack(self, known: _Known, comment: str) -> None:
        assert self.acknowledge is not None
        try:
            await self.acknowledge(known.condition_id, known.event_id, comment)
        except Exception as exc:  # noqa: BLE001 - say so; the alarm stays unacknowledged
            message = f"acknowledging {known.condition_id} on {self.source} failed: {exc}"
            log.warning("%s", message)
            self.errors.append(message)

    def _on_engine_changed(self, records: list[AlarmRecord]) -> None:
        """A local alarm that won over its DCS twin was acknowledged: acknowledge the twin too."""
        if not self.twins or self.acknowledge is None or self.spawn is None:
            return
        for rec in records:
            name = self.twins.get(rec.id)
            if name is None or rec.acked_at is None:
                continue
            known = self.known.get(name)
            if known is not None and not known.acked and known.event_id:
                known.acked = True
                self.spawn(self._ack(known, f"{rec.acked_by} (acknowledged as {rec.id})"))
