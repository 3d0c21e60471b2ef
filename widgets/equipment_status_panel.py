"""Every machine at a glance (ISA-101: grey when normal, colour only for the abnormal),
grouped by area, and a detail view: state timeline, trends, work order history.

Live columns (state, run hours, vibration and zone) refresh from the store once a second on the
GUI thread without SQL; open orders and the next preventive task come from the database off
the GUI thread when the maintenance service reports a change.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.maintenance.ledger import Equipment, Ledger
from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext
from widgets.work_order_panel import (
    MaintenanceSignatureDialog,
    WorkOrderModel,
    finish_queries,
    weak_slot,
)

CTX = "EquipmentStatusPanel"
STATE_WORDS = {
    "running": QT_TRANSLATE_NOOP("EquipmentStatusPanel", "running"),
    "idle": QT_TRANSLATE_NOOP("EquipmentStatusPanel", "idle"),
    "planned_stop": QT_TRANSLATE_NOOP("EquipmentStatusPanel", "planned stop"),
    "unplanned_stop": QT_TRANSLATE_NOOP("EquipmentStatusPanel", "FAULT"),
    "out_of_service": QT_TRANSLATE_NOOP("EquipmentStatusPanel", "LOCKED OUT"),
    "": QT_TRANSLATE_NOOP("EquipmentStatusPanel", "no data"),
}
COLUMNS = (
    QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Area"), QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Equipment"),
    QT_TRANSLATE_NOOP("EquipmentStatusPanel", "State"), QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Run hours"),
    QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Vib. mm/s"), QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Zone"),
    QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Open WOs"), QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Next preventive"),
    QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Zone C forecast"),
)
_FOUNDATIONS = (QT_TRANSLATE_NOOP("EquipmentStatusPanel", "rigid"), QT_TRANSLATE_NOOP("EquipmentStatusPanel", "flexible"))
STATE_COLOURS = {"unplanned_stop": QColor("#e03c31"), "out_of_service": QColor("#4a78c2")}
STATE_TEXT = {"unplanned_stop": QColor("white"), "out_of_service": QColor("white")}
ZONE_COLOURS = {"C": QColor("#f2d21b"), "D": QColor("#e8771a")}
SOON = QColor("#f2d21b")  # a forecast or preventive task inside its warning horizon
TIMELINE = {"running": QColor("#7d7d7d"), "idle": QColor("#b4b4b4"), "planned_stop": QColor("#9ab0c8"),
            "unplanned_stop": QColor("#e03c31"), "out_of_service": QColor("#4a78c2")}
TREND_ROLES = (
    ("vibration", QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Vibration")),
    ("power", QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Motor current / power")),
    ("run_hours", QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Run hours")),
)
FORECAST_WARN_DAYS = 30.0
PM_WARN_DAYS = 3.0


def tr(text: str) -> str:
    """A word registered with QT_TRANSLATE_NOOP in this panel's context."""
    return QCoreApplication.translate(CTX, text)


