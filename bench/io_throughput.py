"""I/O throughput: 10,000 OPC UA monitored items changing at 1 Hz from a server in another
process, consumed at the same time by our pipeline (OpcUaDriver -> TagStore -> a 10 Hz screen
tracker) and by a bare asyncua subscriber, each in its own process. Reports lag (source
timestamp -> store), CPU of each client, whether lag grows (backlog) and the CPU ratio.
Then Modbus: registers/s through ModbusDriver vs a bare pymodbus read loop, same server.

Default run < 2 min; ``--long`` measures for 5 minutes (the backlog check).
"""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import parser, report

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu() -> float:
    import psutil

    t = psutil.Process().cpu_times()
    return float(t.user + t.system)


# --- roles (each runs in its own process) -------------------------------------------
async def opcua_server(port: int, items: int) -> None:
    from asyncua import Server, ua

    logging_quiet()
    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}/bench/")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    ns = await server.register_namespace("urn:crucible:bench")
    root = await server.nodes.objects.add_folder(ua.NodeId("Bench", ns), ua.QualifiedName("Bench", ns))
    # 100 items per folder: asyncua checks a parent's references one by one when adding.
    folders = [
        await root.add_folder(ua.NodeId(f"Bench.{k}", ns), ua.QualifiedName(f"F{k}", ns))
        for k in range((items + 99) // 100)
    ]
    node_ids = [ua.NodeId(f"T{i:05d}", ns) for i in range(items)]
    requests = []
    for i, node_id in enumerate(node_ids):  # one add_nodes call: node by node takes minutes for 10,000
        item = ua.AddNodesItem()
        item.RequestedNewNodeId = node_id
        item.BrowseName = ua.QualifiedName(str(node_id.Identifier), ns)
        item.NodeClass = ua.NodeClass.Variable
        item.ParentNodeId = folders[i // 100].nodeid
        item.ReferenceTypeId = ua.NodeId(ua.ObjectIds.HasComponent)
        item.TypeDefinition = ua.NodeId(ua.ObjectIds.BaseDataVariableType)
        attrs = ua.VariableAttributes()
        attrs.DisplayName = ua.LocalizedText(str(node_id.Identifier))
        attrs.DataType = ua.NodeId(ua.ObjectIds.Double)
        attrs.Value = ua.Variant(0.0, ua.VariantType.Double)
        attrs.ValueRank = ua.ValueRank.Scalar
        attrs.AccessLevel = ua.AccessLevel.CurrentRead.mask
        attrs.UserAccessLevel = ua.AccessLevel.CurrentRead.mask
        item.NodeAttributes = attrs
        requests.append(item)
    for result in await server.iserver.isession.add_nodes(requests):
        result.StatusCode.check()
    async with server:
        print(f"READY ns={ns}", flush=True)
        slices = 10  # every item once a second, spread over ten slices
        k = 0
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        write = server.write_attribute_value
        while True:
            now = datetime.now(UTC)
            for j in range(k % slices, items, slices):
                await write(node_ids[j], ua.DataValue(ua.Variant(float(k + j), ua.VariantType.Double),
                                                      ua.StatusCode(), now, now))
            k += 1
            next_at += 1.0 / slices
            await asyncio.sleep(max(0.0, next_at - loop.time()))


def logging_quiet() -> None:
    import logging

    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("asyncua").setLevel(logging.CRITICAL)
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


class LagLog:
    """Lags per second of wall time: enough for median, p99 and drift."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []  # (arrival monotonic, lag s)
        self.count = 0


def _summary(lags: LagLog, start: float, end: float, cpu_s: float) -> dict[str, float]:
    window = [(t, lag) for t, lag in lags.samples if start <= t <= end]
    values = sorted(lag for _, lag in window)
    if not values:
        return {"updates": 0, "cpu_s": cpu_s, "seconds": end - start}
    third = (end - start) / 3
    first = [lag for t, lag in window if t < start + third]
    last = [lag for t, lag in window if t > end - third]
    return {
        "updates": len(values),
        "updates_per_s": len(values) / (end - start),
        "lag_median_s": statistics.median(values),
        "lag_p99_s": values[int(0.99 * (len(values) - 1))],
        "lag_drift_s": (statistics.median(last) - statistics.median(first)) if first and last else 0.0,
        "cpu_s": cpu_s,
        "cpu_percent": 100 * cpu_s / (end - start),
        "cpu_us_per_update": 1e6 * cpu_s / len(values),
        "seconds": end - start,
    }


async def client(role: str, endpoint: str, ns: int, items: int, warmup: float, seconds: float) -> None:
    logging_quiet()
    lags = LagLog()
    names = [f"T{i:05d}" for i in range(items)]
    if role == "ours":
        from app.core.store import TagStore
        from app.core.tags import TagDef
        from app.io.opcua import OpcUaDriver

        tags = [TagDef(n, "B", "B", n, "", "", 0.0, 1e9, f"opcua://bench/ns={ns};s={n}") for n in names]
        store = TagStore(tags)
        tracker = store.tracker()

        def on_batch(batch: dict) -> None:  # type: ignore[type-arg]
            now = time.time()
            mono = time.monotonic()
            append = lags.samples.append
            for value in batch.values():
                append((mono, now - value.source_ts.timestamp()))

        store.batch_applied.connect(on_batch)
        driver = OpcUaDriver("bench", endpoint, store, tags, publishing_ms=500, options={"timeout_s": 30})
        task = asyncio.create_task(driver.run())
        while len(store.values) < items or not all(v.is_good for v in store.values.values()):
            await asyncio.sleep(0.5)  # subscribed, and every item has its first value

        async def screen() -> None:  # what the GUI bridge does at 10 Hz
            while True:
                await asyncio.sleep(0.1)
                tracker.take()

        screen_task = asyncio.create_task(screen())
    else:
        from asyncua import Client, ua

        values: dict[object, object] = {}

        class Handler:
            def datachange_notification(self, node: object, val: object, data: object) -> None:
                dv = data.monitored_item.Value  # type: ignore[attr-defined]
                values[node] = val
                lags.samples.append((time.monotonic(), time.time() - dv.SourceTimestamp.timestamp()))

        bare = Client(endpoint, timeout=30)
        await bare.connect()
        sub = await bare.create_subscription(500, Handler())
        nodes = [bare.get_node(ua.NodeId(n, ns)) for n in names]
        for start in range(0, len(nodes), 500):
            await sub.subscribe_data_change(nodes[start : start + 500], queuesize=1)
        while len(values) < items:
            await asyncio.sleep(0.5)
    lags.samples.clear()
    await asyncio.sleep(warmup)
    t0, c0 = time.monotonic(), _cpu()
    await asyncio.sleep(seconds)
    t1, c1 = time.monotonic(), _cpu()
    print("RESULT " + json.dumps(_summary(lags, t0, t1, c1 - c0)), flush=True)
    if role == "ours":
        await driver.stop()
        await task
        screen_task.cancel()
    else:
        await bare.disconnect()


# --- Modbus -------------------------------------------------------------------------
async def modbus_server(port: int) -> None:
    from pymodbus.datastore import (
        ModbusDeviceContext,
        ModbusSequentialDataBlock,
        ModbusServerContext,
    )
    from pymodbus.server import ModbusTcpServer

    logging_quiet()
    device = ModbusDeviceContext(hr=ModbusSequentialDataBlock(1, list(range(2000))))
    server = ModbusTcpServer(ModbusServerContext(devices={1: device}, single=False), address=("127.0.0.1", port))
    await server.serve_forever(background=True)
    print("READY", flush=True)
    await asyncio.Event().wait()


async def modbus_bench(port: int, registers: int, seconds: float) -> dict[str, float]:
    from pymodbus.client import AsyncModbusTcpClient

    from app.core.store import TagStore
    from app.core.tags import TagDef
    from app.io.modbus import ModbusDriver

    logging_quiet()
    # Bare: the same 125-register reads, back to back, one in flight.
    bare = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=2, retries=0, reconnect_delay=0)
    await bare.connect()
    count = 0
    c0, t0 = _cpu(), time.monotonic()
    while time.monotonic() - t0 < seconds:
        for start in range(0, registers, 125):
            response = await bare.read_holding_registers(start, count=min(125, registers - start), device_id=1)
            count += len(response.registers)
    bare_s, bare_cpu = time.monotonic() - t0, _cpu() - c0
    bare.close()

    tags = [TagDef(f"R{i}", "B", "B", "", "", "", 0.0, 65535.0, f"modbus://m/hr/{i}") for i in range(registers)]
    store = TagStore(tags)
    driver = ModbusDriver("m", "127.0.0.1", port, store, tags, {"poll_ms": 1})
    task = asyncio.create_task(driver.run())
    while store.updates_applied == 0:
        await asyncio.sleep(0.05)
    u0, c0, t0 = store.updates_applied, _cpu(), time.monotonic()
    await asyncio.sleep(seconds)
    ours_s, ours_cpu, ours = time.monotonic() - t0, _cpu() - c0, store.updates_applied - u0
    await driver.stop()
    await task
    return {
        "modbus_bare_registers_per_s": count / bare_s,
        "modbus_driver_registers_per_s": ours / ours_s,
        "modbus_ratio_driver_to_bare": (ours / ours_s) / (count / bare_s),
        "modbus_bare_cpu_per_mreg_s": bare_cpu / count * 1e6,
        "modbus_driver_cpu_per_mreg_s": ours_cpu / max(ours, 1) * 1e6,
    }


# --- orchestration ------------------------------------------------------------------
def _spawn(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "bench")]))
    return subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _wait_line(proc: subprocess.Popen[str], prefix: str, timeout: float) -> str:
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not sel.select(timeout=max(0.0, end - time.monotonic())):
            break
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
    raise RuntimeError(f"{proc.args} did not print {prefix!r} within {timeout:.0f} s")


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--items", type=int, default=10_000)
    p.add_argument("--seconds", type=float, default=25.0, help="measurement window per client (default 25)")
    p.add_argument("--long", action="store_true", help="measure for 300 s (the backlog check)")
    p.add_argument("--role", help=__import__("argparse").SUPPRESS)
    p.add_argument("--port", type=int, help=__import__("argparse").SUPPRESS)
    p.add_argument("--ns", type=int, default=2, help=__import__("argparse").SUPPRESS)
    p.add_argument("--warmup", type=float, default=5.0, help=__import__("argparse").SUPPRESS)
    args = p.parse_args()
    if args.role == "server":
        asyncio.run(opcua_server(args.port, args.items))
        return
    if args.role in ("ours", "bare"):
        endpoint = f"opc.tcp://127.0.0.1:{args.port}/bench/"
        asyncio.run(client(args.role, endpoint, args.ns, args.items, args.warmup, args.seconds))
        return
    if args.role == "modbus-server":
        asyncio.run(modbus_server(args.port))
        return

    seconds = 300.0 if args.long else args.seconds
    port = _free_port()
    procs: list[subprocess.Popen[str]] = []
    try:
        server = _spawn("--role", "server", "--port", str(port), "--items", str(args.items))
        procs.append(server)
        ns = _wait_line(server, "READY ns=", 120)
        common_args = ["--port", str(port), "--ns", ns, "--items", str(args.items)]
        # One client at a time: the asyncua server (Python) cannot feed two at 10,000/s here.
        # With --long only our pipeline runs 5 minutes (the backlog check); the bare baseline
        # keeps the short window.
        ours = _spawn("--role", "ours", *common_args, "--seconds", str(seconds))
        procs.append(ours)
        r_ours = json.loads(_wait_line(ours, "RESULT ", seconds + 180))
        bare = _spawn("--role", "bare", *common_args, "--seconds", str(args.seconds))
        procs.append(bare)
        r_bare = json.loads(_wait_line(bare, "RESULT ", args.seconds + 180))
        mport = _free_port()
        mserver = _spawn("--role", "modbus-server", "--port", str(mport))
        procs.append(mserver)
        _wait_line(mserver, "READY", 30)
        modbus = asyncio.run(modbus_bench(mport, 2000, 5.0))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()

    expected = args.items * seconds
    figures: dict[str, object] = {
        "items": args.items,
        "seconds": seconds,
        "ours_updates_per_s": r_ours.get("updates_per_s", 0.0),
        "bare_updates_per_s": r_bare.get("updates_per_s", 0.0),
        "ours_delivered_fraction": r_ours.get("updates", 0) / expected,
        "ours_lag_median_s": r_ours.get("lag_median_s"),
        "ours_lag_p99_s": r_ours.get("lag_p99_s"),
        "ours_lag_drift_s": r_ours.get("lag_drift_s"),
        "bare_lag_median_s": r_bare.get("lag_median_s"),
        "bare_lag_p99_s": r_bare.get("lag_p99_s"),
        "ours_cpu_percent": r_ours.get("cpu_percent"),
        "bare_cpu_percent": r_bare.get("cpu_percent"),
        "ratio_cpu_ours_to_bare": (
            (r_ours["cpu_s"] / r_ours["seconds"]) / (r_bare["cpu_s"] / r_bare["seconds"]) if r_bare.get("cpu_s") else None
        ),
        "ours_cpu_us_per_update": r_ours.get("cpu_us_per_update"),
        "bare_cpu_us_per_update": r_bare.get("cpu_us_per_update"),
        "ratio_cpu_per_update_ours_to_bare": (
            r_ours["cpu_us_per_update"] / r_bare["cpu_us_per_update"]
            if r_ours.get("cpu_us_per_update") and r_bare.get("cpu_us_per_update") else None
        ),
        "backlog_growing": bool((r_ours.get("lag_drift_s") or 0.0) > 0.5),
        **modbus,
    }

    def f(key: str, fmt: str = "{:.3f}") -> str:
        value = figures.get(key)
        return "n/a" if value is None else fmt.format(value)

    report(
        f"OPC UA: {args.items:,} items at 1 Hz from another process, {seconds:.0f} s window; Modbus 2,000 registers",
        [
            ("updates/s ours | bare", f"{f('ours_updates_per_s', '{:,.0f}')} | {f('bare_updates_per_s', '{:,.0f}')}", f"expected {args.items:,}"),
            ("lag median ours (s)", f("ours_lag_median_s"), "goal <= 1 s (source ts -> store)"),
            ("lag p99 ours (s)", f("ours_lag_p99_s"), "goal <= 2 s"),
            ("lag median | p99 bare (s)", f"{f('bare_lag_median_s')} | {f('bare_lag_p99_s')}", "context"),
            ("lag drift ours (s)", f("ours_lag_drift_s"), "last third minus first third; > 0.5 = backlog"),
            ("HMI process CPU %", f("ours_cpu_percent", "{:.1f}"), "driver + store + 10 Hz tracker"),
            ("bare subscriber CPU %", f("bare_cpu_percent", "{:.1f}"), "asyncua alone, same items"),
            ("CPU ratio ours/bare", f("ratio_cpu_ours_to_bare", "{:.2f}"), "goal <= 1.5"),
            ("CPU us/update ours | bare", f"{f('ours_cpu_us_per_update', '{:.1f}')} | {f('bare_cpu_us_per_update', '{:.1f}')}", "per delivered update"),
            ("CPU/update ratio ours/bare", f("ratio_cpu_per_update_ours_to_bare", "{:.2f}"), "fair if the server fed them unequally"),
            ("Modbus driver reg/s", f("modbus_driver_registers_per_s", "{:,.0f}"), "poll groups, merged reads, decode, store"),
            ("Modbus bare reg/s", f("modbus_bare_registers_per_s", "{:,.0f}"), "pymodbus read loop"),
            ("Modbus ratio driver/bare", f("modbus_ratio_driver_to_bare", "{:.2f}"), "throughput, higher is better"),
        ],
        figures,
        args.json,
    )


if __name__ == "__main__":
    main()
