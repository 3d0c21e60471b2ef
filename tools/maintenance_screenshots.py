"""Screenshots of the equipment status and work order panels (English and Chinese) on the
simulated plant of tests/maintenance/demo.py, in a temporary SQLite plant database.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/maintenance_screenshots.py docs/
"""

from __future__ import annotations

import os
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    out.mkdir(parents=True, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="crucible-maint-")
    os.environ["CRUCIBLE_DATA_DIR"] = tmp
    from PySide6.QtWidgets import QApplication

    import app.maintenance.models  # noqa: F401
    from app.alarms.service import build_alarm_engine
    from app.core.layout import DEFAULT_LAYOUT, load_layout
    from app.core.settings import load_settings
    from app.core.store import TagStore
    from app.db import Base
    from app.historian.service import open_historian
    from tests.maintenance.demo import build
    from widgets.equipment_status_panel import EquipmentStatusPanel
    from widgets.i18n import Translations
    from widgets.panel import PanelContext
    from widgets.store_bridge import StoreBridge
    from widgets.theme import apply_theme
    from widgets.work_order_panel import WorkOrderPanel

    qt_app = QApplication(sys.argv)
    apply_theme(qt_app)
    layout = load_layout(DEFAULT_LAYOUT)
    settings = load_settings()
    settings.db_url = f"sqlite:///{tmp}/plant.sqlite"
    historian = open_historian(settings, definitions=layout.tags)
    Base.metadata.create_all(historian.engine, tables=[t for t in Base.metadata.sorted_tables if t.name.startswith("maint_")])
    historian.start()
    alarms = build_alarm_engine(layout, TagStore(layout.tags.values()))
    svc, store = build(layout, historian.engine, historian, alarms)
    runtime = types.SimpleNamespace(layout=layout, store=store, alarms=alarms, historian=historian, services={"maintenance": svc})
    translations = Translations(qt_app)
    for language in ("en", "zh_CN"):
        translations.install(language)
        ctx = PanelContext(runtime=runtime, bridge=StoreBridge(store), language=language)  # type: ignore[arg-type]
        status = EquipmentStatusPanel(ctx)
        status.resize(1800, 520)
        status.show()
        status.slow_query.wait(20)
        status.select("AP.BLOWER")
        status.detail_query.wait(20)
        for _ in range(20):
            qt_app.processEvents()
        suffix = "" if language == "en" else "_zh"
        status.grab().save(str(out / f"equipment_status{suffix}.png"))
        orders = WorkOrderPanel(ctx)
        orders.resize(1400, 360)
        orders.show()
        orders.query.wait(20)
        orders.view.selectRow(0)
        for _ in range(20):
            qt_app.processEvents()
        orders.grab().save(str(out / f"work_orders{suffix}.png"))
        status.teardown()
        orders.teardown()
        status.close()
        orders.close()
    svc.close()
    historian.stop()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
