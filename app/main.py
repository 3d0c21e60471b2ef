"""Composition root for the GUI: the only module under ``app/`` that imports Qt."""

from __future__ import annotations

import argparse
import asyncio
import locale
import logging
import os
import sys
from typing import TYPE_CHECKING

from app.core.layout import LayoutError, PlantLayout, load_layout
from app.core.settings import Settings
from app.runtime import Runtime, SimulatorProcess, SimulatorStartError, replace_endpoint
from app.security.context import Security, build_security

if TYPE_CHECKING:
    from widgets.main_window import MainWindow

log = logging.getLogger(__name__)
STOP_TIMEOUT_S = 15.0  # the longest a quit waits for drivers and history to stop
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb")


def has_display() -> bool:
    """True when Qt can open a window here (an X or Wayland display, or a headless platform)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if any(platform.startswith(p) for p in HEADLESS_PLATFORMS):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def choose_language(requested: str | None, settings: Settings, last_used: str = "") -> str:
    """``--language``, else the setting, else the last choice from the Language menu, else
    the system locale (zh* -> zh_CN, else en)."""
    choice = requested or settings.language or last_used
    if not choice:
        choice = os.environ.get("LC_ALL") or os.environ.get("LANG") or (locale.getlocale()[0] or "")
    return "zh_CN" if choice.lower().startswith("zh") else "en"


def prefer_xcb_on_wayland(environ: dict[str, str] | None = None) -> bool:
    """On a Wayland session with XWayland and no platform chosen, use xcb: the VTK 3D view
    needs it (it cannot draw into a Wayland surface). True when it was set."""
    env = os.environ if environ is None else environ
    if env.get("WAYLAND_DISPLAY") and env.get("DISPLAY") and not env.get("QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = "xcb"
        return True
    return False


def run_gui(args: argparse.Namespace, settings: Settings) -> int:
    prefer_xcb_on_wayland()
    if not has_display():
        print("crucible: no display found (DISPLAY is not set); run it under a virtual screen: xvfb-run -a make run",
              file=sys.stderr)
        return 2
    layout_path = args.layout or settings.layout
    try:
        layout = load_layout(layout_path)
    except LayoutError as exc:
        print(f"crucible: the plant layout {layout_path} has mistakes:", file=sys.stderr)
        print("\n".join(exc.problems), file=sys.stderr)
        return 2

    simulator: SimulatorProcess | None = None
    if not args.no_sim:
        # The simulator builds its address space while the operator logs in.
        simulator = SimulatorProcess(layout.folder, seed=settings.sim_seed, time_scale=settings.sim_time_scale)
        print("crucible: starting the built-in copper-smelter simulator ...", file=sys.stderr)
        simulator.launch()
    try:
        return _run_qt(layout, args, settings, simulator)
    finally:
        if simulator is not None:
            simulator.stop()


def _connect_simulator(layout: PlantLayout, simulator: SimulatorProcess) -> bool:
    """Wait for the simulator's endpoint (a splash says so while it takes) and point the
    layout's OPC UA connections at it; False (after telling the user why) when it failed."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QColor, QFont, QPixmap
    from PySide6.QtWidgets import QApplication, QMessageBox, QSplashScreen

    try:
        if simulator.poll_endpoint():
            endpoint = simulator.endpoint
        else:
            picture = QPixmap(560, 140)
            picture.fill(QColor("#c8c8c8"))
            splash = QSplashScreen(picture)
            splash.setFont(QFont(splash.font().family(), 12))
            splash.showMessage(QCoreApplication.translate("Main", "Starting the built-in copper-smelter simulator ..."),
                               Qt.AlignmentFlag.AlignCenter)
            splash.show()
            try:
                endpoint = simulator.wait_endpoint(between=QApplication.processEvents)
            finally:
                splash.close()
    except SimulatorStartError as exc:
        print(f"crucible: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "Crucible", str(exc))
        return False
    for conn in list(layout.connections.values()):
        if conn.protocol == "opcua":
            replace_endpoint(layout, conn.name, endpoint)
    return True


def _open_historian(args: argparse.Namespace, settings: Settings, layout: PlantLayout):  # type: ignore[no-untyped-def]
    from app.historian.database import DatabaseError
    from app.historian.service import open_historian

    try:
        historian = open_historian(settings, getattr(args, "db", None), layout.tags)
    except DatabaseError as exc:
        print(f"crucible: history is off: {exc}", file=sys.stderr)
        return None
    if historian.schema_message:
        print(f"crucible: history: {historian.schema_message}", file=sys.stderr)
    return historian


def _run_qt(layout: PlantLayout, args: argparse.Namespace, settings: Settings, simulator: SimulatorProcess | None = None) -> int:
    import qasync
    from PySide6.QtWidgets import QApplication

    from widgets.i18n import Translations
    from widgets.theme import apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    app.setApplicationName("Crucible")
    app.setOrganizationName("Crucible")
    apply_theme(app)
    from PySide6.QtCore import QSettings

    last_used = QSettings("Crucible", "Crucible").value("main/language", "")
    language = choose_language(args.language, settings, str(last_used or ""))
    translations = Translations(app)
    translations.install(language)
    from app.alarms.definitions import AlarmDefinitionError

    security = _log_in(settings, layout)
    if security is None:
        return 0
    if simulator is not None and not _connect_simulator(layout, simulator):
        security.close()
        return 2
    historian = _open_historian(args, settings, layout)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        runtime, window = build_window(layout, args, settings, security, historian, language, translations)
    except AlarmDefinitionError as exc:
        print(f"crucible: the alarm definitions of {layout.folder} have mistakes:", file=sys.stderr)
        print("\n".join(exc.problems), file=sys.stderr)
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Crucible", f"The alarm definitions of {layout.folder} have mistakes:\n\n"
                             + "\n".join(exc.problems[:20]))
        security.close()
        return 2
    closed = asyncio.Event()
    # Qt must not stop the loop by itself when the window closes: the drivers still need it
    # to disconnect cleanly. The window's close ends main(), which ends the loop.
    app.setQuitOnLastWindowClosed(False)
    app.lastWindowClosed.connect(closed.set)

    async def main() -> None:
        runtime.start()
        window.show()
        await closed.wait()
        await stop_runtime(runtime)
        security.session.logout()
        security.close()

    with loop:
        loop.run_until_complete(main())
    return 0


