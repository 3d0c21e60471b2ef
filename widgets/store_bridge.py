"""Brings tag-store changes to the GUI thread at most ``rate_hz`` times a second."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.store import TagStore
from app.core.tags import TagValue


class StoreBridge(QObject):
    """Emits ``sig_tags_changed({name: TagValue})`` with only what changed since last tick.

    A burst of 10,000 updates between two ticks costs the screens one repaint. Every receiver
    gets the same dict (read it, never change it): a ``Signal(dict)`` would convert 2,500
    values to a QVariantMap and back for each receiver at each tick.
    """

    sig_tags_changed = Signal(object)

    def __init__(self, store: TagStore, rate_hz: float = 10.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._tracker = store.tracker()
        self._timer = QTimer(self)
        self._timer.setInterval(max(20, int(1000 / rate_hz)))
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        changes: dict[str, TagValue] = self._tracker.take()
        if changes:
            self.sig_tags_changed.emit(changes)

    def flush(self) -> None:
        """Emit pending changes now (tests, and before a screenshot)."""
        self._on_timer_timeout()

    def close(self) -> None:
        self._timer.stop()
        self._tracker.close()
