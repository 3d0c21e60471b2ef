"""OEE of the process units where it means something, from the historian's hourly rollups.

Declared in ``equipment.yaml`` under ``oee:`` (checked with file:line errors):

- availability = hours the unit ran (hourly average of its rate above ``running_above``) /
  hours in the period;
- performance = mean rate while running / ``nameplate`` (furnace feed against nameplate,
  casting wheel t/h, rectifier current against rating, converter blast);
- quality = ``1 - rejects / count`` from shift counters (anodes cast and rejected), or the
  hourly mean of a percentage tag (tankhouse current efficiency), or 1;
- OEE = availability x performance x quality.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from app.core.yaml_lines import LINE_KEY


@dataclass(frozen=True, slots=True)
class OeeUnit:
    """One unit's OEE definition."""

    id: str
    name_en: str
    name_zh: str
    rate_tag: str
    nameplate: float
    running_above: float
    count_tag: str = ""
    reject_tag: str = ""
    quality_pct_tag: str = ""
    line: int = 0

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


def parse_oee(path: Path, entries: object, tags: Mapping[str, Any] | None, problems: list[str]) -> list[OeeUnit]:
    """The ``oee:`` list of ``equipment.yaml``; mistakes go to ``problems`` as file:line."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        problems.append(f"{path}:0: oee: must be a list of units")
        return []
    out: list[OeeUnit] = []
    for e in entries:
        if not isinstance(e, dict) or not e.get("id"):
            problems.append(f"{path}:{e.get(LINE_KEY, 0) if isinstance(e, dict) else 0}: an oee entry needs an 'id'")
            continue
        where = f"{path}:{e.get(LINE_KEY, 0)}: oee {e['id']}"
        before = len(problems)
        for key in ("rate_tag", "count_tag", "reject_tag", "quality_pct_tag"):
            name = e.get(key)
            if name and tags is not None and name not in tags:
                problems.append(f"{where}: {key} {name!r} is not in the layout's tags")
        if not e.get("rate_tag"):
            problems.append(f"{where}: needs a rate_tag")
        nameplate = e.get("nameplate")
        if isinstance(nameplate, bool) or not isinstance(nameplate, int | float) or nameplate <= 0:
            problems.append(f"{where}: nameplate must be a number greater than 0, not {nameplate!r}")
        if bool(e.get("count_tag")) != bool(e.get("reject_tag")):
            problems.append(f"{where}: count_tag and reject_tag go together")
        if len(problems) > before:
            continue
        out.append(OeeUnit(str(e["id"]), str(e.get("name_en") or e["id"]), str(e.get("name_zh") or ""),
                           str(e["rate_tag"]), float(nameplate), float(e.get("running_above") or 0.0),  # type: ignore[arg-type]
                           str(e.get("count_tag") or ""), str(e.get("reject_tag") or ""),
                           str(e.get("quality_pct_tag") or ""), int(e.get(LINE_KEY, 0))))
    return out


def _produced(first: np.ndarray, last: np.ndarray) -> float:
    """Total counted by a per-shift counter from its hourly first/last values: the sum of its
    rises; a drop is the shift's reset (what it shows then was counted since the reset)."""
    ok = np.isfinite(first) & np.isfinite(last)
    v = np.column_stack([first[ok], last[ok]]).ravel()
    if len(v) < 2:
        return 0.0
    d = np.diff(v)
    return float(np.where(d >= 0, d, v[1:]).sum())


def unit_oee(unit: OeeUnit, reader: Any, start: dt.datetime, end: dt.datetime) -> dict[str, float | None]:
    """availability, performance, quality, oee (fractions) and running hours over [start, end)."""
    hours = max(1, int(round((end - start).total_seconds() / 3600)))
    rate = reader.aggregate(unit.rate_tag, start, end, hours).avg
    known = np.isfinite(rate)
    running = known & (rate > unit.running_above)
    if not known.any():
        return {"availability": None, "performance": None, "quality": None, "oee": None, "running_h": 0.0}
    availability = float(running.sum() / known.sum())
    performance = float(rate[running].mean() / unit.nameplate) if running.any() else None
    quality: float | None = 1.0
    if unit.count_tag:
        c = reader.aggregate(unit.count_tag, start, end, hours)
        r = reader.aggregate(unit.reject_tag, start, end, hours)
        count, rejects = _produced(c.first, c.last), _produced(r.first, r.last)
        quality = None if count <= 0 else max(0.0, 1.0 - rejects / count)
    elif unit.quality_pct_tag:
        q = reader.aggregate(unit.quality_pct_tag, start, end, hours).avg
        q = q[running & np.isfinite(q)]
        quality = float(q.mean() / 100.0) if len(q) else None
    value = None if performance is None or quality is None else availability * performance * quality
    return {"availability": availability, "performance": performance, "quality": quality, "oee": value,
            "running_h": float(running.sum())}