class EquipmentStatusModel(QAbstractTableModel):
    """One row per machine, sorted by area; cells kept as display tuples, compared on refresh so
    only changed rows are repainted."""

    def __init__(self, ledger: Ledger, layout: Any = None, language: str = "en", parent: Any = None) -> None:
        super().__init__(parent)
        self.language = language
        self.layout = layout
        self.equipment: list[Equipment] = sorted(ledger, key=lambda e: (e.area, e.id))
        self.index_of = {e.id: i for i, e in enumerate(self.equipment)}
        self.live: list[tuple[str, float | None, float | None, str]] = [("", None, None, "")] * len(self.equipment)
        self.slow: list[tuple[int, str, float | None]] = [(0, "", None)] * len(self.equipment)
        self.forecast: list[tuple[str, float | None]] = [("", None)] * len(self.equipment)
        self._first_of_area = {i for i, e in enumerate(self.equipment) if i == 0 or self.equipment[i - 1].area != e.area}
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.equipment)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def area_name(self, area: str) -> str:
        if self.layout is not None and area in self.layout.areas:
            return str(self.layout.areas[area].name(self.language))
        return area

    # --- refresh ------------------------------------------------------------------------
    def refresh_live(self, states: dict[str, str], values: dict[str, Any], locked: Any) -> int:
        """Take the live state/run hours/vibration of every machine; return the rows changed."""
        changed = 0
        first = last = -1
        for i, eq in enumerate(self.equipment):
            state = "out_of_service" if eq.id in locked else states.get(eq.id, "")
            rh = _number(values.get(eq.tags.get("run_hours", "")))
            vib = _number(values.get(eq.tags.get("vibration", "")))
            zone = eq.zones.zone(vib) if eq.zones is not None and vib is not None and state == "running" else ""
            row = (state, None if rh is None else math.floor(rh), None if vib is None else round(vib, 1), zone)
            if row != self.live[i]:
                self.live[i] = row
                changed += 1
                first = i if first < 0 else first
                last = i
        if changed:
            self.dataChanged.emit(self.index(first, 2), self.index(last, 5))
        return changed

    def refresh_slow(self, summary: dict[str, tuple[int, str, float | None]], predictions: dict[str, Any]) -> None:
        for eq_id, row in summary.items():
            i = self.index_of.get(eq_id)
            if i is not None:
                self.slow[i] = row
        for i, eq in enumerate(self.equipment):
            p = predictions.get(eq.id)
            self.forecast[i] = ("", None) if p is None else (p.zone, float(p.days))
        if self.equipment:
            self.dataChanged.emit(self.index(0, 6), self.index(len(self.equipment) - 1, 8))

    # --- cells --------------------------------------------------------------------------
    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        i, col = index.row(), index.column()
        eq = self.equipment[i]
        state, rh, vib, zone = self.live[i]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self.area_name(eq.area) if i in self._first_of_area else ""
            if col == 1:
                return f"{eq.id}  {eq.name(self.language)}"
            if col == 2:
                return tr(STATE_WORDS.get(state, state))
            if col == 3:
                return "" if rh is None else f"{rh:,}"
            if col == 4:
                return "" if vib is None else f"{vib:.1f}"
            if col == 5:
                return zone
            if col == 6:
                return str(self.slow[i][0]) if self.slow[i][0] else ""
            if col == 7:
                plan_id, days = self.slow[i][1], self.slow[i][2]
                plan = next((p for p in eq.plans if p.id == plan_id), None)
                if plan is None or days is None:
                    return ""
                task = plan.task_zh if self.language.startswith("zh") and plan.task_zh else plan.task_en
                return QCoreApplication.translate("EquipmentStatusPanel", "{task}: overdue").format(task=task) if days <= 0 else QCoreApplication.translate("EquipmentStatusPanel", "{task} in {days:.0f} d").format(task=task, days=days)
            if col == 8:
                z, days = self.forecast[i]
                if days is None:
                    return ""
                if days <= 0:
                    return QCoreApplication.translate("EquipmentStatusPanel", "in zone {zone} now").format(zone=z)
                date = (dt.datetime.now().astimezone() + dt.timedelta(days=days)).strftime("%Y-%m-%d")
                return QCoreApplication.translate("EquipmentStatusPanel", "{date} (~{days:.0f} d)").format(date=date, days=days)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if col == 2 and state in STATE_COLOURS:
                return QBrush(STATE_COLOURS[state])
            if col in (4, 5) and zone in ZONE_COLOURS:
                return QBrush(ZONE_COLOURS[zone])
            if col == 7 and self.slow[i][2] is not None and self.slow[i][2] <= PM_WARN_DAYS:  # type: ignore[operator]
                return QBrush(SOON)
            if col == 8 and self.forecast[i][1] is not None and self.forecast[i][1] <= FORECAST_WARN_DAYS:  # type: ignore[operator]
                return QBrush(SOON)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and state in STATE_TEXT:
            return QBrush(STATE_TEXT[state])
        if role == Qt.ItemDataRole.FontRole and (col == 0 or (col == 2 and state in STATE_COLOURS)):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _number(v: Any) -> float | None:
    if v is None or not v.is_good or isinstance(v.value, str | None):
        return None
    return float(v.value)


