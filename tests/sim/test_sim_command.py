"""`crucible sim` as its own process, read by an independent asyncua client."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from asyncua import Client

from app.core.layout import PlantLayout


async def test_sim_prints_its_endpoint_and_serves_the_layout(layout: PlantLayout, free_port: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "sim", "--port", str(free_port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == f"opc.tcp://127.0.0.1:{free_port}/crucible/"
        assert proc.stdout.readline().startswith("modbus://127.0.0.1:")
        async with Client(line) as client:
            ns = await client.get_namespace_index("urn:crucible:copper-smelter")
            plant = await client.nodes.objects.get_child([f"{ns}:Plant"])
            areas = {(await n.read_browse_name()).Name for n in await plant.get_children()}
            assert set(layout.areas) <= areas
            node = client.get_node(f"ns={ns};s=SMF.T_PROC")
            value = await node.read_value()
            assert 1000 <= value <= 1500
            eu_range = await (await node.get_child(["0:EURange"])).read_value()
            assert (eu_range.Low, eu_range.High) == (1000, 1500)
    finally:
        proc.terminate()
        proc.wait(10)
    assert proc.returncode in (0, -15)


def test_sim_refuses_a_port_in_use(free_port: int) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", free_port))
        s.listen()
        run = subprocess.run(
            [sys.executable, "-m", "app.cli", "sim", "--port", str(free_port)], capture_output=True, text=True, timeout=60
        )
    assert run.returncode == 2
    assert f"cannot listen on 127.0.0.1:{free_port}" in run.stderr


def test_sim_lists_and_checks_scenarios() -> None:
    listed = subprocess.run([sys.executable, "-m", "app.cli", "sim", "--scenario", "list"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0
    for name in ("frozen-instrument", "bad-instrument", "blower-trip", "acid-upset", "short-cluster", "server-pause"):
        assert name in listed.stdout
    wrong = subprocess.run([sys.executable, "-m", "app.cli", "sim", "--scenario", "meltdown"], capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2
    assert "unknown scenario 'meltdown'" in wrong.stderr


def test_sim_user_needs_a_password(free_port: int) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "CRUCIBLE_SIM_PASSWORD"}
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "sim", "--port", str(free_port), "--user", "operator"],
        input="", capture_output=True, text=True, timeout=60, env=env,
    )
    assert run.returncode == 2
    assert "needs a password" in run.stderr


async def test_sim_scenario_from_the_command_line(free_port: int) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "sim", "--port", str(free_port), "--time-scale", "60",
         "--scenario", "short-cluster", "--scenario-delay", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        endpoint = proc.stdout.readline().strip()
        async with Client(endpoint) as client:
            ns = await client.get_namespace_index("urn:crucible:copper-smelter")
            shorts = client.get_node(f"ns={ns};s=TH.S1.SHORTS")
            for _ in range(50):
                if await shorts.read_value() >= 8:
                    break
                await asyncio.sleep(0.2)
            assert await shorts.read_value() >= 8
            assert await client.get_node(f"ns={ns};s=TH.S1.C15.V").read_value() < 0.15
    finally:
        proc.terminate()
        proc.wait(10)
