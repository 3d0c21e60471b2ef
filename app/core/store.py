"""The tag store: latest value per tag, batches in, coalesced changes out."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from app.core.events import Signal
from app.core.tags import Quality, TagDef, TagValue, utcnow

Batch = Mapping[str, TagValue]


class ChangeTracker:
    """Collects the names of tags changed since the last :meth:`take`.

    A screen refreshing at 10 Hz takes the changes once per tick: a burst of 10,000
    updates to one tag costs it one repaint with the newest value, not 10,000.
    """

    def __init__(self, store: TagStore) -> None:
        self._store = store
        self._changed: set[str] = set()
        self._lock = threading.Lock()

    def _mark(self, names: Iterable[str]) -> None:
        with self._lock:
            self._changed.update(names)

    def take(self) -> dict[str, TagValue]:
        """The newest value of every tag changed since the previous call."""
        with self._lock:
            names, self._changed = self._changed, set()
        values = self._store.values
        return {name: values[name] for name in names if name in values}

    def close(self) -> None:
        self._store._trackers.discard(self)


class TagStore:
    """Keeps the latest :class:`TagValue` of every tag and tells listeners what changed.

    Drivers call :meth:`apply` with a batch. ``batch_applied`` is emitted synchronously
    with the batch (the alarm engine and historian need every value); screens use a
    :class:`ChangeTracker` and poll at their own rate.
    """

    def __init__(self, tags: Iterable[TagDef] = ()) -> None:
        self.definitions: dict[str, TagDef] = {t.name: t for t in tags}
        self.values: dict[str, TagValue] = {}
        self.batch_applied: Signal[[Batch]] = Signal()
        self._trackers: set[ChangeTracker] = set()
        self.updates_applied = 0

    def define(self, tags: Iterable[TagDef]) -> None:
        for tag in tags:
            self.definitions[tag.name] = tag

    def apply(self, batch: Batch) -> None:
        """Take a batch of new values (name -> value); unknown names are kept too."""
        if not batch:
            return
        self.values.update(batch)
        self.updates_applied += len(batch)
        for tracker in tuple(self._trackers):
            tracker._mark(batch.keys())
        self.batch_applied.emit(batch)

    def get(self, name: str) -> TagValue | None:
        return self.values.get(name)

    def mark_quality(self, names: Iterable[str], quality: Quality, reason: str) -> None:
        """Set the quality of many tags at once, keeping their last value (e.g. link lost)."""
        now = utcnow()
        batch: dict[str, TagValue] = {}
        for name in names:
            old = self.values.get(name)
            if old is None:
                batch[name] = TagValue(None, quality, now, now, reason)
            elif old.quality is not quality or old.reason != reason:
                batch[name] = old.with_quality(quality, reason)
        self.apply(batch)

    def tracker(self) -> ChangeTracker:
        """A new change tracker that sees every batch applied from now on."""
        tracker = ChangeTracker(self)
        self._trackers.add(tracker)
        return tracker
