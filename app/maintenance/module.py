"""The maintenance module's declaration for the module registry."""

from __future__ import annotations

from typing import Any

from app.maintenance.ledger import validate
from app.modules import Module, PanelSpec


def _setup(runtime: Any) -> object:
    from app.maintenance.service import setup

    return setup(runtime)


def _start(service: Any) -> None:
    from app.maintenance.service import start

    start(service)


async def _close(service: Any) -> None:
    from app.maintenance.service import close

    await close(service)


def _cli(sub: Any) -> None:
    from app.maintenance.cli import register

    register(sub)


MODULE = Module(
    name="maintenance",
    title="Maintenance",
    requires=("security", "historian"),  # the audit trail and permissions; history for snapshots, forecasts, OEE
    models="app.maintenance.models",
    migrations="app.maintenance.migrations",
    setup=_setup,
    start=_start,
    close=_close,
    cli=_cli,
    panels=(
        PanelSpec("equipment_status", "widgets.equipment_status_panel:EquipmentStatusPanel", "bottom"),
        PanelSpec("work_orders", "widgets.work_order_panel:WorkOrderPanel", "bottom"),
    ),
    validate=validate,
    headless=True,
)