class StateTimeline(QWidget):
    """A bar of the machine's states over the last days (colour only where abnormal)."""

    def __init__(self) -> None:
        super().__init__()
        self.spans: list[tuple[float, float, str]] = []
        self.start = self.end = 0.0
        self.setMinimumHeight(46)

    def set_transitions(self, transitions: list[tuple[dt.datetime, str, str]], start: dt.datetime, end: dt.datetime) -> None:
        self.start, self.end = start.timestamp(), end.timestamp()
        spans = []
        for k, (t, _eq, state) in enumerate(transitions):
            t1 = transitions[k + 1][0].timestamp() if k + 1 < len(transitions) else self.end
            spans.append((max(t.timestamp(), self.start), t1, state))
        self.spans = [s for s in spans if s[1] > s[0]]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        w, h = self.width(), self.height()
        bar = QRectF(0, 4, w, h - 22)
        p.fillRect(bar, QColor("#d8d8d8"))
        span = max(1.0, self.end - self.start)
        for a, b, state in self.spans:
            x0 = (a - self.start) / span * w
            x1 = (b - self.start) / span * w
            p.fillRect(QRectF(x0, bar.top(), max(1.0, x1 - x0), bar.height()), TIMELINE.get(state, QColor("#d8d8d8")))
        p.setPen(QColor("#1e1e1e"))
        days = int(round(span / 86400))
        for d in range(days + 1):
            x = d / max(1, days) * (w - 1)
            p.drawLine(int(x), int(bar.bottom()), int(x), int(bar.bottom()) + 4)
            label = dt.datetime.fromtimestamp(self.start + d * 86400).strftime("%m-%d")
            left = min(max(0.0, x - 30), w - 60.0)
            p.drawText(QRectF(left, bar.bottom() + 4, 60, 14), int(Qt.AlignmentFlag.AlignCenter), label)
        p.end()


class EquipmentDetail(QWidget):
    """The selected machine: ledger facts, state timeline, vibration trend, work order history."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt;")
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.timeline_label = QLabel()
        self.timeline = StateTimeline()
        import pyqtgraph as pg

        self.plot = pg.PlotWidget()
        self.plot.setBackground("#e6e6e6")
        self.plot.setMinimumHeight(140)
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setAxisItems({"bottom": pg.DateAxisItem()})
        self.curve = self.plot.plot(pen=pg.mkPen("#1e1e1e", width=1.5))
        # made once and moved/hidden, never removed: a pyqtgraph item dropped from the scene is
        # freed by Python's garbage collector on whatever thread runs it (a worker: a crash)
        self.zone_lines: list[Any] = []
        for colour in ("#c9a800", "#e8771a"):  # zone C starts, zone D starts
            line = pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen(colour, width=1, style=Qt.PenStyle.DashLine))
            line.setVisible(False)
            self.plot.addItem(line)
            self.zone_lines.append(line)
        self.trend_role = QComboBox()
        for role, text in TREND_ROLES:
            self.trend_role.addItem(tr(text), role)
        self.trend_role.currentIndexChanged.connect(self._on_trend_role_changed)
        self._eq: Equipment | None = None
        self._data: dict[str, Any] | None = None
        self.history = WorkOrderModel(self)
        self.history_view = QTableView()
        self.history_view.setModel(self.history)
        self.history_view.verticalHeader().hide()
        self.history_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history_view.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        for w in (self.title, self.facts, self.timeline_label, self.timeline):
            layout.addWidget(w)
        layout.addWidget(self.trend_role)
        layout.addWidget(self.plot, 2)
        layout.addWidget(self.history_view, 2)

    def show_equipment(self, eq: Equipment, data: dict[str, Any] | None) -> None:

        self.title.setText(f"{eq.id}  {eq.name(self.language)}")
        zones = (QCoreApplication.translate("EquipmentStatusPanel", "ISO 10816 group {group} {foundation}: B {ab} / C {bc} / D {cd} mm/s").format(
            group=eq.zones.group, foundation=tr(eq.zones.foundation), ab=eq.zones.ab, bc=eq.zones.bc, cd=eq.zones.cd)
            if eq.zones else "")
        self.facts.setText(QCoreApplication.translate("EquipmentStatusPanel", "{make} {model}, installed {installed}, criticality {criticality}. {zones}").format(
            make=eq.make, model=eq.model, installed=eq.installed or "-", criticality=eq.criticality, zones=zones))
        self.timeline_label.setText(QCoreApplication.translate("EquipmentStatusPanel", "State, last 7 days (grey running, light idle, red fault, blue locked out)"))
        self._eq, self._data = eq, data
        self.show_trend()
        if data is None:
            self.history.set_rows([])
            return
        self.timeline.set_transitions(data["transitions"], data["start"], data["end"])
        parts = [QCoreApplication.translate("EquipmentStatusPanel", "{part}: {left} h of {rated} h left").format(part=p, left="-" if left is None else f"{left:,.0f}",
                                                                  rated=f"{rated:,.0f}") for p, rated, left in data.get("parts", [])]
        if parts:
            self.facts.setText(self.facts.text() + "\n" + "; ".join(parts))
        self.history.set_rows(data["work_orders"])

    def _on_trend_role_changed(self, _index: int) -> None:
        self.show_trend()

    def show_trend(self) -> None:
        """The selected tag's hourly averages over 30 days; zone C and D lines on vibration."""
        eq, data = self._eq, self._data
        role = self.trend_role.currentData() or "vibration"
        zones = eq.zones if eq is not None and role == "vibration" else None
        for line, value in zip(self.zone_lines, (zones.bc, zones.cd) if zones is not None else (None, None), strict=True):
            line.setVisible(value is not None)
            if value is not None:
                line.setPos(value)
        if eq is None:
            return
        name = eq.tags.get(role, "")
        self.plot.setTitle(QCoreApplication.translate("EquipmentStatusPanel", "{tag}, hourly average, 30 days").format(tag=name or "-"),
                           color="#1e1e1e", size="9pt")
        trend = None if data is None else data["trends"].get(role)
        if trend is not None:
            _name, x, y = trend
            self.curve.setData(x, y, connect="finite")
        else:
            self.curve.setData([], [])


