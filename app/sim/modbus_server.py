"""The simulator's Modbus TCP server (pymodbus 3.11): rectifiers, utilities, energy meters.

The registers and their encoding come from the layout's ``modbus_map.yaml``
(:mod:`app.sim.modbus_map`). :meth:`PlantModbusServer.publish` encodes new values into the
data blocks; :meth:`PlantModbusServer.client_writes` finds what clients wrote to writable
holding registers and coils since.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from pymodbus.datastore import ModbusDeviceContext, ModbusSequentialDataBlock, ModbusServerContext
from pymodbus.server import ModbusTcpServer

from app.sim.modbus_map import ModbusMap, RegisterEntry

log = logging.getLogger(__name__)
_FUNCTION = {"co": 1, "di": 2, "hr": 3, "ir": 4}  # the read function code picks the block


class PlantModbusServer:
    """Serves a :class:`ModbusMap` on ``host:port`` (device id from the map)."""

    def __init__(self, register_map: ModbusMap, host: str = "127.0.0.1", port: int = 5020) -> None:
        self.map = register_map
        self.host, self.port = host, port
        self.entries = register_map.by_tag()
        blocks = {t: ModbusSequentialDataBlock(0, [0] * (register_map.size(t) + 2)) for t in _FUNCTION}
        self.device = ModbusDeviceContext(di=blocks["di"], co=blocks["co"], hr=blocks["hr"], ir=blocks["ir"])
        self.context = ModbusServerContext(devices={register_map.device_id: self.device}, single=False)
        self._server: ModbusTcpServer | None = None
        self._published: dict[str, list[int]] = {}

    @property
    def url(self) -> str:
        return f"modbus://{self.host}:{self.port}"

    async def start(self, initial: Mapping[str, float | int | bool] | None = None) -> None:
        if initial:
            self.publish(initial)
        self._server = ModbusTcpServer(self.context, address=(self.host, self.port))
        try:
            await self._server.serve_forever(background=True)
        except RuntimeError as exc:  # pymodbus reports a busy port this way
            self._server = None
            raise OSError(f"Modbus: cannot listen on {self.host}:{self.port}: {exc}") from None
        log.info("Modbus TCP server listening on %s with %d tags", self.url, len(self.entries))

    def _words(self, entry: RegisterEntry) -> list[int]:
        got = self.device.getValues(_FUNCTION[entry.table], entry.address, entry.count)
        return [int(x) for x in got] if isinstance(got, list) else []

    def publish(self, values: Mapping[str, float | int | bool]) -> int:
        """Encode the values of mapped tags into the blocks; return how many were mapped."""
        n = 0
        for name, value in values.items():
            entry = self.entries.get(name)
            if entry is None:
                continue
            words = entry.encode(value)
            self.device.setValues(_FUNCTION[entry.table], entry.address, [bool(w) for w in words] if entry.table in ("co", "di") else words)
            if entry.writable:
                self._published[name] = words
            n += 1
        return n

    def client_writes(self) -> dict[str, float]:
        """Writable tags whose registers a client changed since the last publish."""
        changed: dict[str, float] = {}
        for name, words in self._published.items():
            entry = self.entries[name]
            now = self._words(entry)
            if now and now != words:
                changed[name] = float(entry.decode(now))
                self._published[name] = now
        return changed

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            await server.shutdown()
