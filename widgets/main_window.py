"""The main window: dock panels, menus, status bar with link state and clock."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from app import __version__
from app.io.health import ConnectionHealth, LinkState
from app.runtime import Runtime
from widgets.panel import DockPanel
from widgets.store_bridge import StoreBridge
from widgets.tag_browser_panel import COL_TAG, TagBrowserPanel
from widgets.trend_panel import TrendPanel

STATE_VERSION = 1


class MainWindow(QMainWindow):
    """Hosts the panels; saves and restores their arrangement between runs."""

    def __init__(self, runtime: Runtime, language: str = "en", settings: QSettings | None = None) -> None:
        super().__init__()
        self.runtime = runtime
        self.language = language
        self.qsettings = settings or QSettings("Crucible", "Crucible")
        self.bridge = StoreBridge(runtime.store, parent=self)
        self.panels: dict[str, DockPanel] = {}
        self.translations: object | None = None  # widgets.i18n.Translations, set by app.main
        self.docks: dict[str, QDockWidget] = {}
        self.setObjectName("MainWindow")
        self.resize(1600, 900)

        self._file_menu = self.menuBar().addMenu("")
        self._view_menu = self.menuBar().addMenu("")
        self._quit_action = QAction(self)
        self._quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self._quit_action.triggered.connect(self.close)
        self._file_menu.addAction(self._quit_action)

        browser = TagBrowserPanel(runtime.layout, self.bridge, language)
        self.add_panel(browser)
        historian = runtime.historian
        self.trend = TrendPanel(runtime.layout.tags, self.bridge, historian.reader if historian else None, language)
        self.add_panel(self.trend)
        browser.table.doubleClicked.connect(self._on_browser_table_double_clicked)
        self._history_label = QLabel()
        self._history_label.setObjectName("historyStatus")
        self.statusBar().addPermanentWidget(self._history_label)
        self._link_labels: dict[str, QLabel] = {}
        for health in runtime.health:
            label = QLabel()
            self._link_labels[health.name] = label
            self.statusBar().addWidget(label)
            health.changed.connect(self._on_health_changed)
        self._clock = QLabel()
        self.statusBar().addPermanentWidget(self._clock)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._on_clock_timeout)
        self._clock_timer.start()
        self._health_timer = QTimer(self)  # rates and counts change without events
        self._health_timer.setInterval(1000)
        self._health_timer.timeout.connect(self._refresh_links)
        self._health_timer.start()
        self.retranslate()
        self._on_clock_timeout()
        self.restore_layout()

    # --- panels ---------------------------------------------------------------------
    def add_panel(self, panel: DockPanel) -> QDockWidget:
        dock = QDockWidget(panel.title(), self)
        dock.setObjectName(f"dock_{panel.NAME}")
        dock.setWidget(panel)
        self.addDockWidget(panel.AREA, dock)
        self.panels[panel.NAME] = panel
        self.docks[panel.NAME] = dock
        self._view_menu.addAction(dock.toggleViewAction())
        return dock

    def restore_layout(self) -> None:
        geometry = self.qsettings.value("main/geometry")
        state = self.qsettings.value("main/state")
        if isinstance(geometry, QByteArray | bytes):
            self.restoreGeometry(QByteArray(geometry))
        if isinstance(state, QByteArray | bytes):
            self.restoreState(QByteArray(state), STATE_VERSION)

    def save_layout(self) -> None:
        self.qsettings.setValue("main/geometry", self.saveGeometry())
        self.qsettings.setValue("main/state", self.saveState(STATE_VERSION))
        self.qsettings.sync()

    # --- text -----------------------------------------------------------------------
    def retranslate(self) -> None:
        plant = self.runtime.layout.name(self.language)
        self.setWindowTitle(self.tr("Crucible {version} - {plant}").format(version=__version__, plant=plant))
        self._file_menu.setTitle(self.tr("&File"))
        self._view_menu.setTitle(self.tr("&View"))
        self._quit_action.setText(self.tr("&Quit"))
        for name, panel in self.panels.items():
            panel.retranslate()
            self.docks[name].setWindowTitle(panel.title())
        self._refresh_links()

    # --- status bar -----------------------------------------------------------------
    def _on_health_changed(self, health: ConnectionHealth) -> None:
        # Called from the asyncio side, which runs on this (GUI) thread through qasync.
        self._refresh_link(health)

    def _refresh_links(self) -> None:
        for health in self.runtime.health:
            self._refresh_link(health)
        self._refresh_history()

    def _refresh_history(self) -> None:
        historian = self.runtime.historian
        if historian is None:
            self._history_label.setText(self.tr("History off"))
            return
        status = historian.status
        if status.buffering:
            text = self.tr("History buffering ({n} samples)").format(n=f"{status.spooled_samples:,}")
            tip = status.last_error
        else:
            text, tip = self.tr("History OK"), ""
        if historian.schema_message:
            tip = (tip + "\n" if tip else "") + historian.schema_message
        self._history_label.setText(text)
        self._history_label.setToolTip(tip)
        self._history_label.setObjectName("linkDown" if status.buffering else "historyStatus")
        self._history_label.style().unpolish(self._history_label)
        self._history_label.style().polish(self._history_label)

    def _on_browser_table_double_clicked(self, index: QModelIndex) -> None:
        name = index.sibling(index.row(), COL_TAG).data()
        if name:
            self.trend.add_pen(str(name))
            self.docks[TrendPanel.NAME].raise_()

    def _refresh_link(self, health: ConnectionHealth) -> None:
        label = self._link_labels.get(health.name)
        if label is None:
            return
        names = {
            LinkState.CONNECTING: self.tr("connecting"),
            LinkState.CONNECTED: self.tr("connected"),
            LinkState.DOWN: self.tr("DOWN"),
            LinkState.STOPPED: self.tr("stopped"),
        }
        text = f"{health.name}: {names[health.state]}"
        if health.state is LinkState.CONNECTED:
            text += " · " + self.tr("{n}/s").format(n=f"{health.updates_per_s:.0f}")
            if health.bad_tags:
                text += " · " + self.tr("{n} bad").format(n=health.bad_tags)
        elif health.last_error:
            text += f" ({health.last_error})"
        label.setText(text)
        label.setToolTip(health.target)
        label.setObjectName("linkDown" if health.state is LinkState.DOWN else "linkUp")
        label.style().unpolish(label)
        label.style().polish(label)

    def _on_clock_timeout(self) -> None:
        self._clock.setText(datetime.now().strftime("%Y-%m-%d %H:%M:%S"))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        for health in self.runtime.health:
            health.changed.disconnect(self._on_health_changed)
        self.trend.shutdown()
        self.bridge.close()
        super().closeEvent(event)