def build_window(layout: PlantLayout, args: argparse.Namespace, settings: Settings, security: Security,
                 historian: object, language: str, translations: object) -> tuple[Runtime, MainWindow]:
    """The runtime and the main window wired as the GUI runs them (default confirm and
    signature hooks, security attached, module services set up): used by the GUI and by the
    end-to-end tests. The asyncio loop must be set. Raises AlarmDefinitionError for mistakes
    in the layout's alarms."""
    from widgets.main_window import MainWindow

    runtime = Runtime(layout, endpoint_override=args.endpoint if args.no_sim else None, db_url=settings.db_url,
                      console=settings.console_name, historian=historian,  # type: ignore[arg-type]
                      journal_process_events=settings.alarm_journal_process_events)
    runtime.attach_security(security.session, security.trust.require_trusted)
    runtime.setup_modules()  # module services exist before their panels are built
    window = MainWindow(runtime, language=language, security=security)
    window.translations = translations
    return runtime, window


async def stop_runtime(runtime: Runtime, timeout_s: float = STOP_TIMEOUT_S) -> bool:
    """Stop the drivers, the alarm engine, the modules and the historian; never hang the quit.

    A driver or task wedged by a stall must not keep the console from closing: after
    ``timeout_s`` the rest is abandoned with a log line (the historian's spool keeps what
    was not written). False when it timed out."""
    try:
        await asyncio.wait_for(runtime.stop(), timeout_s)
    except TimeoutError:
        log.error("stopping took more than %.0f s: quitting anyway (unwritten history stays in the spool)", timeout_s)
        return False
    return True


def _log_in(settings: Settings, layout: PlantLayout) -> Security | None:
    """First-run administrator setup, then the log-in; None when the user quits."""
    from PySide6.QtWidgets import QDialog, QMessageBox
    from sqlalchemy.exc import SQLAlchemyError

    from widgets.login_dialog import ChangePasswordDialog, FirstRunDialog, LoginDialog

    try:
        security = build_security(settings, definitions=layout.tags)
        first_run = not security.users.has_users()
    except SQLAlchemyError as exc:
        message = f"The user database cannot be opened ({settings.db_url or settings.default_sqlite_path}): {exc.__class__.__name__}. Check the db_url setting and that the database server is running."
        QMessageBox.critical(None, "Crucible", message)
        print(f"crucible: {message}", file=sys.stderr)
        return None
    if first_run and FirstRunDialog(security.users).exec() != QDialog.DialogCode.Accepted:
        security.close()
        return None
    if LoginDialog(security.session).exec() != QDialog.DialogCode.Accepted:
        security.close()
        return None
    user = security.session.user
    if user is not None and user.must_change_password:  # after an administrator's reset
        if ChangePasswordDialog(security.users, user.username).exec() != QDialog.DialogCode.Accepted:
            security.session.logout()
            security.close()
            return None
    return security
