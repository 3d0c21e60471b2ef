"""OPC UA Alarms & Conditions client: the DCS's own alarms, and acknowledgements back to it.

Subscribes to ``AlarmConditionType`` events of the Server object (or the notifier nodes named
in the connection's options), calls ``ConditionRefresh`` after every (re)connect so standing
alarms are never lost, and hands each event, as plain data, to ``on_event`` on the loop — never
inside asyncua's callback. ``acknowledge``/``confirm`` call the condition's standard methods.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asyncua import Client, ua

from app.io.opcua import make_client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConditionEvent:
    """One AlarmConditionType event as plain data."""

    condition_id: str  # the condition's NodeId, as a string
    source: str  # SourceName (the tag, for the simulator and most DCSs)
    name: str  # ConditionName
    severity: int  # 1-1000
    message: str
    active: bool
    acked: bool
    confirmed: bool | None
    retain: bool
    time: datetime
    event_id: bytes
    comment: str = ""


def event_from(ev: Any) -> ConditionEvent | None:
    """Read an asyncua event; None for events that are not conditions (refresh markers ...)."""
    node_id = getattr(ev, "NodeId", None)
    if node_id is None or not hasattr(ev, "Retain"):
        return None

    def text(value: Any) -> str:
        return str(getattr(value, "Text", value) or "")

    when = getattr(ev, "Time", None) or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    confirmed = getattr(ev, "ConfirmedState/Id", None)
    return ConditionEvent(
        condition_id=node_id.to_string() if hasattr(node_id, "to_string") else str(node_id),
        source=str(getattr(ev, "SourceName", "") or ""),
        name=str(getattr(ev, "ConditionName", "") or ""),
        severity=int(getattr(ev, "Severity", 0) or 0),
        message=text(getattr(ev, "Message", "")),
        active=bool(getattr(ev, "ActiveState/Id", False)),
        acked=bool(getattr(ev, "AckedState/Id", True)),
        confirmed=None if confirmed is None else bool(confirmed),
        retain=bool(getattr(ev, "Retain", False)),
        time=when,
        event_id=bytes(getattr(ev, "EventId", b"") or b""),
        comment=text(getattr(ev, "Comment", "")),
    )


class _Handler:
    """asyncua calls this on its receive task: only queue the event."""

    def __init__(self, queue: asyncio.Queue[Any]) -> None:
        self.queue = queue

    def event_notification(self, event: Any) -> None:
        self.queue.put_nowait(event)

    def status_change_notification(self, status: Any) -> None:
        self.queue.put_nowait(("status", status))


class ConditionClient:
    """Keeps a subscription to a server's conditions; reconnects by itself with backoff."""

    def __init__(self, name: str, endpoint: str, on_event: Callable[[ConditionEvent], None],
                 options: dict[str, Any] | None = None, timeout_s: float = 5.0,
                 on_state: Callable[[str, str], None] | None = None) -> None:
        self.name = name
        self.endpoint = endpoint
        self.on_event = on_event
        self.on_state = on_state or (lambda _state, _why: None)
        self.options = dict(options or {})
        self.timeout_s = timeout_s
        self.state = "connecting"
        self.last_error = ""
        self.refreshes = 0
        self.events = 0
        self._client: Client | None = None
        self._stopping = asyncio.Event()

    def _set_state(self, state: str, why: str = "") -> None:
        self.state, self.last_error = state, why
        self.on_state(state, why)

    async def run(self) -> None:
        backoff = 0.5
        while not self._stopping.is_set():
            try:
                await self._session()
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: say why, retry
                self._set_state("down", f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
                log.warning("%s (alarms & conditions): %s", self.name, self.last_error)
            finally:
                await self._disconnect()
            try:
                await asyncio.wait_for(self._stopping.wait(), backoff)
            except TimeoutError:
                pass
            backoff = min(backoff * 2, 10.0)
        self._set_state("stopped")

    async def _session(self) -> None:
        client = await make_client(self.endpoint, self.timeout_s, self.options, self.name)
        self._client = client
        await client.connect()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        subscription = await client.create_subscription(100, _Handler(queue))
        notifiers = self.options.get("alarm_notifiers") or [ua.ObjectIds.Server]
        for notifier in notifiers:
            source = client.get_node(notifier) if isinstance(notifier, str) else client.get_node(ua.NodeId(notifier))
            await subscription.subscribe_events(source, ua.ObjectIds.AlarmConditionType)
        self._set_state("connected")
        await self.refresh(subscription.subscription_id)
        while not self._stopping.is_set():
            try:
                item = await asyncio.wait_for(queue.get(), 1.0)
            except TimeoutError:
                await client.check_connection()
                continue
            if isinstance(item, tuple) and item[0] == "status":
                raise ConnectionError(f"subscription lost: {item[1]}")
            event = event_from(item)
            if event is not None:
                self.events += 1
                self.on_event(event)

    async def refresh(self, subscription_id: int) -> None:
        """Ask the server to send every retained condition again (standing alarms)."""
        assert self._client is not None
        await self._client.nodes.server.call_method(
            ua.NodeId(ua.ObjectIds.ConditionType_ConditionRefresh), ua.Variant(subscription_id, ua.VariantType.UInt32))
        self.refreshes += 1

    async def _call(self, condition_id: str, method: int, event_id: bytes, comment: str) -> None:
        client = self._client
        if client is None or self.state != "connected":
            raise ConnectionError(f"{self.name}: not connected to {self.endpoint}")
        node = client.get_node(ua.NodeId.from_string(condition_id))
        await node.call_method(ua.NodeId(method), ua.Variant(event_id, ua.VariantType.ByteString),
                               ua.LocalizedText(comment))

    async def acknowledge(self, condition_id: str, event_id: bytes, comment: str) -> None:
        """Acknowledge on the server (its AckedState changes; the event that follows says so)."""
        await self._call(condition_id, ua.ObjectIds.AcknowledgeableConditionType_Acknowledge, event_id, comment)

    async def confirm(self, condition_id: str, event_id: bytes, comment: str) -> None:
        await self._call(condition_id, ua.ObjectIds.AcknowledgeableConditionType_Confirm, event_id, comment)

    async def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await asyncio.wait_for(client.disconnect(), 2.0)
            except Exception:  # noqa: BLE001 - the link is gone anyway
                pass

    async def stop(self) -> None:
        self._stopping.set()


async def print_events(endpoint: str, out: Any, seconds: float = 0.0, as_json: bool = False) -> int:
    """``crucible tags events URL``: every condition event as it arrives (standing ones first,
    from ConditionRefresh); stops after ``seconds`` (0: on Ctrl+C). Exit 2 when the server
    cannot be reached at all."""
    import json

    def show(event: ConditionEvent) -> None:
        if as_json:
            out.write(json.dumps({"time": event.time.isoformat(), "condition": event.name or event.condition_id,
                                  "source": event.source, "severity": event.severity, "message": event.message,
                                  "active": event.active, "acked": event.acked, "confirmed": event.confirmed,
                                  "retain": event.retain, "comment": event.comment}, ensure_ascii=False) + "\n")
        else:
            state = ("ACTIVE" if event.active else "cleared") + (" unacked" if not event.acked else " acked")
            out.write(f"{event.time:%Y-%m-%d %H:%M:%S} {event.severity:4d} {state:16} {event.source:24} "
                      f"{event.message}{'  [' + event.comment + ']' if event.comment else ''}\n")
        out.flush()

    client = ConditionClient("events", endpoint, show)
    task = asyncio.create_task(client.run())
    try:
        deadline = asyncio.get_running_loop().time() + (seconds or float("inf"))
        while asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.2)
            if client.state == "down" and client.events == 0 and client.refreshes == 0:
                print(f"crucible tags events: {endpoint}: {client.last_error}", file=__import__("sys").stderr)
                return 2
    finally:
        await client.stop()
        await task
    return 0
