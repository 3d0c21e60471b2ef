"""Instant sharing between consoles on PostgreSQL: ``LISTEN`` / ``NOTIFY`` for every module.

A service that changes shared data (users and roles, handover entries, plan versions, work
orders ...) calls :func:`notify_change` inside the transaction of the change, so the signal
leaves exactly when the rows become visible to the other consoles. Each console has one
:class:`ChangeFeed` per database engine: a thread with its own connection ``LISTEN``-ing on
:data:`CHANGE_CHANNEL`, which hands each notification to the subscribers of its *kind*
(:func:`follow`). Subscribers re-read what they show; on (re)connect every subscriber is told
once (whatever happened while the link was down). SQLite (one console) sends and hears
nothing: :func:`notify_change` does nothing there and :func:`follow` never calls back.

This lives in :mod:`app.db` because every module may use the database layer; the alarm
journal's own channel (:mod:`app.alarms.notify`) uses the same :class:`Listener`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Engine, text

log = logging.getLogger(__name__)

#: The channel of every module's shared changes (payload: ``{"kind": ..., "key": ...}``).
CHANGE_CHANNEL = "crucible_changes"
#: The kinds of shared change, by module.
USERS = "users"            # app.security: users, their roles, role permissions
HANDOVER = "handover"      # app.shifts: handover entries and sign-offs (key: the shift id)
PLANS = "plans"            # app.production: plan versions (key: the year)
WORK_ORDERS = "work_orders"  # app.maintenance: work orders and lock-outs (key: the equipment)
#: Delivered to every subscriber when the feed (re)connects: re-read everything.
ANY = ""

ChangeCallback = Callable[[str, str], None]  # (kind, key)


class Listener:
    """A thread ``LISTEN``-ing on ``channel``; ``on_notify(payload)`` runs on that thread.

    ``on_notify("")`` also runs after every (re)connect: notifications sent while the link
    was down are lost, so the receiver should re-read what it shows."""

    def __init__(self, engine: Engine, channel: str, on_notify: Callable[[str], None],
                 retry_s: float = 2.0) -> None:
        self.engine = engine
        self.channel = channel
        self.on_notify = on_notify
        self.retry_s = retry_s
        self.listening = threading.Event()
        self.last_error = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"listen-{self.channel}", daemon=True)
            self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stop listening; ``wait=False`` does not wait for the thread (it ends within ~1 s)."""
        self._stop.set()
        if self._thread is not None:
            if wait:
                self._thread.join(5)
            self._thread = None

    def _connect(self) -> Any:
        import psycopg

        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        cparams.setdefault("connect_timeout", 5)
        cparams.update(keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=2)
        conn = psycopg.connect(*cargs, autocommit=True, **cparams)
        conn.execute(f'LISTEN "{self.channel}"')
        return conn

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn = self._connect()
            except Exception as exc:  # noqa: BLE001 - the poll still works; try again
                self.last_error = " ".join(str(exc).split())[:200]
                self._stop.wait(self.retry_s)
                continue
            self.listening.set()
            self.on_notify("")  # (re)connected: whatever happened meanwhile, re-read now
            try:
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=1.0):
                        if self._stop.is_set():
                            break
                        self.on_notify(note.payload)
            except Exception as exc:  # noqa: BLE001 - connection lost: reconnect
                self.last_error = " ".join(str(exc).split())[:200]
                log.warning("%s: listening stopped (%s); reconnecting", self.channel, self.last_error)
            finally:
                self.listening.clear()
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    pass


def shares(engine: Engine) -> bool:
    """True where changes are shared by NOTIFY (PostgreSQL); SQLite has one console."""
    return engine.dialect.name == "postgresql"


def notify_change(conn: Any, kind: str, key: str = "") -> None:
    """Send ``NOTIFY crucible_changes`` from inside the transaction of a change (``conn``: a
    SQLAlchemy ``Connection`` or ORM ``Session`` in a transaction): delivered at commit, not
    at all on rollback. Does nothing on SQLite."""
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    if bind.dialect.name != "postgresql":
        return
    payload = json.dumps({"kind": kind, "key": str(key)[:200]}, ensure_ascii=False)
    conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANGE_CHANNEL, "p": payload})


