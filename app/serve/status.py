"""What a running ``crucible serve`` reports: links, writer role, spool size, last commit.

The service rewrites a small JSON file (``<data dir>/serve-status.json``) every few seconds
(atomically: written aside, then renamed); ``crucible status`` reads it. A file older than
``STALE_S`` means the service is not running (or hangs).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from app.core.settings import data_dir

STATUS_FILE = "serve-status.json"
PERIOD_S = 2.0
STALE_S = 15.0


def status_path() -> Path:
    return data_dir() / STATUS_FILE


def snapshot(runtime: Any) -> dict[str, Any]:
    """The runtime's state as plain JSON-able data."""
    historian = runtime.historian
    links = [{"name": h.name, "protocol": h.protocol, "target": h.target, "state": str(h.state),
              "last_error": h.last_error, "bad_tags": h.bad_tags, "tags": h.tag_count}
             for h in runtime.health]
    out: dict[str, Any] = {"console": runtime.console, "pid": os.getpid(), "time": time.time(), "links": links,
                           "modules": sorted(runtime.services), "module_problems": dict(runtime.module_problems)}
    if historian is None:
        out["history"] = None
        return out
    st = historian.status
    out["history"] = {
        "state": st.state, "role": st.role, "writer": st.writer or (runtime.console if st.role == "writer" else ""),
        "spooled_samples": st.spooled_samples, "written_samples": st.written_samples, "last_error": st.last_error,
        "last_commit": historian.writer.last_commit or None, "database": str(historian.engine.url.render_as_string(
            hide_password=True)),
    }
    return out


def write_status(data: dict[str, Any], path: Path | None = None) -> None:
    path = path or status_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_status(path: Path | None = None) -> tuple[dict[str, Any] | None, str]:
    """The service's last status and '' — or None and why it cannot be read / is stale."""
    path = path or status_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{path}: no status: crucible serve is not running here"
    except (OSError, ValueError) as exc:
        return None, f"{path}: cannot read the status: {exc}"
    age = time.time() - float(data.get("time", 0))
    data["age_s"] = round(age, 1)
    if age > STALE_S:
        return data, f"{path}: the status is {age:.0f} s old: crucible serve is not running (or hangs)"
    return data, ""
