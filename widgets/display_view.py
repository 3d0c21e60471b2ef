"""One process display on screen: a scene of symbol items bound to live tag values."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

from app.core.displays import Display
from app.core.tags import TagValue
from widgets.symbols import BACKGROUND, BoundItem, DisplayContext, make_item


class DisplayScene(QGraphicsScene):
    """The items of one :class:`Display`, indexed by the tags they show.

    :meth:`apply` takes the store bridge's coalesced changes; an item repaints only when one
    of its own tags changed.
    """

    def __init__(self, display: Display, ctx: DisplayContext, initial: Mapping[str, TagValue] | None = None) -> None:
        super().__init__()
        self.display = display
        self.ctx = ctx
        self.setSceneRect(QRectF(0, 0, display.width, display.height))
        # Items never move: no spatial index to build at call-up (clicks are rare).
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setBackgroundBrush(BACKGROUND)
        self.bound_items: list[BoundItem] = []
        self.items_by_tag: dict[str, list[BoundItem]] = {}
        initial = initial or {}
        for element in display.elements:
            item = make_item(element, ctx)
            for name in element.bound_tags:
                self.items_by_tag.setdefault(name, []).append(item)
                value = initial.get(name)
                if value is not None:
                    item.values[name] = value
            if element.bound_tags:
                item.refresh()
            self.addItem(item)
            self.bound_items.append(item)

    def apply(self, changes: Mapping[str, TagValue]) -> int:
        """Hand changed values to the items that show them; return how many items changed.

        All values of the batch are set first, then each touched item recomputes what it shows
        once (a bar group of 40 tags once, not 40 times) and repaints only if that changed.
        """
        by_tag = self.items_by_tag
        touched: dict[BoundItem, None] = {}  # insertion-ordered set
        for name, value in changes.items():
            items = by_tag.get(name)
            if items:
                for item in items:
                    item.values[name] = value
                    touched[item] = None
        changed = 0
        for item in touched:
            if item.refresh():
                item.update()
                changed += 1
        return changed

    def retranslate(self, language: str) -> None:
        self.ctx.language = language
        for item in self.bound_items:
            item.retranslate()

    def items_for(self, tag: str) -> list[BoundItem]:
        return self.items_by_tag.get(tag, [])


class DisplayView(QGraphicsView):
    """Shows a :class:`DisplayScene` scaled to fit, keeping its proportions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setBackgroundBrush(BACKGROUND)
        # One rectangle around what changed: a clip region of 2,500 small rectangles costs more
        # than painting the few unchanged items inside their bounding rectangle.
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        # Every item sets its own pen, brush and font: no save/restore around each of thousands.
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def setScene(self, scene: QGraphicsScene | None) -> None:  # noqa: N802
        super().setScene(scene)
        self.fit()

    def fit(self) -> None:
        scene = self.scene()
        if scene is not None:
            self.fitInView(scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        event.ignore()  # function keys and Alt+arrows belong to the window's actions
