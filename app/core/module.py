"""The displays module: the plant's ISA-101 process displays (the central area), checked by
``crucible validate``."""

from __future__ import annotations

from typing import Any

from app.modules import Module


def validate_displays(layout: Any) -> list[str]:
    """Problems of the layout's ``displays/`` folder (none when it has no displays)."""
    if not (layout.folder / "displays").is_dir():
        return []
    from app.core.displays import DisplayError, load_displays

    try:
        load_displays(layout)
    except DisplayError as exc:
        return list(exc.problems)
    return []


MODULE = Module(name="displays", title="Process displays", validate=validate_displays, order=40)
