"""Connection health, as data for the status bar and the Connections panel."""

from __future__ import annotations

import enum
import time
from collections import deque
from dataclasses import dataclass, field

from app.core.events import Signal


class LinkState(enum.StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    STALLED = "stalled"  # connected, but nothing (not even a keep-alive) for the expected period
    DOWN = "down"
    STOPPED = "stopped"


@dataclass
class ConnectionHealth:
    """What an operator or engineer needs to know about one connection."""

    name: str
    protocol: str
    target: str
    state: LinkState = LinkState.CONNECTING
    last_error: str = ""
    latency_ms: float | None = None
    reconnects: int = 0
    bad_tags: int = 0
    tag_count: int = 0
    since: float = field(default_factory=time.time)
    last_delivery: float = 0.0  # time.monotonic() of the last values or keep-alive received
    _updates: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=64), repr=False)
    changed: Signal[[ConnectionHealth]] = field(default_factory=Signal, repr=False, compare=False)

    def set_state(self, state: LinkState, error: str = "") -> None:
        if state is LinkState.CONNECTED and self.state is not LinkState.STALLED:
            self.last_delivery = time.monotonic()  # a new session: its period starts now
        if state is not self.state or error != self.last_error:
            self.state = state
            self.last_error = error
            self.since = time.time()
            self.changed.emit(self)

    def count_updates(self, n: int) -> None:
        now = time.monotonic()
        self._updates.append((now, n))
        self.last_delivery = now

    @property
    def updates_per_s(self) -> float:
        """Updates per second over the last ten seconds."""
        now = time.monotonic()
        recent = [(t, n) for t, n in self._updates if now - t <= 10.0]
        if not recent:
            return 0.0
        span = max(now - recent[0][0], 1.0)
        return sum(n for _, n in recent) / span
