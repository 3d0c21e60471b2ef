"""The security module: users, roles, audit trail, keyring secrets, OPC UA certificates."""

from __future__ import annotations

from app.modules import Module, PanelSpec
from app.security import cli

MODULE = Module(
    name="security",
    title="Users and audit",
    requires=("io",),  # the session authorises and audits the write path's requests
    models="app.security.models",
    migrations="app.security.migrations",
    cli=cli.register,
    panels=(
        PanelSpec("audit", "widgets.core_panels:audit", area="bottom", permissions=("view",)),
        PanelSpec("users", "widgets.core_panels:users", area="bottom", permissions=("manage_users",)),
    ),
    order=15,
)
