"""A real, throwaway PostgreSQL server for the test session (pytest plugin).

``pg_url`` gives each test its own fresh database on that server (SQLAlchemy URL,
``postgresql+psycopg://...``); ``pg_server`` is the server itself, with ``stop()`` and
``start()`` for outage tests. Without PostgreSQL binaries the fixtures FAIL, saying what to
install: the historian's PostgreSQL tests are part of what must pass.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

INSTALL_HELP = ("PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or in "
                "/usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: apt-get install postgresql; "
                "installers/system_deps.sh does it on CI) or set CRUCIBLE_PG_BIN to their folder.")


def find_pg_bin() -> Path | None:
    env = os.environ.get("CRUCIBLE_PG_BIN")
    candidates = [env] if env else []
    which = shutil.which("pg_ctl")
    if which:
        candidates.append(str(Path(which).parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """initdb + pg_ctl in a temp folder; as the ``postgres`` user when we are root."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="crucible-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.sock.mkdir()
        self.port = _free_port()
        self.user = "postgres"
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        self._counter = itertools.count(1)

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        argv = list(cmd)
        if self._as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        res = self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
                        "-E", "UTF8", "--no-sync", check=False)
        if res.returncode != 0:
            pytest.fail(f"initdb failed: {res.stderr.strip() or res.stdout.strip()}")

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        res = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l",
                        str(self.root / "server.log"), "-w", "-t", "60", "start", check=False)
        if res.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"PostgreSQL did not start: {res.stderr.strip()}\n{log}")

    def stop(self) -> None:
        """Stop the server now (fast shutdown: clients are cut off, as in an outage)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def is_running(self) -> bool:
        return self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def url(self, database: str) -> str:
        # trust auth on a private socket/port: the password is a placeholder that keeps the
        # code from asking the keyring for one.
        return f"postgresql+psycopg://{self.user}:test@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        for _ in range(50):
            try:
                with psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="postgres",
                                     autocommit=True) as conn:
                    conn.execute(sql)  # type: ignore[arg-type]
                return
            except psycopg.OperationalError:
                time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL on port {self.port} does not answer")

    def create_database(self) -> str:
        name = f"t{os.getpid()}_{next(self._counter)}"
        self.admin(f"CREATE DATABASE {name}")
        return name

    def drop_database(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def destroy(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server (started on first use, removed at the end)."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.fail(INSTALL_HELP)
    server = PgServer(bin_dir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database for this test: ``postgresql+psycopg://...``."""
    if not pg_server.is_running():
        pg_server.start()
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        if not pg_server.is_running():
            pg_server.start()
        pg_server.drop_database(name)
