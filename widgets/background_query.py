"""One query at a time off the GUI thread, its result handed back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.core.work import executor


class BackgroundQuery(QObject):
    """Runs ``fn`` on the worker pool ``name`` (:mod:`app.core.work`); ``on_result(value)`` or
    ``on_error(exc)`` follow on the GUI thread through a queued Qt signal (no polling). A
    database error reaches the panel as ``on_error``, never as an exception in the operator's
    face. A result that arrives after a newer query was submitted is dropped."""

    _sig_done = Signal(object, object)  # the future, its generation

    def __init__(
        self, parent: QObject, name: str, on_result: Callable[[Any], None], on_error: Callable[[Exception], None]
    ) -> None:
        super().__init__(parent)
        self._pool = executor(name)
        self._future: Future[Any] | None = None
        self._generation = 0
        self._on_result = on_result
        self._on_error = on_error
        self._closed = False
        self._sig_done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        self._generation += 1
        generation = self._generation
        future = self._pool.submit(fn, *args)
        self._future = future
        # Fires on the worker thread (or here, if already done): the queued signal hops to the GUI.
        future.add_done_callback(lambda f: self._emit_done(f, generation))

    def _emit_done(self, future: Future[Any], generation: int) -> None:
        if not self._closed:
            self._sig_done.emit(future, generation)

    def wait(self, timeout: float) -> None:
        """Block until the running query is handed over (tests, screenshots)."""
        future = self._future
        if future is not None:
            try:
                future.result(timeout)
            except Exception:  # noqa: BLE001 - handed to on_error below
                pass
            self._deliver(future)

    def _on_done(self, future: Future[Any], generation: int) -> None:
        if generation == self._generation and future is self._future:
            self._deliver(future)

    def _deliver(self, future: Future[Any]) -> None:
        if self._future is not future or not future.done():
            return
        self._future = None
        try:
            value = future.result()
        except Exception as exc:  # noqa: BLE001 - shown in the panel, not raised at the operator
            self._on_error(exc)
            return
        self._on_result(value)

    def shutdown(self) -> None:
        self._closed = True
        self._future = None
