"""The ISA-101 grey theme: palette + QSS from ``resources/theme.qss``."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from app.core.resources import resource

QSS = resource("theme.qss")

# Colour is reserved for the abnormal (ISA-101); these are the only alarm/quality colours.
GREY_BACKGROUND = QColor("#c8c8c8")
TEXT = QColor("#1e1e1e")
BAD_QUALITY = QColor("#7a1f9c")
STALE = QColor("#8a6d00")


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, GREY_BACKGROUND)
    palette.setColor(QPalette.ColorRole.WindowText, TEXT)
    palette.setColor(QPalette.ColorRole.Base, QColor("#d4d4d4"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#cbcbcb"))
    palette.setColor(QPalette.ColorRole.Text, TEXT)
    palette.setColor(QPalette.ColorRole.Button, QColor("#bdbdbd"))
    palette.setColor(QPalette.ColorRole.ButtonText, TEXT)
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#8fa4b8"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#000000"))
    app.setPalette(palette)
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans", "Noto Sans CJK SC"])
    font.setPointSize(10)
    app.setFont(font)
    app.setStyleSheet(QSS.read_text(encoding="utf-8"))
