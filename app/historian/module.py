"""The historian module: history tables and migrations, ``crucible db``, the trend panel."""

from __future__ import annotations

from app.historian import cli, roles
from app.modules import Module, PanelSpec

MODULE = Module(
    name="historian",
    title="History",
    requires=("io",),  # the back-fill reads the servers' history through the OPC UA client
    models="app.historian.schema",
    migrations="app.historian.migrations",
    cli=cli.register,
    setup=roles.setup,
    headless=True,
    panels=(PanelSpec("trend", "widgets.core_panels:trend", area="bottom"),),
    order=20,
)
