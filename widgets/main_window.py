"""The main window: dock panels, menus, status bar with link state and clock."""

from __future__ import annotations

import asyncio
import functools
import logging
import platform
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QCoreApplication, QModelIndex, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from app import __version__
from app.alarms.definitions import limits_by_tag
from app.core.displays import Display, DisplayError, display_for, load_displays
from app.io.health import ConnectionHealth, LinkState
from app.modules import Registry
from app.runtime import Runtime
from app.security.context import Security
from widgets.alarm_list_panel import AlarmListPanel
from widgets.display_panel import DisplayPanel, LimitsProvider
from widgets.faceplate import (
    ConfirmHook,
    CriticalHook,
    Faceplate,
    FaceplateWindow,
    plain_confirm,
    plain_critical,
)
from widgets.menus import fit_to_screen, install_menus
from widgets.panel import DockPanel, PanelContext, load_factory
from widgets.store_bridge import StoreBridge
from widgets.tag_browser_panel import COL_TAG, TagBrowserPanel
from widgets.trend_panel import TrendPanel

if TYPE_CHECKING:
    from widgets.security_ui import SecurityUi

STATE_VERSION = 1
DOCK_AREAS = {
    "bottom": Qt.DockWidgetArea.BottomDockWidgetArea,
    "left": Qt.DockWidgetArea.LeftDockWidgetArea,
    "right": Qt.DockWidgetArea.RightDockWidgetArea,
}
log = logging.getLogger(__name__)
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}  # each in its own language, never translated


def drift_note(standards: object, tag: str) -> str:
    """The faceplate's marker text for a setpoint outside its approved card ("" when in band)."""
    drift_of = getattr(standards, "drift_of", None)
    drift = drift_of(tag) if drift_of is not None else None
    if drift is None:
        return ""
    return QCoreApplication.translate("MainWindow", "Outside the approved card ({low} … {high}, {mode}) since {since}").format(
        low=f"{drift.low:g}", high=f"{drift.high:g}", mode=drift.mode, since=drift.started.astimezone().strftime("%H:%M"))


class DisplayMenu:
    """The Display menu of a window showing a :class:`DisplayPanel`: back/forward/up, every
    display by level (function keys on the level-2 ones), open in a new window."""

    def __init__(self, window: QMainWindow, menu: QMenu, panel: DisplayPanel, new_window: Callable[[], object]) -> None:
        self.menu = menu
        self.panel = panel
        self.back = QAction(window)
        self.back.setShortcut(QKeySequence("Alt+Left"))
        self.back.triggered.connect(panel.back)
        self.forward = QAction(window)
        self.forward.setShortcut(QKeySequence("Alt+Right"))
        self.forward.triggered.connect(panel.forward)
        self.up = QAction(window)
        self.up.setShortcut(QKeySequence("Alt+Up"))
        self.up.triggered.connect(panel.up)
        self.new_window = QAction(window)
        self.new_window.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_window.triggered.connect(new_window)
        for action in (self.back, self.forward, self.up):
            menu.addAction(action)
        menu.addSeparator()
        self.display_actions: dict[str, QAction] = {}
        self.level_menus: dict[int, QMenu] = {}
        for display in panel.displays.values():
            target = menu if display.level <= 2 else self.level_menus.get(display.level)
            if target is None:
                target = self.level_menus[display.level] = menu.addMenu("")
            action = QAction(window)
            if display.key:
                action.setShortcut(QKeySequence(display.key))
            action.triggered.connect(lambda _=False, d=display.id: panel.show_display(d))
            target.addAction(action)
            self.display_actions[display.id] = action
        menu.addSeparator()
        menu.addAction(self.new_window)

    def retranslate(self, language: str) -> None:
        self.menu.setTitle(QCoreApplication.translate("DisplayMenu", "&Display"))
        self.back.setText(QCoreApplication.translate("DisplayMenu", "&Back"))
        self.forward.setText(QCoreApplication.translate("DisplayMenu", "&Forward"))
        self.up.setText(QCoreApplication.translate("DisplayMenu", "&Up to parent display"))
        self.new_window.setText(QCoreApplication.translate("DisplayMenu", "Open in &new window"))
        for level, sub in self.level_menus.items():
            sub.setTitle(QCoreApplication.translate("DisplayMenu", "Level {n} details").format(n=level))
        for display_id, action in self.display_actions.items():
            display = self.panel.displays[display_id]
            action.setText(display.title(language))


