"""DCS alarms and history back-fill against a real asyncua server (in this process):

1. 1,000 standing conditions restored by ConditionRefresh after a (re)connect, into the
   alarm engine through Crucible's client and bridge: time until all are listed;
2. 200 condition events per second for 10 s: latency from the server's event time to the
   record changing in the engine (median and p99);
3. back-fill throughput (samples/s) of Crucible's Backfiller (HistoryRead, de-duplication,
   chunks with rollups through the real historian writer) against a bare asyncua HistoryRead
   loop over the same nodes and period (ratio; goal >= 0.7).

    .venv/bin/python bench/dcs.py [--json]
"""

from __future__ import annotations

import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import parser, report

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from asyncua import Client, Server, ua  # noqa: E402

from app.alarms.dcs import DcsAlarms, DcsConfig  # noqa: E402
from app.alarms.engine import AlarmEngine  # noqa: E402
from app.core.tags import TagDef  # noqa: E402
from app.io.conditions import ConditionClient  # noqa: E402
from app.sim.conditions import ConditionDef, SimConditions  # noqa: E402

N_COND = 1000
RATE = 200
HIST_TAGS = 20
HIST_POINTS = 3000  # per tag


class _Opcua:  # what SimConditions needs of the simulator's server
    def __init__(self, server: Server, ns: int) -> None:
        self.server, self.ns, self.node_ids, self.nodes = server, ns, {}, {}
        self.conditions = None


