"""A console for the writer-switch test: an alarm engine with its journal, a candidate for
the history writer (the real election and role wiring), fed from the wall clock so every
console sees the same alarms at the same instants. ``python -m tests.alarms.writer_switch_child
URL NAME`` runs one until it is killed (the test SIGKILLs the writer)."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime
from types import SimpleNamespace

from app.alarms.engine import AlarmEngine
from app.alarms.journal import JournalWriter
from app.historian import roles
from app.historian.election import WriterElection
from app.historian.roles import WriterRole
from tests.alarms.helpers import adef, engine, tv

ALARMS = 4
PERIOD_S = 0.5  # each alarm activates and clears once per period, phase-shifted
TICK_S = 0.02


def wall() -> datetime:
    return datetime.now(UTC)


def values(now: float) -> dict[str, float]:
    """PV{i} is above its limit during the first half of each period (shifted by i)."""
    return {f"PV{i}": 20.0 if ((now / PERIOD_S) + i / ALARMS) % 1.0 < 0.5 else 0.0 for i in range(ALARMS)}


class SwitchConsole:
    """One console: engine + journal + election, wired as the runtime wires them."""

    def __init__(self, url: str, name: str) -> None:
        self.name = name
        self.alarms: AlarmEngine = engine([adef(f"PV{i}", limit=10.0) for i in range(ALARMS)], wall,  # type: ignore[arg-type]
                                          journal=JournalWriter(url, name), console=name)
        self.election = WriterElection(self.alarms.journal.db, name)  # type: ignore[union-attr]
        runtime = SimpleNamespace(console=name, alarms=self.alarms, historian=SimpleNamespace(election=self.election))
        self.role: WriterRole = roles.setup(runtime)

    def start(self) -> None:
        self.alarms.start()
        self.election.start()

    def tick(self) -> None:
        now = wall()
        self.alarms.evaluate({k: tv(v, now) for k, v in values(now.timestamp()).items()})

    def close(self) -> None:
        self.alarms.close()
        self.election.stop()


def main() -> None:
    console = SwitchConsole(sys.argv[1], sys.argv[2])
    console.start()
    print("ready", flush=True)
    while True:
        console.tick()
        time.sleep(TICK_S)


if __name__ == "__main__":
    main()
