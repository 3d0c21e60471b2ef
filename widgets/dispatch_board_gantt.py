"""The Gantt chart of the dispatch board: one row per unit and crane, planned bars with the
actual bars under them, the live "now" line, late tasks outlined with a marker, planned
maintenance and breakdowns hatched; a planned task can be dragged along its row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.production.schedule import Schedule, Task
from widgets.i18n import QT_TRANSLATE_NOOP

KIND_COLOURS = {
    "tap": "#9e9e9e", "charge": "#a9bdd1", "slag_blow": "#6f93b8", "skim": "#c2b07c", "copper_blow": "#4d79a6",
    "pour": "#d0ad70", "crane_move": "#97ab97", "af_heat": "#bb9090", "cast": "#8fbf9f",
}
KIND_NAMES = {
    "tap": QT_TRANSLATE_NOOP("GanttView", "tap"), "charge": QT_TRANSLATE_NOOP("GanttView", "charge"),
    "slag_blow": QT_TRANSLATE_NOOP("GanttView", "slag blow"), "skim": QT_TRANSLATE_NOOP("GanttView", "skim"),
    "copper_blow": QT_TRANSLATE_NOOP("GanttView", "copper blow"), "pour": QT_TRANSLATE_NOOP("GanttView", "pour"),
    "crane_move": QT_TRANSLATE_NOOP("GanttView", "crane move"), "af_heat": QT_TRANSLATE_NOOP("GanttView", "AF heat"),
    "cast": QT_TRANSLATE_NOOP("GanttView", "cast"),
}
LABEL_W = 84
AXIS_H = 26
ROW_H = 36
SNAP_MIN = 5


@dataclass(frozen=True)
class ActualBar:
    """What really happened on a unit (from tracking or the live stage tags), minutes from the horizon start."""

    resource: str
    start: int
    end: int
    label: str = ""


class GanttView(QWidget):
    """Paints a :class:`Schedule`; ``sig_task_moved(task_id, new_start_min)`` after a drag,
    ``sig_task_selected(task_id)`` on a click."""

    sig_task_moved = Signal(str, int)
    sig_task_selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.schedule: Schedule | None = None
        self.rows: list[str] = []
        self.row_names: dict[str, str] = {}
        self.now_min: float | None = None
        self.actual: list[ActualBar] = []
        self.late: dict[str, str] = {}
        self.released: set[str] = set()
        self.acknowledged: set[str] = set()
        self.selected: str = ""
        self.tz: Any = None  # the plant's ZoneInfo, set by the board
        self._drag: tuple[Task, float, float] | None = None  # task, press x, current offset (min)
        self.setMouseTracking(True)
        self.setMinimumHeight(AXIS_H + 6 * ROW_H)

    # --- model -------------------------------------------------------------------
    def set_schedule(self, schedule: Schedule | None, rows: list[str], names: dict[str, str] | None = None) -> None:
        self.schedule = schedule
        self.rows = rows
        self.row_names = names or {}
        self.setMinimumHeight(AXIS_H + len(rows) * ROW_H + 4)
        self.update()

    def set_now(self, minutes: float | None) -> None:
        self.now_min = minutes
        self.update()

    def set_actual(self, bars: list[ActualBar]) -> None:
        self.actual = bars
        self.update()

    def set_late(self, late: dict[str, str]) -> None:
        self.late = late
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1200, AXIS_H + max(1, len(self.rows)) * ROW_H + 4)

    # --- geometry ----------------------------------------------------------------
    def _span(self) -> int:
        if self.schedule is None:
            return 24 * 60
        end = max([self.schedule.problem.horizon_min] + [t.end for t in self.schedule.tasks])
        return end

    def _x(self, minute: float) -> float:
        return LABEL_W + (self.width() - LABEL_W - 6) * minute / max(1, self._span())

    def _minute(self, x: float) -> float:
        return (x - LABEL_W) * self._span() / max(1.0, self.width() - LABEL_W - 6)

    def _row_y(self, resource: str) -> float | None:
        if resource not in self.rows:
            return None
        return AXIS_H + self.rows.index(resource) * ROW_H

    def _bar_rect(self, t: Task, offset: float = 0.0) -> QRectF | None:
        y = self._row_y(t.resource)
        if y is None:
            return None
        x0, x1 = self._x(t.start + offset), self._x(t.end + offset)
        return QRectF(x0, y + 3, max(2.0, x1 - x0), ROW_H * 0.55)

    def task_at(self, pos: QPointF) -> Task | None:
        if self.schedule is None:
            return None
        for t in self.schedule.tasks:
            r = self._bar_rect(t)
            if r is not None and r.adjusted(-2, -2, 2, 2).contains(pos):
                return t
        return None

    def _clock(self, minute: float) -> str:
        if self.schedule is None:
            return ""
        moment: datetime = self.schedule.problem.horizon_start + timedelta(minutes=minute)
        if self.tz is not None:
            moment = moment.astimezone(self.tz)
        return moment.strftime("%H:%M")

    # --- painting ----------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.fillRect(self.rect(), QColor("#e6e6e6"))
        small = QFont(self.font())
        small.setPointSizeF(max(6.5, small.pointSizeF() - 1.5))
        p.setFont(small)
        span = self._span()
        # rows
        for i, r in enumerate(self.rows):
            row_top = AXIS_H + i * ROW_H
            if i % 2:
                p.fillRect(QRectF(0, row_top, self.width(), ROW_H), QColor("#dedede"))
            p.setPen(QColor("#303030"))
            p.drawText(QRectF(4, row_top, LABEL_W - 6, ROW_H), Qt.AlignmentFlag.AlignVCenter, self.row_names.get(r, r))
        # hour grid and axis
        step = 120 if span > 30 * 60 else 60
        p.setPen(QPen(QColor("#c4c4c4"), 1))
        for m in range(0, span + 1, step):
            x = self._x(m)
            p.drawLine(QPointF(x, AXIS_H), QPointF(x, self.height()))
        p.setPen(QColor("#303030"))
        for m in range(0, span + 1, step):
            p.drawText(QRectF(self._x(m) - 30, 2, 60, AXIS_H - 4), Qt.AlignmentFlag.AlignCenter, self._clock(m))
        if self.schedule is None:
            p.drawText(QRectF(LABEL_W, AXIS_H, self.width() - LABEL_W, ROW_H * 2), Qt.AlignmentFlag.AlignCenter,
                       self.tr("No schedule yet: press Schedule"))
            return
        prob = self.schedule.problem
        # horizon end
        p.setPen(QPen(QColor("#707070"), 1, Qt.PenStyle.DashLine))
        xh = self._x(prob.horizon_min)
        p.drawLine(QPointF(xh, AXIS_H), QPointF(xh, self.height()))
        # maintenance and breakdowns
        for u in prob.all_unavailable():
            y = self._row_y(u.resource)
            if y is None:
                continue
            rect = QRectF(self._x(u.start), y + 1, self._x(u.end) - self._x(u.start), ROW_H - 2)
            brush = QBrush(QColor("#8a8a8a"), Qt.BrushStyle.BDiagPattern if u.kind == "maintenance" else Qt.BrushStyle.DiagCrossPattern)
            p.fillRect(rect, brush)
        # feed cuts on the smelting furnace row
        y = self._row_y(prob.aisle.smelting_furnace)
        if y is not None:
            for h in self.schedule.feed_cut_hours:
                p.fillRect(QRectF(self._x(60 * h), y + ROW_H - 6, self._x(60) - self._x(0), 4), QColor("#b06060"))
        # actual bars (under the planned ones)
        for a in self.actual:
            y = self._row_y(a.resource)
            if y is None:
                continue
            rect = QRectF(self._x(a.start), y + ROW_H * 0.66, max(2.0, self._x(a.end) - self._x(a.start)), ROW_H * 0.24)
            p.fillRect(rect, QColor("#505050"))
        # planned bars
        metrics = p.fontMetrics()
        for t in self.schedule.tasks:
            offset = self._drag[2] if self._drag and self._drag[0].id == t.id else 0.0
            bar = self._bar_rect(t, offset)
            if bar is None:
                continue
            rect = bar
            colour = QColor(KIND_COLOURS.get(t.kind, "#aaaaaa"))
            if t.id in prob.frozen:
                colour = colour.darker(115)
            p.fillRect(rect, colour)
            if t.id in self.late:
                p.setPen(QPen(QColor("#e8771a"), 3))
                p.drawRect(rect.adjusted(1, 1, -1, -1))
                p.setPen(QColor("#e8771a"))
                p.drawText(QRectF(rect.left(), rect.top() - 2, 12, 12), Qt.AlignmentFlag.AlignLeft, "!")
            elif t.id == self.selected:
                p.setPen(QPen(QColor("#1e1e1e"), 2))
                p.drawRect(rect)
            else:
                p.setPen(QPen(QColor("#5a5a5a"), 1))
                p.drawRect(rect)
            if t.id in self.acknowledged or t.id in self.released:
                mark = "✓" if t.id in self.acknowledged else "→"
                p.setPen(QColor("#1e1e1e"))
                p.drawText(QRectF(rect.right() - 12, rect.top(), 12, rect.height()), Qt.AlignmentFlag.AlignCenter, mark)
            on_converter = self.schedule is not None and t.resource in prob.aisle.converters
            label = t.batch.split("-")[-1] if on_converter else t.batch
            text = f"{self.tr(KIND_NAMES.get(t.kind, t.kind))} {label}"
            for candidate in ((text, label) if t.kind != "crane_move" else ()):
                if metrics.horizontalAdvance(candidate) + 4 <= rect.width():
                    p.setPen(QColor("#101010"))
                    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, candidate)
                    break
        # now line
        if self.now_min is not None and 0 <= self.now_min <= span:
            x = self._x(self.now_min)
            p.setPen(QPen(QColor("#d0021b"), 2))
            p.drawLine(QPointF(x, AXIS_H - 4), QPointF(x, self.height()))
            p.fillRect(QRectF(x + 2, self.height() - 16, 44, 14), QColor("#e6e6e6"))
            p.drawText(QRectF(x + 4, self.height() - 16, 42, 14), Qt.AlignmentFlag.AlignVCenter, self.tr("now"))

    # --- interaction -------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        t = self.task_at(event.position())
        if t is None:
            return
        self.selected = t.id
        self.sig_task_selected.emit(t.id)
        frozen = self.schedule is not None and t.id in self.schedule.problem.frozen
        started = self.now_min is not None and t.start <= self.now_min
        if event.button() == Qt.MouseButton.LeftButton and not frozen and not started:
            self._drag = (t, event.position().x(), 0.0)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None:
            t, x0, _ = self._drag
            offset = round((self._minute(event.position().x()) - self._minute(x0)) / SNAP_MIN) * SNAP_MIN
            self._drag = (t, x0, float(offset))
            self.update()
            return
        hovered = self.task_at(event.position())
        if hovered is not None:
            t = hovered
            tip = f"{t.id}\n{self._clock(t.start)}–{self._clock(t.end)}  {t.resource}"
            if t.src:
                tip += f"\n{t.src} → {t.dst}"
            if t.id in self.late:
                tip += "\n" + self.tr("Late: %1").replace("%1", self.late[t.id])
            QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is None:
            return
        t, _x0, offset = self._drag
        self._drag = None
        self.update()
        if offset:
            self.sig_task_moved.emit(t.id, int(t.start + offset))
