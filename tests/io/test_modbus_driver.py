"""The Modbus driver against a real pymodbus TCP server on a free port (no mocks)."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator

import pytest

from app.core.address import modbus_point, parse_address
from app.core.store import TagStore
from app.core.tags import DataType, Quality, TagDef
from app.io.health import LinkState
from app.io.modbus import MAX_REGISTERS, ModbusDriver, decode, encode, plan_blocks
from app.io.writes import WritePath, WriteRequest
from tests.io.modbus_server import ModbusTestServer
from tests.io.test_opcua_driver import wait_for


def tag(name: str, address: str, **kw: object) -> TagDef:
    base: dict[str, object] = dict(
        area="A", unit_id="U", description_en=name, description_zh="", eng_unit="", eu_low=-1e9, eu_high=1e9,
    )
    base.update(kw)
    return TagDef(name=name, address=address, **base)  # type: ignore[arg-type]


@pytest.fixture
async def modbus_server() -> AsyncIterator[ModbusTestServer]:
    server = ModbusTestServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _words(fmt: str, value: float, order: str) -> list[int]:
    data = struct.pack(fmt, value)
    regs = [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]
    if order in ("CDAB", "DCBA"):
        regs.reverse()
    if order in ("BADC", "DCBA"):
        regs = [((r & 0xFF) << 8) | (r >> 8) for r in regs]
    return regs


@pytest.mark.parametrize("order", ["ABCD", "DCBA", "BADC", "CDAB"])
@pytest.mark.parametrize(
    ("dtype", "fmt", "value"),
    [("int16", ">h", -1234), ("uint16", ">H", 54321), ("int32", ">i", -123456789),
     ("uint32", ">I", 3000000000), ("float32", ">f", 1234.5), ("float64", ">d", -98765.4321)],
)
def test_every_type_and_order_round_trips(dtype: str, fmt: str, value: float, order: str) -> None:
    point = modbus_point(parse_address(f"modbus://c/hr/0?type={dtype}&order={order}"))
    words = _words(fmt, value, order) if dtype not in ("int16", "uint16") or order in ("ABCD", "CDAB") else None
    encoded = encode(point, value)
    if words is not None:
        assert encoded == words
    assert decode(point, encoded) == pytest.approx(value)


def test_scaling_and_bits() -> None:
    point = modbus_point(parse_address("modbus://c/hr/40010?type=int16&scale=0.1&offset=-50"))
    assert point.offset == 9
    assert encode(point, 20.0) == [700]
    assert decode(point, [700]) == pytest.approx(20.0)
    bit = modbus_point(parse_address("modbus://c/hr/3?type=bit&bit=4"))
    assert decode(bit, [0b10000]) is True and decode(bit, [0b01111]) is False
    with pytest.raises(ValueError, match="does not fit"):
        encode(modbus_point(parse_address("modbus://c/hr/0?type=uint16")), -1)


def test_contiguous_points_merge_into_reads_of_at_most_125_registers() -> None:
    points = [(f"T{i}", modbus_point(parse_address(f"modbus://c/hr/{2 * i}?type=float32"))) for i in range(200)]
    points.append(("GAP", modbus_point(parse_address("modbus://c/hr/1000"))))
    points.append(("IR", modbus_point(parse_address("modbus://c/ir/0"))))
    blocks = plan_blocks(points)
    hr = [b for b in blocks if b.table == "hr"]
    assert all(b.count <= MAX_REGISTERS for b in blocks)
    assert [b.count for b in hr] == [124, 124, 124, 28, 1]  # 400 contiguous registers, then the gap
    assert sum(len(b.members) for b in blocks) == 202
    assert {b.table for b in blocks} == {"hr", "ir"}


async def test_driver_polls_merges_and_recovers(modbus_server: ModbusTestServer) -> None:
    server = modbus_server
    server.set_registers("hr", 0, encode(modbus_point(parse_address("modbus://p/hr/0?type=float32")), 1234.5))
    server.set_registers("hr", 2, [65535])
    server.set_registers("ir", 10, [250])
    server.set_bits("co", 5, [True])
    server.set_bits("di", 7, [True])
    tags = [
        tag("F", "modbus://p/hr/40001?type=float32", data_type=DataType.FLOAT),
        tag("I", "modbus://p/hr/2?type=int16", data_type=DataType.INT),
        tag("S", "modbus://p/ir/10?scale=0.1", data_type=DataType.FLOAT),
        tag("C", "modbus://p/co/5", data_type=DataType.BOOL),
        tag("D", "modbus://p/di/7", data_type=DataType.BOOL, sampling_ms=200),
    ]
    store = TagStore(tags)
    driver = ModbusDriver("p", "127.0.0.1", server.port, store, tags, {"poll_ms": 200, "timeout_s": 0.5})
    assert driver.reads_per_cycle == 4  # hr 0..2 is one read
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: len(store.values) == 5 and all(v.is_good for v in store.values.values()), 10)
        assert store.get("F").value == pytest.approx(1234.5)
        assert store.get("I").value == -1
        assert store.get("S").value == pytest.approx(25.0)
        assert store.get("C").value is True and store.get("D").value is True
        assert driver.health.state is LinkState.CONNECTED and driver.health.latency_ms is not None

        server.set_registers("ir", 10, [300])
        assert await wait_for(lambda: store.get("S").value == pytest.approx(30.0), 5)

        # The server goes away: every tag Bad within 5 s, the reason says so.
        port = server.port
        await server.stop()
        assert await wait_for(lambda: all(v.quality is Quality.BAD for v in store.values.values()), 5)
        assert store.get("F").reason == "connection lost"
        assert driver.health.state in (LinkState.DOWN, LinkState.CONNECTING)
        assert driver.health.bad_tags == 5

        # It comes back on the same port: values flow again, no restart of the driver.
        server.port = port
        server.set_registers("ir", 10, [420])
        await server.start()
        assert await wait_for(lambda: all(v.is_good for v in store.values.values()), 15)
        assert store.get("S").value == pytest.approx(42.0)
        assert driver.health.reconnects >= 1 and driver.health.bad_tags == 0
    finally:
        await driver.stop()
        await task
    assert all(v.quality is Quality.BAD for v in store.values.values())


async def test_exception_and_timeout_turn_tags_bad_with_the_reason(modbus_server: ModbusTestServer) -> None:
    tags = [
        tag("OK", "modbus://p/hr/1"),
        tag("MISSING", "modbus://p/hr/5000"),  # beyond the device's registers: exception 2
        tag("SILENT", "modbus://p/hr/1?unit=9"),  # no such device: the server never answers
    ]
    store = TagStore(tags)
    driver = ModbusDriver("p", "127.0.0.1", modbus_server.port, store, tags, {"poll_ms": 300, "timeout_s": 0.4})
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: len(store.values) == 3, 10)
        assert await wait_for(lambda: store.get("SILENT") is not None and store.get("SILENT").reason != "", 10)
        assert store.get("MISSING").quality is Quality.BAD
        assert store.get("MISSING").reason == "Modbus exception 2 (illegal data address)"
        assert store.get("SILENT").quality is Quality.BAD
        assert store.get("SILENT").reason == "no answer within 0.4 s"
        assert store.get("OK").is_good  # one bad block does not spoil the others
        assert driver.health.state is LinkState.CONNECTED and driver.health.bad_tags == 2
    finally:
        await driver.stop()
        await task


async def test_writes_are_checked_and_confirmed_by_read_back(modbus_server: ModbusTestServer) -> None:
    tags = [
        tag("SP", "modbus://p/hr/20?type=float32&order=CDAB", writable=True, write_low=0.0, write_high=500.0,
            eu_low=0.0, eu_high=1000.0, eng_unit="kPa", max_step=100.0),
        tag("RUN", "modbus://p/co/3", data_type=DataType.BOOL, writable=True),
        tag("FLAG", "modbus://p/hr/30?type=bit&bit=2", data_type=DataType.BOOL, writable=True),
    ]
    store = TagStore(tags)
    driver = ModbusDriver("p", "127.0.0.1", modbus_server.port, store, tags, {"poll_ms": 200})
    path = WritePath(store, {"p": driver})
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: all(v.is_good for v in store.values.values()) and len(store.values) == 3, 10)
        ok = await path.write(WriteRequest("SP", 80.0, user="eng"))
        assert ok.ok, ok.message
        assert ok.read_back == pytest.approx(80.0) and "confirmed by read-back" in ok.message
        assert decode(driver.points["SP"], modbus_server.registers("hr", 20, 2)) == pytest.approx(80.0)

        refused = await path.write(WriteRequest("SP", 600.0, user="eng"))
        assert not refused.ok and refused.message == "SP: 600 kPa is outside the allowed range 0 to 500 kPa"
        jump = await path.write(WriteRequest("SP", 400.0, user="eng"))
        assert not jump.ok and "more than the allowed step of 100 kPa" in jump.message
        assert decode(driver.points["SP"], modbus_server.registers("hr", 20, 2)) == pytest.approx(80.0)

        assert (await path.write(WriteRequest("RUN", True, user="eng"))).ok
        assert modbus_server.device.getValues(1, 3, 1) == [True]
        modbus_server.set_registers("hr", 30, [0b1001])
        flag = await path.write(WriteRequest("FLAG", True, user="eng"))
        assert flag.ok, flag.message
        assert modbus_server.registers("hr", 30, 1) == [0b1101]  # the other bits kept
    finally:
        await driver.stop()
        await task


async def test_write_without_confirmation_in_time_fails_plainly(modbus_server: ModbusTestServer) -> None:
    tags = [
        tag("OK", "modbus://p/hr/1"),
        tag("SILENT_SP", "modbus://p/hr/5?unit=9", writable=True, write_low=0.0, write_high=100.0),
    ]
    store = TagStore(tags)
    driver = ModbusDriver("p", "127.0.0.1", modbus_server.port, store, tags, {"poll_ms": 300, "timeout_s": 2.0})
    audited = []
    path = WritePath(store, {"p": driver}, audit=lambda req, res: audited.append(res), read_back_timeout_s=0.5)
    task = asyncio.create_task(driver.run())
    try:
        assert await wait_for(lambda: driver.health.state is LinkState.CONNECTED and store.get("OK") is not None, 10)
        result = await path.write(WriteRequest("SILENT_SP", 10.0, user="eng"))
        assert not result.ok
        assert result.message == (
            "SILENT_SP: no read-back confirmation within 0.5 s; "
            "the write may or may not have reached the device - check the value"
        )
        assert audited == [result]  # never silent: the failure is audited too
        assert await wait_for(lambda: store.get("OK").is_good, 5)  # the link is still usable
    finally:
        await driver.stop()
        await task
