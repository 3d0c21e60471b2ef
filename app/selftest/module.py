"""The selftest module declares only its command: ``crucible selftest``."""

from __future__ import annotations

from app.modules import Module
from app.selftest.cli import register

MODULE = Module(
    name="selftest",
    title="Self test",
    requires=("io", "historian"),  # it reads through the OPC UA driver and writes history
    cli=register,
)
