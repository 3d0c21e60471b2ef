"""Renders the report pages in docs/reports/ (PNG, 60 dpi) from the benchmark's week of history.

    .venv/bin/python bench/report.py          # once: writes /tmp/crucible_bench_report_week.sqlite
    .venv/bin/python tools/render_report_docs.py

Shift report (every page), daily and monthly report (first page), English and Chinese, with
a sample alarm journal and handover notes so every section has content.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    from report import CACHE, END  # bench/report.py

    from app.alarms.kpi import JournalEvent
    from app.core.layout import load_layout
    from app.db import make_engine
    from app.reports.pdf import build_pdf
    from app.reports.shift_data import HandoverNote, ReportSources, gather
    from app.shifts.service import ReportConfig, calendar_of

    if not CACHE.exists():
        print(f"{CACHE} is missing: run bench/report.py first", file=sys.stderr)
        return 2
    layout = load_layout()
    cal = calendar_of(layout)
    cfg = ReportConfig.from_mapping(layout.extra.get("shifts"))
    s = cal.shift_at(END - timedelta(minutes=1))
    t = s.start
    alarms = ["AP.TAIL_SO2.H", "AP.TAIL_SO2.HH", "PSC2.TUYERE_FLOW.H", "AP.CONV_TOT.L"]
    journal = [JournalEvent(t + timedelta(minutes=95, seconds=25 * k), alarms[k % 4], [3, 1, 2, 3][k % 4], "AP", "activate")
               for k in range(14)]
    for k in range(9):
        journal.append(JournalEvent(t + timedelta(hours=3, minutes=7 * k), "SMF.SLAG_CU.H", 3, "SMF", "activate"))
        journal.append(JournalEvent(t + timedelta(hours=3, minutes=7 * k + 3), "SMF.SLAG_CU.H", 3, "SMF", "clear"))
    journal.append(JournalEvent(t - timedelta(hours=30), "TH.S2.SHORTS.H", 3, "TH", "activate"))
    journal.append(JournalEvent(t + timedelta(hours=6), "CB.BIN3.LEVEL.L", 2, "CB", "activate"))
    notes = [
        HandoverNote("SMF", "wang", "Tap hole 2 hard to open at 19:40, lanced twice. Slag Cu high 19:00-20:00 after feed "
                     "change; back to 0.9 % by 21:00.", [("safety", "hot-metal splash at tap hole 2, area barriered"),
                                                          ("standing_alarm", "SMF.SLAG_CU.H since 19:05")], "wang", "li"),
        HandoverNote("PSC", "zhao", "PSC2 tuyeres punched 18:10. PSC3 relined, back on line next day shift.",
                     [("out_of_service", "PSC3 (relining)"), ("work_order", "WO-2611-0042 PSC3 refractory")], "wang", "li"),
        HandoverNote("AP", "wang", "2号吸收塔酸温偏高,已加大冷却水。Tail gas above 300 mg/m³ twice during PSC1 copper blow.",
                     [], "wang", "li"),
    ]
    engine = make_engine(f"sqlite:///{CACHE}")
    out = ROOT / "docs" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    for kind, day, number in (("shift", s.day, s.number), ("day", s.day, 0), ("month", date(s.day.year, s.day.month, 1), 0)):
        src = ReportSources(engine, cal, layout.name_en, layout.name_zh, cfg.targets, cfg.permit_mg_m3,
                            area_names={a.id: (a.name_en, a.name_zh) for a in layout.areas.values()},
                            state_tags={"CB.BELT1.STATE": ("STOPPED", "RUNNING", "FAULT")}, journal=journal,
                            handover=notes if kind == "shift" else [], leads=("wang", "li") if kind == "shift" else ("", ""))
        data = gather(src, kind, day, number)
        if kind == "shift":
            data.shift_name_zh = cfg.names_zh[number - 1]
        for lang in ("en", "zh_CN"):
            pdf = Path(f"/tmp/crucible_docs_{kind}_{lang}.pdf")
            pdf.write_bytes(build_pdf(data, lang))
            pages = [] if kind == "shift" else ["-l", "1"]
            subprocess.run(["pdftoppm", "-r", "60", "-png", *pages, str(pdf), str(out / f"{kind}_report_{lang}")], check=True)
            print(out / f"{kind}_report_{lang}-*.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
