"""Energy fixtures: a real SQLite historian filled through the real writer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine

from app.db import make_engine
from app.db.migrate import upgrade
from app.historian.writer import HistorianWriter


def write_history(engine: Engine, spool: Path, series: dict[str, tuple[list[datetime], list[float]]]) -> None:
    """Write ``{tag: (times, values)}`` through the historian writer (rollups included)."""
    writer = HistorianWriter(engine, spool)
    writer.start()
    names = list(series)
    for j, name in enumerate(names):
        times, values = series[name]
        ts = np.array([int(t.timestamp() * 1_000_000) for t in times], np.int64)
        writer.enqueue_arrays(names, np.full(len(ts), j, np.int32), ts, np.array(values, np.float64),
                              np.full(len(ts), 2, np.int8))
    assert writer.flush(60)
    writer.stop()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path}/plant.sqlite")
    upgrade(eng)
    yield eng
    eng.dispose()


def ramp(start: datetime, end: datetime, step: timedelta, f) -> tuple[list[datetime], list[float]]:  # type: ignore[no-untyped-def]
    times, values = [], []
    t = start
    while t <= end:
        times.append(t)
        values.append(float(f(t)))
        t += step
    return times, values


UTC0 = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # = 08:00 in Asia/Shanghai: start of shift 2
