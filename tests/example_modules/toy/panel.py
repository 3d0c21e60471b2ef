"""The toy module's central panel (a test example: real modules keep panels in widgets/)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from widgets.panel import DockPanel, PanelContext


class ToyPanel(DockPanel):
    NAME = "toy"
    TITLE = "Toy"

    def __init__(self, context: PanelContext) -> None:
        super().__init__()
        self.service = context.service("toy")
        self.label = QLabel("toy", self)
        QVBoxLayout(self).addWidget(self.label)
