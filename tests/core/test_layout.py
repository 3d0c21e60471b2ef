"""The plant layout loader: the shipped layout is complete; mistakes get file:line messages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.layout import DEFAULT_LAYOUT, LayoutError, PlantLayout, load_layout

AREAS_OF_THE_FLOW = {"CB", "SMF", "PSC", "AF", "TH", "AP", "SF", "OX", "PD", "WT"}


def test_shipped_layout_covers_the_whole_smelter(layout: PlantLayout) -> None:
    assert len(layout.tags) >= 300
    assert AREAS_OF_THE_FLOW <= set(layout.areas)
    kinds = {u.kind for u in layout.units.values()}
    assert {"furnace", "converter", "anode_furnace", "casting_wheel", "cell_row", "rectifier"} <= kinds
    assert {"PSC1", "PSC2", "PSC3", "AF1", "AF2", "SCF"} <= set(layout.units)
    cells = [t for t in layout.tags if t.startswith("TH.S") and t.endswith(".V")]
    assert len(cells) == 80
    for tag in layout.tags.values():
        assert tag.description_en and tag.description_zh, tag.name
        assert tag.eu_low < tag.eu_high, tag.name


def test_reference_alarm_figures_are_the_normal_bands(layout: PlantLayout) -> None:
    t_proc = layout.tags["SMF.T_PROC"]
    assert (t_proc.eng_unit, t_proc.normal_low, t_proc.normal_high) == ("°C", 1250, 1350)
    assert layout.tags["TH.T_ELEC"].normal_low == 61
    assert layout.tags["SMF.O2_ENR_SP"].setpoint_of == "SMF.O2_ENR"
    assert layout.tags["SMF.O2_ENR_SP"].writable and layout.tags["SMF.O2_ENR_SP"].critical


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    return folder


def _problems(folder: Path) -> list[str]:
    with pytest.raises(LayoutError) as info:
        load_layout(folder)
    return info.value.problems


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` with ``new``; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def _tag_start_line(path: Path, name: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if text.strip() == f"- name: {name}")


def test_unknown_unit_is_reported_with_file_and_line(broken: Path) -> None:
    path = broken / "tags" / "smf.yaml"
    _edit(path, "eu: °C", "eu: degC")
    line = _tag_start_line(path, "SMF.T_MATTE")
    assert f"{path}:{line}: tag 'SMF.T_MATTE': unknown unit 'degC'" in _problems(broken)


def test_duplicate_tag_is_reported(broken: Path) -> None:
    path = broken / "tags" / "smf.yaml"
    _edit(path, "name: SMF.T_SLAG", "name: SMF.T_PROC")
    problems = _problems(broken)
    assert any(f"{path}:" in p and "duplicate tag 'SMF.T_PROC'" in p and "first defined at" in p for p in problems)


def test_bad_address_is_reported(broken: Path) -> None:
    path = broken / "tags" / "th.yaml"
    _edit(path, "address: opcua://sim/ns=2;s=TH.T_ELEC", "address: opcua://nowhere/ns=2;s=TH.T_ELEC")
    _edit(path, "address: opcua://sim/ns=2;s=TH.CU", "address: ftp://sim/TH.CU")
    problems = "\n".join(_problems(broken))
    assert f"{path}:{_tag_start_line(path, 'TH.T_ELEC')}: tag 'TH.T_ELEC': bad address" in problems
    assert "unknown connection 'nowhere'" in problems
    assert "unknown scheme 'ftp'" in problems


def test_missing_field_is_reported(broken: Path) -> None:
    path = broken / "tags" / "ap.yaml"
    text = path.read_text(encoding="utf-8")
    start = _tag_start_line(path, "AP.TAIL_SO2")
    lines = text.splitlines()
    lines = [ln for i, ln in enumerate(lines, 1) if not (i > start and i < start + 8 and ln.strip().startswith("eu:"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert f"{path}:{start}: tag 'AP.TAIL_SO2': missing field 'eu'" in _problems(broken)


def test_yaml_syntax_error_names_the_line(broken: Path) -> None:
    path = broken / "tags" / "cb.yaml"
    line = _edit(path, "  desc_en: Blend iron", "  desc_en: [Blend iron")
    problems = _problems(broken)
    assert len(problems) == 1
    reported = int(problems[0].split(":")[1])
    assert problems[0].startswith(f"{path}:") and line <= reported <= line + 2


def test_every_mistake_is_listed_not_only_the_first(broken: Path) -> None:
    path = broken / "tags" / "smf.yaml"
    _edit(path, "eu: °C", "eu: degC")
    _edit(path, "eu: vol %", "eu: vol-%")
    assert len(_problems(broken)) == 2


def test_validate_command(broken: Path, layout: PlantLayout) -> None:
    ok = subprocess.run([sys.executable, "-m", "app.cli", "validate", str(DEFAULT_LAYOUT)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert f"OK: {len(layout.areas)} areas, {len(layout.units)} units, {len(layout.tags)} tags" in ok.stdout
    _edit(broken / "tags" / "smf.yaml", "eu: °C", "eu: degC")
    bad = subprocess.run([sys.executable, "-m", "app.cli", "validate", str(broken)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "unknown unit 'degC'" in bad.stdout and str(broken / "tags" / "smf.yaml") in bad.stdout


def test_missing_folder(tmp_path: Path) -> None:
    assert "does not exist" in _problems(tmp_path / "nope")[0]


def test_write_when_must_name_a_state_of_a_state_tag(broken: Path) -> None:
    path = broken / "tags" / "psc.yaml"
    line = _tag_start_line(path, "PSC1.OUT")
    _edit(path, "write_when: PSC1.MODE=MANUAL", "write_when: PSC1.MODE=MANAUL")
    _edit(path, "write_when: PSC2.MODE=MANUAL", "write_when: PSC2.STATE")
    line2 = _tag_start_line(path, "PSC2.OUT")
    problems = _problems(broken)
    assert f"{path}:{line}: tag 'PSC1.OUT': write_when: 'MANAUL' is not a state of PSC1.MODE (MANUAL, AUTO)" in problems
    assert f"{path}:{line2}: tag 'PSC2.OUT': write_when 'PSC2.STATE' should read TAG=STATE, e.g. PSC1.MODE=MANUAL" in problems


# --- issue 13 §7: the loader survives malformed files ---------------------------------------------
def _layout_copy(tmp_path):  # type: ignore[no-untyped-def]
    import shutil

    from app.core.layout import DEFAULT_LAYOUT

    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    return folder


@pytest.mark.parametrize(("edit", "expected"), [
    (("tags/pd.yaml", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n  writable: 'false'\n"),
     "tag 'PD.MAIN.V': writable must be true or false, got 'false' (text in quotes)"),
    (("tags/pd.yaml", "  range:\n  - 0\n  - 130\n", "  range: [-.inf, .inf]\n"), "range must be [low, high] finite numbers"),
    (("tags/pd.yaml", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n  deadband: .nan\n"),
     "deadband must be a finite number"),
    (("tags/pd.yaml", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n  states: true\n"),
     "states must be a list"),
    (("tags/pd.yaml", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n", "  address: opcua://sim/ns=2;s=PD.MAIN.V\n  sampling_ms: .inf\n"),
     "sampling_ms must be a finite number"),
    (("plant.yaml", "  units:\n  - id: CB\n", "  units: 5\n  unused:\n  - id: CB\n"), "units must be a list of units"),
    (("plant.yaml", "connections:\n", "connections:\n  plc2:\n    protocol: modbus\n    host: h\n    port: 99999999999\n"),
     "connection 'plc2': port must not be above 65535"),
    (("plant.yaml", "tag_files:\n- tags/*.yaml\n", "tag_files: 5\n"), "tag_files must be a list of file patterns"),
    (("plant.yaml", "plant:\n", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
      "plant:\n"), "an alias bomb"),
])
def test_malformed_layouts_name_file_and_line(tmp_path, edit, expected) -> None:  # type: ignore[no-untyped-def]
    folder = _layout_copy(tmp_path)
    rel, old, new = edit
    path = folder / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(LayoutError) as info:
        load_layout(folder)
    problems = info.value.problems
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(str(path)) or p.startswith(str(folder)) for p in problems), problems


def test_deep_nesting_and_huge_mappings_are_refused_quickly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = _layout_copy(tmp_path)
    (folder / "plant.yaml").write_text("x: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(LayoutError, match=r"plant.yaml:1: exceeded maximum nesting depth"):
        load_layout(folder)
    (folder / "plant.yaml").write_text("".join(f"k{i}: {i}\n" for i in range(50_000)), encoding="utf-8")
    with pytest.raises(LayoutError, match=r"plant.yaml:1: a mapping with 50,000 keys"):
        load_layout(folder)
