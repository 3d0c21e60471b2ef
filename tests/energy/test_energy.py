"""kgce per tonne on a hand-worked shift, read from a real SQLite historian; benchmark lines;
the layout loader's file:line errors; the CLI; the day-ahead forecast."""

from __future__ import annotations

import argparse
import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.core.layout import load_layout
from app.core.settings import Settings
from app.energy import cli as ecli
from app.energy.config import load_energy_config
from app.energy.report import forecast_day
from app.energy.service import EnergyService
from app.energy.source import HistorianSource, reset_aware_increase
from app.energy.yamlcheck import LayoutFileError
from app.historian.reader import HistoryReader
from tests.energy.conftest import UTC0, ramp, write_history

H = 3600.0
# kWh per hour by area on the hand-worked shift
KWH_PER_H = {"CB": 1000, "SMF": 20000, "PSC": 8000, "AF": 1500, "TH": 14000, "AP": 9000, "SF": 3500, "OX": 17000, "WT": 500}


def hours(t: datetime) -> float:
    return (t - UTC0).total_seconds() / H


def shift_counter(rate_per_h: float, later_rate: float):  # type: ignore[no-untyped-def]
    """A counter that resets just after each 8-hour boundary (the reading at the boundary still
    shows the finished shift): 395 before, ``rate_per_h`` in shift 2, ``later_rate`` in shift 3."""
    def f(t: datetime) -> float:
        h = hours(t)
        if h <= 0:
            return 395.0 + h  # end of the previous shift
        if h <= 8:
            return rate_per_h * h
        return later_rate * (h - 8)
    return f


@pytest.fixture
def history(engine: Engine, tmp_path: Path) -> Engine:
    start, end, step = UTC0 - timedelta(minutes=10), UTC0 + timedelta(hours=16, minutes=10), timedelta(minutes=10)
    series = {f"EM.{a}.KWH": ramp(start, end, step, lambda t, r=r: 1e6 + r * hours(t)) for a, r in KWH_PER_H.items()}
    series["AF1.FUEL_FLOW"] = ramp(start, end, step, lambda t: 1000.0)
    series["AF2.FUEL_FLOW"] = ramp(start, end, step, lambda t: 500.0)
    series["SCF.POWER"] = ramp(start, end, step, lambda t: 14.0)
    series["TH.CATHODE_T"] = ramp(start, end, step, shift_counter(50.0, 6.25))
    series["SMF.MATTE_TAPPED"] = ramp(start, end, step, shift_counter(80.0, 80.0))
    series["CW.COUNT"] = ramp(start, end, step, shift_counter(140.0, 140.0))
    write_history(engine, tmp_path / "spool", series)
    return engine


def test_kgce_per_tonne_on_a_hand_worked_shift(history: Engine) -> None:
    layout = load_layout()
    svc = EnergyService(layout, HistorianSource(HistoryReader(history)))
    shift = svc.calendar.shift(date(2026, 12, 1), 2)
    assert shift.start == UTC0  # 08:00 Asia/Shanghai
    fig = svc.summary(shift.start, shift.end, shift.id)
    # meters: 8 h of each area's counter; gas 8 h x 1,500 Nm³/h; the SCF sub-meter 14 MW x 8 h
    meters = {m["id"]: m for m in fig["meters"]}
    assert meters["EM.TH"]["quantity"] == pytest.approx(112_000)
    assert meters["AF1.FUEL"]["quantity"] == pytest.approx(8_000) and meters["AF2.FUEL"]["quantity"] == pytest.approx(4_000)
    assert meters["SCF.POWER"]["quantity"] == pytest.approx(112_000)  # a sub-meter: shown, not added again
    assert meters["EM.TH"]["factor_text"] == "0.1229 kgce/kWh (calorific equivalent)"
    assert "electricity 0.1229 kgce/kWh" in fig["factors_text"] and "natural_gas 1.2143 kgce/Nm³" in fig["factors_text"]
    # products: cathode 50 t/h x 8 h (the counter reset at 08:00), blister 80 t/h matte x 8 h x 0.63, anodes 140/h x 0.37 t
    assert fig["products_t"] == {"blister": pytest.approx(403.2), "anode": pytest.approx(414.4), "cathode": pytest.approx(400.0)}
    # hand-worked: electricity 74,500 kWh/h x 8 h = 596,000 kWh x 0.1229 = 73,248.4 kgce; gas 12,000 x 1.2143 = 14,571.6
    assert fig["total_kgce"] == pytest.approx(73_248.4 + 14_571.6)
    routes = {r["id"]: r for r in fig["routes"]}
    assert routes["cathode"]["kgce_per_t"] == pytest.approx(87_820.0 / 400, abs=0.01)  # 219.55
    assert routes["electrolysis"]["kgce_per_t"] == pytest.approx(112_000 * 0.1229 / 400, abs=0.01)  # 34.41
    assert routes["blister"]["kgce_per_t"] == pytest.approx(472_000 * 0.1229 / 403.2, abs=0.01)  # 143.87
    assert routes["anode"]["kgce_per_t"] == pytest.approx((484_000 * 0.1229 + 14_571.6) / 414.4, abs=0.01)  # 178.71
    assert fig["dc_kwh_per_t"] == pytest.approx(280.0)
    # against the benchmark lines kept in the layout, with their source
    assert [(r["id"], r["benchmark"]) for r in fig["routes"]] == [("blister", 800), ("anode", 850), ("electrolysis", 220), ("cathode", 950)]
    assert all(r["within_benchmark"] for r in fig["routes"] if r["id"] != "anode")
    assert "GB 21248-2007" in routes["cathode"]["benchmark_source"]
    # anodes are cast in campaigns that span shifts (batch: true): a shift's figure is shown, not judged ...
    assert routes["anode"]["batch_not_compared"] and routes["anode"]["within_benchmark"] is None
    assert not any(r["batch_not_compared"] for r in fig["routes"] if r["id"] != "anode")
    # ... a day's is judged
    day = {r["id"]: r for r in svc.summary(shift.start - timedelta(hours=8), shift.start + timedelta(hours=16))["routes"]}
    assert not day["anode"]["batch_not_compared"] and day["anode"]["within_benchmark"] is not None


