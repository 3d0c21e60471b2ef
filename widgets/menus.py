"""The main window's File and Help menus, the guarded Quit and the first-start window size.

Kept out of :mod:`widgets.main_window` so the window's panel wiring can change without
touching them: the window calls :func:`install_menus` once and :meth:`WindowMenus.retranslate`
when the language changes.

- File: Print the current display (QPrintDialog -> QPrinter, PDF or a real printer), Export
  the current display as PNG, Quit.
- Help: User guide (``resources/guide/user_guide.md``, in the current language where a translation
  exists), Keyboard shortcuts (every shortcut of the window, as assigned), About.
- Quit (Ctrl+Q) asks first, and only roles allowed to close the console may.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QRect, QRectF, Qt
from PySide6.QtGui import QAction, QFont, QImage, QKeySequence, QPageLayout, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core.resources import resource
from app.security import permissions as perms

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

# The main window (widgets.main_window.MainWindow) is not imported here: it imports this
# module (no cycles in widgets). What these menus use of it: runtime, language, display_panel,
# displays, security_ui, menuBar(), statusBar().
MainWindow = Any

DOCS = resource("guide")  # travels with the package (importlib.resources)
USER_GUIDE = "user_guide.md"
# Roles allowed to close the console (the permission ``close_console``); an operator hands
#: over with Switch user, or locks the console, but does not shut the control room's screen.
CLOSE_CONSOLE = perms.CLOSE_CONSOLE


translate = QCoreApplication.translate  # lupdate finds translate("Context", "text") calls


def user_guide_path(language: str) -> Path:
    """The user guide in ``language`` (``resources/guide/user_guide_zh_CN.md``), else the English one."""
    localised = DOCS / f"user_guide_{language}.md"
    return localised if language != "en" and localised.is_file() else DOCS / USER_GUIDE


class TextDialog(QDialog):
    """A non-modal window with one text browser (the user guide, About)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.browser, 1)
        box.addWidget(buttons)
        self.resize(820, 700)


