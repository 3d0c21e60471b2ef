"""The standards module declares itself: cards, drifts, SOPs and notes."""

from __future__ import annotations

from typing import Any

from app.modules import Module, PanelSpec
from app.standards import cli


def _setup(runtime: Any) -> Any:
    from app.standards.service import StandardsService

    return StandardsService(runtime)


def _validate(layout: Any) -> list[str]:
    from app.standards.layout import StandardsLayoutError, load_standards
    from app.standards.sop import SopError, load_sops

    problems: list[str] = []
    try:
        std = load_standards(layout.folder, layout.tags)
    except StandardsLayoutError as exc:
        return list(exc.problems)
    try:
        load_sops(std.sop_folder, layout.tags)
    except SopError as exc:
        problems += str(exc).splitlines()
    return problems


MODULE = Module(
    name="standards",
    title="Process standards",
    requires=("io", "security"),
    models="app.standards.models",
    migrations="app.standards.migrations",
    setup=_setup,
    start=lambda service: service.start(),
    close=lambda service: service.close(),
    cli=cli.register,
    panels=(PanelSpec("standards", "widgets.standards_panel:StandardsPanel", area="bottom"),),
    validate=_validate,
)
