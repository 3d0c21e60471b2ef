"""The simulated DCS's own alarms (OPC UA Alarms & Conditions) and its short history.

From ``dcs_alarms.yaml`` (``conditions:``), the simulator evaluates each condition on its own
values every cycle and, on every change, sends an ``AlarmConditionType`` event from the Server
object: ConditionId (one object per condition under Objects/Plant/Conditions), SourceName
(the tag), Severity, Message, ActiveState, AckedState, ConfirmedState, Retain, Time.
``Acknowledge`` and ``Confirm`` work (the standard methods of AcknowledgeableConditionType),
``ConditionRefresh`` re-sends every retained condition. The tags listed under ``history:``
are historised (HistoryRead) in a SQLite file for the last two hours.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from asyncua import ua

from app.core.tags import TagDef
from app.core.yaml_lines import YamlFileError, load_yaml

log = logging.getLogger(__name__)
DCS_FILE = "dcs_alarms.yaml"


@dataclass(frozen=True)
class ConditionDef:
    id: str
    tag: str
    type: str  # HH | H | L | LL | STATE | BAD
    severity: int
    message: str
    limit: float | None = None
    states: tuple[str, ...] = ()


@dataclass
class ConditionState:
    definition: ConditionDef
    active: bool = False
    acked: bool = True
    confirmed: bool = True
    event_id: bytes = b""
    comment: str = ""
    changed: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def retain(self) -> bool:
        return self.active or not self.acked


def load_dcs(folder: Path, tags: Mapping[str, TagDef]) -> tuple[list[ConditionDef], list[str]]:
    """The conditions and historised tags of ``dcs_alarms.yaml`` (none when there is no file).
    Raises ``ValueError`` with ``file:line: message``."""
    path = Path(folder) / DCS_FILE
    if not path.exists():
        return [], []
    try:
        doc = load_yaml(path)
    except YamlFileError as exc:
        raise ValueError(str(exc)) from None
    problems: list[str] = []
    conditions: list[ConditionDef] = []
    for entry in (doc or {}).get("conditions", []) or []:
        line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
        try:
            kind = str(entry["type"])
            tag = str(entry["tag"])
            if tag not in tags:
                raise ValueError(f"tag {tag!r} is not in the layout")
            severity = int(entry["severity"])
            if not 1 <= severity <= 1000:
                raise ValueError("severity must be 1-1000")
            limit = entry.get("limit")
            if kind in ("HH", "H", "L", "LL") and (not isinstance(limit, int | float) or not math.isfinite(limit)):
                raise ValueError("a limit alarm needs a finite limit")
            if kind not in ("HH", "H", "L", "LL", "STATE", "BAD"):
                raise ValueError(f"type {kind!r} is not HH, H, L, LL, STATE or BAD")
            conditions.append(ConditionDef(str(entry["id"]), tag, kind, severity, str(entry.get("message", "")),
                                           float(limit) if limit is not None else None,
                                           tuple(entry.get("states", ()) or ())))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{path}:{line}: condition: {exc}")
    history = [str(t) for t in (doc or {}).get("history", []) or []]
    problems += [f"{path}: history: tag {t!r} is not in the layout" for t in history if t not in tags]
    if problems:
        raise ValueError("\n".join(problems))
    return conditions, history


def is_active(definition: ConditionDef, tag: TagDef, value: Any, bad: bool) -> bool:
    if definition.type == "BAD":
        return bad
    if bad or value is None:
        return False  # a bad value is its own condition, not a limit breach
    if definition.type == "STATE":
        return tag.format_value(value) in definition.states
    number = float(value)
    assert definition.limit is not None
    return number >= definition.limit if definition.type in ("HH", "H") else number <= definition.limit


class SimConditions:
    """Runs the DCS conditions on one :class:`~app.sim.opcua_server.PlantOpcUaServer`."""

    def __init__(self, opcua: Any, conditions: list[ConditionDef], history_tags: list[str],
                 history_file: Path | None = None) -> None:
        self.opcua = opcua
        self.states = {c.id: ConditionState(c) for c in conditions}
        self.history_tags = history_tags
        self.history_file = history_file
        self._historized: list[Any] = []  # the nodes start_history historised (stop_history undoes them)
        self._template: Any = None
        self._nodes: dict[str, ua.NodeId] = {}
        self._by_node: dict[ua.NodeId, ConditionState] = {}
        self.events_sent = 0

    async def setup(self) -> None:
        """Before the server starts: the condition objects, the event template, the methods."""
        server = self.opcua.server
        ns = self.opcua.ns
        plant = server.get_node(ua.NodeId("Plant", ns))
        folder = await plant.add_folder(ua.NodeId("Plant.Conditions", ns), ua.QualifiedName("Conditions", ns))
        for cid, state in self.states.items():
            node = await folder.add_object(ua.NodeId(f"COND.{cid}", ns), ua.QualifiedName(cid, ns))
            self._nodes[cid] = node.nodeid
            self._by_node[node.nodeid] = state
        generator = await server.get_event_generator(ua.ObjectIds.AlarmConditionType, ua.ObjectIds.Server)
        self._template = generator.event
        server.link_method(server.get_node(ua.NodeId(ua.ObjectIds.AcknowledgeableConditionType_Acknowledge)),
                           self._on_acknowledge)
        server.link_method(server.get_node(ua.NodeId(ua.ObjectIds.AcknowledgeableConditionType_Confirm)),
                           self._on_confirm)

    async def start_history(self) -> None:
        """After the server started: historise the ``history:`` tags (SQLite, two hours)."""
        if not self.history_tags:
            return
        server = self.opcua.server
        if self.history_file is not None:
            from asyncua.server.history_sql import HistorySQLite

            self.history_file.parent.mkdir(parents=True, exist_ok=True)
            self.history_file.unlink(missing_ok=True)
            storage = HistorySQLite(str(self.history_file))
            await storage.init()
            server.iserver.history_manager.set_storage(storage)
        for name in self.history_tags:
            node = self.opcua.nodes.get(name)
            if node is not None:
                await server.historize_node_data_change(node, period=timedelta(hours=2), count=0)
                self._historized.append(node)

    async def stop_history(self) -> None:
        """Before the server stops: no more history writes, and those under way finished (else
        they meet the closed SQLite file and log errors at every quit)."""
        server = self.opcua.server
        nodes, self._historized = self._historized, []
        for node in nodes:  # only what start_history historised, once
            try:
                await server.dehistorize_node_data_change(node)
            except Exception:  # noqa: BLE001 - the server is going away anyway
                log.debug("history of %s could not be stopped", node)
        if nodes:
            await asyncio.sleep(0.1)  # the inserts and deletes already scheduled complete

    def _state_for(self, parent: Any) -> ConditionState:
        node_id = parent if isinstance(parent, ua.NodeId) else getattr(parent, "nodeid", parent)
        state = self._by_node.get(node_id)
        if state is None:
            raise ua.UaStatusCodeError(ua.StatusCodes.BadConditionNotFound if hasattr(ua.StatusCodes, "BadConditionNotFound")
                                       else ua.StatusCodes.BadNodeIdUnknown)
        return state

    async def _on_acknowledge(self, parent: Any, event_id: Any = None, comment: Any = None) -> list[Any]:
        state = self._state_for(parent)
        if state.acked:
            raise ua.UaStatusCodeError(ua.StatusCodes.BadConditionBranchAlreadyAcked)
        state.acked = True
        state.confirmed = False
        state.comment = _text(comment)
        await self._send(state)
        return []

    async def _on_confirm(self, parent: Any, event_id: Any = None, comment: Any = None) -> list[Any]:
        state = self._state_for(parent)
        if state.confirmed:
            raise ua.UaStatusCodeError(ua.StatusCodes.BadConditionBranchAlreadyConfirmed)
        state.confirmed = True
        state.comment = _text(comment)
        await self._send(state)
        return []

    async def update(self, values: Mapping[str, Any], bad: Mapping[str, str], tags: Mapping[str, TagDef]) -> int:
        """Evaluate every condition on the model's values; send an event for each change."""
        sent = 0
        for state in self.states.values():
            definition = state.definition
            active = is_active(definition, tags[definition.tag], values.get(definition.tag), definition.tag in bad)
            if active == state.active:
                continue
            state.active = active
            if active:
                state.acked = False
                state.confirmed = False
            state.changed = datetime.now(UTC)
            await self._send(state)
            sent += 1
        return sent

    async def set_active(self, cid: str, active: bool) -> None:
        """Raise or clear a condition by hand (tests, benchmarks)."""
        state = self.states[cid]
        if state.active != active:
            state.active = active
            if active:
                state.acked = state.confirmed = False
            state.changed = datetime.now(UTC)
            await self._send(state)

    async def _send(self, state: ConditionState) -> None:
        if self._template is None:
            return
        ev = copy.deepcopy(self._template)
        definition = state.definition
        ev.NodeId = self._nodes[definition.id]
        source = self.opcua.node_ids.get(definition.tag)
        if source is not None:
            ev.SourceNode = source
        ev.SourceName = definition.tag
        ev.ConditionName = definition.id
        ev.Severity = definition.severity
        ev.Message = ua.LocalizedText(definition.message)
        setattr(ev, "ActiveState/Id", state.active)
        ev.ActiveState = ua.LocalizedText("Active" if state.active else "Inactive")
        setattr(ev, "AckedState/Id", state.acked)
        ev.AckedState = ua.LocalizedText("Acknowledged" if state.acked else "Unacknowledged")
        setattr(ev, "ConfirmedState/Id", state.confirmed)
        ev.ConfirmedState = ua.LocalizedText("Confirmed" if state.confirmed else "Unconfirmed")
        setattr(ev, "EnabledState/Id", True)
        ev.Retain = state.retain
        ev.Comment = ua.LocalizedText(state.comment)
        state.event_id = uuid.uuid4().hex.encode()
        ev.EventId = ua.Variant(state.event_id, ua.VariantType.ByteString)
        ev.Time = state.changed
        ev.ReceiveTime = datetime.now(UTC)
        await self.opcua.server.iserver.subscription_service.trigger_event(ev)
        self.events_sent += 1


def _text(value: Any) -> str:
    value = getattr(value, "Value", value)
    return str(getattr(value, "Text", value) or "")
