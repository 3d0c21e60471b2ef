"""The converter-aisle scheduler: every schedule passes the independent validator, the
validator catches broken constraints, a breakdown gives a valid reschedule, an infeasible
setup names its binding constraint."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.production import cpsat
from app.production.config import Unavailability, load_production
from app.production.greedy import greedy
from app.production.scenarios import scenario
from app.production.schedule import InfeasibleError, Problem
from app.production.service import moved, reschedule_problem
from app.production.validator import validate

LAYOUT = Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter" / "production.yaml"
START = datetime(2026, 12, 1, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def aisle():
    return load_production(LAYOUT).aisle


@pytest.fixture(scope="module")
def solved(aisle):
    prob = scenario(aisle, START, 3, horizon_h=24)
    return prob, greedy(prob), cpsat.solve(prob, time_limit_s=6, workers=2)


def test_greedy_and_cpsat_schedules_are_valid_and_cpsat_is_not_worse(solved):
    _, g, c = solved
    assert validate(g.to_json()) == []
    assert validate(c.to_json()) == []
    assert g.objective()["batches"] >= 1
    assert c.objective()["value"] >= g.objective()["value"]


def test_schedule_json_has_the_issue_format(solved):
    doc = solved[2].to_json()
    assert {"horizon_start", "horizon_h", "objective", "tasks"} <= doc.keys()
    kinds = {t["kind"] for t in doc["tasks"]}
    assert {"tap", "charge", "slag_blow", "skim", "copper_blow", "pour", "crane_move", "af_heat", "cast"} <= kinds
    for t in doc["tasks"]:
        assert {"id", "resource", "kind", "start", "end", "batch", "after"} <= t.keys()
        datetime.fromisoformat(t["start"])
    ids = {t["id"] for t in doc["tasks"]}
    assert all(a in ids for t in doc["tasks"] for a in t["after"])


def _shift(doc, task_id, minutes):
    for t in doc["tasks"]:
        if t["id"] == task_id:
            t["start"] = (datetime.fromisoformat(t["start"]) + timedelta(minutes=minutes)).isoformat()
            t["end"] = (datetime.fromisoformat(t["end"]) + timedelta(minutes=minutes)).isoformat()
    return doc


def test_validator_catches_each_broken_constraint(solved):
    good = solved[2].to_json()
    blows = [t for t in good["tasks"] if t["kind"] == "slag_blow"]
    doc = copy.deepcopy(good)
    doc["constraints"]["acid_plant_max_blowing"] = 0
    assert any(p.startswith("acid_plant:") for p in validate(doc))
    doc = copy.deepcopy(good)
    t = next(t for t in doc["tasks"] if t["kind"] == "skim")
    t["end"] = (datetime.fromisoformat(t["end"]) - timedelta(minutes=5)).isoformat()
    assert any(p.startswith("durations:") for p in validate(doc))
    doc = _shift(copy.deepcopy(good), blows[0]["id"], -30)  # blow before its charge ends
    assert any(p.startswith("precedence:") for p in validate(doc))
    doc = copy.deepcopy(good)
    doc["objective"]["value"] += 50
    assert any(p.startswith("objective:") for p in validate(doc))
    doc = copy.deepcopy(good)
    doc["constraints"]["smelting_furnace"]["bath_max_t"] = 100
    assert any(p.startswith("smelting_furnace:") for p in validate(doc))
    doc = copy.deepcopy(good)
    doc["constraints"]["ladles"]["matte"] = 0
    assert any(p.startswith("ladles:") for p in validate(doc))
    doc = copy.deepcopy(good)
    move = next(t for t in doc["tasks"] if t["kind"] == "crane_move")
    doc["constraints"]["unavailable"].append({"resource": move["resource"], "start": move["start"], "end": move["end"],
                                              "kind": "breakdown", "reason": "test"})
    assert any(p.startswith("maintenance:") for p in validate(doc))


def test_a_dragged_task_is_rechecked(solved):
    c = solved[2]
    pour = next(t for t in c.tasks if t.kind == "pour")
    problems = validate(moved(c, pour.id, pour.start - 120).to_json())
    assert any("precedence" in p for p in problems)


def test_breakdown_mid_horizon_gives_a_valid_reschedule(aisle):
    prob = scenario(aisle, START, 3, horizon_h=24)
    first = cpsat.solve(prob, time_limit_s=5, workers=2)
    now = 480
    broken = next(t.resource for t in first.tasks if t.kind == "charge")
    again = cpsat.solve(reschedule_problem(first, now, (Unavailability(broken, now, now + 180, "breakdown", "tuyere leak"),)),
                        time_limit_s=5, workers=2)
    doc = again.to_json()
    assert validate(doc) == []
    started = {t.id: t for t in first.tasks if t.start < now}
    kept = {t.id: t for t in again.tasks}
    assert all(kept[i].start == t.start for i, t in started.items())  # history is not rewritten
    window = next(u for u in doc["constraints"]["unavailable"] if u["reason"] == "tuyere leak")
    ws, we = datetime.fromisoformat(window["start"]), datetime.fromisoformat(window["end"])
    assert not [t for t in doc["tasks"] if t["resource"] == broken and datetime.fromisoformat(t["start"]) < we
                and ws < datetime.fromisoformat(t["end"])]


def test_infeasible_setup_names_the_acid_plant(aisle):
    tight = replace(aisle, acid_max_blowing=1, unavailable=())
    prob = Problem(tight, START, horizon_h=24)
    with pytest.raises(InfeasibleError) as err:
        cpsat.solve(prob, time_limit_s=4, workers=2, requirements=cpsat.Requirements(min_batches=3))
    assert "acid_plant" in str(err.value)
    assert "3 batches required" in str(err.value)


def test_too_many_batches_for_the_converters_is_named_before_solving(aisle):
    prob = Problem(aisle, START, horizon_h=24)
    with pytest.raises(InfeasibleError, match="targets"):
        cpsat.solve(prob, requirements=cpsat.Requirements(min_batches=99))


def test_solver_reports_progress_from_a_worker_thread(aisle):
    import threading

    from app.production.config import load_production as lp
    from app.production.service import ProductionService

    svc = ProductionService(lp(LAYOUT))
    seen: list[float] = []
    finished = threading.Event()
    result: list = []
    svc.solve_in_thread(scenario(aisle, START, 2, 24), budget_s=3,
                        progress=lambda e, v, b: seen.append(v), done=lambda s, err: (result.append((s, err)), finished.set()))
    assert finished.wait(30)
    sched, err = result[0]
    assert err == "" and sched is not None and seen
    assert validate(sched.to_json()) == []
