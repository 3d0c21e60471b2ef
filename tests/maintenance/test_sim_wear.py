"""Simulator wear: Weibull bearing lives, lognormal repairs, vibration rising to a trip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.layout import PlantLayout
from app.sim.model import FAULT, ISO_10816_CD, RUNNING, Motor, PlantModel
from app.sim.wear import REPAIR, WEIBULL, WearModel


def test_lives_follow_the_weibull_of_each_type_and_repairs_are_skewed_long() -> None:
    wear = WearModel(seed=3)
    for kind, (beta, eta) in WEIBULL.items():
        lives = np.array([wear.onset_h(kind) for _ in range(3000)])
        assert np.median(lives) == pytest.approx(eta * math.log(2) ** (1 / beta), rel=0.08)
    repairs = np.array([wear.repair_s("blower") for _ in range(3000)]) / 3600
    assert np.median(repairs) == pytest.approx(REPAIR["blower"][0], rel=0.08)
    assert repairs.mean() > np.median(repairs)  # a few long ones


def test_worn_bearing_vibration_accelerates_to_a_trip_then_is_repaired() -> None:
    wear = WearModel(seed=5)
    m = Motor("WT.P1", 100.0, 1.2, 0.0)
    wear.attach(m, "WT.P1")
    m.age_h = m.onset_h  # the bearing starts to wear now
    m.bearing_rate = 0.2
    daily = []
    for _ in range(60 * 24):  # up to 60 days, an hour at a time
        m.advance(3600.0)
        if m.state == FAULT:
            break
        daily.append(m.vib_base + m.wear)
    assert m.state == FAULT and m.vib_base + m.wear > ISO_10816_CD
    days = np.array(daily[::24])
    steps = np.diff(days)
    assert steps[-1] > 2 * steps[0]  # faster and faster
    repair_h = m.repair_s / 3600.0
    for _ in range(int(repair_h) + 1):
        m.advance(3600.0)
    assert m.state == RUNNING and m.wear == 0.0 and m.age_h < 1.0


def test_every_plant_motor_has_a_type_and_no_bearing_is_failing_at_start(layout: PlantLayout) -> None:
    model = PlantModel(layout.tags, seed=1)
    kinds = {p: m.kind for p, m in model.motors.items()}
    assert kinds["AP.BLOWER"] == "blower" and kinds["WT.P1"] == "pump" and kinds["CB.BELT1"] == "belt_conveyor"
    assert all(m.onset_h - m.age_h >= 48.0 for m in model.motors.values())
    again = PlantModel(layout.tags, seed=1)
    assert [m.onset_h for m in again.motors.values()] == [m.onset_h for m in model.motors.values()]  # seeded
