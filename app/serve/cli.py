"""``crucible serve`` and ``crucible status``: argument parsing and the two handlers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.core.cli_args import integer


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser("serve", help="run drivers, alarms and the history writer without a GUI (server room)")
    serve.add_argument("--console", help="name this service shows as (default: the console_name setting)")
    serve.add_argument("--status-file", type=Path, help="where to keep the status (default: <data dir>/serve-status.json)")
    serve.add_argument("--spool", type=Path, help="store-and-forward folder (default: <data dir>/spool)")
    serve.add_argument("--health", type=integer(0, 65535, "port"), metavar="PORT",
                       help="answer GET http://<bind>:PORT/health with the status as JSON: 200 healthy, 503 not")
    serve.add_argument("--health-bind", default="127.0.0.1", metavar="ADDRESS",
                       help="address the health endpoint listens on (default 127.0.0.1: this machine only)")
    serve.set_defaults(handler=handle_serve)
    status = sub.add_parser("status", help="state of the crucible serve running on this machine")
    status.add_argument("--json", action="store_true", help="print it as JSON")
    status.add_argument("--status-file", type=Path, help="status file of the service (default: <data dir>/serve-status.json)")
    status.set_defaults(handler=handle_status)


def handle_serve(args: argparse.Namespace, settings: Any) -> int:
    from app.serve.service import ServeError, serve

    try:
        return serve(args, settings)
    except ServeError as exc:
        print(f"crucible serve: {exc}", file=sys.stderr)
        return 2


def handle_status(args: argparse.Namespace, settings: Any) -> int:
    from app.serve.status import read_status

    data, problem = read_status(args.status_file)
    if args.json:
        print(json.dumps({"running": not problem, "problem": problem, "status": data}, indent=1))
        return 0 if not problem else 1
    if problem:
        print(f"crucible status: {problem}", file=sys.stderr)
        return 1
    assert data is not None
    print(f"console {data['console']} (pid {data['pid']}), status {data['age_s']} s old")
    for link in data["links"]:
        print(f"  link {link['name']} ({link['target']}): {link['state']}"
              + (f": {link['last_error']}" if link["last_error"] else ""))
    h = data.get("history")
    if h:
        from datetime import datetime

        last = datetime.fromtimestamp(h["last_commit"]).isoformat(timespec="seconds") if h["last_commit"] else "never"
        print(f"  history: {h['state']}, this service is the {h['role']} (writer: {h['writer'] or 'none'}), "
              f"{h['spooled_samples']} samples spooled, last commit {last}")
    for name, why in data.get("module_problems", {}).items():
        print(f"  module {name}: {why}")
    return 0
