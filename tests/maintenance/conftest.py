"""Maintenance fixtures: a fresh SQLite plant database with the security and maintenance tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.settings import Settings
from app.db import Base
from app.security.context import Security, build_security


class FakeClock:
    """Both clocks a test moves: the session's monotonic seconds and the plant's UTC time."""

    def __init__(self) -> None:
        self.mono = 1000.0
        self.now = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)

    def __call__(self) -> float:
        return self.mono

    def utc(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        delta = dt.timedelta(**kw)
        self.now += delta
        self.mono += delta.total_seconds()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    from app.core.settings import load_settings

    s = load_settings()
    s.console_name = "CR-01"
    s.db_url = f"sqlite:///{tmp_path / 'data' / 'plant.sqlite'}"
    (tmp_path / "data").mkdir(exist_ok=True)
    return s


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def security(settings: Settings, clock: FakeClock) -> Iterator[Security]:
    import app.maintenance.models  # noqa: F401 - the tables on Base

    sec = build_security(settings)
    # until the migration runner loops over module branches: the maintenance tables, test only
    Base.metadata.create_all(sec.engine, tables=[t for t in Base.metadata.sorted_tables if t.name.startswith("maint_")])
    sec.session.clock = clock
    sec.session.last_activity = clock.mono
    yield sec
    sec.close()
