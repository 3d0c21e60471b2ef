"""The shift report's energy, copper-account and quality sections: a simulated day of the whole
plant in a real historian, assays imported by a laboratory user, the report built by the shifts
service as the console builds it; the PDF's text checked against the modules' own figures."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from app.core.layout import PlantLayout, load_layout
from app.reports.pdf import build_pdf, fmt
from app.shifts.service import ShiftsService, calendar_of
from tests.reports.conftest import pdf_text
from tests.reports.simulated import simulated_history

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 1)
SPC_AT = datetime(2026, 12, 1, 11, 20, tzinfo=TZ)  # in the day shift (08:00-16:00)
CATHODE_AT = datetime(2026, 12, 1, 13, 5, tzinfo=TZ)


@dataclass
class Plant:
    layout: PlantLayout
    engine: Engine
    service: ShiftsService


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plant]:
    from app.core.settings import load_settings
    from app.quality.service import QualityService
    from app.security.context import build_security
    from tests.quality.test_assays import cathode_rows

    folder = tmp_path_factory.mktemp("eqm_report")
    layout = load_layout()
    start = calendar_of(layout).day_bounds(DAY)[0] - timedelta(hours=2)
    engine = simulated_history(folder / "plant.sqlite", layout, start, 28.0)
    mp = pytest.MonkeyPatch()
    mp.setenv("CRUCIBLE_SCRYPT_N", "16")
    settings = load_settings()
    settings.db_url = f"sqlite:///{folder / 'plant.sqlite'}"
    security = build_security(settings)
    security.users.add_user("lab1", "lab-bench-7", ["laboratory"])
    security.session.login("lab1", "lab-bench-7")
    t0 = datetime(2026, 11, 30, 8, 0, tzinfo=TZ)
    slag = [0.90, 0.92, 0.88, 0.91, 0.89, 0.93, 0.90, 0.87, 0.91, 0.90, 0.92, 0.89, 0.90, 0.91, 0.88,
            0.90, 0.93, 0.89, 0.91, 0.90, 0.88, 0.92, 0.90, 0.91, 0.89]
    rows = [f"SL{k:03d},SLAG-{k},{(t0 + timedelta(hours=k)).isoformat()},SMF.SLAG_CU,{v}" for k, v in enumerate(slag)]
    rows.append(f"SL100,SLAG-100,{SPC_AT.isoformat()},SMF.SLAG_CU,1.42")  # rule 1, in the day shift
    rows += cathode_rows("CATH-1201-07", "C7", CATHODE_AT, 0.0300, 99.93)  # not A, Cu+Ag < 99.95: off-grade
    lab = folder / "lab.csv"
    lab.write_text("sample_id,lot_id,sampled_at,characteristic,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    QualityService(layout, security.engine).import_lab_csv(lab, security.session)
    security.close()
    mp.undo()
    clock = lambda: datetime(2026, 12, 2, 9, 0, tzinfo=TZ)  # noqa: E731 - the next morning
    service = ShiftsService(engine, layout, folder / "reports", clock=clock)
    yield Plant(layout, engine, service)
    engine.dispose()


def line_of(text: str, label: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip().startswith(label)]
    assert lines, f"no line starting with {label!r} in the report"
    return lines[0]


def test_energy_section_is_kgce_per_tonne_against_the_benchmarks_with_the_factor(plant: Plant, tmp_path: Path) -> None:
    from app.energy.report_data import energy_summary

    shift = plant.service.calendar.shift(DAY, 2)
    text = pdf_text(plant.service.build("shift", DAY, 2, "en"), tmp_path)
    assert "Conversion to standard coal: electricity 0.1229 kgce/kWh (calorific equivalent)" in text
    header = line_of(text, "Area")
    assert "kgce" in header and "kWh/t" not in header  # the report's own kWh/t column is gone
    summary = energy_summary(shift, plant.engine, plant.layout)  # the energy module, on the same history
    for route in summary["routes"]:
        row = line_of(text, route["name_en"])
        assert fmt(route["kgce_per_t"], 1) in row and f"≤ {fmt(route['benchmark'], 0)}" in row, row
        verdict = "batch: see the day" if route["batch_not_compared"] else "within" if route["within_benchmark"] else "OVER"
        assert verdict in row, row
    cathode = next(r for r in summary["routes"] if r["id"] == "cathode")
    assert 100 < cathode["kgce_per_t"] < cathode["benchmark"]  # a day shift of the simulator: within the 950 line
    assert "GB 21248-2007" in line_of(text, "Benchmark source")
    assert fmt(summary["total_kgce"], 0) in line_of(text, "Plant total")


def test_copper_and_sulphur_account_of_the_shift_close(plant: Plant, tmp_path: Path) -> None:
    from app.materials.report_data import copper_account

    shift = plant.service.calendar.shift(DAY, 2)
    text = pdf_text(plant.service.build("shift", DAY, 2, "en"), tmp_path)
    acc = copper_account(shift, plant.engine, plant.layout)
    cu, s = acc["copper"], acc["sulphur"]
    assert abs(cu["unaccounted_pct"]) < 1.0 and abs(s["unaccounted_pct"]) < 1.0  # from the historian's rollups too
    row = line_of(text, "Copper  ")
    assert [fmt(cu["fed_t"], 1), fmt(cu["products_t"], 1)] == re.findall(r"-?[\d,]+\.\d", row)[:2], row
    assert fmt(cu["unaccounted_pct"], 2) in row and "yes (limit ±2.0 %)" in row
    assert "yes (limit ±5.0 %)" in line_of(text, "Sulphur  ")
    assert fmt(cu["out_t"]["liberator"], 1) in line_of(text, "liberator")
    assert f"over the {len(cu['stock_close_t'])} in-process stocks" in text


def test_spc_violations_and_offgrade_lots_of_the_shift(plant: Plant, tmp_path: Path) -> None:
    text = pdf_text(plant.service.build("shift", DAY, 2, "en"), tmp_path)
    row = line_of(text, "11:20")
    assert "Slag copper" in row and "1: one point beyond 3 sigma" in row and "1.4200" in row and "SLAG-100" in row
    row = line_of(text, "CATH-1201-07")
    assert "off-grade" in row and "0.0300" in row and "99.931" in row
    night = pdf_text(plant.service.build("shift", DAY, 1, "en"), tmp_path)  # neither belongs to the night shift
    assert "SLAG-100" not in night and "CATH-1201-07" not in night
    assert "Out-of-control points (Western Electric rules)\nnone" in pdf_text(
        plant.service.build("shift", DAY, 1, "en"), tmp_path, layout=False)


def test_chinese_report_has_the_sections_in_chinese(plant: Plant, tmp_path: Path) -> None:
    text = pdf_text(plant.service.build("shift", DAY, 2, "zh_CN"), tmp_path, layout=False)
    for words in ("折标准煤系数: 电力 0.1229 kgce/kWh(当量值);天然气 1.2143 kgce/Nm³(当量值)", "铜精矿→阴极铜", "达标",
                  "铜硫平衡", "是(限值 ±2.0%)", "脱铜槽铜", "失控点(西方电气判异规则)", "1点超出3σ", "低于1号标准铜的阴极铜批次",
                  "不合格"):
        assert words in text, words


def test_a_module_not_installed_leaves_its_section_out(plant: Plant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an installation without the materials and quality packages: importing them fails
    for name in ("app.materials.report_data", "app.quality.report_data"):
        monkeypatch.setitem(sys.modules, name, None)
    data = plant.service.report_data("shift", DAY, 2)
    assert data.modules is not None and data.modules.energy is not None
    assert data.modules.materials is None and not data.modules.quality and data.modules.problems == {}
    text = pdf_text(build_pdf(data, "en"), tmp_path, layout=False)
    assert "Copper and sulphur account" not in text and "SPC" not in text
    for heading in (r"3\s+Energy", r"4\s+Alarms \(EEMUA 191\)", r"6\s+Handover notes"):  # numbered on, no gap
        assert re.search(heading, text), heading
    assert "Traceback" not in text


def test_without_a_layout_the_report_keeps_its_own_energy_table(plant: Plant, tmp_path: Path) -> None:
    src: Any = plant.service.sources()
    src.layout = None
    from app.reports.shift_data import gather

    data = gather(src, "shift", DAY, 2, now=datetime(2026, 12, 2, 9, 0, tzinfo=TZ))
    assert data.modules is None
    text = pdf_text(build_pdf(data, "en"), tmp_path)
    assert "kWh/t" in line_of(text, "Area") and "Conversion to standard coal" not in text
