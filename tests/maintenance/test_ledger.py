"""The equipment ledger: the plant's file loads, mistakes are reported as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.layout import DEFAULT_LAYOUT, load_layout
from app.maintenance.ledger import LedgerError, load_for_layout, load_ledger, validate


@pytest.fixture(scope="module")
def layout():  # type: ignore[no-untyped-def]
    return load_layout(DEFAULT_LAYOUT)


def test_copper_smelter_ledger_loads_with_zone_limits_per_group(layout) -> None:  # type: ignore[no-untyped-def]
    ledger = load_for_layout(layout)
    assert ledger is not None and len(ledger) >= 10
    blower = ledger.get("AP.BLOWER")
    assert blower is not None and blower.area == "AP" and blower.criticality == "A"
    assert blower.tags["vibration"] == "AP.BLOWER.VIB"
    assert (blower.zones.ab, blower.zones.bc, blower.zones.cd) == (2.3, 4.5, 7.1)  # type: ignore[union-attr]
    pump = ledger.get("WT.P1")
    assert pump is not None and (pump.zones.ab, pump.zones.bc, pump.zones.cd) == (1.4, 2.8, 4.5)  # type: ignore[union-attr]
    assert pump.zones.zone(3.0) == "C" and pump.zones.zone(1.0) == "A"  # type: ignore[union-attr]
    assert any(p.every_run_h for p in blower.plans) and blower.spares[0].rated_life_h
    assert validate(layout) == []


def test_mistakes_are_reported_with_file_and_line(tmp_path: Path, layout) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "equipment.yaml"
    path.write_text(
        "equipment:\n"
        "- id: X1\n"
        "  unit: NOPE\n"
        "  tags: {state: AP.BLOWER.STATE, vibration: AP.BLOWER.VIB}\n"
        "  iso10816: {group: 3, foundation: rigid}\n"
        "- id: X2\n"
        "  unit: WT.P1\n"
        "  criticality: Z\n"
        "  tags: {state: NO.SUCH.TAG}\n"
        "  plans:\n"
        "  - id: P\n"
        "    task_en: grease\n"
        "oee:\n"
        "- id: SMF\n"
        "  rate_tag: NO.RATE\n"
        "  nameplate: 0\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as err:
        load_ledger(path, layout.tags, layout.units)
    text = str(err.value)
    assert f"{path}:2: X1: unit 'NOPE' is not a unit of the layout" in text
    assert f"{path}:2: X1: iso10816 group must be 1 or 2" in text
    assert f"{path}:6: X2: criticality must be A, B or C" in text
    assert f"{path}:6: X2: state tag 'NO.SUCH.TAG' is not in the layout's tags" in text
    assert f"{path}:11: X2: plan P needs every_run_h and/or every_days" in text
    assert f"{path}:14: oee SMF: rate_tag 'NO.RATE' is not in the layout's tags" in text
    assert f"{path}:14: oee SMF: nameplate must be a number greater than 0" in text


def test_plan_due_by_run_hours_respects_minimum_and_maximum_days(layout) -> None:  # type: ignore[no-untyped-def]
    ledger = load_for_layout(layout)
    assert ledger is not None
    lube = next(p for p in ledger.equipment["AP.BLOWER"].plans if p.id.endswith("LUBE"))
    assert not lube.due(1999.0, 60)
    assert lube.due(2000.0, 60)
    assert not lube.due(5000.0, 10)  # too soon after the last time, whatever the run hours
    assert lube.due(10.0, 120)  # the calendar maximum
