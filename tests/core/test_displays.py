"""Displays as data: every display loads; mistakes are reported as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.displays import DisplayError, load_displays
from app.core.layout import PlantLayout


def test_the_copper_smelter_displays_cover_every_area(layout: PlantLayout) -> None:
    displays = load_displays(layout)
    levels = {d.id: d.level for d in displays.values()}
    assert levels["overview"] == 1
    level2 = {d.id for d in displays.values() if d.level == 2}
    assert {"cb", "smf", "psc", "af", "th", "ap", "sf", "util"} <= level2
    assert {"psc1", "th_s1"} <= {d.id for d in displays.values() if d.level == 3}
    # Every level-2 display has its own function key, and every display a Chinese title.
    assert sorted(d.key for d in displays.values() if d.level == 2) == [f"F{i}" for i in range(2, 10)]
    assert all(d.title_zh for d in displays.values())
    # The tankhouse section shows every cell voltage of its section as a bar.
    bars = [e for e in displays["th_s1"].elements if e.type == "bars"]
    assert set(bars[0].tags) == {f"TH.S1.C{i:02d}.V" for i in range(1, 41)}
    # Every area of the layout is reachable from some display.
    shown_areas = {layout.tags[t].area for d in displays.values() for t in d.bound_tags}
    assert shown_areas == set(layout.areas)


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_mistakes_are_listed_with_file_and_line(layout: PlantLayout, tmp_path: Path) -> None:
    folder = tmp_path / "displays"
    _write(folder, "a.yaml", """\
display:
  id: a
  level: 2
  title_en: A
  title_zh: 甲
  key: F13
elements:
- {type: value, at: [0, 0], tag: NO.SUCH.TAG}
- {type: blob, at: [0, 0]}
- {type: nav, at: [0, 0], target: nowhere, label_en: Go, label_zh: 去}
- {type: analog, at: [1, x], tag: SMF.T_PROC}
- {type: label, at: [0, 0], label_en: Only English}
""")
    with pytest.raises(DisplayError) as err:
        load_displays(layout, folder)
    problems = err.value.problems
    f = folder / "a.yaml"
    assert f"{f}:2: display 'a': key 'F13' is not F1..F12" in problems
    assert f"{f}:8: value: unknown tag 'NO.SUCH.TAG'" in problems
    assert any(p.startswith(f"{f}:9: unknown element type 'blob'") for p in problems)
    assert f"{f}:10: nav: target 'nowhere' is not a display" in problems
    assert f"{f}:11: analog: 'at' must be [x, y] numbers, got [1, 'x']" in problems
    assert f"{f}:12: label: has label_en but no label_zh (every visible text needs Chinese)" in problems


def test_broken_yaml_names_the_line(layout: PlantLayout, tmp_path: Path) -> None:
    _write(tmp_path / "d", "b.yaml", "display:\n  id: b\n elements: [\n")
    with pytest.raises(DisplayError) as err:
        load_displays(layout, tmp_path / "d")
    assert err.value.problems[0].startswith(f"{tmp_path / 'd' / 'b.yaml'}:3:")


def test_validate_checks_the_displays_too(layout: PlantLayout, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from app.cli import main

    assert main(["validate", str(layout.folder)]) == 0
    assert "14 displays" in capsys.readouterr().out
    copy = tmp_path / "plant"
    shutil.copytree(layout.folder, copy)
    broken = copy / "displays" / "30_psc.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("tag: PSC2.T_BATH", "tag: PSC2.T_BATHX", 1), encoding="utf-8")
    assert main(["validate", str(copy)]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:" in out and "unknown tag 'PSC2.T_BATHX'" in out


def test_every_unit_an_operator_can_command_has_a_faceplate_on_a_display(layout: PlantLayout) -> None:
    """A unit with setpoints, modes or start/stop commands must be reachable: some display has
    an equipment symbol bound to it (a click opens its faceplate)."""
    from app.core.displays import ELEMENT_TYPES

    displays = load_displays(layout)
    equipment = {kind for kind, (needs_tag, _) in ELEMENT_TYPES.items() if not needs_tag} - {"pipe", "label", "frame", "nav"}
    reachable = {e.unit for d in displays.values() for e in d.elements if e.type in equipment and e.unit}
    commanded = {t.unit_id for t in layout.tags.values() if t.writable}
    assert commanded - reachable == set()
