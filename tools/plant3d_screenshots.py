"""Screenshots of the 3D plant view for docs/ (run under Xvfb with the xcb platform):

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python tools/plant3d_screenshots.py

Writes docs/plant3d_overview_{en,zh}.png, docs/plant3d_converter_aisle_{en,zh}.png and
docs/plant3d_alarm_{en,zh}.png, with the simulator's process model stepped in-process.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from app.core.tags import utcnow
    from app.plant3d.local import LocalPlant
    from widgets.i18n import Translations
    from widgets.panel import PanelContext
    from widgets.plant3d_panel import Plant3DPanel
    from widgets.store_bridge import StoreBridge

    app = QApplication.instance() or QApplication(sys.argv)
    translations = Translations(app)
    now = [utcnow()]
    plant = LocalPlant(clock=lambda: now[0])
    plant.step(1.0, everything=True)
    # run the plant until a converter-aisle crane carries a ladle
    for _ in range(2000):
        now[0] += timedelta(seconds=10)
        plant.step(10.0)
        loads = [plant.store.values[f"PSC.CRANE{n}.LOAD"].value for n in (1, 2)]
        if any(v and v > 10 for v in loads):
            break
    plant.alarms.tick()
    bridge = StoreBridge(plant.store)
    docs = ROOT / "docs"
    for lang in ("en", "zh_CN"):
        translations.install(lang)
        ctx = PanelContext(runtime=plant, bridge=bridge, language=lang)  # type: ignore[arg-type]
        panel = Plant3DPanel(ctx)
        panel.resize(1500, 900)
        panel.show()
        app.processEvents()
        if not panel.wait_ready():
            print(f"no 3D view: {panel.problem}")
            return 1
        suffix = "en" if lang == "en" else "zh"
        panel.set_view("OVERVIEW", animate=False)
        panel.refresh()
        app.processEvents()
        panel.grab_image(docs / f"plant3d_overview_{suffix}.png")
        panel.set_view("PSC", animate=False)
        app.processEvents()
        panel.grab_image(docs / f"plant3d_converter_aisle_{suffix}.png")
        panel.close_view()
        panel.deleteLater()
        app.processEvents()
    # an alarmed unit: converter 2's blower trips, SO2 rises while people are in the aisle
    tag = plant.layout.tags["PSC2.BLOWER.STATE"]
    plant.set("PSC2.BLOWER.STATE", tag.states.index("FAULT"))
    plant.set("HSE.Z02.PERSONS", 6)
    plant.set("HSE.AMBIENT_SO2", 4.2)
    now[0] += timedelta(seconds=30)
    plant.alarms.tick()
    for lang in ("en", "zh_CN"):
        translations.install(lang)
        ctx = PanelContext(runtime=plant, bridge=bridge, language=lang)  # type: ignore[arg-type]
        panel = Plant3DPanel(ctx)
        panel.resize(1500, 900)
        panel.show()
        app.processEvents()
        panel.wait_ready()
        panel.set_view("PSC", animate=False)
        panel.show_unit("PSC2", animate=False)
        panel.refresh()
        panel.hover_label.setText(panel.hover_text("PSC2").replace("\n", "  ·  "))
        app.processEvents()
        suffix = "en" if lang == "en" else "zh"
        panel.grab_image(docs / f"plant3d_alarm_{suffix}.png")
        print(panel.hover_text("PSC2"))
        panel.close_view()
        panel.deleteLater()
        app.processEvents()
    print("written to", docs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