class EquipmentStatusPanel(DockPanel):
    """See the module docstring."""

    NAME = "equipment_status"
    TITLE = QT_TRANSLATE_NOOP("EquipmentStatusPanel", "Equipment status")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, context: PanelContext, refresh_ms: int = 1000) -> None:
        super().__init__()
        self.context = context
        self.service = context.service("maintenance")
        if self.service is None:  # no equipment.yaml or no plant database: say so, do nothing else
            off = QLabel(self.tr("Maintenance is off: the plant layout has no equipment.yaml, or there is no plant database."))
            off.setWordWrap(True)
            QVBoxLayout(self).addWidget(off)
            return
        self.session = context.session
        self.store = context.runtime.store
        self.model = EquipmentStatusModel(self.service.ledger, context.runtime.layout, context.language, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((150, 240, 104, 76, 76, 50, 76, 300, 150)):
            self.view.setColumnWidth(col, width)
        header.setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._on_view_selection_changed)
        self.detail = EquipmentDetail(context.language)
        self.create_button = QPushButton()
        self.create_button.clicked.connect(self._on_create_clicked)
        self.lock_button = QPushButton()
        self.lock_button.clicked.connect(self._on_lock_clicked)
        self.return_button = QPushButton()
        self.return_button.clicked.connect(self._on_return_clicked)
        self.message = QLabel()
        self.message.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.message, 1)
        for b in (self.create_button, self.lock_button, self.return_button):
            bar.addWidget(b)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([1250, 540])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.slow_query = BackgroundQuery(self, "equipment-status", weak_slot(self._on_slow_result), weak_slot(self._on_error))
        self.detail_query = BackgroundQuery(self, "equipment-detail", weak_slot(self._on_detail_result), weak_slot(self._on_error))
        self.action = BackgroundQuery(self, "equipment-action", weak_slot(self._on_action_result), weak_slot(self._on_error))
        self._dirty = True
        self._slow_age = 0
        self.service.changed.connect(self._on_service_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start()
        self.retranslate()
        self.refresh()

    # --- refresh ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.model.refresh_live(self.service.states, self.store.values, self.service.locked)
        self._slow_age += 1
        if (self._dirty or self._slow_age >= 30) and self.slow_query._future is None:
            self._dirty = False
            self._slow_age = 0
            self.slow_query.submit(self.service.summary)

    def _on_timer_timeout(self) -> None:
        self.refresh()
        self._update_buttons()

    def _on_service_changed(self, _equipment: str) -> None:
        self._dirty = True  # may come from a worker thread: only a flag

    def _on_slow_result(self, summary: dict[str, tuple[int, str, float | None]]) -> None:
        self.model.refresh_slow(summary, dict(self.service.predictions))

    def _on_error(self, exc: Exception) -> None:
        self.message.setText(QCoreApplication.translate("EquipmentStatusPanel", "Maintenance: {error}").format(error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__))

    def selected(self) -> Equipment | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.equipment[rows[0].row()] if rows else None

    def select(self, equipment_id: str) -> None:
        i = self.model.index_of.get(equipment_id)
        if i is not None:
            self.view.selectRow(i)

    def _on_view_selection_changed(self, *_args: object) -> None:
        eq = self.selected()
        self._update_buttons()
        if eq is None:
            return
        self.detail.show_equipment(eq, None)
        self.detail_query.submit(self.service.detail, eq.id)

    def _on_detail_result(self, data: dict[str, Any]) -> None:
        eq = self.selected()
        if eq is not None:
            self.detail.show_equipment(eq, data)

    def _on_action_result(self, result: Any) -> None:
        if hasattr(result, "label"):
            self.message.setText(QCoreApplication.translate("EquipmentStatusPanel", "{order} requested").format(order=result.label()))
        self._dirty = True
        self._on_view_selection_changed()

    def _update_buttons(self) -> None:
        eq = self.selected()
        logged_in = self.session is not None and bool(self.session.username)
        locked = eq is not None and eq.id in self.service.locked
        self.create_button.setEnabled(eq is not None and logged_in)
        self.lock_button.setEnabled(eq is not None and logged_in and not locked)
        self.return_button.setEnabled(eq is not None and logged_in and locked)

    # --- actions (dialogs in synchronous slots; the work goes to a worker thread) ----------
    def _on_create_clicked(self) -> None:
        eq = self.selected()
        if eq is None or self.session is None or not self.session.username:
            return
        self.action.submit(self.service.create_corrective, self.session.username, eq.id)

    def _on_lock_clicked(self) -> None:
        eq = self.selected()
        if eq is None or self.session is None:
            return
        reason, ok = QInputDialog.getText(self, QCoreApplication.translate("EquipmentStatusPanel", "Lock out {equipment}").format(equipment=eq.id),
                                          QCoreApplication.translate("EquipmentStatusPanel", "Reason (the work to be done):"))
        if not ok:
            return
        self.action.submit(self.service.lock_out, eq.id, self.session, reason)
        self.message.setText(QCoreApplication.translate("EquipmentStatusPanel", "{equipment} locked out: its alarms are out of service and writes to it are refused").format(
            equipment=eq.id))

    def _on_return_clicked(self) -> None:
        eq = self.selected()
        if eq is None or self.session is None:
            return
        signature = MaintenanceSignatureDialog.sign_in_dialog(self, self.session, eq.id, "return to service")
        if signature is None:
            return
        self.action.submit(self.service.return_to_service, eq.id, self.session, signature)
        self.message.setText(QCoreApplication.translate("EquipmentStatusPanel", "{equipment} returned to service").format(equipment=eq.id))

    def retranslate(self) -> None:
        if self.service is None:
            return
        for i, (_role, text) in enumerate(TREND_ROLES):
            self.detail.trend_role.setItemText(i, tr(text))
        self.create_button.setText(QCoreApplication.translate("EquipmentStatusPanel", "Create work order"))
        self.lock_button.setText(QCoreApplication.translate("EquipmentStatusPanel", "Lock out..."))
        self.return_button.setText(QCoreApplication.translate("EquipmentStatusPanel", "Return to service (signed)..."))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.teardown()
        super().closeEvent(event)

    def teardown(self) -> None:
        if self.service is None:
            return
        self.timer.stop()
        self.service.changed.disconnect(self._on_service_changed)
        finish_queries(self.slow_query, self.detail_query, self.action)
