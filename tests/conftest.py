"""Shared fixtures: the copper-smelter layout, free ports, a real simulator server."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

os.environ["CRUCIBLE_CHECK_THREADS"] = "1"  # a loop-thread signal emitted from a worker fails the test

import app.core.events  # noqa: E402
from app.core.layout import DEFAULT_LAYOUT, PlantLayout, load_layout  # noqa: E402

app.core.events.CHECK_THREADS = True

pytest_plugins = ["tests.pg"]

# Nothing a test does may touch the developer's own settings or history.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRUCIBLE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("CRUCIBLE_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(scope="session")
def layout() -> PlantLayout:
    return load_layout(DEFAULT_LAYOUT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def free_port() -> int:
    return _free_port()


@pytest.fixture
async def sim_server(layout: PlantLayout) -> AsyncIterator[object]:
    """The simulator's real OPC UA server, in this process, on a free port."""
    from app.sim.runner import SimulatorRunner

    runner = SimulatorRunner(layout, port=_free_port(), period_s=0.2)
    await runner.start()
    task = asyncio.create_task(runner.run())
    try:
        yield runner
    finally:
        runner.stop()
        await task
        await runner.close()


@pytest.fixture
def sim_process(layout: PlantLayout) -> Iterator[object]:
    """``crucible sim`` as a separate process (what the GUI starts)."""
    from app.runtime import SimulatorProcess

    proc = SimulatorProcess(layout.folder)
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()
