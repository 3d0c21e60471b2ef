"""Instant sharing between consoles on PostgreSQL: ``LISTEN`` / ``NOTIFY``.

A console that journals an operator action (ack, shelve, out-of-service ...) sends
``NOTIFY crucible_alarm_journal`` in the same transaction as the journal row, so the signal
leaves exactly when the row becomes visible. Every console's :class:`Listener` holds a
dedicated connection ``LISTEN``-ing on that channel and wakes the journal's poll at once:
other consoles see the action within a few tens of milliseconds instead of the poll period.
The poll stays as the safety net (a lost connection, a missed notification). SQLite keeps
polling only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)

ALARM_CHANNEL = "crucible_alarm_journal"


class Listener:
    """A thread ``LISTEN``-ing on ``channel``; ``on_notify(payload)`` runs on that thread."""

    def __init__(self, engine: Engine, channel: str, on_notify: Callable[[str], None],
                 retry_s: float = 2.0) -> None:
        self.engine = engine
        self.channel = channel
        self.on_notify = on_notify
        self.retry_s = retry_s
        self.listening = threading.Event()
        self.last_error = ""
        self._stop = threading.Event()
        self._conn: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"listen-{self.channel}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
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
            self.on_notify("")  # (re)connected: whatever happened meanwhile, poll now
            try:
                while not self._stop.is_set():
                    for note in conn.notifies(timeout=1.0):
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
