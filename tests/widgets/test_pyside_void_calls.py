"""Regression: PySide6 6.12.0 drops a reference to None on every void call (Python 3.11)."""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QTimer


def test_pinned_pyside_is_not_the_leaking_release() -> None:
    assert pyside_version.startswith("6.11."), pyside_version


def test_a_million_void_calls_do_not_eat_references_to_none(qapp) -> None:  # type: ignore[no-untyped-def]
    timer = QTimer()
    before = sys.getrefcount(None)
    for i in range(1_000_000):
        timer.setInterval(i & 1023)
    after = sys.getrefcount(None)
    # 6.12.0 loses one reference per call: a million here, and an abort not long after.
    assert before - after < 1000
