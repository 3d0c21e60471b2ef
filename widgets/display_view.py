"""One process display on screen: a scene of symbol items bound to live tag values."""

from __future__ import annotations

import gc
from collections.abc import Mapping

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QResizeEvent, QTransform
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from app.core.displays import Display
from app.core.tags import TagValue
from widgets.symbols import BACKGROUND, BoundItem, DisplayContext, LayerPaint, make_item


class ItemLayer(QGraphicsItem):
    """Paints a run of consecutive non-interactive items (value fields, analog indicators, bar
    groups, alarm indicators, labels) in one paint call, in their stacking order.

    Each item of its own costs the view a boundingRect and a paint call through the Python
    binding at every repaint; 2,500 of them cost more than drawing their contents. The members
    stay in the scene (values, looks, positions, hit tests) but have no contents of their own;
    the layer paints those that intersect the exposed area.
    """

    def __init__(self, members: list[BoundItem]) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)  # exposedRect
        self.members = members
        # (item, x, y, left, top, right, bottom): position and scene bounds (items never move)
        self._entries: list[tuple[BoundItem, float, float, float, float, float, float]] = []
        self._bounds_of: dict[BoundItem, tuple[float, float, float, float]] = {}
        bounds = QRectF()
        for item in members:
            item.layer = self
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemHasNoContents, True)
            r = item.sceneBoundingRect()
            edges = (r.left(), r.top(), r.right(), r.bottom())
            self._entries.append((item, item.x(), item.y(), *edges))
            self._bounds_of[item] = edges
            bounds = bounds.united(r)
        self._bounds = bounds
        self._base: QTransform | None = None  # the view transform the member transforms are made for
        self._transforms: list[QTransform] = []

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    def update_items(self, items: list[BoundItem]) -> None:
        """Repaint the area of these members (one rectangle around them, like the view does)."""
        bounds_of = self._bounds_of
        left, top, right, bottom = bounds_of[items[0]]
        for item in items:  # comparisons, not min()/max(): thousands of items a second
            x0, y0, x1, y1 = bounds_of[item]
            if x0 < left:
                left = x0
            if y0 < top:
                top = y0
            if x1 > right:
                right = x1
            if y1 > bottom:
                bottom = y1
        self.update(QRectF(left, top, right - left, bottom - top))

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        exposed = option.exposedRect  # type: ignore[attr-defined]
        ex0, ey0, ex1, ey1 = exposed.left(), exposed.top(), exposed.right(), exposed.bottom()
        base = p.worldTransform()
        if self._base is None or base != self._base:
            # each member's transform exactly as the view computes it (base, then the item's
            # position; no accumulated rounding: an edge on a pixel boundary lands where it
            # always did), made once per view transform rather than at every paint
            self._base = base
            self._transforms = []
            for _, px, py, *_ in self._entries:
                t = QTransform(base)
                t.translate(px, py)
                self._transforms.append(t)
        LayerPaint.begin(p)
        try:
            for (item, _, _, left, top, right, bottom), t in zip(self._entries, self._transforms, strict=True):
                if right < ex0 or left > ex1 or bottom < ey0 or top > ey1:
                    continue
                p.setWorldTransform(t)
                item.paint(p, option, widget)
        finally:
            LayerPaint.end()
            p.setWorldTransform(base)


class DisplayScene(QGraphicsScene):
    """The items of one :class:`Display`, indexed by the tags they show.

    :meth:`apply` takes the store bridge's coalesced changes; an item repaints only when what
    it shows changed. Runs of non-interactive items are painted by an :class:`ItemLayer`.
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
        self.layers: list[ItemLayer] = []
        initial = initial or {}
        # Thousands of items make tens of thousands of Python objects: automatic garbage
        # collection would scan the young ones over and over during the build (a sixth of a
        # call-up); it resumes, as it was, once the scene is built.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(display, ctx, initial)
        finally:
            if collecting:
                gc.enable()

    def _build(self, display: Display, ctx: DisplayContext, initial: Mapping[str, TagValue]) -> None:
        run: list[BoundItem] = []
        for element in display.elements:
            item = make_item(element, ctx, initial)  # built showing its values: no second refresh
            for name in element.bound_tags:
                self.items_by_tag.setdefault(name, []).append(item)
            if item.layerable and not item.clickable and not item.toolTip() and item.zValue() == 0:
                run.append(item)
            elif item.zValue() >= 0:  # drawn above the run so far: the run ends below it
                self._add_layer(run)
                run = []
            self.addItem(item)
            self.bound_items.append(item)
        self._add_layer(run)
        # per tag: (values dict, item, item shows only this tag, its layer) - apply()'s hot path
        self._sinks: dict[str, list[tuple[dict[str, TagValue | None], BoundItem, bool, ItemLayer | None]]] = {
            name: [(item.values, item, len(item.values) == 1, item.layer) for item in items]  # type: ignore[misc]
            for name, items in self.items_by_tag.items()
        }

    def _add_layer(self, run: list[BoundItem]) -> None:
        if run:
            layer = ItemLayer(run)
            self.addItem(layer)
            self.layers.append(layer)

    def apply(self, changes: Mapping[str, TagValue]) -> int:
        """Hand changed values to the items that show them; return how many items changed.

        All values of the batch are set before an item recomputes what it shows, once (a bar
        group of 40 tags once, not 40 times); it repaints only if that changed.
        """
        sinks = self._sinks
        touched: dict[BoundItem, ItemLayer | None] = {}  # items of several tags, in order
        dirty: dict[ItemLayer | None, list[BoundItem]] = {}  # changed items by the layer painting them
        for name, value in changes.items():
            targets = sinks.get(name)
            if targets:
                for values, item, single, layer in targets:
                    values[name] = value
                    if not single:
                        touched[item] = layer
                    elif item.refresh():  # its only tag: nothing else of the batch to wait for
                        items = dirty.get(layer)
                        if items is None:
                            dirty[layer] = [item]
                        else:
                            items.append(item)
        for item, layer in touched.items():
            if item.refresh():
                dirty.setdefault(layer, []).append(item)
        changed = 0
        for layer, items in dirty.items():
            changed += len(items)
            if layer is None:
                for item in items:
                    item.update()
            else:
                layer.update_items(items)
        return changed

    def retranslate(self, language: str) -> None:
        self.ctx.language = language
        for item in self.bound_items:
            item.retranslate()
        for layer in self.layers:
            layer.update()

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
