"""One query at a time off the GUI thread, its result handed back on the GUI thread."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.core.work import executor


class _Relay(QObject):
    """Lives for the whole process on the GUI thread: workers emit through it, so a worker
    never holds (and never drops the last) reference to a panel's Qt objects."""

    sig_done = Signal(object)  # (key, future, generation)


_relay: _Relay | None = None
_queries: weakref.WeakValueDictionary[int, BackgroundQuery] = weakref.WeakValueDictionary()
_keys = itertools.count(1)


def _on_relay_done(item: tuple[int, Future[Any], int]) -> None:
    key, future, generation = item
    query = _queries.get(key)
    if query is not None:
        query._on_done(future, generation)


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:  # made on the GUI thread by the first BackgroundQuery
        _relay = _Relay()
        _relay.sig_done.connect(_on_relay_done, Qt.ConnectionType.QueuedConnection)
    return _relay


class BackgroundQuery(QObject):
    """Runs ``fn`` on the worker pool ``name`` (:mod:`app.core.work`); ``on_result(value)`` or
    ``on_error(exc)`` follow on the GUI thread through a queued Qt signal (no polling). A
    database error reaches the panel as ``on_error``, never as an exception in the operator's
    face. A result that arrives after a newer query was submitted, or after the panel is gone,
    is dropped."""

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
        self._key = next(_keys)
        _queries[self._key] = self
        self._relay = _the_relay()

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        self._generation += 1
        future = self._pool.submit(fn, *args)
        self._future = future
        relay, key, generation = self._relay, self._key, self._generation
        # Runs on the worker thread (or here, if already done): only the immortal relay and
        # plain values are touched there.
        future.add_done_callback(lambda f: relay.sig_done.emit((key, f, generation)))

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
        if not self._closed and generation == self._generation and future is self._future:
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
        _queries.pop(self._key, None)
