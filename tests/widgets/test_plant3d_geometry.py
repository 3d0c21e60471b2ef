"""The 3D meshes (VTK data only, no OpenGL): every equipment can be drawn and picked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from app.core.layout import DEFAULT_LAYOUT, load_layout
from app.plant3d.loader import Plant3DError, load_scene


@pytest.fixture(scope="module")
def scene():  # type: ignore[no-untyped-def]
    return load_scene(load_layout())


def test_every_equipment_has_triangles_of_its_own(scene) -> None:  # type: ignore[no-untyped-def]
    from vtkmodules.util.numpy_support import vtk_to_numpy

    from widgets.plant3d_geometry import build_geometry

    geo = build_geometry(scene)
    owners = vtk_to_numpy(geo.equipment.GetCellData().GetArray("eq"))
    moving = {p.equipment for p in geo.moving}
    for k, eq in enumerate(scene.equipment):
        assert (owners == k).any() or k in moving, eq.id
    assert {p.kind for p in geo.moving} == {"drum", "bridge", "trolley", "hook", "load"}
    assert len([p for p in geo.moving if p.kind == "drum"]) == 3  # the three converters tilt
    assert len(geo.centres) == len(scene.equipment)
    # the merged static plant: two meshes, tens of thousands of triangles at most
    assert 5000 < geo.triangles < 100000
    # converter 2 sits between converters 1 and 3 along the aisle, 30 m apart
    xs = [geo.centres[scene.equipment.index(scene.equipment_by_id(f"PSC{n}"))][0] for n in (1, 2, 3)]
    assert np.allclose(np.diff(xs), 30.0)


def test_an_stl_mesh_can_stand_in_for_a_shape(tmp_path: Path) -> None:
    import shutil

    from vtkmodules.vtkFiltersSources import vtkSphereSource
    from vtkmodules.vtkIOGeometry import vtkSTLWriter

    from widgets.plant3d_geometry import build_geometry

    folder = tmp_path / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    sphere = vtkSphereSource()
    writer = vtkSTLWriter()
    writer.SetFileName(str(folder / "blower.stl"))
    writer.SetInputConnection(sphere.GetOutputPort())
    writer.Write()
    text = (folder / "plant3d.yaml").read_text(encoding="utf-8")
    text = text.replace("  shape: fan\n  at: [264.0, 92.0, 0]\n  params:\n    size: [10, 5, 4]\n",
                        "  shape: mesh\n  mesh: blower.stl\n  at: [264.0, 92.0, 0]\n  params:\n    scale: 4\n")
    assert "mesh: blower.stl" in text
    (folder / "plant3d.yaml").write_text(text, encoding="utf-8")
    scene = load_scene(load_layout(folder))
    assert scene is not None
    blower = scene.equipment_by_id("AP.BLOWER")
    assert blower.shape == "mesh" and blower.mesh == folder / "blower.stl"
    geo = build_geometry(scene)
    from vtkmodules.util.numpy_support import vtk_to_numpy

    owners = vtk_to_numpy(geo.equipment.GetCellData().GetArray("eq"))
    # both sides of every face (a mesh file's faces may point either way; back faces are culled)
    assert (owners == scene.equipment.index(blower)).sum() == 2 * sphere.GetOutput().GetNumberOfCells()
    # a missing mesh file is named with its line
    (folder / "blower.stl").unlink()
    with pytest.raises(Plant3DError) as err:
        load_scene(load_layout(folder))
    assert "equipment 'AP.BLOWER': mesh file 'blower.stl' not found" in err.value.problems[0]


def test_the_light_is_baked_into_point_colours_with_their_owners(scene) -> None:  # type: ignore[no-untyped-def]
    """The panel draws the static plant unlit: its point colours carry the key and fill light."""
    from vtkmodules.util.numpy_support import vtk_to_numpy

    from widgets.plant3d_geometry import build_geometry, light_shade

    geo = build_geometry(scene)
    poly = geo.equipment
    data = poly.GetPointData()
    prgb, shade, owner = (vtk_to_numpy(data.GetArray(n)) for n in ("prgb", "shade", "peq"))
    conn = vtk_to_numpy(poly.GetPolys().GetConnectivityArray())
    sizes = np.diff(vtk_to_numpy(poly.GetPolys().GetOffsetsArray()))
    cell_rgb = np.repeat(vtk_to_numpy(poly.GetCellData().GetArray("rgb")), sizes, axis=0)
    cell_eq = np.repeat(vtk_to_numpy(poly.GetCellData().GetArray("eq")), sizes)
    assert (owner[conn] == cell_eq).all()  # a point belongs to its cells' equipment
    assert np.abs(prgb[conn].astype(float) - cell_rgb * shade[conn, None]).max() <= 1.0
    up, north, south = light_shade(np.array([[0.0, 0, 1], [0, 1, 0], [0, -1, 0]]))
    assert up > south > north >= 0.5  # the sun is high in the south-west; nothing goes black
    for part in geo.moving:
        assert part.poly.GetPointData().GetArray("prgb") is not None
