"""One query at a time off the GUI thread, its result handed back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer


class BackgroundQuery(QObject):
    """Runs ``fn`` on a worker thread; ``on_result(value)`` or ``on_error(exc)`` follow on the
    GUI thread (a 50 ms poll, so no cross-thread signal plumbing). A database error reaches
    the panel as ``on_error``, never as an exception in the operator's face."""

    def __init__(
        self, parent: QObject, name: str, on_result: Callable[[Any], None], on_error: Callable[[Exception], None]
    ) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._future: Future[Any] | None = None
        self._on_result = on_result
        self._on_error = on_error
        self._poll = QTimer(self)
        self._poll.setInterval(50)
        self._poll.timeout.connect(self._on_poll_timeout)

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        self._future = self._executor.submit(fn, *args)
        self._poll.start()

    def wait(self, timeout: float) -> None:
        """Block until the running query is handed over (tests, screenshots)."""
        if self._future is not None:
            try:
                self._future.result(timeout)
            except Exception:  # noqa: BLE001 - handed to on_error below
                pass
            self._on_poll_timeout()

    def _on_poll_timeout(self) -> None:
        if self._future is None or not self._future.done():
            return
        self._poll.stop()
        future, self._future = self._future, None
        try:
            value = future.result()
        except Exception as exc:  # noqa: BLE001 - shown in the panel, not raised at the operator
            self._on_error(exc)
            return
        self._on_result(value)

    def shutdown(self) -> None:
        self._poll.stop()
        self._executor.shutdown(wait=False)
