"""Security fixtures: a fresh SQLite database per test, cheap scrypt (a setting, tests only)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.settings import Settings
from app.security.context import Security, build_security
from tests.security.file_keyring import file_keyring

TEST_SCRYPT_N = 16  # production keeps 2**15; tests share two cores


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def console_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The console's keyring (a file keyring) and a per-test data dir for the checkpoint files."""
    monkeypatch.setenv("CRUCIBLE_DATA_DIR", str(tmp_path / "datadir"))
    with file_keyring(tmp_path, monkeypatch) as path:
        yield path


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, console_keyring: Path) -> Settings:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", str(TEST_SCRYPT_N))
    from app.core.settings import load_settings

    s = load_settings()
    s.console_name = "CR-01"
    s.lockout_failures = 3
    s.db_url = f"sqlite:///{tmp_path / 'data' / 'history.sqlite'}"
    (tmp_path / "data").mkdir(exist_ok=True)
    return s


@pytest.fixture
def security(settings: Settings) -> Iterator[Security]:
    sec = build_security(settings)
    sec.session.clock = clock = FakeClock()
    sec.session.last_activity = clock.now
    yield sec
    sec.close()
