"""Per OPC UA connection: subscribe to the server's conditions into the alarm engine, and
back-fill the history of every outage from the server's HistoryRead."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from app.alarms.dcs import DcsAlarms, load_config
from app.io.conditions import ConditionClient
from app.io.health import LinkState

log = logging.getLogger(__name__)
BACKFILL_MARGIN = timedelta(seconds=5)
BACKFILL_MAX = timedelta(hours=2)  # what the server keeps, at most


class DcsService:
    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.config = load_config(runtime.layout.folder)
        self.bridges: dict[str, DcsAlarms] = {}
        self.clients: dict[str, ConditionClient] = {}
        self.backfillers: dict[str, Any] = {}
        self.progress = ""  # the status bar shows it while a back-fill runs
        self.down_since: dict[str, datetime] = {}
        self.results: list[Any] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        if not self.config.enabled:
            return
        for driver in runtime.drivers:
            endpoint = getattr(driver, "endpoint", "")
            if not endpoint.startswith("opc.tcp://"):
                continue
            client = ConditionClient(driver.name, endpoint, self._forward(driver.name),
                                     options=getattr(driver, "options", {}))
            self.clients[driver.name] = client
            self.bridges[driver.name] = DcsAlarms(runtime.alarms, self.config, driver.name, client.acknowledge,
                                                  self._spawn)
            if self.config.history_backfill and runtime.historian is not None:
                from app.historian.backfill import Backfiller

                self.backfillers[driver.name] = Backfiller(runtime.historian, driver.name, driver.tags.values(),
                                                           on_progress=self._on_progress)
                driver.health.changed.connect(self._on_health_changed)

    def _forward(self, connection: str) -> Any:
        def on_event(event: Any) -> None:
            self.bridges[connection].on_event(event)

        return on_event

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_progress(self, text: str) -> None:
        self.progress = text

    def start(self) -> None:
        supervisor = self.runtime.supervisor
        for name, client in self.clients.items():
            supervisor.spawn(f"{name} alarms & conditions", client.run)

    def _on_health_changed(self, health: Any) -> None:
        """A link that went down and came back: back-fill the gap from the server's history."""
        name = health.name
        if health.state in (LinkState.DOWN, getattr(LinkState, "STALLED", LinkState.DOWN)):
            self.down_since.setdefault(name, datetime.now(UTC))
        elif health.state is LinkState.CONNECTED and name in self.down_since:
            start = max(self.down_since.pop(name) - BACKFILL_MARGIN, datetime.now(UTC) - BACKFILL_MAX)
            self._spawn(self.backfill(name, start, datetime.now(UTC)))

    async def backfill(self, connection: str, start: datetime, end: datetime) -> Any:
        """Back-fill ``[start, end)`` of one connection (its own client session)."""
        backfiller = self.backfillers.get(connection)
        driver = self.runtime.driver(connection)
        if backfiller is None or driver is None:
            return None
        from app.io.opcua import make_client

        client = await make_client(driver.endpoint, 10.0, getattr(driver, "options", {}), connection)
        try:
            await client.connect()
            result = await backfiller.fill(client, start, end)
            self.results.append(result)
            return result
        except Exception as exc:  # noqa: BLE001 - the gap stays a gap; say so
            self.progress = f"{connection}: history back-fill failed: {exc}"
            log.warning("%s", self.progress)
            return None
        finally:
            try:
                await asyncio.wait_for(client.disconnect(), 2.0)
            except Exception:  # noqa: BLE001
                pass

    async def close(self) -> None:
        for client in self.clients.values():
            await client.stop()
        for task in list(self._tasks):
            task.cancel()
