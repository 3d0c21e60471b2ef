"""The serve module: ``crucible serve`` and ``crucible status [--json]``."""

from __future__ import annotations

from app.modules import Module
from app.serve.cli import register

MODULE = Module(
    name="serve",
    title="Headless service",
    requires=("io", "alarms", "historian"),  # it composes a runtime of them (like app.main)
    cli=register,
)
