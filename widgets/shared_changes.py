"""Other consoles' changes (PostgreSQL ``NOTIFY``, :mod:`app.db.notify`) handed to a panel on
the GUI thread, so it re-reads what it shows within a moment of the change."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from sqlalchemy import Engine

from app.db.notify import follow

#: A burst of changes (a plan check opening ten work orders) costs the panel one re-read.
COALESCE_MS = 60


class _Relay(QObject):
    """Lives for the whole process on the GUI thread: the listener thread emits through it, so
    it never holds (and never drops the last) reference to a panel's Qt objects."""

    sig_change = Signal(object)  # (follower key, kind, change key)


_relay: _Relay | None = None
_followers: weakref.WeakValueDictionary[int, SharedChanges] = weakref.WeakValueDictionary()
_keys = itertools.count(1)


def _on_relay_change(item: tuple[int, str, str]) -> None:
    key, kind, what = item
    follower = _followers.get(key)
    if follower is not None:
        follower._queue(kind, what)


def _the_relay() -> _Relay:
    global _relay
    if _relay is None:  # made on the GUI thread by the first follower
        _relay = _Relay()
        _relay.sig_change.connect(_on_relay_change, Qt.ConnectionType.QueuedConnection)
    return _relay


class SharedChanges(QObject):
    """Calls ``on_change(changes)`` on the GUI thread when another console changed one of
    ``kinds`` on ``engine``'s database; ``changes`` are the ``(kind, key)`` pairs seen (kind
    ``""``: the link to the database came back, re-read everything). Nothing on SQLite.

    A child of its panel; :meth:`shutdown` (or the panel's destruction) unsubscribes."""

    def __init__(self, parent: QObject, engine: Engine, kinds: Iterable[str],
                 on_change: Callable[[set[tuple[str, str]]], None]) -> None:
        super().__init__(parent)
        self._on_change = on_change
        self._pending: set[tuple[str, str]] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._key = next(_keys)
        _followers[self._key] = self
        relay, key = _the_relay(), self._key
        # runs on the listener thread: only the immortal relay and plain values are touched
        unfollow = follow(engine, kinds, lambda kind, what: relay.sig_change.emit((key, kind, what)))
        self._unfollow = unfollow
        self.destroyed.connect(lambda *_: unfollow())

    def _queue(self, kind: str, what: str) -> None:
        self._pending.add((kind, what))
        if not self._timer.isActive():
            self._timer.start()

    def _on_timer_timeout(self) -> None:
        changes, self._pending = self._pending, set()
        if changes:
            self._on_change(changes)

    def shutdown(self) -> None:
        self._unfollow()
        self._timer.stop()
        self._pending.clear()
        _followers.pop(self._key, None)
