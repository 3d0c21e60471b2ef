"""The 3D plant view: frame time while orbiting, and the cost of one update of every bound tag.

Run under Xvfb with Mesa software rendering and the xcb platform (VTK cannot draw on Qt's
``offscreen`` platform):

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x1024x24" .venv/bin/python bench/plant3d.py --json

- ``orbit``: the full plant panel (merged static meshes, moving parts, zones, people, labels),
  the camera orbiting the whole plant; frames per second.
- ``bare``: a bare VTK render window (no Qt) of the same size with the same triangles as ONE
  merged mesh (one actor, no labels, no zones, no people) orbiting the same way, in two set-ups:

  * same settings (``bare_fps``, ``ratio``): the panel's render settings — no MSAA, no FXAA,
    plain background, back faces culled, unlit, the lighting baked into vertex colours (the same
    arrays the panel draws; the panel lights only its three turning converter drums, with two
    scene lights). ``ratio`` = this frame time / panel frame time: what the panel's extras
    (zones, people, labels on their layer, 15 moving actors, Qt) cost on top of the same
    drawing. 1.0 = nothing.
  * VTK's defaults (``bare_default_fps``, ``ratio_default``): one lit single-colour mesh with the
    render window's default multisampling (``GetMultiSamples()``, 8 in VTK 9.7), a headlight, no
    culling, plain background. ``ratio_default`` = this frame time / panel frame time.

  Each side's settings are printed in the JSON (``settings_panel``, ``settings_bare``,
  ``settings_bare_default``).

  Panel and bare_same frames are interleaved one by one, so both see the same load of a shared
  machine; bare_default runs after them (its 8x multisampling would slow the others down too).
  ``load_avg`` is the 1-minute load average at the end; ``*_cpu_ms`` the CPU time of this process
  per frame (llvmpipe's threads included), which a busy machine inflates less than wall time.
- ``update``: one 1 Hz update in which every bound tag changes (the simulator's next second plus a
  change forced on every bound tag): the panel's ``refresh()`` (looks, colours, transforms,
  people, labels), without the render; and ``update+render`` with the frame it triggers.

Goals (issue 18): >= 20 fps orbiting, update <= 10 ms, ratio >= 0.7.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

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


def _timed_azimuth(render, camera, frames: int, cpu: list[float] | None = None) -> list[float]:  # type: ignore[no-untyped-def]
    camera.Azimuth(360.0 / frames)
    start, start_cpu = time.perf_counter(), time.process_time()
    render()
    if cpu is not None:  # CPU time of this process (llvmpipe's threads included)
        cpu.append(time.process_time() - start_cpu)
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
    # bare VTK: the same triangles as one merged mesh, one actor (see the docstring)
    from vtkmodules.vtkCommonDataModel import vtkPolyData
    from vtkmodules.vtkFiltersCore import vtkAppendPolyData
    from vtkmodules.vtkRenderingCore import (
        vtkActor,
        vtkPolyDataMapper,
        vtkRenderer,
        vtkRenderWindow,
    )

    append = vtkAppendPolyData()
    for poly in (panel.meshes.buildings, panel.meshes.equipment, *(part.poly for part in panel.meshes.moving)):
        copy = vtkPolyData()
        copy.DeepCopy(poly)
        for name in ("shade", "peq"):  # only what the two meshes share is kept by the append
            copy.GetPointData().RemoveArray(name)
        append.AddInputData(copy)
    append.Update()
    merged = append.GetOutput()
    assert merged.GetNumberOfCells() == triangles
    overview = next(v for v in scene.views if v.id == "OVERVIEW")

    def bare_scene(same_settings: bool) -> tuple[Any, Any, Any, dict[str, object]]:
        window = vtkRenderWindow()
        window.SetSize(width, height)
        ren = vtkRenderer()
        window.AddRenderer(ren)
        mapper = vtkPolyDataMapper()
        mapper.SetInputData(merged)
        mapper.StaticOn()
        actor = vtkActor()
        actor.SetMapper(mapper)
        if same_settings:
            window.SetMultiSamples(0)
            ren.SetBackground(0.80, 0.82, 0.84)
            mapper.SetScalarModeToUsePointFieldData()
            mapper.SelectColorArray("prgb")
            mapper.SetColorModeToDirectScalars()
            mapper.ScalarVisibilityOn()
            actor.GetProperty().LightingOff()
            actor.GetProperty().BackfaceCullingOn()
        else:
            mapper.ScalarVisibilityOff()
        ren.AddActor(actor)
        cam = ren.GetActiveCamera()
        cam.SetFocalPoint(*overview.focal)
        cam.SetPosition(*overview.position)
        cam.SetViewUp(0, 0, 1)

        def render() -> None:
            ren.ResetCameraClippingRange()
            window.Render()

        settings = {"msaa_samples": window.GetMultiSamples(), "fxaa": bool(ren.GetUseFXAA()),
                    "gradient_background": bool(ren.GetGradientBackground()),
                    "lighting": "off, baked vertex colours" if same_settings else "VTK headlight",
                    "backface_culling": same_settings, "actors": 1, "layers": window.GetNumberOfLayers()}
        return window, render, cam, settings

    same_window, same_render, same_camera, same_settings = bare_scene(True)
    default_window, default_render, default_camera, default_settings = bare_scene(False)
    panel_window = panel._vtk.GetRenderWindow()
    panel_settings = {"msaa_samples": panel_window.GetMultiSamples(), "fxaa": bool(panel.renderer.GetUseFXAA()),
                      "gradient_background": bool(panel.renderer.GetGradientBackground()),
                      "lighting": "off, baked vertex colours (plant, cranes, loads, people); converter drums: 2 scene lights",
                      "backface_culling": "all but the drums and zones", "actors": panel.renderer.GetActors().GetNumberOfItems(),
                      "labels": len(panel._labels), "layers": panel_window.GetNumberOfLayers()}

    # the panel and the bare scene with its settings interleaved, frame by frame, so both see the
    # same load on a shared machine; then VTK's defaults on their own (8x multisampling is so slow
    # on llvmpipe that interleaving it would slow the other two down as well)
    panel.set_view("OVERVIEW", animate=False)
    _orbit(panel.render_view, camera, 6)  # warm up (shader compilation)
    _orbit(same_render, same_camera, 6)
    panel_times: list[float] = []
    same_times: list[float] = []
    panel_cpu: list[float] = []
    same_cpu: list[float] = []
    for _ in range(frames):
        panel_times += _timed_azimuth(panel.render_view, camera, frames, panel_cpu)
        same_times += _timed_azimuth(same_render, same_camera, frames, same_cpu)
    _orbit(default_render, default_camera, 3)
    default_times = _orbit(default_render, default_camera, 12)
    load = os.getloadavg()[0]
    same_window.Finalize()
    default_window.Finalize()
    panel.close_view()
    app.processEvents()

    frame = statistics.median(panel_times)
    bare = statistics.median(same_times)
    bare_default = statistics.median(default_times)
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
        "bare_default_fps": round(1.0 / bare_default, 1),
        "ratio_default": round(bare_default / frame, 3),
        "orbit_cpu_ms": round(statistics.median(panel_cpu) * 1000, 2),
        "bare_cpu_ms": round(statistics.median(same_cpu) * 1000, 2),
        "update_ms": round(update * 1000, 2),
        "update_render_ms": round(update_render * 1000, 2),
        "load_avg": round(load, 2),
        "lp_num_threads": os.environ.get("LP_NUM_THREADS", "default"),
        "settings_panel": panel_settings,
        "settings_bare": same_settings,
        "settings_bare_default": default_settings,
        "goal_fps": 20,
        "goal_update_ms": 10,
        "goal_ratio": 0.7,
    }
    rows = [
        ("window / triangles", f"{width}x{height} / {triangles}", "whole plant, overview"),
        ("orbit (panel)", f"{1 / frame:.1f} fps", f"{frame * 1000:.1f} ms/frame; goal >= 20 fps"),
        ("orbit (bare, same settings)", f"{1 / bare:.1f} fps", f"{bare * 1000:.1f} ms/frame; 1 mesh, no MSAA, unlit+baked, culled"),
        ("ratio bare/panel", f"{bare / frame:.2f}", "goal >= 0.7"),
        ("CPU per frame panel / bare", f"{statistics.median(panel_cpu) * 1000:.0f} / {statistics.median(same_cpu) * 1000:.0f} ms",
         "this process, llvmpipe threads included"),
        ("orbit (bare, VTK defaults)", f"{1 / bare_default:.1f} fps",
         f"{bare_default * 1000:.1f} ms/frame; 1 mesh, MSAA {default_settings['msaa_samples']}, headlight"),
        ("ratio bare default/panel", f"{bare_default / frame:.2f}", ""),
        (f"update of {len(bound)} tags", f"{update * 1000:.2f} ms", "refresh() without the frame; goal <= 10 ms"),
        ("update + its frame", f"{update_render * 1000:.1f} ms", ""),
        ("load average (1 min)", f"{load:.2f}", f"{os.cpu_count()} CPUs"),
    ]
    report("3D plant view (Xvfb + Mesa)", rows, figures, args.json)
    bridge.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
