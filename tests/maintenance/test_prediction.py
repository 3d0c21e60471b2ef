"""Vibration prediction on synthetic degradations with a known true crossing."""

from __future__ import annotations

import numpy as np
import pytest

from app.maintenance.prediction import predict_crossing


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_linear_wear_crossing_within_20_percent(seed: int) -> None:
    rng = np.random.default_rng(seed)
    days = np.arange(30.0)
    vib = 1.6 + 0.045 * days + rng.normal(0, 0.08, days.size)  # zone C (4.5) at day 64.4
    vib[7] = 6.0  # a start-up spike the robust fit must ignore
    pred = predict_crossing(days, vib, 4.5)
    assert pred is not None
    true_days = (4.5 - 1.6) / 0.045 - days[-1]
    assert abs(pred.days - true_days) <= 0.2 * true_days, (pred, true_days)
    assert pred.early_days <= pred.days <= pred.late_days
    assert "zone C in about" in pred.text()


def test_exponential_bearing_wear_crossing_within_20_percent() -> None:
    rng = np.random.default_rng(7)
    days = np.arange(40.0)
    vib = 0.9 * np.exp(0.035 * days) * (1 + rng.normal(0, 0.03, days.size))  # 2.8 at day 32.4, 4.5 at 46.0
    pred = predict_crossing(days, vib, 4.5)
    assert pred is not None and pred.model == "exponential"
    true_days = np.log(4.5 / 0.9) / 0.035 - days[-1]
    assert abs(pred.days - true_days) <= 0.2 * true_days, (pred, true_days)


def test_flat_vibration_predicts_nothing_and_few_days_are_not_enough() -> None:
    rng = np.random.default_rng(3)
    days = np.arange(20.0)
    assert predict_crossing(days, 1.5 - 0.001 * days + rng.normal(0, 0.02, 20), 4.5) is None
    assert predict_crossing(days[:3], np.array([1.0, 2.0, 3.0]), 4.5) is None


def test_already_in_zone_c_says_now() -> None:
    days = np.arange(10.0)
    pred = predict_crossing(days, 4.0 + 0.1 * days, 4.5)
    assert pred is not None and pred.days == 0 and pred.text() == "in zone C now"
