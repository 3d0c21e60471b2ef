"""Western Electric rules 1-4 on crafted series, false-alarm rate in control, the spc CLI."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import pytest

from app.quality import cli as qcli
from app.quality.spc import (
    EXPECTED_RATE,
    chart,
    imr_limits,
    subgroups,
    western_electric,
    xbar_r_limits,
)


def flags(x: list[float]) -> dict[int, list[int]]:
    return {r: idx.tolist() for r, idx in western_electric(np.array(x), 0.0, 1.0).items()}


def test_rule1_beyond_three_sigma_both_sides_and_not_on_the_limit() -> None:
    f = flags([0.1, 3.01, -0.2, -3.5, 3.0, -3.0])
    assert f[1] == [1, 3]  # exactly 3 sigma is inside


def test_rule2_two_of_three_beyond_two_sigma_same_side() -> None:
    f = flags([0.0, 2.5, 0.3, 2.2, 0.0, 0.0, 2.1, -2.1, 0.0])
    assert f[2] == [3]  # 2.5 and 2.2 within three points; reported at the completing point
    assert 7 not in f[2] and 6 not in f[2]  # opposite sides do not make a pattern
    assert f[1] == []


def test_rule3_four_of_five_beyond_one_sigma_same_side() -> None:
    f = flags([0.0, -1.2, -1.5, 0.2, -1.1, -1.3, 0.0])
    assert f[3] == [5]
    assert f[2] == [] and f[1] == []
    g = flags([1.2, 1.5, 0.2, 1.1, -1.3])  # only 3 of 5 on the high side
    assert g[3] == []


def test_rule4_eight_in_a_row_one_side_and_centre_breaks_the_run() -> None:
    f = flags([0.5] * 7 + [0.0] + [0.4] * 9)
    assert f[4] == [15, 16]  # the run restarts after the point on the centre line
    g = flags([-0.3] * 8)
    assert g[4] == [7]


def test_in_control_series_has_no_more_false_alarms_than_expected() -> None:
    rng = np.random.default_rng(20261201)
    x = rng.normal(0.0, 1.0, 1000)
    f = western_electric(x, 0.0, 1.0)
    # Clusters: a rule-4 run goes on with probability 1/2 per point (mean cluster 2 points);
    # rules 2/3 patterns overlap little. Bound = expected + 3 sd of a clustered Poisson count.
    cluster = {1: 1.0, 2: 1.3, 3: 1.6, 4: 2.0}
    for rule, rate in EXPECTED_RATE.items():
        eligible = len(x) - {1: 0, 2: 2, 3: 4, 4: 7}[rule]
        expected = eligible * rate
        bound = expected + 3 * math.sqrt(expected * cluster[rule])
        assert len(f[rule]) <= bound, (rule, len(f[rule]), expected)
    # the analytic rates themselves (sanity: rule 1 is the famous 0.27 %)
    assert EXPECTED_RATE[1] == pytest.approx(0.0027, abs=1e-4)
    assert EXPECTED_RATE[4] == pytest.approx(2 / 256)


def test_analytic_rates_match_a_large_simulation() -> None:
    rng = np.random.default_rng(7)
    x = rng.normal(0.0, 1.0, 400_000)
    f = western_electric(x, 0.0, 1.0)
    for rule, rate in EXPECTED_RATE.items():
        assert len(f[rule]) / len(x) == pytest.approx(rate, rel=0.12), rule


def test_imr_and_xbar_r_limits_from_the_baseline() -> None:
    x = np.array([10.0, 12.0, 11.0, 13.0, 12.0])
    lim = imr_limits(x, baseline=4)
    assert lim.centre == pytest.approx(11.5)
    assert lim.sigma == pytest.approx((2 + 1 + 2) / 3 / 1.128)
    assert lim.range_ucl == pytest.approx(3.267 * 5 / 3)
    groups = subgroups(np.array([1.0, 3.0, 2.0, 2.0, 4.0, 6.0, 5.0]), 2)
    assert groups.shape == (3, 2)
    lim2 = xbar_r_limits(groups)
    assert lim2.centre == pytest.approx(3.0)
    assert lim2.sigma == pytest.approx((2 + 0 + 2) / 3 / (1.128 * math.sqrt(2)))  # ranges 2, 0, 2


def test_chart_detects_a_shift_after_the_baseline() -> None:
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(62.0, 0.5, 30), np.full(10, 63.4)])
    res = chart("SMF.MATTE_CU", x, baseline=30)
    rules_after = {r for i, r in res.violations if i >= 30}
    assert {2, 3, 4} <= rules_after


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    qcli.register(sub)
    args = parser.parse_args(argv)
    return int(args.handler(args, None))


def test_cli_prints_violations_with_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "assays.csv"
    lines = ["timestamp,characteristic,value"]
    values = [0.1, -0.2, 0.3, 4.0, 0.0, -0.1, 0.2]
    for i, v in enumerate(values):
        lines.append(f"2026-12-01T{i:02d}:00:00+08:00,SMF.SLAG_CU,{v}")
        lines.append(f"2026-12-01T{i:02d}:00:00+08:00,SMF.MATTE_CU,{62 + v / 10}")
    path.write_text("\n".join(lines) + "\n")
    assert _run(["quality", "spc", "--csv", str(path), "--characteristic", "SMF.SLAG_CU",
                 "--limits", "SMF.SLAG_CU=0,1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (c,) = out["characteristics"]
    assert c["characteristic"] == "SMF.SLAG_CU" and c["limits_from"] == "given"
    assert (c["centre"], c["ucl"], c["lcl"]) == (0.0, 3.0, -3.0)
    assert c["violations"] == [{"index": 3, "timestamp": "2026-12-01T03:00:00+08:00", "rule": 1}]
    assert _run(["quality", "spc", "--csv", str(path), "--baseline", "3", "--json"]) == 0
    both = json.loads(capsys.readouterr().out)
    assert [c["characteristic"] for c in both["characteristics"]] == ["SMF.SLAG_CU", "SMF.MATTE_CU"]
    assert both["characteristics"][0]["limits_from"] == "first 3 points"


def test_cli_bad_csv_names_file_and_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,characteristic,value\n2026-12-01T00:00:00,A,1\nyesterday,A,2\n2026-12-01T02:00:00,A,abc\n"
                    "2026-12-01T03:00:00,A\n")
    assert _run(["quality", "spc", "--csv", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5: expected 3 columns, found 2" in err
    path.write_text("timestamp,characteristic,value\n2026-12-01T00:00:00,A,1\nyesterday,A,2\n2026-12-01T02:00:00,A,abc\n")
    assert _run(["quality", "spc", "--csv", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: column timestamp" in err and f"{path}:4: column value: 'abc'" in err
    assert "Traceback" not in err
    assert _run(["quality", "spc", "--csv", str(tmp_path / "none.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_cli_xbar_r_reports_the_subgroup_and_its_last_timestamp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "anodes.csv"
    masses = [370, 372, 368, 371, 369, 370, 371, 369, 370, 372, 368, 370, 390, 391, 389, 390]  # 4th subgroup far off
    rows = ["timestamp,characteristic,value"] + [f"2026-12-01T00:{k:02d}:00Z,CW.ANODE_MASS,{m}" for k, m in enumerate(masses)]
    path.write_text("\n".join(rows) + "\n")
    assert _run(["quality", "spc", "--csv", str(path), "--subgroup", "4", "--baseline", "3", "--json"]) == 0
    (c,) = json.loads(capsys.readouterr().out)["characteristics"]
    assert c["chart"] == "Xbar-R" and c["points"] == 4 and c["limits_from"] == "first 3 subgroups of 4"
    assert {"index": 3, "timestamp": "2026-12-01T00:15:00+00:00", "rule": 1} in c["violations"]
    assert _run(["quality", "spc", "--csv", str(path), "--subgroup", "11"]) == 2
    assert "subgroup size 11 is not between 2 and 10" in capsys.readouterr().err
