"""Instant sharing of alarm actions between consoles on PostgreSQL: ``LISTEN`` / ``NOTIFY``.

A console that journals an operator action (ack, shelve, out-of-service ...) sends
``NOTIFY crucible_alarm_journal`` in the same transaction as the journal row, so the signal
leaves exactly when the row becomes visible. Every console's :class:`Listener` (shared with
the other modules' changes, :mod:`app.db.notify`) holds a dedicated connection ``LISTEN``-ing
on that channel and wakes the journal's poll at once: other consoles see the action within a
few tens of milliseconds instead of the poll period. The poll stays as the safety net (a lost
connection, a missed notification). SQLite keeps polling only.
"""

from __future__ import annotations

from app.db.notify import Listener

ALARM_CHANNEL = "crucible_alarm_journal"

__all__ = ["ALARM_CHANNEL", "Listener"]
