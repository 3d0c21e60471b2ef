"""The energy, SPC and materials panels as an operator sees them: real Qt widgets offscreen,
real services on real data (history in memory, assays in a real SQLite file)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from app.core.layout import load_layout
from app.core.store import TagStore
from app.core.tags import Quality, TagValue
from app.energy.service import EnergyService
from app.energy.source import ArraySource
from app.materials.service import MaterialsService

DAY = date(2026, 11, 30)


def history(layout: Any, energy: EnergyService, materials: MaterialsService) -> ArraySource:
    """Two production days at 5 minutes: kWh counters, rates, shift counters (reset each shift)."""
    start = energy.calendar.day_bounds(DAY - timedelta(days=1))[0]
    n = 2 * 288 + 1
    ts = int(start.timestamp()) * 1_000_000 + np.arange(n, dtype=np.int64) * 300_000_000
    h = np.arange(n) / 12.0
    series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for tag in sorted({*energy.config.tags(), *[t for s in materials.config.accounts.values()
                                                for term in [*s.inputs, *s.outputs, *s.losses]
                                                for t in (term.rate, term.counter, term.pct, term.recovery) if t]}):
        if tag.endswith(".KWH"):
            series[tag] = (ts, 1e6 + 10_000.0 * h)
        elif tag in ("TH.CATHODE_T", "SMF.MATTE_TAPPED", "CW.COUNT"):
            sh = h % 8
            series[tag] = (ts, 50.0 * np.where((sh == 0) & (h > 0), 8.0, sh))
        elif tag.endswith("_CU") or tag.endswith("BLEND_S"):
            series[tag] = (ts, np.full(n, 25.0))
        elif tag == "SF.REC":
            series[tag] = (ts, np.full(n, 85.0))
        else:
            series[tag] = (ts, np.full(n, 200.0))
    return ArraySource(series)


@pytest.fixture
def context(qapp, tmp_path: Path):  # type: ignore[no-untyped-def]
    from app.db import make_engine
    from app.db.migrate import upgrade
    from app.quality.service import QualityService
    from widgets.panel import PanelContext
    from widgets.store_bridge import StoreBridge

    layout = load_layout()
    store = TagStore(layout.tags.values())
    now = datetime.now(UTC)
    store.apply({"EM.TH.KW": TagValue(13_500.0, Quality.GOOD, now, now), "CB.BIN1.LEVEL": TagValue(50.0, Quality.GOOD, now, now),
                 "CB.BLEND_CU": TagValue(25.0, Quality.GOOD, now, now)})
    e0, m0 = EnergyService(layout), MaterialsService(layout)
    src = history(layout, e0, m0)
    energy = EnergyService(layout, src, store)
    materials = MaterialsService(layout, src, store, energy)
    engine = make_engine(f"sqlite:///{tmp_path}/plant.sqlite")
    upgrade(engine)
    quality = QualityService(layout, engine, store)
    runtime = SimpleNamespace(layout=layout, store=store, historian=None,
                              services={"energy": energy, "materials": materials, "quality": quality})
    clock = lambda: energy.calendar.day_bounds(DAY)[0] + timedelta(hours=9)  # noqa: E731 - shift 2 of DAY
    return SimpleNamespace(ctx=PanelContext(runtime, StoreBridge(store)), clock=clock, quality=quality, tmp=tmp_path)


def test_energy_panel_shows_factor_live_power_and_per_tonne_against_the_limit(context, qtbot) -> None:  # type: ignore[no-untyped-def]
    from widgets.energy_panel import EnergyPanel

    panel = EnergyPanel(context.ctx, clock=context.clock)
    qtbot.addWidget(panel)
    assert "electricity 0.1229 kgce/kWh (calorific equivalent)" in panel.factors.text()
    live = panel._meter_items["EM.TH"][0].text()
    assert live == "13,500"
    panel.period_box.setCurrentIndex(panel.period_box.findData("yesterday"))
    panel.wait()
    f = panel.figures
    assert f is not None and f["period"] == (DAY - timedelta(days=1)).isoformat()
    routes = {r["id"]: r for r in f["routes"]}
    # 9 main meters x 10,000 kWh/h x 24 h x 0.1229 + gas 2 x 200 Nm³/h x 24 h x 1.2143 over 3 shifts x 400 t
    expected = (9 * 240_000 * 0.1229 + 9_600 * 1.2143) / 1200
    assert routes["cathode"]["kgce_per_t"] == pytest.approx(expected, rel=1e-3)
    assert "0.1229 kgce/kWh" in panel.per_t_note.text() and "GB 21248-2007" in panel.per_t_group.title()
    assert panel._meter_items["EM.TH"][2].text() == f"{240_000 * 0.1229:,.0f}"
    assert "No forecast" in panel.forecast_note.text()  # two days of history: too few for a regression
    # the console's clock in another zone (UTC) than the plant's shifts: the period reads in plant time
    panel.clock = lambda: context.clock().astimezone(UTC)
    panel.period_box.setCurrentIndex(panel.period_box.findData("shift"))
    panel.wait()
    assert panel.status.text() == f"{DAY.isoformat()}/2: {DAY.isoformat()} 08:00 to {DAY.isoformat()} 09:00"
    panel.close()


def login(context, monkeypatch, user: str, password: str, role: str):  # type: ignore[no-untyped-def]
    """A real security session on the panel context's database, ``user`` logged in."""
    from app.core.settings import load_settings
    from app.security.context import build_security

    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    settings = load_settings()
    settings.db_url = f"sqlite:///{context.tmp}/plant.sqlite"
    sec = build_security(settings)
    sec.users.add_user(user, password, [role])
    sec.session.login(user, password)
    context.ctx.session = sec.session
    return sec


