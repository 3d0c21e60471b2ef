"""No gap in the process alarm events at the writer switch (issue 21): the writer console
hangs, then is SIGKILLed; the console that takes over journals the activations and clears it saw itself
while the other one was writing and that the journal lacks — no gap, no duplicate.

Both consoles see the same four alarms come and go every 0.5 s (their values follow the wall
clock), each with its own engine, journal and election candidacy (the real role wiring,
app.historian.roles). The killed one is a separate process.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.alarms.journal import SAME_EVENT_S, missing_after, read_journal
from app.db import make_engine
from app.db.migrate import upgrade
from app.historian.election import current_writer
from app.runtime import child_environment
from tests.alarms.writer_switch_child import ALARMS, PERIOD_S, TICK_S, SwitchConsole

T = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def ev(event: str, s: float) -> dict[str, object]:
    return {"event": event, "ts": T + timedelta(seconds=s)}


def test_missing_after_matches_the_stored_event_and_skips_what_the_journal_has() -> None:
    held = [ev("activate", 0.0), ev("clear", 0.25), ev("activate", 0.5), ev("clear", 0.75)]
    # the old writer stored up to the first clear (its clock 0.1 s off): the rest is missing
    assert missing_after(held, ("clear", T + timedelta(seconds=0.35))) == held[2:]
    assert missing_after(held, None) == held
    assert missing_after(held, ("clear", T + timedelta(seconds=0.8))) == []
    # a standing alarm activated long ago; this console saw it (again) at its start
    late = [ev("activate", 100.0), ev("clear", 101.0)]
    assert missing_after(late, ("activate", T)) == [late[1]]
    assert SAME_EVENT_S < 5


def _child(url: str, name: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "tests.alarms.writer_switch_child", url, name],
                            env=child_environment(), stdout=subprocess.PIPE, stderr=log.open("wb"))


@pytest.mark.postgres
async def test_sigkill_of_the_writer_leaves_no_gap_and_no_duplicate_in_the_alarm_journal(
        pg_url: str, tmp_path: Path) -> None:
    db = make_engine(pg_url)
    upgrade(db)
    first = _child(pg_url, "console-a", tmp_path / "a.log")
    b: SwitchConsole | None = None
    ticking = True
    try:
        assert first.stdout is not None
        assert (await asyncio.to_thread(first.stdout.readline)).strip() == b"ready"
        for _ in range(200):
            if await asyncio.to_thread(current_writer, db) == "console-a":
                break
            await asyncio.sleep(0.05)
        assert await asyncio.to_thread(current_writer, db) == "console-a"
        b = SwitchConsole(pg_url, "console-b")
        b.start()

        async def feed(console: SwitchConsole) -> None:
            while ticking:
                console.tick()
                await asyncio.sleep(TICK_S)

        task = asyncio.create_task(feed(b))
        await asyncio.sleep(3)
        assert not b.role.is_writer and b.role.writer == "console-a"
        # The writer hangs for a second, then dies (a watchdog's SIGKILL): what it saw meanwhile
        # was never journaled, and its lock holds until the kill. Console B saw it all.
        killed = datetime.now(UTC)
        os.kill(first.pid, signal.SIGSTOP)
        await asyncio.sleep(1.0)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        start = time.monotonic()
        while not b.role.is_writer and time.monotonic() - start < 10:
            await asyncio.sleep(0.02)
        took = time.monotonic() - start
        assert b.role.is_writer, "console B did not take over within 10 s"
        await asyncio.sleep(3)
        ticking = False
        await task
        assert b.alarms.journal is not None and b.alarms.journal.flush(10)
        backfilled = b.alarms.journal.backfilled
        b.close()
        b = None
        rows = read_journal(db, start=killed - timedelta(seconds=2), end=killed + timedelta(seconds=1 + took + 2.5),
                            events=("activate", "clear"))
        problems = []
        worst_gap = 0.0
        for i in range(ALARMS):
            mine = [r for r in rows if r["alarm"] == f"PV{i}.H"]
            assert len(mine) >= 2 * (took + 5) / PERIOD_S - 4, (i, len(mine))
            for x, y in zip(mine, mine[1:], strict=False):
                gap = (y["ts"] - x["ts"]).total_seconds()
                worst_gap = max(worst_gap, gap)
                if x["event"] == y["event"]:
                    problems.append(f"PV{i}.H: {x['event']} twice ({x['console']} {x['ts']:%S.%f}, "
                                    f"{y['console']} {y['ts']:%S.%f})")
                if gap > PERIOD_S / 2 + 0.25:
                    problems.append(f"PV{i}.H: nothing journaled for {gap:.2f} s after {x['ts']:%S.%f}")
        consoles = {r["console"] for r in rows}
        print(f"writer stopped for 1 s, then SIGKILLed; console-b took over {took:.2f} s after the kill and back-filled {backfilled} process "
              f"events; {len(rows)} events around the switch, longest interval {worst_gap:.2f} s "
              f"(alarms change every {PERIOD_S / 2:.2f} s)")
        assert problems == [], problems[:10]
        assert backfilled > 0 and consoles == {"console-a", "console-b"}
    finally:
        ticking = False
        if first.poll() is None:
            first.kill()
            first.wait(10)
        if b is not None:
            b.close()
        db.dispose()


def test_backfill_writes_only_what_the_journal_lacks(tmp_path: Path) -> None:
    """On the journal itself (SQLite): an alarm standing for two days, one the old writer
    journaled up to a point, one it never journaled."""
    from app.alarms.journal import JournalWriter

    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    now = datetime.now(UTC)

    def row(alarm: str, event: str, at: datetime, console: str) -> dict[str, object]:
        return {"ts": at, "alarm": alarm, "tag": alarm.split(".")[0], "priority": 1, "area": "X", "event": event,
                "state": "UNACK", "value": "20", "limit": "10", "who": "", "reason": "", "console": console,
                "until": None}

    old = JournalWriter(url, "console-a")
    old.start()
    for r in (row("STANDING.H", "activate", now - timedelta(days=2), "console-a"),
              row("PV0.H", "activate", now - timedelta(seconds=3), "console-a"),
              row("PV0.H", "clear", now - timedelta(seconds=2.45), "console-a")):
        old.put(r)
    assert old.flush(10)
    old.close()
    new = JournalWriter(url, "console-b")
    new.start()
    try:
        held = [row("STANDING.H", "activate", now - timedelta(seconds=30), "console-b"),  # seen at its start
                row("PV0.H", "activate", now - timedelta(seconds=3.05), "console-b"),
                row("PV0.H", "clear", now - timedelta(seconds=2.5), "console-b"),
                row("PV0.H", "activate", now - timedelta(seconds=2.0), "console-b"),
                row("PV0.H", "clear", now - timedelta(seconds=1.5), "console-b"),
                row("PV1.H", "activate", now - timedelta(seconds=1.2), "console-b")]
        for r in held:
            new.hold(r)
        assert new.backfill_held() == len(held)
        assert new.flush(10)
        assert new.backfilled == 3
    finally:
        new.close()
    journal = [(r["alarm"], r["event"], r["console"]) for r in read_journal(url)]
    assert journal == [("STANDING.H", "activate", "console-a"), ("PV0.H", "activate", "console-a"),
                       ("PV0.H", "clear", "console-a"), ("PV0.H", "activate", "console-b"),
                       ("PV0.H", "clear", "console-b"), ("PV1.H", "activate", "console-b")]


@pytest.mark.postgres
def test_a_deposed_writer_does_not_commit_late_process_events(pg_url: str) -> None:
    """A writer whose lock connection was cut (a network split) and who lost the election meanwhile
    keeps its journal queue: on reconnecting it must not commit its late process events (the new
    writer journals them, from its own engine); its operator actions still go in."""
    from sqlalchemy import text

    from app.alarms.journal import JournalWriter
    from app.historian.election import WriterElection

    db = make_engine(pg_url)
    upgrade(db)
    old = WriterElection(db, "console-a", interval_s=0.2)
    old.start()
    journal = JournalWriter(db, "console-a")
    journal.fence = old.fence_sql
    journal.start()
    new: WriterElection | None = None
    try:
        assert old.wait_decided() and old.is_writer
        row = {"alarm": "SMF.T_PROC.H", "tag": "SMF.T_PROC", "priority": 2, "area": "SMF", "state": "ACTIVE",
               "value": "1301", "limit": "1300", "who": "", "reason": "", "console": "console-a", "until": None}
        journal.put({**row, "event": "activate", "ts": T})
        assert journal.flush()
        with db.begin() as conn:  # the old writer's lock connection is cut; another console is elected
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"))
        new = WriterElection(db, "console-b", interval_s=0.2)
        new.start()
        deadline = time.monotonic() + 10
        while not new.is_writer and time.monotonic() < deadline:
            time.sleep(0.05)
        assert new.is_writer
        journal.put({**row, "event": "clear", "ts": T + timedelta(seconds=5)})  # late: the new writer owns it
        journal.put({**row, "event": "ack", "ts": T + timedelta(seconds=6), "who": "op1"})  # an operator action
        assert journal.flush()
        events = [r["event"] for r in read_journal(db, T - timedelta(minutes=1), T + timedelta(minutes=1))]
        assert events == ["activate", "ack"] and journal.fenced_off == 1, events
    finally:
        journal.close()
        old.stop()
        if new is not None:
            new.stop()
        db.dispose()
