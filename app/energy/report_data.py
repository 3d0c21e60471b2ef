"""Plain-data entry points for the shift/day/month reports (app/reports): no Qt, no runtime.

``period``: anything with ``start`` and ``end`` (an :class:`app.core.shifts.Shift`) or a
``(start, end)`` pair of aware datetimes. ``history``: a :class:`~app.historian.reader.HistoryReader`,
an SQLAlchemy ``Engine`` of the plant database, or any :class:`~app.energy.source.PeriodSource`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.energy.source import HistorianSource, PeriodSource


def bounds(period: Any) -> tuple[datetime, datetime, str]:
    """``(start, end, label)`` of a Shift-like object or a (start, end) pair."""
    if hasattr(period, "start") and hasattr(period, "end"):
        return period.start, period.end, str(getattr(period, "id", ""))
    start, end = period
    return start, end, ""


def as_source(history: Any) -> PeriodSource:
    from sqlalchemy import Engine

    from app.historian.reader import HistoryReader

    if isinstance(history, Engine):
        return HistorianSource(HistoryReader(history))
    if isinstance(history, HistoryReader):
        return HistorianSource(history)
    return history  # type: ignore[no-any-return]


def _layout(layout: Any) -> Any:
    if layout is not None:
        return layout
    from app.core.layout import load_layout

    return load_layout()


def energy_summary(period: Any, history: Any, layout: Any = None) -> dict[str, Any]:
    """Energy of the period: meters, areas (kWh, kgce), product tonnes, kgce per tonne of each
    route with its benchmark and source, DC kWh/t, and ``factors_text`` (the kgce factors used,
    to print beside every kgce figure). See :func:`app.energy.report.period_energy`."""
    from app.energy.service import EnergyService

    start, end, label = bounds(period)
    return EnergyService(_layout(layout), as_source(history)).summary(start, end, label)
