"""Simulator throughput: tag updates per second the OPC UA and Modbus servers publish, the
model's cost per step, and the simulator's CPU share at the default plant size (352 tags).

Baseline: the raw asyncua ``Server.write_attribute_value`` of the same number of values,
in the same run. Phases: model alone; runner flat out (step + publish, no sleeping);
runner at its default period (0.5 s) at 1x and 60x for the CPU share; an asyncua client
subscribed to every tag counting the data changes it receives.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from common import parser, report

from app.core.layout import DEFAULT_LAYOUT, load_layout
from app.runtime import free_port
from app.sim.model import PlantModel
from app.sim.runner import SimulatorRunner


def model_step_ms(layout_tags: dict, dt: float, steps: int) -> float:
    model = PlantModel(layout_tags, seed=1)
    start = time.process_time()
    for _ in range(steps):
        model.step(dt)
    return (time.process_time() - start) / steps * 1000


async def flat_out(runner: SimulatorRunner, seconds: float) -> tuple[float, float, float]:
    """Tick as fast as possible; return (OPC UA updates/s, Modbus updates/s, ticks/s)."""
    s0 = (runner.stats.opcua_updates, runner.stats.modbus_updates, runner.stats.steps)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        await runner.tick(0.5)
        await asyncio.sleep(0)
    wall = time.perf_counter() - start
    s1 = (runner.stats.opcua_updates, runner.stats.modbus_updates, runner.stats.steps)
    return (s1[0] - s0[0]) / wall, (s1[1] - s0[1]) / wall, (s1[2] - s0[2]) / wall


async def raw_asyncua(runner: SimulatorRunner, seconds: float) -> float:
    """The library alone: write the current values to the same nodes, flat out."""
    from asyncua import ua

    server = runner.opcua.server
    items = [(runner.opcua.node_ids[n], runner.opcua._tags[n], v) for n, v in runner.model.values.items()
             if n in runner.opcua.node_ids]
    from app.sim.opcua_server import _variant

    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        now = datetime.now(UTC)
        for node_id, tag, value in items:
            await server.write_attribute_value(node_id, ua.DataValue(_variant(tag, value), ua.StatusCode(), now, now))
        n += len(items)
        await asyncio.sleep(0)
    return n / (time.perf_counter() - start)


async def paced(runner: SimulatorRunner, time_scale: float, seconds: float, subscribe: bool = False) -> tuple[float, float, float]:
    """Run the runner's own loop; return (CPU share %, OPC UA updates/s, client data changes/s)."""
    from asyncua import Client

    runner.time_scale = time_scale
    runner._stop = asyncio.Event()
    received = 0
    client = None
    if subscribe:
        client = Client(runner.endpoint)
        await client.connect()

        class Handler:
            def datachange_notification(self, node: object, val: object, data: object) -> None:
                nonlocal received
                received += 1

        sub = await client.create_subscription(100, Handler())
        nodes = [client.get_node(nid) for nid in runner.opcua.node_ids.values()]
        for i in range(0, len(nodes), 100):
            await sub.subscribe_data_change(nodes[i : i + 100])
        await asyncio.sleep(1.0)
        received = 0
    u0 = runner.stats.opcua_updates
    cpu0, t0 = time.process_time(), time.perf_counter()
    task = asyncio.create_task(runner.run())
    await asyncio.sleep(seconds)
    runner.stop()
    await task
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    if client is not None:
        await client.disconnect()
    return 100 * cpu / wall, (runner.stats.opcua_updates - u0) / wall, received / wall


async def main_async(quick: bool) -> tuple[list[tuple[str, str, str]], dict[str, object]]:
    layout = load_layout(DEFAULT_LAYOUT)
    step_1x = model_step_ms(layout.tags, 0.5, 400 if not quick else 100)
    step_60x = model_step_ms(layout.tags, 30.0, 400 if not quick else 100)
    step_600x = model_step_ms(layout.tags, 300.0, 100 if not quick else 30)
    runner = SimulatorRunner(layout, port=free_port(), modbus_port=free_port(), seed=1)
    t = time.perf_counter()
    await runner.start()
    start_s = time.perf_counter() - t
    phase = 4.0 if quick else 10.0
    try:
        opc_rate, mb_rate, ticks = await flat_out(runner, phase)
        raw_rate = await raw_asyncua(runner, phase)
        cpu_1x, upd_1x, _ = await paced(runner, 1.0, phase * 1.5)
        cpu_60x, upd_60x, _ = await paced(runner, 60.0, phase * 1.5)
        _, _, client_rate = await paced(runner, 60.0, phase, subscribe=True)
    finally:
        await runner.close()
    tags = len(layout.tags)
    figures: dict[str, object] = {
        "tags": tags, "server_start_s": start_s,
        "model_step_ms_1x": step_1x, "model_step_ms_60x": step_60x, "model_step_ms_600x": step_600x,
        "flat_out_opcua_updates_per_s": opc_rate, "flat_out_modbus_updates_per_s": mb_rate, "flat_out_ticks_per_s": ticks,
        "raw_asyncua_writes_per_s": raw_rate, "ratio_ours_to_raw_asyncua": opc_rate / raw_rate if raw_rate else None,
        "cpu_share_pct_1x": cpu_1x, "cpu_share_pct_60x": cpu_60x,
        "paced_opcua_updates_per_s_1x": upd_1x, "paced_opcua_updates_per_s_60x": upd_60x,
        "client_datachanges_per_s_60x": client_rate,
    }
    rows = [
        ("tags in the layout", f"{tags}", ""),
        ("server start", f"{start_s:.1f} s", "asyncua standard address space + 352 nodes"),
        ("model step, 1x (0.5 s)", f"{step_1x:.2f} ms", "CPU per step"),
        ("model step, 60x (30 s)", f"{step_60x:.2f} ms", "one 30 s substep"),
        ("model step, 600x (300 s)", f"{step_600x:.2f} ms", "ten 30 s substeps"),
        ("flat out: OPC UA updates/s", f"{opc_rate:,.0f}", "step + publish, no sleep"),
        ("flat out: Modbus updates/s", f"{mb_rate:,.0f}", "147 mapped tags"),
        ("raw asyncua writes/s", f"{raw_rate:,.0f}", "baseline: same nodes, no model"),
        ("ratio ours/raw", f"{opc_rate / raw_rate if raw_rate else 0:.2f}", "ours includes the model step"),
        ("CPU share, default 1x", f"{cpu_1x:.1f} %", "of one core, period 0.5 s"),
        ("CPU share, 60x", f"{cpu_60x:.1f} %", "of one core, period 0.5 s"),
        ("published updates/s, 1x", f"{upd_1x:,.0f}", "changed values only"),
        ("published updates/s, 60x", f"{upd_60x:,.0f}", ""),
        ("client data changes/s, 60x", f"{client_rate:,.0f}", "one asyncua client, all tags, 100 ms"),
    ]
    return rows, figures


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--quick", action="store_true", help="shorter phases (smoke run)")
    args = p.parse_args()
    rows, figures = asyncio.run(main_async(args.quick))
    report("Simulator throughput (default copper smelter layout)", rows, figures, args.json)


if __name__ == "__main__":
    main()
