"""Triangle meshes of the 3D plant scene (VTK, no Qt): built once, off the GUI thread.

:func:`build_geometry` turns a :class:`~app.plant3d.scene.Scene` into a few merged meshes —
buildings, all static equipment (cell arrays ``eq`` = equipment index, ``rgb`` = colour, so one
actor draws and picks every vessel), zones — and one small mesh per moving part (converter drums,
crane bridges, trolleys, hooks and their loads), whose transforms follow the tags. Every mesh also
carries point arrays with a fixed key and fill light baked into its colours (:func:`bake_lighting`),
so the panel can draw it unlit: a software renderer's frame is mostly per-pixel lighting.
Imported only inside ``widgets/`` (and ``bench/``), lazily: ``vtk`` is heavy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray, vtk_to_numpy
from vtkmodules.vtkCommonCore import vtkPoints
from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
from vtkmodules.vtkCommonTransforms import vtkTransform
from vtkmodules.vtkFiltersCore import vtkAppendPolyData, vtkPolyDataNormals, vtkTriangleFilter
from vtkmodules.vtkFiltersGeneral import vtkTransformFilter
from vtkmodules.vtkFiltersSources import vtkCubeSource, vtkSphereSource

from app.plant3d.scene import Equipment, Scene

# ISA-101 shades (grey = normal); colours are only for alarms and bad data (set by the panel)
GROUND = (176, 178, 176)
FLOOR = (192, 192, 190)
STEEL = (126, 130, 134)
CLADDING = (168, 170, 172)
VESSEL = (150, 152, 154)
VESSEL_DARK = (112, 114, 118)
REFRACTORY = (138, 132, 128)

# The light: a fixed key light from the south-west, high, and a weak fill from the north-east
# (directions towards the light), the same for the baked static plant and the renderer's lights
# on the moving parts. Baking it into the static meshes' vertex colours lets them be drawn
# unlit, which halves the fragment work of a software-rendered (llvmpipe) frame.
KEY_LIGHT = (-0.4, -0.6, 0.7)
FILL_LIGHT = (0.5, 0.6, 0.35)
KEY_INTENSITY = 0.75
FILL_INTENSITY = 0.3
AMBIENT = 0.5
DIFFUSE = 0.5


def _poly_from_arrays(points: np.ndarray, faces: list[list[int]]) -> vtkPolyData:
    poly = vtkPolyData()
    pts = vtkPoints()
    pts.SetData(numpy_to_vtk(np.ascontiguousarray(points, dtype=np.float64), deep=True))
    poly.SetPoints(pts)
    cells = vtkCellArray()
    offsets = [0]
    conn: list[int] = []
    for f in faces:
        conn.extend(f)
        offsets.append(len(conn))
    cells.SetData(numpy_to_vtkIdTypeArray(np.array(offsets, dtype=np.int64), deep=True),
                  numpy_to_vtkIdTypeArray(np.array(conn, dtype=np.int64), deep=True))
    poly.SetPolys(cells)
    return poly


def frustum(r0: float, r1: float, height: float, n: int = 24, bottom: bool = True, top: bool = True) -> vtkPolyData:
    """A (truncated) cone along +z from z=0 (radius ``r0``) to ``height`` (radius ``r1``)."""
    a = np.linspace(0, 2 * math.pi, n, endpoint=False)
    ring0 = np.c_[r0 * np.cos(a), r0 * np.sin(a), np.zeros(n)]
    ring1 = np.c_[r1 * np.cos(a), r1 * np.sin(a), np.full(n, height)]
    pts = np.vstack([ring0, ring1, [[0, 0, 0], [0, 0, height]]])
    faces = [[i, (i + 1) % n, n + (i + 1) % n, n + i] for i in range(n)]
    if bottom:
        faces += [[2 * n, (i + 1) % n, i] for i in range(n)]
    if top:
        faces += [[2 * n + 1, n + i, n + (i + 1) % n] for i in range(n)]
    return _smooth(_poly_from_arrays(pts, faces))


def _smooth(poly: vtkPolyData) -> vtkPolyData:
    tri = vtkTriangleFilter()
    tri.SetInputData(poly)
    normals = vtkPolyDataNormals()
    normals.SetInputConnection(tri.GetOutputPort())
    normals.SetFeatureAngle(50)
    normals.SplittingOn()
    normals.ConsistencyOn()
    normals.AutoOrientNormalsOff()
    normals.Update()
    out = vtkPolyData()
    out.ShallowCopy(normals.GetOutput())
    return out


def two_sided(poly: vtkPolyData) -> vtkPolyData:
    """``poly`` plus a copy facing the other way: open shapes (a ladle's inside) stay visible
    with back-face culling on."""
    from vtkmodules.vtkFiltersCore import vtkReverseSense

    rev = vtkReverseSense()
    rev.SetInputData(poly)
    rev.ReverseCellsOn()
    rev.ReverseNormalsOn()
    rev.Update()
    app = vtkAppendPolyData()
    app.AddInputData(poly)
    app.AddInputData(rev.GetOutput())
    app.Update()
    out = vtkPolyData()
    out.ShallowCopy(app.GetOutput())
    return out


def light_shade(normals: np.ndarray) -> np.ndarray:
    """Lambert shade (ambient + diffuse of the key and fill lights) for unit ``normals`` (n, 3)."""
    shade = np.full(len(normals), AMBIENT, dtype=np.float64)
    for direction, intensity in ((KEY_LIGHT, KEY_INTENSITY), (FILL_LIGHT, FILL_INTENSITY)):
        d = np.asarray(direction, dtype=np.float64)
        d /= np.linalg.norm(d)
        shade += DIFFUSE * intensity * np.clip(normals @ d, 0.0, None)
    return np.minimum(shade, 1.0)


def bake_lighting(poly: vtkPolyData) -> None:
    """Add the point arrays ``prgb`` (the cell colour ``rgb`` lit by :func:`light_shade` of the
    point normals), ``shade`` and ``peq`` (the owner ``eq`` of the point's cells) to ``poly``.

    Every part of a merged mesh has its own points (nothing is merged across parts), so a point
    has one colour and one owner."""
    n_points = poly.GetNumberOfPoints()
    cells = poly.GetPolys()
    conn = vtk_to_numpy(cells.GetConnectivityArray())
    sizes = np.diff(vtk_to_numpy(cells.GetOffsetsArray()))
    rgb = np.zeros((n_points, 3), dtype=np.float64)
    owner = np.full(n_points, -1, dtype=np.int32)
    rgb[conn] = np.repeat(vtk_to_numpy(poly.GetCellData().GetArray("rgb")), sizes, axis=0)
    owner[conn] = np.repeat(vtk_to_numpy(poly.GetCellData().GetArray("eq")), sizes)
    normals = poly.GetPointData().GetNormals()
    shade = light_shade(vtk_to_numpy(normals)) if normals is not None else np.full(n_points, AMBIENT + DIFFUSE * KEY_INTENSITY)
    for name, values in (("prgb", np.clip(rgb * shade[:, None] + 0.5, 0, 255).astype(np.uint8)),
                         ("shade", shade.astype(np.float32)), ("peq", owner)):
        arr = numpy_to_vtk(values, deep=True)
        arr.SetName(name)
        poly.GetPointData().AddArray(arr)


def cube(lx: float, ly: float, lz: float) -> vtkPolyData:
    """A box centred on the origin."""
    src = vtkCubeSource()
    src.SetXLength(lx)
    src.SetYLength(ly)
    src.SetZLength(lz)
    tri = vtkTriangleFilter()
    tri.SetInputConnection(src.GetOutputPort())
    tri.Update()
    out = vtkPolyData()
    out.ShallowCopy(tri.GetOutput())
    return out


def sphere(r: float) -> vtkPolyData:
    src = vtkSphereSource()
    src.SetRadius(r)
    src.SetThetaResolution(12)
    src.SetPhiResolution(8)
    src.Update()
    return src.GetOutput()


def transformed(poly: vtkPolyData, t: vtkTransform) -> vtkPolyData:
    f = vtkTransformFilter()
    f.SetInputData(poly)
    f.SetTransform(t)
    f.Update()
    out = vtkPolyData()
    out.ShallowCopy(f.GetOutput())
    return out


def tf(x: float = 0, y: float = 0, z: float = 0, rz: float = 0, ry: float = 0, rx: float = 0) -> vtkTransform:
    """Translate to (x, y, z), then rotate about z, y, x (degrees), applied to the part."""
    t = vtkTransform()
    t.PostMultiply()
    t.RotateX(rx)
    t.RotateY(ry)
    t.RotateZ(rz)
    t.Translate(x, y, z)
    return t


class MeshBuilder:
    """Accumulates parts with a colour and an owner index into one mesh."""

    def __init__(self) -> None:
        self.parts: list[vtkPolyData] = []

    def add(self, poly: vtkPolyData, colour: tuple[int, int, int], owner: int = -1,
            t: vtkTransform | None = None) -> None:
        if t is not None:
            poly = transformed(poly, t)
        n = poly.GetNumberOfCells()
        out = vtkPolyData()
        out.ShallowCopy(poly)
        rgb = numpy_to_vtk(np.tile(np.array(colour, dtype=np.uint8), (n, 1)), deep=True)
        rgb.SetName("rgb")
        out.GetCellData().AddArray(rgb)
        owners = numpy_to_vtk(np.full(n, owner, dtype=np.int32), deep=True)
        owners.SetName("eq")
        out.GetCellData().AddArray(owners)
        self.parts.append(out)

    def box(self, x0: float, y0: float, z0: float, x1: float, y1: float, z1: float, colour: tuple[int, int, int],
            owner: int = -1) -> None:
        self.add(cube(x1 - x0, y1 - y0, z1 - z0), colour, owner, tf((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2))

    def build(self) -> vtkPolyData:
        out = vtkPolyData()
        if not self.parts:
            return out
        app = vtkAppendPolyData()
        for p in self.parts:
            app.AddInputData(p)
        app.Update()
        out.ShallowCopy(app.GetOutput())
        return out


@dataclass
class MovingPart:
    """One actor's mesh that moves: ``kind`` is "drum", "bridge", "trolley", "hook" or "load"."""

    equipment: int
    kind: str
    poly: vtkPolyData
    pivot: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass
class SceneGeometry:
    buildings: vtkPolyData
    equipment: vtkPolyData  # cell arrays "eq" and "rgb"
    moving: list[MovingPart] = field(default_factory=list)
    centres: list[tuple[float, float, float]] = field(default_factory=list)  # per equipment (world)
    sizes: list[float] = field(default_factory=list)  # rough extent per equipment (m)
    triangles: int = 0


def _building(mb: MeshBuilder, b: Any) -> None:
    x0, y0, _ = b.at
    lx, ly, h = b.size
    x1, y1 = x0 + lx, y0 + ly
    mb.box(x0, y0, -0.3, x1, y1, 0.0, FLOOR)
    bays = max(1, round(lx / b.bay))
    step = lx / bays
    col = 0.9
    for i in range(bays + 1):
        x = x0 + i * step
        for y in (y0, y1):
            mb.box(x - col / 2, y - col / 2, 0, x + col / 2, y + col / 2, h, STEEL)
        # roof truss across the hall, pitched: two sloping rafters
        rise = ly * 0.08
        length = math.hypot(ly / 2, rise)
        ang = math.degrees(math.atan2(rise, ly / 2))
        mb.add(cube(0.5, length, 0.9), STEEL, -1, tf(x, y0 + ly / 4, h + rise / 2, rx=ang))
        mb.add(cube(0.5, length, 0.9), STEEL, -1, tf(x, y1 - ly / 4, h + rise / 2, rx=-ang))
    for y in (y0, y1):  # eave beams and crane-rail girders
        mb.box(x0, y - 0.4, h - 0.8, x1, y + 0.4, h, STEEL)
    mb.box(x0, (y0 + y1) / 2 - 0.4, h + ly * 0.08 - 0.5, x1, (y0 + y1) / 2 + 0.4, h + ly * 0.08 + 0.3, STEEL)
    wall = h if b.closed else min(4.0, h / 3)
    t = 0.3
    mb.box(x0, y0 - t, 0, x1, y0, wall, CLADDING)
    mb.box(x0, y1, 0, x1, y1 + t, wall, CLADDING)
    mb.box(x0 - t, y0, 0, x0, y1, h if not b.closed else wall, CLADDING)  # gable ends closed
    mb.box(x1, y0, 0, x1 + t, y1, wall, CLADDING)
    if b.closed:
        mb.box(x0, y0, h, x1, y1, h + 0.4, CLADDING)


def _place(eq: Equipment, x: float = 0, y: float = 0, z: float = 0, rz: float = 0, ry: float = 0, rx: float = 0) -> vtkTransform:
    """A transform for a part at local (x, y, z) of ``eq`` (rotated with it about z)."""
    t = tf(x, y, z, rz, ry, rx)
    t.RotateZ(eq.rotate)
    t.Translate(*eq.at)
    return t


def _cyl_x(r: float, length: float, n: int = 24) -> vtkPolyData:
    """A cylinder along x centred on the origin."""
    return transformed(frustum(r, r, length, n), tf(-length / 2, 0, 0, ry=90))


def _equipment(mb: MeshBuilder, eq: Equipment, k: int, geo: SceneGeometry) -> None:
    s = eq.shape
    c = VESSEL
    cx, cy, cz = eq.at
    size = 5.0
    centre = (cx, cy, cz + 3)
    if s == "tank":
        d, h, cone = float(eq.p("diameter", 5)), float(eq.p("height", 8)), float(eq.p("cone", 0))
        mb.add(frustum(d / 2, d / 2, h), c, k, _place(eq))
        mb.add(frustum(d / 2 + 0.05, d / 2 * 0.8, 0.6), VESSEL_DARK, k, _place(eq, z=h))
        if cone and cz > 0:
            mb.add(frustum(0.6, d / 2, cz), VESSEL_DARK, k, _place(eq, z=-cz))
            for ang in (45, 135, 225, 315):
                r = d / 2 * 0.9
                mb.box(cx + r * math.cos(math.radians(ang)) - 0.3, cy + r * math.sin(math.radians(ang)) - 0.3, 0,
                       cx + r * math.cos(math.radians(ang)) + 0.3, cy + r * math.sin(math.radians(ang)) + 0.3, cz, STEEL, k)
        size, centre = max(d, h), (cx, cy, cz + h / 2)
    elif s == "stack":
        d, top, h = float(eq.p("diameter", 6)), float(eq.p("top_diameter", 4)), float(eq.p("height", 80))
        mb.add(frustum(d / 2, top / 2, h, top=False), c, k, _place(eq))
        mb.add(frustum(top / 2 + 0.3, top / 2 + 0.3, 1.5, bottom=False), VESSEL_DARK, k, _place(eq, z=h - 1.5))
        size, centre = h, (cx, cy, h / 2)
    elif s == "ladle":
        d, h = float(eq.p("diameter", 4)), float(eq.p("height", 4))
        mb.add(ladle_mesh(d, h), REFRACTORY, k, _place(eq))
        size, centre = d, (cx, cy, cz + h / 2)
    elif s == "drum":
        length, d = float(eq.p("length", 10)), float(eq.p("diameter", 4))
        mb.add(_cyl_x(d / 2, length), c, k, _place(eq))
        for off in (-0.3, 0.3):
            mb.add(_cyl_x(d / 2 + 0.25, 0.6), VESSEL_DARK, k, _place(eq, x=off * length))
            mb.box(cx + off * length - 0.8, cy - d / 3, 0, cx + off * length + 0.8, cy + d / 3, cz - d / 2 + 0.2, STEEL, k)
        size, centre = length, (cx, cy, cz)
    elif s == "wheel":
        d, h = float(eq.p("diameter", 14)), float(eq.p("height", 1))
        mb.add(frustum(d / 2, d / 2, 0.5, 48), c, k, _place(eq, z=h - 0.5))
        mb.add(frustum(d / 4, d / 4, h, 24), VESSEL_DARK, k, _place(eq))
        for i in range(18):  # moulds on the rim
            a = 2 * math.pi * i / 18
            mb.add(cube(1.3, 1.0, 0.3), REFRACTORY, k, _place(eq, d / 2 * 0.8 * math.cos(a), d / 2 * 0.8 * math.sin(a), h + 0.1,
                                                              rz=math.degrees(a)))
        size, centre = d, (cx, cy, cz)
    elif s in ("box", "fan"):
        lx, ly, lz = (float(v) for v in eq.p("size", [4, 4, 4]))
        if s == "fan":
            mb.add(cube(lx * 0.55, ly, lz), c, k, _place(eq, x=-lx * 0.2, z=lz / 2))
            mb.add(_cyl_x(lz * 0.4, lx * 0.4), VESSEL_DARK, k, _place(eq, x=lx * 0.3, z=lz * 0.45))
            mb.add(cube(lx, ly * 1.1, 0.3), STEEL, k, _place(eq, z=0.15))
        else:
            mb.add(cube(lx, ly, lz), c, k, _place(eq, z=lz / 2))
        size, centre = max(lx, ly, lz), (cx, cy, cz + lz / 2)
    elif s == "furnace":
        length, w, h = float(eq.p("length", 20)), float(eq.p("width", 8)), float(eq.p("height", 6))
        mb.add(cube(length, w, h), REFRACTORY, k, _place(eq, z=h / 2 + 1))
        mb.add(cube(length + 0.6, w + 0.6, 0.8), STEEL, k, _place(eq, z=h + 1.2))
        for i in range(int(length // 3) + 1):  # buckstays
            mb.add(cube(0.4, w + 1.0, h + 0.5), STEEL, k, _place(eq, x=-length / 2 + i * length / (length // 3), z=h / 2 + 1))
        top = h + 1.6
        if eq.p("shaft_diameter", None):
            d, sh = float(eq.p("shaft_diameter", 6)), float(eq.p("shaft_height", 8))
            at = (float(eq.p("shaft_at", 0.7)) - 0.5) * length
            mb.add(frustum(d / 2, d / 2, sh), c, k, _place(eq, x=at, z=top))
            mb.add(frustum(d / 2 + 0.2, d / 4, 2.0), VESSEL_DARK, k, _place(eq, x=at, z=top + sh))
        if eq.p("uptake_diameter", None):
            d, uh = float(eq.p("uptake_diameter", 5)), float(eq.p("uptake_height", 12))
            mb.add(frustum(d / 2, d / 2, uh), c, k, _place(eq, x=-length / 2 + d / 2 + 0.5, z=top))
            mb.add(cube(8.0, d * 0.8, d * 0.8), c, k, _place(eq, x=-length / 2 - 3.0, z=top + uh - d * 0.4))
        n = int(eq.p("electrodes", 0) or 0)
        for i in range(n):
            mb.add(frustum(0.6, 0.6, 6), STEEL, k, _place(eq, x=(i - (n - 1) / 2) * length / (n + 1), z=top - 0.5))
        size, centre = length, (cx, cy, cz + h)
    elif s == "cell_row":
        cells, rows = int(eq.p("cells", 20)), int(eq.p("rows", 2))
        cl, cw, ch = (float(v) for v in eq.p("cell", [1.2, 5, 1.5]))
        px, py = (float(v) for v in eq.p("pitch", [1.4, 6]))
        for r in range(rows):
            for i in range(cells):
                mb.add(cube(cl, cw, ch), c, k, _place(eq, x=i * px + cl / 2, y=r * py + cw / 2, z=ch / 2 + 0.6))
            mb.add(cube(cells * px, 0.4, 0.5), VESSEL_DARK, k, _place(eq, x=cells * px / 2, y=r * py + cw + 0.3, z=ch + 0.8))
        size = max(cells * px, rows * py)
        centre = (cx + cells * px / 2, cy + rows * py / 2, cz + ch)
    elif s == "conveyor":
        to = [float(v) for v in eq.p("to", [cx + 10, cy, cz])]
        w = float(eq.p("width", 1.4))
        dx, dy, dz = to[0] - cx, to[1] - cy, to[2] - cz
        run = math.hypot(dx, dy)
        length = math.hypot(run, dz)
        yaw, pitch = math.degrees(math.atan2(dy, dx)), -math.degrees(math.atan2(dz, run))
        mid = (cx + dx / 2, cy + dy / 2, cz + dz / 2)
        mb.add(cube(length, w + 1.2, 2.4), CLADDING, k, tf(mid[0], mid[1], mid[2] + 1.2, rz=yaw, ry=pitch))
        for i in range(1, int(length // 12) + 1):
            f = i * 12 / length
            px_, py_, pz_ = cx + dx * f, cy + dy * f, cz + dz * f
            if pz_ > 1:
                mb.box(px_ - 0.4, py_ - 0.4, 0, px_ + 0.4, py_ + 0.4, pz_, STEEL, k)
        size, centre = length, mid
    elif s == "converter":
        length, d, hood = float(eq.p("length", 11)), float(eq.p("diameter", 4.5)), float(eq.p("hood", 10))
        geo.moving.append(MovingPart(k, "drum", converter_drum(length, d), pivot=(cx, cy, cz)))
        for off in (-0.32, 0.32):  # piers under the riding rings
            mb.box(cx + off * length - 0.5, cy - d / 2.5, 0, cx + off * length + 0.5, cy + d / 2.5, cz - d / 2 - 0.25, STEEL, k)
        # water-cooled hood over the mouth, its flue rising and turning back (+y) to the gas duct
        z_hood = cz + d / 2 + 1.2
        mb.add(cube(d * 0.9, d * 1.0, 1.6), VESSEL_DARK, k, tf(cx, cy + 0.2, z_hood + 0.8))
        mb.add(cube(d * 0.7, d * 0.8, hood * 0.6), VESSEL_DARK, k, tf(cx, cy + 0.4, z_hood + 1.6 + hood * 0.3))
        mb.add(cube(d * 0.7, hood * 0.9, d * 0.7), VESSEL_DARK, k,
               tf(cx, cy + 0.4 + hood * 0.45, z_hood + 1.6 + hood * 0.6 - d * 0.35))
        size, centre = length, (cx, cy, cz)
    elif s == "crane":
        span, run, rh = float(eq.p("span", 30)), float(eq.p("run", 100)), float(eq.p("rail_height", 15))
        for y in (cy - 1.0, cy + span + 1.0):
            mb.box(cx, y - 0.5, rh - 1.6, cx + run, y + 0.5, rh, STEEL, -1)
        geo.moving.append(MovingPart(k, "bridge", crane_bridge(span, rh)))
        geo.moving.append(MovingPart(k, "trolley", _coloured(cube(4.5, 5.0, 1.8), STEEL)))
        geo.moving.append(MovingPart(k, "hook", _coloured(cube(0.25, 0.25, 1.0), (60, 60, 60))))
        carry = str(eq.p("carry", "ladle"))
        geo.moving.append(MovingPart(k, "load", ladle_mesh(4.0, 4.0) if carry == "ladle" else anode_rack()))
        size, centre = span, (cx + run / 2, cy + span / 2, rh)
    elif s == "mesh" and eq.mesh is not None:
        # a mesh file's faces may point either way: draw both sides
        mb.add(two_sided(read_mesh(str(eq.mesh), float(eq.p("scale", 1.0)))), c, k, _place(eq))
    geo.centres.append(centre)
    geo.sizes.append(size)


def _coloured(poly: vtkPolyData, colour: tuple[int, int, int]) -> vtkPolyData:
    mb = MeshBuilder()
    mb.add(poly, colour)
    return mb.build()


def ladle_mesh(d: float, h: float) -> vtkPolyData:
    mb = MeshBuilder()
    mb.add(two_sided(frustum(d * 0.4, d * 0.5, h, top=False)), REFRACTORY)
    mb.add(two_sided(frustum(d * 0.52, d * 0.52, 0.4, bottom=False, top=False)), STEEL, -1, tf(z=h - 0.4))
    mb.add(cube(0.3, 0.3, h * 0.9), STEEL, -1, tf(-d * 0.55, 0, h * 0.7))
    mb.add(cube(0.3, 0.3, h * 0.9), STEEL, -1, tf(d * 0.55, 0, h * 0.7))
    mb.add(cube(d * 1.2, 0.3, 0.3), STEEL, -1, tf(0, 0, h * 1.15))
    return mb.build()


def anode_rack() -> vtkPolyData:
    mb = MeshBuilder()
    mb.add(cube(4.0, 1.0, 0.4), STEEL, -1, tf(z=1.6))
    for i in range(8):
        mb.add(cube(0.1, 1.0, 1.1), REFRACTORY, -1, tf(-1.75 + i * 0.5, 0, 0.8))
    return mb.build()


def converter_drum(length: float, d: float) -> vtkPolyData:
    """The drum in its own frame (axis x, centre at the origin, mouth up at tilt 0)."""
    mb = MeshBuilder()
    mb.add(_cyl_x(d / 2, length, 32), REFRACTORY)
    for off in (-0.32, 0.32):
        mb.add(_cyl_x(d / 2 + 0.3, 0.7, 32), STEEL, -1, tf(off * length))
    mb.add(cube(2.2, 1.6, 1.0), STEEL, -1, tf(0, 0, d / 2 + 0.2))  # mouth
    mb.add(cube(length * 0.9, 0.5, 0.5), STEEL, -1, tf(0, d / 2 + 0.1, -0.3))  # tuyere line
    return mb.build()


def crane_bridge(span: float, rail_height: float) -> vtkPolyData:
    """Bridge in its own frame: girders across y from 0 to span, at rail height."""
    mb = MeshBuilder()
    for dx in (-1.2, 1.2):
        mb.add(cube(0.8, span + 2.0, 2.2), STEEL, -1, tf(dx, span / 2, rail_height + 1.1))
    for y in (-1.0, span + 1.0):
        mb.add(cube(3.5, 1.4, 1.2), STEEL, -1, tf(0, y, rail_height + 0.6))
    mb.add(cube(2.0, 2.0, 2.2), CLADDING, -1, tf(0, 3.0, rail_height - 1.2))  # cab
    return mb.build()


def read_mesh(path: str, scale: float) -> vtkPolyData:
    from vtkmodules.vtkIOGeometry import vtkOBJReader, vtkSTLReader

    reader = vtkOBJReader() if path.lower().endswith(".obj") else vtkSTLReader()
    reader.SetFileName(path)
    reader.Update()
    t = vtkTransform()
    t.Scale(scale, scale, scale)
    return _smooth(transformed(reader.GetOutput(), t))


def build_geometry(scene: Scene) -> SceneGeometry:
    """Every mesh of ``scene`` (pure VTK data, safe to build in a worker thread)."""
    bm = MeshBuilder()
    for b in scene.buildings:
        _building(bm, b)
    # the ground last: what stands on it is drawn first, so the depth test skips the ground's
    # hidden pixels instead of shading them twice (a software renderer pays per pixel)
    (gx0, gy0), (gx1, gy1) = scene.ground_min, scene.ground_max
    bm.box(gx0, gy0, -0.8, gx1, gy1, -0.3, GROUND)
    em = MeshBuilder()
    geo = SceneGeometry(vtkPolyData(), vtkPolyData())
    for k, eq in enumerate(scene.equipment):
        _equipment(em, eq, k, geo)
    geo.buildings = bm.build()
    geo.equipment = em.build()
    for poly in (geo.buildings, geo.equipment, *(part.poly for part in geo.moving)):
        bake_lighting(poly)
    geo.triangles = (geo.buildings.GetNumberOfCells() + geo.equipment.GetNumberOfCells()
                     + sum(m.poly.GetNumberOfCells() for m in geo.moving))
    return geo
