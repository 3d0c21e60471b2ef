"""Unit controls are declared in the layout (controls.yaml), checked with file:line errors,
and match what the faceplate used to guess from tag names."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.controls import Command
from app.core.layout import DEFAULT_LAYOUT, LayoutError, PlantLayout, load_layout
from app.core.tags import DataType


def _guessed(layout: PlantLayout, unit: str) -> dict[str, object]:
    """What widgets/faceplate.py guessed from tag-name endings before the declarations."""
    tags = [t for t in layout.tags.values() if t.unit_id == unit]
    commands = [t.name for t in tags if t.writable and t.data_type is DataType.BOOL and t.name.endswith(".CMD")]
    return {
        "mode": f"{unit}.MODE" if f"{unit}.MODE" in layout.tags else "",
        "commands": commands,
        "faults": sorted(t.name for t in tags if t.data_type is DataType.STATE and t.name.endswith(".STATE") and "STOPPED" in t.states),
        "permissives": sorted(t.name for t in tags if t.data_type is DataType.BOOL and t.name.endswith("PERMISSIVE")),
        "interlocks": sorted(t.name for t in tags if t.data_type is DataType.BOOL and t.name.endswith("INTERLOCK")),
    }


def test_the_copper_smelter_declares_what_the_names_used_to_imply(layout: PlantLayout) -> None:
    assert layout.controls["WT.P1"].commands == (Command("WT.P1.CMD", "WT.P1.STATE"),)
    assert layout.controls["SMF"].interlocks == ("SMF.FEED_INTERLOCK",)
    for unit in layout.units:
        declared = layout.controls.get(unit)
        got = {
            "mode": declared.mode if declared else "",
            "commands": [c.tag for c in declared.commands] if declared else [],
            "faults": sorted(declared.faults) if declared else [],
            "permissives": sorted(declared.permissives) if declared else [],
            "interlocks": sorted(declared.interlocks) if declared else [],
        }
        assert got == _guessed(layout, unit), unit
        for command in declared.commands if declared else ():
            assert command.state == command.tag.removesuffix(".CMD") + ".STATE"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    return folder


def _replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def test_mistakes_in_the_controls_are_reported_with_file_and_line(copy: Path) -> None:
    path = copy / "controls.yaml"
    line_tag = _replace(path, "  - tag: WT.P1.CMD", "  - tag: WT.P1.CMDX")
    line_mode = _replace(path, "    mode: SMF.MODE", "    mode: SMF.T_PROC")
    line_perm = _replace(path, "    - PSC1.BLAST_PERMISSIVE", "    - PSC1.STATE")
    _replace(path, "  WT.P2:", "  WT.P9:")
    with pytest.raises(LayoutError) as caught:
        load_layout(copy)
    problems = caught.value.problems
    assert f"{path}:{line_tag}: unit 'WT.P1': commands: unknown tag 'WT.P1.CMDX'" in problems
    assert f"{path}:{line_mode}: unit 'SMF': mode: SMF.T_PROC must be a writable state tag (AUTO/MANUAL)" in problems
    assert any(p.startswith(f"{path}:") and "permissives: PSC1.STATE must be a bool tag" in p for p in problems)
    assert any(p.endswith("unknown unit 'WT.P9'") for p in problems)
    assert line_perm > 0 and len(problems) == 4, problems


def test_crucible_validate_shows_a_controls_mistake(copy: Path) -> None:
    path = copy / "controls.yaml"
    _replace(path, "    interlocks:", "    interlock:")
    bad = subprocess.run([sys.executable, "-m", "app.cli", "validate", str(copy)], capture_output=True, text=True)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert f"{path}:" in bad.stdout and "unit 'SMF': unknown field 'interlock'" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_a_layout_without_controls_declares_none(copy: Path) -> None:
    (copy / "controls.yaml").unlink()
    assert load_layout(copy).controls == {}
