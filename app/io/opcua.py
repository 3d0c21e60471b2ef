"""OPC UA driver (asyncua): subscribe to a connection's tags and feed the tag store.

Data-change callbacks only put values in a dictionary; one flush per publish response
hands the whole batch to :meth:`TagStore.apply`. On any loss of the session every tag of
the connection turns Bad ("connection lost") and the driver reconnects with backoff,
recreating its subscriptions.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime

from asyncua import Client, ua

from app.core.address import parse_address
from app.core.store import TagStore
from app.core.tags import Quality, TagDef, TagValue
from app.io.health import ConnectionHealth, LinkState

log = logging.getLogger(__name__)
CHUNK = 500  # monitored items created per request


def quality_of(status: ua.StatusCode | None) -> tuple[Quality, str]:
    """Map an OPC UA status code to our quality and a reason."""
    if status is None or status.is_good():
        return Quality.GOOD, ""
    name = status.name if hasattr(status, "name") else str(status)
    if status.is_uncertain():
        return Quality.UNCERTAIN, name
    return Quality.BAD, name


def _aware(ts: datetime | None, fallback: datetime) -> datetime:
    if ts is None:
        return fallback
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


class _Handler:
    def __init__(self, driver: OpcUaDriver) -> None:
        self.driver = driver

    def datachange_notification(self, node: object, val: object, data: object) -> None:
        self.driver._on_data_change(node, data)

    def status_change_notification(self, status: object) -> None:
        log.info("%s: subscription status %s", self.driver.name, status)


class OpcUaDriver:
    """One OPC UA connection: its session, subscriptions and health."""

    def __init__(
        self,
        name: str,
        endpoint: str,
        store: TagStore,
        tags: Iterable[TagDef],
        publishing_ms: int = 500,
        timeout_s: float = 4.0,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.name = name
        self.endpoint = endpoint
        self.store = store
        self.tags = {t.name: t for t in tags}
        self.publishing_ms = publishing_ms
        self.timeout_s = timeout_s
        self.max_backoff_s = max_backoff_s
        self.health = ConnectionHealth(name, "opcua", endpoint, tag_count=len(self.tags))
        self._pending: dict[str, TagValue] = {}
        self._flush_scheduled = False
        self._node_to_tag: dict[ua.NodeId, str] = {}
        self._client: Client | None = None
        self._stopping = asyncio.Event()

    # --- data path -----------------------------------------------------------------
    def _on_data_change(self, node: object, data: object) -> None:
        name = self._node_to_tag.get(node.nodeid)  # type: ignore[attr-defined]
        if name is None:
            return
        dv: ua.DataValue = data.monitored_item.Value  # type: ignore[attr-defined]
        now = datetime.now(UTC)
        quality, reason = quality_of(dv.StatusCode)
        value = dv.Value.Value if dv.Value is not None else None
        self._pending[name] = TagValue(
            value, quality, _aware(dv.SourceTimestamp, now), _aware(dv.ServerTimestamp, now), reason
        )
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_scheduled = False
        batch, self._pending = self._pending, {}
        if batch:
            self.health.count_updates(len(batch))
            self.store.apply(batch)
            self._count_bad()

    def _count_bad(self) -> None:
        values = self.store.values
        bad = sum(1 for n in self.tags if (v := values.get(n)) is None or v.quality is not Quality.GOOD)
        if bad != self.health.bad_tags:
            self.health.bad_tags = bad
            self.health.changed.emit(self.health)

    # --- session life cycle --------------------------------------------------------
    async def run(self) -> None:
        """Connect, subscribe and keep the session alive until :meth:`stop`."""
        backoff = 1.0
        first = True
        while not self._stopping.is_set():
            self.health.set_state(LinkState.CONNECTING, self.health.last_error)
            try:
                await self._session()
                backoff = 1.0
            except asyncio.CancelledError:
                if not self._stopping.is_set():
                    raise
            except Exception as exc:  # noqa: BLE001 - any failure means: reconnect
                message = _describe(exc, self.endpoint)
                log.warning("%s: %s", self.name, message)
                self.health.set_state(LinkState.DOWN, message)
            reason = "driver stopped" if self._stopping.is_set() else "connection lost"
            self.store.mark_quality(self.tags, Quality.BAD, reason)
            self._count_bad()
            await self._disconnect()
            if self._stopping.is_set():
                break
            if not first:
                backoff = min(backoff * 2, self.max_backoff_s)
            first = False
            self.health.reconnects += 1
            try:
                await asyncio.wait_for(self._stopping.wait(), backoff)
            except TimeoutError:
                pass
        self.health.set_state(LinkState.STOPPED)

    async def _session(self) -> None:
        client = Client(self.endpoint, timeout=self.timeout_s, watchdog_intervall=1.0)
        self._client = client
        await client.connect()
        started = time.perf_counter()
        await client.nodes.server_state.read_value()
        self.health.latency_ms = (time.perf_counter() - started) * 1000
        await self._subscribe(client)
        self.health.set_state(LinkState.CONNECTED)
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), 1.0)
            except TimeoutError:
                pass
            await client.check_connection()
            started = time.perf_counter()
            await client.nodes.server_state.read_value()
            self.health.latency_ms = (time.perf_counter() - started) * 1000

    async def _subscribe(self, client: Client) -> None:
        sub = await client.create_subscription(self.publishing_ms, _Handler(self))
        self._node_to_tag.clear()
        names = list(self.tags)
        ns_map = await client.get_namespace_array()
        for start in range(0, len(names), CHUNK):
            chunk = names[start : start + CHUNK]
            nodes = [client.get_node(_node_id(self.tags[n], ns_map)) for n in chunk]
            for name, node in zip(chunk, nodes, strict=True):
                self._node_to_tag[node.nodeid] = name
            handles = await sub.subscribe_data_change(nodes, queuesize=1)
            for name, handle in zip(chunk, handles, strict=True):
                if isinstance(handle, ua.StatusCode):
                    self.store.apply({name: _bad(f"cannot subscribe: {handle.name}")})

    async def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await asyncio.wait_for(client.disconnect(), 2.0)
            except Exception:  # noqa: BLE001 - the link is already gone
                pass

    async def write_value(self, tag: TagDef, value: float | int | bool) -> float | int | bool | None:
        """Write ``value`` to the tag's node and return what the server reads back."""
        from app.io.writes import WriteError

        client = self._client
        if client is None or self.health.state is not LinkState.CONNECTED:
            raise WriteError(f"{tag.name}: {self.name} is not connected ({self.health.last_error or 'connecting'})")
        node = client.get_node(_node_id(tag, await client.get_namespace_array()))
        try:
            variant_type = await node.read_data_type_as_variant_type()
            if variant_type == ua.VariantType.Boolean:
                value = bool(value)
            elif variant_type in (ua.VariantType.Int16, ua.VariantType.Int32, ua.VariantType.Int64,
                                  ua.VariantType.UInt16, ua.VariantType.UInt32, ua.VariantType.UInt64):
                value = int(value)
            else:
                value = float(value)
            await node.write_value(ua.DataValue(ua.Variant(value, variant_type)))
        except ua.UaStatusCodeError as exc:
            raise WriteError(f"{tag.name}: the server refused the write ({exc})") from None
        except (TimeoutError, ConnectionError, OSError) as exc:
            raise WriteError(f"{tag.name}: the write did not reach {self.endpoint} ({exc})") from None
        # Read back until the server holds the new value (it may apply writes on its next cycle).
        read_back: float | int | bool | None = None
        for _ in range(20):
            read_back = await node.read_value()
            if read_back == value:
                break
            await asyncio.sleep(0.1)
        return read_back

    async def stop(self) -> None:
        """Ask :meth:`run` to disconnect and return (it marks the tags Bad on the way out)."""
        self._stopping.set()


def _bad(reason: str) -> TagValue:
    now = datetime.now(UTC)
    return TagValue(None, Quality.BAD, now, now, reason)


def _node_id(tag: TagDef, ns_array: list[str]) -> ua.NodeId:
    """The node id of a tag; ``nsu=`` URIs are resolved against the server's namespaces."""
    text = parse_address(tag.address).node_id
    if text.startswith("nsu="):
        uri, _, rest = text[4:].partition(";")
        text = f"ns={ns_array.index(uri)};{rest}"
    return ua.NodeId.from_string(text)


def _describe(exc: BaseException, endpoint: str) -> str:
    if isinstance(exc, ConnectionRefusedError | OSError) and not isinstance(exc, TimeoutError):
        return f"cannot reach {endpoint}: {exc.strerror or exc}"
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return f"{endpoint} did not answer in time"
    text = str(exc) or type(exc).__name__
    return f"{endpoint}: {text}"
