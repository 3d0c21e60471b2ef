"""Screenshots of the energy, SPC and materials panels (English and Chinese) in docs/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/eqm_screenshots.py docs/ [--days 9]

Energy and materials: the simulator's process model driven in-process for ``--days`` days
(fast time), its published values as history. SPC: matte-grade assays in a temporary SQLite
database, in control for a while, then a shift of the process mean and one outlier.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(days: int) -> SimpleNamespace:
    from app.core.layout import load_layout
    from app.core.store import TagStore
    from app.core.tags import Quality, TagValue
    from app.db import make_engine
    from app.db.migrate import upgrade
    from app.energy.service import EnergyService
    from app.materials.service import MaterialsService
    from app.materials.simulated import account_tags, simulate
    from app.quality.assays import AssayInput
    from app.quality.service import QualityService

    layout = load_layout()
    energy0 = EnergyService(layout)
    materials0 = MaterialsService(layout)
    start = energy0.calendar.day_bounds(date(2026, 11, 22))[0]
    run = simulate(layout, start, 24.0 * days, sorted({*account_tags(materials0.config), *energy0.config.tags()}), sample_s=120.0)
    store = TagStore(layout.tags.values())
    now = run.end - timedelta(hours=3)
    store.apply({k: TagValue(v, Quality.GOOD, now, now) for k, v in run.values.items()})
    energy = EnergyService(layout, run.source, store)
    materials = MaterialsService(layout, run.source, store, energy)
    tmp = Path(tempfile.mkdtemp(prefix="eqm-shots-"))
    engine = make_engine(f"sqlite:///{tmp}/plant.sqlite")
    upgrade(engine)
    quality = QualityService(layout, engine, store)
    rng = np.random.default_rng(4)
    values = list(rng.normal(62.0, 0.6, 60)) + list(rng.normal(62.9, 0.6, 14)) + [65.2] + list(rng.normal(62.1, 0.6, 25))
    t0 = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    from app.quality.service import QualityService as _Q  # noqa: F401

    items = [AssayInput(f"M{k:04d}", "SMF.MATTE_CU", round(float(v), 2), t0 + timedelta(hours=2 * k),
                        f"MATTE-{(t0 + timedelta(hours=2 * k)).strftime('%m%d')}-{k % 3 + 1}") for k, v in enumerate(values)]
    from sqlalchemy.orm import Session as DbSession

    with DbSession(engine) as db, db.begin():
        db.add_all([quality._row(i, "lab", "lab1", False, "", "lab.csv") for i in items])
    runtime = SimpleNamespace(layout=layout, store=store, services={"energy": energy, "materials": materials, "quality": quality},
                              historian=None)
    return SimpleNamespace(runtime=runtime, clock=lambda: now)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("out", type=Path)
    p.add_argument("--days", type=int, default=9)
    args = p.parse_args()
    from PySide6.QtWidgets import QApplication

    from widgets.energy_panel import EnergyPanel
    from widgets.i18n import Translations
    from widgets.materials_panel import MaterialsPanel
    from widgets.panel import PanelContext
    from widgets.spc_panel import SpcPanel
    from widgets.store_bridge import StoreBridge
    from widgets.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv)
    apply_theme(app)  # type: ignore[arg-type]
    data = build(args.days)
    translations = Translations(app)
    args.out.mkdir(parents=True, exist_ok=True)
    for language in ("en", "zh_CN"):
        translations.install(language)
        ctx = PanelContext(data.runtime, StoreBridge(data.runtime.store), language=language)
        for cls, name, size in ((EnergyPanel, "energy_panel", (1600, 900)), (SpcPanel, "spc_panel", (1500, 800)),
                                (MaterialsPanel, "materials_panel", (1500, 760))):
            panel = cls(ctx, clock=data.clock) if cls is not SpcPanel else cls(ctx)
            panel.resize(*size)
            panel.show()
            if cls is EnergyPanel:
                panel.period_box.setCurrentIndex(panel.period_box.findData("yesterday"))
            elif cls is MaterialsPanel:
                panel.period_box.setCurrentIndex(panel.period_box.findData("yesterday"))
            else:
                panel.refresh()
            panel.wait(300)
            app.processEvents()
            path = args.out / f"{name}{'' if language == 'en' else '_zh_CN'}.png"
            panel.grab().save(str(path))
            print(f"wrote {path}")
            panel.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
