"""Layout keys the I/O layer reads (sampling_ms, max_step, report_deadband) and Modbus
address decoding: checked once, at load, with the tag's name in every complaint."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.address import AddressError, modbus_point, parse_address
from app.core.layout import DEFAULT_LAYOUT, LayoutError, load_layout


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_io_keys_are_loaded(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "tags" / "smf.yaml", "  address: opcua://sim/ns=2;s=SMF.T_PROC\n",
          "  address: opcua://sim/ns=2;s=SMF.T_PROC\n  sampling_ms: 250\n  report_deadband: 0.2\n")
    _edit(folder / "tags" / "psc.yaml", "  address: opcua://sim/ns=2;s=PSC2.BLAST_SP\n",
          "  address: opcua://sim/ns=2;s=PSC2.BLAST_SP\n  max_step: 2000\n")
    layout = load_layout(folder)
    t_proc = layout.tags["SMF.T_PROC"]
    assert (t_proc.sampling_ms, t_proc.report_deadband, t_proc.max_step) == (250, 0.2, None)
    assert layout.tags["PSC2.BLAST_SP"].max_step == 2000.0
    assert layout.tags["SMF.T_MATTE"].sampling_ms == 0  # the connection's default


def test_bad_io_keys_name_the_tag(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "tags" / "smf.yaml", "  address: opcua://sim/ns=2;s=SMF.T_PROC\n",
          "  address: opcua://sim/ns=2;s=SMF.T_PROC\n  sampling_ms: fast\n  max_step: -1\n")
    with pytest.raises(LayoutError) as info:
        load_layout(folder)
    text = "\n".join(info.value.problems)
    assert "tag 'SMF.T_PROC': sampling_ms must be a number, got 'fast' (text in quotes)" in text
    assert "tag 'SMF.T_PROC': max_step must be above 0, got -1" in text


@pytest.mark.parametrize(
    ("url", "table", "offset"),
    [
        ("modbus://c/hr/40001", "hr", 0), ("modbus://c/hr/400101", "hr", 100), ("modbus://c/hr/7", "hr", 7),
        ("modbus://c/ir/30005", "ir", 4), ("modbus://c/di/10001", "di", 0), ("modbus://c/co/00012", "co", 11),
        ("modbus://c/co/12", "co", 12),
    ],
)
def test_modbus_register_numbering(url: str, table: str, offset: int) -> None:
    point = modbus_point(parse_address(url))
    assert (point.table, point.offset) == (table, offset)


def test_modbus_point_options() -> None:
    point = modbus_point(parse_address("modbus://rect/hr/40011?type=float64&order=DCBA&scale=0.5&offset=3&unit=4"))
    assert (point.words, point.order, point.scale, point.value_offset, point.unit) == (4, "DCBA", 0.5, 3.0, 4)
    assert modbus_point(parse_address("modbus://rect/co/1")).is_bit


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("modbus://c/co/1?type=float32", "holds bits"),
        ("modbus://c/di/1?bit=3", "option 'bit' is for registers"),
        ("modbus://c/hr/1?bit=16", "bit '16' is not a number from 0 to 15"),
        ("modbus://c/hr/1?unit=x", "unit 'x'"),
        ("modbus://c/hr/70000", "beyond 65535"),
    ],
)
def test_bad_modbus_addresses_name_the_tag_and_the_part(url: str, fragment: str) -> None:
    with pytest.raises(AddressError) as info:
        parse_address(url, tag="RECT1.I_DC")
    assert str(info.value).startswith("tag 'RECT1.I_DC': bad address: ")
    assert fragment in str(info.value)
