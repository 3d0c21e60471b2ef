"""Driver tests talk to the field: their layout holds the tags a driver reads (opcua://,
modbus://), not the calc:// tags modules compute and publish into the store themselves."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.layout import DEFAULT_LAYOUT, PlantLayout, load_layout


@pytest.fixture(scope="session")
def layout() -> PlantLayout:
    full = load_layout(DEFAULT_LAYOUT)
    field = {k: t for k, t in full.tags.items() if t.address.split("://", 1)[0] in ("opcua", "modbus")}
    return dataclasses.replace(full, tags=field)
