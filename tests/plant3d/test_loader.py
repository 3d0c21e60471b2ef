"""plant3d.yaml: the real scene loads with every binding resolved; mistakes name file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.core.layout import DEFAULT_LAYOUT, load_layout
from app.modules import discover
from app.plant3d.loader import Plant3DError, load_scene

SCENE = DEFAULT_LAYOUT / "plant3d.yaml"


@pytest.fixture(scope="module")
def layout():  # type: ignore[no-untyped-def]
    return load_layout()


def _copy_layout(tmp_path: Path) -> Path:
    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    return folder


def _line_of(path: Path, text: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return n
    raise AssertionError(f"{text!r} not in {path}")


def test_copper_scene_is_complete_and_bound(layout) -> None:  # type: ignore[no-untyped-def]
    scene = load_scene(layout)
    assert scene is not None
    ids = {e.id for e in scene.equipment}
    for unit in ("SMF", "PSC1", "PSC2", "PSC3", "PSC.CRANE1", "PSC.CRANE2", "TH.CRANE", "AF1", "TH.S1", "AP.CONV"):
        assert unit in ids
    assert {e.shape for e in scene.equipment} >= {"furnace", "converter", "ladle", "tank", "cell_row", "conveyor",
                                                 "crane", "stack"}
    for tag in scene.bound_tags():
        assert tag in layout.tags, tag
    assert scene.equipment_by_id("PSC2").bind["tilt"] == "PSC2.TILT"
    assert scene.equipment_by_id("PSC.CRANE1").bind == {"x": "PSC.CRANE1.X", "y": "PSC.CRANE1.Y", "load": "PSC.CRANE1.LOAD"}
    assert scene.equipment_by_id("TH.CRANE").bind == {"x": "TH.CRANE.X", "y": "TH.CRANE.Y", "load": "TH.CRANE.LOAD"}
    aisle = next(z for z in scene.zones if z.id == "Z02")
    assert aisle.persons == "HSE.Z02.PERSONS" and aisle.gas == "HSE.AMBIENT_SO2"
    assert layout.tags[aisle.alarm_tag].address == f"calc://plant3d/{aisle.alarm_tag}"
    # roughly to scale: the converter aisle is over 100 m long, the stack over 100 m high
    hall = next(b for b in scene.buildings if b.id == "B.PSC")
    assert hall.size[0] > 100
    assert scene.equipment_by_id("AP.STACK").params["height"] >= 100


def test_module_validate_passes_on_the_copper_layout(layout) -> None:  # type: ignore[no-untyped-def]
    module = discover().get("plant3d")
    assert module is not None and module.validate is not None
    assert module.validate(layout) == []


def test_an_unbound_tag_fails_validate_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy_layout(tmp_path)
    scene_file = folder / "plant3d.yaml"
    text = scene_file.read_text(encoding="utf-8")
    assert "tilt: PSC2.TILT" in text
    scene_file.write_text(text.replace("tilt: PSC2.TILT", "tilt: PSC2.TILT_TYPO"), encoding="utf-8")
    layout = load_layout(folder)
    problems = discover().get("plant3d").validate(layout)  # type: ignore[union-attr]
    entry_line = _line_of(scene_file, "- id: PSC2")
    assert problems == [f"{scene_file}:{entry_line}: equipment 'PSC2' tilt: unknown tag 'PSC2.TILT_TYPO'"]


def test_a_zone_with_an_unknown_people_tag_fails(tmp_path: Path) -> None:
    folder = _copy_layout(tmp_path)
    scene_file = folder / "plant3d.yaml"
    scene_file.write_text(scene_file.read_text(encoding="utf-8").replace("persons: HSE.Z05.PERSONS", "persons: HSE.Z55.PERSONS"),
                          encoding="utf-8")
    with pytest.raises(Plant3DError) as err:
        load_scene(load_layout(folder))
    line = _line_of(scene_file, "- id: Z05")
    assert err.value.problems == [f"{scene_file}:{line}: zone 'Z05' persons: unknown tag 'HSE.Z55.PERSONS'"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("unit: PSC3\n", "unit: PSC9\n", "equipment 'PSC3': unknown plant unit 'PSC9'"),
        ("shape: stack", "shape: chimney", "equipment 'AP.STACK': unknown shape 'chimney'"),
        ("x: TH.CRANE.X, ", "", "equipment 'TH.CRANE': a crane needs a 'x' binding"),
        ("bind: {running: CB.BELT1.STATE}", "bind: {running: CB.FEED_RATE}",
         "equipment 'CB.BELT1': running tag 'CB.FEED_RATE' must be a state or bool tag, not float"),
        ("alarm_tag: HSE.Z02.OCCUPIED_UNSAFE", "alarm_tag: HSE.AMBIENT_SO2",
         "zone 'Z02': alarm_tag 'HSE.AMBIENT_SO2' must have a calc:// address"),
    ],
)
def test_other_mistakes_are_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    folder = _copy_layout(tmp_path)
    scene_file = folder / "plant3d.yaml"
    text = scene_file.read_text(encoding="utf-8")
    assert old in text, old
    scene_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(Plant3DError) as err:
        load_scene(load_layout(folder))
    assert len(err.value.problems) == 1, err.value.problems
    assert err.value.problems[0].startswith(f"{scene_file}:")
    assert message in err.value.problems[0]


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    folder = _copy_layout(tmp_path)
    scene_file = folder / "plant3d.yaml"
    lines = scene_file.read_text(encoding="utf-8").splitlines()
    lines[10] = lines[10] + " ]["
    scene_file.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(Plant3DError) as err:
        load_scene(load_layout(folder))
    assert err.value.problems[0].startswith(f"{scene_file}:")


def test_a_plant_without_a_scene_has_none(tmp_path: Path) -> None:
    folder = _copy_layout(tmp_path)
    (folder / "plant3d.yaml").unlink()
    layout = load_layout(folder)
    assert load_scene(layout) is None
    assert discover().get("plant3d").validate(layout) == []  # type: ignore[union-attr]
