"""Dialogs that grow with what they show: a long error message, a group box that appears.

Qt sizes a dialog once, from size hints computed before word-wrapped labels know their
width; a message shown later is then squeezed (fields shrink to nothing, text is clipped)
or, the other way round, the dialog keeps an empty strip at its bottom. :func:`fit_to_contents`
makes the dialog exactly as tall as its contents need at its width, growing (never
narrowing) as needed; call it after changing what the dialog shows.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QWidget


def fit_to_contents(dialog: QWidget) -> None:
    """Resize ``dialog`` to the height its layout needs at its width (at least its minimum)."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.invalidate()
    layout.activate()
    width = max(dialog.width(), layout.totalMinimumSize().width(), dialog.minimumWidth())
    screen = dialog.screen()
    if screen is not None:  # never wider than the screen: word-wrapped text takes more lines instead
        width = min(width, max(dialog.minimumWidth(), screen.availableGeometry().width() - 40))
    if layout.hasHeightForWidth():
        height = layout.totalHeightForWidth(width)
    else:
        height = layout.totalSizeHint().height()
    height = max(height, layout.totalMinimumSize().height())
    dialog.setMinimumHeight(height)
    dialog.setMaximumHeight(height)  # no empty strip: the contents decide the height
    dialog.resize(width, height)


class FittingDialog(QDialog):
    """A QDialog that fits its contents each time it is shown (see :func:`fit_to_contents`)."""

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        fit_to_contents(self)
        super().showEvent(event)

    def refit(self) -> None:
        """Fit again after changing what the dialog shows (shown or not)."""
        fit_to_contents(self)
