"""The dock-panel contract (Spyder's plugins): each panel declares itself."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


class DockPanel(QWidget):
    """A panel the main window puts in a dock.

    Subclasses set ``NAME`` (stable id used for the saved layout), ``TITLE`` (English, for
    translation), ``AREA`` (default dock area) and ``PERMISSIONS`` (what a user needs to
    see it), and take their dependencies in ``__init__`` — no globals.
    """

    NAME = "panel"
    TITLE = "Panel"
    AREA = Qt.DockWidgetArea.RightDockWidgetArea
    PERMISSIONS: tuple[str, ...] = ("view",)

    def title(self) -> str:
        """The translated title (the class's ``TITLE`` through Qt's translator)."""
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate(type(self).__name__, self.TITLE)

    def retranslate(self) -> None:
        """Re-read every visible string after a language switch."""
