"""The symbol library of the process displays: QGraphicsItems drawn with vectors.

Every item is built from one :class:`app.core.displays.Element` and draws inside its own
``(0, 0, w, h)`` rectangle, so it scales crisply with the view. Tag-bound items keep the
newest :class:`TagValue` of each bound tag and show one of four *looks*:

* ``no_data``  - no value yet: "no data" text and a dashed outline, never a made-up number;
* ``good``     - normal drawing, grey on grey (ISA-101: no colour for the normal);
* ``stale``    - Uncertain quality (e.g. reason "stale"): dashed dark-yellow outline and "?";
* ``bad``      - Bad quality: purple outline and "✕" next to the last value.

Alarm colours (red/amber/magenta) are used only for alarms, always with a shape and a
number, never colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from app.core.displays import Element
from app.core.tags import DataType, Quality, TagDef, TagValue
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.priority_look import PRIORITY_LOOK

# --- the palette (ISA-101 grey; colour only for the abnormal) -------------------------------
BACKGROUND = QColor("#c8c8c8")
LINE = QColor("#4a4a4a")
EQUIP = QColor("#b4b4b4")
EQUIP_EDGE = QColor("#3c3c3c")
RUNNING = QColor("#5a5a5a")  # a running motor is drawn filled dark; a stopped one light
STOPPED = QColor("#e0e0e0")
TEXT = QColor("#1e1e1e")
MUTED = QColor("#5c5c5c")
FRAME = QColor("#9c9c9c")
BAND = QColor("#9a9a9a")  # the normal band of an analog indicator
SCALE = QColor("#dcdcdc")
BAD = QColor("#7a1f9c")
STALE = QColor("#8a6d00")
ALARM_COLOURS = {p: QColor(look.background) for p, look in PRIORITY_LOOK.items()}  # as in the alarm list
FAULT_STATES = {"FAULT", "TRIPPED"}
RUNNING_STATES = {"RUNNING"}




# State names shown on screens; listed so lupdate extracts them for translation.
STATE_NAMES = (
    QT_TRANSLATE_NOOP("State", "IDLE"), QT_TRANSLATE_NOOP("State", "CHARGING"),
    QT_TRANSLATE_NOOP("State", "SLAG_BLOW"), QT_TRANSLATE_NOOP("State", "SKIMMING"),
    QT_TRANSLATE_NOOP("State", "COPPER_BLOW"), QT_TRANSLATE_NOOP("State", "POURING"),
    QT_TRANSLATE_NOOP("State", "MAINTENANCE"), QT_TRANSLATE_NOOP("State", "MELTING"),
    QT_TRANSLATE_NOOP("State", "OXIDISING"), QT_TRANSLATE_NOOP("State", "REDUCING"),
    QT_TRANSLATE_NOOP("State", "CASTING"), QT_TRANSLATE_NOOP("State", "HOLDING"),
    QT_TRANSLATE_NOOP("State", "STOPPED"), QT_TRANSLATE_NOOP("State", "RUNNING"),
    QT_TRANSLATE_NOOP("State", "FAULT"), QT_TRANSLATE_NOOP("State", "ON"), QT_TRANSLATE_NOOP("State", "OFF"),
    QT_TRANSLATE_NOOP("State", "AUTO"), QT_TRANSLATE_NOOP("State", "MANUAL"),
    QT_TRANSLATE_NOOP("State", "PERMITTED"), QT_TRANSLATE_NOOP("State", "BLOCKED"),
    QT_TRANSLATE_NOOP("State", "HEALTHY"), QT_TRANSLATE_NOOP("State", "TRIPPED"),
)

# Engineering units that are words; the rest (°C, t/h, Nm³/h) read the same in every language.
UNIT_WORDS = (
    QT_TRANSLATE_NOOP("Unit", "persons"), QT_TRANSLATE_NOOP("Unit", "count"),
    QT_TRANSLATE_NOOP("Unit", "batches"), QT_TRANSLATE_NOOP("Unit", "ratio"),
    QT_TRANSLATE_NOOP("Unit", "anodes"), QT_TRANSLATE_NOOP("Unit", "cells"),
)


def tr_unit(unit: str) -> str:
    return QCoreApplication.translate("Unit", unit) if unit in UNIT_WORDS else unit


# Converter tilt by stage (degrees, positive = mouth towards the aisle): blowing upright,
# charging and skimming rolled out, pouring rolled furthest.
CONVERTER_TILT = {
    "IDLE": 0.0, "CHARGING": 60.0, "SLAG_BLOW": 0.0, "SKIMMING": 75.0, "COPPER_BLOW": 0.0,
    "POURING": 100.0, "MAINTENANCE": 0.0,
}


def tr_state(name: str) -> str:
    """A state name for the screen: translated, or in English "COPPER_BLOW" -> "Copper blow"."""
    text = QCoreApplication.translate("State", name)
    if text == name and name.isupper():
        return name.replace("_", " ").capitalize()
    return text


translate = QCoreApplication.translate  # lupdate finds translate("Context", "text") calls


_FONTS: dict[tuple[int, bool], QFont] = {}


def font(pixels: int, bold: bool = False) -> QFont:
    """A scene font of ``pixels`` height (scene units), shared by all items."""
    key = (pixels, bold)
    f = _FONTS.get(key)
    if f is None:
        f = QFont()
        f.setFamilies(["DejaVu Sans", "Noto Sans CJK SC"])  # Latin from DejaVu, CJK from Noto
        f.setPixelSize(pixels)
        f.setBold(bold)
        f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        _FONTS[key] = f
    return f


class LayerPaint:
    """The painter of the :class:`ItemLayer` paint in progress and the font last set on it.

    The members of a layer share one painter state: a run of value fields sets its font once
    instead of once per field (after each ``QPainter.setFont`` the next ``drawText`` looks the
    font engine up again). Every font change of the symbols goes through :func:`set_font`.
    """

    painter: QPainter | None = None
    font: QFont | None = None

    @classmethod
    def begin(cls, p: QPainter) -> None:
        cls.painter, cls.font = p, None

    @classmethod
    def end(cls) -> None:
        cls.painter, cls.font = None, None


def set_font(p: QPainter, f: QFont) -> None:
    """``p.setFont(f)``, skipped when a layer paint already set that font on ``p``."""
    if LayerPaint.painter is p:
        if LayerPaint.font is f:
            return
        LayerPaint.font = f
    p.setFont(f)


_ADVANCES: dict[tuple[int, bool], dict[str, float]] = {}


def text_width(text: str, pixels: int, bold: bool = False) -> float:
    """Width of ``text`` in scene units, from cached per-character advances (no text layout:
    thousands of fields re-measure every second)."""
    table = _ADVANCES.get((pixels, bold))
    if table is None:
        table = _ADVANCES[(pixels, bold)] = {}
    try:
        return sum(map(table.__getitem__, text), 0.0)
    except KeyError:  # a character not measured yet
        for ch in text:
            if ch not in table:
                table[ch] = QFontMetricsF(font(pixels, bold)).horizontalAdvance(ch)
        return sum(map(table.__getitem__, text), 0.0)


def elide(text: str, pixels: int, width: float) -> str:
    """``text`` shortened with "…" to fit ``width`` (the layout call only when it does not fit)."""
    if text_width(text, pixels) <= width:
        return text
    return QFontMetricsF(font(pixels)).elidedText(text, Qt.TextElideMode.ElideRight, width)


def look_of(value: TagValue | None) -> str:
    """``no_data`` | ``good`` | ``stale`` | ``bad``: how a bound element shows this value."""
    if value is None or (value.value is None and value.quality is not Quality.GOOD):
        return "no_data"
    if value.quality is Quality.GOOD:
        return "good"
    if value.quality is Quality.BAD:
        return "bad"
    return "stale"


def worst_look(looks: list[str]) -> str:
    for look in ("bad", "stale", "no_data"):
        if look in looks:
            return look
    return "good" if looks else "no_data"


@dataclass
class DisplayContext:
    """What every item of one display shares: tag definitions, language, callbacks."""

    tags: dict[str, TagDef]
    language: str = "en"
    activate: Callable[[Element], None] = lambda element: None  # click on equipment / nav
    limits: Callable[[str], dict[str, float] | None] = lambda tag: None  # alarm limits HH/H/L/LL
    # The alarm engine's view of a tag: 0 when it has no standing alarm, else its best priority
    # (1 urgent .. 4 low). None: no engine, indicators judge values against the limits.
    alarm_priority: Callable[[str], int] | None = None
    unit_names: dict[str, str] = field(default_factory=dict)
    # A short plain-text badge for an equipment symbol ("OOS" while it is locked out for work),
    # with the reason for its tooltip; ("", "") for nothing.
    unit_badge: Callable[[Element], tuple[str, str]] = lambda element: ("", "")


def alarm_priority(tag: TagDef, value: TagValue | None, limits: dict[str, float] | None) -> int:
    """0 (none) or 1..3 for one value: HH/LL -> 1, H/L -> 2, off the normal band -> 3.

    Until the alarm engine provides limits, a value outside its normal band counts as a
    low-priority deviation, and a motor in FAULT as priority 2.
    """
    if value is None or value.quality is not Quality.GOOD or value.value is None:
        return 0
    if tag.data_type is DataType.STATE:
        return 2 if tag.format_value(value.value) in FAULT_STATES else 0
    if tag.data_type is DataType.BOOL:
        return 0
    try:
        v = float(value.value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    if limits:
        if ("HH" in limits and v >= limits["HH"]) or ("LL" in limits and v <= limits["LL"]):
            return 1
        if ("H" in limits and v >= limits["H"]) or ("L" in limits and v <= limits["L"]):
            return 2
        return 0
    if tag.normal_low is not None and tag.normal_high is not None and not tag.normal_low <= v <= tag.normal_high:
        return 3
    return 0


class BoundItem(QGraphicsItem):
    """Base of every display item: a rectangle, the element, values of its bound tags."""

    clickable = False
    # Drawn by the scene's ItemLayer instead of as an item of its own (no hover, no tool tip):
    # thousands of value fields cost the view one paint call through the binding, not one each.
    layerable = False
    layer: QGraphicsItem | None = None  # the ItemLayer that paints this item, if any

    def __init__(self, element: Element, ctx: DisplayContext, initial: Mapping[str, TagValue] | None = None) -> None:
        super().__init__()
        self.element = element
        self.ctx = ctx
        self.values: dict[str, TagValue | None] = (
            {name: initial.get(name) for name in element.bound_tags} if initial else {name: None for name in element.bound_tags})
        self.w = element.w or self.default_size()[0]
        self.h = element.h or self.default_size()[1]
        self.setPos(element.x, element.y)
        self._bounds = QRectF(-2, -2, self.w + 4, self.h + 4)
        self._look = "no_data" if self.values else "good"
        self._hover = False
        self.clickable = self.is_clickable()
        if self.clickable:
            self.setAcceptHoverEvents(True)
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable, False)
        self.retranslate()

    def default_size(self) -> tuple[float, float]:
        return 100.0, 60.0

    def is_clickable(self) -> bool:
        return type(self).clickable

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._bounds

    # --- values ---------------------------------------------------------------------------
    def set_value(self, name: str, value: TagValue) -> None:
        self.values[name] = value
        if self.refresh():
            self.schedule_paint()

    def schedule_paint(self) -> None:
        """Repaint what the item shows: the item itself, or its area of the layer painting it."""
        if self.layer is None:
            self.update()
        else:
            self.layer.update(self.sceneBoundingRect())

    def refresh(self) -> bool:
        """Recompute what the item shows from its values; True when that changed.

        Here only the look: subclasses that draw the values themselves say when those changed.
        """
        before = self._look
        values = self.values
        if len(values) == 1:  # the common case: one tag, one look
            for v in values.values():
                self._look = look_of(v)
        else:
            self._look = worst_look([look_of(v) for v in values.values()])
        return self._look != before

    def value_of(self, name: str | None = None) -> TagValue | None:
        return self.values.get(name or self.element.tag)

    @property
    def look(self) -> str:
        """How the item shows its data now: no_data, good, stale or bad (the worst tag)."""
        return self._look

    def state_name(self) -> str:
        value = self.value_of()
        tag = self.ctx.tags.get(self.element.tag)
        if value is None or tag is None or value.value is None:
            return ""
        return tag.format_value(value.value)

    def retranslate(self) -> None:
        """Refresh cached texts after a language switch (and, built, what the values show)."""
        if self.values:
            self.refresh()
        self.schedule_paint()

    # --- clicks ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.clickable and event.button() == Qt.MouseButton.LeftButton:
            event.accept()
        else:
            event.ignore()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        if self.clickable and self.boundingRect().contains(event.pos()):
            self.ctx.activate(self.element)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hover = True
        self.schedule_paint()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:  # noqa: N802
        self._hover = False
        self.schedule_paint()

    # --- helpers --------------------------------------------------------------------------
    def paint_quality(self, p: QPainter, rect: QRectF) -> None:
        """Outline and marker for no data / stale / bad (shape and text, not colour alone)."""
        look = self.look
        if look == "good":
            return
        colour = BAD if look in ("bad", "no_data") else STALE
        pen = QPen(colour, 2, Qt.PenStyle.DashLine if look != "bad" else Qt.PenStyle.SolidLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect)
        set_font(p, font(13, True))
        marker = {"bad": "✕", "stale": "?", "no_data": "?"}[look]
        p.drawText(QRectF(rect.right() - 16, rect.top(), 16, 16), Qt.AlignmentFlag.AlignCenter, marker)


class TextItem(BoundItem):
    """Static label."""

    layerable = True

    def default_size(self) -> tuple[float, float]:
        return 200.0, 22.0

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(TEXT)
        set_font(p, font(int(self.element.options.get("font", 14)), bool(self.element.options.get("bold", False))))
        p.drawText(QRectF(0, 0, self.w, self.h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.element.label(self.ctx.language))


class FrameItem(BoundItem):
    """A titled group box around one area or unit; clickable when it links a display."""

    def __init__(self, element: Element, ctx: DisplayContext, initial: Mapping[str, TagValue] | None = None) -> None:
        super().__init__(element, ctx, initial)
        self.setZValue(-10)

    def is_clickable(self) -> bool:
        return bool(self.element.options.get("display"))

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(EQUIP_EDGE if self._hover else FRAME, 1.5))
        p.setBrush(QColor("#c2c2c2"))
        p.drawRoundedRect(QRectF(0, 0, self.w, self.h), 4, 4)
        p.setPen(TEXT)
        set_font(p, font(16, True))
        p.drawText(QRectF(10, 4, self.w - 60, 24), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   self.element.label(self.ctx.language))


class NavItem(BoundItem):
    """A navigation button: calls up another display."""

    clickable = True

    def default_size(self) -> tuple[float, float]:
        return 170.0, 34.0

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(0, 0, self.w, self.h)
        p.setPen(QPen(EQUIP_EDGE, 1.2))
        p.setBrush(QColor("#d6d6d6") if self._hover else QColor("#bcbcbc"))
        p.drawRoundedRect(rect, 3, 3)
        p.setPen(TEXT)
        set_font(p, font(14))
        fm = QFontMetricsF(font(14))
        text = fm.elidedText(self.element.label(self.ctx.language), Qt.TextElideMode.ElideRight, self.w - 30)
        p.drawText(rect.adjusted(8, 0, -22, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        arrow = QPolygonF([QPointF(self.w - 18, self.h / 2 - 6), QPointF(self.w - 8, self.h / 2), QPointF(self.w - 18, self.h / 2 + 6)])
        p.setBrush(LINE)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(arrow)


LOOK_COLOUR = {"good": TEXT, "stale": STALE, "bad": BAD, "no_data": BAD}
VALUE_BOX_PEN = QPen(QColor("#a6a6a6"), 1)
VALUE_BOX_BRUSH = QBrush(QColor("#d2d2d2"))
VALUE_PX = 15
LIMIT_LABEL_PX = 10  # the names of the alarm limits (H, HH, L, LL) over their ticks


class ValueItem(BoundItem):
    """Tag value with unit; with ``describe: true`` the tag description on the left.

    The shown text and its width are computed when a value arrives, not at every paint:
    a display with thousands of fields repaints many times more often than values change.
    """

    layerable = True

    def default_size(self) -> tuple[float, float]:
        return 130.0, 24.0

    def retranslate(self) -> None:
        tag = self.ctx.tags.get(self.element.tag)
        self._tag = tag
        self._no_data = translate("Symbols", "no data")
        wants_desc = bool(self.element.options.get("describe") or self.element.label_en)
        text = self.element.label(self.ctx.language) or (tag.description(self.ctx.language) if tag else self.element.tag)
        value_w = min(140.0, self.w) if wants_desc else self.w
        self._desc = elide(text, 14, max(10.0, self.w - value_w - 6)) if wants_desc else ""
        self._vrect = QRectF(self.w - value_w, 0, value_w, self.h)
        self._drect = QRectF(0, 0, self.w - value_w - 6, self.h)
        self._desc_pos = QPointF(0, self._drect.center().y() + 5)
        self._prepare_format()
        self._text = ""
        self.refresh()
        self.schedule_paint()

    def refresh(self) -> bool:
        look_before, text_before = self._look, self._text
        values = self.values
        if len(values) == 1:  # BoundItem.refresh for one tag, inlined: thousands of fields a second
            for value in values.values():
                look = self._look = look_of(value)
        else:
            super().refresh()
            look = self._look
        fmt = self._fmt
        text = self._text = self._format(values.get(fmt[0]), fmt)
        if look == look_before and text == text_before:
            return False  # same text in the same font: it stays where it is
        # right-aligned by hand (cached width): far cheaper than drawText in a rectangle; the
        # point is moved, not made anew (a Qt object per value a second costs more than the rest)
        left, right = self._text_box
        x = right - text_width(text, VALUE_PX, look == "good")
        self._text_pos.setX(x if x > left else left)
        return True

    def _prepare_format(self) -> None:
        """Decimals, unit suffix and text box, once: thousands of values are re-formatted every second."""
        tag = self._tag
        vrect = self._vrect
        # where the value text goes: from the left limit to the right edge of its end, on the baseline
        self._text_box = (vrect.left() + 2, vrect.right() - 18)
        self._text_pos = QPointF(vrect.left() + 2, vrect.center().y() + VALUE_PX * 0.36)
        self._decimals = -1
        self._suffix = ""
        if tag is not None and tag.data_type is DataType.FLOAT:
            span = abs(tag.eu_high - tag.eu_low)
            self._decimals = 0 if span >= 1000 else 1 if span >= 50 else 2 if span >= 2 else 3
            unit = tr_unit(tag.eng_unit)
            self._suffix = f" {unit}" if unit else ""
        # all refresh() needs to format a value, in one attribute (each read of an item's
        # attribute goes through the binding)
        self._fmt = (self.element.tag, tag, self._decimals, self._suffix, self._no_data)

    def text(self) -> str:
        """The value as shown (with unit), or the no-data text."""
        return self._format(self.values.get(self.element.tag), self._fmt)

    @staticmethod
    def _format(value: TagValue | None, fmt: tuple[str, TagDef | None, int, str, str]) -> str:
        _, tag, decimals, suffix, no_data = fmt
        if value is None or value.value is None or tag is None:
            return no_data
        v = value.value
        if decimals >= 0 and type(v) is float and v == v:  # a float, not NaN: the fast path
            return f"{v:.{decimals}f}{suffix}"
        shown = tag.format_value(value.value)
        if tag.data_type is DataType.STATE or (tag.data_type is DataType.BOOL and tag.states):
            return tr_state(shown)
        return f"{shown} {tr_unit(tag.eng_unit)}".rstrip()

    def paint_value(self, p: QPainter, vrect: QRectF) -> None:
        look = self._look
        p.fillRect(vrect, VALUE_BOX_BRUSH)  # a lighter field; the fewest painter calls per value
        p.setPen(LOOK_COLOUR[look])
        set_font(p, font(VALUE_PX, look == "good"))
        p.drawText(self._text_pos, self._text)
        if look != "good":
            self.paint_quality(p, vrect)

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._desc:
            p.setPen(MUTED)
            set_font(p, font(14))
            p.drawText(self._desc_pos, self._desc)
        self.paint_value(p, self._vrect)


class StateItem(ValueItem):
    """State text (a stage, RUNNING/STOPPED/FAULT) in a box; FAULT is drawn inverted."""

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.state_name() in FAULT_STATES and self._look == "good":
            if self._desc:
                p.setPen(MUTED)
                set_font(p, font(14))
                p.drawText(self._drect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._desc)
            p.setPen(QPen(ALARM_COLOURS[2], 2))
            p.setBrush(QColor("#303030"))
            p.drawRect(self._vrect)
            p.setPen(QColor("#ffffff"))
            set_font(p, font(15, True))
            p.drawText(self._vrect, Qt.AlignmentFlag.AlignCenter, "⚠ " + self._text)
            return
        super().paint(p, option, widget)


SCALE_PEN = QPen(QColor("#8c8c8c"), 1)
POINTER_PEN = QPen(QColor("#000000"), 1)
POINTER_BRUSH = QColor("#000000")
POINTER_SHAPE = QPolygonF([QPointF(-6, -8), QPointF(6, -8), QPointF(0, 4)])  # tip at (0, 4) below the bar's top


class AnalogItem(ValueItem):
    """ISA-101 analog indicator: a moving pointer over the range, the normal band shaded,
    alarm limits (when the alarm engine provides them) as ticks; value and unit as text."""

    def default_size(self) -> tuple[float, float]:
        return 300.0, 42.0

    def retranslate(self) -> None:
        tag = self.ctx.tags.get(self.element.tag)
        self._tag = tag
        self._no_data = translate("Symbols", "no data")
        text = self.element.label(self.ctx.language) or (tag.description(self.ctx.language) if tag else "")
        value_w = min(140.0, self.w * 0.5)
        # three rows, none over another: description and value | limit names (H, HH, ...) | the bar
        bar_h = min(10.0, self.h * 0.25)
        y = self.h - bar_h - 1
        self._label_top = y - LIMIT_LABEL_PX - 3  # clear of the tick, which rises 2 px over the bar
        text_h = max(10.0, min(21.0, self._label_top))
        self._desc = elide(text, 14, max(10.0, self.w - value_w - 6))
        self._vrect = QRectF(self.w - value_w, 0, value_w, text_h)
        self._drect = QRectF(0, 0, self.w - value_w - 6, text_h)
        self._desc_pos = QPointF(0, self._drect.center().y() + 5)
        self._prepare_format()
        x0, x1 = 4.0, self.w - 4.0
        self._bar = QRectF(x0, y, x1 - x0, bar_h)
        self._limit_labels: tuple[dict[str, float] | None, list[tuple[float, QRectF | None, str]]] = (None, [])
        self._bar_edges = (self._bar.left(), self._bar.width(), self._bar.top())
        self._band: QRectF | None = None
        if tag is not None and tag.normal_low is not None and tag.normal_high is not None:
            a = x0 + self.fraction(tag.normal_low) * (x1 - x0)
            b = x0 + self.fraction(tag.normal_high) * (x1 - x0)
            self._band = QRectF(a, y + 1, max(1.0, b - a), self._bar.height() - 2)
        self._text = ""
        self.refresh()
        self.schedule_paint()

    def limits(self) -> dict[str, float]:
        return self.ctx.limits(self.element.tag) or {}

    def limit_labels(self, limits: dict[str, float]) -> list[tuple[float, QRectF | None, str]]:
        """Each limit's tick x and the box of its name in the row between the value and the bar.

        Names sit over their tick where they can; names that would touch are pushed apart
        (rightwards, then back from the right edge); a name that still has no room is left out
        (its tick stays; the faceplate lists every limit). Never over the value box or the
        description: they have their own row.
        """
        cached_for, labels = self._limit_labels
        if cached_for is limits:
            return labels
        bar, gap = self._bar, 2.0
        ticks = sorted((self._bar.left() + self.fraction(v) * bar.width(), name) for name, v in limits.items())
        boxes: list[list[float]] = []  # [left, right] per tick, in tick order
        for lx, name in ticks:
            width = text_width(name, LIMIT_LABEL_PX, True) + 2
            left = min(max(0.0, lx - width / 2), self.w - width)
            if boxes and left < boxes[-1][1] + gap:
                left = boxes[-1][1] + gap
            boxes.append([left, left + width])
        right_edge = self.w
        for box in reversed(boxes):  # pushed past the right edge: back to the left
            if box[1] > right_edge:
                box[0], box[1] = right_edge - (box[1] - box[0]), right_edge
            right_edge = box[0] - gap
        labels = []
        for i, ((lx, name), (left, right)) in enumerate(zip(ticks, boxes, strict=True)):
            fits = left >= 0 and (i == 0 or left >= boxes[i - 1][1] + gap - 0.01)
            label = QRectF(left, self._label_top, right - left, LIMIT_LABEL_PX + 1) if fits else None  # ends over the tick
            labels.append((lx, label, name))
        self._limit_labels = (limits, labels)
        return labels

    def fraction(self, v: float) -> float:
        tag = self.ctx.tags[self.element.tag]
        span = tag.eu_high - tag.eu_low
        return min(1.0, max(0.0, (v - tag.eu_low) / span)) if span > 0 else 0.0

    def refresh(self) -> bool:
        pointer_before, priority_before = getattr(self, "_pointer", None), getattr(self, "_priority", 0)
        changed = super().refresh()
        value = self.values.get(self.element.tag)
        pointer = None
        self._priority = 0
        if value is not None and isinstance(value.value, int | float) and self._tag is not None:
            bar_left, bar_width, _ = self._bar_edges
            pointer = round(bar_left + self.fraction(float(value.value)) * bar_width, 1)
            if self._look == "good":
                engine = self.ctx.alarm_priority
                if engine is not None:  # what the alarm list shows: suppressed by design = no colour
                    self._priority = engine(self.element.tag)
                else:
                    self._priority = alarm_priority(self._tag, value, self.limits() or None)
        self._pointer = pointer
        if pointer is not None and (pointer != pointer_before or changed):
            self._pointer_shape = POINTER_SHAPE.translated(pointer, self._bar_edges[2])
        return changed or pointer != pointer_before or self._priority != priority_before

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        look = self._look
        set_font(p, font(14))
        p.setPen(MUTED)
        p.drawText(self._desc_pos, self._desc)
        self.paint_value(p, self._vrect)
        bar = self._bar
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(SCALE_PEN)
        p.setBrush(SCALE)
        p.drawRect(bar)
        if self._band is not None:
            p.fillRect(self._band, BAND)
        limits = self.limits()
        if limits:
            set_font(p, font(LIMIT_LABEL_PX, True))
            p.setPen(LIMIT_PEN)
            for lx, box, name in self.limit_labels(limits):
                p.drawLine(QPointF(lx, bar.top() - 2), QPointF(lx, bar.bottom() + 1))
                if box is not None:
                    p.drawText(box, Qt.AlignmentFlag.AlignCenter, name)
        px = self._pointer
        if px is not None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            pointer = self._pointer_shape
            if look == "good":
                p.setPen(POINTER_PEN)
                p.setBrush(ALARM_COLOURS[self._priority] if self._priority in ALARM_COLOURS else POINTER_BRUSH)
            else:
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(QPen(LOOK_COLOUR[look], 1.5))
            p.drawPolygon(pointer)


LIMIT_PEN = QPen(TEXT, 2)


BARS_SCALE_PEN = QPen(QColor("#8c8c8c"), 1)
BARS_BAND = QColor("#bdbdbd")
BAR_PEN = QPen(QColor("#3c3c3c"), 1)
BAR_BRUSH = QBrush(QColor("#6e6e6e"))
BAR_OFF_PEN = QPen(QColor("#000000"), 1)  # off the normal band: darker, with a marker
BAR_OFF_BRUSH = QBrush(QColor("#202020"))
BAR_MARKER_BRUSH = QBrush(QColor("#000000"))
BAR_NO_DATA_PEN = QPen(BAD, 1, Qt.PenStyle.DashLine)
BAR_NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)
BAR_QUALITY = {look: (QPen(c, 1.5), QBrush(c, Qt.BrushStyle.BDiagPattern)) for look, c in (("bad", BAD), ("stale", STALE))}


class BarsItem(BoundItem):
    """Many values as vertical bars against one scale (cell voltages, shell temperatures).

    The scale, marks and labels are laid out once; the bars when values arrive (a repaint
    only draws them).
    """

    layerable = True

    def default_size(self) -> tuple[float, float]:
        return 600.0, 200.0

    def retranslate(self) -> None:
        self._no_data = translate("Symbols", "no data")
        self._layout()
        self.refresh()
        self.schedule_paint()

    def _layout(self) -> None:
        names = self.element.tags
        tags = [self.ctx.tags[n] for n in names]
        low = min(t.eu_low for t in tags)
        high = max(t.eu_high for t in tags)
        left, top, bottom = 56.0, 10.0, self.h - 26
        self._top, self._bottom = top, bottom
        plot = self._plot = QRectF(left, top, self.w - left - 6, bottom - top)
        span = (high - low) or 1.0

        def y_of(v: float) -> float:
            return bottom - (min(high, max(low, v)) - low) / span * (bottom - top)

        self._y_of = y_of
        t0 = tags[0]
        self._band: QRectF | None = None
        if t0.normal_low is not None and t0.normal_high is not None:
            self._band = QRectF(left, y_of(t0.normal_high), plot.width(), y_of(t0.normal_low) - y_of(t0.normal_high))
        marks = [low, high] + ([t0.normal_low, t0.normal_high] if t0.normal_low is not None and t0.normal_high is not None else [])
        self._marks = [(QRectF(0, y_of(m) - 8, left - 4, 16), t0.format_value(float(m))) for m in marks]
        n = len(names)
        slot = plot.width() / n
        bw = self._bw = max(2.0, slot * 0.62)
        label_every = 1 if slot > 40 else 5
        self._labels: list[tuple[QRectF, str]] = []
        self._slots: list[tuple[float, str, TagDef]] = []
        for i, (name, tag) in enumerate(zip(names, tags, strict=True)):
            if (i + 1) % label_every == 0 or i == 0:
                short = name.split(".")[-2] if name.count(".") >= 2 else name.split(".")[-1]
                self._labels.append((QRectF(left + i * slot - 10, bottom + 2, slot + 20, 20), short))
            self._slots.append((left + i * slot + (slot - bw) / 2, name, tag))

    def refresh(self) -> bool:
        super().refresh()
        top, bottom, bw, y_of = self._top, self._bottom, self._bw, self._y_of
        bars: list[tuple[QPen, QBrush, QRectF, QPolygonF | None]] = []
        for x, name, tag in self._slots:
            value = self.values.get(name)
            look = look_of(value)
            if look == "no_data" or value is None or value.value is None:
                bars.append((BAR_NO_DATA_PEN, BAR_NO_BRUSH, QRectF(x, top + 2, bw, bottom - top - 4), None))
                continue
            try:
                v = float(value.value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
            yv = y_of(v)
            off = tag.normal_low is not None and tag.normal_high is not None and not tag.normal_low <= v <= tag.normal_high
            marker = None
            if look == "good":
                pen, brush = (BAR_OFF_PEN, BAR_OFF_BRUSH) if off else (BAR_PEN, BAR_BRUSH)
                if off:  # a deviation marker: shape, not colour
                    tip = yv - 10
                    marker = QPolygonF([QPointF(x + bw / 2 - 5, tip - 6), QPointF(x + bw / 2 + 5, tip - 6), QPointF(x + bw / 2, tip + 2)])
            else:
                pen, brush = BAR_QUALITY["bad" if look == "bad" else "stale"]
            bars.append((pen, brush, QRectF(x, yv, bw, bottom - yv), marker))
        self._bars = bars
        return True  # refreshed because values changed, and every value is a bar

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(BARS_SCALE_PEN)
        p.setBrush(SCALE)
        p.drawRect(self._plot)
        if self._band is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(BARS_BAND)
            p.drawRect(self._band)
        set_font(p, font(12))
        p.setPen(MUTED)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for rect, text in self._marks:
            p.drawText(rect, right, text)
        set_font(p, font(11))  # the labels under the bars (they never overlap a bar)
        for rect, text in self._labels:
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        pen = brush = None
        for bar_pen, bar_brush, rect, marker in self._bars:
            if bar_pen is not pen:
                p.setPen(bar_pen)
                pen = bar_pen
            if bar_brush is not brush:
                p.setBrush(bar_brush)
                brush = bar_brush
            p.drawRect(rect)
            if marker is not None:
                p.setBrush(BAR_MARKER_BRUSH)
                brush = BAR_MARKER_BRUSH
                p.drawPolygon(marker)


class AlarmItem(BoundItem):
    """Alarm indicator of a group of tags: the highest priority as shape + colour + number,
    and how many of the tags are in alarm. Empty when none is."""

    layerable = True

    def default_size(self) -> tuple[float, float]:
        return 40.0, 40.0

    def refresh(self) -> bool:
        super().refresh()
        return True  # the priority may come from the alarm engine: repaint on every change

    def state(self) -> tuple[int, int]:
        """(highest priority 1..4 or 0, number of tags in alarm)."""
        best, count = 0, 0
        for name, value in self.values.items():
            tag = self.ctx.tags.get(name)
            if tag is None:
                continue
            if self.ctx.alarm_priority is not None:  # what the alarm list shows (suppression, delays)
                pr = self.ctx.alarm_priority(name)
            else:
                pr = alarm_priority(tag, value, self.ctx.limits(name))
            if pr:
                count += 1
                best = pr if best == 0 else min(best, pr)
        return best, count

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        priority, count = self.state()
        s = min(self.w, self.h) - 10
        cx, cy = self.w / 2, s / 2 + 2
        if not priority:
            p.setPen(QPen(QColor("#a0a0a0"), 1, Qt.PenStyle.DotLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(cx - s / 2, cy - s / 2, s, s))
            return
        path = QPainterPath()
        if priority == 1:  # square
            path.addRect(QRectF(cx - s / 2, cy - s / 2, s, s))
        elif priority == 2:  # triangle
            path.addPolygon(QPolygonF([QPointF(cx, cy - s / 2 - 2), QPointF(cx + s / 2 + 2, cy + s / 2), QPointF(cx - s / 2 - 2, cy + s / 2)]))
            path.closeSubpath()
        elif priority == 3:  # diamond
            path.addPolygon(QPolygonF([QPointF(cx, cy - s / 2 - 2), QPointF(cx + s / 2 + 2, cy), QPointF(cx, cy + s / 2 + 2), QPointF(cx - s / 2 - 2, cy)]))
            path.closeSubpath()
        else:  # circle
            path.addEllipse(QRectF(cx - s / 2, cy - s / 2, s, s))
        p.setPen(QPen(QColor("#000000"), 1.2))
        p.setBrush(ALARM_COLOURS[priority])
        p.drawPath(path)
        p.setPen(QColor(PRIORITY_LOOK[priority].foreground))
        set_font(p, font(15, True))
        p.drawText(QRectF(cx - s / 2, cy - s / 2 + (3 if priority == 2 else 0), s, s), Qt.AlignmentFlag.AlignCenter, str(priority))
        if count > 1:
            p.setPen(TEXT)
            set_font(p, font(11, True))
            p.drawText(QRectF(0, self.h - 12, self.w, 12), Qt.AlignmentFlag.AlignCenter, f"×{count}")


class PipeItem(BoundItem):
    """A process line: polyline, optional arrow at the end and a label."""

    def __init__(self, element: Element, ctx: DisplayContext, initial: Mapping[str, TagValue] | None = None) -> None:
        super().__init__(element, ctx, initial)
        self.setPos(0, 0)
        pts = element.points
        xs = [x for x, _ in pts]
        ys = [y for _, y in pts]
        self._rect = QRectF(min(xs) - 10, min(ys) - 24, max(xs) - min(xs) + 20, max(ys) - min(ys) + 34)
        self.setZValue(-5)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self._rect

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pts = [QPointF(x, y) for x, y in self.element.points]
        p.setPen(QPen(LINE, 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap, Qt.PenJoinStyle.MiterJoin))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline(QPolygonF(pts))
        if self.element.options.get("arrow") and len(pts) >= 2:
            a, b = pts[-2], pts[-1]
            angle = math.atan2(b.y() - a.y(), b.x() - a.x())
            left = QPointF(b.x() - 11 * math.cos(angle - 0.45), b.y() - 11 * math.sin(angle - 0.45))
            right = QPointF(b.x() - 11 * math.cos(angle + 0.45), b.y() - 11 * math.sin(angle + 0.45))
            p.setBrush(LINE)
            p.setPen(Qt.PenStyle.NoPen)
            p.drawPolygon(QPolygonF([b, left, right]))
        text = self.element.label(self.ctx.language)
        if text:
            longest = max(range(len(pts) - 1), key=lambda i: abs(pts[i + 1].x() - pts[i].x()) + abs(pts[i + 1].y() - pts[i].y()))
            a, b = pts[longest], pts[longest + 1]
            p.setPen(MUTED)
            set_font(p, font(12))
            if abs(a.x() - b.x()) >= abs(a.y() - b.y()):
                # centred over the segment, as wide as the text, and never off the display's left edge
                seg = abs(b.x() - a.x())
                width = max(seg, p.fontMetrics().horizontalAdvance(text) + 6.0)
                x_left = max(0.0, min(a.x(), b.x()) + seg / 2 - width / 2)
                p.drawText(QRectF(x_left, a.y() - 20, width, 18), Qt.AlignmentFlag.AlignCenter, text)
            else:
                p.drawText(QRectF(a.x() + 6, (a.y() + b.y()) / 2 - 9, 120, 18), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


class EquipmentItem(BoundItem):
    """An equipment symbol; click opens its faceplate (or calls up its display)."""

    def __init__(self, element: Element, ctx: DisplayContext, initial: Mapping[str, TagValue] | None = None) -> None:
        super().__init__(element, ctx, initial)
        self.setZValue(0)
        if element.unit:
            name = ctx.unit_names.get(element.unit, element.unit)
            self.setToolTip(name)

    def default_size(self) -> tuple[float, float]:
        return 100.0, 80.0

    def is_clickable(self) -> bool:
        return bool(self.element.unit or self.element.options.get("display"))

    def refresh(self) -> bool:
        look_changed = super().refresh()
        before = getattr(self, "_shown", None)
        self._shown = self.shown()
        return look_changed or self._shown != before

    def shown(self) -> tuple[object, ...]:
        """What the symbol draws from its values besides the look: the state (motor fill,
        converter tilt, fault mark), a tank's level, the cells of a cell row."""
        badge = self.ctx.unit_badge(self.element)
        if self.element.type == "cell_row":
            return (*(self._cell(name) for name in self.element.tags or ()), badge)
        return self.state_name(), self._level(), badge

    def paint(self, p: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(EQUIP_EDGE, 1.6))
        p.setBrush(EQUIP)
        getattr(self, f"_draw_{self.element.type}")(p)
        if self._hover:
            p.setPen(QPen(QColor("#2b2b2b"), 1, Qt.PenStyle.DotLine))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(0, 0, self.w, self.h))
        if self.values:
            self.paint_quality(p, QRectF(0, 0, self.w, self.h))
        text, why = self.ctx.unit_badge(self.element)
        if text:  # ISA-101: plain text in a box, no colour flood
            set_font(p, font(11, True))
            box = QRectF(2, self.h - 16, 8 + 7 * len(text), 14)
            p.setPen(QPen(QColor("#000000"), 1))
            p.setBrush(QColor("#ffffff"))
            p.drawRect(box)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
            name = self.ctx.unit_names.get(self.element.unit, self.element.unit)
            self.setToolTip(f"{name}\n{why}" if name else why)

    def _motor_brush(self) -> QColor:
        state = self.state_name()
        if self.look != "good" or not state:
            return EQUIP
        return RUNNING if state in RUNNING_STATES else STOPPED

    def _level(self) -> float | None:
        value = self.value_of()
        tag = self.ctx.tags.get(self.element.tag)
        if value is None or value.value is None or tag is None or tag.data_type is not DataType.FLOAT:
            return None
        span = tag.eu_high - tag.eu_low
        return min(1.0, max(0.0, (float(value.value) - tag.eu_low) / span)) if span > 0 else None  # type: ignore[arg-type]

    def _fault_mark(self, p: QPainter) -> None:
        if self.state_name() in FAULT_STATES and self.look == "good":
            p.setPen(QPen(QColor("#000000"), 1))
            p.setBrush(ALARM_COLOURS[2])
            t = QPolygonF([QPointF(self.w - 22, 2), QPointF(self.w - 2, 2), QPointF(self.w - 12, 20)])
            p.drawPolygon(t)
            set_font(p, font(11, True))
            p.drawText(QRectF(self.w - 22, 2, 20, 12), Qt.AlignmentFlag.AlignCenter, "!")

    # --- the symbols ------------------------------------------------------------------------
    def _draw_furnace(self, p: QPainter) -> None:
        w, h = self.w, self.h
        settler = QRectF(0, h * 0.45, w, h * 0.5)
        p.drawRoundedRect(settler, 10, 10)
        p.drawRect(QRectF(w * 0.08, 0, w * 0.2, h * 0.46))  # reaction shaft
        p.drawRect(QRectF(w * 0.78, h * 0.05, w * 0.16, h * 0.41))  # uptake
        p.setBrush(QColor("#8e8e8e"))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRect(QRectF(w * 0.02, h * 0.78, w * 0.96, h * 0.14))  # bath
        p.setPen(QPen(EQUIP_EDGE, 1))
        p.drawLine(QPointF(w * 0.02, h * 0.78), QPointF(w * 0.98, h * 0.78))

    def tilt_angle(self) -> float:
        """Degrees a converter is rolled out, from its stage (upright without good data)."""
        return CONVERTER_TILT.get(self.state_name(), 0.0) if self.look == "good" else 0.0

    def _draw_converter(self, p: QPainter) -> None:
        w, h = self.w, self.h
        p.save()
        p.translate(w / 2, h / 2)
        angle = self.tilt_angle()
        p.rotate(angle)
        # rolled out, the vessel stands on end: shrink it so it stays inside its own rectangle
        sin = abs(math.sin(math.radians(angle)))
        fit = 1.0 - (1.0 - min(1.0, h / w)) * sin
        p.scale(fit, fit)
        body = QRectF(-w * 0.45, -h * 0.32, w * 0.9, h * 0.64)
        p.drawRoundedRect(body, h * 0.3, h * 0.3)
        p.drawRect(QRectF(-w * 0.1, -h * 0.47, w * 0.2, h * 0.16))  # mouth
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#8e8e8e"))
        p.drawRoundedRect(QRectF(-w * 0.42, h * 0.02, w * 0.84, h * 0.27), h * 0.12, h * 0.12)  # bath
        p.setPen(QPen(EQUIP_EDGE, 2))
        p.drawLine(QPointF(-w * 0.45, h * 0.12), QPointF(-w * 0.5, h * 0.12))  # riding ring / tuyere line
        p.drawLine(QPointF(w * 0.45, h * 0.12), QPointF(w * 0.5, h * 0.12))
        p.restore()
        self._fault_mark(p)

    def _draw_ladle(self, p: QPainter) -> None:
        w, h = self.w, self.h
        body = QPolygonF([QPointF(w * 0.1, h * 0.3), QPointF(w * 0.9, h * 0.3), QPointF(w * 0.78, h), QPointF(w * 0.22, h)])
        p.drawPolygon(body)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(w * 0.1, 0, w * 0.8, h * 0.6), 0, 180 * 16)

    def _draw_anode_furnace(self, p: QPainter) -> None:
        w, h = self.w, self.h
        p.drawRoundedRect(QRectF(w * 0.05, h * 0.15, w * 0.9, h * 0.7), h * 0.33, h * 0.33)
        p.drawRect(QRectF(w * 0.45, 0, w * 0.1, h * 0.17))  # mouth
        p.drawRect(QRectF(0, h * 0.42, w * 0.06, h * 0.16))  # burner
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#8e8e8e"))
        p.drawRoundedRect(QRectF(w * 0.09, h * 0.5, w * 0.82, h * 0.3), h * 0.12, h * 0.12)

    def _draw_casting_wheel(self, p: QPainter) -> None:
        w, h = self.w, self.h
        r = min(w, h) / 2 - 2
        c = QPointF(w / 2, h / 2)
        p.drawEllipse(c, r, r)
        p.setBrush(QColor("#d4d4d4"))
        p.drawEllipse(c, r * 0.35, r * 0.35)
        moulds = 18
        for i in range(moulds):
            a = 2 * math.pi * i / moulds
            mx, my = c.x() + r * 0.72 * math.cos(a), c.y() + r * 0.72 * math.sin(a)
            p.save()
            p.translate(mx, my)
            p.rotate(math.degrees(a))
            p.setBrush(QColor("#8e8e8e"))
            p.drawRect(QRectF(-r * 0.12, -r * 0.08, r * 0.24, r * 0.16))
            p.restore()

    def _draw_cell_row(self, p: QPainter) -> None:
        w, h = self.w, self.h
        names = self.element.tags or ()
        n = max(1, len(names))
        cw = w / n
        for i in range(n):
            rect = QRectF(i * cw + 1, h * 0.2, cw - 2, h * 0.8)
            look, off = self._cell(names[i]) if names else ("good", False)
            if look == "good":
                p.setPen(QPen(EQUIP_EDGE, 1))
                p.setBrush(QColor("#202020") if off else EQUIP)
            else:
                p.setPen(QPen(BAD if look != "stale" else STALE, 1, Qt.PenStyle.DashLine))
                p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect)
        p.setPen(QPen(LINE, 2))
        p.drawLine(QPointF(0, h * 0.12), QPointF(w, h * 0.12))  # busbar

    def _cell(self, name: str) -> tuple[str, bool]:
        """(look, off its normal band) of one cell of a cell row."""
        value = self.values.get(name)
        look = look_of(value)
        tag = self.ctx.tags.get(name)
        off = False
        if look == "good" and tag is not None and value is not None and tag.normal_low is not None and tag.normal_high is not None:
            off = not tag.normal_low <= float(value.value) <= tag.normal_high  # type: ignore[arg-type]
        return look, off

    def paint_quality(self, p: QPainter, rect: QRectF) -> None:
        if self.element.type == "cell_row":  # cells mark their own quality
            return
        super().paint_quality(p, rect)

    def _draw_tank(self, p: QPainter) -> None:
        w, h = self.w, self.h
        body = QRectF(0, 0, w, h)
        p.drawRoundedRect(body, min(w, h) * 0.12, min(w, h) * 0.12)
        level = self._level()
        if level is not None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#8e8e8e"))
            p.drawRect(QRectF(3, h - 3 - (h - 6) * level, w - 6, (h - 6) * level))
            p.setPen(QPen(EQUIP_EDGE, 1.6))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(body, min(w, h) * 0.12, min(w, h) * 0.12)

    def _draw_pump(self, p: QPainter) -> None:
        w, h = self.w, self.h
        r = min(w, h) * 0.4
        c = QPointF(w / 2, h / 2)
        p.drawPolygon(QPolygonF([QPointF(c.x() - r, h), QPointF(c.x() + r, h), QPointF(c.x(), c.y())]))
        p.setBrush(self._motor_brush())
        p.drawEllipse(c, r, r)
        p.drawLine(QPointF(c.x(), c.y() - r), QPointF(c.x() + r, c.y() - r))
        self._fault_mark(p)

    def _draw_fan(self, p: QPainter) -> None:
        w, h = self.w, self.h
        r = min(w, h) * 0.45
        c = QPointF(w / 2, h / 2)
        p.setBrush(self._motor_brush())
        p.drawEllipse(c, r, r)
        p.setBrush(EQUIP if self._motor_brush() is RUNNING else QColor("#8e8e8e"))
        for i in range(3):
            a = 2 * math.pi * i / 3
            tip = QPointF(c.x() + r * 0.85 * math.cos(a), c.y() + r * 0.85 * math.sin(a))
            side = QPointF(c.x() + r * 0.55 * math.cos(a + 0.6), c.y() + r * 0.55 * math.sin(a + 0.6))
            p.drawPolygon(QPolygonF([c, tip, side]))
        self._fault_mark(p)

    def _draw_rectifier(self, p: QPainter) -> None:
        """IEC 60617 rectifier: a box split by its diagonal, AC (~) in, DC (=) out."""
        w, h = self.w, self.h
        p.drawRect(QRectF(1, 1, w - 2, h - 2))
        p.drawLine(QPointF(1, h - 1), QPointF(w - 1, 1))
        p.setPen(QPen(EQUIP_EDGE, 2))
        wave = QPainterPath(QPointF(w * 0.12, h * 0.28))
        wave.cubicTo(QPointF(w * 0.2, h * 0.12), QPointF(w * 0.28, h * 0.12), QPointF(w * 0.3, h * 0.28))
        wave.cubicTo(QPointF(w * 0.32, h * 0.44), QPointF(w * 0.4, h * 0.44), QPointF(w * 0.46, h * 0.28))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(wave)
        for y in (h * 0.7, h * 0.8):
            p.drawLine(QPointF(w * 0.56, y), QPointF(w * 0.88, y))

    def _draw_valve(self, p: QPainter) -> None:
        w, h = self.w, self.h
        p.drawPolygon(QPolygonF([QPointF(0, h * 0.3), QPointF(w / 2, h * 0.65), QPointF(0, h)]))
        p.drawPolygon(QPolygonF([QPointF(w, h * 0.3), QPointF(w / 2, h * 0.65), QPointF(w, h)]))
        p.drawLine(QPointF(w / 2, h * 0.65), QPointF(w / 2, 0))
        p.drawRect(QRectF(w * 0.3, 0, w * 0.4, h * 0.12))

    def _draw_conveyor(self, p: QPainter) -> None:
        w, h = self.w, self.h
        p.setBrush(self._motor_brush() if self.element.tag else EQUIP)
        p.drawRoundedRect(QRectF(0, 0, w, h * 0.6), h * 0.3, h * 0.3)
        p.setBrush(EQUIP)
        for x in (h * 0.3, w - h * 0.3):
            p.drawEllipse(QPointF(x, h * 0.3), h * 0.2, h * 0.2)
        p.drawLine(QPointF(w * 0.2, h * 0.6), QPointF(w * 0.15, h))
        p.drawLine(QPointF(w * 0.8, h * 0.6), QPointF(w * 0.85, h))
        self._fault_mark(p)

    def _draw_crane(self, p: QPainter) -> None:
        w, h = self.w, self.h
        p.drawRect(QRectF(0, 0, w, h * 0.14))  # bridge
        p.drawRect(QRectF(0, 0, w * 0.05, h))  # legs / runway
        p.drawRect(QRectF(w * 0.95, 0, w * 0.05, h))
        p.setBrush(QColor("#8e8e8e"))
        p.drawRect(QRectF(w * 0.42, h * 0.14, w * 0.16, h * 0.14))  # trolley
        p.drawLine(QPointF(w * 0.5, h * 0.28), QPointF(w * 0.5, h * 0.7))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(w * 0.46, h * 0.66, w * 0.08, h * 0.12), 180 * 16, 270 * 16)


EQUIPMENT_TYPES = ("furnace", "converter", "ladle", "anode_furnace", "casting_wheel", "cell_row", "tank", "pump",
                   "fan", "valve", "conveyor", "crane", "rectifier")


ITEM_TYPES: dict[str, type[BoundItem]] = {
    "value": ValueItem, "state": StateItem, "analog": AnalogItem, "bars": BarsItem, "alarm": AlarmItem,
    "label": TextItem, "frame": FrameItem, "nav": NavItem, "pipe": PipeItem,
}


def make_item(element: Element, ctx: DisplayContext, initial: Mapping[str, TagValue] | None = None) -> BoundItem:
    """The graphics item for one display element, showing the ``initial`` values of its tags."""
    kind = element.type
    if kind in EQUIPMENT_TYPES:
        return EquipmentItem(element, ctx, initial)
    return ITEM_TYPES[kind](element, ctx, initial)
