"""Plain-data entry point for the reports: the copper (and sulphur) account of a period."""

from __future__ import annotations

from typing import Any

from app.energy.report_data import _layout, as_source, bounds


def copper_account(period: Any, history: Any, layout: Any = None) -> dict[str, Any]:
    """``{"period", "from", "to", "consumption", "copper", "sulphur", "cost"}`` for the period:
    each account has in/out/losses (t), opening and closing stock, stock change, unaccounted
    t and %; cost is split into lines with the rates used and the cost per tonne of cathode.
    ``period`` / ``history`` as in :func:`app.energy.report_data.energy_summary`."""
    from app.energy.service import EnergyService
    from app.materials.service import MaterialsService

    lay = _layout(layout)
    src = as_source(history)
    start, end, label = bounds(period)
    return MaterialsService(lay, src, None, EnergyService(lay, src)).period_summary(start, end, label)
