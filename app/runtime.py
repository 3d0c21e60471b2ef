"""The runtime the GUI (and headless tools) run on: layout, store, drivers, simulator child.

No Qt here: ``app/main.py`` builds a :class:`Runtime`, then the windows around it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import logging
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from app.alarms.service import build_alarm_engine
from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.supervisor import Supervisor, publish_problem_count
from app.core.tags import Quality
from app.historian.service import Historian
from app.io.driver import DriverBase
from app.io.health import ConnectionHealth
from app.io.modbus import ModbusDriver
from app.io.opcua import CertificateCheck, OpcUaDriver
from app.io.writes import WritePath
from app.security.audit import AuditTrail
from app.security.session import Session

log = logging.getLogger(__name__)
#: The layout tag (calc://) counting the supervisor's standing problems; an alarm is defined on it.
SUPERVISOR_TAG = "HMI.TASK_PROBLEMS"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class SimulatorStartError(RuntimeError):
    """The built-in simulator did not come up; the message says why."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SimulatorProcess:
    """``crucible sim`` as a child process, stopped when the HMI exits (or dies)."""

    def __init__(self, layout_folder: Path, port: int | None = None, seed: int = 1, time_scale: float = 1.0) -> None:
        self.layout_folder = layout_folder
        self.port = port or free_port()
        self.seed = seed
        self.time_scale = time_scale
        self.process: subprocess.Popen[str] | None = None
        self.endpoint = ""
        self.last_messages: collections.deque[str] = collections.deque(maxlen=50)  # its stderr, newest last

    def start(self, timeout_s: float = 60.0) -> str:
        """Start the child and wait for its endpoint line; return the endpoint URL."""
        self.launch()
        return self.wait_endpoint(timeout_s)

    def launch(self) -> None:
        """Start the child without waiting (it needs a few seconds to build its address space)."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "app.cli", "sim", "--port", str(self.port), "--seed", str(self.seed),
            "--time-scale", str(self.time_scale), "--layout", str(self.layout_folder), "--exit-on-stdin-eof",
        ]

    def _drain(self, proc: subprocess.Popen[str]) -> None:
        """Keep reading the child's output for as long as it runs: a pipe nobody reads fills up
        (64 KiB) and the simulator would block on its next log line, freezing the plant."""

        def pump(stream: IO[str], keep: bool) -> None:
            with contextlib.suppress(ValueError, OSError):
                for line in stream:
                    if keep:
                        self.last_messages.append(line.rstrip())
                        log.info("simulator: %s", line.rstrip())

        assert proc.stdout is not None and proc.stderr is not None
        for stream, keep in ((proc.stdout, False), (proc.stderr, True)):
            threading.Thread(target=pump, args=(stream, keep), name="simulator-output", daemon=True).start()

    def poll_endpoint(self, wait_s: float = 0.0) -> str:
        """The endpoint once the child has reported it (waiting up to ``wait_s``), else ''.

        Raises :class:`SimulatorStartError` when the child exited without reporting it.
        """
        if self.endpoint:
            return self.endpoint
        proc = self.process
        if proc is None or proc.stdout is None or proc.stderr is None:
            raise SimulatorStartError("The built-in simulator did not start: it was not launched")
        sel = selectors.DefaultSelector()
        sel.register(proc.stdout, selectors.EVENT_READ)
        try:
            end = time.monotonic() + wait_s
            while sel.select(timeout=max(0.0, end - time.monotonic())):
                line = proc.stdout.readline()
                if not line:
                    break
                if line.startswith("opc.tcp://"):
                    self.endpoint = line.strip()
                    self._drain(proc)
                    return self.endpoint
                if time.monotonic() >= end:
                    break
        finally:
            sel.close()
        if proc.poll() is not None:
            lines = proc.stderr.read().strip().splitlines()
            reason = f"it exited with code {proc.returncode}" + (f": {lines[-1]}" if lines else "")
            self.stop()
            raise SimulatorStartError(f"The built-in simulator did not start: {reason}")
        return ""

    def wait_endpoint(self, timeout_s: float = 60.0, between: Callable[[], None] | None = None) -> str:
        """Wait for the endpoint line; ``between`` runs every 0.1 s meanwhile (e.g. to keep a
        splash screen painted). Raises :class:`SimulatorStartError` with the reason."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            endpoint = self.poll_endpoint(min(0.1, max(0.0, end - time.monotonic())))
            if endpoint:
                return endpoint
            if between is not None:
                between()
        self.stop()
        raise SimulatorStartError(f"The built-in simulator did not start: it did not report its endpoint within {timeout_s:.0f} s")

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is None:
            return
        with contextlib.suppress(Exception):
            if proc.stdin:
                proc.stdin.close()  # the child exits on EOF
            proc.terminate()
            proc.wait(5)
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


