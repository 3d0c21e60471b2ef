"""The energy module: metering hierarchy, kgce per tonne against GB 21248, day-ahead forecast."""

from __future__ import annotations

from typing import Any

from app.modules import Module, PanelSpec


def _setup(runtime: Any) -> object:
    from app.energy.service import setup

    return setup(runtime)


def _cli(sub: Any) -> None:
    from app.energy.cli import register

    register(sub)


def _validate(layout: Any) -> list[str]:
    from app.energy.config import ENERGY_FILE, load_energy_config
    from app.energy.yamlcheck import LayoutFileError

    if not (layout.folder / ENERGY_FILE).exists():
        return []
    try:
        load_energy_config(layout)
    except LayoutFileError as exc:
        return exc.problems
    return []


MODULE = Module(
    name="energy",
    title="Energy",
    requires=("historian",),  # meter counters and production counters come from its reader
    setup=_setup,
    start=lambda service: service.start(),
    close=lambda service: service.close(),
    cli=_cli,
    panels=(PanelSpec("energy", "widgets.energy_panel:EnergyPanel", area="central"),),
    validate=_validate,
    headless=True,
)
