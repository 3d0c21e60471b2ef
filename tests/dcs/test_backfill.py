"""A gap in the history is back-filled from the server's HistoryRead after an outage: no gap,
no duplicate, rollups equal the raw samples; a server without history leaves the gap a gap."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asyncua import Client
from sqlalchemy import text

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.db import make_engine
from app.db.migrate import upgrade
from app.historian.backfill import Backfiller
from app.historian.service import Historian
from app.io.opcua import OpcUaDriver
from tests.historian.test_election import rollups_match_samples
from tests.io.test_opcua_driver import wait_for

TAG = "SMF.T_PROC"


async def test_an_outage_is_back_filled_without_gap_or_duplicate(layout: PlantLayout, sim_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", layout.tags)
    store = TagStore(layout.tags.values())
    historian.attach(store)
    historian.start()
    tags = [t for t in layout.tags.values() if t.name in sim_server.opcua.conditions.history_tags]

    async def connected_for(seconds: float) -> None:
        driver = OpcUaDriver("sim", sim_server.endpoint, store, tags, publishing_ms=200)
        task = asyncio.create_task(driver.run())
        assert await wait_for(lambda: store.get(TAG) is not None and store.get(TAG).is_good)
        await asyncio.sleep(seconds)
        await driver.stop()
        await task

    try:
        await connected_for(2.0)
        gap_start = datetime.now(UTC)
        await asyncio.sleep(6.0)  # the link is down; the simulator's DCS goes on historising
        gap_end = datetime.now(UTC)
        await connected_for(2.0)
        await asyncio.to_thread(historian.writer.flush, 30)
        with engine.connect() as conn:
            before = conn.execute(text("SELECT count(*) FROM samples s JOIN tags t ON t.id = s.tag_id "
                                       "WHERE t.name = :n AND s.ts >= :a AND s.ts < :b AND s.quality = 2"),
                                  {"n": TAG, "a": int(gap_start.timestamp() * 1e6) + 500_000,
                                   "b": int(gap_end.timestamp() * 1e6)}).scalar_one()
        # A real gap: at most the value read on reconnect, which carries its own (older) source time.
        assert before <= 1

        backfiller = Backfiller(historian, "sim", tags, window=timedelta(seconds=2))
        client = Client(sim_server.endpoint)
        async with client:
            result = await backfiller.fill(client, gap_start - timedelta(seconds=1), gap_end + timedelta(seconds=1))
            again = await backfiller.fill(client, gap_start - timedelta(seconds=1), gap_end + timedelta(seconds=1))
            server_side = await client.get_node("ns=2;s=" + TAG).read_raw_history(gap_start, gap_end, numvalues=0)
        server_ts = {int(dv.SourceTimestamp.timestamp() * 1e6) for dv in server_side}
        assert result.samples > 0 and not result.errors and not result.no_history
        await asyncio.to_thread(historian.writer.flush, 30)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT s.ts FROM samples s JOIN tags t ON t.id = s.tag_id WHERE t.name = :n "
                                     "AND s.ts >= :a AND s.ts < :b AND s.quality = 2 ORDER BY s.ts"),
                                {"n": TAG, "a": int(gap_start.timestamp() * 1e6), "b": int(gap_end.timestamp() * 1e6)}).scalars().all()
            raw = conn.execute(text("SELECT count(*) FROM samples")).scalar_one()
            events = conn.execute(text("SELECT count(*) FROM events WHERE kind = 'backfill'")).scalar_one()
        assert len(server_ts) >= 2 and server_ts <= set(rows)  # every value the DCS kept of the gap is in the history
        assert again.samples == 0 and again.skipped_existing >= result.samples  # nothing written twice
        # every sample, live or back-filled, is counted once in the rollups (as readers count:
        # the rows and the minutes the writer has not written yet)
        assert raw > 0 and rollups_match_samples(engine) == []
        assert events == 1  # the back-fill is recorded (the second call found nothing to add)
    finally:
        await asyncio.to_thread(historian.stop)
        engine.dispose()


async def test_a_server_without_history_is_noted_and_the_gap_stays(layout: PlantLayout, sim_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", layout.tags)
    historian.start()
    not_historised = [layout.tags["SMF.SLAG_CU"]]  # the simulated DCS keeps no history of it
    try:
        backfiller = Backfiller(historian, "sim", not_historised)
        async with Client(sim_server.endpoint) as client:
            now = datetime.now(UTC)
            result = await backfiller.fill(client, now - timedelta(minutes=5), now)
            again = await backfiller.fill(client, now - timedelta(minutes=5), now)
        assert result.samples == 0 and result.no_history == ["SMF.SLAG_CU"]
        assert again.no_history == []  # noted once, not asked again
    finally:
        await asyncio.to_thread(historian.stop)
        engine.dispose()
