"""Screenshots of the dispatch board during a simulated shift (English and Chinese).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/dispatch_board_screenshots.py

The simulator model runs a day to warm up, the board schedules the aisle from the start of
the day shift with CP-SAT, then the model runs seven hours of the shift while the tracker
records lots; the board is grabbed at 15:00 with its now line, actual bars and late tasks (converter 3's
blower trips at 11:30).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DOCS = Path(__file__).resolve().parents[1] / "docs"


def build(language: str):  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from PySide6.QtWidgets import QApplication, QMainWindow

    from app.core.layout import load_layout
    from app.core.shifts import ShiftCalendar
    from app.core.store import TagStore
    from app.core.tags import Quality, TagValue
    from app.production import cpsat
    from app.production.config import load_production
    from app.production.service import ProductionService
    from app.production.tracking import LotTracker, MemorySink
    from app.sim.model import PlantModel
    from widgets.dispatch_board import DispatchBoardPanel
    from widgets.i18n import Translations
    from widgets.panel import PanelContext
    from widgets.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app)
    tr = Translations(app)
    tr.install(language)
    layout = load_layout(Path(__file__).resolve().parents[1] / "plant_layouts" / "copper_smelter")
    cal = ShiftCalendar()
    t_sim0 = datetime(2026, 11, 30, 8, 0, tzinfo=cal.tz)
    shift_start = t_sim0 + timedelta(days=1)
    now = shift_start + timedelta(hours=7)
    model = PlantModel(layout.tags, seed=11)
    store = TagStore(layout.tags.values())
    svc = ProductionService(load_production(layout.folder / "production.yaml"))
    svc.store = store
    tracker = LotTracker(MemorySink(), cal, residence_h=4.0)
    svc.attach_tracker(tracker)
    t = t_sim0
    step = 60
    while t < now:
        model.step(step)
        t += timedelta(seconds=step)
        if t == shift_start:
            values = dict(model.values)
            svc.set_schedule(cpsat.solve(svc.problem_from_live(shift_start, values), time_limit_s=10))
        if t == shift_start + timedelta(hours=3, minutes=30):
            model.trip("PSC3.BLOWER")  # the upset of the shift: converter 3's blower trips
        if t >= shift_start - timedelta(hours=12):
            tracker.observe(t, model.values)
        if t > now - timedelta(minutes=2):
            store.apply({k: TagValue(v, Quality.GOOD, t, t) for k, v in model.values.items() if k in store.definitions})
    runtime = SimpleNamespace(layout=layout, store=store, services={"production": svc}, audit=None, historian=None)
    panel = DispatchBoardPanel(PanelContext(runtime=runtime, bridge=None, language=language), now=lambda: now)  # type: ignore[arg-type]
    first = next((x for x in svc.schedule.tasks if x.resource == "CRANE1" and x.start > 330), None)
    if first is not None:
        svc.release(first.id)
        panel.gantt.released = svc.released
    window = QMainWindow()
    window.setCentralWidget(panel)
    window.resize(1600, 900)
    window.setWindowTitle(panel.title())
    window.show()
    panel._stats_query.wait(30)
    panel._on_timer_timeout()
    panel.tabs.setCurrentIndex(0)
    app.processEvents()
    return app, window, panel


def main() -> None:
    for language, suffix in (("en", "en"), ("zh_CN", "zh_CN")):
        app, window, panel = build(language)
        window.grab().save(str(DOCS / f"dispatch_board_{suffix}.png"))
        panel.tabs.setCurrentIndex(1)
        app.processEvents()
        window.grab().save(str(DOCS / f"dispatch_board_completion_{suffix}.png"))
        window.close()
        print("saved", DOCS / f"dispatch_board_{suffix}.png")


if __name__ == "__main__":
    main()
