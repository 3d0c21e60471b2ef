"""The "plant3d" module: the 3D plant view and the danger-zone alarms it raises.

- ``validate``: ``plant3d.yaml`` of the layout, every binding checked (file:line).
- ``setup``: loads the scene and starts the :class:`~app.plant3d.state.ZoneMonitor`, which
  publishes one ``calc://plant3d/HSE.Zxx.OCCUPIED_UNSAFE`` tag per zone; ``alarms.yaml``
  defines the alarm on it, so an occupied unsafe zone is alarmed, journaled and counted like any
  other alarm — also in ``crucible serve`` (headless).
- panel: ``widgets.plant3d_panel:Plant3DPanel`` (VTK, imported only by the GUI).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.modules import Module, PanelSpec
from app.plant3d.loader import load_scene, validate
from app.plant3d.scene import Scene
from app.plant3d.state import ZoneMonitor


@dataclass
class Plant3DService:
    """``scene`` (None when the plant has no ``plant3d.yaml``) and its zone monitor."""

    scene: Scene | None
    monitor: ZoneMonitor | None

    def close(self) -> None:
        if self.monitor is not None:
            self.monitor.detach()


def setup(runtime: Any) -> Plant3DService:
    """Load the scene of ``runtime.layout`` and publish the zone tags into ``runtime.store``."""
    scene = load_scene(runtime.layout)
    monitor = None
    if scene is not None:
        monitor = ZoneMonitor(scene, runtime.store, runtime.layout.tags)
        monitor.attach()
    return Plant3DService(scene, monitor)


def close(service: Plant3DService) -> None:
    service.close()


MODULE = Module(
    name="plant3d",
    title="3D plant view",
    requires=("alarms",),  # the zone tags are alarmed by the alarm engine
    setup=setup,
    close=close,
    panels=(PanelSpec("plant3d", "widgets.plant3d_panel:Plant3DPanel", area="central"),),
    validate=validate,
    headless=True,
)
