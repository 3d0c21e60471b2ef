"""Many consoles on one PostgreSQL plant database: exactly one writes history (issue 21).

Real parts: the simulator's OPC UA server, one headless ``Runtime`` per console (each with its
own driver, store, historian and election) and one real PostgreSQL server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from app.core.layout import PlantLayout
from app.core.tags import TagValue
from app.historian.compression import to_us
from app.historian.database import make_engine, upgrade
from app.historian.election import WriterElection, current_writer
from app.historian.schema import MINUTE_S
from app.historian.service import Historian
from app.historian.writer import HistorianWriter
from app.runtime import Runtime


class Console:
    """One console: a headless runtime + its historian; remembers every reading it received."""

    def __init__(self, name: str, layout: PlantLayout, endpoint: str, url: str, spool: Path) -> None:
        self.name = name
        self.engine = make_engine(url)
        self.election = WriterElection(self.engine, name, interval_s=0.3)
        self.historian = Historian(self.engine, spool, layout.tags, election=self.election)
        self.runtime = Runtime(layout, endpoint_override=endpoint, console=name, historian=self.historian,
                               headless=True)
        # every change archived (no deadband / swinging door): the history can be checked exactly
        self.writer.compressor.definitions = {
            n: dataclasses.replace(d, deadband=0.0, compression=0.0) for n, d in layout.tags.items()}
        self.seen: set[tuple[str, int]] = set()
        # field readings carry the server's source time, the same on every console; derived
        # (calc://) tags are computed by each console at its own instant
        self.field = {n for n, d in layout.tags.items() if d.address.startswith("opcua://")}
        self.runtime.store.batch_applied.connect(self._saw)

    @property
    def writer(self) -> HistorianWriter:
        return self.historian.writer

    def _saw(self, batch: Mapping[str, TagValue]) -> None:
        for name, tv in batch.items():
            if name in self.field and self.writer.compressor.historised(name):
                self.seen.add((name, to_us(tv.source_ts)))

    async def stop(self) -> None:
        await self.runtime.stop()
        self.engine.dispose()


def history(engine: Engine) -> set[tuple[str, int]]:
    with engine.connect() as conn:
        return {(n, int(ts)) for n, ts in conn.execute(text(
            "SELECT t.name, s.ts FROM samples s JOIN tags t ON t.id = s.tag_id"))}


def rollups_match_samples(engine: Engine, open_too: bool = True) -> list[tuple[str, int, int]]:
    """Tags whose minute rollups do not count exactly their raw samples: (tag, counted, raw).

    ``open_too``: as readers count them, the rows plus the samples of the minutes the writer
    has not written yet (after the ``minutes`` mark; one statement, one snapshot). Without it
    the rows alone: once every writer has stopped (a stopping writer writes its open minutes)."""
    open_samples = ("SELECT tag_id, count(*) AS n FROM samples WHERE (quality = 0 OR value IS NOT NULL) AND ts >= "
                    "(SELECT upto FROM rollup_marks WHERE name = 'minutes') + 60000000 GROUP BY tag_id"
                    if open_too else "SELECT 0 AS tag_id, 0 AS n")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT t.name, coalesce(r.n, 0) + coalesce(o.n, 0), coalesce(s.n, 0) FROM tags t "
            "LEFT JOIN (SELECT tag_id, sum(count + bad_count) AS n FROM rollups WHERE width_s = :w GROUP BY tag_id) r "
            "ON r.tag_id = t.id "
            f"LEFT JOIN ({open_samples}) o ON o.tag_id = t.id "
            "LEFT JOIN (SELECT tag_id, count(*) AS n FROM samples WHERE quality = 0 OR value IS NOT NULL "
            "GROUP BY tag_id) s ON s.tag_id = t.id"), {"w": MINUTE_S}).all()
    return [(n, int(r), int(s)) for n, r, s in rows if int(r) != int(s)]


async def until(cond, timeout_s: float) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"not within {timeout_s} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - start


async def test_one_writer_among_three_consoles_and_hand_over(
        layout: PlantLayout, sim_server, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    schema = make_engine(pg_url)
    upgrade(schema)
    consoles = [Console(f"console-{i}", layout, sim_server.endpoint, pg_url, tmp_path / f"spool{i}")
                for i in range(3)]
    try:
        for c in consoles:
            c.runtime.start()
        await until(lambda: sum(c.election.is_writer for c in consoles) == 1
                    and all(c.election.writer for c in consoles), 10)
        await asyncio.sleep(4)
        writers = [c for c in consoles if c.election.is_writer]
        assert len(writers) == 1
        first = writers[0]
        assert {c.election.writer for c in consoles} == {first.name}
        assert current_writer(schema) == first.name
        assert {c.writer.status.role for c in consoles} == {"writer", "standby"}
        assert [c.writer.status.writer for c in consoles] == [first.name] * 3
        assert [c.runtime.services["historian"].writer for c in consoles] == [first.name] * 3  # type: ignore[attr-defined]
        assert [c.runtime.alarms.record_process_events for c in consoles] == [c is first for c in consoles]
        with schema.connect() as conn:
            ids = conn.execute(text("SELECT writer_id FROM writer_checkpoints")).scalars().all()
        assert ids == [first.writer.spool.writer_id]  # nobody else wrote a single chunk
        assert history(schema), "the writer wrote nothing"

        # The writer goes away: another console writes within 10 s, nothing missing across the switch.
        survivors = [c for c in consoles if c is not first]
        await first.stop()
        took = await until(lambda: sum(c.election.is_writer for c in survivors) == 1, 10)
        second = next(c for c in survivors if c.election.is_writer)
        await asyncio.sleep(3)
        window_end = to_us(datetime.now(UTC)) - 1_500_000
        assert second.writer.flush(10)
        stored = history(schema)
        observer = next(c for c in survivors if c is not second)
        expected = {s for s in observer.seen if s[1] < window_end}
        missing = expected - stored
        print(f"hand-over: {second.name} writes {took:.2f} s after {first.name} stopped; "
              f"{len(expected)} readings seen by {observer.name}, {len(missing)} missing")
        assert not missing, sorted(missing)[:10]
        assert rollups_match_samples(schema) == []
    finally:
        for c in consoles:
            if c.historian.writer._thread is not None or not c.writer._stop.is_set():
                await c.stop()
        schema.dispose()
