"""A simulated day of the whole plant in a real historian: the simulator's model driven
in-process (``app.materials.simulated.simulate``), every tag sampled once a minute and written
through :class:`HistorianWriter` (compression, rollups) into SQLite, with the plant database's
tables (quality included) migrated beside it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine

from app.db import make_engine
from app.db.migrate import upgrade
from app.historian.writer import HistorianWriter
from app.materials.simulated import simulate


def simulated_history(path: Path, layout: Any, start: datetime, hours: float, seed: int = 3) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    names = sorted(layout.tags)
    run = simulate(layout, start, hours, names, sample_s=60.0, seed=seed)
    writer = HistorianWriter(engine, path.parent / "spool", commit_interval_s=0.01)
    writer.start()
    series = run.source.series
    idx = np.concatenate([np.full(len(series[n][0]), i, np.int32) for i, n in enumerate(names)])
    ts = np.concatenate([series[n][0] for n in names])
    val = np.concatenate([series[n][1] for n in names])
    order = np.lexsort((ts, idx))
    writer.enqueue_arrays(names, idx[order], ts[order], val[order], np.full(len(idx), 2, np.int8))
    writer.flush(600)
    writer.stop()
    return engine