class DisplayWindow(QMainWindow):
    """A further window with its own display and history (for a second monitor)."""

    def __init__(self, main: MainWindow, display_id: str) -> None:
        super().__init__()
        self.main = main
        self.setObjectName("DisplayWindow")
        self.panel = DisplayPanel(main.runtime.layout, main.displays, main.bridge, main.language,
                                  lambda tag: main.alarm_limits(tag))
        self.panel.alarm_priority = main.runtime.alarms.tag_priority  # as on the main display
        self.panel.unit_badge = main.display_panel.unit_badge
        self.setCentralWidget(self.panel)
        self.display_menu = DisplayMenu(self, self.menuBar().addMenu(""), self.panel, lambda: main.open_display_window(self.panel))
        self.panel.sig_display_changed.connect(lambda _id: self.retranslate())
        self.panel.sig_faceplate_requested.connect(main.open_faceplate)
        self.panel.show_display(display_id)
        self.resize(1600, 900)

    def retranslate(self) -> None:
        self.panel.set_language(self.main.language)
        self.display_menu.retranslate(self.main.language)
        self.setWindowTitle(f"{self.panel.title()} - Crucible")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.panel.close_panel()
        if self in self.main.display_windows:
            self.main.display_windows.remove(self)
        super().closeEvent(event)


class DockScroll(QScrollArea):
    """A dock panel's holder: scrolls vertically when the dock is lower than the panel needs.

    Widths stay the panel's own (the holder asks for the panel's minimum width, so a saved
    layout that needs more than the screen is still recognised); heights may go down to a few
    rows, so the tallest panel of the bottom area cannot push the status bar off the screen.
    """

    MIN_HEIGHT = 240  # panels needing less (the alarm list with its buttons) are not wrapped

    def __init__(self, panel: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(panel)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        panel = self.widget()
        inner = panel.minimumSizeHint() if panel is not None else QSize(0, 0)
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), min(inner.height(), self.MIN_HEIGHT))


