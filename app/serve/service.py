"""``crucible serve``: the runtime on an asyncio loop, no Qt, until SIGTERM / SIGINT.

Drivers, the alarm engine, the historian writer (a candidate in the writer election on
PostgreSQL) and every module declared ``headless=True``. The status file is refreshed every
``PERIOD_S``; ``systemctl stop`` (SIGTERM) flushes history and resigns the writer role so
another console takes over at once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class ServeError(RuntimeError):
    """The service cannot start; the message says why (one line)."""


def build_runtime(args: argparse.Namespace, settings: Any) -> Any:
    from app.alarms.definitions import AlarmDefinitionError
    from app.core.layout import LayoutError, load_layout
    from app.historian.database import DatabaseError
    from app.historian.service import open_historian
    from app.runtime import Runtime

    layout_path = getattr(args, "layout", None) or settings.layout
    try:
        layout = load_layout(Path(layout_path))
    except LayoutError as exc:
        raise ServeError(str(exc)) from None
    console = getattr(args, "console", None) or settings.console_name
    db = getattr(args, "db", None)
    try:
        historian = open_historian(settings, db, layout.tags, console=console, spool_dir=getattr(args, "spool", None))
    except DatabaseError as exc:
        raise ServeError(f"history: {exc}") from None
    if historian.schema_message:
        log.warning("history: %s", historian.schema_message)
    try:
        return Runtime(layout, endpoint_override=getattr(args, "endpoint", None), db_url=db or settings.db_url,
                       console=console, historian=historian,
                       journal_process_events=settings.alarm_journal_process_events, headless=True)
    except AlarmDefinitionError as exc:
        raise ServeError(f"the alarm definitions of {layout.folder} have mistakes: {exc.problems[0]}") from None


async def run(runtime: Any, status_file: Path | None = None, stop: asyncio.Event | None = None,
              health: tuple[str, int] | None = None) -> None:
    """Run ``runtime`` until ``stop`` is set (SIGTERM/SIGINT set it), writing the status file;
    with ``health`` (address, port) also answering ``GET /health`` (:mod:`app.serve.health`)."""
    from app.serve.health import HealthServer
    from app.serve.status import PERIOD_S, snapshot, write_status

    stop = stop or asyncio.Event()
    endpoint: HealthServer | None = None
    if health is not None:
        endpoint = HealthServer(lambda: snapshot(runtime), health[1], health[0])
        try:
            await endpoint.start()
        except OSError as exc:
            raise ServeError(f"the health endpoint cannot listen on {health[0]}:{health[1]}: "
                             f"{exc.strerror or exc}") from None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread / Windows
            pass
    runtime.start()
    log.warning("crucible serve: console %s running (%d links)", runtime.console, len(runtime.drivers))
    try:
        while not stop.is_set():
            try:
                write_status(snapshot(runtime), status_file)
            except OSError as exc:
                log.error("crucible serve: cannot write the status file: %s", exc)
            try:
                await asyncio.wait_for(stop.wait(), PERIOD_S)
            except TimeoutError:
                pass
    finally:
        if endpoint is not None:
            await endpoint.stop()
        await runtime.stop()
        try:
            data = snapshot(runtime)
            data["time"] = 0  # stopped: stale at once
            write_status(data, status_file)
        except OSError:
            pass


def serve(args: argparse.Namespace, settings: Any) -> int:
    runtime = build_runtime(args, settings)
    port = getattr(args, "health", None)
    health = (getattr(args, "health_bind", None) or "127.0.0.1", port) if port is not None else None
    asyncio.run(run(runtime, getattr(args, "status_file", None), health=health))
    return 0
