from __future__ import annotations

import pytest

from app.core.address import AddressError, parse_address


def test_opcua_address_keeps_the_whole_node_id() -> None:
    a = parse_address("opcua://plc1/ns=2;s=SMF.T_PROC?odd#name")
    assert (a.scheme, a.connection, a.node_id) == ("opcua", "plc1", "ns=2;s=SMF.T_PROC?odd#name")


def test_modbus_address_options() -> None:
    a = parse_address("modbus://rect/hr/40001?type=float32&order=CDAB&scale=0.1")
    assert (a.connection, a.path, a.params["type"], a.params["order"]) == ("rect", "hr/40001", "float32", "CDAB")


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "empty"),
        ("http://x/y", "unknown scheme 'http'"),
        ("opcua:///ns=2;s=X", "names no connection"),
        ("opcua://c/SMF.T", "is not an OPC UA node id"),
        ("modbus://c/xx/1", "table 'xx'"),
        ("modbus://c/hr/abc", "register 'abc'"),
        ("modbus://c/hr/1?type=float16", "type 'float16'"),
        ("modbus://c/hr/1?scale=big", "scale 'big'"),
        ("modbus://c/hr/1?colour=red", "unknown option 'colour'"),
    ],
)
def test_bad_addresses_say_what_is_wrong(url: str, fragment: str) -> None:
    with pytest.raises(AddressError, match=fragment.replace("(", r"\(")):
        parse_address(url)
