"""Tag addresses are URLs; the scheme picks the driver (PyDM's channel idea).

- ``opcua://<connection>/ns=2;s=SMF.T_PROC``
- ``modbus://<connection>/hr/40001?type=float32&order=ABCD&scale=0.1``
- ``sim://<tag>`` (a value computed inside the simulator only)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

SCHEMES = ("opcua", "modbus", "sim")
_NODE_ID = re.compile(r"^(ns=\d+;)?(s=.+|i=\d+|g=[0-9a-fA-F-]{36}|b=.+)$")
MODBUS_TABLES = ("hr", "ir", "co", "di")
MODBUS_TYPES = ("int16", "uint16", "int32", "uint32", "float32", "float64", "bit")
MODBUS_ORDERS = ("ABCD", "DCBA", "BADC", "CDAB")


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


def parse_address(url: str) -> Address:
    """Parse and check a tag address, raising :class:`AddressError` saying what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise AddressError("address is empty")
    parts = urlsplit(url.strip())
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
        if key not in ("type", "order", "scale", "offset", "unit", "bit"):
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
