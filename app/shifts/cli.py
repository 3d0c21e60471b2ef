"""``crucible report shift|day|month`` and ``crucible handover list|search|verify``."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = subparsers.add_parser("report", help="shift, daily and monthly PDF reports")
    sub = report.add_subparsers(dest="report_kind", required=True)
    for kind, helptext in (("shift", "the report of one shift"), ("day", "the daily report of a production day"),
                           ("month", "the monthly report")):
        p = sub.add_parser(kind, help=helptext)
        if kind == "month":
            p.add_argument("--month", required=True, help="YYYY-MM")
        else:
            p.add_argument("--date", required=True, help="production day YYYY-MM-DD")
        if kind == "shift":
            p.add_argument("--shift", type=int, required=True, help="shift number of the day (1, 2, 3)")
        p.add_argument("--lang", default="en", choices=("en", "zh_CN"), help="report language")
        p.add_argument("-o", "--output", required=True, help="PDF file to write")
        p.add_argument("--db", dest="shifts_db", metavar="URL", help="plant database URL (default: crucible --db, "
                       "else the db_url setting, else the SQLite file in the data folder)")
        p.add_argument("--layout", dest="shifts_layout", metavar="FOLDER", help="plant layout folder (default: the settings' layout)")
        p.set_defaults(handler=_report)
    handover = subparsers.add_parser("handover", help="the shift handover log")
    hsub = handover.add_subparsers(dest="handover_cmd", required=True)
    ls = hsub.add_parser("show", help="the entries of one shift (default: the current one)")
    ls.add_argument("--date", help="production day YYYY-MM-DD")
    ls.add_argument("--shift", type=int)
    ls.add_argument("--db", dest="shifts_db", metavar="URL", help="plant database URL")
    ls.set_defaults(handler=_guarded(_handover_show))
    se = hsub.add_parser("search", help="search the handover history")
    se.add_argument("text", nargs="?", default="")
    se.add_argument("--area", default="")
    se.add_argument("--db", dest="shifts_db", metavar="URL", help="plant database URL")
    se.set_defaults(handler=_guarded(_handover_search))
    ve = hsub.add_parser("verify", help="check signed handovers against their checksums")
    ve.add_argument("--db", dest="shifts_db", metavar="URL", help="plant database URL")
    ve.set_defaults(handler=_guarded(_handover_verify))


def _url(args: argparse.Namespace, settings: Any) -> str:
    """``--db`` after the sub-command, else before it (``crucible --db URL report ...``), else the settings."""
    return (getattr(args, "shifts_db", None) or getattr(args, "db", None) or settings.db_url
            or f"sqlite:///{settings.default_sqlite_path}")


def _db_message(args: argparse.Namespace, settings: Any, exc: BaseException) -> str:
    url = _url(args, settings)
    detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
    return f"cannot read the plant database {url}: {detail} (is it created? crucible db upgrade)"


def _guarded(fn: Any) -> Any:
    """``fn`` with database errors turned into one line and exit code 2."""

    def run(args: argparse.Namespace, settings: Any) -> int:
        from app.shifts.service import database_errors

        try:
            return int(fn(args, settings))
        except database_errors() as exc:
            return _fail(_db_message(args, settings, exc))

    return run


def _fail(msg: str) -> int:
    print(f"crucible: {msg}", file=sys.stderr)
    return 2


def _service(args: argparse.Namespace, settings: Any) -> Any:
    from app.core.layout import LayoutError, load_layout
    from app.db import DatabaseError, describe, make_engine
    from app.db.migrate import prepare
    from app.shifts.service import ShiftsService

    try:
        folder = getattr(args, "shifts_layout", None) or getattr(args, "layout", None) or settings.layout
        layout = load_layout(Path(folder))
    except LayoutError as exc:
        raise ValueError(str(exc)) from None
    engine = make_engine(_url(args, settings))
    status = prepare(engine)  # a console's own SQLite file is brought up to date; PostgreSQL is only checked
    if not status.up_to_date:
        raise DatabaseError(f"{describe(engine.url)}: {status.message}")
    svc = ShiftsService(engine, layout, console=settings.console_name)
    return svc


def _parse_day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


def _report(args: argparse.Namespace, settings: Any) -> int:
    from app.core.shifts import ShiftCalendarError
    from app.reports.fonts import ReportFontError
    from app.shifts.service import database_errors

    try:
        if args.report_kind == "month":
            try:
                day = date.fromisoformat(args.month + "-01")
            except ValueError:
                raise ValueError(f"--month {args.month!r} is not a month (YYYY-MM)") from None
            shift = 0
        else:
            day = _parse_day(args.date, "--date")
            shift = getattr(args, "shift", 0) or 0
        svc = _service(args, settings)
        if args.report_kind == "shift":
            svc.calendar.shift(day, shift)  # a bad shift number is a clear error
        pdf = svc.build(args.report_kind, day, shift, args.lang)
    except (ValueError, ShiftCalendarError, ReportFontError) as exc:
        return _fail(str(exc))
    except database_errors() as exc:
        return _fail(_db_message(args, settings, exc))
    out = Path(args.output)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        return _fail(f"{out}: cannot write: {exc.strerror or exc}")
    print(f"{out}: {len(pdf):,} bytes")
    return 0


def _handover_show(args: argparse.Namespace, settings: Any) -> int:
    try:
        svc = _service(args, settings)
        s = svc.current_shift() if not args.date else svc.calendar.shift(_parse_day(args.date, "--date"), args.shift or 1)
    except ValueError as exc:
        return _fail(str(exc))
    so = svc.handover.signoff(s.id)
    print(f"shift {s.id} crew {s.crew}: " + (f"signed by {so.signed_by}" + (f", acknowledged by {so.acknowledged_by}"
                                                                              if so.acknowledged_by else "") if so else "not signed"))
    for e in svc.handover.entries(s.id):
        print(f"[{e.area}] {e.author} {e.updated_at:%H:%M}: {e.text}")
        for i in e.items:
            print(f"    - {i.kind}: {i.text}")
    return 0


def _handover_search(args: argparse.Namespace, settings: Any) -> int:
    try:
        svc = _service(args, settings)
    except ValueError as exc:
        return _fail(str(exc))
    for e in svc.handover.search(args.text, args.area):
        print(f"{e.shift_id} [{e.area}] {e.author}: {e.text}")
    return 0


def _handover_verify(args: argparse.Namespace, settings: Any) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session as DbSession

    from app.shifts.models import HandoverSignoffRow

    try:
        svc = _service(args, settings)
    except ValueError as exc:
        return _fail(str(exc))
    with DbSession(svc.engine) as db:
        ids = list(db.execute(select(HandoverSignoffRow.shift_id)).scalars())
    problems = [p for sid in ids for p in svc.handover.verify(sid)]
    for p in problems:
        print(p)
    print(f"{len(ids)} signed handovers, {len(problems)} changed")
    return 1 if problems else 0
