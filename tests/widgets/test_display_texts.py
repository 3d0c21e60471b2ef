"""Every text on every display, in English and in Chinese: none elided ("…"), none wider than
the room it is drawn in, none overlapping another text, none cut at the display's edge, no raw
tag names where a word belongs, no unit words like "count" or "ratio"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from app.alarms.definitions import limits_by_tag, load_alarms
from app.core.displays import load_displays
from app.core.layout import PlantLayout
from app.core.store import TagStore
from tests.alarms.scenarios import batch, normal_values
from widgets.display_panel import DisplayPanel
from widgets.i18n import Translations
from widgets.store_bridge import StoreBridge
from widgets.symbols import AnalogItem

TAG_NAME = re.compile(r"^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)+$")


class Drawn:
    """One drawText call: the text, its box in scene coordinates, and whether it had room."""

    def __init__(self, text: str, box: QRectF, fits: bool) -> None:
        self.text, self.box, self.fits = text, box, fits

    def __repr__(self) -> str:
        return f"{self.text!r} at ({self.box.x():.0f}, {self.box.y():.0f}, {self.box.width():.0f}x{self.box.height():.0f})"


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Drawn]]:
    """Record every text the display items paint (QPainter.drawText, wrapped)."""
    seen: list[Drawn] = []
    original = QPainter.drawText

    def record(painter: QPainter, *args: object) -> object:
        if len(args) == 3 and isinstance(args[0], QRectF):
            rect, flags, text = args
            assert isinstance(text, str)
            need = painter.boundingRect(rect, int(flags), text)  # type: ignore[call-overload]
            seen.append(Drawn(text, painter.worldTransform().mapRect(need), need.width() <= rect.width() + 0.5))
        elif len(args) == 2 and isinstance(args[1], str):
            point, text = args
            box = QRectF(painter.fontMetrics().boundingRect(text)).translated(QPointF(point))  # type: ignore[arg-type]
            seen.append(Drawn(text, painter.worldTransform().mapRect(box), True))
        return original(painter, *args)  # type: ignore[call-overload]

    monkeypatch.setattr(QPainter, "drawText", record)
    yield seen


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_no_display_text_is_elided_cut_or_overlapping(qtbot, layout: PlantLayout, drawn: list[Drawn], language: str) -> None:  # type: ignore[no-untyped-def]
    store = TagStore(layout.tags.values())
    store.apply(batch(normal_values(layout), datetime.now(UTC)))
    bridge = StoreBridge(store)
    displays = load_displays(layout)
    limits = limits_by_tag(load_alarms(layout))  # the H/HH/L/LL ticks and their names, as the console draws them
    assert limits
    panel = DisplayPanel(layout, displays, bridge, language, limits=limits.get)
    qtbot.addWidget(panel)
    panel.resize(1600, 900)
    translations = Translations(QApplication.instance())  # type: ignore[arg-type]
    problems: list[str] = []
    limit_names = limit_ticks = 0
    hidden: list[str] = []  # limit names left out for want of room (their ticks stay)
    try:
        translations.install(language)
        panel.set_language(language)
        for display_id in displays:
            panel.show_display(display_id)
            scene = panel.view.scene()
            assert scene is not None
            drawn.clear()
            image = QImage(int(scene.sceneRect().width()), int(scene.sceneRect().height()), QImage.Format.Format_RGB32)
            painter = QPainter(image)
            scene.render(painter, QRectF(image.rect()), scene.sceneRect())
            painter.end()
            texts = [d for d in drawn if d.text.strip()]
            assert len(texts) > 10, display_id
            area = scene.sceneRect()
            for d in texts:
                if "…" in d.text:
                    problems.append(f"{display_id}: elided {d}")
                elif not d.fits:
                    problems.append(f"{display_id}: no room for {d}")
                if d.box.left() < area.left() - 0.5 or d.box.right() > area.right() + 0.5:
                    problems.append(f"{display_id}: cut at the edge {d}")
                if TAG_NAME.match(d.text.strip()):
                    problems.append(f"{display_id}: raw tag name as a label {d}")
                if re.fullmatch(r"\s*-?[\d.,]+ (count|ratio)\s*", d.text):
                    problems.append(f"{display_id}: unit word {d}")
            limit_names += sum(1 for d in texts if d.text in ("HH", "H", "L", "LL"))
            for item in scene.items():
                if isinstance(item, AnalogItem) and item.limits():
                    limit_ticks += len(item.limits())
                    hidden += [f"{display_id}: {item.element.tag} {name}" for _, box, name in item.limit_labels(item.limits()) if box is None]
            boxes = [(d.box.adjusted(1, 1, -1, -1), d) for d in texts]
            for i, (a, da) in enumerate(boxes):
                for b, db in boxes[i + 1:]:
                    if a.intersects(b):
                        problems.append(f"{display_id}: {da} overlaps {db}")
    finally:
        translations.install("en")
        bridge.close()
    assert problems == [], "\n".join(problems)
    print(f"{language}: {limit_ticks} limit ticks, {len(hidden)} names left out for want of room: {hidden}")
    # the limit names are drawn (not dropped to make the test pass): all but the crowded few
    assert limit_ticks > 50 and limit_names == limit_ticks - len(hidden) and len(hidden) <= limit_ticks // 10, hidden
