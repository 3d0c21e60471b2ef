"""The production module: dispatch board, plans and the converter-aisle scheduler."""

from __future__ import annotations

from typing import Any

from app.modules import Module, PanelSpec
from app.production.cli import register
from app.production.config import validate_layout


def _setup(runtime: Any) -> Any:
    from app.production.service import ProductionService

    return ProductionService.from_runtime(runtime)


def _close(service: Any) -> None:
    service.close()


MODULE = Module(
    name="production",
    title="Production",
    # plan approval signs with the security session and audits; plan vs actual reads the
    # historian; lots go into the plant database the historian writes to
    requires=("security", "historian"),
    setup=_setup,
    close=_close,
    models="app.production.models",
    migrations="app.production.migrations",
    cli=register,
    panels=(PanelSpec("dispatch_board", "widgets.dispatch_board:DispatchBoardPanel", area="central"),),
    validate=validate_layout,
    headless=True,  # heat tracking records lots in `crucible serve` too
)
