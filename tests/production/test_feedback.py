"""Live feedback: a converter behind its plan is late with the reason; three converters about
to blow with acid capacity for two gives a negative margin; the derived alarms parse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.alarms.definitions import load_alarms
from app.core.layout import load_layout
from app.production.config import load_production
from app.production.feedback import ACID_TAG, LATE_TAG, derived_values, evaluate
from app.production.greedy import greedy
from app.production.schedule import Problem

FOLDER = Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter"
START = datetime(2026, 12, 1, 0, tzinfo=UTC)


def _schedule():
    aisle = load_production(FOLDER / "production.yaml").aisle
    return greedy(Problem(aisle, START, horizon_h=24, available_from={"PSC1": 0, "PSC2": 60, "PSC3": 600}))


def test_a_converter_behind_its_plan_is_late_with_the_reason():
    s = _schedule()
    blow = next(t for t in s.tasks if t.resource == "PSC1" and t.kind == "slag_blow")
    now = START + timedelta(minutes=blow.start + 30)
    fb = evaluate(s, now, {"PSC1.STATE": 1, "PSC2.STATE": 2, "PSC3.STATE": 0})  # PSC1 still charging
    late = [x for x in fb.late if x.resource == "PSC1"]
    assert late and late[0].task_id == blow.id
    assert late[0].reason.startswith("PSC1 is CHARGING, planned slag_blow since")
    on_plan = evaluate(s, now, {"PSC1.STATE": 2, "PSC2.STATE": 2, "PSC3.STATE": 0})
    assert not [x for x in on_plan.late if x.resource == "PSC1"]
    assert derived_values(fb)[LATE_TAG] == len(fb.late)


def test_three_converters_blowing_for_an_acid_plant_of_two_breaks_the_margin():
    s = _schedule()
    fb = evaluate(s, START + timedelta(minutes=5), {"PSC1.STATE": 2, "PSC2.STATE": 4, "PSC3.STATE": 2})
    assert fb.blowing_now == 3 and fb.acid_margin == -1
    assert derived_values(fb)[ACID_TAG] == -1


def test_the_feedback_tags_and_alarms_are_part_of_the_layout():
    """tags/production.yaml declares the derived tags; alarms.d/production.yaml their alarms."""
    layout = load_layout(FOLDER)
    assert layout.tags["PSC.LATE_TASKS"].address == "calc://production/late_tasks"
    assert layout.tags["AP.CONV_BLOW_MARGIN"].address == "calc://production/acid_margin"
    alarms = [a for a in load_alarms(layout) if a.tag in ("PSC.LATE_TASKS", "AP.CONV_BLOW_MARGIN")]
    assert {(a.tag, a.type.value) for a in alarms} == {("PSC.LATE_TASKS", "H"), ("AP.CONV_BLOW_MARGIN", "L")}


def test_a_converter_still_on_its_previous_batch_is_late():
    s = _schedule()
    charge = next(t for t in s.tasks if t.resource == "PSC2" and t.kind == "charge")
    now = START + timedelta(minutes=charge.start + 20)
    began = START - timedelta(hours=6)
    fb = evaluate(s, now, {"PSC1.STATE": 0, "PSC2.STATE": 2, "PSC3.STATE": 0}, {"PSC2": began})
    late = [x for x in fb.late if x.resource == "PSC2"]
    assert late and "still on the batch begun" in late[0].reason and "SLAG_BLOW" in late[0].reason
