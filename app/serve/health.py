"""``crucible serve --health PORT``: a tiny HTTP health endpoint on the service's asyncio loop.

``GET /health`` answers with what ``crucible status --json`` shows (links, writer role, spool
size, last commit) plus ``healthy`` and the ``problems`` that make it unhealthy: ``200`` when
healthy, ``503`` otherwise, so a monitoring system (or a load balancer, systemd's watchdog
script, Nagios, Zabbix ...) needs nothing but HTTP. ``HEAD /health`` gives the status code
only. It binds to 127.0.0.1 unless told otherwise; it takes no input beyond the request line
and changes nothing. Plain ``asyncio`` streams: no web framework.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_BIND = "127.0.0.1"
#: Bytes of request head read at most, and seconds a client may take to send it.
MAX_HEAD = 8192
READ_TIMEOUT_S = 5.0
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


def problems_of(snapshot: dict[str, Any]) -> list[str]:
    """Why the service is not healthy ([] when it is): a link not connected, history not
    written (buffering to the spool, stopped, nobody elected), a module that failed."""
    problems = [f"link {link['name']} ({link['target']}) is {link['state']}" + (f": {link['last_error']}"
                                                                                if link.get("last_error") else "")
                for link in snapshot.get("links", []) if link.get("state") != "connected"]
    history = snapshot.get("history")
    if history is not None:
        if history.get("state") == "buffering":
            problems.append(f"history is buffering to the spool ({history.get('spooled_samples', 0)} samples): "
                            f"{history.get('last_error') or 'the database does not take writes'}")
        elif history.get("state") == "stopped":
            problems.append("history is stopped")
        if not history.get("writer"):
            problems.append("no console writes history (no writer elected)")
    problems += [f"module {name}: {why}" for name, why in snapshot.get("module_problems", {}).items()]
    return problems


def health_document(snapshot: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for a runtime snapshot (:func:`app.serve.status.snapshot`)."""
    problems = problems_of(snapshot)
    return (200 if not problems else 503), {"running": True, "healthy": not problems, "problems": problems,
                                            "status": snapshot}


class HealthServer:
    """Serves ``GET /health`` from ``snapshot()`` (called on the loop, per request)."""

    def __init__(self, snapshot: Callable[[], dict[str, Any]], port: int, host: str = DEFAULT_BIND) -> None:
        self.snapshot = snapshot
        self.host, self.port = host, port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Listen; raises ``OSError`` (port taken, address not here) with the reason."""
        self._server = await asyncio.start_server(self._handle, self.host, self.port, limit=MAX_HEAD)
        sock = self._server.sockets[0].getsockname()
        self.port = int(sock[1])  # port 0: the one the system chose
        log.warning("crucible serve: health endpoint on http://%s:%d/health", self.host, self.port)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
            except asyncio.LimitOverrunError:
                await self._send(writer, 400, {"error": "request head too long"})
                return
            except (asyncio.IncompleteReadError, TimeoutError):
                return  # the client went away or said nothing
            if len(head) > MAX_HEAD:
                await self._send(writer, 400, {"error": "request head too long"})
                return
            parts = head.split(b"\r\n", 1)[0].decode("latin-1").split()
            if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                await self._send(writer, 400, {"error": "not an HTTP request"})
                return
            method, target = parts[0], parts[1].split("?", 1)[0]
            if target not in ("/health", "/health/"):
                await self._send(writer, 404, {"error": f"no {target} here: GET /health"})
                return
            if method not in ("GET", "HEAD"):
                await self._send(writer, 405, {"error": "only GET and HEAD"}, allow=True)
                return
            try:
                code, body = health_document(self.snapshot())
            except Exception as exc:  # noqa: BLE001 - the endpoint reports, it never dies
                log.exception("crucible serve: health snapshot failed")
                code, body = 503, {"running": True, "healthy": False, "problems": [f"status not available: {exc}"]}
            await self._send(writer, code, body, head_only=method == "HEAD")
        except (ConnectionError, OSError):
            pass  # the client hung up
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, code: int, body: dict[str, Any], head_only: bool = False,
                    allow: bool = False) -> None:
        data = (json.dumps(body, indent=1) + "\n").encode("utf-8")
        headers = [f"HTTP/1.1 {code} {REASONS.get(code, '')}", "Content-Type: application/json; charset=utf-8",
                   f"Content-Length: {len(data)}", "Cache-Control: no-store", "Connection: close"]
        if allow:
            headers.append("Allow: GET, HEAD")
        writer.write(("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + (b"" if head_only else data))
        await writer.drain()
