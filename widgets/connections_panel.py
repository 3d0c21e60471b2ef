"""Connections panel: the health of every field connection (standard 6.1.2 e).

One row per connection: state, since when, last error, round-trip latency, reconnects,
updates per second and tags in bad quality. A link that is down is shown in the bad-quality
colour with its reason; everything else stays grey (ISA-101: colour only for abnormal).
"""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QHeaderView, QTableView, QVBoxLayout

from app.io.health import ConnectionHealth, LinkState
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel
from widgets.theme import BAD_QUALITY, STALE

AnyIndex = QModelIndex | QPersistentModelIndex

(COL_NAME, COL_PROTOCOL, COL_TARGET, COL_STATE, COL_SINCE, COL_ERROR, COL_LATENCY, COL_RECONNECTS,
 COL_RATE, COL_BAD) = range(10)


class ConnectionsModel(QAbstractTableModel):
    """Rows are connections; the data is read live from their :class:`ConnectionHealth`."""

    def __init__(self, health: list[ConnectionHealth]) -> None:
        super().__init__()
        self.health = list(health)
        self._row_of = {h.name: i for i, h in enumerate(self.health)}
        for h in self.health:
            h.changed.connect(self._on_health_changed)

    def headers(self) -> tuple[str, ...]:
        return (
            self.tr("Connection"), self.tr("Protocol"), self.tr("Target"), self.tr("State"), self.tr("Since"),
            self.tr("Last error"), self.tr("Latency (ms)"), self.tr("Reconnects"), self.tr("Updates/s"),
            self.tr("Bad tags"),
        )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.health)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 10

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def state_text(self, state: LinkState) -> str:
        return {
            LinkState.CONNECTING: self.tr("connecting"),
            LinkState.CONNECTED: self.tr("connected"),
            LinkState.STALLED: self.tr("STALLED"),
            LinkState.DOWN: self.tr("DOWN"),
            LinkState.STOPPED: self.tr("stopped"),
        }[state]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        h = self.health[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(h, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if h.state in (LinkState.DOWN, LinkState.STALLED) and col in (COL_STATE, COL_ERROR):
                return QBrush(BAD_QUALITY)
            if col == COL_BAD and h.bad_tags:
                return QBrush(STALE)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_ERROR and h.last_error:
            return h.last_error
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= COL_LATENCY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, h: ConnectionHealth, col: int) -> str:
        if col == COL_NAME:
            return h.name
        if col == COL_PROTOCOL:
            return "OPC UA" if h.protocol == "opcua" else "Modbus TCP" if h.protocol == "modbus" else h.protocol
        if col == COL_TARGET:
            return h.target
        if col == COL_STATE:
            return self.state_text(h.state)
        if col == COL_SINCE:
            return time.strftime("%H:%M:%S", time.localtime(h.since))
        if col == COL_ERROR:
            return h.last_error
        if col == COL_LATENCY:
            return "" if h.latency_ms is None or h.state is not LinkState.CONNECTED else f"{h.latency_ms:.1f}"
        if col == COL_RECONNECTS:
            return str(h.reconnects)
        if col == COL_RATE:
            return f"{h.updates_per_s:.0f}"
        if col == COL_BAD:
            return f"{h.bad_tags} / {h.tag_count}"
        return ""

    def _on_health_changed(self, health: ConnectionHealth) -> None:
        row = self._row_of.get(health.name)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def refresh(self) -> None:
        """Rates and latencies change without events: repaint every row."""
        if self.health:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.health) - 1, self.columnCount() - 1))

    def close(self) -> None:
        for h in self.health:
            h.changed.disconnect(self._on_health_changed)


class ConnectionsPanel(DockPanel):
    """A dock with one row per field connection."""

    NAME = "connections"
    TITLE = QT_TRANSLATE_NOOP("ConnectionsPanel", "Connections")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    PERMISSIONS = ("view",)

    def __init__(self, health: list[ConnectionHealth], refresh_ms: int = 1000) -> None:
        super().__init__()
        self.model = ConnectionsModel(health)
        self.view = QTableView(self)
        self.view.setObjectName("connectionsTable")
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ERROR, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.model.refresh)
        self._timer.start()

    def text(self, row: int, column: int) -> str:
        """What the table shows in a cell (for tests and screenshots)."""
        return str(self.model.index(row, column).data() or "")

    def retranslate(self) -> None:
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.model.refresh()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self._timer.stop()
        self.model.close()
        super().closeEvent(event)
