"""Modbus TCP driver (pymodbus): poll groups, merged reads, one request in flight.

Tags are grouped by poll rate (``sampling_ms`` per tag, else the connection's ``poll_ms``).
Within a group, points of the same device and table are sorted and merged into blocks of
at most 125 registers (2000 bits for coils and discrete inputs) — contiguous points only,
unless the connection allows a ``max_gap``. Every request, poll or write, goes through one
lock: a Modbus link carries exactly one request at a time.

An exception response or a timeout turns the tags of that block Bad with the reason; a
broken connection turns every tag Bad ("connection lost") and the driver reconnects with
backoff, without an application restart.
"""

from __future__ import annotations

import asyncio
import logging
import math
import struct
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from app.core.address import ModbusPoint, modbus_point, parse_address
from app.core.store import TagStore
from app.core.tags import DataType, Quality, TagDef, TagValue, utcnow
from app.io.driver import DriverBase
from app.io.health import ConnectionHealth, LinkState

log = logging.getLogger(__name__)

MAX_REGISTERS = 125
MAX_BITS = 2000
EXCEPTION_NAMES = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "device failure",
    5: "acknowledge",
    6: "device busy",
    8: "memory parity error",
    10: "gateway path unavailable",
    11: "gateway target did not respond",
}
_STRUCT = {"int16": ">h", "uint16": ">H", "int32": ">i", "uint32": ">I", "float32": ">f", "float64": ">d"}


class ModbusLinkError(Exception):
    """The connection itself failed (not one request): reconnect."""


class ModbusRequestError(Exception):
    """One request failed (exception response or no answer); the message is the reason."""


# --- data conversion ------------------------------------------------------------------
def _reorder(data: bytes, order: str) -> bytes:
    """Wire bytes <-> big-endian bytes for ``order`` (each step is its own inverse)."""
    if order in ("BADC", "DCBA"):
        data = b"".join(data[i + 1 : i + 2] + data[i : i + 1] for i in range(0, len(data), 2))
    if order in ("CDAB", "DCBA"):
        data = b"".join(data[i : i + 2] for i in range(len(data) - 2, -2, -2))
    return data


def decode(point: ModbusPoint, words: list[int] | list[bool]) -> float | int | bool:
    """Turn the registers (or bits) of one point into its engineering value."""
    if point.table in ("co", "di"):
        return bool(words[0])
    if point.data_type == "bit":
        return bool((int(words[0]) >> (point.bit or 0)) & 1)
    data = _reorder(b"".join(int(w).to_bytes(2, "big") for w in words), point.order)
    raw = struct.unpack(_STRUCT[point.data_type], data)[0]
    if point.scale != 1.0 or point.value_offset != 0.0:
        return raw * point.scale + point.value_offset
    return raw  # type: ignore[no-any-return]


def encode(point: ModbusPoint, value: float | int | bool) -> list[int]:
    """The registers that hold ``value`` (engineering units) for this point."""
    raw: float = (float(value) - point.value_offset) / point.scale
    fmt = _STRUCT[point.data_type]
    if point.data_type.startswith(("int", "uint")):
        raw_int = round(raw)
        bits = 16 * point.words
        low, high = (0, 2**bits - 1) if point.data_type.startswith("u") else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        if not low <= raw_int <= high:
            raise ValueError(f"{value!r} does not fit a {point.data_type} register (raw {raw_int})")
        data = struct.pack(fmt, raw_int)
    else:
        if not math.isfinite(raw):
            raise ValueError(f"{value!r} is not a finite number")
        data = struct.pack(fmt, raw)
    data = _reorder(data, point.order)
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def make_decoder(point: ModbusPoint, data_type: DataType) -> Callable[[list[Any], int], float | int | bool]:
    """A fast ``(words, at) -> value`` for one point: polls decode thousands per second."""
    scaled = point.scale != 1.0 or point.value_offset != 0.0
    if point.table in ("co", "di"):
        return lambda words, at: bool(words[at])
    if point.data_type == "bit":
        mask = 1 << (point.bit or 0)
        return lambda words, at: bool(words[at] & mask)
    swapped = point.order in ("BADC", "DCBA")
    if point.data_type in ("uint16", "int16") and not swapped and not scaled:
        as_int = data_type in (DataType.INT, DataType.STATE)
        if point.data_type == "uint16":
            if as_int:
                return lambda words, at: words[at]
            return lambda words, at: float(words[at])
        if as_int:
            return lambda words, at: words[at] - 65536 if words[at] & 0x8000 else words[at]
        return lambda words, at: float(words[at] - 65536 if words[at] & 0x8000 else words[at])
    width = point.words
    tag = TagDef("", "", "", "", "", "", 0.0, 0.0, "", data_type=data_type)
    return lambda words, at: _typed(tag, decode(point, words[at : at + width]))


# --- poll plan ------------------------------------------------------------------------
@dataclass
class Block:
    """One read request: a run of registers (or bits) and the tags inside it."""

    unit: int
    table: str
    start: int
    count: int
    members: list[tuple[str, ModbusPoint]] = field(default_factory=list)
    decoders: list[tuple[str, int, Callable[[list[Any], int], Any]]] = field(default_factory=list)


