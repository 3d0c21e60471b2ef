"""Console sharing through one SQLite journal file (PostgreSQL: test_shared_pg.py)."""

from __future__ import annotations

from pathlib import Path

from tests.alarms.shared import check_two_consoles


def test_ack_and_shelve_on_one_console_reach_the_other(tmp_path: Path) -> None:
    check_two_consoles(f"sqlite:///{tmp_path / 'shared.sqlite'}")
