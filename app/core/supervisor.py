"""The owner of the HMI's long-running asyncio work: it notices a task that ends or stops
making progress, restarts it where that is safe, and otherwise says so in plain words.

Pure asyncio, no Qt. Every driver loop, the alarm engine's timers and each module's
background work is started with :meth:`Supervisor.spawn`::

    handle = supervisor.spawn("alarms", engine.run, expected_period_s=5.0)
    ...  # the work calls handle.beat() (or supervisor.beat("alarms")) as it makes progress

- A task that ends (an exception, or a return while the HMI still runs) is restarted with
  a doubling back-off (``restart=True``) or reported (``restart=False``).
- A task with ``expected_period_s`` that does not beat within that period is reported as
  stalled; the report clears when it beats again.

Problems go to :attr:`Supervisor.problem_reported` as ``(name, text)`` (the GUI shows them in
the status bar) and :attr:`Supervisor.problems` holds the ones still standing; a cleared one
goes to :attr:`Supervisor.problem_cleared`. :func:`publish_problem_count` turns the count into
a ``calc://`` tag so that an alarm defined on it in the layout annunciates, is journaled and
counted like any other.

The watchdog runs as a plain loop callback (``call_later``), not as a task: the failure it
must catch - a modal dialog inside a coroutine, after which asyncio refuses to wake other
*tasks* - does not stop callbacks, so the watchdog is still there to report it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from app.core.events import Signal
from app.core.store import TagStore
from app.core.tags import Quality, TagValue, utcnow

log = logging.getLogger(__name__)

TaskFactory = Callable[[], Coroutine[Any, Any, object]]


class TaskHandle:
    """One supervised piece of work; :meth:`beat` says it made progress."""

    def __init__(self, supervisor: Supervisor, name: str, factory: TaskFactory, restart: bool,
                 expected_period_s: float | None) -> None:
        self.supervisor = supervisor
        self.name = name
        self.factory = factory
        self.restart = restart
        self.expected_period_s = expected_period_s
        self.task: asyncio.Task[object] | None = None
        self.started = 0.0
        self.last_beat = 0.0
        self.restarts = 0
        self.backoff_s = supervisor.min_backoff_s
        self.stalled = False
        self._restart_handle: asyncio.TimerHandle | None = None

    def beat(self) -> None:
        """The work made progress (a tick, a batch, a dial attempt)."""
        self.last_beat = self.supervisor.clock()
        if self.stalled:
            self.stalled = False
            self.supervisor._clear(self.name)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()


class Supervisor:
    """Starts, watches and restarts long-running asyncio tasks (see the module docstring)."""

    def __init__(
        self,
        *,
        check_interval_s: float = 1.0,
        min_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        stable_after_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        on_problem: Callable[[str, str], object] | None = None,
    ) -> None:
        self.check_interval_s = check_interval_s
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self.stable_after_s = stable_after_s  # a restarted task that ran this long resets its back-off
        self.clock = clock
        self.handles: dict[str, TaskHandle] = {}
        self.problems: dict[str, str] = {}
        self.problem_reported: Signal[[str, str]] = Signal()
        self.problem_cleared: Signal[[str]] = Signal()
        if on_problem is not None:
            self.problem_reported.connect(on_problem)
        self._stopping = False
        self._watchdog: asyncio.TimerHandle | None = None

    # --- starting ---------------------------------------------------------------------
    def spawn(self, name: str, factory: TaskFactory, *, restart: bool = True,
              expected_period_s: float | None = None) -> TaskHandle:
        """Start ``factory()`` as a task now (on the running loop) and watch it."""
        if name in self.handles and self.handles[name].running:
            raise ValueError(f"a supervised task named {name!r} is already running")
        handle = TaskHandle(self, name, factory, restart, expected_period_s)
        self.handles[name] = handle
        self._stopping = False
        self._start(handle)
        self._arm_watchdog()
        return handle

    def beat(self, name: str) -> None:
        """``handles[name].beat()``, for work that knows only its name."""
        handle = self.handles.get(name)
        if handle is not None:
            handle.beat()

    def _start(self, handle: TaskHandle) -> None:
        handle._restart_handle = None
        if self._stopping:
            return
        handle.started = handle.last_beat = self.clock()
        try:
            coro = handle.factory()
        except Exception as exc:  # noqa: BLE001 - a factory that fails is a task that failed
            self._ended(handle, f"{type(exc).__name__}: {exc}")
            return
        task: asyncio.Task[object] = asyncio.ensure_future(coro)
        handle.task = task

        def done(finished: asyncio.Task[object]) -> None:
            self._on_done(handle, finished)

        task.add_done_callback(done)

    # --- watching ---------------------------------------------------------------------
    def _on_done(self, handle: TaskHandle, task: asyncio.Task[object]) -> None:
        if self._stopping or handle.task is not task:
            return
        if task.cancelled():
            reason = "it was cancelled"
        elif (exc := task.exception()) is not None:
            log.error("%s failed", handle.name, exc_info=exc)
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        else:
            reason = "it ended"
        self._ended(handle, reason)

    def _ended(self, handle: TaskHandle, reason: str) -> None:
        if not handle.restart:
            self._report(handle.name, f"{handle.name} stopped ({reason}); it is not restarted on its own")
            return
        if self.clock() - handle.started >= self.stable_after_s:
            handle.backoff_s = self.min_backoff_s
        delay = handle.backoff_s
        handle.backoff_s = min(handle.backoff_s * 2, self.max_backoff_s)
        handle.restarts += 1
        self._report(handle.name, f"{handle.name} stopped ({reason}); restarting in {delay:g} s (restart {handle.restarts})")
        handle._restart_handle = asyncio.get_running_loop().call_later(delay, self._start, handle)

    def _arm_watchdog(self) -> None:
        if self._watchdog is None and not self._stopping:
            self._watchdog = asyncio.get_running_loop().call_later(self.check_interval_s, self._check)

    def _check(self) -> None:
        """The watchdog (a loop callback, not a task: see the module docstring)."""
        self._watchdog = None
        try:
            self.check()
        except Exception:  # noqa: BLE001 - the watchdog itself must survive
            log.exception("supervisor check failed")
        self._arm_watchdog()

    def check(self) -> None:
        """Report tasks without progress for their expected period; clear restarted ones
        that have run long enough."""
        now = self.clock()
        for handle in list(self.handles.values()):
            if not handle.running:
                continue
            period = handle.expected_period_s
            if period is not None and not handle.stalled and now - handle.last_beat > period:
                handle.stalled = True
                self._report(handle.name, f"{handle.name} has made no progress for {now - handle.last_beat:.0f} s "
                                          f"(expected every {period:g} s)")
            elif (handle.name in self.problems and not handle.stalled
                  and now - handle.started >= min(self.stable_after_s, period or self.stable_after_s)):
                self._clear(handle.name)  # restarted and running again

    def _report(self, name: str, text: str) -> None:
        log.warning("supervisor: %s", text)
        self.problems[name] = text
        self.problem_reported.emit(name, text)

    def _clear(self, name: str) -> None:
        if self.problems.pop(name, None) is not None:
            log.info("supervisor: %s is running again", name)
            self.problem_cleared.emit(name)

    # --- stopping ---------------------------------------------------------------------
    def stop(self) -> None:
        """From now on a task that ends is the HMI shutting down: no report, no restart."""
        self._stopping = True
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        for handle in self.handles.values():
            if handle._restart_handle is not None:
                handle._restart_handle.cancel()
                handle._restart_handle = None

    def cancel(self, name: str) -> None:
        """Cancel one task that has no end of its own (a watcher), without a report."""
        handle = self.handles.get(name)
        if handle is not None:
            if handle._restart_handle is not None:
                handle._restart_handle.cancel()
                handle._restart_handle = None
            handle.restart = False
            task, handle.task = handle.task, None  # _on_done ignores a task no longer current
            if task is not None:
                task.cancel()
            self.handles.pop(name, None)
            self._clear(name)

    @property
    def tasks(self) -> list[asyncio.Task[object]]:
        return [h.task for h in self.handles.values() if h.task is not None]

    async def wait(self, timeout_s: float = 5.0) -> None:
        """Wait (after :meth:`stop` and asking the work to end) for every task; cancel the rest."""
        self.stop()
        names = {h.task: h.name for h in self.handles.values() if h.task is not None}
        tasks = [t for t in self.tasks if not t.done()]
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=timeout_s)
        for task in pending:
            task.cancel()
        if pending:  # a task whose wake-up asyncio refused never sees its cancellation: do not hang on it
            _, stuck = await asyncio.wait(pending, timeout=1.0)
            for task in stuck:
                log.error("supervisor: %s did not end; left behind at shutdown", names.get(task, task.get_name()))


def publish_problem_count(supervisor: Supervisor, store: TagStore, tag: str) -> None:
    """Keep ``tag`` (a ``calc://`` tag of the layout) at the number of standing problems, so
    the alarm the layout defines on it annunciates. Does nothing when the layout lacks it."""
    if tag not in store.definitions:
        return

    def publish(*_: object) -> None:
        now = utcnow()
        store.apply({tag: TagValue(len(supervisor.problems), Quality.GOOD, now, now)})

    supervisor.problem_reported.connect(publish)
    supervisor.problem_cleared.connect(publish)
    publish()
