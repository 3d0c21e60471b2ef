"""The operator screen: shows one process display at a time, with navigation history.

Overview -> unit -> detail by clicking (frames, equipment with a ``display`` link and
navigation buttons), back/forward like a browser, up to the parent display, and function
keys for the level-2 displays (the window's Display menu owns the shortcuts). Clicking an
equipment symbol with a ``unit`` opens that unit's faceplate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.displays import Display, Element
from app.core.layout import PlantLayout
from app.core.tags import TagValue
from widgets.display_view import DisplayScene, DisplayView
from widgets.store_bridge import StoreBridge
from widgets.symbols import DisplayContext

LimitsProvider = Callable[[str], dict[str, float] | None]


def level_text(level: int) -> str:
    return QCoreApplication.translate("DisplayPanel", "Level {n}").format(n=level)


class DisplayPanel(QWidget):
    """One display at a time in a :class:`DisplayView`; ``sig_display_changed(id)``."""

    sig_display_changed = Signal(str)
    sig_faceplate_requested = Signal(str)  # plant unit id

    def __init__(
        self,
        layout: PlantLayout,
        displays: dict[str, Display],
        bridge: StoreBridge,
        language: str = "en",
        limits: LimitsProvider | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.layout_model = layout
        self.displays = displays
        self.bridge = bridge
        self.language = language
        self.limits: LimitsProvider = limits or (lambda tag: None)
        self.alarm_priority: Callable[[str], int] | None = None  # set by the main window
        self.unit_badge: Callable[[Element], tuple[str, str]] = lambda element: ("", "")  # set by the main window
        self.view = DisplayView(self)
        self.scene: DisplayScene | None = None
        self.current: Display | None = None
        self.back_stack: list[str] = []
        self.forward_stack: list[str] = []
        self.last_callup_s = 0.0
        # Recently shown scenes stay built (not updated while hidden): calling one up again
        # only re-syncs the values that changed meanwhile. Oldest dropped beyond the limit.
        self.cache_limit = 6
        self._cache: dict[str, DisplayScene] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.view)
        bridge.sig_tags_changed.connect(self._on_bridge_tags_changed)
        self._closed = False

    # --- navigation ----------------------------------------------------------------------------
    def show_display(self, display_id: str, record: bool = True) -> Display:
        """Call up ``display_id``; the previous one goes on the back stack when ``record``."""
        start = time.perf_counter()
        display = self.displays[display_id]
        if record and self.current is not None and self.current.id != display_id:
            self.back_stack.append(self.current.id)
            self.forward_stack.clear()
        scene = self._cache.pop(display_id, None)
        if scene is not None and scene.display is display and scene.ctx.language == self.language:
            values = self.bridge.store.values
            scene.apply({n: v for n in scene.items_by_tag if (v := values.get(n)) is not None
                         and scene.items_by_tag[n][0].values.get(n) is not v})
        else:
            ctx = DisplayContext(
                tags=self.layout_model.tags, language=self.language, activate=self._on_element_activated,
                limits=self.limits, alarm_priority=self.alarm_priority, unit_names={u.id: u.name(self.language) for u in self.layout_model.units.values()},
                unit_badge=lambda element: self.unit_badge(element),
            )
            scene = DisplayScene(display, ctx, self.bridge.store.values)
        old = self.scene
        self.scene = scene
        self.current = display
        self.view.setScene(scene)
        if old is not None and old is not scene:
            self._cache[old.display.id] = old
            while len(self._cache) > self.cache_limit:
                self._cache.pop(next(iter(self._cache))).deleteLater()
        self.last_callup_s = time.perf_counter() - start
        self.sig_display_changed.emit(display_id)
        return display

    def back(self) -> bool:
        if not self.back_stack or self.current is None:
            return False
        self.forward_stack.append(self.current.id)
        self.show_display(self.back_stack.pop(), record=False)
        return True

    def forward(self) -> bool:
        if not self.forward_stack or self.current is None:
            return False
        self.back_stack.append(self.current.id)
        self.show_display(self.forward_stack.pop(), record=False)
        return True

    def up(self) -> bool:
        if self.current is None or not self.current.parent:
            return False
        self.show_display(self.current.parent)
        return True

    def _on_element_activated(self, element: Element) -> None:
        target = element.target or element.options.get("display")
        if element.type in ("nav", "frame") or (target and not element.unit):
            if target:
                self.show_display(str(target))
            return
        if target and self.current is not None and self.current.level == 1:
            self.show_display(str(target))  # on the overview a symbol leads to its unit display
        elif element.unit:
            self.sig_faceplate_requested.emit(element.unit)

    # --- live values and text -------------------------------------------------------------------
    def _on_bridge_tags_changed(self, changes: dict[str, TagValue]) -> None:
        if self.scene is not None:
            self.scene.apply(changes)

    def refresh_alarms(self, tags: set[str]) -> int:
        """The alarm engine changed the standing alarms of ``tags`` (an alarm came in after its
        delay, was shelved, returned...): their indicators follow now, not at the next value.
        Shown and recently shown displays alike; returns how many items changed."""
        changed = 0
        scenes = [self.scene, *self._cache.values()] if self.scene is not None else list(self._cache.values())
        for scene in scenes:
            for tag in tags:
                for item in scene.items_for(tag):
                    if item.refresh():
                        item.schedule_paint()
                        changed += 1
        return changed

    def clear_cache(self) -> None:
        for scene in self._cache.values():
            scene.deleteLater()
        self._cache.clear()

    def set_language(self, language: str) -> None:
        self.language = language
        self.clear_cache()
        if self.scene is not None:
            self.scene.ctx.unit_names = {u.id: u.name(language) for u in self.layout_model.units.values()}
            self.scene.retranslate(language)

    def title(self) -> str:
        """"<display title> - Level n", in the current language."""
        if self.current is None:
            return ""
        return f"{self.current.title(self.language)} - {level_text(self.current.level)}"

    def close_panel(self) -> None:
        if self._closed:  # a window may be closed twice (by itself, then by the main window)
            return
        self._closed = True
        try:
            self.bridge.sig_tags_changed.disconnect(self._on_bridge_tags_changed)
        except (RuntimeError, TypeError):
            pass
