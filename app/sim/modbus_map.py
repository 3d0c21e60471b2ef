"""The Modbus register map of the simulator: load, encode and decode (no pymodbus here).

The map lives in the plant layout (``plant_layouts/<plant>/modbus_map.yaml``); its header
comment is the format's documentation. In short: one entry per tag with ``table`` (``hr``
holding registers, ``ir`` input registers, ``co`` coils, ``di`` discrete inputs), zero-based
protocol ``address``, ``type`` (``bool``, ``int16``, ``uint16``, ``int32``, ``uint32``,
``float32``), ``word_order`` for 32-bit types (``big``: high word first, the default;
``little``: low word first) and ``scale`` (engineering value = raw x scale; default 1).
Bytes inside a register are always big-endian, as Modbus says.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path

import yaml

TABLES = ("hr", "ir", "co", "di")
TYPES = {"bool": 1, "int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2}
_INT_RANGE = {"int16": (-(2**15), 2**15 - 1), "uint16": (0, 2**16 - 1),
              "int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1)}


class ModbusMapError(ValueError):
    """A mistake in a register map file (the message names the entry)."""


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """Where one tag lives on the Modbus server and how its value is encoded."""

    tag: str
    table: str
    address: int
    type: str
    scale: float = 1.0
    word_order: str = "big"
    writable: bool = False

    @property
    def count(self) -> int:
        """Registers (or bits) the value occupies."""
        return TYPES[self.type]

    def encode(self, value: float | int | bool) -> list[int]:
        """Engineering value -> register words (or ``[0/1]`` for a bit)."""
        if self.type == "bool":
            return [1 if value else 0]
        if self.type == "float32":
            words = list(struct.unpack(">HH", struct.pack(">f", float(value) / self.scale)))
        else:
            low, high = _INT_RANGE[self.type]
            x = float(value) / self.scale
            raw = 0 if math.isnan(x) else int(min(max(round(x), low), high))
            if self.type in ("int16", "uint16"):
                return [raw & 0xFFFF]
            words = [(raw >> 16) & 0xFFFF, raw & 0xFFFF]
        return words if self.word_order == "big" else words[::-1]

    def decode(self, words: list[int] | list[bool]) -> float | bool:
        """Register words (or a bit) -> engineering value."""
        if self.type == "bool":
            return bool(words[0])
        w = [int(x) for x in words[: self.count]]
        if self.count == 2 and self.word_order == "little":
            w = w[::-1]
        if self.type == "float32":
            return float(struct.unpack(">f", struct.pack(">HH", *w))[0]) * self.scale
        raw = w[0] if self.count == 1 else (w[0] << 16) | w[1]
        if self.type.startswith("int"):
            bits = 16 * self.count
            if raw >= 1 << (bits - 1):
                raw -= 1 << bits
        return raw * self.scale


@dataclass(frozen=True, slots=True)
class ModbusMap:
    device_id: int
    entries: tuple[RegisterEntry, ...]

    def by_tag(self) -> dict[str, RegisterEntry]:
        return {e.tag: e for e in self.entries}

    def size(self, table: str) -> int:
        """One past the highest address used in ``table``."""
        return max((e.address + e.count for e in self.entries if e.table == table), default=0)


def load_modbus_map(path: Path | str) -> ModbusMap:
    """Read and check a register map; raise :class:`ModbusMapError` naming the bad entry."""
    path = Path(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    default_order = str(doc.get("word_order", "big"))
    entries: list[RegisterEntry] = []
    used: dict[tuple[str, int], str] = {}
    for i, raw in enumerate(doc.get("registers") or [], 1):
        where = f"{path}: entry {i} ({raw.get('tag', '?')})"
        try:
            entry = RegisterEntry(
                tag=str(raw["tag"]), table=str(raw["table"]), address=int(raw["address"]), type=str(raw["type"]),
                scale=float(raw.get("scale", 1.0)), word_order=str(raw.get("word_order", default_order)),
                writable=bool(raw.get("writable", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModbusMapError(f"{where}: {exc}") from None
        if entry.table not in TABLES:
            raise ModbusMapError(f"{where}: table must be one of {', '.join(TABLES)}")
        if entry.type not in TYPES or (entry.type == "bool") != (entry.table in ("co", "di")):
            raise ModbusMapError(f"{where}: type {entry.type!r} does not fit table {entry.table!r}")
        if entry.word_order not in ("big", "little") or entry.scale == 0:
            raise ModbusMapError(f"{where}: word_order must be big or little and scale non-zero")
        if entry.writable and entry.table not in ("hr", "co"):
            raise ModbusMapError(f"{where}: only hr and co entries can be writable")
        for a in range(entry.address, entry.address + entry.count):
            if (entry.table, a) in used:
                raise ModbusMapError(f"{where}: {entry.table} {a} already holds {used[(entry.table, a)]}")
            used[(entry.table, a)] = entry.tag
        entries.append(entry)
    return ModbusMap(int(doc.get("device_id", 1)), tuple(entries))
