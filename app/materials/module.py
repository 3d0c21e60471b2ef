"""The materials module: stocks, consumption, the copper and sulphur account per shift, cost
per tonne of cathode."""

from __future__ import annotations

from typing import Any

from app.modules import Module, PanelSpec


def _setup(runtime: Any) -> object:
    from app.materials.service import setup

    return setup(runtime)


def _validate(layout: Any) -> list[str]:
    from app.energy.yamlcheck import LayoutFileError
    from app.materials.config import MATERIALS_FILE, load_materials_config

    if not (layout.folder / MATERIALS_FILE).exists():
        return []
    try:
        load_materials_config(layout)
    except LayoutFileError as exc:
        return exc.problems
    return []


MODULE = Module(
    name="materials",
    title="Materials",
    requires=("energy",),
    setup=_setup,
    start=lambda service: service.start(),
    close=lambda service: service.close(),
    panels=(PanelSpec("materials", "widgets.materials_panel:MaterialsPanel", area="central"),),
    validate=_validate,
    headless=True,
)
