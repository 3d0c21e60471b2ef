"""The 3D plant view: the smelter in VTK, driven by live tags.

ISA-101 look: everything grey; colour only for an alarm (by priority, as on the displays) and for
bad (purple) or stale (brown) data. Converters tilt with their angle or stage, cranes run along
their rails with their load on the hook, people are markers and counts in their zones, and a zone
turns red while people are in it and it is unsafe (that is also an alarm: see
``app.plant3d.state.ZoneMonitor``). Hover names a piece of equipment and its key values, or a
safety zone with its people, gas and whether it is unsafe; a click opens the faceplate;
:meth:`Plant3DPanel.show_unit` flies the camera to a unit, from a side that sees it.

Performance: meshes are built once in a worker thread; the static plant is two merged meshes
(buildings, equipment with owner arrays and a fixed light baked into point colours, drawn unlit
with back faces culled), moving parts are a few small actors, and an update only changes colour
arrays, properties and transforms (at most at the store bridge's 10 Hz, and only re-renders when
something visible changed). The render settings are chosen for Mesa's software renderer, which
pays per pixel (see ``_build_actors`` and ``bench/plant3d.py``).

VTK is imported lazily (``vtkmodules`` inside functions) so the HMI starts fast, and the panel
says in plain words why there is no 3D view where OpenGL is missing (the ``offscreen``/``minimal``
Qt platforms, Wayland without xcb, a render window that cannot get an OpenGL context).
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.core.tags import TagValue
from app.plant3d.loader import Plant3DError, load_scene
from app.plant3d.scene import Equipment, Scene
from app.plant3d.state import EquipmentLook, ZoneLook, equipment_look, zone_look
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext

log = logging.getLogger(__name__)

#: Set to 1 to switch the 3D view off (a machine whose OpenGL driver misbehaves).
DISABLE_ENV = "CRUCIBLE_NO_3D"
FLIGHT_S = 0.8  # a camera flight to a unit or an area

# the display colours (widgets/symbols.py): alarm priorities 1..3 (low shows as 3), bad, stale
ALARM_RGB = {1: (208, 2, 27), 2: (240, 140, 0), 3: (194, 31, 184)}
BAD_RGB = (122, 31, 156)
STALE_RGB = (138, 109, 0)
RUNNING_RGB = (90, 90, 90)
STOPPED_RGB = (224, 224, 224)
ZONE_RGB = (120, 124, 130)
DANGER_RGB = (208, 2, 27)
PERSON_RGB = (40, 44, 52)
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


@functools.cache
def cjk_font_file() -> str:
    """A font file with Chinese glyphs for VTK's text (FreeType): a known one, else fontconfig's."""
    known = next((f for f in CJK_FONTS if Path(f).exists()), "")
    if known:
        return known
    import shutil
    import subprocess

    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ""
    try:
        found = subprocess.run([fc_match, "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True,
                               timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    return found if found.lower().endswith((".ttf", ".ttc", ".otf")) and Path(found).exists() else ""


def opengl_problem() -> str:
    """Why this process cannot show the 3D view ("" when it can try)."""
    if os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return QCoreApplication.translate("Plant3DPanel", "the 3D view is switched off on this computer ({env} is set)").format(env=DISABLE_ENV)
    platform = QGuiApplication.platformName()
    if platform in ("offscreen", "minimal", "vnc", "linuxfb"):
        return QCoreApplication.translate("Plant3DPanel", "the Qt platform \"{platform}\" has no OpenGL windows").format(platform=platform)
    if platform.startswith("wayland"):
        return QCoreApplication.translate("Plant3DPanel", "VTK cannot draw into a Wayland window; start Crucible with QT_QPA_PLATFORM=xcb")
    return ""


def _default_render_widget(parent: QWidget) -> QWidget:
    """A QVTKRenderWindowInteractor whose render window got an OpenGL context (else raises)."""
    import vtkmodules.vtkInteractionStyle  # noqa: F401 - registers the interactor styles
    import vtkmodules.vtkRenderingFreeType  # noqa: F401 - text
    import vtkmodules.vtkRenderingOpenGL2  # noqa: F401 - the OpenGL render window
    from vtkmodules.qt.QVTKRenderWindowInteractor import QVTKRenderWindowInteractor

    widget = QVTKRenderWindowInteractor(parent)
    window = widget.GetRenderWindow()
    if not window.SupportsOpenGL():
        widget.Finalize()
        widget.deleteLater()
        raise RuntimeError(QCoreApplication.translate("Plant3DPanel", "the graphics driver offers no OpenGL 3.2 context"))
    return widget


class Plant3DPanel(DockPanel):
    """The live 3D plant (see the module docstring). ``render_widget_factory`` builds the VTK
    widget (tests inject one that fails to check the no-OpenGL message)."""

    NAME = "plant3d"
    TITLE = QT_TRANSLATE_NOOP("Plant3DPanel", "3D plant view")
    AREA = Qt.DockWidgetArea.RightDockWidgetArea
    PERMISSIONS = ("view",)

    sig_scene_ready = Signal()
    sig_equipment_clicked = Signal(str)

    def __init__(self, context: PanelContext, render_widget_factory: Callable[[QWidget], QWidget] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.runtime = context.runtime
        self.language = context.language
        self.scene: Scene | None = None
        self.problem = ""
        self.ready = False
        self._vtk: Any = None
        self._looks: list[EquipmentLook | None] = []
        self._zone_looks: list[ZoneLook | None] = []
        self._fly: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
        self._fly_start = 0.0
        self._press: tuple[int, int] | None = None
        self._hover_pos: tuple[int, int] | None = None
        self.renders = 0
        self._connected = False
        self._poll: QTimer | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._future: concurrent.futures.Future[Any] | None = None
        self._fly_timer = QTimer(self)
        self._fly_timer.setInterval(33)
        self._fly_timer.timeout.connect(self._on_fly_timer_timeout)
        self._hover_timer = QTimer(self)
        self._hover_timer.setSingleShot(True)
        self._hover_timer.setInterval(80)
        self._hover_timer.timeout.connect(self._on_hover_timer_timeout)

        self._view_combo = QComboBox()
        self._view_combo.activated.connect(self._on_view_combo_activated)
        self._labels_box = QCheckBox()
        self._labels_box.setChecked(True)
        self._labels_box.toggled.connect(self._on_labels_box_toggled)
        self._view_label = QLabel()
        self.hover_label = QLabel()
        self.hover_label.setTextFormat(Qt.TextFormat.PlainText)
        # a long hover line must never widen the panel (the 3D view would change size under the mouse)
        self.hover_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.addWidget(self._view_label)
        bar.addWidget(self._view_combo)
        bar.addWidget(self._labels_box)
        bar.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("font-size: 13pt; padding: 24px;")
        self._stack = QStackedWidget()
        self._stack.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self._stack, 1)
        layout.addWidget(self.hover_label)

        self._scene_from_context()
        self.retranslate()
        if self.scene is None:
            return
        self.problem = opengl_problem()
        if not self.problem:
            try:
                self._vtk = (render_widget_factory or _default_render_widget)(self)
            except Exception as exc:  # noqa: BLE001 - any driver failure: say so, keep the HMI running
                log.warning("3D view unavailable: %s", exc)
                self.problem = str(exc) or type(exc).__name__
                self._vtk = None
        if self._vtk is None:
            self._show_message()
            return
        self._stack.addWidget(self._vtk)
        self._stack.setCurrentWidget(self._vtk)
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="plant3d-mesh")
        from widgets.plant3d_geometry import build_geometry

        self._future = self._executor.submit(build_geometry, self.scene)
        self._poll = QTimer(self)
        self._poll.setInterval(30)
        self._poll.timeout.connect(self._on_poll_timeout)
        self._poll.start()
        context.bridge.sig_tags_changed.connect(self._on_bridge_tags_changed)
        self._connected = True

    # --- set-up -----------------------------------------------------------------------------
    def _scene_from_context(self) -> None:
        service: Any = self.runtime.services.get("plant3d")
        try:
            self.scene = service.scene if service is not None else load_scene(self.runtime.layout)
        except Plant3DError as exc:
            self.scene = None
            self.problem = exc.problems[0]
            self.message.setText(QCoreApplication.translate("Plant3DPanel", "The 3D layout has a mistake: {problem}").format(problem=self.problem))
            return
        if self.scene is None:
            self.message.setText(QCoreApplication.translate("Plant3DPanel", "This plant has no 3D layout (plant3d.yaml)."))

    def _show_message(self) -> None:
        self._stack.setCurrentWidget(self.message)
        self.message.setText(
            QCoreApplication.translate("Plant3DPanel", "The 3D plant view cannot be shown here: {reason}.\n\nEverything else in Crucible works as "
                "usual. The 3D view needs OpenGL: on a remote desktop use a session with OpenGL (X11 with Mesa "
                "is enough); on Wayland start Crucible with QT_QPA_PLATFORM=xcb.").format(reason=self.problem))

    def _on_poll_timeout(self) -> None:
        assert self._future is not None and self._executor is not None
        if not self._future.done():
            return
        if self._poll is not None:
            self._poll.stop()
        self._executor.shutdown(wait=False)
        try:
            geometry = self._future.result()
        except Exception as exc:  # noqa: BLE001
            log.exception("3D meshes could not be built")
            self.problem = str(exc)
            self._show_message()
            return
        self._build_actors(geometry)

    def wait_ready(self, timeout_s: float = 30.0) -> bool:
        """Finish building now (tests, screenshots, the benchmark)."""
        if self.ready or self._vtk is None or self._future is None:
            return self.ready
        self._future.result(timeout=timeout_s)
        self._on_poll_timeout()
        return self.ready

    def _build_actors(self, geo: Any) -> None:
        import numpy as np
        from vtkmodules.util.numpy_support import vtk_to_numpy
        from vtkmodules.vtkCommonCore import vtkCommand
        from vtkmodules.vtkCommonTransforms import vtkTransform
        from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera
        from vtkmodules.vtkRenderingCore import (
            vtkActor,
            vtkCellPicker,
            vtkLight,
            vtkPolyDataMapper,
            vtkRenderer,
        )

        from widgets.plant3d_geometry import (
            AMBIENT,
            DIFFUSE,
            FILL_INTENSITY,
            FILL_LIGHT,
            KEY_INTENSITY,
            KEY_LIGHT,
        )

        assert self.scene is not None
        scene = self.scene
        self.meshes = geo
        ren = vtkRenderer()
        # Render settings for a software-rendered (Mesa llvmpipe) control-room PC, where every
        # frame is paid per pixel: one plain background colour (a gradient is one more shaded
        # full-window pass), no MSAA (VTK's default of 8 samples), no FXAA (a third of a frame),
        # no order-independent transparency or depth peeling (the zones and label backgrounds
        # blend plainly), back faces culled, and the static plant drawn unlit with its lighting
        # baked into vertex colours (plant3d_geometry.bake_lighting). bench/plant3d.py measures it.
        ren.SetBackground(0.80, 0.82, 0.84)
        ren.UseFXAAOff()
        ren.UseOITOff()
        ren.UseDepthPeelingOff()
        # the moving parts are lit by the same fixed key and fill lights the static plant is baked with
        ren.AutomaticLightCreationOff()
        ren.RemoveAllLights()
        for direction, intensity in ((KEY_LIGHT, KEY_INTENSITY), (FILL_LIGHT, FILL_INTENSITY)):
            light = vtkLight()
            light.SetLightTypeToSceneLight()
            light.PositionalOff()
            light.SetPosition(*direction)
            light.SetFocalPoint(0.0, 0.0, 0.0)
            light.SetIntensity(intensity)
            ren.AddLight(light)
        self.renderer = ren
        window = self._vtk.GetRenderWindow()
        window.AddRenderer(ren)
        window.SetMultiSamples(0)

        def actor_for(poly: Any, baked: bool = False) -> Any:
            mapper = vtkPolyDataMapper()
            mapper.SetInputData(poly)
            if baked:
                mapper.SetScalarModeToUsePointFieldData()
                mapper.SelectColorArray("prgb")
            else:
                mapper.SetScalarModeToUseCellFieldData()
                mapper.SelectColorArray("rgb")
            mapper.SetColorModeToDirectScalars()
            mapper.ScalarVisibilityOn()
            mapper.StaticOn()
            actor = vtkActor()
            actor.SetMapper(mapper)
            prop = actor.GetProperty()
            if baked:
                prop.LightingOff()
                prop.BackfaceCullingOn()
            else:
                prop.SetAmbient(AMBIENT)
                prop.SetDiffuse(DIFFUSE)
            ren.AddActor(actor)
            return actor

        # equipment before the buildings (whose ground comes last): hidden floor is not shaded
        self._equip_actor = actor_for(geo.equipment, baked=True)
        self._buildings_actor = actor_for(geo.buildings, baked=True)
        self._buildings_actor.PickableOff()
        rgb_array = geo.equipment.GetPointData().GetArray("prgb")
        self._rgb_array = rgb_array
        self._rgb = vtk_to_numpy(rgb_array)
        self._rgb_base = self._rgb.copy()
        self._shade = vtk_to_numpy(geo.equipment.GetPointData().GetArray("shade"))[:, None]
        owners = vtk_to_numpy(geo.equipment.GetPointData().GetArray("peq"))
        self._cells = [np.flatnonzero(owners == k) for k in range(len(scene.equipment))]  # points
        # moving parts: one actor each, moved by a user transform
        self._moving: dict[int, dict[str, Any]] = {}
        self._actor_owner: dict[int, int] = {}
        # parts that only translate (cranes, hooks, loads) are baked like the static plant; the
        # converter drums turn, so the renderer's lights shade them
        self._baked_parts: dict[int, tuple[Any, Any, Any, Any]] = {}
        for part in geo.moving:
            baked = part.kind != "drum"
            actor = actor_for(part.poly, baked=baked)
            if baked:
                data = part.poly.GetPointData()
                rgb = vtk_to_numpy(data.GetArray("prgb"))
                self._baked_parts[id(actor)] = (data.GetArray("prgb"), rgb, rgb.copy(),
                                                vtk_to_numpy(data.GetArray("shade"))[:, None])
            transform = vtkTransform()
            actor.SetUserTransform(transform)
            self._moving.setdefault(part.equipment, {})[part.kind] = (actor, transform, part)
            self._actor_owner[id(actor)] = part.equipment
        self._build_zones()
        # labels live on a layer above the plant (never hidden behind a column), same camera
        self.label_renderer = vtkRenderer()
        self.label_renderer.SetLayer(1)
        self.label_renderer.InteractiveOff()
        self.label_renderer.UseOITOff()
        self.label_renderer.SetActiveCamera(ren.GetActiveCamera())
        window.SetNumberOfLayers(2)
        window.AddRenderer(self.label_renderer)
        self._build_labels()
        self.picker = vtkCellPicker()
        self.picker.SetTolerance(0.0005)
        self.picker.PickFromListOn()
        self.picker.AddPickList(self._equip_actor)
        for parts in self._moving.values():
            for actor, _t, _p in parts.values():
                self.picker.AddPickList(actor)
        interactor = self._vtk.GetRenderWindow().GetInteractor()
        interactor.SetInteractorStyle(vtkInteractorStyleTrackballCamera())
        ren.AddObserver(vtkCommand.StartEvent, lambda *_a: self._update_label_lod())  # also while the user orbits
        # passive observers: they see every event even while the camera style has the focus
        # (a trackball drag grabs it on press, and would swallow the release of a click)
        for event, handler in (("MouseMoveEvent", self._on_vtk_mouse_move),
                               ("LeftButtonPressEvent", self._on_vtk_left_press),
                               ("LeftButtonReleaseEvent", self._on_vtk_left_release)):
            tag = interactor.AddObserver(event, handler, 1.0)
            interactor.GetCommand(tag).PassiveObserverOn()
        self._looks = [None] * len(scene.equipment)
        self._zone_looks = [None] * len(scene.zones)
        self.ready = True
        if scene.views:
            self.set_view(scene.views[0].id, animate=False)
        self.refresh(render=False)
        self._vtk.Initialize()
        self.render_view()
        self.sig_scene_ready.emit()

    def _build_zones(self) -> None:
        import numpy as np
        from vtkmodules.util.numpy_support import numpy_to_vtk, vtk_to_numpy
        from vtkmodules.vtkCommonDataModel import vtkPolyData
        from vtkmodules.vtkFiltersCore import vtkAppendPolyData, vtkTriangleFilter
        from vtkmodules.vtkFiltersSources import vtkCubeSource, vtkOutlineSource, vtkPlaneSource
        from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

        from widgets.plant3d_geometry import frustum, light_shade, sphere, tf, transformed

        assert self.scene is not None
        # A zone is its outline and a translucent floor patch; only while it is dangerous
        # (people in it while unsafe) is it also a red translucent volume. Six translucent faces
        # over every zone in every frame cost a software renderer a sixth of its frame.
        fills, lines = vtkAppendPolyData(), vtkAppendPolyData()
        self._zone_volumes: list[Any] = []
        for k, z in enumerate(self.scene.zones):
            floor = vtkPlaneSource()  # lifted off the floor: coplanar faces would flicker (z-fighting)
            zf = z.min[2] + 0.08
            floor.SetOrigin(z.min[0], z.min[1], zf)
            floor.SetPoint1(z.max[0], z.min[1], zf)
            floor.SetPoint2(z.min[0], z.max[1], zf)
            outline = vtkOutlineSource()
            outline.SetBounds(z.min[0], z.max[0], z.min[1], z.max[1], zf, z.max[2])
            for source, append in ((floor, fills), (outline, lines)):
                source.Update()
                poly = vtkPolyData()
                poly.ShallowCopy(source.GetOutput())
                n = poly.GetNumberOfCells()
                owner = numpy_to_vtk(np.full(n, k, dtype=np.int32), deep=True)
                owner.SetName("zone")
                poly.GetCellData().AddArray(owner)
                append.AddInputData(poly)
            box = vtkCubeSource()
            box.SetBounds(z.min[0], z.max[0], z.min[1], z.max[1], zf, z.max[2])
            volume = vtkActor()
            volume_mapper = vtkPolyDataMapper()
            volume_mapper.SetInputConnection(box.GetOutputPort())
            volume_mapper.ScalarVisibilityOff()
            volume.SetMapper(volume_mapper)
            volume.GetProperty().SetColor(*(c / 255 for c in DANGER_RGB))
            volume.GetProperty().SetOpacity(0.25)
            volume.GetProperty().LightingOff()
            volume.GetProperty().BackfaceCullingOn()
            volume.PickableOff()
            volume.VisibilityOff()
            self.renderer.AddActor(volume)
            self._zone_volumes.append(volume)
        fills.Update()
        lines.Update()
        self._zone_polys = []
        self._zone_rgba: list[Any] = []
        self._zone_owner: list[Any] = []
        for append, comps, alpha in ((fills, 4, 30), (lines, 3, 0)):
            poly = vtkPolyData()
            poly.ShallowCopy(append.GetOutput())
            n = poly.GetNumberOfCells()
            base = np.tile(np.array([*ZONE_RGB, alpha][:comps], dtype=np.uint8), (n, 1))
            arr = numpy_to_vtk(base, deep=True)
            arr.SetName("rgba")
            poly.GetCellData().AddArray(arr)
            mapper = vtkPolyDataMapper()
            mapper.SetInputData(poly)
            mapper.SetScalarModeToUseCellFieldData()
            mapper.SelectColorArray("rgba")
            mapper.SetColorModeToDirectScalars()
            actor = vtkActor()
            actor.SetMapper(mapper)
            actor.PickableOff()
            actor.GetProperty().LightingOff()
            if comps == 3:
                actor.GetProperty().SetLineWidth(2.0)
            self.renderer.AddActor(actor)
            self._zone_polys.append(poly)
            self._zone_rgba.append(vtk_to_numpy(poly.GetCellData().GetArray("rgba")))
            self._zone_owner.append(vtk_to_numpy(poly.GetCellData().GetArray("zone")))
        # people: one small mesh of every marker in every zone, rebuilt when a count changes
        # (a glyph mapper costs a software renderer about a tenth of each frame)
        body = frustum(0.35, 0.25, 1.3)
        head = transformed(sphere(0.28), tf(z=1.6))
        pawn = vtkAppendPolyData()
        pawn.AddInputData(body)
        pawn.AddInputData(head)
        pawn.Update()
        tri = vtkTriangleFilter()
        tri.SetInputConnection(pawn.GetOutputPort())
        tri.Update()
        mesh = tri.GetOutput()
        self._pawn_points = vtk_to_numpy(mesh.GetPoints().GetData()).astype(np.float64)
        self._pawn_triangles = vtk_to_numpy(mesh.GetPolys().GetConnectivityArray()).reshape(-1, 3).astype(np.int64)
        shade = light_shade(vtk_to_numpy(mesh.GetPointData().GetNormals()).astype(np.float64))
        self._pawn_rgb = np.clip(shade[:, None] * np.array(PERSON_RGB) + 0.5, 0, 255).astype(np.uint8)
        self._people_drawn = 0
        self._people_poly = vtkPolyData()
        people_mapper = vtkPolyDataMapper()
        people_mapper.SetInputData(self._people_poly)
        people_mapper.SetScalarModeToUsePointData()
        people_mapper.SetColorModeToDirectScalars()
        self.people_actor = vtkActor()
        self.people_actor.SetMapper(people_mapper)
        self.people_actor.GetProperty().LightingOff()  # lit like the static plant: baked
        self.people_actor.GetProperty().BackfaceCullingOn()
        self.people_actor.PickableOff()
        self.renderer.AddActor(self.people_actor)

    def _build_labels(self) -> None:
        from vtkmodules.vtkRenderingCore import vtkBillboardTextActor3D

        assert self.scene is not None
        self._labels: list[tuple[Any, Callable[[], str]]] = []
        scene = self.scene

        self._label_lod: list[float] = []

        def label(pos: tuple[float, float, float], text: Callable[[], str], size: int, bold: bool = False,
                  lod: float = 1e9) -> Any:
            """``lod``: shown only while the camera is nearer than this many metres."""
            actor = vtkBillboardTextActor3D()
            actor.SetPosition(*pos)
            prop = actor.GetTextProperty()
            prop.SetFontSize(size)
            prop.SetBold(bold)
            prop.SetColor(0.1, 0.1, 0.1)
            prop.SetBackgroundColor(0.92, 0.92, 0.92)
            prop.SetBackgroundOpacity(0.75)
            prop.SetFrame(False)
            prop.SetJustificationToCentered()
            actor.PickableOff()
            self.label_renderer.AddActor(actor)
            self._labels.append((actor, text))
            self._label_lod.append(lod)
            return actor

        for b in scene.buildings:
            x0, y0, _ = b.at
            lx, ly, h = b.size
            label((x0 + lx / 2, y0 + ly / 2, h + ly * 0.08 + 3), lambda b=b: b.name(self.language), 15, True)  # type: ignore[misc]
        for k, eq in enumerate(scene.equipment):
            if eq.id != eq.unit and eq.shape not in ("stack",):
                continue
            cx, cy, cz = self.meshes.centres[k]
            lift = self.meshes.sizes[k] / 2 + scene.label_height if eq.shape not in ("crane", "cell_row") else 2.5
            if eq.shape == "stack":
                lift = 2
            label((cx, cy, cz + lift), lambda eq=eq: eq.name(self.language), 12, False, 130)  # type: ignore[misc]
        self._zone_labels: list[Any] = []
        for k, z in enumerate(scene.zones):
            self._zone_labels.append(label((z.centre[0], z.centre[1], z.max[2] + 1), lambda k=k: self._zone_text(k), 12,  # type: ignore[misc]
                                           False, 160))
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        vtk_font_file = 4  # VTK_FONT_FILE (vtkSystemIncludes.h): use the file SetFontFile names
        font = cjk_font_file()
        for actor, text in self._labels:
            prop = actor.GetTextProperty()
            if self.language.startswith("zh") and font:
                prop.SetFontFamily(vtk_font_file)
                prop.SetFontFile(font)
            else:
                prop.SetFontFamilyToArial()
            actor.SetInput(text())

    def _zone_text(self, k: int) -> str:
        assert self.scene is not None
        z = self.scene.zones[k]
        look = self._zone_looks[k] if k < len(self._zone_looks) else None
        n = look.persons if look else 0
        text = QCoreApplication.translate("Plant3DPanel", "{zone}: {n} people").format(zone=z.name(self.language), n=n)
        if look is not None and look.danger:
            text = QCoreApplication.translate("Plant3DPanel", "{zone}: {n} people IN DANGER").format(zone=z.name(self.language), n=n)
        return text

    # --- updates -------------------------------------------------------------------------------
    def _on_bridge_tags_changed(self, _changes: dict[str, TagValue]) -> None:
        if self.ready:
            self.refresh()

    def refresh(self, render: bool = True) -> int:
        """Apply the store's latest values; returns how many items changed their look."""
        if not self.ready or self.scene is None:
            return 0
        values = self.runtime.store.values
        tags = self.runtime.layout.tags
        priority_of = getattr(self.runtime.alarms, "tag_priority", None)
        changed = 0
        recoloured = False
        for k, eq in enumerate(self.scene.equipment):
            look = equipment_look(eq, values, tags, priority_of)
            old = self._looks[k]
            if look == old:
                continue
            changed += 1
            self._looks[k] = look
            if old is None or (look.priority, look.data, look.running) != (old.priority, old.data, old.running):
                recoloured |= self._colour(k, eq, look)
            if eq.moving:
                self._move(k, eq, look)
        if recoloured:
            self._rgb_array.Modified()
        people_changed = False
        for k, z in enumerate(self.scene.zones):
            zlook = zone_look(z, values, tags)
            if zlook != self._zone_looks[k]:
                changed += 1
                people_changed |= self._zone_looks[k] is None or self._zone_looks[k].persons != zlook.persons  # type: ignore[union-attr]
                self._zone_looks[k] = zlook
                self._colour_zone(k, zlook)
                actor, text = self._labels[len(self._labels) - len(self.scene.zones) + k]
                actor.SetInput(text())
        if people_changed:
            self._place_people()
        if changed and render:
            self.render_view()
        return changed

    def equipment_colour(self, eq_id: str) -> tuple[int, int, int] | None:
        """The override colour an equipment is drawn in now (None = its normal greys)."""
        assert self.scene is not None
        k = next(i for i, e in enumerate(self.scene.equipment) if e.id == eq_id)
        look = self._looks[k]
        return self._override(look) if look is not None else None

    @staticmethod
    def _override(look: EquipmentLook) -> tuple[int, int, int] | None:
        if look.priority:
            return ALARM_RGB[min(look.priority, 3)]
        if look.data == "bad":
            return BAD_RGB
        if look.data == "stale":
            return STALE_RGB
        if look.running is True:
            return RUNNING_RGB
        if look.running is False:
            return STOPPED_RGB
        return None

    def _colour(self, k: int, eq: Equipment, look: EquipmentLook) -> bool:
        colour = self._override(look)
        cells = self._cells[k]  # its points in the baked equipment mesh
        if len(cells):
            if colour is None:
                self._rgb[cells] = self._rgb_base[cells]
            else:
                self._rgb[cells] = (self._shade[cells] * colour + 0.5).astype(self._rgb.dtype)
        for actor, _t, part in self._moving.get(k, {}).values():
            if part.kind in ("hook",):
                continue
            mapper = actor.GetMapper()
            own_colours = colour is None or (look.running is not None and not look.priority and look.data == "good"
                                             and part.kind != "drum")
            baked = self._baked_parts.get(id(actor))
            if baked is not None:
                array, rgb, base, shade = baked
                rgb[:] = base if own_colours or colour is None else (shade * colour + 0.5).astype(rgb.dtype)
                array.Modified()
            elif own_colours or colour is None:
                mapper.ScalarVisibilityOn()
            else:
                mapper.ScalarVisibilityOff()
                actor.GetProperty().SetColor(*(c / 255 for c in colour))
        return bool(len(cells))

    def _move(self, k: int, eq: Equipment, look: EquipmentLook) -> None:
        parts = self._moving.get(k, {})
        if eq.shape == "converter" and "drum" in parts:
            _actor, t, part = parts["drum"]
            t.Identity()
            t.PostMultiply()
            t.RotateX(look.tilt)
            t.Translate(*part.pivot)
            return
        if eq.shape != "crane":
            return
        x0, y0, _ = eq.at
        rh = float(eq.p("rail_height", 15))
        above = float(eq.p("carry_above", 4))
        x, y = x0 + look.x, y0 + look.y
        for kind, (actor, t, _part) in parts.items():
            t.Identity()
            t.PostMultiply()
            if kind == "bridge":
                t.Translate(x, y0, 0)
            elif kind == "trolley":
                t.Translate(x, y, rh + 2.2 + 0.9)
            elif kind == "load":
                actor.SetVisibility(look.load > 1.0)
                t.Translate(x, y, above)
            elif kind == "hook":
                bottom = above + 4.9 if look.load > 1.0 else rh - 6.0
                t.Scale(1, 1, max(0.5, rh + 2.2 - bottom))
                t.Translate(x, y, (rh + 2.2 + bottom) / 2)

    def _colour_zone(self, k: int, look: ZoneLook) -> None:
        fill, line = self._zone_rgba
        fill_owner, line_owner = self._zone_owner
        self._zone_volumes[k].SetVisibility(look.danger)
        if look.danger:
            fill[fill_owner == k] = (*DANGER_RGB, 110)
            line[line_owner == k] = DANGER_RGB
        elif look.data == "bad":
            fill[fill_owner == k] = (*BAD_RGB, 40)
            line[line_owner == k] = BAD_RGB
        else:
            fill[fill_owner == k] = (*ZONE_RGB, 30 if look.persons == 0 else 50)
            line[line_owner == k] = (60, 62, 66) if look.unsafe else ZONE_RGB
        for poly in self._zone_polys:
            poly.GetCellData().GetArray("rgba").Modified()

    def zone_colour(self, zone_id: str) -> tuple[int, ...]:
        """The RGBA a zone's volume is drawn in now (tests, screenshots)."""
        assert self.scene is not None
        k = next(i for i, z in enumerate(self.scene.zones) if z.id == zone_id)
        fill, owner = self._zone_rgba[0], self._zone_owner[0]
        return tuple(int(v) for v in fill[owner == k][0])

    def _place_people(self) -> None:
        import numpy as np
        from vtkmodules.util.numpy_support import numpy_to_vtk, numpy_to_vtkIdTypeArray
        from vtkmodules.vtkCommonCore import vtkPoints
        from vtkmodules.vtkCommonDataModel import vtkCellArray

        assert self.scene is not None
        spots: list[tuple[float, float]] = []
        for k, z in enumerate(self.scene.zones):
            look = self._zone_looks[k]
            n = min(look.persons if look else 0, 30)
            cx, cy = z.centre[0], z.centre[1]
            cols = max(1, int(math.ceil(math.sqrt(n))))
            for i in range(n):
                r, c = divmod(i, cols)
                spots.append((cx + (c - (cols - 1) / 2) * 2.2, cy + (r - (cols - 1) / 2) * 2.2))
        self._people_drawn = len(spots)
        m = len(self._pawn_points)
        at = np.array(spots, dtype=np.float64).reshape(-1, 2)
        points = np.tile(self._pawn_points, (len(spots), 1))
        points[:, :2] += np.repeat(at, m, axis=0)
        triangles = (self._pawn_triangles[None, :, :] + (np.arange(len(spots)) * m)[:, None, None]).reshape(-1)
        pts = vtkPoints()
        pts.SetData(numpy_to_vtk(points, deep=True))
        cells = vtkCellArray()
        cells.SetData(numpy_to_vtkIdTypeArray(np.arange(0, len(triangles) + 1, 3, dtype=np.int64), deep=True),
                      numpy_to_vtkIdTypeArray(triangles.astype(np.int64), deep=True))
        poly = self._people_poly
        poly.SetPoints(pts)
        poly.SetPolys(cells)
        poly.GetPointData().SetScalars(numpy_to_vtk(np.tile(self._pawn_rgb, (len(spots), 1)), deep=True))
        poly.Modified()

    def people_count_drawn(self) -> int:
        return self._people_drawn if self.ready else 0

    def _update_label_lod(self) -> None:
        """Far away only the hall names show; nearer, equipment and zone labels appear."""
        if not self._labels_box.isChecked():
            return
        cam = self.renderer.GetActiveCamera()
        cx, cy, cz = cam.GetPosition()
        for (actor, _text), lod in zip(self._labels, self._label_lod, strict=True):
            x, y, z = actor.GetPosition()
            near = (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2 < lod * lod
            if bool(actor.GetVisibility()) != near:
                actor.SetVisibility(near)

    def render_view(self) -> None:
        if self._vtk is not None and self.ready:
            self.renderer.ResetCameraClippingRange()
            self._vtk.GetRenderWindow().Render()
            self.renders += 1

    # --- camera --------------------------------------------------------------------------------
    def set_view(self, view_id: str, animate: bool = True) -> bool:
        """Fly to a camera preset (an area); False if there is no such view."""
        assert self.scene is not None
        view = next((v for v in self.scene.views if v.id == view_id), None)
        if view is None:
            return False
        index = self._view_combo.findData(view_id)
        if index >= 0:
            self._view_combo.setCurrentIndex(index)
        self.fly_to(view.focal, view.position, animate)
        return True

    def show_unit(self, unit: str, animate: bool = True) -> bool:
        """Fly the camera to plant unit ``unit`` ("show in 3D" from the alarm list), from a side
        that sees it: first from where its area's camera preset looks, then round about it, higher
        and nearer, until nothing of the buildings or other equipment hides its centre."""
        if not self.ready or self.scene is None:
            return False
        eq = self.scene.for_unit(unit)
        k = -1
        if eq is None:
            zone = next((z for z in self.scene.zones if unit in (z.id, z.alarm_tag.rsplit(".", 1)[0])), None)
            if zone is None:
                return False
            focal: tuple[float, ...] = zone.centre
            size = max(zone.max[0] - zone.min[0], zone.max[1] - zone.min[1])
        else:
            k = self.scene.equipment.index(eq)
            focal = self._unit_centre(k)
            size = self.meshes.sizes[k]
        distance = max(45.0, size * 3.0 + 20.0)
        self.fly_to(focal, self._viewpoint(focal, distance, k), animate)
        return True

    def _unit_centre(self, k: int) -> tuple[float, ...]:
        """Where equipment ``k`` is now: a crane's trolley or a converter's drum where the tags
        put them, else the centre of its static mesh."""
        parts = self._moving.get(k, {})
        for kind in ("trolley", "drum"):
            if kind in parts:
                x0, x1, y0, y1, z0, z1 = parts[kind][0].GetBounds()
                return ((x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2)
        return tuple(self.meshes.centres[k])

    def _viewpoint(self, focal: tuple[float, ...], distance: float, k: int) -> tuple[float, ...]:
        """A camera position ``distance`` from ``focal`` with a clear line of sight to it."""
        assert self.scene is not None
        # the preset of the unit's area (the nearest preset focal point) looks from the aisle side
        presets = [v for v in self.scene.views if v.id != "OVERVIEW"] or list(self.scene.views)
        directions: list[tuple[float, float, float]] = []
        if presets:
            view = min(presets, key=lambda v: math.dist(v.focal, focal))
            directions.append(tuple(p - f for p, f in zip(view.position, view.focal, strict=True)))  # type: ignore[arg-type]
        directions.append((-0.36, -0.67, 0.65))  # from the south-west, 40 degrees down
        for elevation in (40.0, 60.0, 80.0):
            for azimuth in range(225, 225 + 360, 45):
                e, a = math.radians(elevation), math.radians(azimuth)
                directions.append((math.cos(e) * math.cos(a), math.cos(e) * math.sin(a), math.sin(e)))
        best: tuple[float, tuple[float, ...]] | None = None
        for scale in (1.0, 0.5):
            for d in directions:
                norm = math.sqrt(sum(c * c for c in d)) or 1.0
                position = tuple(f + c / norm * distance * scale for f, c in zip(focal, d, strict=True))
                blocked = self._blocked_fraction(position, focal, k)
                if blocked == 0.0:
                    return position
                if best is None or blocked < best[0]:
                    best = (blocked, position)
        assert best is not None
        return best[1]

    def _blocked_fraction(self, eye: tuple[float, ...], focal: tuple[float, ...], k: int) -> float:
        """How much of the view from ``eye`` to ``focal`` the buildings or other equipment hide
        (0 = clear): the line of sight to the centre and to four points around it."""
        from vtkmodules.vtkCommonCore import reference
        from vtkmodules.vtkCommonDataModel import vtkCellLocator

        if not hasattr(self, "_locators"):
            self._locators = []
            for poly in (self.meshes.buildings, self.meshes.equipment):
                locator = vtkCellLocator()
                locator.SetDataSet(poly)
                locator.BuildLocator()
                self._locators.append(locator)
            self._owners = self.meshes.equipment.GetCellData().GetArray("eq")
        size = self.meshes.sizes[k] if k >= 0 else 4.0
        offset = max(0.5, size * 0.15)
        targets = [focal, *((focal[0] + dx, focal[1] + dy, focal[2]) for dx, dy in
                            ((offset, 0), (-offset, 0), (0, offset), (0, -offset)))]
        blocked = 0
        for target in targets:
            # stop short of the target: what stands at it is the unit itself
            end = tuple(t + (e - t) * min(0.5, 1.5 / max(math.dist(eye, target), 1e-6)) for t, e in zip(target, eye, strict=True))
            first: tuple[float, int, int] | None = None  # (t along the line, mesh, cell)
            for index, locator in enumerate(self._locators):
                along: Any = reference(0.0)
                cell: Any = reference(0)
                sub: Any = reference(0)
                x, pcoords = [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
                if locator.IntersectWithLine(eye, end, 0.001, along, x, pcoords, sub, cell):
                    if first is None or float(along) < first[0]:
                        first = (float(along), index, int(cell))
            if first is not None and not (first[1] == 1 and int(self._owners.GetValue(first[2])) == k):
                blocked += 1  # a building or another unit comes first (the unit's own parts do not count)
        return blocked / len(targets)

    def fly_to(self, focal: tuple[float, ...], position: tuple[float, ...], animate: bool = True) -> None:
        cam = self.renderer.GetActiveCamera()
        if not animate:
            self._fly = []
            cam.SetFocalPoint(*focal)
            cam.SetPosition(*position)
            cam.SetViewUp(0, 0, 1)
            self.render_view()
            return
        # time-based, so a slow (software-rendered) machine gets fewer frames, not a longer flight
        self._fly_from = (cam.GetFocalPoint(), cam.GetPosition())
        self._fly_to = (tuple(focal), tuple(position))
        self._fly_start = time.monotonic()
        self._fly = [self._fly_to]
        self._fly_timer.start()

    def _on_fly_timer_timeout(self) -> None:
        if not self._fly:
            self._fly_timer.stop()
            return
        t = min(1.0, (time.monotonic() - self._fly_start) / FLIGHT_S)
        s = 0.5 - 0.5 * math.cos(math.pi * t)
        (f0, p0), (f1, p1) = self._fly_from, self._fly_to
        cam = self.renderer.GetActiveCamera()
        cam.SetFocalPoint(*(a + (b - a) * s for a, b in zip(f0, f1, strict=True)))
        cam.SetPosition(*(a + (b - a) * s for a, b in zip(p0, p1, strict=True)))
        cam.SetViewUp(0, 0, 1)
        if t >= 1.0:
            self._fly = []
            self._fly_timer.stop()
        self.render_view()

    def _on_view_combo_activated(self, index: int) -> None:
        view_id = self._view_combo.itemData(index)
        if view_id and self.ready:
            self.set_view(str(view_id))

    def _on_labels_box_toggled(self, on: bool) -> None:
        if self.ready:
            for actor, _text in self._labels:
                actor.SetVisibility(on)
            self.render_view()

    # --- picking, hover, click -----------------------------------------------------------------
    def pick(self, x: int, y: int) -> str | None:
        """The id of the equipment drawn at display position (x, y) (VTK: origin bottom-left)."""
        if not self.ready or self.scene is None:
            return None
        if not self.picker.Pick(x, y, 0, self.renderer):
            return None
        actor = self.picker.GetActor()
        if actor is self._equip_actor:
            cell = self.picker.GetCellId()
            owners = self.meshes.equipment.GetCellData().GetArray("eq")
            k = int(owners.GetValue(cell)) if cell >= 0 else -1
        else:
            k = self._actor_owner.get(id(actor), -1)
        return self.scene.equipment[k].id if 0 <= k < len(self.scene.equipment) else None

    def display_position(self, eq_id: str) -> tuple[int, int]:
        """Where the centre of ``eq_id`` is drawn now (VTK display coordinates)."""
        from vtkmodules.vtkRenderingCore import vtkCoordinate

        assert self.scene is not None
        k = next(i for i, e in enumerate(self.scene.equipment) if e.id == eq_id)
        coord = vtkCoordinate()
        coord.SetCoordinateSystemToWorld()
        coord.SetValue(*self.meshes.centres[k])
        x, y = coord.GetComputedDisplayValue(self.renderer)
        return int(x), int(y)

    def hover_text(self, eq_id: str) -> str:
        """Name and key values of ``eq_id`` as the hover shows them."""
        assert self.scene is not None
        eq = self.scene.equipment_by_id(eq_id)
        if eq is None:
            return ""
        lines = [eq.name(self.language)]
        tags = self.runtime.layout.tags
        values = self.runtime.store.values
        for name in dict.fromkeys([*eq.show, *eq.bind.values()]):
            tag = tags.get(name)
            if tag is None:
                continue
            v = values.get(name)
            if v is None or v.value is None:
                shown = QCoreApplication.translate("Plant3DPanel", "no data")
            else:
                unit = "" if tag.eng_unit in ("state", "") or tag.states else tag.eng_unit
                shown = f"{tag.format_value(v.value)} {unit}".strip()
                if v.quality.name != "GOOD":
                    shown += f" ({v.reason or v.quality.name.lower()})"
            lines.append(f"{tag.description(self.language)}: {shown}")
        k = self.scene.equipment.index(eq)
        look = self._looks[k] if k < len(self._looks) else None
        if look is not None and look.priority:
            names = {1: QCoreApplication.translate("Plant3DPanel", "urgent"), 2: QCoreApplication.translate("Plant3DPanel", "high"), 3: QCoreApplication.translate("Plant3DPanel", "medium"), 4: QCoreApplication.translate("Plant3DPanel", "low")}
            lines.append(QCoreApplication.translate("Plant3DPanel", "In alarm: {priority}").format(priority=names.get(look.priority, str(look.priority))))
        return "\n".join(lines)

    def pick_zone(self, x: int, y: int) -> str | None:
        """The id of the nearest safety zone whose volume the view ray through display position
        (x, y) passes (VTK: origin bottom-left), or None."""
        if not self.ready or self.scene is None:
            return None
        ren = self.renderer
        ends = []
        for depth in (0.0, 1.0):
            ren.SetDisplayPoint(float(x), float(y), depth)
            ren.DisplayToWorld()
            wx, wy, wz, w = ren.GetWorldPoint()
            ends.append((wx / w, wy / w, wz / w))
        (ax, ay, az), (bx, by, bz) = ends
        origin, direction = (ax, ay, az), (bx - ax, by - ay, bz - az)
        best: tuple[float, str] | None = None
        for z in self.scene.zones:
            t_in, t_out = 0.0, 1.0
            for o, d, lo, hi in zip(origin, direction, z.min, z.max, strict=True):
                if abs(d) < 1e-12:
                    if not lo <= o <= hi:
                        t_in, t_out = 1.0, 0.0
                    continue
                t0, t1 = sorted(((lo - o) / d, (hi - o) / d))
                t_in, t_out = max(t_in, t0), min(t_out, t1)
            if t_in <= t_out and (best is None or t_in < best[0]):
                best = (t_in, z.id)
        return best[1] if best else None

    def zone_hover_text(self, zone_id: str) -> str:
        """Name, people, gas (value, unit, limit), the other unsafe conditions and whether the
        zone is unsafe now, as the hover shows them."""
        assert self.scene is not None
        k = next((i for i, z in enumerate(self.scene.zones) if z.id == zone_id), -1)
        if k < 0:
            return ""
        zone = self.scene.zones[k]
        tags = self.runtime.layout.tags
        values = self.runtime.store.values

        def shown(name: str, with_unit: bool = True) -> tuple[str, str]:
            """(value with unit, unit) of tag ``name`` now."""
            tag = tags.get(name)
            unit = "" if tag is None or not with_unit or tag.eng_unit in ("state", "bool", "") or tag.states else tag.eng_unit
            v = values.get(name)
            if tag is None or v is None or v.value is None:
                return QCoreApplication.translate("Plant3DPanel", "no data"), unit
            text = f"{tag.format_value(v.value)} {unit}".strip()
            if v.quality.name != "GOOD":
                text += f" ({v.reason or v.quality.name.lower()})"
            return text, unit

        def description(name: str) -> str:
            tag = tags.get(name)
            return tag.description(self.language) if tag is not None else name

        lines = [zone.name(self.language)]
        people, _unit = shown(zone.persons, with_unit=False)
        lines.append(QCoreApplication.translate("Plant3DPanel", "People in the zone: {n}").format(n=people))
        for cond in sorted(zone.unsafe_when, key=lambda c: c.tag != zone.gas):  # the gas first
            value, unit = shown(cond.tag)
            if cond.above is not None:
                limit = QCoreApplication.translate("Plant3DPanel", "unsafe above {limit}").format(limit=f"{cond.above:g} {unit}".strip())
            elif cond.below is not None:
                limit = QCoreApplication.translate("Plant3DPanel", "unsafe below {limit}").format(limit=f"{cond.below:g} {unit}".strip())
            else:
                limit = QCoreApplication.translate("Plant3DPanel", "unsafe when {states}").format(states="/".join(cond.states))
            lines.append(f"{description(cond.tag)}: {value} ({limit})")
        if zone.gas and all(c.tag != zone.gas for c in zone.unsafe_when):
            value, _unit = shown(zone.gas)
            lines.append(f"{description(zone.gas)}: {value}")
        look = self._zone_looks[k] if k < len(self._zone_looks) else None
        if look is None or look.data == "bad":
            lines.append(QCoreApplication.translate("Plant3DPanel", "Safety unknown: no data"))
        elif look.danger:
            lines.append(QCoreApplication.translate("Plant3DPanel", "UNSAFE, people in danger"))
        elif look.unsafe:
            lines.append(QCoreApplication.translate("Plant3DPanel", "Unsafe: keep out"))
        else:
            lines.append(QCoreApplication.translate("Plant3DPanel", "Safe"))
        return "\n".join(lines)

    def _on_vtk_mouse_move(self, interactor: Any, _event: str) -> None:
        self._hover_pos = interactor.GetEventPosition()
        self._hover_timer.start()

    def _on_hover_timer_timeout(self) -> None:
        if self._hover_pos is None:
            return
        eq_id = self.pick(*self._hover_pos)
        zone_id = None if eq_id else self.pick_zone(*self._hover_pos)
        text = self.hover_text(eq_id) if eq_id else self.zone_hover_text(zone_id) if zone_id else ""
        self.hover_label.setText(text.replace("\n", "  ·  "))
        if text:
            QToolTip.showText(QCursor.pos() + QPoint(12, 12), text, self._vtk)
        else:
            QToolTip.hideText()

    def _on_vtk_left_press(self, interactor: Any, _event: str) -> None:
        self._press = interactor.GetEventPosition()

    def _on_vtk_left_release(self, interactor: Any, _event: str) -> None:
        x, y = interactor.GetEventPosition()
        if self._press is None or abs(x - self._press[0]) + abs(y - self._press[1]) > 4:
            return  # a drag rotated the camera
        self._press = None
        self.click(x, y)

    def click(self, x: int, y: int) -> str | None:
        """Open the faceplate of the equipment at (x, y); returns its id."""
        eq_id = self.pick(x, y)
        if eq_id is not None and self.scene is not None:
            eq = self.scene.equipment_by_id(eq_id)
            assert eq is not None
            self.sig_equipment_clicked.emit(eq_id)
            self.context.open_faceplate(eq.unit)
        return eq_id

    # --- language, teardown ---------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        self.context.language = language
        self.retranslate()

    def retranslate(self) -> None:
        self.language = self.context.language
        self._view_label.setText(QCoreApplication.translate("Plant3DPanel", "View:"))
        self._labels_box.setText(QCoreApplication.translate("Plant3DPanel", "Labels"))
        current = self._view_combo.currentData()
        self._view_combo.clear()
        for v in self.scene.views if self.scene else ():
            self._view_combo.addItem(v.name(self.language), v.id)
        if current is not None:
            self._view_combo.setCurrentIndex(max(0, self._view_combo.findData(current)))
        if self._vtk is None and self.problem and self.scene is not None:
            self._show_message()
        if self.ready:
            self._apply_fonts()
            self.render_view()

    def grab_image(self, path: str | Path) -> Path:
        """Save what the VTK view shows as PNG (``QWidget.grab`` misses the OpenGL picture)."""
        from vtkmodules.vtkIOImage import vtkPNGWriter
        from vtkmodules.vtkRenderingCore import vtkWindowToImageFilter

        self.render_view()
        grab = vtkWindowToImageFilter()
        grab.SetInput(self._vtk.GetRenderWindow())
        grab.ReadFrontBufferOff()
        grab.Update()
        writer = vtkPNGWriter()
        writer.SetFileName(str(path))
        writer.SetInputConnection(grab.GetOutputPort())
        writer.Write()
        return Path(path)

    def close_view(self) -> None:
        """Disconnect from the bridge and release the OpenGL window."""
        if getattr(self, "_connected", False):
            self.context.bridge.sig_tags_changed.disconnect(self._on_bridge_tags_changed)
            self._connected = False
        if self._vtk is not None:
            for name in ("_poll", "_fly_timer", "_hover_timer"):
                timer = getattr(self, name, None)
                if timer is not None:
                    timer.stop()
            widget, self._vtk = self._vtk, None
            self.ready = False
            # no paint event may reach a finalized render window: hide and detach it first
            self._stack.setCurrentWidget(self.message)
            self._stack.removeWidget(widget)
            widget.hide()
            widget.Finalize()
            widget.deleteLater()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.close_view()
        super().closeEvent(event)
