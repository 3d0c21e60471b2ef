"""Report generation by the shifts service: kept in the database and the reports folder,
missed shift ends caught up at the next start; the CLI writes a PDF or says what is wrong."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.layout import load_layout
from app.core.settings import Settings
from app.db import make_engine
from app.db.migrate import upgrade
from app.shifts.cli import register
from app.shifts.service import ShiftsService

HISTORY_FROM = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)


def with_history(path: Path, end: datetime):  # type: ignore[no-untyped-def]
    """A plant database with 1-per-minute history of the report's tags (the real writer)."""
    from tests.reports.history import build

    return build(path, HISTORY_FROM, end, step_s=60)


@pytest.fixture
def service(tmp_path: Path) -> ShiftsService:
    engine = with_history(tmp_path / "plant.sqlite", datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    clock = [datetime(2026, 12, 1, 9, 30, tzinfo=UTC)]  # 17:30 Shanghai: shift 3 of 2026-12-01
    svc = ShiftsService(engine, load_layout(), reports_dir=tmp_path / "reports", catch_up_days=1,
                        clock=lambda: clock[0])
    svc._clock_cell = clock  # type: ignore[attr-defined]
    return svc


def test_layout_calendar_and_targets(service: ShiftsService) -> None:
    s = service.current_shift()
    assert (s.id, s.start.hour, s.hours) == ("2026-12-01/3", 16, 8.0)
    assert service.shift_name(s, "zh_CN") == "中班" and s.name == "Evening"
    assert service.config.targets["cathode"] == 400.0 and service.config.permit_mg_m3 == 400.0
    assert service.status_text("en") == "Shift 3 Evening · crew " + s.crew + " · 16:00–00:00"
    assert service.status_text("zh_CN") == "第3班 中班 · " + s.crew + "班组 · 16:00–00:00"


def test_missed_shift_ends_are_caught_up_once(service: ShiftsService, tmp_path: Path) -> None:
    assert service.history_start() == HISTORY_FROM
    missed = service.missing_shift_reports()
    # the last 24 h: shifts that ended between 2026-11-30 17:30 and 2026-12-01 17:30 Shanghai
    assert [s.id for s in missed] == ["2026-11-30/3", "2026-12-01/1", "2026-12-01/2"]
    files = service.catch_up()
    assert sorted(p.name for p in files) == sorted(
        f"shift_{sid}_{lang}.pdf" for sid in ("2026-11-30_3", "2026-12-01_1", "2026-12-01_2") for lang in ("en", "zh_CN"))
    assert all(p.read_bytes().startswith(b"%PDF") for p in files)
    stored = service.stored("shift")
    assert len(stored) == 6 and all(auto for *_, auto, _ in stored)
    assert service.catch_up() == []  # nothing twice
    # the console runs on: the next shift end produces the next report
    service._clock_cell[0] += timedelta(hours=7)  # type: ignore[attr-defined]
    assert [p.name for p in service.catch_up()] == ["shift_2026-12-01_3_en.pdf", "shift_2026-12-01_3_zh_CN.pdf"]


def run_cli(argv: list[str], settings: Settings) -> int:
    parser = argparse.ArgumentParser(prog="crucible")
    register(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(argv)
    return int(args.handler(args, settings))


def test_cli_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.core.settings import load_settings

    settings = load_settings()
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    upgrade(make_engine(db))
    out = tmp_path / "r.pdf"
    assert run_cli(["report", "shift", "--date", "2026-12-01", "--shift", "2", "--lang", "zh_CN", "-o", str(out),
                    "--db", db], settings) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert run_cli(["report", "month", "--month", "2026-11", "-o", str(tmp_path / "m.pdf"), "--db", db], settings) == 0
    assert run_cli(["report", "shift", "--date", "2026-12-41", "--shift", "2", "-o", str(out), "--db", db], settings) == 2
    assert "--date '2026-12-41' is not a date" in capsys.readouterr().err
    assert run_cli(["report", "shift", "--date", "2026-12-01", "--shift", "4", "-o", str(out), "--db", db], settings) == 2
    assert "shift number 4 is not between 1 and 3" in capsys.readouterr().err
    assert run_cli(["report", "day", "--date", "2026-12-01", "-o", str(tmp_path / "nodir" / "x.pdf"), "--db", db],
                   settings) == 2
    assert "cannot write" in capsys.readouterr().err
    junk = tmp_path / "junk.sqlite"  # not a database at all: one line, no traceback
    junk.write_bytes(b"this is not a database" * 100)
    assert run_cli(["report", "day", "--date", "2026-12-01", "-o", str(out), "--db", f"sqlite:///{junk}"], settings) == 2
    err = capsys.readouterr().err
    assert "junk.sqlite" in err and "not a database" in err and "Traceback" not in err and len(err.splitlines()) == 1
    fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"  # a console's new SQLite file is migrated on the spot
    assert run_cli(["report", "day", "--date", "2026-12-01", "-o", str(out), "--db", fresh], settings) == 0


def test_run_catches_up_then_generates_at_the_shift_end(tmp_path: Path) -> None:
    import asyncio
    import time

    base = datetime(2026, 12, 1, 7, 59, 58, tzinfo=UTC)
    engine = with_history(tmp_path / "plant.sqlite", base)  # 2 s before 16:00 Shanghai (end of shift 2)
    t0 = time.monotonic()
    svc = ShiftsService(engine, load_layout(), reports_dir=tmp_path / "reports", catch_up_days=1,
                        clock=lambda: base + timedelta(seconds=time.monotonic() - t0))
    svc.end_margin_s = 0.0
    svc.languages = ("en",)

    from app.shifts.module import MODULE

    async def scenario() -> list[str]:
        assert MODULE.start is not None and MODULE.close is not None
        MODULE.start(svc)  # what Runtime.start_modules does once the loop runs
        try:
            for _ in range(600):
                await asyncio.sleep(0.1)
                labels = {label for _k, label, *_ in svc.stored("shift")}
                if "2026-12-01/2" in labels:
                    break
        finally:
            MODULE.close(svc)
        assert svc._task is None
        return sorted({label for _k, label, *_ in svc.stored("shift")})

    labels = asyncio.run(scenario())
    # caught up at start (the two shifts that ended in the last day), then shift 2 at its end
    assert labels == ["2026-11-30/2", "2026-11-30/3", "2026-12-01/1", "2026-12-01/2"]


def test_cli_handover(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.core.settings import load_settings
    from app.shifts.handover import HandoverLog

    settings = load_settings()
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    engine = make_engine(db)
    upgrade(engine)
    log = HandoverLog(engine)
    log.add("2026-12-01/2", "TH", "li", "Crane 2 brake noisy", [{"kind": "work_order", "text": "WO-17 crane brake"}])
    assert run_cli(["handover", "show", "--date", "2026-12-01", "--shift", "2", "--db", db], settings) == 0
    out = capsys.readouterr().out
    assert "shift 2026-12-01/2 crew" in out and "not signed" in out and "[TH] li" in out and "work_order: WO-17" in out
    assert run_cli(["handover", "search", "brake", "--db", db], settings) == 0
    assert "2026-12-01/2 [TH] li: Crane 2 brake noisy" in capsys.readouterr().out
    assert run_cli(["handover", "verify", "--db", db], settings) == 0
    assert "0 signed handovers, 0 changed" in capsys.readouterr().out


def test_signed_handover_in_the_shift_and_day_reports(service: ShiftsService, tmp_path: Path) -> None:
    import subprocess

    service.handover.add("2026-12-01/2", "PSC", "wang", "PSC3 relined; back on line tomorrow",
                         [{"kind": "out_of_service", "text": "PSC3"}])
    for kind, shift in (("shift", 2), ("day", 0)):
        f = tmp_path / f"{kind}.pdf"
        f.write_bytes(service.build(kind, datetime(2026, 12, 1).date(), shift, "zh_CN"))
        text = subprocess.run(["pdftotext", str(f), "-"], capture_output=True, text=True, check=True).stdout
        assert "PSC3 relined; back on line tomorrow" in text and "停用: PSC3" in text
        assert ("2026-12-01/2 · PSC" in text) == (kind == "day")


def test_module_validates_the_shifts_section() -> None:
    import dataclasses

    from app.shifts.module import MODULE

    layout = load_layout()
    assert MODULE.validate is not None and MODULE.validate(layout) == []
    bad = dict(layout.extra["shifts"], time_zone="Mars/Olympus", report_targets={"cathod": 400, "__line__": 7})
    problems = MODULE.validate(dataclasses.replace(layout, extra={**layout.extra, "shifts": bad}))
    assert any("plant.yaml:" in p and "unknown time zone 'Mars/Olympus'" in p for p in problems), problems
    assert any("report_targets.cathod is not a product" in p for p in problems), problems


def test_module_setup_finds_security_attached_later(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from app.security.context import build_security
    from app.shifts.handover import HandoverError
    from app.shifts.module import MODULE

    monkeypatch.setenv("CRUCIBLE_SCRYPT_N", "16")
    from app.core.settings import load_settings

    settings = load_settings()
    settings.db_url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    upgrade(make_engine(settings.db_url))
    runtime = SimpleNamespace(layout=load_layout(), db=make_engine(settings.db_url),
                              session=None, audit=None, console="CR-02", alarms=None, services={})
    assert MODULE.setup is not None
    svc = MODULE.setup(runtime)
    svc.handover.add("2026-12-01/1", "TH", "wang", "Rectifier 2 trip reset")
    with pytest.raises(HandoverError, match="security is not set up"):
        svc.handover.sign("2026-12-01/1", "wang", "correct-horse-1")
    sec = build_security(settings)  # the GUI attaches security after the modules are set up
    sec.users.add_user("wang", "correct-horse-1", ["shift_lead"])
    runtime.session, runtime.audit = sec.session, sec.audit
    so = svc.handover.sign("2026-12-01/1", "wang", "correct-horse-1")
    assert any(e.event_type == "handover_sign" and e.new_value == so.checksum and e.console == "CR-02"
               for e in sec.audit.entries())
    sec.close()


def test_no_history_no_catch_up(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite'}")
    upgrade(engine)
    svc = ShiftsService(engine, load_layout(), reports_dir=tmp_path / "reports",
                        clock=lambda: datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    assert svc.history_start() is None and svc.missing_shift_reports() == [] and svc.catch_up() == []


def test_run_under_the_runtime_supervisor(tmp_path: Path) -> None:
    import asyncio

    from app.core.supervisor import Supervisor
    from app.shifts.module import MODULE

    engine = with_history(tmp_path / "plant.sqlite", datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    svc = ShiftsService(engine, load_layout(), reports_dir=tmp_path / "reports", catch_up_days=1,
                        clock=lambda: datetime(2026, 12, 1, 9, 30, tzinfo=UTC), supervisor=Supervisor())
    svc.languages = ("en",)

    async def scenario() -> tuple[int, bool, dict[str, str]]:
        assert MODULE.start is not None and MODULE.close is not None
        MODULE.start(svc)
        handle = svc.supervisor.handles[ShiftsService.SUPERVISED_NAME]
        for _ in range(600):
            await asyncio.sleep(0.1)
            if len(svc.stored("shift")) >= 3:
                break
        running = handle.running
        svc.supervisor.stop()  # as Runtime.stop does before it closes the modules
        MODULE.close(svc)
        await asyncio.sleep(0.1)
        return len(svc.stored("shift")), running and not handle.running, dict(svc.supervisor.problems)

    count, stopped_cleanly, problems = asyncio.run(scenario())
    assert count == 3 and stopped_cleanly and problems == {}
