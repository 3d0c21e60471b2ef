"""Maintenance: KPIs of 500 machines over a year of state history, and the equipment status
panel refreshing 500 machines at 1 Hz.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/maintenance.py --json

KPIs: :func:`app.maintenance.kpi.compute_kpis` (availability, MTBF, MTTR, failures with the
edge rules) against the bare numpy core of the same job (one sort of packed machine/time/state keys,
durations, ``bincount`` of time per machine and state). Panel: CPU time (process time, all threads) of one refresh (500
changed vibrations and run hours applied to the store, the model updated, the visible table
repainted) as a share of one core at one refresh a second, against a bare Python loop reading
the same 1,500 values.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time

import numpy as np
from common import median_time, parser, report

N_EQUIPMENT = 500
YEAR_S = 365 * 86400.0


def synthetic_history(n: int = N_EQUIPMENT, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """A year of transitions per machine: runs (Weibull, mean ~9 h) broken by idle spells,
    planned stops, breakdowns and the odd lock-out."""
    rng = np.random.default_rng(seed)
    ts_all, eq_all, st_all = [], [], []
    for e in range(n):
        k = 1200  # spells; trimmed to a year below
        runs = rng.weibull(1.5, k) * 10 * 3600
        stops = rng.lognormal(np.log(2 * 3600), 0.8, k)
        kinds = rng.choice([1, 2, 3, 4], size=k, p=[0.6, 0.2, 0.17, 0.03])
        durations = np.empty(2 * k)
        durations[0::2] = runs
        durations[1::2] = stops
        states = np.empty(2 * k, np.int8)
        states[0::2] = 0
        states[1::2] = kinds
        ts = np.concatenate([[0.0], np.cumsum(durations)[:-1]])
        keep = ts < YEAR_S
        ts_all.append(ts[keep])
        eq_all.append(np.full(keep.sum(), e, np.int64))
        st_all.append(states[keep])
    names = [f"EQ{e:04d}" for e in range(n)]
    order = np.random.default_rng(seed + 1).permutation(sum(len(t) for t in ts_all))  # as a database returns them: any order
    return (np.concatenate(ts_all)[order], np.concatenate(eq_all)[order], np.concatenate(st_all)[order], names)


def bare_numpy(ts: np.ndarray, eq: np.ndarray, st: np.ndarray, n: int, end: float) -> np.ndarray:
    """Time per machine and state, nothing else: the floor of any KPI computation."""
    t0 = ts.min()
    key = np.sort((eq.astype(np.int64) << 44) | (np.rint((ts - t0) * 1000).astype(np.int64) << 3) | st.astype(np.int64))
    t, e, s = ((key >> 3) & ((1 << 41) - 1)) / 1000.0, key >> 44, key & 7
    nxt = np.empty_like(t)
    nxt[:-1] = t[1:]
    last = np.ones(len(t), bool)
    last[:-1] = e[1:] != e[:-1]
    nxt[last] = end - t0
    return np.bincount(e * 5 + s, weights=nxt - t, minlength=n * 5).reshape(n, 5)


def bench_kpis() -> dict[str, float]:
    from app.maintenance.kpi import StateHistory, compute_kpis

    ts, eq, st, names = synthetic_history()
    history = StateHistory(names, ts, eq, st)
    t_kpi = median_time(lambda: compute_kpis(history, 0.0, YEAR_S), repeats=5)
    t_raw = median_time(lambda: bare_numpy(ts, eq, st, len(names), YEAR_S), repeats=5)
    k = compute_kpis(history, 0.0, YEAR_S)
    hours = bare_numpy(ts, eq, st, len(names), YEAR_S) / 3600
    assert np.allclose([x.running_h for x in k], hours[:, 0])  # the same figures as the floor
    return {"kpi_rows": float(len(ts)), "kpi_s": t_kpi, "kpi_numpy_s": t_raw, "ratio_kpi_to_numpy": t_kpi / t_raw,
            "mean_failures": float(np.mean([x.failures for x in k])),
            "mean_availability_pct": float(np.mean([x.availability_pct for x in k]))}


def bench_panel(refreshes: int = 20) -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import types

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import create_engine

    import app.maintenance.models  # noqa: F401
    from app.core.store import TagStore
    from app.core.tags import Quality, TagDef, TagValue
    from app.db import Base
    from app.maintenance.ledger import Equipment, Ledger, PreventivePlan, ZoneLimits
    from app.maintenance.service import MaintenanceService
    from widgets.equipment_status_panel import EquipmentStatusPanel
    from widgets.panel import PanelContext
    from widgets.store_bridge import StoreBridge

    qt = QApplication.instance() or QApplication([])
    areas = ["SMF", "PSC", "AP", "TH", "WT", "OX", "CB", "SF"]
    equipment = {}
    tags: list[TagDef] = []
    for i in range(N_EQUIPMENT):
        eid = f"{areas[i % len(areas)]}.M{i:03d}"
        roles = {"state": f"{eid}.STATE", "vibration": f"{eid}.VIB", "run_hours": f"{eid}.RUN_HOURS"}
        for role, name in roles.items():
            tags.append(TagDef(name, areas[i % len(areas)], eid, role, role, "", 0.0, 100.0, ""))
        equipment[eid] = Equipment(eid, eid, areas[i % len(areas)], "pump", f"Machine {i}", tags=roles,
                                   zones=ZoneLimits(2, "rigid", 1.4, 2.8, 4.5),
                                   plans=(PreventivePlan(f"{eid}.LUBE", "Regrease", every_run_h=1000),))
    ledger = Ledger(None, equipment)  # type: ignore[arg-type]
    tmp = tempfile.mkdtemp(prefix="crucible-bench-")
    engine = create_engine(f"sqlite:///{tmp}/bench.sqlite")
    Base.metadata.create_all(engine, tables=[t for t in Base.metadata.sorted_tables if t.name.startswith("maint_")])
    store = TagStore(tags)
    rng = np.random.default_rng(3)
    now = dt.datetime.now(dt.UTC)

    def batch() -> dict[str, TagValue]:
        out: dict[str, TagValue] = {}
        for eid in equipment:
            out[f"{eid}.STATE"] = TagValue(1, Quality.GOOD, now, now)
            out[f"{eid}.VIB"] = TagValue(float(rng.uniform(0.8, 3.2)), Quality.GOOD, now, now)
            out[f"{eid}.RUN_HOURS"] = TagValue(float(rng.uniform(1000, 50000)), Quality.GOOD, now, now)
        return out

    store.apply(batch())
    svc = MaintenanceService(ledger, engine, store=store)
    svc.start()
    runtime = types.SimpleNamespace(layout=None, store=store, services={"maintenance": svc})
    panel = EquipmentStatusPanel(PanelContext(runtime=runtime, bridge=StoreBridge(store)), refresh_ms=3_600_000)  # type: ignore[arg-type]
    panel.resize(1800, 900)
    panel.show()
    panel.slow_query.wait(30)
    for _ in range(5):
        qt.processEvents()
    batches = [batch() for _ in range(refreshes)]
    cpu = []
    for b in batches:
        store.apply(b)  # the drivers' work, not the panel's
        c0 = time.process_time()
        panel.refresh()
        qt.processEvents()  # the repaint of the visible rows
        cpu.append(time.process_time() - c0)
    names = [n for e in equipment.values() for n in e.tags.values()]

    def bare() -> list[object]:
        vals = store.values
        return [vals[n].value for n in names]

    t_bare = median_time(bare, repeats=20)
    per_refresh = float(np.median(cpu))
    panel.teardown()
    svc.close()
    return {"panel_refresh_cpu_ms": per_refresh * 1000, "panel_cpu_share_pct_at_1hz": per_refresh * 100.0,
            "panel_bare_read_ms": t_bare * 1000, "ratio_panel_to_bare_read": per_refresh / t_bare}


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    figures: dict[str, object] = {}
    figures.update(bench_kpis())
    figures.update(bench_panel())
    figures["kpi_goal_s"] = 0.5
    figures["panel_goal_pct"] = 5.0
    report(
        f"Maintenance: KPIs of {N_EQUIPMENT} machines over a year; status panel of {N_EQUIPMENT} at 1 Hz (medians)",
        [
            ("state transitions", f"{figures['kpi_rows']:,.0f}", "a year, 500 machines"),
            ("compute_kpis", f"{figures['kpi_s'] * 1000:.0f} ms", "goal <= 500 ms"),
            ("bare numpy (time per state)", f"{figures['kpi_numpy_s'] * 1000:.0f} ms", "sort + bincount only"),
            ("ratio kpis/numpy", f"{figures['ratio_kpi_to_numpy']:.2f}", "also spells, failures, MTTR"),
            ("panel refresh CPU", f"{figures['panel_refresh_cpu_ms']:.1f} ms", "500 rows changed, repaint"),
            ("CPU share at 1 Hz", f"{figures['panel_cpu_share_pct_at_1hz']:.2f} %", "goal <= 5 % of a core"),
            ("bare read of 1,500 values", f"{figures['panel_bare_read_ms']:.2f} ms", "list comprehension"),
            ("ratio panel/bare read", f"{figures['ratio_panel_to_bare_read']:.0f}", ""),
        ],
        figures,
        args.json,
    )


if __name__ == "__main__":
    main()