async def main(as_json: bool) -> None:
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    port = 48600 + os.getpid() % 300
    server = Server()
    server.iserver.bind_condition_methods = True
    await server.init()
    endpoint = f"opc.tcp://127.0.0.1:{port}/bench/"
    server.set_endpoint(endpoint)
    ns = await server.register_namespace("urn:crucible:bench")
    plant = await server.nodes.objects.add_folder(ua.NodeId("Plant", ns), "Plant")
    opcua = _Opcua(server, ns)
    defs = [ConditionDef(f"C{i:04d}.H", f"T{i:04d}", "H", 700 if i % 10 else 900, f"condition {i}", 1.0) for i in range(N_COND)]
    conditions = SimConditions(opcua, defs, [])
    await conditions.setup()
    # historised variables with a prepared history (the server's own store, in memory)
    hist_nodes = []
    start = datetime.now(UTC) - timedelta(hours=1)
    for i in range(HIST_TAGS):
        var = await plant.add_variable(ua.NodeId(f"H{i:02d}", ns), f"H{i:02d}", 0.0)
        hist_nodes.append(var)
    async with server:
        for var in hist_nodes:
            await server.historize_node_data_change(var, period=timedelta(days=1), count=0)
            storage = server.iserver.history_manager.storage
            for k in range(HIST_POINTS):
                t = start + timedelta(seconds=k)
                await storage.save_node_value(var.nodeid, ua.DataValue(ua.Variant(float(k % 100), ua.VariantType.Double),
                                                                        SourceTimestamp=t, ServerTimestamp=t))
        for state in list(conditions.states.values()):  # 1,000 standing alarms before anyone connects
            await conditions.set_active(state.definition.id, True)

        tags = {f"T{i:04d}": TagDef(f"T{i:04d}", "A", "U", "", "", "", 0.0, 10.0, f"sim://T{i}") for i in range(N_COND)}
        engine = AlarmEngine([], tags)
        bridge = DcsAlarms(engine, DcsConfig(duplicates="local"), "bench")
        client = ConditionClient("bench", endpoint, bridge.on_event)
        t0 = time.perf_counter()
        task = asyncio.create_task(client.run())
        while len(engine.visible()) < N_COND and time.perf_counter() - t0 < 60:
            await asyncio.sleep(0.01)
        refresh_s = time.perf_counter() - t0
        listed = len(engine.visible())

        # 200 events/s: toggle conditions, measure server time -> engine change
        latencies: list[float] = []
        seen: dict[str, float] = {}

        def on_changed(records: list) -> None:  # type: ignore[type-arg]
            now = time.time()
            for rec in records:
                seen[rec.id] = now

        engine.changed.connect(on_changed)
        names = list(conditions.states)
        sent: dict[str, float] = {}
        end = time.perf_counter() + 10.0
        k = 0
        while time.perf_counter() < end:
            tick = time.perf_counter()
            for _ in range(RATE // 20):
                cid = names[k % N_COND]
                k += 1
                state = conditions.states[cid]
                sent[f"DCS:{cid}"] = time.time()
                await conditions.set_active(cid, not state.active)
            await asyncio.sleep(max(0.0, 0.05 - (time.perf_counter() - tick)))
        await asyncio.sleep(1.0)
        for rid, t_sent in sent.items():
            if rid in seen and seen[rid] >= t_sent:
                latencies.append(seen[rid] - t_sent)
        await client.stop()
        await task

        # back-fill: Crucible's Backfiller vs a bare HistoryRead loop
        from app.db import make_engine
        from app.db.migrate import upgrade
        from app.historian.backfill import Backfiller
        from app.historian.service import Historian

        tmp = Path(tempfile.mkdtemp(prefix="bench-dcs-"))
        db = make_engine(f"sqlite:///{tmp / 'h.sqlite'}")
        upgrade(db)
        hdefs = [TagDef(f"H{i:02d}", "A", "U", "", "", "", 0.0, 100.0, f"opcua://bench/ns={ns};s=H{i:02d}")
                 for i in range(HIST_TAGS)]
        historian = Historian(db, tmp / "spool", {t.name: t for t in hdefs})
        historian.start()
        async with Client(endpoint) as bare:
            t0 = time.perf_counter()
            bare_n = 0
            for var in hist_nodes:
                node = bare.get_node(var.nodeid)
                t = start
                while t < start + timedelta(seconds=HIST_POINTS):
                    values = await node.read_raw_history(t, t + timedelta(minutes=10), numvalues=0)
                    bare_n += len(values)
                    t += timedelta(minutes=10)
            bare_s = time.perf_counter() - t0
        backfiller = Backfiller(historian, "bench", hdefs, window=timedelta(minutes=10))
        async with Client(endpoint) as ours:
            t0 = time.perf_counter()
            result = await backfiller.fill(ours, start, start + timedelta(seconds=HIST_POINTS))
            await asyncio.to_thread(historian.writer.flush, 120)
            ours_s = time.perf_counter() - t0
        historian.stop()
        db.dispose()

    lat = sorted(latencies)
    median_ms = statistics.median(lat) * 1000 if lat else float("nan")
    p99_ms = lat[int(0.99 * (len(lat) - 1))] * 1000 if lat else float("nan")
    ours_rate, bare_rate = result.samples / ours_s, bare_n / bare_s
    ratio = ours_rate / bare_rate
    rows = [
        ("standing conditions listed", f"{listed:,}", f"of {N_COND:,}"),
        ("refresh to all listed", f"{refresh_s:.2f} s", "connect + ConditionRefresh + engine"),
        ("events measured", f"{len(lat):,}", f"{RATE}/s for 10 s"),
        ("event latency median", f"{median_ms:.1f} ms", ""),
        ("event latency p99", f"{p99_ms:.1f} ms", ""),
        ("back-fill, Crucible", f"{ours_rate:,.0f} /s", f"{result.samples:,} samples incl. writing to SQLite"),
        ("back-fill, bare HistoryRead", f"{bare_rate:,.0f} /s", f"{bare_n:,} samples, read only"),
        ("ratio", f"{ratio:.2f}", "goal >= 0.7"),
    ]
    report("DCS alarms and back-fill", rows, {
        "standing_listed": listed, "refresh_s": round(refresh_s, 3), "event_latency_median_ms": round(median_ms, 2),
        "event_latency_p99_ms": round(p99_ms, 2), "backfill_per_s": round(ours_rate), "bare_historyread_per_s": round(bare_rate),
        "backfill_ratio": round(ratio, 3)}, as_json)


if __name__ == "__main__":
    args = parser(__doc__.splitlines()[0]).parse_args()
    asyncio.run(main(args.json))
