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

from sqlalchemy import Engine

from app.alarms.service import build_alarm_engine
from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.supervisor import Supervisor, publish_problem_count
from app.core.tags import Quality
from app.core.work import run_blocking
from app.historian.service import Historian
from app.io.driver import DriverBase
from app.io.health import ConnectionHealth
from app.io.modbus import ModbusDriver
from app.io.opcua import CertificateCheck, OpcUaDriver
from app.io.writes import WritePath
from app.modules import Module, Registry, default_registry
from app.security.audit import AuditTrail
from app.security.session import Session

log = logging.getLogger(__name__)
#: The layout tag (calc://) counting the supervisor's standing problems; an alarm is defined on it.
SUPERVISOR_TAG = "HMI.TASK_PROBLEMS"


def crucible_command() -> list[str]:
    """How to start another ``crucible`` process from this one: the bundle's own executable
    when frozen (PyInstaller), else this Python with ``-m app.cli``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "app.cli"]


def child_environment() -> dict[str, str]:
    """This process's environment; from a source checkout that is not installed, the folder
    holding the ``app`` package goes on the child's ``PYTHONPATH`` so it finds the same code."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        return env
    import app

    package_root = str(Path(app.__file__).resolve().parents[1])
    installed = any(Path(p).resolve() == Path(package_root) for p in sys.path if p and "site-packages" in p)
    if not installed:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    return env


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
        self.process = subprocess.Popen(
            self.command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=child_environment(),
        )

    def command(self) -> list[str]:
        args = ["sim", "--port", str(self.port), "--seed", str(self.seed), "--time-scale", str(self.time_scale),
                "--layout", str(self.layout_folder), "--exit-on-stdin-eof"]
        return [*crucible_command(), *args]

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
        registry: Registry | None = None,
        headless: bool = False,
    ) -> None:
        self.layout = layout
        self.registry = registry if registry is not None else default_registry()
        self.headless = headless
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
        self.db_url = db_url
        self._db: Engine | None = None
        # Services of the feature modules (app.modules): name -> what its setup() returned.
        self.services: dict[str, object] = {}
        self.module_problems: dict[str, str] = {}  # module -> why it could not be set up
        self._started: set[str] = set()
        self._audited_damage: set[str] = set()
        self._unfollow_users: Callable[[], None] = lambda: None

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

    def setup_modules(self) -> None:
        """Set up every module of the registry in dependency order (``runtime.services``).

        A module that fails is left out with its reason in :attr:`module_problems` (shown to
        the operator); modules that require it are left out too — the rest of the HMI runs.
        """
        for module in self.registry:
            if module.setup is None or module.name in self.services or module.name in self.module_problems:
                continue
            if self.headless and not module.headless:
                continue
            missing = [r for r in module.requires if r in self.module_problems]
            if missing:
                self.module_problems[module.name] = f"needs {', '.join(missing)}, which could not be set up"
                continue
            try:
                self.services[module.name] = module.setup(self)
            except Exception as exc:  # noqa: BLE001 - one module's failure must not stop the plant view
                log.exception("module %s could not be set up", module.name)
                self.module_problems[module.name] = f"{type(exc).__name__}: {exc}"

    def start_modules(self) -> None:
        """Start each set-up module's long-running work (on the running loop), once."""
        for module in self.registry:
            service = self.services.get(module.name)
            if service is None or module.start is None or module.name in self._started:
                continue
            self._started.add(module.name)
            try:
                module.start(service)
            except Exception as exc:  # noqa: BLE001 - the rest of the HMI runs
                log.exception("module %s could not start", module.name)
                self.module_problems[module.name] = f"{type(exc).__name__}: {exc}"

    async def close_modules(self) -> None:
        """Close every module's service, last set up first."""
        for module in reversed(list(self.registry)):
            service = self.services.pop(module.name, None)
            self._started.discard(module.name)
            if service is None or module.close is None:
                continue
            try:
                result = module.close(service)
                if asyncio.iscoroutine(result):
                    await result
            except Exception:  # noqa: BLE001 - close the others anyway
                log.exception("module %s did not close cleanly", module.name)

    def audit_history_damage(self) -> list[str]:
        """Spool records the historian had to skip (damaged on disk) since the last call, each
        recorded once in the audit trail; call on the loop thread (the status bar does, 1 Hz)."""
        historian = self.historian
        if historian is None:
            return []
        new = [d for d in historian.status.spool_damage if d not in self._audited_damage]
        for damage in new:
            self._audited_damage.add(damage)
            log.error("history spool damaged: %s", damage)
            if self.audit is not None:
                self.audit.record("config", "history_spool_damaged", "failure", target="historian", detail=damage)
        return new

    @property
    def db(self) -> Engine:
        """The plant database (the ``db_url`` setting, else this console's SQLite file), schema
        brought up to date where this console may (:func:`app.db.migrate.prepare`). Modules
        keep their tables here. Raises :class:`app.db.DatabaseError` when it cannot be used."""
        if self._db is None:
            from app.core.settings import Settings
            from app.db.engine import default_url, make_engine
            from app.db.migrate import prepare

            engine = make_engine(self.db_url or default_url(Settings()))
            prepare(engine)
            self._db = engine
        return self._db

    def module(self, name: str) -> Module | None:
        return self.registry.get(name)

    def start(self) -> None:
        """Start every driver (through the supervisor) on the running loop, then set up the
        feature modules."""
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
        self.setup_modules()
        self.start_modules()
        if self.session is not None:  # PostgreSQL: user and role changes of other consoles apply at once
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self._unfollow_users = self.session.follow_shared_changes(loop)

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the modules and every driver; their tags turn Bad (no longer live)."""
        self.supervisor.stop()  # what ends from now on is the shutdown: no restart, no report
        self._unfollow_users()
        await self.close_modules()
        await asyncio.gather(*(d.stop() for d in self.drivers), return_exceptions=True)
        self.alarms.close()
        self.supervisor.cancel("historian")  # its watcher; the historian itself stops below
        await self.supervisor.wait(timeout_s)
        if SUPERVISOR_TAG in self.store.definitions:  # no longer watched: no longer live, like the field values
            self.store.mark_quality([SUPERVISOR_TAG], Quality.BAD, "HMI stopped")
        if self.historian is not None:  # flushes the queue to the DB or the spool; blocking
            await run_blocking(self.historian.stop, pool="historian-stop")
        if self._db is not None:
            self._db.dispose()


def replace_endpoint(layout: PlantLayout, name: str, endpoint: str) -> None:
    """Point connection ``name`` at another endpoint (the simulator child's port)."""
    conn = layout.connections[name]
    layout.connections[name] = dataclasses.replace(conn, endpoint=endpoint)
