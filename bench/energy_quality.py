"""Energy per tonne for a month, and SPC over 100,000 assays, against bare numpy/SQL.

    .venv/bin/python bench/energy_quality.py [--json]

1. A month (30 production days) of 5-minute history for every meter and production counter
   of energy.yaml goes into a SQLite historian through the real writer. Our per-shift,
   per-day and per-month figures for every route (``EnergyService.report``) are timed against
   a bare computation of the same figures: one SQL query for all raw samples, then numpy
   (counter readings interpolated at the period boundaries, resets counted, rates integrated
   step-wise). The figures must agree; the ratio is ours / bare.
2. 100,000 assays of one characteristic in the quality tables: our chart (query + I-MR limits
   + Western Electric rules 1-4, ``QualityService.chart``) against a bare SQL fetch plus a
   numpy sliding-window implementation of the same rules (both read times and values). The
   violations must be identical.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from common import median_time, parser, report

US = 1_000_000


def month_history(layout, cfg, start: datetime, days: int, step_s: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:  # type: ignore[no-untyped-def]
    """Synthetic but plant-shaped series: kWh counters, power and fuel rates, shift counters."""
    rng = np.random.default_rng(11)
    n = days * 86400 // step_s + 1
    ts = int(start.timestamp()) * US + np.arange(n, dtype=np.int64) * step_s * US
    hours = np.arange(n) * step_s / 3600.0
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for m in cfg.meters:
        base = {"CB": 1400, "SMF": 18500, "PSC": 8500, "AF": 1300, "TH": 13500, "AP": 9000, "SF": 3700, "OX": 16700,
                "WT": 430}.get(m.area, 1000)
        kw = base * (1 + 0.05 * np.sin(hours / 7.0) + 0.02 * rng.standard_normal(n))
        if m.counter:
            out[m.counter] = (ts, 1e7 + np.cumsum(kw) * step_s / 3600.0)
        if m.power:
            out[m.power] = (ts, kw / m.power_scale * 0.3)
        if m.rate:
            out[m.rate] = (ts, 800 + 300 * rng.random(n))
    shift_h = hours % 8.0
    for p in cfg.products.values():
        rate = {"SMF.MATTE_TAPPED": 80.0, "CW.COUNT": 140.0, "TH.CATHODE_T": 50.0}[p.counter]
        daily = 1 + 0.1 * np.sin(hours / 24.0 * 2 * np.pi / 9)  # output varies from day to day
        # the counter resets just after each shift boundary (the boundary reading shows the full shift)
        value = rate * daily * np.where((shift_h == 0) & (hours > 0), 8.0, shift_h)
        out[p.counter] = (ts, np.floor(value) if p.counter == "CW.COUNT" else value)
    return out


def bare_figures(engine, cfg, tags: list[str], periods: list[tuple[str, datetime, datetime]]) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """The same per-route kgce/t from one SQL fetch and numpy."""
    with engine.connect() as conn:
        cur = conn.connection.dbapi_connection.cursor()
        cur.execute(f"SELECT t.name, s.ts, s.value FROM samples s JOIN tags t ON t.id = s.tag_id WHERE t.name IN "
                    f"({','.join('?' * len(tags))}) ORDER BY t.name, s.ts", tags)
        rows = cur.fetchall()
    arr = {}
    names = np.array([r[0] for r in rows])
    ts_all = np.fromiter((r[1] for r in rows), np.int64, len(rows))
    v_all = np.fromiter((r[2] for r in rows), np.float64, len(rows))
    for name in tags:
        sel = names == name
        arr[name] = (ts_all[sel], v_all[sel])

    def at(name: str, t: int) -> float:
        ts, v = arr[name]
        i = np.searchsorted(ts, t, side="right")
        if i >= len(ts) or ts[i - 1] == t or v[i] < v[i - 1]:
            return float(v[i - 1])
        return float(v[i - 1] + (v[i] - v[i - 1]) * (t - ts[i - 1]) / (ts[i] - ts[i - 1]))

    def delta(name: str, a: int, b: int) -> float:
        ts, v = arr[name]
        inside = v[(ts > a) & (ts < b)]
        seq = np.concatenate(([at(name, a)], inside, [at(name, b)]))
        d = np.diff(seq)
        return float(np.where(d >= 0, d, seq[1:]).sum())

    def integral(name: str, a: int, b: int) -> float:
        ts, v = arr[name]
        i0 = max(np.searchsorted(ts, a, side="right") - 1, 0)
        i1 = np.searchsorted(ts, b, side="left")
        t = ts[i0:i1].copy()
        t[0] = max(t[0], a)
        return float((v[i0:i1] * np.diff(np.append(t, b))).sum() / 3600 / US)

    out: dict[str, dict[str, float]] = {}
    for label, a_dt, b_dt in periods:
        a, b = int(a_dt.timestamp() * US), int(b_dt.timestamp() * US)
        area: dict[str, float] = {}
        for m in cfg.top_meters():
            q = delta(m.counter, a, b) if m.counter else integral(m.rate or m.power, a, b)
            area[m.area] = area.get(m.area, 0.0) + q * cfg.carriers[m.carrier].kgce_per_unit
        tonnes = {p.id: delta(p.counter, a, b) * p.factor for p in cfg.products.values()}
        out[label] = {r.id: sum(area.get(x, 0.0) for x in r.areas) / tonnes[r.product] for r in cfg.routes}
    return out


def bare_spc(x: np.ndarray, centre: float, sigma: float) -> dict[int, np.ndarray]:
    """Western Electric rules 1-4 with sliding windows (the same variant as app.quality.spc)."""
    from numpy.lib.stride_tricks import sliding_window_view as win

    z = (x - centre) / sigma
    out = {1: np.flatnonzero(np.abs(z) > 3)}
    for rule, zone, w, need in ((2, 2.0, 3, 2), (3, 1.0, 5, 4)):
        hit = np.zeros(len(z), bool)
        for s in (1, -1):
            beyond = s * z > zone
            cnt = np.zeros(len(z), int)
            cnt[w - 1:] = win(beyond, w).sum(axis=1)
            hit |= beyond & (cnt >= need)
        out[rule] = np.flatnonzero(hit)
    hit4 = np.zeros(len(z), bool)
    for s in (1, -1):
        hit4[7:] |= win(s * z > 0, 8).all(axis=1)
    out[4] = np.flatnonzero(hit4)
    return out


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    from sqlalchemy.orm import Session as DbSession

    from app.core.layout import load_layout
    from app.db import make_engine
    from app.db.migrate import upgrade
    from app.energy.report import periods as make_periods
    from app.energy.service import EnergyService
    from app.energy.source import HistorianSource
    from app.historian.reader import HistoryReader
    from app.historian.writer import HistorianWriter
    from app.quality.models import Assay
    from app.quality.service import QualityService

    layout = load_layout()
    tmp = Path(tempfile.mkdtemp(prefix="bench-eq-"))
    engine = make_engine(f"sqlite:///{tmp}/plant.sqlite")
    upgrade(engine)
    svc0 = EnergyService(layout)
    cfg = svc0.config
    start = svc0.calendar.day_bounds(date(2026, 11, 1))[0]
    end = svc0.calendar.day_bounds(date(2026, 12, 1))[0]
    series = month_history(layout, cfg, start, 30, 300)
    t = time.perf_counter()
    writer = HistorianWriter(engine, tmp / "spool")
    writer.start()
    names = list(series)
    for j, name in enumerate(names):
        ts, v = series[name]
        writer.enqueue_arrays(names, np.full(len(ts), j, np.int32), ts, v, np.full(len(ts), 2, np.int8))
    writer.flush(600)
    writer.stop()
    fill_s = time.perf_counter() - t
    samples = sum(len(s[0]) for s in series.values())

    svc = EnergyService(layout, HistorianSource(HistoryReader(engine)))
    figures: dict[str, object] = {"month_samples": samples, "fill_s": round(fill_s, 2)}
    rows: list[tuple[str, str, str]] = [("month samples (5 min)", f"{samples:,}", f"{len(series)} tags, written in {fill_s:.1f} s")]
    tags = sorted(series)
    max_err = 0.0
    for by in ("shift", "day", "month"):
        per = make_periods(svc.calendar, start, end, by)
        ours: dict[str, object] = {}

        def run_ours(by: str = by, ours: dict[str, object] = ours) -> None:
            ours["r"] = svc.report(start, end, by)

        def run_bare(per=per, ours=ours) -> None:  # type: ignore[no-untyped-def]
            ours["b"] = bare_figures(engine, cfg, tags, per)

        t_ours = median_time(run_ours, 3)
        t_bare = median_time(run_bare, 3)
        rep, bare = ours["r"], ours["b"]
        for p in rep["periods"]:  # type: ignore[index]
            for r in p["routes"]:
                ref = bare[p["period"]][r["id"]]  # type: ignore[index]
                max_err = max(max_err, abs(r["kgce_per_t"] - ref) / ref)
        figures[f"energy_{by}_s"] = round(t_ours, 4)
        figures[f"energy_{by}_bare_s"] = round(t_bare, 4)
        figures[f"energy_{by}_ratio"] = round(t_ours / t_bare, 2)
        rows.append((f"per-tonne by {by} ({len(per)} x 4 routes)", f"{t_ours:.3f} s", f"bare SQL+numpy {t_bare:.3f} s, ratio {t_ours / t_bare:.2f}"))
    figures["energy_max_rel_diff"] = max_err
    rows.append(("max difference vs bare", f"{max_err:.2e}", "relative, kgce/t of every route and period (ours rounded to 0.01)"))

    # --- SPC over 100,000 assays --------------------------------------------------------
    n = 100_000
    rng = np.random.default_rng(5)
    x = rng.normal(62.0, 0.8, n)
    x[60_000:60_050] += 2.0  # a shift the rules must catch
    t0 = datetime(2015, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    with DbSession(engine) as db, db.begin():
        db.execute(Assay.__table__.insert(), [
            {"sample_id": f"M{k:06d}", "lot_id": "", "characteristic": "SMF.MATTE_CU", "value": float(v),
             "sampled_at": t0 + timedelta(hours=k), "source": "lab", "entered_by": "bench", "signed": False,
             "reason": "", "import_file": "", "entered_at": now} for k, v in enumerate(x)])
    q = QualityService(layout, engine)
    got: dict[str, object] = {}

    def spc_ours() -> None:
        got["o"] = q.chart("SMF.MATTE_CU")[0]

    def spc_bare() -> None:
        with engine.connect() as conn:
            cur = conn.connection.dbapi_connection.cursor()
            cur.execute("SELECT sampled_at, value FROM quality_assays WHERE characteristic = ? ORDER BY sampled_at, id",
                        ("SMF.MATTE_CU",))
            rows = cur.fetchall()
        stamps = np.array([r[0] for r in rows], dtype="datetime64[us]")  # the x axis of the chart
        v = np.fromiter((r[1] for r in rows), np.float64, len(rows))
        got["t"] = stamps
        base = v[:25]
        sigma = np.abs(np.diff(base)).mean() / 1.128
        got["b"] = bare_spc(v, base.mean(), sigma)

    t_spc = median_time(spc_ours, 5)
    t_spc_bare = median_time(spc_bare, 5)
    res, bare = got["o"], got["b"]
    ours_flags = {r: np.array([i for i, rr in res.violations if rr == r]) for r in (1, 2, 3, 4)}  # type: ignore[attr-defined]
    same = all(np.array_equal(ours_flags[r], bare[r]) for r in (1, 2, 3, 4))  # type: ignore[index]
    t_rules = median_time(lambda: __import__("app.quality.spc", fromlist=["x"]).western_electric(x, 62.0, 0.8), 7)
    t_rules_bare = median_time(lambda: bare_spc(x, 62.0, 0.8), 7)
    figures.update(spc_points=n, spc_s=round(t_spc, 4), spc_bare_s=round(t_spc_bare, 4), spc_ratio=round(t_spc / t_spc_bare, 2),
                   spc_rules_s=round(t_rules, 5), spc_rules_bare_s=round(t_rules_bare, 5),
                   spc_rules_ratio=round(t_rules / t_rules_bare, 2), spc_identical=same,
                   spc_violations=len(res.violations))  # type: ignore[attr-defined]
    rows += [
        ("SPC 100,000 assays (query+chart)", f"{t_spc:.3f} s", f"bare SQL+numpy {t_spc_bare:.3f} s, ratio {t_spc / t_spc_bare:.2f}"),
        ("rules 1-4 on arrays", f"{t_rules * 1000:.1f} ms", f"bare sliding windows {t_rules_bare * 1000:.1f} ms, ratio {t_rules / t_rules_bare:.2f}"),
        ("violations identical", str(same), f"{len(res.violations)} flagged points"),  # type: ignore[attr-defined]
    ]
    engine.dispose()
    report("Energy per tonne and SPC", rows, figures, args.json)


if __name__ == "__main__":
    main()
