"""Quality fixtures: a real SQLite plant database and a real security session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from app.core.layout import PlantLayout, load_layout
from app.core.settings import Settings
from app.core.store import TagStore
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
    from app.db.migrate import upgrade

    upgrade(security.engine)  # every module's branch, the quality tables included
    return security.engine


@pytest.fixture
def store(layout: PlantLayout) -> TagStore:
    return TagStore(layout.tags.values())


@pytest.fixture
def lab(security: Security) -> Any:
    """The session of a laboratory technician (role ``laboratory``: may enter assays)."""
    security.users.add_user("lab1", "lab-bench-7", ["laboratory"])
    security.session.login("lab1", "lab-bench-7")
    return security.session
