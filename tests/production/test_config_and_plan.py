"""production.yaml errors name file:line; the plan break-down sums back on every level."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from app.core.shifts import ShiftCalendar
from app.production.cli import register
from app.production.config import ProductionConfigError, load_production, validate_layout
from app.production.plan import break_down

FOLDER = Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter"


def test_shipped_production_yaml_is_valid():
    assert validate_layout(FOLDER) == []


def test_a_bad_value_is_reported_with_file_and_line(tmp_path):
    text = (FOLDER / "production.yaml").read_text().replace("acid_plant_max_blowing: 2", "acid_plant_max_blowing: two")
    bad = tmp_path / "production.yaml"
    bad.write_text(text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "horizon_h" in s)  # the scheduling mapping starts there
    with pytest.raises(ProductionConfigError) as err:
        load_production(bad)
    assert f"{bad}:{line}: scheduling.acid_plant_max_blowing: expected a whole number" in err.value.problems[0]
    assert validate_layout(tmp_path) == err.value.problems


def test_breakdown_sums_to_the_target_on_every_level():
    cfg = load_production(FOLDER / "production.yaml").plan
    plan = break_down(cfg, ShiftCalendar())
    for item, total in plan.annual.items():
        for level in ("month", "week", "day", "shift"):
            assert sum(v[item] for v in plan.level(level).values()) == total, (item, level)
        for month, values in plan.months.items():
            days = [v[item] for d, v in plan.days.items() if d.isoformat().startswith(month)]
            assert sum(days) == values[item]
        for day, values in plan.days.items():
            shifts = [v[item] for k, v in plan.shifts.items() if k.startswith(day.isoformat())]
            assert len(shifts) == 3 and sum(shifts) == values[item]
    # holidays and the annual shutdown get no target; ordinary days do
    assert plan.days[date(2026, 2, 18)]["cathode_t"] == 0
    assert plan.days[date(2026, 3, 5)]["cathode_t"] == 0
    assert plan.days[date(2026, 3, 20)]["cathode_t"] > 0
    march = plan.months["2026-03"]["cathode_t"]
    assert march == round(400000 * 0.087)


def _run(argv, capsys):
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(argv)
    code = args.handler(args, argparse.Namespace(layout=FOLDER))
    return code, capsys.readouterr()


def test_cli_schedule_prints_valid_json(capsys):
    import json

    from app.production.validator import validate

    code, out = _run(["schedule", "--from", "2026-12-01T08:00+08:00", "--hours", "24", "--rule", "greedy", "--seed", "4", "--json"], capsys)
    assert code == 0
    doc = json.loads(out.out)
    assert doc["horizon_h"] == 24 and doc["objective"]["rule"] == "greedy"
    assert validate(doc) == []


def test_cli_bad_input_is_one_line_and_exit_2(capsys):
    code, out = _run(["schedule", "--from", "yesterday"], capsys)
    assert code == 2
    assert out.err.strip() == "crucible: --from 'yesterday' is not an ISO date-time (example 2026-12-01T08:00+08:00)"


def test_cli_plan_show_month(capsys):
    code, out = _run(["plan", "show", "--level", "month"], capsys)
    assert code == 0
    assert "2026-03" in out.out and "34,800" in out.out


def test_completion_statistics_sum_plan_and_actual_per_level():
    from datetime import datetime, timedelta

    from app.production.stats import completion

    cal = ShiftCalendar()
    plan = break_down(load_production(FOLDER / "production.yaml").plan, cal)
    now = datetime(2026, 12, 1, 12, tzinfo=cal.tz)
    shift = cal.shift_at(now)
    prev = cal.shift_at(shift.start - timedelta(minutes=1))
    actual = {shift.id: {"anodes_t": 100.0}, prev.id: {"anodes_t": 300.0}}
    shifts = completion(plan, actual, "shift", "anodes_t", now, count=2)
    assert [p.key for p in shifts] == [prev.id, shift.id]
    assert [p.actual for p in shifts] == [300.0, 100.0]
    assert shifts[1].target == plan.shifts[shift.id]["anodes_t"]
    day = completion(plan, actual, "day", "anodes_t", now, count=1)[0]
    assert day.key == "2026-12-01" and day.actual == 400.0
    # the day's target so far counts the shifts that have started (1 and 2)
    assert day.target == sum(plan.shifts[f"2026-12-01/{n}"]["anodes_t"] for n in (1, 2))
    assert completion(plan, actual, "day", "anodes_t", now, count=2)[0].actual is None  # no data is not zero
    year = completion(plan, actual, "year", "anodes_t", now, count=1)[0]
    assert year.key == "2026" and 0 < year.target < plan.annual["anodes_t"]
