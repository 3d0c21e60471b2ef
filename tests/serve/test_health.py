"""``crucible serve --health PORT`` (issue 21): a monitoring system asks ``GET /health`` and
gets the ``crucible status --json`` picture with 200 when the service is healthy, 503 when
not (a link down, history buffering, no writer), from real ``crucible serve`` processes."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from app.runtime import child_environment, crucible_command
from app.serve.health import HealthServer, health_document
from tests.serve.test_serve import status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, method: str = "GET", path: str = "/health") -> tuple[int, dict[str, Any] | None, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, (json.loads(body) if body else None), dict(resp.getheaders())
    finally:
        conn.close()


def serve(name: str, endpoint: str, root: Path, health: int) -> subprocess.Popen[bytes]:
    env = child_environment()
    env.update(CRUCIBLE_DATA_DIR=str(root / name), CRUCIBLE_CONFIG_DIR=str(root / f"{name}-config"))
    log = open(root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([*crucible_command(), "--endpoint", endpoint, "serve", "--console", name,
                             "--health", str(health)], env=env, stdout=log, stderr=subprocess.STDOUT)


async def until_answer(port: int, proc: subprocess.Popen[bytes], want: int, timeout_s: float = 60) -> dict[str, Any]:
    end = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < end:
        assert proc.poll() is None, f"crucible serve exited with {proc.returncode}"
        try:
            code, body, _ = await asyncio.to_thread(get, port)
            last = (code, body)
            if code == want:
                assert body is not None
                return body
        except OSError:
            pass  # not listening yet
        await asyncio.sleep(0.3)
    raise AssertionError(f"no {want} from /health within {timeout_s} s; last answer {last}")


async def test_health_answers_200_for_a_healthy_service_and_503_with_the_reasons_otherwise(
        sim_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good_port, bad_port = free_port(), free_port()
    dead_endpoint = f"opc.tcp://127.0.0.1:{free_port()}/crucible"  # nothing listens there
    good = serve("srv-good", sim_server.endpoint, tmp_path, good_port)
    bad = serve("srv-bad", dead_endpoint, tmp_path, bad_port)
    try:
        healthy = await until_answer(good_port, good, 200)
        assert healthy["healthy"] is True and healthy["problems"] == []
        st = healthy["status"]
        assert st["console"] == "srv-good" and st["links"][0]["state"] == "connected"
        assert st["history"]["role"] == "writer" and st["history"]["writer"] == "srv-good"
        assert "spooled_samples" in st["history"] and "last_commit" in st["history"]
        # the same picture as crucible status --json (kept working beside the endpoint)
        file_status = await asyncio.to_thread(status, "srv-good", tmp_path)
        assert file_status["running"] and file_status["status"]["console"] == "srv-good"
        assert [link["name"] for link in file_status["status"]["links"]] == [link["name"] for link in st["links"]]

        unhealthy = await until_answer(bad_port, bad, 503)
        assert unhealthy["healthy"] is False
        assert any(p.startswith("link sim ") and dead_endpoint in p for p in unhealthy["problems"]), unhealthy["problems"]

        code, body, headers = await asyncio.to_thread(get, good_port, "HEAD")
        assert code == 200 and body is None and headers["Content-Type"].startswith("application/json")
        assert (await asyncio.to_thread(get, good_port, "GET", "/"))[0] == 404
        assert (await asyncio.to_thread(get, good_port, "POST"))[0] == 405
        with socket.create_connection(("127.0.0.1", good_port), timeout=5) as s:  # not HTTP at all
            s.sendall(b"hello\r\n\r\n")
            assert s.recv(100).startswith(b"HTTP/1.1 400")
        # a second service asking for a port in use says so in one line, no traceback
        taken = subprocess.run([*crucible_command(), "--endpoint", sim_server.endpoint, "serve", "--console", "srv-3",
                                "--health", str(good_port)], env={**child_environment(),
                               "CRUCIBLE_DATA_DIR": str(tmp_path / "srv-3")}, capture_output=True, text=True, timeout=120)
        assert taken.returncode == 2
        assert f"health endpoint cannot listen on 127.0.0.1:{good_port}" in taken.stderr
        assert "Traceback" not in taken.stderr
    finally:
        for p in (good, bad):
            if p.poll() is None:
                p.terminate()
        for p in (good, bad):
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()


async def test_the_endpoint_says_why_it_is_unhealthy() -> None:
    snapshot: dict[str, Any] = {
        "console": "srv-1", "links": [{"name": "sim", "target": "opc.tcp://x", "state": "connected", "last_error": ""}],
        "history": {"state": "ok", "role": "standby", "writer": "srv-2", "spooled_samples": 0, "last_error": ""},
        "module_problems": {},
    }
    assert health_document(snapshot)[0] == 200
    snapshot["history"] = {"state": "buffering", "role": "writer", "writer": "", "spooled_samples": 1200,
                           "last_error": "connection refused"}
    code, body = health_document(snapshot)
    assert code == 503
    assert body["problems"] == ["history is buffering to the spool (1200 samples): connection refused",
                                "no console writes history (no writer elected)"]
    server = HealthServer(lambda: snapshot, 0)
    await server.start()
    try:
        code, got, _ = await asyncio.to_thread(get, server.port)
        assert code == 503 and got is not None and got["problems"] == body["problems"]
    finally:
        await server.stop()
