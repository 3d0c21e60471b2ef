"""Plain-data entry point for the reports: SPC violations and off-grade lots of a period."""

from __future__ import annotations

from typing import Any

from app.energy.report_data import _layout, bounds


def spc_violations(period: Any, engine: Any, layout: Any = None) -> list[dict[str, Any]]:
    """Every Western Electric violation of every characteristic sampled in the period, oldest
    first: ``characteristic``, ``name_en``/``name_zh``, ``index``, ``timestamp``, ``rule`` (1-4),
    ``rule_text``, ``value``, ``centre``, ``ucl``, ``lcl``, ``sample_id``, ``lot_id``.
    ``engine``: the plant database's SQLAlchemy engine."""
    from app.quality.service import QualityService

    start, end, _ = bounds(period)
    return QualityService(_layout(layout), engine).spc_violations(start, end)


def quality_events(period: Any, engine: Any, layout: Any = None) -> list[dict[str, Any]]:
    """Out-of-control points and off-grade lots recorded in the period (with lot ids)."""
    from app.quality.service import QualityService

    start, end, _ = bounds(period)
    return QualityService(_layout(layout), engine).events(start, end)


def offgrade_lots(period: Any, engine: Any, layout: Any = None) -> list[dict[str, Any]]:
    """Cathode lots below the required grade (GB/T 467 No. 1) sampled in the period."""
    from app.quality.service import QualityService

    start, end, _ = bounds(period)
    return QualityService(_layout(layout), engine).offgrade_lots(start, end)
