"""The energy panel: the metering hierarchy with live power, kgce per tonne of each route
against its benchmark line, the split by area, and the day-ahead forecast with its past error.

Every kgce figure on the panel has the conversion factors used beside it (``factors`` label).
History is read off the GUI thread (:class:`BackgroundQuery`); live power comes from the store.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeView,
    QVBoxLayout,
)

from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext, plant_time
from widgets.reasons import reason_text

PERIODS = (
    (QT_TRANSLATE_NOOP("EnergyPanel", "This shift"), "shift"),
    (QT_TRANSLATE_NOOP("EnergyPanel", "Last shift"), "last_shift"),
    (QT_TRANSLATE_NOOP("EnergyPanel", "Today"), "day"),
    (QT_TRANSLATE_NOOP("EnergyPanel", "Yesterday"), "yesterday"),
    (QT_TRANSLATE_NOOP("EnergyPanel", "This month"), "month"),
)
BAR = "#7a8ca3"
OVER = "#c0392b"
LIMIT = "#222222"


def _plot(title_left: str = "") -> pg.PlotWidget:
    w = pg.PlotWidget()
    w.setBackground("#e6e6e6")
    w.showGrid(x=False, y=True, alpha=0.25)
    w.setMouseEnabled(x=False, y=False)
    w.setMenuEnabled(False)
    item = w.getPlotItem()
    item.hideButtons()
    for axis in ("left", "bottom"):
        item.getAxis(axis).setPen(pg.mkPen("#444"))
        item.getAxis(axis).setTextPen(pg.mkPen("#222"))
        item.getAxis(axis).setStyle(hideOverlappingLabels=False)  # category names at the ends too
    if title_left:
        item.setLabel("left", title_left)
    return w


class EnergyPanel(DockPanel):
    """Energy per tonne against GB 21248, by period; hierarchy; split by area; forecast."""

    NAME = "energy"
    TITLE = QT_TRANSLATE_NOOP("EnergyPanel", "Energy")
    AREA = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, context: PanelContext, clock: Any = None) -> None:
        super().__init__()
        self.context = context
        self.service = context.service("energy")
        self.language = context.language
        self.clock = clock or (lambda: datetime.now(UTC))
        self.figures: dict[str, Any] | None = None
        self.forecast: dict[str, Any] | None = None
        self.forecast_error: ValueError | None = None
        self._shown_once = False
        self._query = BackgroundQuery(self, "energy", self._on_query_result, self._on_query_error)

        self.period_box = QComboBox()
        self.refresh_button = QPushButton()
        self.status = QLabel()
        self.factors = QLabel()
        self.factors.setObjectName("energyFactors")
        self.factors.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.period_box)
        top.addWidget(self.refresh_button)
        top.addWidget(self.status, 1)

        self.tree_model = QStandardItemModel(0, 4, self)
        self.tree = QTreeView()
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self._meter_items: dict[str, tuple[QStandardItem, QStandardItem, QStandardItem]] = {}
        self._area_items: dict[str, tuple[QStandardItem, QStandardItem, QStandardItem]] = {}
        self._build_tree()

        self.per_t_plot = _plot()
        self.per_t_plot.getPlotItem().setLabel("bottom", "kgce/t")
        self.area_plot = _plot()
        self.forecast_plot = _plot("tce")
        self.per_t_note = QLabel()
        self.per_t_note.setWordWrap(True)
        self.forecast_note = QLabel()
        self.forecast_note.setWordWrap(True)
        self.area_note = QLabel()

        self.tree_group = QGroupBox()
        QVBoxLayout(self.tree_group).addWidget(self.tree)
        self.per_t_group = QGroupBox()
        box = QVBoxLayout(self.per_t_group)
        box.addWidget(self.per_t_plot, 1)
        box.addWidget(self.per_t_note)
        self.area_group = QGroupBox()
        box = QVBoxLayout(self.area_group)
        box.addWidget(self.area_plot, 1)
        box.addWidget(self.area_note)
        self.forecast_group = QGroupBox()
        box = QVBoxLayout(self.forecast_group)
        box.addWidget(self.forecast_plot, 1)
        box.addWidget(self.forecast_note)
        grid = QGridLayout()
        grid.addWidget(self.tree_group, 0, 0, 2, 1)
        grid.addWidget(self.per_t_group, 0, 1)
        grid.addWidget(self.area_group, 0, 2)
        grid.addWidget(self.forecast_group, 1, 1, 1, 2)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 5)
        grid.setColumnStretch(2, 5)
        self.per_t_plot.setMinimumWidth(420)
        self.area_plot.setMinimumWidth(400)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.factors)
        layout.addLayout(grid, 1)

        self.refresh_button.clicked.connect(self.refresh)
        self.period_box.currentIndexChanged.connect(self._on_period_box_changed)
        self._live = QTimer(self)
        self._live.setInterval(2000)
        self._live.timeout.connect(self._on_live_timeout)
        self._live.start()
        self.retranslate()
        self._on_live_timeout()

    # --- texts -------------------------------------------------------------------------
    def retranslate(self) -> None:
        current = self.period_box.currentData()
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for text, key in PERIODS:
            self.period_box.addItem(self.tr(text), key)
        if current is not None:
            self.period_box.setCurrentIndex(max(0, self.period_box.findData(current)))
        self.period_box.blockSignals(False)
        self.refresh_button.setText(self.tr("Refresh"))
        self.tree_group.setTitle(self.tr("Metering hierarchy (live power)"))
        self.per_t_group.setTitle(self.tr("Energy per tonne against GB 21248-2007"))
        self.area_group.setTitle(self.tr("Split by area"))
        self.forecast_group.setTitle(self.tr("Day-ahead forecast and its error on past days"))
        self.tree_model.setHorizontalHeaderLabels([self.tr("Plant / area / unit / meter"), self.tr("Live kW"),
                                                   self.tr("Period quantity"), self.tr("kgce")])
        self.factors.setText(self.tr("Conversion to standard coal: {factors}").format(factors=self._factors_text()))
        self._show()

    def _factors_text(self) -> str:
        cfg = self.service.config
        used = {m.carrier for m in cfg.meters}
        names = {"electricity": self.tr("electricity"), "natural_gas": self.tr("natural gas")}
        parts = []
        for c in cfg.carriers.values():
            if c.name in used:
                basis = {"calorific equivalent": self.tr("calorific equivalent")}.get(c.basis, c.basis)
                parts.append(f"{names.get(c.name, c.name)} {c.kgce_per_unit:g} kgce/{c.unit} ({basis})")
        return "; ".join(parts)

    # --- hierarchy ---------------------------------------------------------------------
    def _build_tree(self) -> None:
        layout = self.context.runtime.layout
        cfg = self.service.config
        root = QStandardItem(layout.name(self.language))
        cells = [QStandardItem("") for _ in range(3)]
        self.tree_model.appendRow([root, *cells])
        self._plant_items = (root, *cells)
        for area_id in [a for a in layout.areas if any(m.area == a for m in cfg.meters)]:
            area = layout.areas[area_id]
            a_item = QStandardItem(area.name(self.language))
            a_cells = [QStandardItem("") for _ in range(3)]
            root.appendRow([a_item, *a_cells])
            self._area_items[area_id] = (a_cells[0], a_cells[1], a_cells[2])
            parents: dict[str, QStandardItem] = {}
            for m in [m for m in cfg.meters if m.area == area_id]:
                holder = a_item
                if m.parent and m.parent in parents:
                    holder = parents[m.parent]
                elif m.unit:
                    unit = layout.units.get(m.unit)
                    if unit is not None:
                        u_item = QStandardItem(unit.name(self.language))
                        a_item.appendRow([u_item, QStandardItem(""), QStandardItem(""), QStandardItem("")])
                        holder = u_item
                m_item = QStandardItem(f"{m.name(self.language)}  [{m.id}]")
                m_cells = [QStandardItem("") for _ in range(3)]
                for c in m_cells:
                    c.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                holder.appendRow([m_item, *m_cells])
                parents[m.id] = m_item
                self._meter_items[m.id] = (m_cells[0], m_cells[1], m_cells[2])
        self.tree.expandAll()
        self.tree.setColumnWidth(0, 250)
        for col, width in ((1, 75), (2, 115), (3, 65)):
            self.tree.setColumnWidth(col, width)
        self.tree.setMinimumWidth(470)

    def _on_live_timeout(self) -> None:
        power = self.service.live_power_kw()
        areas: dict[str, float] = {}
        for m in self.service.config.meters:
            kw = power.get(m.id)
            cell = self._meter_items[m.id][0]
            if m.rate:
                cell.setText("" if kw is None else f"{kw:,.0f} Nm³/h")
            else:
                cell.setText("—" if kw is None else f"{kw:,.0f}")
            if kw is not None and not m.parent and not m.rate:
                areas[m.area] = areas.get(m.area, 0.0) + kw
        for area, items in self._area_items.items():
            items[0].setText(f"{areas[area]:,.0f}" if area in areas else "—")
        self._plant_items[1].setText(f"{sum(areas.values()):,.0f}" if areas else "—")

    # --- history (off the GUI thread) -----------------------------------------------------
    def _bounds(self) -> tuple[datetime, datetime, str]:
        now = self.clock()
        cal = self.service.calendar
        key = self.period_box.currentData() or "shift"
        shift = cal.shift_at(now)
        if key == "shift":
            return shift.start, now, shift.id
        if key == "last_shift":
            last = cal.previous_shift(shift)
            return last.start, last.end, last.id
        if key == "day":
            return cal.day_bounds(shift.day)[0], now, shift.day.isoformat()
        if key == "yesterday":
            d = shift.day - timedelta(days=1)
            a, b = cal.day_bounds(d)
            return a, b, d.isoformat()
        first = shift.day.replace(day=1)
        return cal.day_bounds(first)[0], now, first.strftime("%Y-%m")

    def refresh(self) -> None:
        start, end, label = self._bounds()
        day = self.service.calendar.shift_at(self.clock()).day + timedelta(days=1)
        self.status.setText(self.tr("Reading history..."))

        def work() -> tuple[dict[str, Any], dict[str, Any] | None, ValueError | None]:
            figures = self.service.summary(start, end, label)
            try:
                return figures, self.service.forecast(day), None
            except ValueError as exc:  # shown translated (a Reason: template and values)
                return figures, None, exc

        self._query.submit(work)

    def wait(self, timeout: float = 60.0) -> None:
        self._query.wait(timeout)

    def _on_period_box_changed(self, _index: int) -> None:
        self.refresh()

    def _on_query_error(self, exc: Exception) -> None:
        self.status.setText(self.tr("Cannot read history: {error}").format(error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))

    def _on_query_result(self, result: tuple[dict[str, Any], dict[str, Any] | None, ValueError | None]) -> None:
        self.figures, self.forecast, self.forecast_error = result
        self._show()

    # --- drawing -------------------------------------------------------------------------
    def _show(self) -> None:
        f = self.figures
        if f is None:
            return
        self.status.setText(self.tr("{period}: {start} to {end}").format(
            period=f["period"], start=plant_time(f["from"], self.service.calendar.tz),
            end=plant_time(f["to"], self.service.calendar.tz)))
        for m in f["meters"]:
            items = self._meter_items.get(m["id"])
            if items is None:
                continue
            items[1].setText("—" if m["quantity"] is None else f"{m['quantity']:,.0f} {m['quantity_unit']}")
            items[2].setText("—" if m["kgce"] is None else f"{m['kgce']:,.0f}")
        for area, items in self._area_items.items():
            a = f["areas"].get(area)
            items[1].setText("" if a is None else f"{a['kwh']:,.0f} kWh")
            items[2].setText("" if a is None else f"{a['kgce']:,.0f}")
        self._plant_items[3].setText("" if f["total_kgce"] is None else f"{f['total_kgce']:,.0f}")
        self._draw_per_tonne(f)
        self._draw_areas(f)
        self._draw_forecast()

    def _route_name(self, r: dict[str, Any]) -> str:
        return r["name_zh"] if self.language.startswith("zh") and r["name_zh"] else r["name_en"]

    def _draw_per_tonne(self, f: dict[str, Any]) -> None:
        p = self.per_t_plot
        p.clear()
        routes = list(reversed(f["routes"]))  # the first route on top
        ys = list(range(len(routes)))
        widths = [r["kgce_per_t"] or 0.0 for r in routes]
        brushes = [pg.mkBrush(OVER if r["within_benchmark"] is False else BAR) for r in routes]
        p.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.55, width=widths, brushes=brushes, pen=pg.mkPen("#333")))
        for y, r in zip(ys, routes, strict=True):
            p.addItem(pg.PlotDataItem([r["benchmark"]] * 2, [y - 0.4, y + 0.4], pen=pg.mkPen(LIMIT, width=2, style=Qt.PenStyle.DashLine)))
            limit = pg.TextItem(f"≤ {r['benchmark']:g}", color=LIMIT, anchor=(0.0, 0.5))
            limit.setPos(r["benchmark"], y + 0.3)
            p.addItem(limit)
            value = "—" if r["kgce_per_t"] is None else f"{r['kgce_per_t']:.0f}"
            if r.get("batch_not_compared"):  # cast in campaigns: a shift's figure is not judged
                value += "  " + self.tr("(batch: judged per day)")
            label = pg.TextItem(value, color="#000", anchor=(0.0, 0.5))
            label.setPos(widths[y], y)
            p.addItem(label)
        axis = p.getPlotItem().getAxis("left")
        axis.setTicks([[(y, self._route_name(r)) for y, r in zip(ys, routes, strict=True)]])
        axis.setWidth(175)
        p.setXRange(0, max([*widths, *(r["benchmark"] for r in routes)]) * 1.25)
        p.setYRange(-0.6, len(routes) - 0.2)
        dc = f["dc_kwh_per_t"]
        tonnes = ", ".join(f"{self._product_name(k)} {v:,.0f} t" for k, v in f["products_t"].items() if v is not None)
        self.per_t_note.setText(
            self.tr("Dashed: GB 21248-2007 comprehensive limit. Output: {tonnes}. Tankhouse DC: {dc} kWh/t (limit {limit}).")
            .format(tonnes=tonnes or "—", dc="—" if dc is None else f"{dc:.0f}", limit=f"{f['dc_limit']:g}" if f["dc_limit"] else "—")
            + "  " + self.tr("Factors: {factors}").format(factors=self._factors_text()))

    def _product_name(self, pid: str) -> str:
        p = self.service.config.products.get(pid)
        if p is None:
            return pid
        return p.name_zh if self.language.startswith("zh") and p.name_zh else p.name_en

    def _draw_areas(self, f: dict[str, Any]) -> None:
        p = self.area_plot
        p.clear()
        layout = self.context.runtime.layout
        rows = sorted(((k, v["kgce"] or 0.0) for k, v in f["areas"].items()), key=lambda kv: kv[1])
        total = sum(v for _, v in rows) or 1.0
        ys = list(range(len(rows)))
        p.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.6, width=[v for _, v in rows], brush=pg.mkBrush(BAR), pen=pg.mkPen("#333")))
        for y, (_area, v) in zip(ys, rows, strict=True):
            t = pg.TextItem(f"{v / 1000:,.1f} tce  {100 * v / total:.0f} %", color="#000", anchor=(0.0, 0.5))
            t.setPos(v, y)
            p.addItem(t)
        names = [(y, layout.areas[a].name(self.language) if a in layout.areas else a) for y, (a, _) in zip(ys, rows, strict=True)]
        axis = p.getPlotItem().getAxis("left")
        axis.setTicks([names])
        axis.setWidth(185)
        p.getPlotItem().setLabel("bottom", "kgce")
        p.setXRange(0, max((v for _, v in rows), default=1.0) * 1.45)
        self.area_note.setText(self.tr("Total {total} tce ({factors})").format(total=f"{total / 1000:,.1f}", factors=self._factors_text()))

    def _draw_forecast(self) -> None:
        p = self.forecast_plot
        p.clear()
        fc = self.forecast
        if fc is None:
            why = reason_text(self.forecast_error) if self.forecast_error is not None else "—"
            self.forecast_note.setText(self.tr("No forecast: {why}").format(why=why))
            return
        back = fc["backtest"]
        xs = list(range(len(back)))
        p.addItem(pg.PlotDataItem(xs, [b["actual"] / 1000 for b in back], pen=pg.mkPen("#333", width=2), symbol="o",
                                  symbolSize=6, symbolBrush="#333", name=self.tr("actual")))
        p.addItem(pg.PlotDataItem(xs, [b["predicted"] / 1000 for b in back], pen=pg.mkPen("#2e6da4", width=2, style=Qt.PenStyle.DashLine),
                                  symbol="t", symbolSize=7, symbolBrush="#2e6da4", name=self.tr("forecast made the day before")))
        nx = len(back)
        p.addItem(pg.ScatterPlotItem([nx], [fc["kgce"] / 1000], size=12, brush=pg.mkBrush("#2e6da4"), symbol="s"))
        label = pg.TextItem(f"{fc['day']}: {fc['kgce'] / 1000:,.0f} tce", color="#2e6da4", anchor=(1.0, 1.2))
        label.setPos(nx, fc["kgce"] / 1000)
        p.addItem(label)
        ticks = [(x, b["day"][5:]) for x, b in enumerate(back)] + [(nx, fc["day"][5:])]
        p.getPlotItem().getAxis("bottom").setTicks([ticks])
        p.setXRange(-0.5, nx + 0.5)
        plan = ", ".join(f"{self._product_name(k)} {v:,.0f} t" for k, v in fc["plan_t"].items())
        mape = "—" if fc["mape_pct"] is None else f"{fc['mape_pct']:.1f} %"
        self.forecast_note.setText(self.tr("Forecast for {day} from the plan ({plan}): {tce} tce. Mean error on the past {n} days: {mape}.")
                                   .format(day=fc["day"], plan=plan, tce=f"{fc['kgce'] / 1000:,.0f}", n=len(back), mape=mape)
                                   + "  " + self.tr("Factors: {factors}").format(factors=self._factors_text()))

    def showEvent(self, event: Any) -> None:  # noqa: N802
        """The first time the operator opens the panel, read the figures (off the GUI thread)."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.refresh()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self._live.stop()
        self._query.shutdown()
        super().closeEvent(event)
