"""A tiny plain-Python signal, so models can emit without Qt (napari's model/view split).

Every signal says on which thread it fires (``fires_on``):

- ``"loop"``: the asyncio loop's thread, which under qasync is the GUI thread — listeners may
  touch Qt widgets directly (the store's ``batch_applied``, the alarm engine's ``changed``);
- ``"worker"``: a background thread (the historian writer's ``durable``, ``status_changed``) —
  a GUI listener must hop to the GUI thread (a queued Qt signal or ``call_soon_threadsafe``);
- ``"any"``: no promise.

With ``CRUCIBLE_CHECK_THREADS=1`` (the test suite sets it) a ``"loop"`` signal emitted from
another thread than the main one raises, so a wrong-thread emit is found by the tests, not by
an operator's frozen screen.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any, Generic, Literal, ParamSpec

P = ParamSpec("P")
log = logging.getLogger(__name__)


CHECK_THREADS = os.environ.get("CRUCIBLE_CHECK_THREADS") == "1"


class WrongThreadError(RuntimeError):
    """A ``fires_on="loop"`` signal emitted from a worker thread (only with the check on)."""


class Signal(Generic[P]):
    """Holds callbacks and calls each on :meth:`emit`.

    A failing listener is logged and does not stop the others: one broken panel must not
    stop the alarm engine or the historian from seeing a batch.
    """

    def __init__(self, fires_on: Literal["loop", "worker", "any"] = "loop") -> None:
        self._slots: list[Callable[P, Any]] = []
        self.fires_on = fires_on

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
        if (self.fires_on == "loop" and CHECK_THREADS and threading.current_thread() is not threading.main_thread()):
            raise WrongThreadError(
                f"a signal that fires on the loop thread was emitted from {threading.current_thread().name}")
        for slot in list(self._slots):
            try:
                slot(*args, **kwargs)
            except Exception:  # noqa: BLE001 - a listener's bug must not break the others
                log.exception("listener %r failed", slot)

    def __len__(self) -> int:
        return len(self._slots)
