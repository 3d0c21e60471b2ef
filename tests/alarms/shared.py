"""Two consoles on one journal database: an action on one shows on the other within 2 s."""

from __future__ import annotations

import time

from app.alarms.engine import AlarmEngine
from app.alarms.engine import AlarmState as S
from app.alarms.journal import JournalWriter
from tests.alarms.helpers import Clock, adef, engine, tv


def _wait(eng: AlarmEngine, predicate, timeout: float = 2.0) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        eng.tick()
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    eng.tick()
    assert predicate(), f"not seen within {timeout} s"
    return time.monotonic() - start


def check_two_consoles(url: str) -> None:
    from app.db import make_engine
    from app.db.migrate import upgrade

    upgrade(make_engine(url))  # IT's `crucible db upgrade` on the shared database
    clock = Clock()
    defs = [adef("PV", limit=10.0), adef("QV", limit=10.0)]
    a = engine(defs, clock, journal=JournalWriter(url, "console-A", poll_s=0.2))
    b = engine(defs, clock, journal=JournalWriter(url, "console-B", poll_s=0.2), record_process_events=False)
    a.start()
    b.start()
    try:
        batch = {"PV": tv(20.0, clock.now), "QV": tv(20.0, clock.now)}
        a.evaluate(batch)
        b.evaluate(batch)
        assert b.records["PV.H"].state is S.UNACK
        a.ack(["PV.H"], "alice")
        _wait(b, lambda: b.records["PV.H"].state is S.ACKED)
        assert b.records["PV.H"].acked_by == "alice"
        b.shelve("QV.H", "bob", "transmitter being replaced", duration_s=3600)
        _wait(a, lambda: a.records["QV.H"].state is S.SHELVED)
        assert a.records["QV.H"].shelved_by == "bob"
        assert a.records["QV.H"].shelve_until == b.records["QV.H"].shelve_until
        # a third console starting later knows the shelf
        assert b.journal is not None and b.journal.flush()
        c = engine(defs, clock, journal=JournalWriter(url, "console-C", poll_s=0.2))
        c.start()
        c.evaluate(batch)
        assert c.records["QV.H"].state is S.SHELVED and c.records["PV.H"].state is S.UNACK
        c.close()
    finally:
        a.close()
        b.close()
