"""The Modbus register map: the file in the layout, and the encoding both sides rely on."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pymodbus.client import ModbusTcpClient

from app.core.layout import PlantLayout
from app.sim.modbus_map import ModbusMapError, RegisterEntry, load_modbus_map


def test_layout_map_names_real_tags_and_fits_modbus_limits(layout: PlantLayout) -> None:
    mmap = load_modbus_map(layout.folder / "modbus_map.yaml")
    assert {e.table for e in mmap.entries} >= {"hr", "ir", "co"}
    for entry in mmap.entries:
        tag = layout.tags[entry.tag]
        assert entry.writable == tag.writable, entry.tag
        if entry.type != "float32" and entry.type != "bool":
            raw_high = tag.eu_high / entry.scale
            assert raw_high < 2 ** (16 * entry.count), entry.tag  # EU range fits the integer
    assert {"TH.RECT1.I", "TH.RECT2.I", "WT.P1.CMD", "EM.TH.KWH", "PD.MAIN.P"} <= set(mmap.by_tag())


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.sampled_from(["big", "little"]))
def test_float32_matches_pymodbus_own_conversion(value: float, order: str) -> None:
    entry = RegisterEntry("X", "ir", 0, "float32", word_order=order)
    words = entry.encode(value)
    dt = ModbusTcpClient.DATATYPE.FLOAT32
    assert words == ModbusTcpClient.convert_to_registers(value, dt, word_order=order)  # type: ignore[arg-type]
    assert entry.decode(words) == pytest.approx(value, rel=1e-6, abs=1e-30)


@given(st.integers(min_value=-(2**31), max_value=2**31 - 1), st.sampled_from(["big", "little"]))
def test_int32_round_trips_like_pymodbus(raw: int, order: str) -> None:
    entry = RegisterEntry("X", "ir", 0, "int32", scale=0.1, word_order=order)
    words = entry.encode(raw * 0.1)
    assert words == ModbusTcpClient.convert_to_registers(raw, ModbusTcpClient.DATATYPE.INT32, word_order=order)  # type: ignore[arg-type]
    assert entry.decode(words) == pytest.approx(raw * 0.1)


def test_scaled_integers_saturate_instead_of_wrapping() -> None:
    entry = RegisterEntry("X", "ir", 0, "uint16", scale=0.01)
    assert entry.encode(1000.0) == [65535]
    assert entry.encode(-5.0) == [0]
    assert RegisterEntry("X", "ir", 0, "int16", scale=0.1).decode([0xFFFF]) == pytest.approx(-0.1)


@pytest.mark.parametrize(("text", "message"), [
    ("registers:\n- {tag: A, table: xx, address: 0, type: uint16}\n", "table must be"),
    ("registers:\n- {tag: A, table: ir, address: 0, type: bool}\n", "does not fit"),
    ("registers:\n- {tag: A, table: ir, address: 0, type: float32}\n- {tag: B, table: ir, address: 1, type: uint16}\n", "already holds A"),
    ("registers:\n- {tag: A, table: ir, address: 0, type: uint16, writable: true}\n", "only hr and co"),
    ("registers:\n- {tag: A, table: ir, type: uint16}\n", "entry 1 (A)"),
])
def test_map_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "modbus_map.yaml"
    path.write_text(text)
    with pytest.raises(ModbusMapError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_modbus_map(path)
