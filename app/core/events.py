"""A tiny plain-Python signal, so models can emit without Qt (napari's model/view split)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, ParamSpec

P = ParamSpec("P")
log = logging.getLogger(__name__)


class Signal(Generic[P]):
    """Holds callbacks and calls each on :meth:`emit`.

    A failing listener is logged and does not stop the others: one broken panel must not
    stop the alarm engine or the historian from seeing a batch.
    """

    def __init__(self) -> None:
        self._slots: list[Callable[P, Any]] = []

    def connect(self, slot: Callable[P, Any]) -> Callable[P, Any]:
        if slot not in self._slots:
            self._slots.append(slot)
        return slot

    def disconnect(self, slot: Callable[P, Any]) -> None:
        try:
            self._slots.remove(slot)
        except ValueError:
            pass

    def emit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for slot in list(self._slots):
            try:
                slot(*args, **kwargs)
            except Exception:  # noqa: BLE001 - a listener's bug must not break the others
                log.exception("listener %r failed", slot)

    def __len__(self) -> int:
        return len(self._slots)
