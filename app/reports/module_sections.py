"""The energy, materials and quality sections of a report, from those modules' own report entry
points (``app.energy.report_data``, ``app.materials.report_data``, ``app.quality.report_data``):
kgce per tonne of each route against its benchmark with the conversion factors, the copper and
sulphur account, SPC violations and off-grade lots of the period.

A module that is not installed (its package cannot be imported) or that the plant layout does
not configure (no ``energy.yaml`` / ``materials.yaml`` / ``quality.yaml``) leaves its section out;
one that fails (its tables missing, a layout file with a mistake) leaves a one-line reason the
report prints instead of the section, never a traceback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class ModuleSections:
    """What the energy, materials and quality modules say about one period (plain data)."""

    energy: dict[str, Any] | None = None  # app.energy.report_data.energy_summary
    materials: dict[str, Any] | None = None  # app.materials.report_data.copper_account
    spc_violations: list[dict[str, Any]] | None = None  # app.quality.report_data.spc_violations
    offgrade_lots: list[dict[str, Any]] | None = None  # app.quality.report_data.offgrade_lots
    problems: dict[str, str] = field(default_factory=dict)  # section -> why it could not be made

    @property
    def quality(self) -> bool:
        return self.spc_violations is not None or self.offgrade_lots is not None


def _configured(layout: Any, file: str) -> bool:
    folder = getattr(layout, "folder", None)
    return folder is not None and (Path(folder) / file).exists()


def _why(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]


def collect(layout: Any, engine: Any, start: datetime, end: datetime, history: Any = None) -> ModuleSections:
    """The sections of [start, end). ``engine``: the plant database (quality tables, history);
    ``history``: where the tag figures come from (default the historian in ``engine``), as the
    modules' entry points take it."""
    out = ModuleSections()
    if layout is None:
        return out
    period = (start, end)
    source = history if history is not None else engine
    try:
        from app.energy.report_data import energy_summary
    except ImportError:
        energy_summary = None  # type: ignore[assignment]
    if energy_summary is not None and _configured(layout, "energy.yaml"):
        try:
            out.energy = energy_summary(period, source, layout)
        except Exception as exc:  # noqa: BLE001 - the report prints without it, saying why
            log.warning("energy figures unavailable for the report: %s", exc)
            out.problems["energy"] = _why(exc)
    try:
        from app.materials.report_data import copper_account
    except ImportError:
        copper_account = None  # type: ignore[assignment]
    if copper_account is not None and _configured(layout, "materials.yaml"):
        try:
            out.materials = copper_account(period, source, layout)
        except Exception as exc:  # noqa: BLE001
            log.warning("copper account unavailable for the report: %s", exc)
            out.problems["materials"] = _why(exc)
    try:
        from app.quality.report_data import offgrade_lots, spc_violations
    except ImportError:
        return out
    if _configured(layout, "quality.yaml"):
        try:
            out.spc_violations = spc_violations(period, engine, layout)
            out.offgrade_lots = offgrade_lots(period, engine, layout)
        except Exception as exc:  # noqa: BLE001
            log.warning("quality figures unavailable for the report: %s", exc)
            out.spc_violations = out.offgrade_lots = None
            out.problems["quality"] = _why(exc)
    return out
