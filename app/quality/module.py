"""The quality module: assays (signed hand entry, laboratory files), SPC with Western Electric
rules, GB/T 467 cathode grading; alarms through calc://quality tags."""

from __future__ import annotations

from typing import Any

from app.modules import Module, PanelSpec


def _setup(runtime: Any) -> object:
    from app.quality.service import setup

    return setup(runtime)


def _cli(sub: Any) -> None:
    from app.quality.cli import register

    register(sub)


def _validate(layout: Any) -> list[str]:
    from app.energy.yamlcheck import LayoutFileError
    from app.quality.config import QUALITY_FILE, load_quality_config

    if not (layout.folder / QUALITY_FILE).exists():
        return []
    try:
        load_quality_config(layout)
    except LayoutFileError as exc:
        return exc.problems
    return []


MODULE = Module(
    name="quality",
    title="Quality",
    requires=("energy", "security"),  # energy: its layout-file checker and period helpers; security: enter_assays
    models="app.quality.models",
    migrations="app.quality.migrations",
    setup=_setup,
    cli=_cli,
    panels=(PanelSpec("spc", "widgets.spc_panel:SpcPanel", area="central"),),
    validate=_validate,
    headless=True,
)
