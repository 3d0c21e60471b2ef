"""What every driver shares: feeding the store, counting bad tags, spotting stale data.

A driver hands each batch to :meth:`DriverBase.publish`. The :class:`StaleWatcher` remembers
when each tag was last refreshed; a tag whose value is older than its expected period turns
Uncertain ("stale") on its own, and Good again as soon as it is refreshed. When the link is
down the driver marks its tags Bad ("connection lost"), which the watcher leaves alone.

A link that is connected but delivers nothing at all (no values, no keep-alive) for its
expected period (:meth:`DriverBase.link_period_s`) is shown as ``stalled``
(:class:`LinkState`), and its Good values turn stale; it is ``connected`` again with the next
delivery.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import time
from collections.abc import Iterable, Mapping

from app.core.store import TagStore
from app.core.tags import Quality, TagDef, TagValue
from app.io.health import ConnectionHealth, LinkState

log = logging.getLogger(__name__)

STALE = "stale"


class StaleWatcher:
    """Turns tags Uncertain ("stale") when they are not refreshed within their period."""

    def __init__(self, store: TagStore, periods_s: Mapping[str, float]) -> None:
        self.store = store
        self.periods_s = dict(periods_s)
        self._refreshed: dict[str, float] = {}

    def refreshed(self, names: Iterable[str], now: float | None = None) -> None:
        """The driver has proof these tags hold current values (an update or a keep-alive)."""
        now = time.monotonic() if now is None else now
        refreshed = self._refreshed
        for name in names:
            refreshed[name] = now

    def revive(self, names: Iterable[str]) -> None:
        """Tags refreshed without a new value (a keep-alive): clear a "stale" mark."""
        values = self.store.values
        back = [n for n in names if (v := values.get(n)) is not None and v.reason == STALE]
        if back:
            self.store.mark_quality(back, Quality.GOOD, "")

    def forget(self) -> None:
        """The link went down: nothing is fresh any more (the tags are Bad anyway)."""
        self._refreshed.clear()

    def check(self, now: float | None = None) -> list[str]:
        """Mark every Good tag older than its period as stale; return their names."""
        now = time.monotonic() if now is None else now
        values = self.store.values
        stale: list[str] = []
        for name, period in self.periods_s.items():
            last = self._refreshed.get(name)
            if last is None or now - last <= period:
                continue
            value = values.get(name)
            if value is not None and value.quality is Quality.GOOD:
                stale.append(name)
        if stale:
            self.store.mark_quality(stale, Quality.UNCERTAIN, STALE)
        return stale


class DriverBase(abc.ABC):
    """Store feeding, bad-tag counting and staleness for one connection's driver."""

    def __init__(self, name: str, store: TagStore, tags: Iterable[TagDef], health: ConnectionHealth) -> None:
        self.name = name
        self.store = store
        self.tags = {t.name: t for t in tags}
        self.health = health
        self.health.tag_count = len(self.tags)
        self.health.bad_tags = len(self.tags)  # no data yet is not good data
        self.stale = StaleWatcher(store, {})
        self._stopping = asyncio.Event()

    def publish(self, batch: dict[str, TagValue]) -> None:
        """Hand a batch to the store and note the tags as refreshed."""
        if not batch:
            return
        self.health.count_updates(len(batch))
        self.stale.refreshed(batch)
        self.store.apply(batch)
        self.delivered()

    def delivered(self) -> None:
        """Something arrived on the link (values or a keep-alive): it is not stalled."""
        self.health.last_delivery = time.monotonic()
        if self.health.state is LinkState.STALLED:
            self.health.set_state(LinkState.CONNECTED)
            self.stale.revive(self.tags)  # the link's own "stale" marks; the watcher re-checks each tag
            self.count_bad()

    def link_period_s(self) -> float | None:
        """How long the connected link may stay silent before it counts as stalled (None:
        never). By default the longest period any of its tags may go without a refresh."""
        return max(self.stale.periods_s.values(), default=None)

    def check_link(self, now: float | None = None) -> bool:
        """Mark a connected link that delivered nothing for :meth:`link_period_s` as stalled
        and its Good values stale; True when it is stalled."""
        health = self.health
        if health.state is LinkState.STALLED:
            return True
        period = self.link_period_s()
        if health.state is not LinkState.CONNECTED or period is None:
            return False
        now = time.monotonic() if now is None else now
        silent = now - health.last_delivery
        if silent <= period:
            return False
        health.set_state(LinkState.STALLED, f"connected, but nothing received for {silent:.0f} s")
        values = self.store.values
        good = [n for n in self.tags if (v := values.get(n)) is not None and v.quality is Quality.GOOD]
        if good:
            self.store.mark_quality(good, Quality.UNCERTAIN, STALE)
        self.count_bad()
        return True

    def mark_all(self, quality: Quality, reason: str, names: Iterable[str] | None = None) -> None:
        self.store.mark_quality(self.tags if names is None else names, quality, reason)
        if quality is Quality.BAD and names is None:
            self.stale.forget()
        self.count_bad()

    def count_bad(self) -> None:
        values = self.store.values
        bad = sum(1 for n in self.tags if (v := values.get(n)) is None or v.quality is not Quality.GOOD)
        if bad != self.health.bad_tags:
            self.health.bad_tags = bad
            self.health.changed.emit(self.health)

    async def watch_stale(self, interval_s: float = 0.5) -> None:
        """Check staleness every ``interval_s`` until the driver stops."""
        while not self._stopping.is_set():
            try:
                await asyncio.wait_for(self._stopping.wait(), interval_s)
            except TimeoutError:
                pass
            if self.stale.check():
                self.count_bad()
            self.check_link()

    async def sleep_or_stop(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            pass

    max_backoff_s = 10.0

    async def run(self) -> None:
        """Connect, serve and keep serving until :meth:`stop`, reconnecting with backoff.

        Whatever breaks the link marks every tag Bad ("connection lost") and redials; a
        session that lasted a while resets the backoff, a failing dial doubles it.
        """
        backoff = 0.5
        watcher = asyncio.ensure_future(self.watch_stale())
        try:
            while not self._stopping.is_set():
                self.health.set_state(LinkState.CONNECTING, self.health.last_error)
                connected_at = time.monotonic()
                try:
                    await self._session()
                except asyncio.CancelledError:
                    if not self._stopping.is_set():
                        raise
                except Exception as exc:  # noqa: BLE001 - whatever broke the link: report, redial
                    self.health.set_state(LinkState.DOWN, self._describe_failure(exc))
                reason = "driver stopped" if self._stopping.is_set() else "connection lost"
                self.mark_all(Quality.BAD, reason)
                await self._disconnect()
                if self._stopping.is_set():
                    break
                backoff = 0.5 if time.monotonic() - connected_at > 10 else min(backoff * 2, self.max_backoff_s)
                self.health.reconnects += 1
                await self.sleep_or_stop(backoff)
        finally:
            watcher.cancel()
            await self._disconnect()
            self.health.set_state(LinkState.STOPPED, self.health.last_error)

    @abc.abstractmethod
    async def _session(self) -> None:
        """One connected session: returns when stopping, raises when the link breaks."""

    @abc.abstractmethod
    async def _disconnect(self) -> None:
        """Drop the link (it may already be gone)."""

    def _describe_failure(self, exc: Exception) -> str:
        """The health message for what broke the link (and log it)."""
        message = str(exc) or type(exc).__name__
        log.warning("%s: %s", self.name, message)
        return message

    async def stop(self) -> None:
        """Ask ``run`` to disconnect and return (it marks the tags Bad on the way out)."""
        self._stopping.set()
