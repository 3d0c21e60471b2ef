"""``crucible serve`` processes on one PostgreSQL database: SIGKILL the writer, another takes
over within 10 s and the history across the switch is complete (issue 21)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import text

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.historian.compression import Compressor, to_us
from app.historian.database import make_engine, upgrade
from app.historian.election import current_writer
from app.io.opcua import OpcUaDriver
from app.runtime import child_environment, crucible_command
from tests.historian.test_election import history, rollups_match_samples

US = 1_000_000


def serve(name: str, endpoint: str, url: str, root: Path) -> subprocess.Popen[bytes]:
    env = child_environment()
    env.update(CRUCIBLE_DATA_DIR=str(root / name), CRUCIBLE_CONFIG_DIR=str(root / f"{name}-config"))
    log = open(root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([*crucible_command(), "--endpoint", endpoint, "--db", url, "serve", "--console", name],
                            env=env, stdout=log, stderr=subprocess.STDOUT)


def status(name: str, root: Path) -> dict:  # type: ignore[type-arg]
    env = child_environment()
    env.update(CRUCIBLE_DATA_DIR=str(root / name), CRUCIBLE_CONFIG_DIR=str(root / f"{name}-config"))
    out = subprocess.run([*crucible_command(), "status", "--json"], env=env, capture_output=True, text=True,
                         timeout=60)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


async def test_sigkill_of_the_writer_hands_over_within_10_s_without_a_gap(
        layout: PlantLayout, sim_server, pg_server, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(pg_url)
    # the services' URL: no password in it (they refuse one), the server's socket folder as host
    socket_url = f"postgresql+psycopg://postgres@/{pg_url.rsplit('/', 1)[1]}?host={pg_server.sock}&port={pg_server.port}"
    upgrade(engine)
    # the test's own eyes on the plant: every reading of the tags archived without compression
    plain = {n for n, t in layout.tags.items()
             if Compressor(layout.tags).historised(n) and not t.deadband and not t.compression
             and t.address.startswith("opcua://")}  # field readings: the same source time on every console
    store = TagStore(layout.tags.values())
    seen: set[tuple[str, int]] = set()
    store.batch_applied.connect(lambda b: seen.update((n, to_us(v.source_ts)) for n, v in b.items() if n in plain))
    conn = layout.connections["sim"]
    observer = OpcUaDriver("sim", sim_server.endpoint, store, layout.tags.values(), options=conn.options)
    watch = asyncio.create_task(observer.run())
    procs = {f"srv-{i}": serve(f"srv-{i}", sim_server.endpoint, socket_url, tmp_path) for i in range(3)}
    try:
        async def writer(timeout_s: float) -> tuple[str, float]:
            start = time.monotonic()
            while time.monotonic() - start < timeout_s:
                who = await asyncio.to_thread(current_writer, engine)
                if who:
                    return who, time.monotonic() - start
                await asyncio.sleep(0.1)
            raise AssertionError(f"no writer within {timeout_s} s")

        first, _ = await writer(60)
        await asyncio.sleep(6)
        st = await asyncio.to_thread(status, first, tmp_path)
        assert st["running"] and st["status"]["history"]["role"] == "writer"
        assert st["status"]["links"][0]["state"] == "connected"
        other = await asyncio.to_thread(status, next(n for n in procs if n != first), tmp_path)
        assert other["status"]["history"]["role"] == "standby" and other["status"]["history"]["writer"] == first

        killed_at = to_us(datetime.now(UTC))
        procs[first].send_signal(signal.SIGKILL)
        procs[first].wait(10)
        second, took = await writer(10)
        assert second != first
        await asyncio.sleep(4)
        window = (killed_at - 4_000_000, to_us(datetime.now(UTC)) - 2_000_000)
        await asyncio.sleep(1.5)  # the window's last samples committed
        stored = await asyncio.to_thread(history, engine)
        expected = {s for s in seen if window[0] <= s[1] < window[1]}
        missing = expected - stored
        # Another OPC UA client may legitimately not get every value the observer got (the
        # server sends the newest value per publishing interval; seen under load for instants
        # well before the kill too, while the first writer was alive); a hand-over loss is a gap:
        # every observed reading must have a stored one of its tag at most 2 steps later.
        by_tag: dict[str, list[int]] = {}
        for name, ts in stored:
            by_tag.setdefault(name, []).append(ts)
        sorted_ts = {n: np.array(sorted(v)) for n, v in by_tag.items()}
        gaps = []
        for name, ts in missing:
            arr = sorted_ts.get(name, np.empty(0, np.int64))
            k = int(np.searchsorted(arr, ts))
            if k == len(arr) or arr[k] - ts > 450_000:
                gaps.append((name, ts))
        print(f"SIGKILL of {first}: {second} writes {took:.2f} s later; {len(expected)} readings around the "
              f"switch, {len(missing)} not stored as such, {len(gaps)} without a stored reading within 0.45 s")
        offsets = sorted({round((ts - killed_at) / US, 2) for _, ts in missing})
        print(f"  instants not stored as such, s after the kill: {offsets}")
        assert expected and not gaps, sorted(gaps)[:10]
        assert await asyncio.to_thread(rollups_match_samples, engine) == []
        with engine.connect() as c:
            writers = c.execute(text("SELECT count(*) FROM writer_checkpoints")).scalar()
        assert writers == 2  # the killed writer and its successor, nobody else
        # The killed writer's open minutes (added up in its memory, not yet in rows) were taken
        # up again from its samples by the successor: once everyone has stopped (a stopping
        # writer writes its open minutes), the rows alone count every sample exactly once.
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(30)
        assert await asyncio.to_thread(rollups_match_samples, engine, False) == []
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs.values():
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        await observer.stop()
        watch.cancel()
        engine.dispose()
    assert os.path.exists(tmp_path / "srv-0.log")
