"""KPIs on hand-worked state histories, and ``crucible equipment kpi`` on a CSV."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest

from app.core.settings import Settings
from app.maintenance import cli
from app.maintenance.kpi import StateHistory, compute_kpis, oee

UTC = dt.UTC


def t(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 10 if day == 31 else 11, day, hour, tzinfo=UTC)


# Pump P1 over 31 Oct 20:00 .. 2 Nov 01:00 (worked by hand below)
P1 = [
    (t(31, 20), "P1", "running"),
    (t(31, 22), "P1", "unplanned_stop"),  # failure A: starts 31 Oct, spans midnight, 4 h
    (t(1, 2), "P1", "running"),
    (t(1, 10), "P1", "unplanned_stop"),  # failure B: 3 h
    (t(1, 13), "P1", "running"),
    (t(1, 15), "P1", "out_of_service"),  # lock-out for planned work: not a failure
    (t(1, 19), "P1", "idle"),
    (t(1, 20), "P1", "running"),
    (t(1, 23), "P1", "unplanned_stop"),  # failure C: spans the period's end, 2 h in all
    (t(2, 1), "P1", "running"),
]


def kpis(rows, start: dt.datetime, end: dt.datetime, history_end: dt.datetime | None = None):  # type: ignore[no-untyped-def]
    h = StateHistory.from_rows(rows)
    return {k.equipment: k for k in compute_kpis(h, start.timestamp(), end.timestamp(),
                                                 None if history_end is None else history_end.timestamp())}


def test_one_day_with_failures_spanning_both_edges_and_an_out_of_service_spell() -> None:
    k = kpis(P1, t(1, 0), t(2, 0), history_end=t(2, 6))["P1"]
    # in the day: running 2-10, 13-15, 20-23 = 13 h; idle 1 h; unplanned 0-2, 10-13, 23-24 = 6 h; OOS 4 h
    assert k.hours["running"] == pytest.approx(13.0)
    assert k.hours["unplanned_stop"] == pytest.approx(6.0)
    assert k.hours["out_of_service"] == pytest.approx(4.0)
    assert k.availability_pct == pytest.approx(100 * 14 / 20)  # (13 + 1) / (13 + 1 + 6); OOS not scheduled
    assert k.failures == 2  # B and C start in the day; A belongs to 31 Oct; the lock-out is none
    assert k.mtbf_h == pytest.approx(13 / 2)
    assert k.mttr_h == pytest.approx((3 + 2) / 2)  # C measured in full, past midnight


def test_a_failure_across_the_edge_is_counted_once_over_adjacent_periods() -> None:
    before = kpis(P1, t(31, 0), t(1, 0), history_end=t(2, 6))["P1"]
    assert before.failures == 1 and before.mttr_h == pytest.approx(4.0)  # A, all 4 h
    assert before.hours["running"] == pytest.approx(2.0)
    assert before.availability_pct == pytest.approx(100 * 2 / 4)  # known from 20:00 only
    whole = kpis(P1, t(31, 0), t(2, 6))["P1"]
    day = kpis(P1, t(1, 0), t(2, 0), history_end=t(2, 6))["P1"]
    assert whole.failures == before.failures + day.failures == 3


def test_fault_found_while_out_of_service_is_not_a_new_failure() -> None:
    rows = [(t(1, 0), "F1", "running"), (t(1, 4), "F1", "out_of_service"), (t(1, 6), "F1", "unplanned_stop"),
            (t(1, 8), "F1", "running"), (t(1, 10), "F1", "planned_stop"), (t(1, 11), "F1", "running")]
    k = kpis(rows, t(1, 0), t(1, 12))["F1"]
    assert k.failures == 0 and k.mtbf_h is None and k.mttr_h is None
    assert k.availability_pct == pytest.approx(100 * 7 / 9)  # running 7 h of 9 h scheduled (12 - 2 OOS - 1 planned)


def test_oee_of_the_furnace_and_the_casting_wheel() -> None:
    furnace = oee(availability=0.95, produced=1800.0, ideal_rate_per_h=100.0, running_h=20.0)
    assert furnace["performance"] == pytest.approx(0.9)
    assert furnace["oee"] == pytest.approx(0.95 * 0.9)
    wheel = oee(availability=0.9, produced=950, ideal_rate_per_h=50, running_h=20, good=931)  # 19 rejected anodes
    assert wheel["quality"] == pytest.approx(0.98)
    assert wheel["oee"] == pytest.approx(0.9 * 0.95 * 0.98)


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="crucible")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.handler(args, Settings()))


def write_csv(path: Path, rows) -> None:  # type: ignore[no-untyped-def]
    path.write_text("timestamp,equipment,state\n" + "".join(f"{a.isoformat()},{e},{s}\n" for a, e, s in rows), encoding="utf-8")


def test_cli_kpi_json_from_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "states.csv"
    write_csv(path, P1)
    code = run_cli(["equipment", "kpi", "--states", str(path), "--from", "2026-11-01T00:00", "--to", "2026-11-02T00:00", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert doc["period"]["hours"] == 24.0 and doc["period"]["from"].startswith("2026-11-01T00:00")
    p1 = doc["equipment"]["P1"]
    assert (p1["availability_pct"], p1["mtbf_h"], p1["mttr_h"], p1["failures"]) == (70.0, 6.5, 2.5, 2)


def test_cli_reports_every_bad_row_with_file_and_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("timestamp,equipment,state\n2026-11-01T00:00,P1,running\nyesterday,P1,running\n"
                    "2026-11-01T02:00,P1,broken\n2026-11-01T03:00,P1\n", encoding="utf-8")
    assert run_cli(["equipment", "kpi", "--states", str(path), "--json"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:3: 'yesterday' is not a timestamp" in err
    assert f"{path}:4: unknown state 'broken'" in err
    assert f"{path}:5: expected 3 columns" in err
    assert "Traceback" not in err


def test_cli_missing_file_and_bad_period(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["equipment", "kpi", "--states", str(tmp_path / "none.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert run_cli(["equipment", "kpi", "--states", "x.csv", "--from", "2026-11-02", "--to", "2026-11-01"]) == 2
    assert "is not after" in capsys.readouterr().err


def test_cli_per_production_day_of_the_shift_calendar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "states.csv"
    write_csv(path, P1)
    code = run_cli(["equipment", "kpi", "--states", str(path), "--from", "2026-10-31T20:00", "--to", "2026-11-02T06:00",
                    "--per", "day", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    # production days in plant time (Asia/Shanghai, first shift 00:00 = 16:00 UTC)
    assert [p["period"]["label"] for p in doc["periods"]] == ["2026-11-01", "2026-11-02"]
    failures = [p["equipment"]["P1"]["failures"] for p in doc["periods"]]
    assert failures == [2, 1]  # A (06:00 CST) and B (18:00 CST) on the 1st; C (07:00 CST) on the 2nd
    assert doc["periods"][0]["period"]["from"].startswith("2026-10-31T20:00")  # clipped to --from


def test_cli_work_orders_on_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    assert run_cli(["equipment", "wo", "list", "--db", url]) == 2
    assert "has no maintenance tables: run `crucible db upgrade` first" in capsys.readouterr().err
    from sqlalchemy import create_engine

    import app.maintenance.models  # noqa: F401
    from app.db import Base

    engine = create_engine(url)
    Base.metadata.create_all(engine, tables=[t for t in Base.metadata.sorted_tables if t.name.startswith("maint_")])
    engine.dispose()
    assert run_cli(["equipment", "wo", "create", "--equipment", "NOPE.PUMP", "--title", "x", "--db", url]) == 2
    assert "NOPE.PUMP: no such machine in the equipment ledger" in capsys.readouterr().err
    assert run_cli(["equipment", "wo", "create", "--equipment", "WT.P1", "--title", "seal leaking", "--db", url]) == 0
    label = capsys.readouterr().out.strip()
    assert label == "WO-00001"
    assert run_cli(["equipment", "wo", "advance", "1", "scheduled", "--db", url]) == 2
    assert "WO-00001 is requested: it can go to approved next, not scheduled" in capsys.readouterr().err
    assert run_cli(["equipment", "wo", "advance", "1", "approved", "--db", url]) == 0
    assert run_cli(["equipment", "wo", "list", "--open", "--json", "--db", url]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [(r["equipment"], r["status"]) for r in rows] == [("WT.P1", "approved")]