class Runtime:
    """Layout + store + one driver per connection that has tags."""

    def __init__(
        self,
        layout: PlantLayout,
        endpoint_override: str | None = None,
        db_url: str = "",
        console: str = "",
        historian: Historian | None = None,
        journal_process_events: bool = True,
    ) -> None:
        self.layout = layout
        self.console = console or os.uname().nodename
        self.store = TagStore(layout.tags.values())
        self.alarms = build_alarm_engine(layout, self.store, db_url, console)  # audit: attach_security
        self.alarms.record_process_events = journal_process_events
        self.historian = historian
        if historian is not None:
            historian.attach(self.store)
        self.drivers: list[OpcUaDriver | ModbusDriver] = []
        # Owns every long-running task: restarts what ends, reports what stalls (status bar, alarm).
        self.supervisor = Supervisor()
        publish_problem_count(self.supervisor, self.store, SUPERVISOR_TAG)
        for conn in layout.connections.values():
            tags = [t for t in layout.tags.values() if t.address.startswith(f"{conn.protocol}://{conn.name}/")]
            if not tags:
                continue
            if conn.protocol == "opcua":
                endpoint = endpoint_override or conn.endpoint
                self.drivers.append(OpcUaDriver(conn.name, endpoint, self.store, tags, options=conn.options))
            elif conn.protocol == "modbus":
                self.drivers.append(ModbusDriver(conn.name, conn.host, conn.port, self.store, tags, conn.options))
            else:
                log.warning("connection %s: protocol %s has no driver; its tags stay Bad", conn.name, conn.protocol)
        self.write_path = WritePath(self.store, {d.name: d for d in self.drivers})
        self.session: Session | None = None  # set by attach_security (the GUI always does)
        self.audit: AuditTrail | None = None
        # Services of the feature modules (app.modules): name -> what its setup() returned.
        self.services: dict[str, object] = {}

    def attach_security(self, session: Session, trust: CertificateCheck | None = None) -> None:
        """Every write from now on is authorised by ``session`` and recorded in its audit trail;
        with ``trust``, secure OPC UA connections accept only server certificates it trusts."""
        self.session = session
        if trust is not None:
            for driver in self.drivers:
                if isinstance(driver, OpcUaDriver):
                    driver.certificate_check = trust
        self.audit = session.audit  # other modules record alarm/config events here: audit.record(...)
        self.write_path.permission = session.write_permission
        self.write_path.audit_hooks.append(session.audit_write)
        audit = session.audit

        def audit_alarm_action(who: str, action: str, alarm_id: str, reason: str) -> None:
            audit.record("alarm", action, user=who, target=alarm_id, reason=reason)

        self.alarms.audit = audit_alarm_action
        self.alarms.permission = session.alarm_permission  # ack/shelve/out-of-service: one rule for all

    def driver(self, connection: str) -> DriverBase | None:
        return next((d for d in self.drivers if d.name == connection), None)

    @property
    def health(self) -> list[ConnectionHealth]:
        return [d.health for d in self.drivers]

    def start(self) -> None:
        """Start every driver on the running loop."""
        supervisor = self.supervisor
        for driver in self.drivers:
            supervisor.spawn(f"driver {driver.name}", driver.run)
        self.alarms.start()
        supervisor.spawn("alarm engine", lambda: self.alarms.run(beat=lambda: supervisor.beat("alarm engine")),
                         expected_period_s=10.0)
        if self.historian is not None:
            historian = self.historian
            historian.start()
            supervisor.spawn("historian", lambda: historian.watch(beat=lambda: supervisor.beat("historian")),
                             expected_period_s=30.0)

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Stop every driver; their tags turn Bad (no longer live)."""
        self.supervisor.stop()  # what ends from now on is the shutdown: no restart, no report
        await asyncio.gather(*(d.stop() for d in self.drivers), return_exceptions=True)
        self.alarms.close()
        self.supervisor.cancel("historian")  # its watcher; the historian itself stops below
        await self.supervisor.wait(timeout_s)
        if SUPERVISOR_TAG in self.store.definitions:  # no longer watched: no longer live, like the field values
            self.store.mark_quality([SUPERVISOR_TAG], Quality.BAD, "HMI stopped")
        if self.historian is not None:  # flushes the queue to the DB or the spool; blocking
            await asyncio.get_running_loop().run_in_executor(None, self.historian.stop)


def replace_endpoint(layout: PlantLayout, name: str, endpoint: str) -> None:
    """Point connection ``name`` at another endpoint (the simulator child's port)."""
    conn = layout.connections[name]
    layout.connections[name] = dataclasses.replace(conn, endpoint=endpoint)