def test_benchmark_exceeded_on_a_poor_shift_and_cli_report(history: Engine, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    layout = load_layout()
    svc = EnergyService(layout, HistorianSource(HistoryReader(history)))
    poor = svc.calendar.shift(date(2026, 12, 1), 3)  # the tankhouse made 6.25 t/h
    routes = {r["id"]: r for r in svc.summary(poor.start, poor.end)["routes"]}
    assert routes["electrolysis"]["kgce_per_t"] == pytest.approx(13_764.8 / 50, abs=0.01)  # 275.3 > 220
    assert routes["electrolysis"]["within_benchmark"] is False
    assert routes["cathode"]["within_benchmark"] is False  # 87,820 / 50 = 1,756 > 950
    # the command line, on the same SQLite file
    parser = argparse.ArgumentParser()
    ecli.register(parser.add_subparsers())
    url = str(history.url)
    args = parser.parse_args(["energy", "report", "--from", "2026-12-01T08:00", "--to", "2026-12-02T00:00",
                              "--db", url, "--json"])
    assert args.handler(args, Settings()) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["period"] for p in out["periods"]] == ["2026-12-01/2", "2026-12-01/3"]
    assert out["periods"][0]["routes"][3]["kgce_per_t"] == pytest.approx(219.55, abs=0.01)
    assert "0.1229 kgce/kWh" in out["factors_text"]
    args = parser.parse_args(["energy", "report", "--from", "2026-12-01T08:00", "--to", "2026-12-02T00:00", "--db", url])
    assert args.handler(args, Settings()) == 0
    text = capsys.readouterr().out
    assert "ABOVE LIMIT" in text and "factors: electricity 0.1229 kgce/kWh" in text
    args = parser.parse_args(["energy", "report", "--from", "tomorrow", "--to", "2026-12-02", "--db", url])
    assert args.handler(args, Settings()) == 2
    assert "'tomorrow' is not a date" in capsys.readouterr().err


def test_counter_resets_are_counted_not_subtracted() -> None:
    assert reset_aware_increase([10.0, 20.0, 30.0, 2.0, 5.0]) == pytest.approx(25.0)


def test_energy_yaml_mistakes_are_reported_with_file_and_line(tmp_path: Path) -> None:
    layout = load_layout()
    bad = tmp_path / "energy.yaml"
    text = (layout.folder / "energy.yaml").read_text(encoding="utf-8")
    text = text.replace("counter: EM.TH.KWH", "counter: EM.TH.KWHX", 1).replace("limit: 220", "limit: lots", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutFileError) as err:
        load_energy_config(layout, bad)
    lines = text.splitlines()
    p1 = next(p for p in err.value.problems if "EM.TH.KWHX" in p)
    line = int(p1.split(":")[1])
    assert p1.startswith(f"{bad}:") and "unknown tag" in p1
    assert any("id: EM.TH" in lines[i] for i in range(line - 1, min(line + 1, len(lines))))
    assert any("limit 'lots' is not a number" in p for p in err.value.problems)


def test_module_validate_passes_on_the_shipped_layout(tmp_path: Path) -> None:
    from app.energy.module import MODULE

    layout = load_layout()
    assert MODULE.validate is not None and MODULE.validate(layout) == []
    copy = tmp_path / "plant"
    shutil.copytree(layout.folder, copy)
    (copy / "energy.yaml").write_text("conversion: [\n", encoding="utf-8")
    problems = MODULE.validate(load_layout(copy))
    assert problems and problems[0].startswith(f"{copy / 'energy.yaml'}:")


