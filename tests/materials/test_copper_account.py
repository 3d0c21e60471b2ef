"""The copper account on a simulated day: the simulator's model driven in-process at fast
time; per shift the account with the model's own terms closes, and the tag-based account
(materials.yaml terms, what the plant measures) agrees with the model's flows and stocks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.core.layout import load_layout
from app.energy.config import load_energy_config
from app.energy.service import EnergyService
from app.energy.yamlcheck import LayoutFileError
from app.materials.account import account_from_model, account_from_source
from app.materials.config import load_materials_config
from app.materials.service import MaterialsService
from app.materials.simulated import account_tags, energy_tags, simulate


@pytest.fixture(scope="module")
def day():  # type: ignore[no-untyped-def]
    layout = load_layout()
    cfg = load_materials_config(layout)
    ecfg = load_energy_config(layout)
    svc = EnergyService(layout)
    start = svc.calendar.day_bounds(date(2026, 12, 1))[0]
    run = simulate(layout, start, 24.0, sorted({*account_tags(cfg), *energy_tags(ecfg)}), sample_s=60.0)
    return layout, cfg, run, svc


def test_copper_and_sulphur_accounts_close_each_shift_with_the_simulator_terms(day) -> None:  # type: ignore[no-untyped-def]
    layout, cfg, run, svc = day
    shifts = svc.calendar.shifts_between(run.start, run.end)
    assert len(shifts) == 3
    for s in shifts:
        cu = account_from_model(run.snapshots[s.start], run.snapshots[s.end], "Cu", s.start, s.end)
        assert cu["fed_t"] > 350  # ~205 t/h of 25.5 % Cu concentrate for 8 h = ~418 t
        assert abs(cu["unaccounted_pct"]) < 1e-6, cu
        sul = account_from_model(run.snapshots[s.start], run.snapshots[s.end], "S", s.start, s.end)
        assert abs(sul["unaccounted_pct"]) < 1e-6, sul
    whole = account_from_model(run.snapshots[run.start], run.snapshots[run.end], "Cu")
    assert whole["products_t"] > 1000 and abs(whole["unaccounted_t"]) < 1e-6


def test_tag_account_measures_the_same_flows_as_the_simulator(day) -> None:  # type: ignore[no-untyped-def]
    layout, cfg, run, svc = day
    for s in svc.calendar.shifts_between(run.start, run.end):
        ref = account_from_model(run.snapshots[s.start], run.snapshots[s.end], "Cu")
        tags = account_from_source(cfg, run.source, s.start, s.end, "Cu")
        assert tags["in_t"]["concentrate"] == pytest.approx(ref["in_t"]["concentrate"], rel=0.01)
        assert tags["out_t"]["cathode"] == pytest.approx(ref["out_t"]["cathode"], rel=0.01)
        assert tags["out_t"]["liberator"] == pytest.approx(ref["out_t"]["liberator"], rel=0.01)
        assert tags["losses_t"]["flotation tailings"] == pytest.approx(ref["losses_t"]["flotation tailings"], rel=0.1)
        assert tags["losses_t"]["dust"] == pytest.approx(ref["losses_t"]["dust"], rel=0.01)
        # every in-process stock of the ledger is published: the change of stock is the model's
        assert tags["stock_change_t"] == pytest.approx(ref["stock_change_t"], abs=1e-3 * ref["fed_t"])
        assert abs(tags["unaccounted_t"]) < 0.01 * ref["fed_t"]


def test_materials_summary_cost_and_published_unaccounted(day) -> None:  # type: ignore[no-untyped-def]
    from app.core.store import TagStore

    layout, cfg, run, svc = day
    store = TagStore(layout.tags.values())
    esvc = EnergyService(layout, run.source)
    msvc = MaterialsService(layout, run.source, store, esvc)
    s = svc.calendar.shifts_between(run.start, run.end)[1]
    summary = msvc.period_summary(s.start, s.end, s.id)
    assert summary["consumption"]["concentrate"] == pytest.approx(205 * 8, rel=0.05)
    cost = summary["cost"]
    assert cost["currency"] == "CNY" and cost["cathode_t"] > 300
    expected = sum(cost["lines"].values()) / cost["cathode_t"]
    assert cost["per_t_cathode"] == pytest.approx(expected, rel=1e-3)
    assert cost["lines"]["fixed"] == pytest.approx(1_200_000 / 3)
    from datetime import timedelta

    pct = msvc.publish(run.end + timedelta(hours=1))  # the next day: yesterday's account
    assert pct == pytest.approx(account_from_source(cfg, run.source, run.start, run.end, "Cu")["unaccounted_pct"])
    assert store.get("MAT.CU_UNACCOUNTED").value == pct  # type: ignore[union-attr]


def test_materials_yaml_mistakes_name_file_and_line(tmp_path: Path) -> None:
    layout = load_layout()
    text = (layout.folder / "materials.yaml").read_text(encoding="utf-8").replace("level: CB.BIN2.LEVEL", "level: CB.BIN9.LEVEL")
    bad = tmp_path / "materials.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutFileError) as err:
        load_materials_config(layout, bad)
    (p,) = err.value.problems
    line = int(p.split(":")[1])
    assert "unknown tag 'CB.BIN9.LEVEL'" in p and "CB.BIN2" in text.splitlines()[line - 1]


def test_copper_account_for_the_shift_report(day) -> None:  # type: ignore[no-untyped-def]
    from app.materials.report_data import copper_account

    layout, cfg, run, svc = day
    s = svc.calendar.shifts_between(run.start, run.end)[0]
    acc = copper_account(s, run.source, layout)
    assert acc["period"] == s.id and acc["copper"]["element"] == "Cu" and acc["sulphur"]["element"] == "S"
    assert acc["copper"]["fed_t"] == pytest.approx(account_from_source(cfg, run.source, s.start, s.end)["fed_t"])
