"""Trend panel: several pens, history from the historian plus a live tail from the store.

Each pen is drawn in % of its engineering range (pens of different units share one plot);
the cursor read-out gives engineering values. History comes from the reader on a worker
thread, about one min/max bucket per pixel, re-queried after every zoom or pan; Bad
quality and empty buckets are NaN, drawn as gaps.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
)

from app.core.tags import Quality, TagDef, TagValue
from app.core.work import executor
from app.historian.reader import HistoryReader
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel
from widgets.store_bridge import StoreBridge

PRESETS = (("10 min", 600), ("1 h", 3600), ("8 h", 8 * 3600), ("24 h", 86400), ("7 d", 7 * 86400))
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
US = 1_000_000
LIVE_KEEP_S = 8 * 86400
# The historian archives every tag at least every 10 minutes (compression heartbeat): no
# sample for longer than GAP_S means no data (console or link down), drawn as a gap; a value
# is held at most HOLD_S after its last sample.
HOLD_S = 600.0
GAP_S = 900.0


def break_gaps(ts: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Samples with a NaN put in HOLD_S after any sample followed by more than GAP_S of nothing."""
    if len(ts) < 2:
        return ts, v
    gaps = np.nonzero(np.diff(ts) > GAP_S)[0]
    if not len(gaps):
        return ts, v
    return np.insert(ts, gaps + 1, ts[gaps] + HOLD_S), np.insert(v.astype(float), gaps + 1, np.nan)


@dataclass
class Pen:
    name: str
    tag: TagDef | None
    colour: str
    curve: pg.PlotDataItem
    hist_x: np.ndarray = field(default_factory=lambda: np.empty(0))  # seconds since epoch
    hist_y: np.ndarray = field(default_factory=lambda: np.empty(0))  # engineering value
    hist_end: float = 0.0
    live_x: list[float] = field(default_factory=list)
    live_y: list[float] = field(default_factory=list)

    def scale(self, y: np.ndarray) -> np.ndarray:
        lo, hi = (self.tag.eu_low, self.tag.eu_high) if self.tag else (0.0, 100.0)
        span = (hi - lo) or 1.0
        return (y - lo) / span * 100.0

    def data(self) -> tuple[np.ndarray, np.ndarray]:
        lx = np.asarray(self.live_x)
        ly = np.asarray(self.live_y, dtype=float)
        keep = lx > self.hist_end
        return np.concatenate([self.hist_x, lx[keep]]), np.concatenate([self.hist_y, ly[keep]])

    def value_at(self, t: float) -> float:
        """The value at ``t``; NaN before the data, in a gap, or longer than GAP_S after the
        last sample (the read-out says "no data" there, never a made-up value)."""
        x, y = self.data()
        if not len(x):
            return math.nan
        i = int(np.searchsorted(x, t, side="right")) - 1
        if i < 0:
            return math.nan
        if t - x[i] > GAP_S and t < time.time() - GAP_S:
            return math.nan
        return float(y[i])


class PenAxis(pg.AxisItem):
    """The left axis: "% of range", or one pen's engineering units (the curves are drawn in
    % of each pen's range; the axis maps its round EU ticks onto that scale)."""

    def __init__(self) -> None:
        super().__init__("left")
        self.eu_pen: Pen | None = None  # (AxisItem.pen is pyqtgraph's own method)

    def _range(self) -> tuple[float, float] | None:
        if self.eu_pen is None or self.eu_pen.tag is None:
            return None
        lo, hi = self.eu_pen.tag.eu_low, self.eu_pen.tag.eu_high
        return (lo, hi) if hi > lo else None

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # type: ignore[override]  # noqa: N802, N803
        eu = self._range()
        if eu is None:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = eu
        span = hi - lo
        levels = super().tickValues(lo + minVal / 100 * span, lo + maxVal / 100 * span, size)
        return [(spacing, [(v - lo) / span * 100 for v in values]) for spacing, values in levels]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        eu = self._range()
        if eu is None:
            return super().tickStrings(values, scale, spacing)
        lo, hi = eu
        return super().tickStrings([lo + v / 100 * (hi - lo) for v in values], scale, spacing)


