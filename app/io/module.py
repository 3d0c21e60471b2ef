"""The I/O module: drivers, tag commands (``crucible tags``), the tag browser and links panels."""

from __future__ import annotations

from app.io import cli
from app.modules import Module, PanelSpec

MODULE = Module(
    name="io",
    title="Field I/O",
    cli=cli.register,
    panels=(
        PanelSpec("tag_browser", "widgets.core_panels:tag_browser", area="bottom"),
        PanelSpec("connections", "widgets.core_panels:connections", area="bottom"),
    ),
    order=10,
)