class ShortcutsDialog(QDialog):
    """Every keyboard shortcut of the window, read from its actions (so never out of date)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle(translate("WindowMenus", "Keyboard shortcuts"))
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for action in window.findChildren(QAction):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            text = action.text().replace("&", "")
            if keys and text and keys not in seen:
                seen.add(keys)
                rows.append((keys, text))
        rows.append(("Esc", translate("WindowMenus", "Close a faceplate or dialog")))
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([translate("WindowMenus", "Keys"), translate("WindowMenus", "Does")])
        for r, (keys, text) in enumerate(sorted(rows, key=_shortcut_order)):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(text))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addWidget(buttons)
        self.resize(560, 600)

    def shortcuts(self) -> dict[str, str]:
        """keys -> what they do, as listed."""
        out: dict[str, str] = {}
        for r in range(self.table.rowCount()):
            keys, does = self.table.item(r, 0), self.table.item(r, 1)
            if keys is not None and does is not None:
                out[keys.text()] = does.text()
        return out


def _shortcut_order(row: tuple[str, str]) -> tuple[int, str]:
    keys = row[0]
    if keys.startswith("F") and keys[1:].isdigit():
        return 0, f"{int(keys[1:]):02d}"
    return 1, keys


class WindowMenus:
    """File and Help menus of the main window, the guarded Quit and the first-start size."""

    def __init__(self, window: MainWindow, file_menu: QMenu, quit_action: QAction) -> None:
        self.window = window
        self.file_menu = file_menu
        self.quit_action = quit_action
        self.dialogs: list[QDialog] = []  # open non-modal dialogs (kept alive)
        self.print_action = QAction(window)
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))  # the standard key is empty on some platforms
        self.print_action.triggered.connect(self.ask_print)
        self.export_action = QAction(window)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.ask_export)
        menu = self.file_menu
        menu.insertAction(quit_action, self.print_action)
        menu.insertAction(quit_action, self.export_action)
        menu.insertSeparator(quit_action)
        quit_action.triggered.disconnect()
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))  # on every platform (StandardKey.Quit may be empty)
        quit_action.triggered.connect(self.request_quit)

        self.help_menu = window.menuBar().addMenu("")
        self.guide_action = QAction(window)
        # no F1 here: F1 calls up the plant overview (an ambiguous key would do nothing at all)
        self.guide_action.triggered.connect(self.show_user_guide)
        self.shortcuts_action = QAction(window)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = QAction(window)
        self.about_action.triggered.connect(self.show_about)
        for action in (self.guide_action, self.shortcuts_action, self.about_action):
            self.help_menu.addAction(action)
        self.retranslate()

    def retranslate(self) -> None:
        self.print_action.setText(translate("WindowMenus", "&Print current display ..."))
        self.export_action.setText(translate("WindowMenus", "&Export current display as PNG ..."))
        self.help_menu.setTitle(translate("WindowMenus", "&Help"))
        self.guide_action.setText(translate("WindowMenus", "&User guide"))
        self.shortcuts_action.setText(translate("WindowMenus", "&Keyboard shortcuts"))
        self.about_action.setText(translate("WindowMenus", "&About Crucible"))

    # --- printing and export -------------------------------------------------------------
    def header_text(self) -> str:
        """Plant, display and time: printed above the picture (a sheet must say what it shows)."""
        w = self.window
        plant = w.runtime.layout.name(w.language)
        title = w.display_panel.title() if w.display_panel.current is not None else ""
        return f"{plant} - {title} - {datetime.now().astimezone():%Y-%m-%d %H:%M}"

    def ask_print(self) -> None:
        """The print dialog (window-modal, ``open()``: the live values keep arriving)."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintDialog(printer, self.window)
        dialog.setWindowTitle(translate("WindowMenus", "Print current display"))
        dialog.accepted.connect(lambda: self.print_display(printer))
        self._keep(dialog)
        dialog.open()  # type: ignore[call-arg]  # the stubs miss the no-argument overload

    def print_display(self, printer: QPrinter) -> bool:
        """Paint the header and the current display onto ``printer``; False without a display."""
        view = self.window.display_panel.view
        scene = view.scene()
        if scene is None:
            return False
        printer.setPageMargins(QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
        painter = QPainter()
        if not painter.begin(printer):
            self.window.statusBar().showMessage(translate("WindowMenus", "The printer could not be opened."), 8000)
            return False
        try:
            page = printer.pageLayout().paintRectPixels(printer.resolution())
            page = QRect(0, 0, page.width(), page.height())
            font = QFont(painter.font())
            font.setPointSize(12)
            font.setBold(True)
            painter.setFont(font)
            header_h = painter.fontMetrics().height() * 2
            painter.drawText(QRect(0, 0, page.width(), header_h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self.header_text())
            target = QRectF(0, header_h, page.width(), page.height() - header_h)
            scene.render(painter, target, scene.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        finally:
            painter.end()
        return True

    def ask_export(self) -> None:
        dialog = QFileDialog(self.window, translate("WindowMenus", "Export current display as PNG"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(translate("WindowMenus", "PNG pictures (*.png)"))
        dialog.setDefaultSuffix("png")
        current = self.window.display_panel.current
        dialog.selectFile(f"{current.id if current else 'display'}-{datetime.now():%Y%m%d-%H%M}.png")
        dialog.fileSelected.connect(lambda name: self.export_display(Path(name)))
        self._keep(dialog)
        dialog.open()

    def export_display(self, path: Path) -> bool:
        """The current display with its header line as a PNG; a status-bar message names the file."""
        view = self.window.display_panel.view
        scene = view.scene()
        if scene is None:
            return False
        rect = scene.sceneRect()
        scale = max(1.0, 1600.0 / max(rect.width(), 1.0))
        header_h = 36
        image = QImage(int(rect.width() * scale), int(rect.height() * scale) + header_h, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        font = QFont(painter.font())
        font.setPointSize(12)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRect(8, 0, image.width() - 16, header_h), Qt.AlignmentFlag.AlignVCenter, self.header_text())
        scene.render(painter, QRectF(0, header_h, image.width(), image.height() - header_h), rect)
        painter.end()
        ok = image.save(str(path), "PNG")  # type: ignore[call-overload]
        message = (translate("WindowMenus", "Display exported to {path}") if ok else translate("WindowMenus", "Could not write {path}")).format(path=path)
        self.window.statusBar().showMessage(message, 8000)
        return ok

    # --- help -------------------------------------------------------------------------------
    def show_user_guide(self) -> TextDialog:
        path = user_guide_path(self.window.language)
        dialog = TextDialog(translate("WindowMenus", "Crucible user guide"), self.window)
        try:
            dialog.browser.setMarkdown(path.read_text(encoding="utf-8"))
        except OSError as exc:
            dialog.browser.setPlainText(translate("WindowMenus", "The user guide {path} cannot be read: {error}").format(path=path, error=exc))
        self._keep(dialog)
        dialog.show()
        return dialog

    def show_shortcuts(self) -> ShortcutsDialog:
        dialog = ShortcutsDialog(self.window)
        self._keep(dialog)
        dialog.show()
        return dialog

    def show_about(self) -> TextDialog:
        w = self.window
        dialog = TextDialog(translate("WindowMenus", "About Crucible"), w)
        dialog.browser.setHtml(
            f"<h2>Crucible {__version__}</h2><p>"
            + translate("WindowMenus", "Control-room HMI for copper smelters.") + "</p><p>"
            + translate("WindowMenus", "Plant: {plant}").format(plant=w.runtime.layout.name(w.language)) + "<br>"
            + translate("WindowMenus", "Console: {console}").format(console=w.runtime.console or "-") + "<br>"
            + translate("WindowMenus", "Displays: {n}, tags: {tags}, alarms: {alarms}").format(
                n=len(w.displays), tags=len(w.runtime.layout.tags), alarms=len(w.runtime.alarms.definitions))
            + "</p>")
        dialog.resize(520, 320)
        self._keep(dialog)
        dialog.show()
        return dialog

    def _keep(self, dialog: QDialog) -> None:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)

    # --- quit -------------------------------------------------------------------------------
    def quit_refusal(self) -> str | None:
        """Why the logged-in user may not close the console, or None."""
        ui = self.window.security_ui
        if ui is None:
            return None
        return ui.session.refusal(CLOSE_CONSOLE)

    def request_quit(self) -> QMessageBox:
        """Ctrl+Q / File > Quit: refused for roles that may not close the console, else asked.

        Window-modal and ``open()``-ed (never ``exec()``): the plant keeps updating behind it.
        """
        refusal = self.quit_refusal()
        box = QMessageBox(self.window)
        box.setWindowTitle(translate("WindowMenus", "Quit Crucible"))
        if refusal:
            box.setIcon(QMessageBox.Icon.Information)
            box.setText(translate("WindowMenus", "The console stays open."))
            box.setInformativeText(refusal + "\n" + translate("WindowMenus", "Hand over with Session > Switch user, or lock the console."))
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
        else:
            box.setIcon(QMessageBox.Icon.Question)
            box.setText(translate("WindowMenus", "Close the Crucible console?"))
            box.setInformativeText(translate("WindowMenus", "Live values, alarms and the alarm horn stop on this screen until it is started again."))
            box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            box.setDefaultButton(QMessageBox.StandardButton.No)
            box.button(QMessageBox.StandardButton.Yes).setText(translate("WindowMenus", "Quit"))
            box.button(QMessageBox.StandardButton.No).setText(translate("WindowMenus", "Keep running"))
            box.accepted.connect(self.window.close)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self._keep(box)
        box.open()
        return box


def fit_to_screen(window: QMainWindow, fraction: float = 0.95) -> None:
    """Keep the window on its screen: at most ``fraction`` of the available size, inside it."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None:
        return
    layout = window.layout()
    if layout is not None:  # the minimum of the layout before the docks were tabbed may linger
        layout.invalidate()
        layout.activate()
    avail = screen.availableGeometry()
    width = min(window.width(), int(avail.width() * fraction))
    height = min(window.height(), int(avail.height() * fraction))
    window.resize(max(width, 1), max(height, 1))
    frame = window.frameGeometry()
    x = min(max(frame.x(), avail.x()), avail.right() - frame.width() + 1)
    y = min(max(frame.y(), avail.y()), avail.bottom() - frame.height() + 1)
    window.move(max(x, avail.x()), max(y, avail.y()))


def install_menus(window: MainWindow, file_menu: QMenu, quit_action: QAction) -> WindowMenus:
    """File (print, export, guarded quit) and Help menus for ``window``."""
    return WindowMenus(window, file_menu, quit_action)
