"""A module service that publishes a computed figure on a calc:// tag every so often.

The figure is read from history (slow: SQL) on a named worker pool and applied to the store on
the loop thread, where the store's listeners run; a round that fails is logged and the tag keeps
its last value. Under the runtime's supervisor the loop is a supervised task (restarted if it
ends, reported if it stalls: ``beat()`` after each round); without one it is a plain task.
The energy (kgce per tonne) and materials (copper unaccounted) services share it.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any


class PeriodicPublisher:
    """Mixin for a service: define :meth:`compute` (blocking, off the loop) and :meth:`apply`
    (on the loop); ``start()``/``close()`` are the module's start and close."""

    TASK_NAME = "periodic figure"  # the supervisor's handle and the asyncio task's name
    POOL = "blocking"  # the worker pool of app.core.work
    FAILURE = "could not compute the figure"  # logged (with the traceback) when a round fails
    period_s = 300.0

    supervisor: Any = None  # the runtime's, set by the module's setup()
    _task: asyncio.Task[None] | None = None
    _supervised = False

    def compute(self, now: datetime) -> Any:
        """The figure at ``now`` (blocking: reads history)."""
        raise NotImplementedError

    def apply(self, value: Any, now: datetime | None = None) -> None:
        """Put ``value`` on the tag (on the loop thread)."""
        raise NotImplementedError

    def can_publish(self) -> bool:
        """Only with history to compute from."""
        return getattr(self, "source", None) is not None

    def start(self) -> None:
        """Publish periodically once the loop runs, supervised where there is a supervisor."""
        if not self.can_publish() or self._task is not None or self._supervised:
            return
        if self.supervisor is not None:
            supervisor, name = self.supervisor, self.TASK_NAME
            supervisor.spawn(name, lambda: self.run(beat=lambda: supervisor.beat(name)), expected_period_s=3 * self.period_s)
            self._supervised = True
        else:
            self._task = asyncio.get_running_loop().create_task(self.run(), name=self.TASK_NAME)

    def close(self) -> None:
        task = self._task
        if task is not None:
            task.cancel()
            self._task = None
        if self._supervised and self.supervisor is not None:
            self.supervisor.cancel(self.TASK_NAME)
            self._supervised = False

    async def run(self, period_s: float | None = None, beat: Any = None) -> None:
        """Every ``period_s``: :meth:`compute` on the worker pool, :meth:`apply` on the loop;
        ``beat()`` after each round (the supervisor's stall watch)."""
        from app.core.work import run_blocking

        period_s = period_s or self.period_s
        log = logging.getLogger(type(self).__module__)
        while True:
            if beat is not None:
                beat()
            try:
                now = datetime.now(UTC)
                self.apply(await run_blocking(self.compute, now, pool=self.POOL), now)
            except Exception:  # noqa: BLE001 - keep running; the tag keeps its last value meanwhile
                log.exception("%s", self.FAILURE)
            await asyncio.sleep(period_s)
