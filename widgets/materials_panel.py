"""The materials panel: stocks from the tags, consumption, the copper and sulphur account of a
shift or day (in, out, losses, change of stock, unaccounted) and cost per tonne of cathode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext, plant_time

PERIODS = (
    (QT_TRANSLATE_NOOP("MaterialsPanel", "Last shift"), "last_shift"),
    (QT_TRANSLATE_NOOP("MaterialsPanel", "This shift"), "shift"),
    (QT_TRANSLATE_NOOP("MaterialsPanel", "Yesterday"), "yesterday"),
)
TERMS = {
    "concentrate": QT_TRANSLATE_NOOP("MaterialsPanel", "concentrate"),
    "cathode": QT_TRANSLATE_NOOP("MaterialsPanel", "cathode"),
    "flotation tailings": QT_TRANSLATE_NOOP("MaterialsPanel", "flotation tailings"),
    "acid": QT_TRANSLATE_NOOP("MaterialsPanel", "acid"),
    "oxygen": QT_TRANSLATE_NOOP("MaterialsPanel", "oxygen"),
    "slag_to_flotation": QT_TRANSLATE_NOOP("MaterialsPanel", "slag to flotation"),
    "natural_gas": QT_TRANSLATE_NOOP("MaterialsPanel", "natural gas"),
    "electricity": QT_TRANSLATE_NOOP("MaterialsPanel", "electricity"),
    "fixed": QT_TRANSLATE_NOOP("MaterialsPanel", "fixed cost"),
    "matte": QT_TRANSLATE_NOOP("MaterialsPanel", "matte"),
    "blister": QT_TRANSLATE_NOOP("MaterialsPanel", "blister"),
    "flux": QT_TRANSLATE_NOOP("MaterialsPanel", "flux"),
    "reverts": QT_TRANSLATE_NOOP("MaterialsPanel", "reverts"),
    "anode": QT_TRANSLATE_NOOP("MaterialsPanel", "anode"),
}


def _table(columns: int) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, columns)
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setStretchLastSection(True)
    return view, model


def _num(v: float | None, fmt: str = "{:,.1f}") -> QStandardItem:
    item = QStandardItem("—" if v is None else fmt.format(v))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class MaterialsPanel(DockPanel):
    NAME = "materials"
    TITLE = QT_TRANSLATE_NOOP("MaterialsPanel", "Materials and copper account")
    AREA = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, context: PanelContext, clock: Any = None) -> None:
        super().__init__()
        self.context = context
        self.service = context.service("materials")
        self.language = context.language
        self.clock = clock or (lambda: datetime.now(UTC))
        self.summary: dict[str, Any] | None = None
        self._shown_once = False
        self._query = BackgroundQuery(self, "materials", self._on_query_result, self._on_query_error)
        self.period_box = QComboBox()
        self.refresh_button = QPushButton()
        self.status = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.period_box)
        top.addWidget(self.refresh_button)
        top.addWidget(self.status, 1)
        self.stock_view, self.stocks = _table(4)
        self.cu_view, self.cu = _table(2)
        self.s_view, self.s = _table(2)
        self.use_view, self.use = _table(2)
        self.cost_view, self.cost = _table(2)
        self.stock_group, self.cu_group, self.s_group = QGroupBox(), QGroupBox(), QGroupBox()
        self.use_group, self.cost_group = QGroupBox(), QGroupBox()
        for group, view in ((self.stock_group, self.stock_view), (self.cu_group, self.cu_view), (self.s_group, self.s_view),
                            (self.use_group, self.use_view), (self.cost_group, self.cost_view)):
            QVBoxLayout(group).addWidget(view)
        self.note = QLabel()
        self.note.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(self.stock_group, 0, 0, 2, 1)
        grid.addWidget(self.cu_group, 0, 1)
        grid.addWidget(self.s_group, 0, 2)
        grid.addWidget(self.use_group, 1, 1)
        grid.addWidget(self.cost_group, 1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addWidget(self.note)
        self.refresh_button.clicked.connect(self.refresh)
        self.period_box.currentIndexChanged.connect(self._on_period_box_changed)
        self._live = QTimer(self)
        self._live.setInterval(5000)
        self._live.timeout.connect(self._on_live_timeout)
        self._live.start()
        self.retranslate()

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
        self.stock_group.setTitle(self.tr("Stocks (live)"))
        self.cu_group.setTitle(self.tr("Copper account"))
        self.s_group.setTitle(self.tr("Sulphur account"))
        self.use_group.setTitle(self.tr("Consumption"))
        self.cost_group.setTitle(self.tr("Cost per tonne of cathode"))
        self.stocks.setHorizontalHeaderLabels([self.tr("Stock"), self.tr("Material"), self.tr("t"), self.tr("Cu t")])
        for m in (self.cu, self.s):
            m.setHorizontalHeaderLabels([self.tr("Term"), self.tr("t")])
        self.use.setHorizontalHeaderLabels([self.tr("Material"), self.tr("Quantity")])
        self.cost.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Amount")])
        self.note.setText(self.tr("The account uses the tags of materials.yaml; converter baths, ladles and the anode yard are not "
                                  "measured, so the unaccounted copper of a shift or a day swings with their batch cycles."))
        self._on_live_timeout()
        self._show()

    def _term(self, key: str) -> str:
        return self.tr(TERMS[key]) if key in TERMS else key

    def _on_live_timeout(self) -> None:
        m = self.stocks
        m.removeRows(0, m.rowCount())
        for s in self.service.stocks_now():
            name = s["name_zh"] if self.language.startswith("zh") and s["name_zh"] else s["name_en"]
            tonnes = _num(s["tonnes"], "{:,.0f}")
            if s["book"]:
                tonnes = QStandardItem(self.tr("stock-take"))
            m.appendRow([QStandardItem(name), QStandardItem(self._term(s["material"])), tonnes, _num(s["cu_t"], "{:,.0f}")])
        self.stock_view.resizeColumnsToContents()

    def _bounds(self) -> tuple[datetime, datetime, str]:
        cal = self.service.calendar
        shift = cal.shift_at(self.clock())
        key = self.period_box.currentData() or "last_shift"
        if key == "shift":
            return shift.start, self.clock(), shift.id
        if key == "yesterday":
            d = shift.day - timedelta(days=1)
            a, b = cal.day_bounds(d)
            return a, b, d.isoformat()
        last = cal.previous_shift(shift)
        return last.start, last.end, last.id

    def refresh(self) -> None:
        start, end, label = self._bounds()
        self.status.setText(self.tr("Reading history..."))
        self._query.submit(self.service.period_summary, start, end, label)

    def wait(self, timeout: float = 60.0) -> None:
        self._query.wait(timeout)

    def _on_period_box_changed(self, _index: int) -> None:
        self.refresh()

    def _on_query_error(self, exc: Exception) -> None:
        self.status.setText(self.tr("Cannot read history: {error}").format(error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))

    def _on_query_result(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        self._show()

    def _fill_account(self, model: QStandardItemModel, acc: dict[str, Any]) -> None:
        model.removeRows(0, model.rowCount())
        rows: list[tuple[str, float | None]] = []
        rows += [(self.tr("In: {term}").format(term=self._term(k)), v) for k, v in acc["in_t"].items()]
        rows += [(self.tr("Out: {term}").format(term=self._term(k)), v) for k, v in acc["out_t"].items()]
        rows += [(self.tr("Loss: {term}").format(term=self._term(k)), v) for k, v in acc["losses_t"].items()]
        rows += [(self.tr("Change of stock"), acc["stock_change_t"]), (self.tr("Unaccounted"), acc["unaccounted_t"])]
        for name, v in rows:
            model.appendRow([QStandardItem(name), _num(v)])
        pct = acc["unaccounted_pct"]
        item = _num(pct, "{:+.2f} %")
        if acc.get("alarm_pct") is not None and pct is not None and abs(pct) > acc["alarm_pct"]:
            item.setForeground(QBrush(QColor("#a00000")))
        model.appendRow([QStandardItem(self.tr("Unaccounted, % of fed")), item])

    def _show(self) -> None:
        s = self.summary
        if s is None:
            return
        tz = self.service.calendar.tz
        self.status.setText(self.tr("{period}: {start} to {end}").format(
            period=s["period"], start=plant_time(s["from"], tz), end=plant_time(s["to"], tz)))
        self._fill_account(self.cu, s["copper"])
        self._fill_account(self.s, s["sulphur"])
        u = self.use
        u.removeRows(0, u.rowCount())
        units = {c.id: c.eu for c in self.service.config.consumption}
        for k, v in s["consumption"].items():
            u.appendRow([QStandardItem(self._term(k)), QStandardItem("—" if v is None else f"{v:,.0f} {units.get(k, '')}")])
        c = s["cost"]
        m = self.cost
        m.removeRows(0, m.rowCount())
        for k, v in c["lines"].items():
            m.appendRow([QStandardItem(self._term(k)), _num(v, "{:,.0f} " + c["currency"])])
        m.appendRow([QStandardItem(self.tr("Total")), _num(c["total"], "{:,.0f} " + c["currency"])])
        m.appendRow([QStandardItem(self.tr("Cathode")), _num(c["cathode_t"], "{:,.1f} t")])
        m.appendRow([QStandardItem(self.tr("Per tonne of cathode")), _num(c["per_t_cathode"], "{:,.0f} " + c["currency"] + "/t")])
        for v in (self.cu_view, self.s_view, self.use_view, self.cost_view):
            v.resizeColumnsToContents()

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
