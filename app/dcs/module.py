"""The DCS module declares itself: its alarms in the alarm list, its history in the gaps."""

from __future__ import annotations

from typing import Any

from app.modules import Module


def _setup(runtime: Any) -> Any:
    from app.dcs.service import DcsService

    return DcsService(runtime)


def _validate(layout: Any) -> list[str]:
    from app.alarms.dcs import load_config

    try:
        load_config(layout.folder)
    except ValueError as exc:
        return str(exc).splitlines()
    return []


MODULE = Module(
    name="dcs",
    title="DCS alarms and history",
    requires=("io", "alarms", "historian"),
    setup=_setup,
    start=lambda service: service.start(),
    close=lambda service: service.close(),
    validate=_validate,
)