def test_forecast_regression_and_its_past_error() -> None:
    days = []
    for k in range(10):
        t = 1000.0 + 20 * k
        days.append({"period": f"2026-11-{k + 1:02d}", "products_t": {"cathode": t}, "total_kgce": 50_000 + 180.0 * t + (k % 3 - 1) * 500})
    fc = forecast_day(days, ("cathode",), {"cathode": 1300.0}, "2026-11-11")
    assert fc.coefficients["cathode"] == pytest.approx(180.0, rel=0.05)
    assert fc.kgce == pytest.approx(50_000 + 180 * 1300, rel=0.01)
    assert len(fc.backtest) == 5 and fc.mape_pct is not None and 0 < fc.mape_pct < 1.0


def test_live_power_from_the_store() -> None:
    from app.core.store import TagStore
    from app.core.tags import Quality, TagValue

    layout = load_layout()
    store = TagStore(layout.tags.values())
    now = datetime.now(UTC)
    store.apply({"EM.TH.KW": TagValue(13_500.0, Quality.GOOD, now, now), "SCF.POWER": TagValue(14.0, Quality.GOOD, now, now)})
    power = EnergyService(layout, None, store).live_power_kw()
    assert power["EM.TH"] == 13_500.0 and power["SCF.POWER"] == 14_000.0 and power["EM.CB"] is None


def test_energy_summary_for_the_shift_report(history: Engine) -> None:
    from app.energy.report_data import energy_summary

    layout = load_layout()
    shift = EnergyService(layout).calendar.shift(date(2026, 12, 1), 2)
    fig = energy_summary(shift, history, layout)
    assert fig["period"] == "2026-12-01/2" and fig["routes"][3]["kgce_per_t"] == pytest.approx(219.55, abs=0.01)
    assert energy_summary((shift.start, shift.end), HistoryReader(history), layout)["total_kgce"] == fig["total_kgce"]


def test_run_computes_on_a_worker_pool_and_publishes_on_the_loop(history: Engine) -> None:
    import asyncio

    from app.core.store import TagStore

    layout = load_layout()
    store = TagStore(layout.tags.values())
    svc = EnergyService(layout, HistorianSource(HistoryReader(history)), store)
    svc.cathode_kgce_t = lambda now=None: 219.55  # type: ignore[method-assign]  # the figure of the shift

    async def once() -> None:
        task = asyncio.create_task(svc.run(period_s=3600))
        for _ in range(100):
            await asyncio.sleep(0.05)
            if store.get("EN.CATHODE.KGCE_T") is not None:
                break
        task.cancel()

    asyncio.run(once())  # the suite checks threads: a store batch from a worker would raise
    tag = store.get("EN.CATHODE.KGCE_T")
    assert tag is not None and tag.value == 219.55


def test_module_start_runs_the_publisher_and_close_stops_it(history: Engine) -> None:
    import asyncio

    from app.core.store import TagStore
    from app.energy.module import MODULE

    layout = load_layout()
    store = TagStore(layout.tags.values())
    svc = EnergyService(layout, HistorianSource(HistoryReader(history)), store)
    svc.cathode_kgce_t = lambda now=None: 300.0  # type: ignore[method-assign]

    async def go() -> bool:
        assert MODULE.start is not None and MODULE.close is not None
        MODULE.start(svc)
        for _ in range(100):
            await asyncio.sleep(0.05)
            if store.get("EN.CATHODE.KGCE_T") is not None:
                break
        task = svc._task
        MODULE.close(svc)
        await asyncio.sleep(0)
        return task is not None and (task.cancelled() or task.cancelling() > 0)

    assert asyncio.run(go())
    assert store.get("EN.CATHODE.KGCE_T").value == 300.0  # type: ignore[union-attr]


def test_module_start_under_the_runtime_supervisor(history: Engine) -> None:
    import asyncio

    from app.core.store import TagStore
    from app.core.supervisor import Supervisor

    layout = load_layout()
    store = TagStore(layout.tags.values())
    svc = EnergyService(layout, HistorianSource(HistoryReader(history)), store)
    svc.cathode_kgce_t = lambda now=None: 280.0  # type: ignore[method-assign]

    async def go() -> tuple[bool, bool]:
        svc.supervisor = Supervisor()
        svc.start()
        for _ in range(100):
            await asyncio.sleep(0.05)
            if store.get("EN.CATHODE.KGCE_T") is not None:
                break
        running = svc.supervisor.handles["energy kgce"].running
        svc.close()
        await asyncio.sleep(0.05)
        stopped = not svc.supervisor.handles.get("energy kgce") or not svc.supervisor.handles["energy kgce"].running
        svc.supervisor.stop()
        return running, stopped

    assert asyncio.run(go()) == (True, True)
    assert store.get("EN.CATHODE.KGCE_T").value == 280.0  # type: ignore[union-attr]
