"""The copper smelter's alarms: the file loads, normal operation is quiet, and each fault
scenario raises exactly the alarms an operator expects, without a flood."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.alarms.definitions import AlarmDefinitionError, AlarmType, load_alarms
from app.alarms.engine import AlarmEngine
from app.core.layout import PlantLayout
from tests.alarms.helpers import Clock
from tests.alarms.scenarios import EXPECTED, SCENARIOS, batch, normal_values


def test_copper_smelter_alarms_load_and_cover_the_reference_limits(layout: PlantLayout) -> None:
    alarms = load_alarms(layout)
    by_id = {a.id: a for a in alarms}
    assert len(alarms) > 300
    assert all(a.tag in layout.tags for a in alarms)
    assert by_id["SMF.T_PROC.H"].limit == 1350 and by_id["SMF.T_PROC.L"].limit == 1250
    assert by_id["AP.TAIL_SO2.HH"].limit == 400 and by_id["TH.T_ELEC.H"].limit == 65
    assert by_id["PSC1.BLAST_FLOW.L"].suppression is not None
    assert {t for a in alarms for t in [a.type]} == set(AlarmType)
    assert all(a.cause and a.consequence and a.action and a.response_s > 0 for a in alarms)
    mix = Counter("high" if a.priority <= 2 else a.priority.label for a in alarms)
    assert 2 <= 100 * mix["high"] / len(alarms) <= 8
    assert 10 <= 100 * mix["medium"] / len(alarms) <= 20


def test_mistakes_are_reported_with_file_and_line(layout: PlantLayout, tmp_path: Path) -> None:
    path = tmp_path / "alarms.yaml"
    path.write_text(
        "alarms:\n"
        "- tag: SMF.T_PROC\n  type: H\n  limit: 1350\n"
        "- tag: SMF.NO_SUCH_TAG\n  type: H\n  limit: 1\n"
        "- tag: PSC1.BLOWER.STATE\n  type: STATE\n  states: [BROKEN]\n  priority: extreme\n",
        encoding="utf-8",
    )
    with pytest.raises(AlarmDefinitionError) as err:
        load_alarms(layout, path)
    assert err.value.problems == [
        f"{path}:5: alarm SMF.NO_SUCH_TAG: tag 'SMF.NO_SUCH_TAG' does not exist in the layout",
        f"{path}:8: alarm PSC1.BLOWER.STATE: priority 'extreme' is not urgent, high, medium or low (1-4)",
        f"{path}:8: alarm PSC1.BLOWER.STATE: state 'BROKEN' is not a state of PSC1.BLOWER.STATE "
        "(STOPPED, RUNNING, FAULT)",
    ]


def run(layout: PlantLayout, scenario: dict[str, float | int | bool] | None, minutes: int = 10) -> AlarmEngine:
    clock = Clock()
    eng = AlarmEngine(load_alarms(layout), layout.tags, clock=clock)
    values = normal_values(layout)
    eng.evaluate(batch(values, clock.now))
    for _ in range(60):  # a minute of normal operation, one full batch every 5 s
        clock.advance(5)
        eng.evaluate(batch(values, clock.now))
        eng.tick()
    assert eng.visible() == [], [r.id for r in eng.visible()]
    if scenario:
        values.update(scenario)
    for _ in range(minutes * 12):
        clock.advance(5)
        eng.evaluate(batch(values, clock.now))
        eng.tick()
    return eng


def test_normal_operation_raises_nothing(layout: PlantLayout) -> None:
    eng = run(layout, None)
    assert eng.visible() == []
    suppressed = {r.id for r in eng.hidden_records()}
    assert "PSC3.BLAST_FLOW.L" in suppressed and "PSC1.BLAST_FLOW.L" not in suppressed


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_raises_the_expected_alarms_and_no_flood(layout: PlantLayout, name: str) -> None:
    eng = run(layout, SCENARIOS[name](layout))
    assert {r.id for r in eng.visible()} == EXPECTED[name]
    assert not eng.in_flood and eng.rate_10min <= 10
    if name == "blower_trip":
        assert eng.first_out("PSC2.TRIP") == "PSC2.BLOWER.STATE.FAULT"
