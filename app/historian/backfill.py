"""Back-fill a gap in the history from the server's own history (OPC UA HistoryRead).

When a link returns after an outage (or at start), for every historised tag of that link the
server's raw values of the gap are read in time windows (asyncua follows the continuation
points of each window), off the GUI thread's work, and written through the historian writer:
rollups follow as for live samples. Only timestamps that the history does not have already
are written (no duplicate), and every back-fill is recorded as an ``events`` row
(``kind = "backfill"``: which link, which period, how many samples) so the filled stretch
stays visibly marked. A server without history is noted once and the gap stays a gap.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from app.core.address import parse_address
from app.core.tags import Quality, TagDef
from app.core.work import run_blocking
from app.historian.chunk import Chunk, compute_rollups
from app.historian.schema import US
from app.io.opcua import node_id_of

log = logging.getLogger(__name__)


@dataclass
class BackfillResult:
    start: datetime
    end: datetime
    samples: int = 0
    tags: int = 0
    skipped_existing: int = 0
    no_history: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _existing_ts(reader: Any, tag: str, start_us: int, end_us: int) -> set[int]:
    series = reader.raw(tag, start_us, end_us)
    return {int(t) for t in series.ts}


def _quality(status: Any) -> int:
    code = getattr(status, "value", 0) or 0
    if code == 0:
        return int(Quality.GOOD)
    return int(Quality.UNCERTAIN) if (code >> 30) == 1 else int(Quality.BAD)


class Backfiller:
    """Fills gaps of one OPC UA link into one historian."""

    def __init__(self, historian: Any, connection: str, tags: Iterable[TagDef],
                 window: timedelta = timedelta(minutes=10),
                 on_progress: Callable[[str], None] | None = None) -> None:
        self.historian = historian
        self.connection = connection
        self.tags = [t for t in tags if t.historise and t.address.startswith(f"opcua://{connection}/")]
        self.window = window
        self.on_progress = on_progress or (lambda _text: None)
        self.without_history: set[str] = set()  # noted once, not asked again
        self.running = False

    async def fill(self, client: Any, start: datetime, end: datetime) -> BackfillResult:
        """Read ``[start, end)`` from ``client``'s server and write what the history lacks."""
        result = BackfillResult(start, end)
        if end <= start:
            return result
        self.running = True
        try:
            ns_map = await client.get_namespace_array()
            for number, tag in enumerate(self.tags):
                if tag.name in self.without_history:
                    continue
                self.on_progress(f"{self.connection}: back-filling history {number + 1}/{len(self.tags)} ({tag.name})")
                try:
                    written, skipped = await self._fill_tag(client, ns_map, tag, start, end)
                except _NoHistory:
                    self.without_history.add(tag.name)
                    result.no_history.append(tag.name)
                    continue
                except Exception as exc:  # noqa: BLE001 - one tag's failure: say so, go on with the rest
                    result.errors.append(f"{tag.name}: {type(exc).__name__}: {exc}")
                    continue
                result.samples += written
                result.skipped_existing += skipped
                result.tags += 1 if written else 0
            if result.no_history:
                log.warning("%s: the server keeps no history of %d tag(s) (e.g. %s): those gaps stay gaps",
                            self.connection, len(result.no_history), result.no_history[0])
            if result.samples:
                await run_blocking(self._record, result, pool="historian-backfill")
            self.on_progress(f"{self.connection}: history back-filled: {result.samples:,} samples")
            return result
        finally:
            self.running = False

    async def _fill_tag(self, client: Any, ns_map: list[str], tag: TagDef, start: datetime, end: datetime) -> tuple[int, int]:
        from asyncua import ua

        node_id = parse_address(tag.address).node_id
        node = client.get_node(node_id_of(node_id, ns_map))
        # The server says per node whether it keeps history (AccessLevel HistoryRead bit).
        access = await node.read_attribute(ua.AttributeIds.UserAccessLevel)
        if not (int(access.Value.Value or 0) & (1 << ua.AccessLevel.HistoryRead.value)):
            raise _NoHistory()
        reader = self.historian.reader
        written = skipped = 0
        t = start
        while t < end:
            t1 = min(end, t + self.window)
            try:
                values = await node.read_raw_history(t, t1, numvalues=0)
            except ua.UaStatusCodeError as exc:
                if exc.code in (ua.StatusCodes.BadHistoryOperationUnsupported, ua.StatusCodes.BadNotReadable,
                                ua.StatusCodes.BadHistoryOperationInvalid):
                    raise _NoHistory() from None
                raise
            have = await run_blocking(_existing_ts, reader, tag.name, int(t.timestamp() * US),
                                      int(t1.timestamp() * US) + 1, pool="historian-backfill")
            rows = []
            for dv in values:
                when = dv.SourceTimestamp or dv.ServerTimestamp
                if when is None:
                    continue
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                ts = int(when.timestamp() * US)
                if not (t.timestamp() * US <= ts < t1.timestamp() * US):
                    continue
                if ts in have:
                    skipped += 1
                    continue
                raw = dv.Value.Value if dv.Value is not None else None
                number = float(raw) if isinstance(raw, int | float) else float("nan")
                rows.append((ts, number, _quality(dv.StatusCode)))
                have.add(ts)
            if rows:
                self.historian.writer.enqueue_chunk(self._chunk(tag.name, rows))
                written += len(rows)
            t = t1
        return written, skipped

    def _chunk(self, name: str, rows: list[tuple[int, float, int]]) -> Callable[[], Chunk]:
        """Back-filled samples as a chunk with their rollup increments (every sample kept, as the
        server recorded it; the time-weighted part starts at the first back-filled sample)."""
        max_hold_s = self.historian.writer.compressor.max_hold_s

        def make() -> Chunk:
            rows.sort()
            idx = np.zeros(len(rows), dtype=np.int32)
            ts = np.array([r[0] for r in rows], dtype=np.int64)
            value = np.array([r[1] for r in rows], dtype=np.float64)
            quality = np.array([r[2] for r in rows], dtype=np.int8)
            rollups = compute_rollups(idx, ts, value, quality, np.array([-1], dtype=np.int64),
                                      np.array([np.nan]), max_hold_s)
            return Chunk([name], idx, ts, value, quality, rollups)

        return make

    def _record(self, result: BackfillResult) -> None:
        from sqlalchemy import insert

        from app.historian.schema import Event

        with self.historian.engine.begin() as conn:
            conn.execute(insert(Event).values(
                ts=int(datetime.now(UTC).timestamp() * US), kind="backfill", source=self.connection,
                payload=json.dumps({"start": result.start.isoformat(), "end": result.end.isoformat(),
                                    "samples": result.samples, "tags": result.tags,
                                    "no_history": result.no_history[:50]})))


class _NoHistory(Exception):
    pass


async def wait_idle(backfiller: Backfiller, timeout_s: float = 30.0) -> bool:
    end = asyncio.get_running_loop().time() + timeout_s
    while backfiller.running and asyncio.get_running_loop().time() < end:
        await asyncio.sleep(0.1)
    return not backfiller.running
