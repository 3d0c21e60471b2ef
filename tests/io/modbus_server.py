"""A real pymodbus TCP server on a free loopback port, for driver tests and the bench."""

from __future__ import annotations

import asyncio
import socket

from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.server import ModbusTcpServer

REGISTERS = 400  # protocol addresses 0..399 exist in every table; beyond: exception 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ModbusTestServer:
    """Device 1 only; requests for other device ids get no answer (a timeout)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.device = ModbusDeviceContext(
            di=ModbusSequentialDataBlock(1, [False] * REGISTERS),
            co=ModbusSequentialDataBlock(1, [False] * REGISTERS),
            hr=ModbusSequentialDataBlock(1, [0] * REGISTERS),
            ir=ModbusSequentialDataBlock(1, [0] * REGISTERS),
        )
        self.context = ModbusServerContext(devices={1: self.device}, single=False)
        self.server: ModbusTcpServer | None = None

    def set_registers(self, table: str, offset: int, words: list[int]) -> None:
        fc = {"hr": 3, "ir": 4}[table]
        self.device.setValues(fc, offset, words)

    def set_bits(self, table: str, offset: int, bits: list[bool]) -> None:
        fc = {"co": 1, "di": 2}[table]
        self.device.setValues(fc, offset, bits)

    def registers(self, table: str, offset: int, count: int) -> list[int]:
        fc = {"hr": 3, "ir": 4}[table]
        return list(self.device.getValues(fc, offset, count))  # type: ignore[arg-type]

    async def start(self) -> None:
        self.server = ModbusTcpServer(
            self.context, address=("127.0.0.1", self.port), ignore_missing_devices=True
        )
        await self.server.serve_forever(background=True)
        await asyncio.sleep(0.05)

    async def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            await server.shutdown()
