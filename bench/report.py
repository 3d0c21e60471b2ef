"""Shift report over a week of 1-s history: gather + PDF against the bare historian queries.

The history is written once with the historian's own bulk path (``HistorianWriter.enqueue_arrays``:
compression, rollups, one commit per chunk) into a SQLite file cached in /tmp: the ~30 tags the
report reads at 1 s for 7 days (~18 M samples), and every other tag of the copper-smelter layout
at 1 per minute (the rest of the plant, so the database has the whole plant's tag count).

Timed (median of 5): the report of the last shift of the week (gather from rollups + raw state
tags + alarm KPIs, then the English PDF), and the bare SQL the report needs (the same rollup and
raw SELECTs through the sqlite3 cursor, fetchall, nothing else). Goal <= 1 s, limit <= 3 s.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from common import median_time, parser, report

from app.core.layout import load_layout
from app.db import make_engine
from app.db.migrate import upgrade
from app.historian.writer import HistorianWriter
from app.reports.pdf import build_pdf
from app.reports.shift_data import (
    CONVERTER_CYCLE_TAGS,
    ENERGY_AREAS,
    FIGURES,
    PRODUCTION,
    ReportSources,
    gather,
)
from app.shifts.service import ReportConfig, calendar_of
from tests.reports.history import NAMES, signals

US = 1_000_000
CACHE = Path("/tmp/crucible_bench_report_week.sqlite")
END = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 2026-12-01 00:00 Shanghai: end of a production day
START = END - timedelta(days=7)


def build_history() -> float:
    """Write the week once (returns seconds spent; 0 when the cache was there)."""
    if CACHE.exists():
        return 0.0
    t = time.perf_counter()
    part = CACHE.with_suffix(".part")
    for p in part.parent.glob(part.name + "*"):
        p.unlink()
    engine = make_engine(f"sqlite:///{part}")
    upgrade(engine)
    writer = HistorianWriter(engine, Path("/tmp/crucible_bench_report_spool"), commit_interval_s=0.01)
    writer.start()
    layout = load_layout()
    others = [n for n in layout.tags if n not in NAMES]
    t0 = int(START.timestamp()) * US
    total = int((END - START).total_seconds())
    rng = np.random.default_rng(5)
    chunk = 6 * 3600
    for off in range(0, total, chunk):
        ts, sig = signals(t0 + off * US, min(chunk, total - off))
        n = len(ts)
        idx = np.repeat(np.arange(len(NAMES), dtype=np.int32), n)
        writer.enqueue_arrays(NAMES, idx, np.tile(ts, len(NAMES)), np.concatenate([sig[k] for k in NAMES]),
                              np.full(len(idx), 2, np.int8))
        slow = ts[::60]
        oidx = np.repeat(np.arange(len(others), dtype=np.int32), len(slow))
        writer.enqueue_arrays(others, oidx, np.tile(slow, len(others)), rng.normal(50, 5, len(oidx)),
                              np.full(len(oidx), 2, np.int8))
        writer.flush(1200)
    writer.stop()
    engine.dispose()
    part.rename(CACHE)
    return time.perf_counter() - t


def bare_queries(path: Path, t0: int, t1: int, tags: list[str], state_tags: list[str]) -> int:
    """The SQL the report runs, bare: rollup rows per tag, the value before, state rollups."""
    con = sqlite3.connect(path)
    cur = con.cursor()
    rows = 0
    for tag in tags:
        (tid,) = cur.execute("SELECT id FROM tags WHERE name = ?", (tag,)).fetchone()
        rows += len(cur.execute('SELECT ts, vmin, vmax, total, "count", "first", "last", tw_sum, tw_dur_s FROM rollups '
                                "WHERE tag_id = ? AND width_s = 60 AND ts >= ? AND ts < ? ORDER BY ts",
                                (tid, t0, t1)).fetchall())
        rows += len(cur.execute("SELECT ts, value, quality FROM samples WHERE tag_id = ? AND ts < ? "
                                "ORDER BY ts DESC LIMIT 1", (tid, t0)).fetchall())
    for tag in state_tags:  # states: their minute rollups (the report reads raw only around changes)
        (tid,) = cur.execute("SELECT id FROM tags WHERE name = ?", (tag,)).fetchone()
        rows += len(cur.execute('SELECT ts, vmin, vmax, "count", "first", "last" FROM rollups '
                                "WHERE tag_id = ? AND width_s = 60 AND ts >= ? AND ts < ? ORDER BY ts",
                                (tid, t0, t1)).fetchall())
    con.close()
    return rows


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    built_s = build_history()
    layout = load_layout()
    cal = calendar_of(layout)
    cfg = ReportConfig.from_mapping(layout.extra.get("shifts"))
    last = cal.shift_at(END - timedelta(minutes=1))
    engine = make_engine(f"sqlite:///{CACHE}")
    src = ReportSources(engine, cal, layout.name_en, layout.name_zh, cfg.targets, cfg.permit_mg_m3,
                        state_tags={"CB.BELT1.STATE": ("STOPPED", "RUNNING", "FAULT")}, journal=[])
    tags = sorted({t for p in PRODUCTION for t in p.tags} | {f.tag for f in FIGURES} | set(CONVERTER_CYCLE_TAGS)
                  | {f"EM.{a}.KWH" for a in ENERGY_AREAS})
    t0, t1 = int(last.start.timestamp()) * US, int(last.end.timestamp()) * US
    con = sqlite3.connect(CACHE)
    samples = con.execute("SELECT count(*) FROM samples").fetchone()[0]
    n_tags = con.execute("SELECT count(*) FROM tags").fetchone()[0]
    con.close()

    def ours() -> bytes:
        return build_pdf(gather(src, "shift", last.day, last.number), "en")

    pdf = ours()  # warm: fonts registered once per process, SQLite pages cached
    bare_queries(CACHE, t0, t1, tags, ["CB.BELT1.STATE"])
    gather_s = median_time(lambda: gather(src, "shift", last.day, last.number), 5)
    report_s = median_time(ours, 5)
    bare_s = median_time(lambda: bare_queries(CACHE, t0, t1, tags, ["CB.BELT1.STATE"]), 5)
    zh_s = median_time(lambda: build_pdf(gather(src, "shift", last.day, last.number), "zh_CN"), 3)
    month_s = median_time(lambda: build_pdf(gather(src, "month", last.day.replace(day=1)), "en"), 3)
    figures = {
        "history_samples": int(samples), "history_tags": int(n_tags), "history_build_s": round(built_s, 1),
        "shift": last.id, "report_s": round(report_s, 3), "report_zh_s": round(zh_s, 3),
        "gather_s": round(gather_s, 3), "report_month_s": round(month_s, 3), "bare_queries_s": round(bare_s, 3),
        "ratio_report_vs_bare": round(report_s / bare_s, 1), "pdf_bytes": len(pdf),
        "goal_s": 1.0, "limit_s": 3.0,
    }
    report("Shift report over a week of 1-s history (SQLite)", [
        ("history", f"{samples:,}", f"samples, {n_tags} tags" + (f", built in {built_s:.0f} s" if built_s else ", cached")),
        ("report (EN) gather+PDF", f"{report_s:.3f} s", "goal <= 1 s, limit <= 3 s"),
        ("report (ZH) gather+PDF", f"{zh_s:.3f} s", ""),
        ("  of which gather", f"{gather_s:.3f} s", ""),
        ("monthly report (EN)", f"{month_s:.3f} s", "hour rollups; states by minute"),
        ("bare historian queries", f"{bare_s:.3f} s", "same SELECTs, fetchall only"),
        ("ratio report / bare", f"{report_s / bare_s:.1f}x", ""),
    ], figures, args.json)


if __name__ == "__main__":
    main()
