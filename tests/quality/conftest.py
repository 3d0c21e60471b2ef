"""Quality fixtures: a real SQLite plant database and a real security session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.core.layout import PlantLayout, load_layout
from app.core.settings import Settings
from app.core.store import TagStore
from app.db import Base
from app.security.context import Security, build_security


@pytest.fixture(scope="session")
def layout() -> PlantLayout:
    return load_layout()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    from app.core.settings import load_settings

    s = load_settings()
    s.console_name = "LAB-01"
    s.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    return s


@pytest.fixture
def security(settings: Settings) -> Iterator[Security]:
    sec = build_security(settings)
    yield sec
    sec.close()


@pytest.fixture
def engine(security: Security) -> Engine:
    import app.quality.models  # noqa: F401 - tables on Base

    # until the lead's migration runner loops over module branches: tables for the test only
    Base.metadata.create_all(security.engine, tables=[t for n, t in Base.metadata.tables.items() if n.startswith("quality_")])
    return security.engine


@pytest.fixture
def store(layout: PlantLayout) -> TagStore:
    return TagStore(layout.tags.values())
