"""Plan versions: import, approve with permission + e-signature (audited), plan vs actual from
historian counters written by the real historian writer into a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.settings import Settings, load_settings
from app.core.shifts import ShiftCalendar
from app.core.tags import Quality, TagValue
from app.db import Base
from app.production import models  # noqa: F401 - the tables
from app.production.config import load_production
from app.production.plan import break_down
from app.production.plan_store import PlanStore, PlanStoreError, actual_for_shift, plan_vs_actual
from app.security.context import Security, build_security
from app.security.users import SecurityError

FOLDER = Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    s = load_settings()
    s.console_name = "CR-01"
    s.critical_second_person = False
    s.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    return s


@pytest.fixture
def security(settings: Settings) -> Iterator[Security]:
    sec = build_security(settings)
    Base.metadata.create_all(sec.engine)  # test fixture only; product code migrates
    sec.users.add_user("lead", "lead-pass-1", ["shift_lead"])
    sec.users.add_user("op", "op-pass-12", ["operator"])
    yield sec
    sec.close()


def test_import_then_approve_with_signature_supersedes_and_is_audited(security: Security):
    store = PlanStore(security.engine, security.audit)
    plan = load_production(FOLDER / "production.yaml").plan
    assert store.import_plan(plan, "production.yaml", "lead") == 1
    assert store.import_plan(plan, "production.yaml", "lead") == 2
    s = security.session
    s.login("lead", "lead-pass-1")
    with pytest.raises(SecurityError):
        store.approve(plan.year, 1, s, "wrong-password", reason="budget 2027")
    assert store.approved(plan.year) is None
    store.approve(plan.year, 1, s, "lead-pass-1", reason="budget 2027")
    info = store.approve(plan.year, 2, s, "lead-pass-1", reason="revised shutdown")
    assert info.status == "approved" and info.approved_by == "lead"
    assert [v.status for v in store.versions(plan.year)] == ["superseded", "approved"]
    assert store.approved(plan.year).plan.annual_targets == plan.annual_targets
    with pytest.raises(PlanStoreError, match="is approved, only a draft"):
        store.approve(plan.year, 2, s, "lead-pass-1")
    events = [(e.event_type, e.result, e.target) for e in security.audit.entries()]
    assert ("plan_approve", "success", f"plan {plan.year} v2") in events
    assert ("signature", "failure", f"plan {plan.year} v1") in events


def test_an_operator_may_not_approve(security: Security):
    from app.security.session import PermissionDenied

    store = PlanStore(security.engine, security.audit)
    plan = load_production(FOLDER / "production.yaml").plan
    store.import_plan(plan, "", "lead")
    security.session.login("op", "op-pass-12")
    with pytest.raises(PermissionDenied, match="may not edit production plans"):
        store.approve(plan.year, 1, security.session, "op-pass-12")
    assert store.versions(plan.year)[0].status == "draft"


def test_plan_vs_actual_from_historian_counters(security: Security, tmp_path: Path):
    from app.historian.database import make_engine, upgrade
    from app.historian.reader import HistoryReader
    from app.historian.writer import HistorianWriter

    engine = make_engine(f"sqlite:///{tmp_path / 'history.sqlite'}", use_keyring=False)
    upgrade(engine)

    cal = ShiftCalendar()
    shift = cal.shift(datetime(2026, 3, 20).date(), 2)
    writer = HistorianWriter(engine, tmp_path / "spool")
    writer.start()
    t = shift.start
    count = 0
    while t < shift.end + timedelta(hours=1):
        in_shift = t < shift.end
        count = count + 10 if in_shift else 5  # the counter resets at the shift change
        writer.enqueue({"CW.COUNT": TagValue(float(count), Quality.GOOD, t.astimezone(UTC), t.astimezone(UTC)),
                        "TH.CATHODE_T": TagValue(1.5 * count, Quality.GOOD, t.astimezone(UTC), t.astimezone(UTC))})
        t += timedelta(minutes=10)
    writer.stop()
    actual = actual_for_shift(HistoryReader(engine), shift.start, shift.end)
    assert actual["anodes_t"] == pytest.approx(480 * 0.37)  # 48 readings x 10 anodes of 370 kg
    plan = break_down(load_production(FOLDER / "production.yaml").plan, cal)
    target = plan.shifts[shift.id]
    report = plan_vs_actual({"anodes_t": target["anodes_t"]}, actual)
    assert report["anodes_t"]["pct"] == round(100 * 480 * 0.37 / target["anodes_t"], 1)


def test_cli_plan_import_and_approve(security: Security, settings: Settings, capsys, monkeypatch):
    import argparse
    import io

    from app.production.cli import register

    def run(argv, stdin=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        parser = argparse.ArgumentParser()
        register(parser.add_subparsers(dest="cmd"))
        args = parser.parse_args(argv)
        settings.layout = FOLDER
        return args.handler(args, settings), capsys.readouterr()

    code, out = run(["plan", "import", "--user", "lead"])
    assert code == 0 and "plan 2026 v1 imported as a draft" in out.out
    code, out = run(["plan", "approve", "--year", "2026", "--version", "1", "--user", "op", "--password-stdin"], "op-pass-12\n")
    assert code == 2 and "may not edit production plans" in out.err
    code, out = run(["plan", "approve", "--year", "2026", "--version", "1", "--user", "lead", "--password-stdin",
                     "--reason", "budget"], "lead-pass-1\n")
    assert code == 0 and "plan 2026 v1 approved by lead" in out.out


def test_cli_approve_with_a_second_person_where_the_console_requires_it(security: Security, settings: Settings, capsys, monkeypatch):
    import argparse
    import io

    from app.production.cli import register

    settings.critical_second_person = True
    security.users.add_user("eng", "eng-pass-12", ["process_engineer"])

    def run(argv, stdin=""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        parser = argparse.ArgumentParser()
        register(parser.add_subparsers(dest="cmd"))
        args = parser.parse_args(argv)
        settings.layout = FOLDER
        return args.handler(args, settings), capsys.readouterr()

    assert run(["plan", "import", "--user", "lead"])[0] == 0
    code, out = run(["plan", "approve", "--year", "2026", "--version", "1", "--user", "lead", "--password-stdin", "--reason", "x"],
                    "lead-pass-1\n")
    assert code == 2 and "second authorised person must confirm" in out.err
    code, out = run(["plan", "approve", "--year", "2026", "--version", "1", "--user", "lead", "--second-user", "eng",
                     "--password-stdin", "--reason", "budget"], "lead-pass-1\neng-pass-12\n")
    assert code == 0, out.err
