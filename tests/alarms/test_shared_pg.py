"""Console sharing through a real PostgreSQL server (``pg_url`` comes from tests/pg.py)."""

from __future__ import annotations

import pytest

from tests.alarms.shared import check_two_consoles


@pytest.mark.postgres
def test_ack_and_shelve_reach_the_other_console_through_postgresql(pg_url: str) -> None:
    check_two_consoles(str(pg_url))
