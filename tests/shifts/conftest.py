"""Shifts fixtures: a real security database (users, audit trail) on a tmp SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.settings import Settings
from app.security.context import Security, build_security
from app.shifts.handover import HandoverLog

PASSWORD = "correct-horse-1"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    from app.core.settings import load_settings

    s = load_settings()
    s.console_name = "CR-01"
    (tmp_path / "data").mkdir(exist_ok=True)
    s.db_url = f"sqlite:///{tmp_path / 'data' / 'plant.sqlite'}"
    return s


@pytest.fixture
def security(settings: Settings) -> Iterator[Security]:
    from app.db import make_engine
    from app.db.migrate import upgrade

    upgrade(make_engine(settings.db_url))  # every module's tables, the handover ones included
    sec = build_security(settings)
    for user in ("wang", "li", "zhao"):
        sec.users.add_user(user, PASSWORD, ["shift_lead"])
    yield sec
    sec.close()


@pytest.fixture
def log(security: Security) -> HandoverLog:
    return HandoverLog(security.engine, audit=security.audit, users=security.users, console="CR-01")