def test_spc_panel_marks_violations_with_rule_and_lot(context, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from widgets.spc_panel import SpcPanel

    sec = login(context, monkeypatch, "lab1", "lab-bench-7", "laboratory")

    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    rows = ["sample_id,lot_id,sampled_at,characteristic,value"]
    vals = [0.9 + 0.02 * ((k * 7) % 5 - 2) for k in range(25)] + [1.5]
    rows += [f"S{k},SLAG-{k},{(t0 + timedelta(hours=k)).isoformat()},SMF.SLAG_CU,{v:.3f}" for k, v in enumerate(vals)]
    (context.tmp / "lab.csv").write_text("\n".join(rows) + "\n")
    context.quality.import_lab_csv(context.tmp / "lab.csv", sec.session)
    panel = SpcPanel(context.ctx)
    qtbot.addWidget(panel)
    panel.char_box.setCurrentIndex(panel.char_box.findData("SMF.SLAG_CU"))
    panel.wait()
    m = panel.table_model
    assert m.rowCount() >= 1
    assert (m.item(0, 0).text(), m.item(0, 2).text(), m.item(0, 3).text()) == ("25", "1", "SLAG-25")
    assert m.item(0, 4).text() == "one point beyond 3 sigma"
    assert "limits from the first 25 points" in panel.limits.text() and "UCL" in panel.limits.text()
    assert "26 points, 1 out of control" == panel.status.text()
    panel.char_box.setCurrentIndex(panel.char_box.findData("CW.ANODE_MASS"))  # no assays yet
    panel.wait()
    assert panel.status.text().startswith("No chart:") and m.rowCount() == 0
    panel.close()
    sec.close()


def test_the_services_reasons_read_in_chinese_on_a_chinese_console(context, qtbot, qapp) -> None:  # type: ignore[no-untyped-def]
    from widgets.energy_panel import EnergyPanel
    from widgets.i18n import Translations
    from widgets.spc_panel import SpcPanel

    translations = Translations(qapp)
    assert translations.install("zh_CN")
    try:
        spc = SpcPanel(context.ctx)
        qtbot.addWidget(spc)
        spc.char_box.setCurrentIndex(spc.char_box.findData("CW.ANODE_MASS"))  # no assays: no chart
        spc.wait()
        assert spc.status.text() == "无控制图:数据点(0 个)不足一个 5 点的子组", spc.status.text()  # X̄-R, n = 5
        energy = EnergyPanel(context.ctx, clock=context.clock)
        qtbot.addWidget(energy)
        energy.period_box.setCurrentIndex(energy.period_box.findData("yesterday"))
        energy.wait()
        note = energy.forecast_note.text()  # two days of history: too few for a regression
        assert "预测至少需要" in note and "past days" not in note, note
        spc.close()
        energy.close()
    finally:
        translations.install("en")


def test_materials_panel_shows_stocks_account_and_cost(context, qtbot) -> None:  # type: ignore[no-untyped-def]
    from widgets.materials_panel import MaterialsPanel

    panel = MaterialsPanel(context.ctx, clock=context.clock)
    qtbot.addWidget(panel)
    stocks = {panel.stocks.item(r, 0).text(): (panel.stocks.item(r, 2).text(), panel.stocks.item(r, 3).text())
              for r in range(panel.stocks.rowCount())}
    assert stocks["Concentrate bin 1"] == ("300", "75")  # 50 % of 600 t at 25 % Cu
    assert stocks["Cathode store"][0] == "stock-take"  # a book stock (no tag)
    assert stocks["Anode yard"][0] == "—"  # measured (CW.YARD_T), no value in this store yet
    panel.period_box.setCurrentIndex(panel.period_box.findData("yesterday"))
    panel.wait()
    cu = {panel.cu.item(r, 0).text(): panel.cu.item(r, 1).text() for r in range(panel.cu.rowCount())}
    assert cu["In: concentrate"] == f"{200 * 24 * 0.25:,.1f}"  # 200 t/h at 25 % Cu for a day
    assert cu["Out: cathode"] == f"{1200.0:,.1f}"
    cost = {panel.cost.item(r, 0).text(): panel.cost.item(r, 1).text() for r in range(panel.cost.rowCount())}
    assert cost["fixed cost"] == "1,200,000 CNY" and cost["Per tonne of cathode"].endswith("CNY/t")
    panel.close()


def test_spc_panel_hand_entry_is_signed(context, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from widgets.spc_panel import SpcPanel

    sec = login(context, monkeypatch, "lead1", "smelter-42", "shift_lead")
    panel = SpcPanel(context.ctx)
    qtbot.addWidget(panel)
    assert panel.enter_button.isEnabled()
    for password, expect in (("wrong", "Assay not stored"), ("smelter-42", "Assay stored and signed by lead1")):
        panel.enter_button.click()
        dialog = panel.entry_dialog
        assert dialog is not None and dialog.isVisible()
        dialog.sample.setText("M-77")
        dialog.characteristic.setCurrentIndex(dialog.characteristic.findData("SMF.MATTE_CU"))
        dialog.value.setValue(61.5)
        dialog.lot.setText("MATTE-77")
        dialog.reason.setText("lab phone call")
        dialog.password.setText(password)
        dialog.accept()
        panel._entry.wait(30)
        panel.wait()
        assert expect in panel.status.text()
    spc_tag = context.ctx.runtime.store.get("QA.MATTE_CU.SPC")  # published on the GUI thread
    assert spc_tag is not None and spc_tag.value == 0
    (a,) = context.quality.lot_record("MATTE-77")["assays"]
    assert (a["value"], a["entered_by"], a["signed"]) == (61.5, "lead1", True)
    panel.close()
    sec.close()


@pytest.mark.parametrize(("role", "allowed"), [("operator", False), ("maintenance", False), ("laboratory", True),
                                               ("shift_lead", True), ("process_engineer", True), ("administrator", True)])
def test_spc_panel_assay_buttons_follow_the_role(context, qtbot, monkeypatch, role: str, allowed: bool) -> None:  # type: ignore[no-untyped-def]
    """Enter and Import are usable for roles with enter_assays; for the others they are greyed
    out with the reason as tooltip, and follow a user switch."""
    from widgets.spc_panel import SpcPanel

    sec = login(context, monkeypatch, "u1", "correct horse 9", role)
    panel = SpcPanel(context.ctx)
    qtbot.addWidget(panel)
    for button in (panel.enter_button, panel.import_button):
        assert button.isEnabled() is allowed
        assert (button.toolTip() == "") is allowed
        if not allowed:
            assert "needs the permission to enter assays" in button.toolTip()
    if allowed:  # a laboratory file through the panel's own path (the file dialog's choice)
        t0 = datetime(2026, 11, 1, tzinfo=UTC)
        (context.tmp / "lab.csv").write_text("sample_id,lot_id,sampled_at,characteristic,value\n"
                                             f"S1,MATTE-1,{t0.isoformat()},SMF.MATTE_CU,62.1\n")
        panel._on_import_dialog_file_selected(str(context.tmp / "lab.csv"))
        panel._import.wait(30)
        qtbot.waitUntil(lambda: "1 assays imported" in panel.status.text(), timeout=5000)
        (a,) = context.quality.lot_record("MATTE-1")["assays"]
        assert a["entered_by"] == "u1"
        (context.tmp / "bad.csv").write_text("sample_id,lot_id,sampled_at,characteristic,value\nS2,M,yesterday,SMF.MATTE_CU,62\n")
        panel._on_import_dialog_file_selected(str(context.tmp / "bad.csv"))
        panel._import.wait(30)
        qtbot.waitUntil(lambda: "nothing imported" in panel.status.text(), timeout=5000)
        assert "column sampled_at" in panel.status.text() and "Traceback" not in panel.status.toolTip()
        sec.session.lock()
        panel.apply_permissions()  # what the main window does on every session change
        assert not panel.import_button.isEnabled() and "locked" in panel.import_button.toolTip()
    panel.close()
    sec.close()
