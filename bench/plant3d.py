"""The 3D plant view: frame time while orbiting, and the cost of one update of every bound tag.

Run under Xvfb with Mesa software rendering and the xcb platform (VTK cannot draw on Qt's
``offscreen`` platform):

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" .venv/bin/python bench/plant3d.py --json

- ``orbit``: the full plant panel (merged static meshes, moving parts, zones, people, labels),
  the camera orbiting the whole plant; frames per second.
- ``bare``: a bare VTK render window of the same size with the same triangles as ONE merged mesh
  (one actor, no labels, no translucency) orbiting the same way — the raw library's best case.
  ``ratio`` = bare frame time / panel frame time (1.0 = the panel costs nothing extra).
- ``update``: one 1 Hz update in which every bound tag changes (the simulator's next second plus a
  change forced on every bound tag): the panel's ``refresh()`` (looks, colours, transforms,
  people, labels), without the render; and ``update+render`` with the frame it triggers.

Goals (issue 18): >= 20 fps orbiting, update <= 10 ms, ratio >= 0.7.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import parser, report  # noqa: E402

SIZE = (1024, 640)  # a dock in the central area of a 1920x1080 screen


def _orbit(render, camera, frames: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(frames):
        camera.Azimuth(360.0 / frames)
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return times


def _timed_azimuth(render, camera, frames: int) -> list[float]:  # type: ignore[no-untyped-def]
    camera.Azimuth(360.0 / frames)
    start = time.perf_counter()
    render()
    return [time.perf_counter() - start]


def main() -> int:
    args = parser(__doc__ or "").parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    from app.core.tags import Quality, TagValue, utcnow
    from app.plant3d.local import LocalPlant
    from widgets.panel import PanelContext
    from widgets.plant3d_panel import Plant3DPanel
    from widgets.store_bridge import StoreBridge

    plant = LocalPlant()
    plant.step(1.0, everything=True)
    bridge = StoreBridge(plant.store, rate_hz=0.01)  # the bench calls refresh itself
    panel = Plant3DPanel(PanelContext(runtime=plant, bridge=bridge))  # type: ignore[arg-type]
    panel.resize(SIZE[0], SIZE[1] + 60)
    panel.show()
    app.processEvents()
    if not panel.wait_ready():
        print(f"no 3D view: {panel.problem}")
        return 1
    app.processEvents()
    window = panel._vtk.GetRenderWindow()
    width, height = window.GetSize()
    panel.set_view("OVERVIEW", animate=False)
    camera = panel.renderer.GetActiveCamera()
    frames = 36

    # one 1 Hz update of every bound tag
    scene = panel.scene
    assert scene is not None
    bound = sorted(t for t in scene.bound_tags() if t in plant.layout.tags
                   and not plant.layout.tags[t].address.startswith("calc://"))
    update_times, update_render_times = [], []
    for i in range(12):
        plant.model.step(1.0)
        now = utcnow()
        batch = {}
        for name in bound:
            value = plant.model.values.get(name, 0)
            if isinstance(value, bool):
                value = value if i % 2 else not value
            elif isinstance(value, float):
                value = value + (0.5 if i % 2 else -0.5)
            batch[name] = TagValue(value, Quality.GOOD, now, now)
        plant.store.apply(batch)
        plant.alarms.tick()
        start = time.perf_counter()
        panel.refresh(render=False)
        mid = time.perf_counter()
        panel.render_view()
        end = time.perf_counter()
        update_times.append(mid - start)
        update_render_times.append(end - start)

    triangles = panel.meshes.triangles
    # bare VTK: the same triangles as one merged mesh, one actor
    from vtkmodules.vtkFiltersCore import vtkAppendPolyData
    from vtkmodules.vtkRenderingCore import (
        vtkActor,
        vtkPolyDataMapper,
        vtkRenderer,
        vtkRenderWindow,
    )

    append = vtkAppendPolyData()
    append.AddInputData(panel.meshes.buildings)
    append.AddInputData(panel.meshes.equipment)
    for part in panel.meshes.moving:
        append.AddInputData(part.poly)
    append.Update()
    bare_window = vtkRenderWindow()
    bare_window.SetSize(width, height)
    bare_window.SetMultiSamples(0)
    ren = vtkRenderer()
    bare_window.AddRenderer(ren)
    mapper = vtkPolyDataMapper()
    mapper.SetInputConnection(append.GetOutputPort())
    mapper.StaticOn()
    actor = vtkActor()
    actor.SetMapper(mapper)
    ren.AddActor(actor)
    for v in scene.views:
        if v.id == "OVERVIEW":
            ren.GetActiveCamera().SetFocalPoint(*v.focal)
            ren.GetActiveCamera().SetPosition(*v.position)
            ren.GetActiveCamera().SetViewUp(0, 0, 1)
    ren.ResetCameraClippingRange()

    def bare_render() -> None:
        ren.ResetCameraClippingRange()
        bare_window.Render()

    # interleaved, frame by frame, so both see the same load on a shared machine
    panel.set_view("OVERVIEW", animate=False)
    bare_camera = ren.GetActiveCamera()
    _orbit(panel.render_view, camera, 6)  # warm up (shader compilation)
    _orbit(bare_render, bare_camera, 6)
    panel_times, bare_times = [], []
    for _ in range(frames):
        panel_times += _timed_azimuth(panel.render_view, camera, frames)
        bare_times += _timed_azimuth(bare_render, bare_camera, frames)
    bare_window.Finalize()
    panel.close_view()
    app.processEvents()

    frame = statistics.median(panel_times)
    bare = statistics.median(bare_times)
    update = statistics.median(update_times)
    update_render = statistics.median(update_render_times)
    figures = {
        "window": f"{width}x{height}",
        "triangles": triangles,
        "bound_tags": len(bound),
        "orbit_fps": round(1.0 / frame, 1),
        "orbit_frame_ms": round(frame * 1000, 2),
        "bare_fps": round(1.0 / bare, 1),
        "ratio": round(bare / frame, 3),
        "update_ms": round(update * 1000, 2),
        "update_render_ms": round(update_render * 1000, 2),
        "goal_fps": 20,
        "goal_update_ms": 10,
        "goal_ratio": 0.7,
    }
    rows = [
        ("window / triangles", f"{width}x{height} / {triangles}", "whole plant, overview"),
        ("orbit (panel)", f"{1 / frame:.1f} fps", f"{frame * 1000:.1f} ms/frame; goal >= 20 fps"),
        ("orbit (bare VTK, 1 mesh)", f"{1 / bare:.1f} fps", f"{bare * 1000:.1f} ms/frame"),
        ("ratio bare/panel", f"{bare / frame:.2f}", "goal >= 0.7"),
        (f"update of {len(bound)} tags", f"{update * 1000:.2f} ms", "refresh() without the frame; goal <= 10 ms"),
        ("update + its frame", f"{update_render * 1000:.1f} ms", ""),
    ]
    report("3D plant view (Xvfb + Mesa)", rows, figures, args.json)
    bridge.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
