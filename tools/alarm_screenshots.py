"""Screenshots of the alarm panels: the list during an acid-plant upset, and the KPI panel
after a simulated 8-hour shift (journal in a temporary SQLite file).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/alarm_screenshots.py docs/
"""

from __future__ import annotations

import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.alarms.definitions import load_alarms  # noqa: E402
from app.alarms.engine import AlarmEngine  # noqa: E402
from app.alarms.journal import JournalWriter  # noqa: E402
from app.core.layout import DEFAULT_LAYOUT, PlantLayout, load_layout  # noqa: E402
from tests.alarms.helpers import Clock  # noqa: E402
from tests.alarms.scenarios import (  # noqa: E402
    acid_plant_upset,
    batch,
    blower_trip,
    normal_values,
    short_circuit_cluster,
)


def simulate_shift(
    layout: PlantLayout, engine: AlarmEngine, clock: Clock, hours: float = 8.0, seed: int = 7, first: bool = True
) -> None:
    """An 8-hour shift: normal noise, a few excursions, a chattering cell, a blower trip,
    an acid-plant upset and a short-circuit flood; operators acknowledge after a while."""
    rng = random.Random(seed)
    values = normal_values(layout)
    if first:
        engine.evaluate(batch(values, clock.now))
    analog = [a for a in engine.definitions if a.type.value in ("H", "L") and a.tag in values and a.limit is not None
              and not a.suppression]
    if first:  # an alarm from the day before that nobody dealt with: stale by the shift's end
        engine.evaluate(batch({"SMF.SHELL_T3": 230.0}, clock.now))
        clock.advance(61)
        engine.tick()
    excursions: list[tuple[float, str, float]] = []  # (end time s, tag, normal value)
    events = {
        int(1.2 * 3600): ("blower trip", blower_trip(layout)),
        int(3.5 * 3600): ("acid upset", acid_plant_upset(layout)),
        int(5.0 * 3600): ("short cluster", {**short_circuit_cluster(layout),
                                            **{f"TH.S2.C{c:02d}.V": 0.04 for c in range(20, 30)}}),
    }
    restore: dict[int, dict[str, float | int | bool]] = {}
    base = normal_values(layout)
    t = 0
    step = 10
    end_s = int(hours * 3600)
    # the day before: one alarm that has stood since then (stale)
    while t < end_s:
        t += step
        now = clock.advance(step)
        changes: dict[str, float | int | bool] = {}
        if t in events:
            _, scenario = events[t]
            changes.update(scenario)
            restore[t + rng.randint(20, 40) * 60] = {k: base[k] for k in scenario}
        if t in restore:
            changes.update(restore.pop(t))
        if rng.random() < step / 900:  # an excursion about every 15 minutes
            a = rng.choice(analog)
            span = abs(a.limit or 0) * 0.05 + a.deadband * 3 + 0.01
            changes[a.tag] = (a.limit or 0) + (span if a.type.value == "H" else -span)
            excursions.append((t + rng.randint(3, 25) * 60, a.tag, base[a.tag]))
        if 6.0 * 3600 <= t < 6.0 * 3600 + 120:  # the reject counter flickering at its limit: chattering
            changes["CW.REJECTS"] = 41.0 if (t // 10) % 2 == 0 else 38.5
        for item in [e for e in excursions if e[0] <= t]:
            changes[item[1]] = item[2]
            excursions.remove(item)
        if changes:
            engine.evaluate(batch(changes, now))
        engine.tick()
        if t % 120 == 0:  # operators acknowledge what has been up for a couple of minutes
            old = [r.id for r in engine.visible() if r.unacked and r.time and (now - r.time).total_seconds() > 90]
            if old:
                engine.ack(old, rng.choice(["li.wei", "zhang.min", "chen.jie"]))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs")
    out.mkdir(parents=True, exist_ok=True)
    import os

    os.environ.setdefault("CRUCIBLE_NO_SOUND", "1")
    from PySide6.QtWidgets import QApplication

    from widgets.alarm_kpi_panel import AlarmKpiPanel
    from widgets.alarm_list_panel import AlarmListPanel
    from widgets.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    layout = load_layout(DEFAULT_LAYOUT)
    definitions = load_alarms(layout)

    # 1. the alarm list during an acid-plant upset (a blower trip acknowledged earlier)
    clock = Clock()
    eng = AlarmEngine(definitions, layout.tags, clock=clock)
    values = normal_values(layout)
    eng.evaluate(batch(values, clock.now))
    panel = AlarmListPanel(eng, layout, user=lambda: "li.wei")
    for scenario, minutes in ((blower_trip(layout), 4), ({}, 15), ({"SMF.SLAG_CU": 1.3, "SMF.MATTE_LEVEL": 950.0}, 3),
                              (acid_plant_upset(layout), 3)):
        values.update(scenario)
        for _ in range(minutes * 12):
            clock.advance(5)
            eng.evaluate(batch(values, clock.now))
            eng.tick()
        if scenario is not values:
            eng.ack([r.id for r in eng.visible() if r.id.startswith("PSC2")], "li.wei")
    eng.shelve("SMF.SLAG_CU.H", "li.wei", "assay lab re-running the sample", 3600)
    panel.refresh()
    panel.resize(1600, 520)
    panel.show()
    panel.table.selectRow(0)
    app.processEvents()
    panel.grab().save(str(out / "alarm_list_acid_upset.png"))

    # 2. the KPI panel after a simulated shift
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'journal.sqlite'}"
        clock = Clock(Clock().now - timedelta(hours=26))
        journal = JournalWriter(url, "console-1")
        eng = AlarmEngine(definitions, layout.tags, clock=clock, journal=journal)
        eng.start()
        clock.advance(0)
        simulate_shift(layout, eng, clock, hours=0.05)  # the stale alarm, the day before
        clock.advance(18 * 3600)
        simulate_shift(layout, eng, clock, hours=8.0, first=False)
        journal.flush()
        kpi = AlarmKpiPanel(journal.db, eng, clock=lambda: clock.now)
        kpi.resize(1400, 800)
        kpi.show()
        kpi.compute()
        kpi.wait()
        app.processEvents()
        kpi.grab().save(str(out / "alarm_kpi_shift.png"))
        if kpi.report:
            r = kpi.report
            print(f"shift: {r.annunciated} alarms, floods {r.flood_count}, chattering {r.chattering}, "
                  f"stale {[a for a, _ in r.stale]}, mix {r.priority_pct}")
        eng.close()
    print(out / "alarm_list_acid_upset.png")
    print(out / "alarm_kpi_shift.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
