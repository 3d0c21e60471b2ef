"""Tag addresses are URLs; the scheme picks the driver (PyDM's channel idea).

- ``opcua://<connection>/ns=2;s=SMF.T_PROC``
- ``modbus://<connection>/hr/40001?type=float32&order=ABCD&scale=0.1``
- ``sim://<tag>`` (a value computed inside the simulator only)
- ``calc://<module>/<name>`` (a value a Crucible module computes and publishes into the store
  with ``TagStore.apply``: no driver reads it; alarms and history treat it like any tag)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

SCHEMES = ("opcua", "modbus", "sim", "calc")
_NODE_ID = re.compile(r"^(ns=\d+;)?(s=.+|i=\d+|g=[0-9a-fA-F-]{36}|b=.+)$")
MODBUS_TABLES = ("hr", "ir", "co", "di")
MODBUS_TYPES = ("int16", "uint16", "int32", "uint32", "float32", "float64", "bit")
MODBUS_ORDERS = ("ABCD", "DCBA", "BADC", "CDAB")
MODBUS_OPTIONS = ("type", "order", "scale", "offset", "unit", "bit")
# The classic Modicon numbering (40001 = first holding register) per table.
_MODICON_BASE = {"hr": 4, "ir": 3, "di": 1, "co": 0}
_TYPE_WORDS = {"int16": 1, "uint16": 1, "int32": 2, "uint32": 2, "float32": 2, "float64": 4, "bit": 1}


class AddressError(ValueError):
    """A tag address that cannot be used; the message names the bad part."""


@dataclass(frozen=True, slots=True)
class Address:
    scheme: str
    connection: str
    path: str
    params: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    raw: str = ""

    @property
    def node_id(self) -> str:
        """For OPC UA: the node id string (``ns=2;s=...``)."""
        return self.path


def parse_address(url: str, tag: str = "") -> Address:
    """Parse and check a tag address, raising :class:`AddressError` saying what is wrong.

    With ``tag`` the message starts with the tag's name, so an engineer knows which of
    thousands of definitions to fix.
    """
    if tag:
        try:
            return parse_address(url)
        except AddressError as exc:
            raise AddressError(f"tag {tag!r}: bad address: {exc}") from None
    if not isinstance(url, str) or not url.strip():
        raise AddressError("address is empty")
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # e.g. "modbus://[": an unclosed IPv6 bracket
        raise AddressError(f"{url[:80]!r} is not a valid address ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise AddressError(
            f"unknown scheme {parts.scheme!r} in {url!r} (expected one of {', '.join(SCHEMES)})"
        )
    connection = parts.netloc
    if not connection:
        raise AddressError(f"{url!r} names no connection (expected {scheme}://<connection>/...)")
    path = parts.path.lstrip("/")
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if scheme == "opcua":
        # A node id may itself contain '?' or '#': take everything after the connection.
        _, _, path = url.strip().split("://", 1)[1].partition("/")
        if not _NODE_ID.match(path):
            raise AddressError(f"{url!r}: {path!r} is not an OPC UA node id (like ns=2;s=Name)")
        params = {}
    elif scheme == "modbus":
        _check_modbus(url, path, params)
    elif scheme == "sim":
        path = path or connection
    elif scheme == "calc" and not path:
        raise AddressError(f"{url!r}: expected calc://<module>/<name>")
    return Address(scheme, connection, path, params, url.strip())


def _check_modbus(url: str, path: str, params: dict[str, str]) -> None:
    pieces = path.split("/")
    if len(pieces) != 2:
        raise AddressError(f"{url!r}: expected modbus://<connection>/<table>/<register>")
    table, register = pieces
    if table not in MODBUS_TABLES:
        raise AddressError(f"{url!r}: table {table!r} is not one of {', '.join(MODBUS_TABLES)}")
    if not register.isdigit():
        raise AddressError(f"{url!r}: register {register!r} is not a number")
    for key in params:
        if key not in MODBUS_OPTIONS:
            raise AddressError(f"{url!r}: unknown option {key!r}")
    if params.get("type", "uint16") not in MODBUS_TYPES:
        raise AddressError(f"{url!r}: type {params['type']!r} is not one of {', '.join(MODBUS_TYPES)}")
    if params.get("order", "ABCD") not in MODBUS_ORDERS:
        raise AddressError(f"{url!r}: order {params['order']!r} is not one of {', '.join(MODBUS_ORDERS)}")
    for key in ("scale", "offset"):
        if key in params:
            try:
                float(params[key])
            except ValueError:
                raise AddressError(f"{url!r}: {key} {params[key]!r} is not a number") from None
    for key, top in (("unit", 255), ("bit", 15)):
        if key in params and not (params[key].isdigit() and int(params[key]) <= top):
            raise AddressError(f"{url!r}: {key} {params[key]!r} is not a number from 0 to {top}")
    if table in ("co", "di") and params.get("type", "bit") != "bit":
        raise AddressError(f"{url!r}: table {table!r} holds bits; type {params['type']!r} does not fit")
    if "bit" in params and table in ("co", "di"):
        raise AddressError(f"{url!r}: option 'bit' is for registers (hr, ir), not {table!r}")
    if register_offset(table, register) > 65535:
        raise AddressError(f"{url!r}: register {register!r} is beyond 65535")


def register_offset(table: str, register: str) -> int:
    """The 0-based protocol address of ``register`` in ``table``.

    Written in Modicon form (``hr/40001``, ``ir/300010``, ``di/10001``, ``co/00001``) the
    number counts from 1 within its table; otherwise it is the 0-based protocol address.
    """
    number = int(register)
    base = _MODICON_BASE[table]
    if len(register) == 5 and register[0] == str(base) and number % 10000:
        return number % 10000 - 1
    if len(register) == 6 and register[0] == str(base) and number % 100000:
        return number % 100000 - 1
    return number


@dataclass(frozen=True, slots=True)
class ModbusPoint:
    """A Modbus address, decoded once: what to read and how to turn it into a value."""

    connection: str
    table: str  # hr | ir | co | di
    offset: int  # 0-based protocol address
    data_type: str
    order: str
    scale: float
    value_offset: float
    unit: int  # Modbus device id
    bit: int | None  # bit of a register, for type=bit on hr/ir

    @property
    def words(self) -> int:
        """Registers (or bits, for coils and discrete inputs) this point occupies."""
        return 1 if self.table in ("co", "di") else _TYPE_WORDS[self.data_type]

    @property
    def is_bit(self) -> bool:
        return self.data_type == "bit" or self.table in ("co", "di")


def modbus_point(address: Address) -> ModbusPoint:
    """Decode a parsed ``modbus://`` address into a :class:`ModbusPoint`."""
    table, register = address.path.split("/")
    p = address.params
    default_type = "bit" if table in ("co", "di") else "uint16"
    data_type = p.get("type", default_type)
    bit = int(p["bit"]) if "bit" in p else (0 if data_type == "bit" and table in ("hr", "ir") else None)
    return ModbusPoint(
        connection=address.connection,
        table=table,
        offset=register_offset(table, register),
        data_type=data_type,
        order=p.get("order", "ABCD"),
        scale=float(p.get("scale", 1.0)),
        value_offset=float(p.get("offset", 0.0)),
        unit=int(p.get("unit", 1)),
        bit=bit,
    )