@dataclass
class PollGroup:
    period_s: float
    blocks: list[Block]
    due: float = 0.0


def plan_blocks(points: Iterable[tuple[str, ModbusPoint]], max_gap: int = 0) -> list[Block]:
    """Merge points into as few reads as the protocol allows (<=125 registers / 2000 bits)."""
    by_key: dict[tuple[int, str], list[tuple[str, ModbusPoint]]] = {}
    for name, point in points:
        by_key.setdefault((point.unit, point.table), []).append((name, point))
    blocks: list[Block] = []
    for (unit, table), members in sorted(by_key.items()):
        limit = MAX_BITS if table in ("co", "di") else MAX_REGISTERS
        members.sort(key=lambda m: m[1].offset)
        current: Block | None = None
        for name, point in members:
            end = point.offset + point.words
            if (
                current is not None
                and point.offset <= current.start + current.count + max_gap
                and max(end, current.start + current.count) - current.start <= limit
            ):
                current.count = max(end, current.start + current.count) - current.start
                current.members.append((name, point))
                continue
            current = Block(unit, table, point.offset, point.words, [(name, point)])
            blocks.append(current)
    return blocks


class ModbusDriver(DriverBase):
    """One Modbus TCP connection: its poll groups, its single request lane, its health.

    Connection options (``plant.yaml``): ``poll_ms`` (default 1000), ``timeout_s`` (2),
    ``max_gap`` (0: merge only contiguous points), ``max_backoff_s`` (10),
    ``stale_factor`` (3: a tag is stale after three missed polls).
    """

    def __init__(
        self,
        name: str,
        host: str,
        port: int,
        store: TagStore,
        tags: Iterable[TagDef],
        options: dict[str, Any] | None = None,
    ) -> None:
        options = options or {}
        tags = list(tags)
        super().__init__(name, store, tags, ConnectionHealth(name, "modbus", f"{host}:{port}"))
        self.host = host
        self.port = port
        self.poll_ms = int(options.get("poll_ms", 1000))
        self.timeout_s = float(options.get("timeout_s", 2.0))
        self.max_gap = int(options.get("max_gap", 0))
        self.max_backoff_s = float(options.get("max_backoff_s", 10.0))
        stale_factor = float(options.get("stale_factor", 3.0))
        self.points: dict[str, ModbusPoint] = {
            t.name: modbus_point(parse_address(t.address, tag=t.name)) for t in tags
        }
        by_rate: dict[int, list[tuple[str, ModbusPoint]]] = {}
        for t in tags:
            by_rate.setdefault(t.sampling_ms or self.poll_ms, []).append((t.name, self.points[t.name]))
        self.groups = [PollGroup(ms / 1000, plan_blocks(pts, self.max_gap)) for ms, pts in sorted(by_rate.items())]
        for group in self.groups:
            for block in group.blocks:
                block.decoders = [
                    (name, point.offset - block.start, make_decoder(point, self.tags[name].data_type))
                    for name, point in block.members
                ]
        self.stale.periods_s = {
            name: max(stale_factor * g.period_s, g.period_s + 2 * self.timeout_s)
            for g in self.groups
            for b in g.blocks
            for name, _ in b.members
        }
        self._client: Any = None
        self._lock = asyncio.Lock()  # exactly one request in flight on this link
        self.requests = 0  # requests sent (for the bench)

    @property
    def reads_per_cycle(self) -> int:
        return sum(len(g.blocks) for g in self.groups)

    # --- one request ---------------------------------------------------------------
    async def _request(self, method: str, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            return await self._send(method, *args, **kwargs)

    async def _send(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """One request; the caller holds :attr:`_lock`."""
        client = self._client
        if client is None or not client.connected:
            raise ModbusLinkError("connection lost")
        from pymodbus.exceptions import ConnectionException, ModbusIOException

        started = time.perf_counter()
        self.requests += 1
        try:
            response = await getattr(client, method)(*args, **kwargs)
        except ConnectionException as exc:
            raise ModbusLinkError(f"connection lost ({exc})") from None
        except ModbusIOException as exc:
            if not client.connected:
                raise ModbusLinkError("connection lost (no answer)") from None
            raise ModbusRequestError(f"no answer within {self.timeout_s:g} s") from exc
        self.health.latency_ms = (time.perf_counter() - started) * 1000
        if response.isError():
            code = getattr(response, "exception_code", None)
            text = EXCEPTION_NAMES.get(code or 0, "error")
            raise ModbusRequestError(f"Modbus exception {code} ({text})")
        return response

    async def _read_block(self, block: Block) -> list[int] | list[bool]:
        method = {"hr": "read_holding_registers", "ir": "read_input_registers",
                  "co": "read_coils", "di": "read_discrete_inputs"}[block.table]
        response = await self._request(method, block.start, count=block.count, device_id=block.unit)
        if block.table in ("co", "di"):
            return list(response.bits[: block.count])
        return list(response.registers)

    # --- polling -------------------------------------------------------------------
    async def _poll_group(self, group: PollGroup) -> None:
        batch: dict[str, TagValue] = {}
        failed: dict[str, str] = {}
        good = Quality.GOOD
        for block in group.blocks:
            try:
                words = await self._read_block(block)
            except ModbusRequestError as exc:
                for name, _ in block.members:
                    failed[name] = str(exc)
                continue
            now = utcnow()
            if len(words) < block.count:
                for name, _ in block.members:
                    failed[name] = f"short answer: {len(words)} of {block.count} registers"
                continue
            for name, at, decoder in block.decoders:
                try:
                    batch[name] = TagValue(decoder(words, at), good, now, now)
                except (struct.error, IndexError, ValueError) as exc:
                    failed[name] = f"cannot decode: {exc}"
        self.publish(batch)
        if failed:
            now = utcnow()
            values = self.store.values
            bad = {}
            for name, reason in failed.items():
                old = values.get(name)
                bad[name] = TagValue(old.value if old else None, Quality.BAD, now, now, reason)
            self.store.apply(bad)
        self.count_bad()

    async def _session(self) -> None:
        from pymodbus.client import AsyncModbusTcpClient

        # pymodbus's own reconnect is off (delay 0): this driver decides when to redial.
        client = AsyncModbusTcpClient(
            self.host, port=self.port, timeout=self.timeout_s, retries=0, reconnect_delay=0
        )
        self._client = client
        if not await client.connect():
            raise ModbusLinkError(f"cannot reach {self.host}:{self.port}")
        self.health.set_state(LinkState.CONNECTED)
        loop = asyncio.get_running_loop()
        for group in self.groups:
            group.due = loop.time()
        while not self._stopping.is_set():
            now = loop.time()
            for group in self.groups:
                if group.due <= now:
                    group.due = max(group.due + group.period_s, now)  # no catch-up bursts
                    await self._poll_group(group)
            next_due = min((g.due for g in self.groups), default=now + 1.0)
            await self.sleep_or_stop(max(0.0, next_due - loop.time()))

    def _describe_failure(self, exc: Exception) -> str:
        message = str(exc) or type(exc).__name__
        if not isinstance(exc, ModbusLinkError | OSError):
            log.exception("%s: unexpected failure", self.name)
        if "cannot reach" not in message:
            message = f"{self.host}:{self.port}: {message}"
        log.warning("%s: %s", self.name, message)
        return message

    async def _disconnect(self) -> None:
        self._close()

    def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - the link is already gone
                pass

    # --- writes --------------------------------------------------------------------
    async def read_tag(self, tag: TagDef) -> float | int | bool:
        """Read one tag now (outside the poll groups) and return its value."""
        point = self.points[tag.name]
        block = Block(point.unit, point.table, point.offset, point.words, [(tag.name, point)])
        return _typed(tag, decode(point, await self._read_block(block)))

    async def write_value(self, tag: TagDef, value: float | int | bool) -> float | int | bool | None:
        """Write ``value`` and return what the device reads back."""
        from app.io.writes import WriteError

        point = self.points.get(tag.name) or modbus_point(parse_address(tag.address, tag=tag.name))
        self.points[tag.name] = point
        if self.health.state is not LinkState.CONNECTED:
            raise WriteError(f"{tag.name}: {self.name} is not connected ({self.health.last_error or 'connecting'})")
        if point.table in ("ir", "di"):
            raise WriteError(f"{tag.name}: {point.table} points are read-only in Modbus")
        try:
            if point.table == "co":
                await self._request("write_coil", point.offset, bool(value), device_id=point.unit)
            elif point.data_type == "bit":
                # Read-modify-write of one bit; the lock keeps polls out between the two.
                async with self._lock:
                    response = await self._send(
                        "read_holding_registers", point.offset, count=1, device_id=point.unit
                    )
                    mask = 1 << (point.bit or 0)
                    current = int(response.registers[0])
                    word = (current | mask) if value else (current & ~mask)
                    await self._send("write_register", point.offset, word, device_id=point.unit)
            else:
                try:
                    words = encode(point, value)
                except ValueError as exc:
                    raise WriteError(f"{tag.name}: {exc}") from None
                await self._request("write_registers", point.offset, words, device_id=point.unit)
            read_back = await self.read_tag(tag)
        except ModbusRequestError as exc:
            raise WriteError(f"{tag.name}: the device refused or did not answer the write ({exc})") from None
        except ModbusLinkError as exc:
            raise WriteError(f"{tag.name}: the write did not reach {self.host}:{self.port} ({exc})") from None
        now = utcnow()
        self.publish({tag.name: TagValue(read_back, Quality.GOOD, now, now)})
        return read_back


def _typed(tag: TagDef, value: float | int | bool) -> float | int | bool:
    if tag.data_type is DataType.BOOL:
        return bool(value)
    if tag.data_type in (DataType.INT, DataType.STATE) and not isinstance(value, bool):
        return int(value)
    if tag.data_type is DataType.FLOAT and not isinstance(value, bool):
        return float(value)
    return value
