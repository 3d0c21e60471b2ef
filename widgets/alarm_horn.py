"""The audible horn: one sound per priority, repeating while unacknowledged, until silenced.

QtMultimedia may have no audio device (headless CI, a remote desktop): then the horn logs
once and stays quiet instead of failing. ``CRUCIBLE_NO_SOUND=1`` turns it off.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QUrl

from app.alarms.definitions import Priority
from app.core.resources import resource

log = logging.getLogger(__name__)
SOUNDS = resource("sounds")
SOUND_FILES = {
    Priority.URGENT: "alarm_urgent.wav",
    Priority.HIGH: "alarm_high.wav",
    Priority.MEDIUM: "alarm_medium.wav",
    Priority.LOW: "alarm_low.wav",
}


class AlarmHorn(QObject):
    """Plays the sound of the most urgent unacknowledged priority; :meth:`silence` stops it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = os.environ.get("CRUCIBLE_NO_SOUND", "") not in ("1", "true", "yes")
        self.sounding: Priority | None = None  # what the horn plays now (None = quiet)
        self._effects: dict[Priority, object] = {}
        self._failed = False

    def _effect(self, priority: Priority) -> object | None:
        if not self.enabled or self._failed:
            return None
        if priority not in self._effects:
            try:
                from PySide6.QtMultimedia import QSoundEffect

                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(SOUNDS / SOUND_FILES[priority])))
                # urgent and high repeat until silenced; medium and low sound once
                effect.setLoopCount(QSoundEffect.Loop.Infinite.value if priority <= Priority.HIGH else 1)
                effect.setVolume(0.8)
                self._effects[priority] = effect
            except Exception as exc:  # noqa: BLE001 - no audio backend: stay quiet, say so once
                log.warning("alarm horn disabled: %s", exc)
                self._failed = True
                return None
        return self._effects[priority]

    def sound(self, priority: Priority) -> None:
        """A new alarm of ``priority`` came in: sound it unless something more urgent sounds."""
        if self.sounding is not None and self.sounding <= priority:
            return
        self.stop()
        self.sounding = priority
        effect = self._effect(priority)
        if effect is not None:
            effect.play()  # type: ignore[attr-defined]

    def silence(self) -> None:
        """The operator pressed Silence (alarms stay unacknowledged)."""
        self.stop()

    def stop(self) -> None:
        for effect in self._effects.values():
            effect.stop()  # type: ignore[attr-defined]
        self.sounding = None