class _Subscription:
    __slots__ = ("callback", "kinds", "loop")

    def __init__(self, kinds: frozenset[str], callback: ChangeCallback, loop: asyncio.AbstractEventLoop | None) -> None:
        self.kinds, self.callback, self.loop = kinds, callback, loop


class ChangeFeed:
    """One ``LISTEN`` connection for one engine, shared by every subscriber of the process.

    Starts listening with the first subscriber and stops with the last one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._subs: list[_Subscription] = []
        self.listener: Listener | None = None

    def subscribe(self, kinds: Iterable[str], callback: ChangeCallback,
                  loop: asyncio.AbstractEventLoop | None = None) -> Callable[[], None]:
        """Call ``callback(kind, key)`` for each change of one of ``kinds`` (and with kind
        :data:`ANY` after each (re)connect). With ``loop`` it runs on that loop's thread
        (``call_soon_threadsafe``), else on the listener thread. Returns the unsubscribe."""
        sub = _Subscription(frozenset(kinds), callback, loop)
        with self._lock:
            self._subs.append(sub)
            if self.listener is None:
                listener: Listener | None = None

                def deliver(payload: str) -> None:  # a stopped listener's last notes go nowhere
                    if self.listener is listener:
                        self._on_notify(payload)

                listener = self.listener = Listener(self.engine, CHANGE_CHANNEL, deliver)
                listener.start()

        def unsubscribe() -> None:
            with self._lock:
                if sub in self._subs:
                    self._subs.remove(sub)
                listener = self.listener if not self._subs else None
                if listener is not None:
                    self.listener = None
            if listener is not None:
                listener.stop(wait=False)

        return unsubscribe

    @property
    def listening(self) -> threading.Event:
        listener = self.listener
        return listener.listening if listener is not None else threading.Event()

    def _on_notify(self, payload: str) -> None:
        kind, key = ANY, ""
        if payload:
            try:
                doc = json.loads(payload)
                kind, key = str(doc.get("kind", "")), str(doc.get("key", ""))
            except (ValueError, AttributeError):
                log.warning("%s: a notification that is not ours: %r", CHANGE_CHANNEL, payload[:100])
                return
            if not kind:
                return
        with self._lock:
            subs = list(self._subs)
        for sub in subs:
            if kind != ANY and kind not in sub.kinds:
                continue
            if sub.loop is not None:
                if sub.loop.is_closed():
                    continue
                try:
                    sub.loop.call_soon_threadsafe(_call, sub.callback, kind, key)
                except RuntimeError:  # the loop closed meanwhile
                    continue
            else:
                _call(sub.callback, kind, key)

    def close(self) -> None:
        with self._lock:
            self._subs.clear()
            listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop()


def _call(callback: ChangeCallback, kind: str, key: str) -> None:
    try:
        callback(kind, key)
    except Exception:  # noqa: BLE001 - one broken subscriber must not silence the others
        log.exception("shared change %s/%s: subscriber %r failed", kind, key, callback)


_feeds: weakref.WeakKeyDictionary[Engine, ChangeFeed] = weakref.WeakKeyDictionary()
_feeds_lock = threading.Lock()


def change_feed(engine: Engine) -> ChangeFeed | None:
    """The feed of ``engine`` (one per engine and process), None on SQLite."""
    if not shares(engine):
        return None
    with _feeds_lock:
        feed = _feeds.get(engine)
        if feed is None:
            feed = _feeds[engine] = ChangeFeed(engine)
        return feed


def follow(engine: Engine, kinds: Iterable[str], callback: ChangeCallback,
           loop: asyncio.AbstractEventLoop | None = None) -> Callable[[], None]:
    """Subscribe ``callback(kind, key)`` to other consoles' changes of ``kinds`` on the
    database of ``engine`` (see :meth:`ChangeFeed.subscribe`); the unsubscribe. On SQLite
    nothing is ever delivered (the returned unsubscribe does nothing)."""
    feed = change_feed(engine)
    if feed is None:
        return lambda: None
    return feed.subscribe(kinds, callback, loop)


def close_feed(engine: Engine) -> None:
    """Stop the feed of ``engine`` (before disposing of it)."""
    with _feeds_lock:
        feed = _feeds.pop(engine, None)
    if feed is not None:
        feed.close()