class _Results(QObject):
    """Carries worker-thread results to the GUI thread (queued signal)."""

    sig_history_loaded = Signal(int, str, object, object, float)


class TrendPanel(DockPanel):
    """Pens from the tag browser or typed; presets; zoom/pan; cursor read-out; CSV/PNG export."""

    NAME = "trend"
    TITLE = QT_TRANSLATE_NOOP("TrendPanel", "Trends")
    AREA = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, definitions: dict[str, TagDef], bridge: StoreBridge, reader: HistoryReader | None,
                 language: str = "en") -> None:
        super().__init__()
        self.definitions = definitions
        self.bridge = bridge
        self.reader = reader
        self.language = language
        self.pens: dict[str, Pen] = {}
        self.span_s = 3600.0
        self.live = True
        self._generation = 0
        self._pending = 0
        self._setting_range = False
        self._closed = False
        self._cursor_t: float | None = None
        self._pool = executor("trend-query")  # the one way off the GUI thread (app.core.work)
        self._results = _Results()
        self._results.sig_history_loaded.connect(self._on_results_history_loaded)

        pg.setConfigOptions(antialias=False)
        self.axis = PenAxis()
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom"), "left": self.axis})
        self.plot.setBackground("#e6e6e6")
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.plot.setYRange(-5, 105)
        self.plot.setMouseEnabled(x=True, y=False)
        item = self.plot.getPlotItem()
        item.setClipToView(True)
        for axis in ("left", "bottom"):
            item.getAxis(axis).setPen(pg.mkPen("#444"))
            item.getAxis(axis).setTextPen(pg.mkPen("#222"))
        self.legend = item.addLegend(offset=(8, 8), labelTextColor="#222", brush=pg.mkBrush(255, 255, 255, 200))
        self.cursor_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#555", style=Qt.PenStyle.DashLine))
        self.plot.addItem(self.cursor_line, ignoreBounds=True)
        self.readout = QLabel()
        self.readout.setObjectName("trendReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setWordWrap(True)  # many pens wrap; they must not widen the window past the screen

        self.tag_edit = QLineEdit()
        completer = QCompleter(sorted(definitions))
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.tag_edit.setCompleter(completer)
        self.add_button = QPushButton()
        self.pen_box = QComboBox()
        self.remove_button = QPushButton()
        self.preset_buttons: list[QToolButton] = []
        group = QButtonGroup(self)
        for _label, seconds in PRESETS:
            button = QToolButton()
            button.setCheckable(True)
            button.setChecked(seconds == self.span_s)
            button.clicked.connect(lambda _c=False, s=seconds: self.set_span(s))
            group.addButton(button)
            self.preset_buttons.append(button)
        self.live_button = QToolButton()
        self.live_button.setCheckable(True)
        self.live_button.setChecked(True)
        self.live_button.toggled.connect(self._on_live_button_toggled)
        self.csv_button = QPushButton()
        self.png_button = QPushButton()
        self.status_label = QLabel()
        self.axis_box = QComboBox()  # the left axis: % of range, or one pen in its units
        self.axis_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.axis_box.currentIndexChanged.connect(self._on_axis_box_changed)
        self.plant_name = ""  # printed on exported pictures (set by the main window)

        top = QHBoxLayout()
        top.addWidget(self.tag_edit, 2)
        top.addWidget(self.add_button)
        top.addWidget(self.pen_box, 1)
        top.addWidget(self.remove_button)
        top.addSpacing(12)
        for button in self.preset_buttons:
            top.addWidget(button)
        top.addWidget(self.live_button)
        top.addSpacing(12)
        top.addWidget(self.csv_button)
        top.addWidget(self.png_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        box.addWidget(self.plot, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.axis_box)  # under the axis it sets; not in the top row (the dock's width)
        bottom.addWidget(self.readout, 1)
        bottom.addWidget(self.status_label)
        box.addLayout(bottom)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.tag_edit.returnPressed.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.png_button.clicked.connect(self._on_png_button_clicked)
        bridge.sig_tags_changed.connect(self._on_bridge_tags_changed)
        self.plot.getPlotItem().getViewBox().sigXRangeChanged.connect(self._on_view_range_changed)
        self.plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self._requery_timer = QTimer(self)
        self._requery_timer.setSingleShot(True)
        self._requery_timer.setInterval(250)
        self._requery_timer.timeout.connect(self.requery)
        self._live_timer = QTimer(self)  # follow "now" and redraw at 1 Hz (ISA-101 refresh)
        self._live_timer.setInterval(1000)
        self._live_timer.timeout.connect(self._on_live_timer_timeout)
        self._live_timer.start()
        self._history_timer = QTimer(self)  # refresh history now and then while live
        self._history_timer.setInterval(60_000)
        self._history_timer.timeout.connect(self.requery)
        self._history_timer.start()
        self.retranslate()
        self._follow_now()

    # --- pens -----------------------------------------------------------------------
    def add_pen(self, name: str) -> bool:
        """Add ``name`` as a pen (unknown names are accepted if the historian has them)."""
        name = name.strip()
        if not name or name in self.pens or len(self.pens) >= len(COLOURS):
            return False
        colour = next(c for c in COLOURS if c not in {p.colour for p in self.pens.values()})
        tag = self.definitions.get(name)
        unit = f" [{tag.eng_unit}]" if tag and tag.eng_unit else ""
        curve = self.plot.plot([], [], pen=pg.mkPen(colour, width=1.5), name=f"{name}{unit}", connect="finite")
        curve.setDownsampling(auto=True, method="peak")
        pen = Pen(name, tag, colour, curve)
        self.pens[name] = pen
        value = self.bridge.store.get(name)
        if value is not None:
            self._append_live(pen, value)
        self.pen_box.addItem(name)
        self._refill_axis_box(select=name if len(self.pens) == 1 else None)
        self.requery()
        return True

    def remove_pen(self, name: str) -> None:
        pen = self.pens.pop(name, None)
        if pen is None:
            return
        self.plot.removeItem(pen.curve)
        self.legend.removeItem(pen.curve)
        self.pen_box.removeItem(self.pen_box.findText(name))
        self._refill_axis_box()

    # --- time range -----------------------------------------------------------------
    def _refill_axis_box(self, select: str | None = None) -> None:
        """The axis choices: % of range, and one per pen; a first pen brings its own units."""
        current = select or self.axis_box.currentData() or ""
        self.axis_box.blockSignals(True)
        self.axis_box.clear()
        self.axis_box.addItem(self.tr("Axis: % of range"), "")
        for name, pen in self.pens.items():
            unit = pen.tag.eng_unit if pen.tag else ""
            self.axis_box.addItem(self.tr("Axis: {pen}").format(pen=f"{name} [{unit}]" if unit else name), name)
        self.axis_box.setCurrentIndex(max(0, self.axis_box.findData(current if current in self.pens else "")))
        self.axis_box.blockSignals(False)
        self._on_axis_box_changed(self.axis_box.currentIndex())

    def set_axis(self, pen_name: str) -> None:
        """Show the left axis in ``pen_name``'s engineering units ('' = % of range)."""
        self.axis_box.setCurrentIndex(max(0, self.axis_box.findData(pen_name)))

    def _on_axis_box_changed(self, index: int) -> None:
        name = self.axis_box.itemData(index) or ""
        pen = self.pens.get(name)
        self.axis.eu_pen = pen
        item = self.plot.getPlotItem()
        if pen is not None:
            unit = pen.tag.eng_unit if pen.tag else ""
            item.setLabel("left", f"{name} [{unit}]" if unit else name, color=pen.colour)
        else:
            item.setLabel("left", self.tr("% of range"))
        self.axis.picture = None  # re-tick
        self.axis.update()

    def set_span(self, seconds: float) -> None:
        """A preset: the last ``seconds`` up to now, following live."""
        self.span_s = float(seconds)
        for (_label, s), button in zip(PRESETS, self.preset_buttons, strict=True):
            button.setChecked(s == seconds)
        self.live_button.setChecked(True)
        self.live = True
        self._follow_now()
        self.requery()

    def show_window(self, start: float, end: float) -> None:
        """Stop following live and show ``start``..``end`` (epoch seconds), fetched afresh."""
        self.live_button.blockSignals(True)
        self.live_button.setChecked(False)
        self.live_button.blockSignals(False)
        self.live = False
        self._setting_range = True
        try:
            self.plot.setXRange(start, end, padding=0)
        finally:
            self._setting_range = False
        self.requery()

    def _follow_now(self) -> None:
        now = time.time()
        self._setting_range = True
        try:
            self.plot.setXRange(now - self.span_s, now + self.span_s * 0.02, padding=0)
        finally:
            self._setting_range = False

    def _on_live_button_toggled(self, checked: bool) -> None:
        self.live = checked
        if checked:
            self._follow_now()
            self.requery()

    def _on_view_range_changed(self, *_args: object) -> None:
        if self._setting_range:
            return
        # The operator zoomed or panned: stop following, fetch at the new resolution.
        if self.live:
            self.live_button.blockSignals(True)
            self.live_button.setChecked(False)
            self.live_button.blockSignals(False)
            self.live = False
        self._requery_timer.start()

    def view_range(self) -> tuple[float, float]:
        (x0, x1), _ = self.plot.getPlotItem().getViewBox().viewRange()
        return float(x0), float(x1)

    # --- history (worker thread) ----------------------------------------------------
    def requery(self) -> None:
        """Ask the reader for every pen over the visible range, one bucket per pixel."""
        if self.reader is None or not self.pens:
            return
        x0, x1 = self.view_range()
        buckets = max(50, min(4000, self.plot.getPlotItem().getViewBox().width() or 1000))
        self._generation += 1
        gen = self._generation
        reader = self.reader
        for name in list(self.pens):
            self._pending += 1
            self._pool.submit(self._load, reader, gen, name, x0, x1, int(buckets))
        self._update_status()

    def _load(self, reader: HistoryReader, gen: int, name: str, x0: float, x1: float, buckets: int) -> None:
        """Worker thread: no Qt objects touched except the queued signal."""
        if self._closed:  # queued before the panel closed: nobody will look at it
            return
        try:
            t0, t1 = int(x0 * US), int(min(x1, time.time() + 1) * US)
            agg = reader.aggregate(name, t0, t1, buckets, display=True)
            if agg.source == "raw" and (t1 - t0) / buckets < 5 * US:
                s = reader.raw(name, t0, t1)
                before = reader.last_before(name, t0)
                ts = np.concatenate([before.ts, s.ts]) / US
                v = np.concatenate([before.value, s.value])
                q = np.concatenate([before.quality, s.quality])
                v = np.where(q == int(Quality.BAD), np.nan, v)
                ts, v = break_gaps(ts, v)
                # hold each value until the next sample (step), so gaps show where Bad starts
                x = np.repeat(ts, 2)[1:]
                y = np.repeat(v, 2)[:-1]
            else:
                centre = (agg.start + (t1 - t0) / (2 * len(agg))) / US
                vmin, vmax = agg.vmin.copy(), agg.vmax.copy()
                # An empty bucket is a held value (deadband/compression kept no sample), not
                # a gap; only Bad readings make a gap.
                # An empty bucket is a held value for up to HOLD_S after the last sample; longer
                # than GAP_S without any sample is no data at all: a gap.
                before = reader.last_before(name, t0)
                hold = float(before.value[0]) if len(before) and before.quality[0] != int(Quality.BAD) else math.nan
                last_seen = float(before.ts[0]) / US if len(before) else -math.inf
                width = (t1 - t0) / len(agg) / US if len(agg) else 0.0
                now = time.time()
                for i in range(len(agg)):
                    if agg.count[i] or agg.bad_count[i]:
                        last_seen = centre[i] + width / 2
                    if agg.count[i]:
                        hold = agg.last[i]
                    elif agg.bad_count[i]:
                        hold = math.nan
                    elif centre[i] <= now:
                        held = centre[i] - last_seen <= GAP_S
                        vmin[i] = vmax[i] = hold if held else math.nan
                x = np.repeat(centre, 2)
                y = np.column_stack([vmin, vmax]).ravel()
            end = float(x[-1]) if len(x) else 0.0
            self._results.sig_history_loaded.emit(gen, name, x, y, end)
        except Exception as exc:  # noqa: BLE001 - show it, do not crash the worker
            self._results.sig_history_loaded.emit(gen, name, None, str(exc), 0.0)

    def _on_results_history_loaded(self, gen: int, name: str, x: object, y: object, end: float) -> None:
        self._pending = max(0, self._pending - 1)
        pen = self.pens.get(name)
        if pen is not None and gen == self._generation:
            if x is None:
                self.status_label.setText(self.tr("History unavailable: {error}").format(error=y))
            else:
                pen.hist_x, pen.hist_y, pen.hist_end = x, y, end  # type: ignore[assignment]
                self._redraw(pen)
                if self._cursor_t is not None:
                    self.show_cursor(self._cursor_t)
        self._update_status()

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Tests and screenshots: wait until every query has come back."""
        from PySide6.QtCore import QCoreApplication

        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            QCoreApplication.processEvents()
            if self._pending == 0:
                return True
            time.sleep(0.01)
        return False

    def _update_status(self) -> None:
        if self._pending:
            self.status_label.setText(self.tr("Loading history ..."))
        elif self.reader is None:
            self.status_label.setText(self.tr("No history database: live values only"))
        elif not self.status_label.text().startswith(self.tr("History unavailable")):
            self.status_label.setText("")

    # --- live tail ------------------------------------------------------------------
    def _append_live(self, pen: Pen, value: TagValue) -> None:
        t = value.source_ts.timestamp()
        if pen.live_x and t <= pen.live_x[-1]:
            return
        ok = value.quality is not Quality.BAD and isinstance(value.value, int | float)
        y = float(value.value) if ok else math.nan  # type: ignore[arg-type]
        if pen.live_x and not math.isnan(pen.live_y[-1]):
            pen.live_x.append(t)  # step: hold the previous value up to this instant
            pen.live_y.append(pen.live_y[-1])
        pen.live_x.append(t)
        pen.live_y.append(y)
        if len(pen.live_x) > 200_000:
            cut = t - LIVE_KEEP_S
            i = int(np.searchsorted(np.asarray(pen.live_x), cut))
            del pen.live_x[:i]
            del pen.live_y[:i]

    def _on_bridge_tags_changed(self, changes: dict[str, TagValue]) -> None:
        for name, pen in self.pens.items():
            value = changes.get(name)
            if value is not None:
                self._append_live(pen, value)

    def _on_live_timer_timeout(self) -> None:
        if self.live:
            self._follow_now()
        for pen in self.pens.values():
            self._redraw(pen)

    def _redraw(self, pen: Pen) -> None:
        x, y = pen.data()
        if len(x):
            now = time.time()
            last = y[-1]
            if self.live and not math.isnan(last) and x[-1] < now:
                x = np.append(x, now)  # the current value holds up to now
                y = np.append(y, last)
            pen.curve.setData(x, pen.scale(y), connect="finite")
        else:
            pen.curve.setData([], [])

    # --- cursor ---------------------------------------------------------------------
    def _on_scene_mouse_moved(self, pos: object) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not self.plot.sceneBoundingRect().contains(pos):  # type: ignore[arg-type]
            return
        t = vb.mapSceneToView(pos).x()
        self.show_cursor(t)

    def show_cursor(self, t: float) -> None:
        """Put the cursor at ``t`` (epoch s) and read out every pen there."""
        self._cursor_t = t
        self.cursor_line.setPos(t)
        parts = [f"<b>{datetime.fromtimestamp(t).strftime('%Y-%m-%d %H:%M:%S')}</b>"]
        for pen in self.pens.values():
            v = pen.value_at(t)
            text = self.tr("no data") if math.isnan(v) else (pen.tag.format_value(v) if pen.tag else f"{v:.4g}")
            unit = pen.tag.eng_unit if pen.tag else ""
            parts.append(f"<span style='color:{pen.colour}'>■</span> {pen.name}: {text} {unit}")
        self.readout.setText(" &nbsp; ".join(parts))

    # --- export ---------------------------------------------------------------------
    def export_csv(self, path: Path) -> None:
        """Raw samples of every pen over the visible range (worker thread; waits for it)."""
        if self.reader is None:
            return
        x0, x1 = self.view_range()
        reader, names = self.reader, list(self.pens)

        def work() -> None:
            with open(path, "w", newline="", encoding="utf-8") as f:
                reader.export_csv(names, int(x0 * US), int(x1 * US), f)

        self._pool.submit(work).result(120)

    def export_png(self, path: Path) -> bool:
        """The plot with a header: plant, pens and the period shown (a picture must say what it is)."""
        from PySide6.QtGui import QColor, QFont, QImage, QPainter

        picture = self.plot.grab()
        x0, x1 = self.view_range()
        period = f"{datetime.fromtimestamp(x0):%Y-%m-%d %H:%M} – {datetime.fromtimestamp(x1):%Y-%m-%d %H:%M}"
        title = self.tr("Trend: {pens}").format(pens=", ".join(self.pens) or "-")
        lines = [" - ".join(filter(None, [self.plant_name, title])), period]
        header = 48
        image = QImage(picture.width(), picture.height() + header, QImage.Format.Format_RGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        font = QFont(painter.font())
        font.setPointSize(11)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#1e1e1e"))
        painter.drawText(8, 20, lines[0])
        font.setBold(False)
        painter.setFont(font)
        painter.drawText(8, 40, lines[1])
        painter.drawPixmap(0, header, picture)
        painter.end()
        return image.save(str(path), "PNG")  # type: ignore[call-overload]

    def _on_csv_button_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export trend data"), "trend.csv", self.tr("CSV (*.csv)"))
        if name:
            self.export_csv(Path(name))

    def _on_png_button_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export trend picture"), "trend.png",
                                              self.tr("PNG (*.png)"))
        if name:
            self.export_png(Path(name))

    def _on_add_button_clicked(self) -> None:
        if self.add_pen(self.tag_edit.text()):
            self.tag_edit.clear()

    def _on_remove_button_clicked(self) -> None:
        self.remove_pen(self.pen_box.currentText())

    # --- text -----------------------------------------------------------------------
    def retranslate(self) -> None:
        self.tag_edit.setPlaceholderText(self.tr("Tag name, or double-click a tag in the tag browser"))
        self.add_button.setText(self.tr("Add pen"))
        self.remove_button.setText(self.tr("Remove"))
        labels = (self.tr("10 min"), self.tr("1 h"), self.tr("8 h"), self.tr("24 h"), self.tr("7 d"))
        for button, label in zip(self.preset_buttons, labels, strict=True):
            button.setText(label)
        self.live_button.setText(self.tr("Live"))
        self.csv_button.setText(self.tr("Export CSV"))
        self.png_button.setText(self.tr("Export PNG"))
        self._refill_axis_box()
        self._update_status()

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]

    def shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._live_timer.stop()
        self._history_timer.stop()
        self.bridge.sig_tags_changed.disconnect(self._on_bridge_tags_changed)
        # the pool is shared by every trend: queued loads finish and their results are dropped (closed)