class MainWindow(QMainWindow):
    """Hosts the panels; saves and restores their arrangement between runs."""

    def __init__(
        self, runtime: Runtime, language: str = "en", settings: QSettings | None = None, security: Security | None = None,
        registry: Registry | None = None,
    ) -> None:
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
        # Hooks the security and alarm modules replace (see widgets/faceplate.py):
        self.confirm_write: ConfirmHook = plain_confirm
        self.confirm_critical: CriticalHook = plain_critical
        self.user: Callable[[], str] = lambda: ""
        limits = limits_by_tag(runtime.alarms.definitions)
        self.alarm_limits: LimitsProvider = lambda tag: limits.get(tag)
        self.faceplates: dict[str, FaceplateWindow] = {}
        self.display_windows: list[DisplayWindow] = []
        try:
            self.displays: dict[str, Display] = load_displays(runtime.layout)
        except DisplayError as exc:
            log.error("the displays of %s have mistakes:\n%s", runtime.layout.folder, exc)
            self.displays = {}
        self.display_panel = DisplayPanel(runtime.layout, self.displays, self.bridge, language,
                                          lambda tag: self.alarm_limits(tag))
        self.display_panel.alarm_priority = runtime.alarms.tag_priority  # indicators = the alarm list
        runtime.alarms.changed.connect(self._on_alarms_changed)
        # The central area: the process displays first, then the modules' central panels
        # (dispatch board, 3D view ...) as tabs beside them.
        self.central_tabs = QTabWidget()
        self.central_tabs.setObjectName("centralTabs")
        self.central_tabs.setDocumentMode(True)
        self.central_tabs.addTab(self.display_panel, "")
        self.setCentralWidget(self.central_tabs)

        self._file_menu = self.menuBar().addMenu("")
        self._view_menu = self.menuBar().addMenu("")
        self._quit_action = QAction(self)
        self._quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self._quit_action.triggered.connect(self.close)
        self._file_menu.addAction(self._quit_action)
        self.display_menu = DisplayMenu(self, self.menuBar().addMenu(""), self.display_panel,
                                        lambda: self.open_display_window(self.display_panel))
        self._language_menu = self.menuBar().addMenu("")
        self._language_group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        for code, name in LANGUAGE_NAMES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == language)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self._language_group.addAction(action)
            self._language_menu.addAction(action)
            self.language_actions[code] = action
        self.display_panel.sig_display_changed.connect(self._on_display_changed)
        self.display_panel.sig_faceplate_requested.connect(self.open_faceplate)

        self._history_label = QLabel()
        self._history_label.setObjectName("historyStatus")
        self.statusBar().addPermanentWidget(self._history_label)
        session = security.session if security is not None else None
        if session is not None:
            self.user = lambda: session.username
        self.context = PanelContext(
            runtime=runtime, bridge=self.bridge, session=session, security=security, language=language,
            open_faceplate=self.open_faceplate,
            show_display=lambda display: self.display_panel.show_display(display),
            show_in_3d=self.show_in_3d,
        )
        self._badges: list[Callable[[object], tuple[str, str]]] = []
        self.display_panel.unit_badge = self._unit_badge
        self._tasks: set[asyncio.Future[None]] = set()
        self._wire_lockouts()
        self._wire_drifts()
        self._work_order_button: QPushButton | None = None
        self.central_panels: dict[str, DockPanel] = {}
        self.panel_problems: dict[str, str] = {}
        self._add_module_panels(registry if registry is not None else runtime.registry)
        trend = self.panels.get("trend")
        self.trend = trend if isinstance(trend, TrendPanel) else None
        if self.trend is not None:
            self.trend.plant_name = runtime.layout.name(language)  # on exported trend pictures
        browser = self.panels.get("tag_browser")
        if isinstance(browser, TagBrowserPanel):
            browser.table.doubleClicked.connect(self._on_browser_table_double_clicked)
        alarm_list = self.panels.get("alarm_list")
        self.alarm_list = alarm_list if isinstance(alarm_list, AlarmListPanel) else None
        if self.alarm_list is not None:
            self.statusBar().addPermanentWidget(self.alarm_list.counts_label)
            self.alarm_list.sig_alarm_activated.connect(self._on_alarm_list_alarm_activated)
        self._wire_work_orders()
        self.security_ui: SecurityUi | None = None
        if security is not None:  # the GUI always passes it; bare windows (tests) skip it
            from widgets.security_ui import SecurityUi

            self.security_ui = SecurityUi(self, security)
            assert session is not None

            from widgets.signature_dialog import signed_request_hook

            self.confirm_critical = signed_request_hook(session, lambda: self.language)
        self._link_labels: dict[str, QLabel] = {}
        for health in runtime.health:
            label = QLabel()
            self._link_labels[health.name] = label
            self.statusBar().addWidget(label)
            health.changed.connect(self._on_health_changed)
        runtime.supervisor.problem_reported.connect(self._on_supervisor_problems_changed)
        runtime.supervisor.problem_cleared.connect(self._on_supervisor_problems_changed)
        self._shift_label = QLabel()  # the shift on now and its crew (the shifts module)
        self._shift_label.setObjectName("shiftStatus")
        self.statusBar().addPermanentWidget(self._shift_label)
        self._clock = QLabel()
        self.statusBar().addPermanentWidget(self._clock)
        self._reports_menu = self._module_menu()
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._on_clock_timeout)
        self._clock_timer.start()
        self._health_timer = QTimer(self)  # rates and counts change without events
        self._health_timer.setInterval(1000)
        self._health_timer.timeout.connect(self._refresh_links)
        self._health_timer.start()
        if self.displays:
            self.display_panel.show_display(next(iter(self.displays)))
        self.menus = install_menus(self, self._file_menu, self._quit_action)  # File/Help, guarded Quit
        self.retranslate()
        self._on_clock_timeout()
        self.restore_layout()

    # --- panels ---------------------------------------------------------------------
    def _add_module_panels(self, registry: Registry) -> None:
        """Every panel the modules declare, built with the typed :class:`PanelContext`.

        A panel whose factory fails is left out with its reason (logged, and listed in
        :attr:`panel_problems`); the rest of the HMI runs.
        """
        for module, spec in registry.panels():
            try:
                factory = load_factory(spec.factory)
                panel = factory(self.context)
            except Exception as exc:  # noqa: BLE001 - one module's panel must not stop the console
                log.exception("panel %s of module %s could not be built", spec.name, module.name)
                self.panel_problems[spec.name] = f"{type(exc).__name__}: {exc}"
                continue
            if panel is None:  # the runtime cannot offer it (no journal, no session ...)
                continue
            if spec.area == "central":
                self.add_central_panel(panel)
            else:
                self.add_panel(panel, DOCK_AREAS[spec.area])

    def _wire_lockouts(self) -> None:
        """Equipment locked out for work (the maintenance module) shows "OOS" on every display."""
        maintenance = self.runtime.services.get("maintenance")
        locked = getattr(maintenance, "locked", None)
        ledger = getattr(maintenance, "ledger", None)
        if maintenance is None or locked is None or ledger is None:
            return
        tags = self.runtime.layout.tags

        def badge(element: object) -> tuple[str, str]:
            unit, tag = getattr(element, "unit", ""), getattr(element, "tag", "")
            for eq_id, info in locked.items():
                if unit == eq_id or (tag and tag in ledger.tags_of(eq_id, tags)):
                    why = QCoreApplication.translate("MainWindow", "Locked out for work by {who}: {reason}").format(
                        who=info.get("by", "?"), reason=info.get("reason", ""))
                    return QCoreApplication.translate("MainWindow", "OOS"), why
            return "", ""

        def on_lockouts_changed(_ids: object = None) -> None:
            names = {n for eq_id in list(ledger.equipment) for n in ledger.tags_of(eq_id, tags)}
            units = set(ledger.equipment) | {tags[n].unit_id for n in names if n in tags}
            for panel in (self.display_panel, *(w.panel for w in self.display_windows)):
                panel.refresh_alarms(names)
                panel.refresh_units(units)

        self._badges.append(badge)
        signal = getattr(maintenance, "lockouts_changed", None)
        if signal is not None:
            signal.connect(on_lockouts_changed)

    def _wire_work_orders(self) -> None:
        """One click from an alarm to a corrective work order (the maintenance module): the
        order carries the alarm and a trend snapshot; made off the GUI thread."""
        maintenance = self.runtime.services.get("maintenance")
        create = getattr(maintenance, "create_corrective", None)
        if self.alarm_list is None or create is None:
            return
        from app.core.work import run_blocking

        button = QPushButton()
        self._work_order_button = button

        def on_click(records: list[Any]) -> None:
            who = self.user()
            if not records:
                self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Select an alarm first."), 8000)
                return

            async def make() -> None:
                try:
                    order = await run_blocking(create, who, alarm_id=records[0].id, pool="work-orders")
                except Exception as exc:  # noqa: BLE001 - e.g. the alarm's tag belongs to no machine: say so
                    self.statusBar().showMessage(str(exc), 15000)
                    return
                self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Work order {id} opened").format(
                    id=getattr(order, "id", "")), 15000)

            self._tasks.add(task := asyncio.ensure_future(make()))
            task.add_done_callback(self._tasks.discard)

        self.alarm_list.add_action(button, on_click)

    def _wire_drifts(self) -> None:
        """A unit with a setpoint drifting from its approved card (the standards module) shows a
        quiet "SP" badge on the displays (ISA-101: text, not a colour flood)."""
        standards = self.runtime.services.get("standards")
        drift_of = getattr(standards, "drift_of", None)
        if standards is None or drift_of is None:
            return
        tags = self.runtime.layout.tags
        setpoints: dict[str, list[str]] = {}
        for name, tag in tags.items():
            if tag.writable:
                setpoints.setdefault(tag.unit_id, []).append(name)
        pinned_by_unit: dict[str, list[object]] = {}
        read_at = [-1e9, -1.0]  # monotonic time of the last read, the board's change count then

        def pinned_notes(unit: str) -> list[Any]:
            """Operator notes per unit, read from the database at most every 5 s (this runs on
            every repaint of a symbol)."""
            notes = getattr(standards, "notes", None)
            changes = float(getattr(notes, "changes", 0))
            if notes is not None and (time.monotonic() - read_at[0] > 5.0 or changes != read_at[1]):
                read_at[0], read_at[1] = time.monotonic(), changes
                pinned_by_unit.clear()
                try:
                    for note in notes.active():
                        pinned_by_unit.setdefault(note.unit, []).append(note)
                except Exception:  # noqa: BLE001 - a database hiccup: no badge this time
                    log.warning("pinned notes unavailable", exc_info=True)
            return pinned_by_unit.get(unit, [])  # type: ignore[return-value]

        def badge(element: object) -> tuple[str, str]:
            unit = getattr(element, "unit", "")
            if not unit:
                return "", ""
            for name in setpoints.get(unit, ()):
                note = drift_note(standards, name)
                if note:
                    return QCoreApplication.translate("MainWindow", "SP"), f"{name}: {note}"
            pinned = pinned_notes(unit)
            if pinned:  # operator notes pinned to the unit (temporary measures, known faults)
                return QCoreApplication.translate("MainWindow", "NOTE"), "\n".join(
                    f"{n.text} ({n.author}, {n.expires.astimezone():%m-%d %H:%M})" for n in pinned)
            return "", ""

        self._badges.append(badge)
        listeners = getattr(standards, "listeners", None)
        if isinstance(listeners, list):
            drifting: set[str] = set()

            def on_drifts(drifts: list[object]) -> None:  # after each evaluation (1 s): repaint on change
                now = {str(getattr(d, "tag", "")) for d in drifts}
                if now != drifting:
                    changed = {tags[t].unit_id for t in now ^ drifting if t in tags}
                    drifting.clear()
                    drifting.update(now)
                    for panel in (self.display_panel, *(w.panel for w in self.display_windows)):
                        panel.refresh_units(changed)

            listeners.append(on_drifts)

    def _unit_badge(self, element: object) -> tuple[str, str]:
        for badge in self._badges:
            text, why = badge(element)
            if text:
                return text, why
        return "", ""

    def add_central_panel(self, panel: DockPanel) -> None:
        """A tab beside the process displays (dispatch board, 3D view ...)."""
        self.central_panels[panel.NAME] = panel
        self.panels[panel.NAME] = panel
        self.central_tabs.addTab(panel, panel.title())

    def show_central(self, name: str) -> bool:
        """Bring the central tab ``name`` (or "displays") to the front."""
        widget = self.display_panel if name == "displays" else self.central_panels.get(name)
        if widget is None:
            return False
        self.central_tabs.setCurrentWidget(widget)
        return True

    def show_in_3d(self, unit_id: str) -> None:
        """Fly the 3D view (when a module offers one) to ``unit_id``."""
        for name, panel in self.central_panels.items():
            show_unit = getattr(panel, "show_unit", None)
            if show_unit is not None:
                self.show_central(name)
                show_unit(unit_id)
                return

    def add_panel(self, panel: DockPanel, area: Qt.DockWidgetArea | None = None) -> QDockWidget:
        dock = QDockWidget(panel.title(), self)
        dock.setObjectName(f"dock_{panel.NAME}")
        # in a scroll area: a panel that needs more room than its dock has scrolls instead of
        # pushing the window (and its status bar) off the screen; the docks of all modules are
        # tabs of one bottom area, whose height would otherwise be the tallest panel's minimum
        if panel.minimumSizeHint().height() > DockScroll.MIN_HEIGHT:
            holder = DockScroll(panel, dock)
            holder.setObjectName(f"scroll_{panel.NAME}")
            dock.setWidget(holder)
        else:  # low enough (the alarm list with its buttons): never scrolls
            dock.setWidget(panel)
        self.addDockWidget(area if area is not None else panel.AREA, dock)
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
            if not self._fits_screen():
                log.warning("the saved window layout needs %d px but the screen has %d: back to the default layout",
                            self.minimumSizeHint().width(), self._screen_width())
                self.default_layout()
        else:
            self.default_layout()
        fit_to_screen(self)  # first start or a saved size from a bigger screen: stay on this one

    def _screen_width(self) -> int:
        screen = self.screen() or QApplication.primaryScreen()
        return screen.availableGeometry().width() if screen is not None else 0

    def _fits_screen(self) -> bool:
        """Whether every visible panel fits side by side on this screen (a layout saved on a
        wider or second monitor may not: the window would run off the screen)."""
        width = self._screen_width()
        return width <= 0 or self.minimumSizeHint().width() <= width

    def default_layout(self) -> None:
        """First start: the process display gets the room; the alarm list is always in view
        below it, every other panel is a tab beside the alarm list (ISA-101: the overview first)."""
        anchor = self.docks.get("alarm_list") or next(iter(self.docks.values()), None)
        if anchor is None:
            return
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, anchor)
        for name in ("alarm_journal", "alarm_kpi", "trend", "tag_browser", "connections", "audit", "users"):
            dock = self.docks.get(name)
            if dock is not None and dock is not anchor:
                self.tabifyDockWidget(anchor, dock)
        for dock in self.docks.values():  # panels this list does not know yet: tabs too
            if dock is not anchor and not self.tabifiedDockWidgets(dock):
                self.tabifyDockWidget(anchor, dock)
        anchor.raise_()
        self._first_start_size()
        # the process display gets most of the height: about a third for the bottom area
        self._size_bottom_area()
        self._bottom_sized_on_show = False  # sized again once shown: before, the window has no final height

    def _size_bottom_area(self) -> None:
        anchor = self.docks.get("alarm_list")
        if anchor is not None:
            self.resizeDocks([anchor], [max(240, self.height() // 3)], Qt.Orientation.Vertical)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if getattr(self, "_bottom_sized_on_show", True) is False:
            self._bottom_sized_on_show = True
            QTimer.singleShot(0, self._size_bottom_area)

    def _first_start_size(self) -> None:
        """First start: nearly the whole available screen (never more: see fit_to_screen)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            avail = screen.availableGeometry()
            self.resize(int(avail.width() * 0.95), int(avail.height() * 0.92))

    def save_layout(self) -> None:
        self.qsettings.setValue("main/geometry", self.saveGeometry())
        self.qsettings.setValue("main/state", self.saveState(STATE_VERSION))
        self.qsettings.sync()

    # --- text -----------------------------------------------------------------------
    def retranslate(self) -> None:
        if self.display_panel.language != self.language:
            self.display_panel.set_language(self.language)
        plant = self.runtime.layout.name(self.language)
        title = QCoreApplication.translate("MainWindow", "Crucible {version} - {plant}").format(version=__version__, plant=plant)
        if self.display_panel.current is not None:
            title = f"{self.display_panel.title()} - {title}"
        self.setWindowTitle(title)
        self._file_menu.setTitle(QCoreApplication.translate("MainWindow", "&File"))
        self._view_menu.setTitle(QCoreApplication.translate("MainWindow", "&View"))
        self._quit_action.setText(QCoreApplication.translate("MainWindow", "&Quit"))
        self._language_menu.setTitle(QCoreApplication.translate("MainWindow", "&Language"))
        if hasattr(self, "menus"):
            self.menus.retranslate()
        if self._work_order_button is not None:
            self._work_order_button.setText(QCoreApplication.translate("MainWindow", "Work order..."))
            self._work_order_button.setToolTip(QCoreApplication.translate(
                "MainWindow", "Open a corrective work order for the selected alarm's machine"))
        if self._reports_menu is not None:
            self._reports_menu.setTitle(QCoreApplication.translate("MainWindow", "&Reports"))
            texts = {"&Shift report...": QCoreApplication.translate("MainWindow", "&Shift report..."),
                     "&Daily report...": QCoreApplication.translate("MainWindow", "&Daily report..."),
                     "&Monthly report...": QCoreApplication.translate("MainWindow", "&Monthly report..."),
                     "Shift &handover": QCoreApplication.translate("MainWindow", "Shift &handover")}
            for action, text in self._report_actions:
                action.setText(texts[text])
        self._refresh_shift()
        self.display_menu.retranslate(self.language)
        for faceplate in self.faceplates.values():
            faceplate.retranslate(self.language)
        for window in self.display_windows:
            window.retranslate()
        if self.security_ui is not None:
            self.security_ui.retranslate()
        self.central_tabs.setTabText(0, QCoreApplication.translate("MainWindow", "Process displays"))
        for name, panel in self.panels.items():
            panel.retranslate()
            if name in self.docks:
                self.docks[name].setWindowTitle(panel.title())
            elif name in self.central_panels:
                self.central_tabs.setTabText(self.central_tabs.indexOf(panel), panel.title())
        self._refresh_links()

    def set_language(self, language: str) -> None:
        """Switch every visible text to ``language`` ("en" or "zh_CN") while running."""
        if self.translations is None:
            from widgets.i18n import Translations

            app = QApplication.instance()
            if app is None:
                return
            self.translations = Translations(app)
        assert hasattr(self.translations, "install")
        self.translations.install(language)
        self.language = language
        self.qsettings.setValue("main/language", language)
        if language in self.language_actions:
            self.language_actions[language].setChecked(True)
        for panel in self.panels.values():
            setter = getattr(panel, "set_language", None)
            if setter is not None:
                setter(language)
        self.retranslate()

    # --- displays and faceplates ------------------------------------------------------
    def _on_alarms_changed(self, records: list) -> None:  # type: ignore[type-arg]
        tags = {record.definition.tag for record in records}
        self.display_panel.refresh_alarms(tags)
        for window in self.display_windows:
            window.panel.refresh_alarms(tags)

    def _on_display_changed(self, display_id: str) -> None:
        self.retranslate()

    def open_display_window(self, source: DisplayPanel | None = None) -> DisplayWindow | None:
        """The current display (of ``source``) in a new window, e.g. for a second monitor."""
        source = source or self.display_panel
        if source.current is None:
            return None
        window = DisplayWindow(self, source.current.id)
        self.display_windows.append(window)
        window.retranslate()
        window.show()
        return window

    def _on_alarm_list_alarm_activated(self, tag_name: str, when: object) -> None:
        """Double-click on an alarm: its unit's display and faceplate, and a trend around it."""
        tag = self.runtime.layout.tags.get(tag_name)
        if tag is None:
            return
        if isinstance(when, datetime) and self.trend is not None:
            self.trend.add_pen(tag_name)
            at = when.timestamp()
            self.trend.show_window(at - 1800.0, at + 600.0)  # 30 min before, 10 min after
            self._show_trend_beside_alarms()
        display = display_for(self.displays, tag.unit_id, tag.name)
        if display is not None:
            self.display_panel.show_display(display)
        self.open_faceplate(tag.unit_id)

    def _show_trend_beside_alarms(self) -> None:
        """Show the trend without hiding the alarm list: a trend tabbed with the alarms opens
        as its own window (the operator keeps working down the list)."""
        trend, alarms = self.docks[TrendPanel.NAME], self.docks.get("alarm_list")
        if alarms is not None and trend in self.tabifiedDockWidgets(alarms):
            trend.setFloating(True)
            area = self.geometry()
            trend.resize(min(1000, area.width() // 2), min(420, area.height() // 2))
            trend.move(area.right() - trend.width() - 20, area.top() + 80)
        trend.show()
        trend.raise_()

    def open_faceplate(self, unit_id: str) -> FaceplateWindow:
        """Show the faceplate of ``unit_id`` (raise it if already open)."""
        window = self.faceplates.get(unit_id)
        if window is None or not window.isVisible():
            faceplate = Faceplate(
                self.runtime.layout, unit_id, self.bridge, self.runtime.write_path.write, self.language,
                user=lambda: self.user(), console=self.runtime.console or platform.node(),
                confirm_write=lambda parent, tag, old, new: self.confirm_write(parent, tag, old, new),
                confirm_critical=lambda faceplate, tag, old, new: self.confirm_critical(faceplate, tag, old, new),
            )
            if self.security_ui is not None:  # Change…/Start/Stop disabled, with the reason, per role
                faceplate.permission = self.security_ui.faceplate_permission
                faceplate.refresh_permissions()
            historian = self.runtime.historian
            if faceplate.trend is not None and historian is not None:  # the 10-minute trend starts full
                faceplate.trend.fill_from_history(historian.reader)
            standards = self.runtime.services.get("standards")
            if standards is not None:
                faceplate.standard_note = functools.partial(drift_note, standards)
                runner = getattr(standards, "sops", None)
                sops: list[Any] = runner.for_unit(unit_id) if runner is not None else []
                if sops:
                    faceplate.offer_procedures([s.title(self.language) for s in sops],
                                               functools.partial(self._show_procedure, sops[0].id))
            window = FaceplateWindow(faceplate, self)
            self.faceplates[unit_id] = window
            window.finished.connect(lambda _r, u=unit_id: self.faceplates.pop(u, None))
        window.show()
        window.raise_()
        return window

    # --- status bar -----------------------------------------------------------------
    def _on_health_changed(self, health: ConnectionHealth) -> None:
        # Called from the asyncio side, which runs on this (GUI) thread through qasync.
        self._refresh_link(health)

    def _on_supervisor_problems_changed(self, *_: object) -> None:
        """A background task stopped, stalled or recovered (app/core/supervisor.py): the newest
        standing problem in plain words at the right of the status bar (all of them in its
        tooltip), gone when none is left; the HMI.TASK_PROBLEMS alarm keeps it in the alarm list."""
        label: QLabel | None = getattr(self, "_supervisor_label", None)
        if label is None:
            label = self._supervisor_label = QLabel()
            label.setObjectName("linkDown")  # styled like a link that is down: abnormal
            self.statusBar().addWidget(label)  # beside the link states
        problems = list(self.runtime.supervisor.problems.values())
        more = f" (+{len(problems) - 1})" if len(problems) > 1 else ""
        label.setText(QCoreApplication.translate("MainWindow", "Background work: {text}").format(text=problems[-1]) + more
                      if problems else "")
        label.setToolTip("\n".join(problems))
        label.setVisible(bool(problems))

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
        writer = getattr(status, "writer", "")
        if writer:  # consoles sharing one PostgreSQL plant database: who writes the history
            text += " · " + self.tr("writer: {name}").format(name=writer)
        self.runtime.audit_history_damage()
        problems = []
        if status.spool_damage:
            problems.append(self.tr("{n} damaged spool record(s) skipped").format(n=len(status.spool_damage)))
            tip = "\n".join([tip, *status.spool_damage]).strip()
        if status.rejected_samples:
            problems.append(self.tr("{n} value(s) rejected").format(n=f"{status.rejected_samples:,}"))
        if problems:
            text += " · " + " · ".join(problems)
        if historian.schema_message:
            tip = (tip + "\n" if tip else "") + historian.schema_message
        self._history_label.setText(text)
        self._history_label.setToolTip(tip)
        self._history_label.setObjectName("linkDown" if status.buffering or problems else "historyStatus")
        self._history_label.style().unpolish(self._history_label)
        self._history_label.style().polish(self._history_label)

    def _on_browser_table_double_clicked(self, index: QModelIndex) -> None:
        name = index.sibling(index.row(), COL_TAG).data()
        if name and self.trend is not None:
            self.trend.add_pen(str(name))
            self.docks[TrendPanel.NAME].raise_()

    def _refresh_link(self, health: ConnectionHealth) -> None:
        label = self._link_labels.get(health.name)
        if label is None:
            return
        names = {
            LinkState.CONNECTING: QCoreApplication.translate("MainWindow", "connecting"),
            LinkState.CONNECTED: QCoreApplication.translate("MainWindow", "connected"),
            LinkState.STALLED: QCoreApplication.translate("MainWindow", "STALLED"),
            LinkState.DOWN: QCoreApplication.translate("MainWindow", "DOWN"),
            LinkState.STOPPED: QCoreApplication.translate("MainWindow", "stopped"),
        }
        text = f"{health.name}: {names[health.state]}"
        if health.state is LinkState.CONNECTED:
            text += " · " + QCoreApplication.translate("MainWindow", "{n}/s").format(n=f"{health.updates_per_s:.0f}")
            if health.bad_tags:
                text += " · " + QCoreApplication.translate("MainWindow", "{n} bad").format(n=health.bad_tags)
        elif health.last_error:
            text += f" ({health.last_error})"
        label.setText(text)
        label.setToolTip(health.target)
        label.setObjectName("linkDown" if health.state in (LinkState.DOWN, LinkState.STALLED) else "linkUp")
        label.style().unpolish(label)
        label.style().polish(label)

    def _on_clock_timeout(self) -> None:
        now = datetime.now()
        self._clock.setText(now.strftime("%Y-%m-%d %H:%M:%S"))
        if now.second == 0 or not self._shift_label.text():
            self._refresh_shift()

    def _refresh_shift(self) -> None:
        shifts = self.runtime.services.get("shifts")
        status_text = getattr(shifts, "status_text", None)
        self._shift_label.setText(status_text(self.language) if status_text is not None else "")

    def _module_menu(self) -> QMenu | None:
        """The Reports menu, where the shifts module's panels are there: shift / daily / monthly
        report and the shift handover."""
        reports, handover = self.panels.get("reports"), self.panels.get("handover")
        if reports is None and handover is None:
            return None
        menu = QMenu(self)
        self.menuBar().insertMenu(self._language_menu.menuAction(), menu)
        self._report_actions: list[tuple[QAction, str]] = []
        if reports is not None:
            for kind, text in (("shift", "&Shift report..."), ("day", "&Daily report..."), ("month", "&Monthly report...")):
                action = menu.addAction("")
                action.triggered.connect(lambda _=False, k=kind: self._request_report(k))
                self._report_actions.append((action, text))
        if handover is not None:
            menu.addSeparator()
            action = menu.addAction("")
            action.triggered.connect(lambda _=False: self._raise_panel("handover"))
            self._report_actions.append((action, "Shift &handover"))
        return menu

    def _show_procedure(self, sop_id: str) -> None:
        self._raise_panel("standards")
        show = getattr(self.panels.get("standards"), "show_procedure", None)
        if show is not None:
            show(sop_id)

    def _request_report(self, kind: str) -> None:
        self._raise_panel("reports")
        request = getattr(self.panels.get("reports"), "request", None)
        if request is not None:
            request(kind)

    def _raise_panel(self, name: str) -> None:
        dock = self.docks.get(name)
        if dock is not None:
            dock.show()
            dock.raise_()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        if self.security_ui is not None:
            self.security_ui.teardown()
        for window in list(self.display_windows) + list(self.faceplates.values()):
            window.close()
        self.display_panel.close_panel()
        self.runtime.alarms.changed.disconnect(self._on_alarms_changed)
        for health in self.runtime.health:
            health.changed.disconnect(self._on_health_changed)
        for panel in self.panels.values():
            shutdown = getattr(panel, "shutdown", None)
            if shutdown is not None:
                shutdown()
        self.bridge.close()
        super().closeEvent(event)
