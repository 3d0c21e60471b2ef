"""Historian fixtures: every DB test runs on SQLite and on the session's real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from app.core.tags import Quality, TagValue
from app.historian.database import make_engine, upgrade

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)  # start of a day shift


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/history.sqlite"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def batches(tags: list[str], n: int, step_s: float = 1.0, start: datetime = T0, seed: int = 7,
            bad_every: int = 0) -> list[dict[str, TagValue]]:
    """``n`` store batches of ``tags``: random walks, a Bad reading every ``bad_every``."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0, 1, (n, len(tags))), axis=0) + 100
    out = []
    for k in range(n):
        ts = start + timedelta(seconds=k * step_s)
        batch = {}
        for j, tag in enumerate(tags):
            bad = bad_every and (k + j) % bad_every == 0
            batch[tag] = TagValue(None if bad and j % 2 else float(walk[k, j]),
                                  Quality.BAD if bad else Quality.GOOD, ts, ts, "test" if bad else "")
        out.append(batch)
    return out
