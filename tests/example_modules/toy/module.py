"""The toy module declares itself once: table, migration branch, CLI, service, panel."""

from __future__ import annotations

from app.modules import Module, PanelSpec
from tests.example_modules.toy.service import ToyService, register_cli

MODULE = Module(
    name="toy",
    title="Toy",
    requires=("historian",),
    models="tests.example_modules.toy.models",
    migrations="tests.example_modules.toy.migrations",
    setup=ToyService,
    close=lambda service: service.close(),
    cli=register_cli,
    panels=(PanelSpec("toy", "tests.example_modules.toy.panel:ToyPanel", area="central"),),
)
