"""Synthetic plant history written with the real historian writer (bulk path) into SQLite.

Signals: feed and acid rates around a level, "this shift" counters that grow and reset at a
fixed period, energy meters that only grow, grades with noise, converter batch counters, a
belt that trips. ``gap`` leaves an interval with no samples at all (console off).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from app.db import make_engine
from app.db.migrate import upgrade
from app.historian.writer import HistorianWriter

US = 1_000_000

RATES = {"CB.FEED_RATE": 208.0, "AP.ACID_RATE": 190.0}
LEVELS = {"SMF.MATTE_CU": 62.0, "TH.CE": 95.0, "TH.DC_SPEC": 285.0, "AP.CONV_TOT": 99.7, "AP.TAIL_SO2": 250.0}
SHIFT_COUNTERS = {"SMF.MATTE_TAPPED": 84.0 / 3600, "TH.CATHODE_T": 50.0 / 3600, "CW.COUNT": 135.0 / 3600}
ENERGY = {f"EM.{a}.KWH": kw / 3600 for a, kw in
          (("CB", 1500), ("SMF", 9000), ("PSC", 4000), ("AF", 2500), ("TH", 14000), ("AP", 8000),
           ("SF", 3000), ("OX", 12000), ("WT", 800))}
BATCHES = ("PSC1.BATCHES", "PSC2.BATCHES", "PSC3.BATCHES")
CHARGES = ("AF1.CHARGE", "AF2.CHARGE")
NAMES = [*RATES, *LEVELS, *SHIFT_COUNTERS, *ENERGY, *BATCHES, *CHARGES, "CB.BELT1.STATE"]


def signals(t0: int, seconds: int, step_s: int = 1, seed: int = 3) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Time stamps (µs) and one value array per tag."""
    rng = np.random.default_rng(seed)
    k = np.arange(0, seconds, step_s, dtype=np.int64)
    ts = t0 + k * US
    abs_s = ts // US
    out: dict[str, np.ndarray] = {}
    for name, level in RATES.items():
        out[name] = level + rng.normal(0, 3, len(k))
    for name, level in LEVELS.items():
        out[name] = level + rng.normal(0, level * 0.01, len(k))
    out["AP.TAIL_SO2"][(abs_s % 7200) < 180] += 200.0  # a few minutes over the permit every 2 h
    for name, per_s in SHIFT_COUNTERS.items():
        since_reset = abs_s % (8 * 3600 + 1234)  # resets that do not fall on shift ends
        out[name] = np.floor(since_reset * per_s) if name == "CW.COUNT" else since_reset * per_s
    for name, per_s in ENERGY.items():
        out[name] = 1e6 + (abs_s - 1_700_000_000) * per_s
    for j, name in enumerate(BATCHES):
        out[name] = np.floor(((abs_s + j * 4000) // (14 * 3600)) % 250).astype(float)
    for j, name in enumerate(CHARGES):
        phase = (abs_s + j * 9000) % 18000  # fill 65 t/h for 2 h, hold, cast down: ~420 t a shift for two
        out[name] = np.where(phase < 7200, phase / 3600 * 65, np.where(phase < 12000, 130.0, 130 - (phase - 12000) / 6000 * 130))
    state = np.ones(len(k))
    state[((abs_s - 7200) % 21600) < 600] = 2.0  # FAULT for 10 minutes every 6 h from 02:00 UTC
    out["CB.BELT1.STATE"] = state
    return ts, out


def build(path: Path, start: datetime, end: datetime, gap: tuple[datetime, datetime] | None = None,
          step_s: int = 1) -> Engine:
    """Write the history of [start, end) (minus ``gap``) through :class:`HistorianWriter`."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    writer = HistorianWriter(engine, path.parent / "spool", commit_interval_s=0.01)
    writer.start()
    t0 = int(start.timestamp()) * US
    total = int((end - start).total_seconds())
    chunk = 4 * 3600
    for off in range(0, total, chunk):
        ts, sig = signals(t0 + off * US, min(chunk, total - off), step_s)
        keep = np.ones(len(ts), dtype=bool)
        if gap is not None:
            keep &= ~((ts >= int(gap[0].timestamp()) * US) & (ts < int(gap[1].timestamp()) * US))
        ts = ts[keep]
        n = len(ts)
        idx = np.repeat(np.arange(len(NAMES), dtype=np.int32), n)
        tsv = np.tile(ts, len(NAMES))
        val = np.concatenate([sig[name][keep] for name in NAMES])
        order = np.lexsort((tsv, idx))
        writer.enqueue_arrays(NAMES, idx[order], tsv[order], val[order], np.full(len(idx), 2, np.int8)[order])
        writer.flush(600)
    writer.stop()
    return engine
