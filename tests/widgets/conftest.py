"""Qt test helpers: a qasync loop for widgets that need the asyncio side (pytest-qt has none)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.security.context import Security, build_security


@pytest.fixture
def run_async(qapp) -> Iterator[Callable[[Coroutine[Any, Any, Any]], Any]]:  # type: ignore[no-untyped-def]
    """Run a coroutine on a qasync loop over the test's QApplication (the GUI's real loop)."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)

    def run(coro: Coroutine[Any, Any, Any]) -> Any:
        return loop.run_until_complete(coro)

    yield run
    loop.close()
    asyncio.set_event_loop(None)


async def wait_until(predicate: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll ``predicate`` while the loop (and Qt) keeps running."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return bool(predicate())


@pytest.fixture
def security(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Security]:
    """A fresh user database with an operator (op1) and a shift lead (lead); the console's
    keyring (a file keyring) holds the key that signs the audit checkpoints."""
    from tests.security.file_keyring import file_keyring

    with file_keyring(tmp_path, monkeypatch):
        yield from _security(tmp_path, monkeypatch)


def _security(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Security]:
    from app.core.settings import load_settings

    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")  # cheap hashing: a test-only setting
    settings = load_settings()
    settings.console_name = "CR-01"
    settings.db_url = f"sqlite:///{tmp_path / 'users.sqlite'}"
    sec = build_security(settings)
    sec.users.add_user("op1", "furnace-42", ["operator"])
    sec.users.add_user("lead", "converter-7", ["shift_lead"])
    yield sec
    sec.close()
