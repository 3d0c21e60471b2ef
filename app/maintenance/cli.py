"""``crucible equipment ...``: KPIs from the plant database or a CSV, work orders."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from app.maintenance import kpi
from app.maintenance.workorders import KINDS, STATUSES, MaintenanceStore, WorkOrderError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("equipment", help="maintenance: equipment KPIs and work orders")
    esub = p.add_subparsers(dest="equipment_command", required=True)
    k = esub.add_parser("kpi", help="availability, MTBF, MTTR (run hours) and failures per machine")
    k.add_argument("--from", dest="start", help="period start, ISO 8601 (default: first transition)")
    k.add_argument("--to", dest="end", help="period end, ISO 8601 (default: last transition, or now for the database)")
    k.add_argument("--states", help="a CSV of timestamp,equipment,state rows instead of the database")
    k.add_argument("--equipment", action="append", help="only this machine (repeatable)")
    k.add_argument("--per", choices=("shift", "day", "month"),
                   help="figures per shift / production day / month of the plant's shift calendar")
    k.add_argument("--db", help="database URL (default: the settings' plant database)")
    k.add_argument("--json", action="store_true", help="print JSON")
    k.set_defaults(handler=_kpi)
    o = esub.add_parser("oee", help="OEE = availability x performance x quality of the units in equipment.yaml, from history")
    o.add_argument("--from", dest="start", help="period start, ISO 8601 (default: 24 h before --to)")
    o.add_argument("--to", dest="end", help="period end, ISO 8601 (default: now)")
    o.add_argument("--per", choices=("shift", "day", "month"), help="figures per shift / production day / month")
    o.add_argument("--db", help="database URL (default: the settings' plant database)")
    o.add_argument("--json", action="store_true", help="print JSON")
    o.set_defaults(handler=_oee)
    w = esub.add_parser("wo", help="work orders")
    wsub = w.add_subparsers(dest="wo_command", required=True)
    ls = wsub.add_parser("list", help="list work orders")
    ls.add_argument("--open", action="store_true", help="only open ones")
    ls.add_argument("--equipment")
    ls.add_argument("--db")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=_wo_list)
    cr = wsub.add_parser("create", help="request a work order")
    cr.add_argument("--equipment", required=True)
    cr.add_argument("--title", required=True)
    cr.add_argument("--kind", choices=KINDS, default="corrective")
    cr.add_argument("--db")
    cr.set_defaults(handler=_wo_create)
    ad = wsub.add_parser("advance", help="move a work order to its next status (closing is signed, in the GUI)")
    ad.add_argument("id", type=int)
    ad.add_argument("status", choices=[s for s in STATUSES if s != "closed"])
    ad.add_argument("--note", default="")
    ad.add_argument("--db")
    ad.set_defaults(handler=_wo_advance)


def _err(message: str) -> int:
    print(f"crucible equipment: {message}", file=sys.stderr)
    return 2


def _engine(args: argparse.Namespace, settings: Any):  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    from app.db.engine import database_url, describe, make_engine

    url = database_url(settings, getattr(args, "db", None))
    engine = make_engine(url)
    if not inspect(engine).has_table("maint_work_orders"):
        engine.dispose()
        raise WorkOrderError(f"{describe(url)} has no maintenance tables: run `crucible db upgrade` first")
    return engine


def _time(text: str | None, what: str) -> float | None:
    if text is None:
        return None
    try:
        return kpi.parse_time(text).timestamp()
    except ValueError:
        raise WorkOrderError(f"--{what} {text!r} is not a time (use ISO 8601, e.g. 2026-11-01T06:00)") from None


def _kpi(args: argparse.Namespace, settings: Any) -> int:
    try:
        start, end = _time(args.start, "from"), _time(args.end, "to")
        if start is not None and end is not None and end <= start:
            return _err(f"--to {args.end} is not after --from {args.start}")
        if args.states:
            history = kpi.read_state_csv(args.states)
        else:
            engine = _engine(args, settings)
            try:
                store = MaintenanceStore(engine)
                rows = store.transitions(
                    None if start is None else dt.datetime.fromtimestamp(start, dt.UTC),
                    None if end is None else dt.datetime.fromtimestamp(end, dt.UTC))
            finally:
                engine.dispose()
            history = kpi.StateHistory.from_rows(rows)
            if end is None:
                end = dt.datetime.now(dt.UTC).timestamp()
    except (kpi.StateCsvError, WorkOrderError) as exc:
        for line in str(exc).splitlines():
            print(line, file=sys.stderr)
        return 2
    if args.equipment:
        unknown = [e for e in args.equipment if e not in history.names]
        if unknown:
            return _err(f"no state history for {', '.join(unknown)}")
    if args.per:
        if len(history) == 0:
            return _err("no state history in the period")
        t0 = float(history.ts.min()) if start is None else start
        t1 = float(history.ts.max()) if end is None else end
        periods = kpi.kpi_periods(history, t0, t1, args.per, _calendar(settings), args.equipment)
        if args.json:
            print(json.dumps({"per": args.per, "periods": periods}, ensure_ascii=False))
            return 0
        for doc in periods:
            _print_report(doc)
        return 0
    report = kpi.kpi_report(history, start, end, args.equipment)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return 0
    _print_report(report)
    return 0


def _calendar(settings: Any) -> object:
    """The plant's shift calendar (default pattern when the layout cannot be read)."""
    from app.core.layout import LayoutError, load_layout
    from app.core.shifts import ShiftCalendar, ShiftCalendarError

    try:
        return ShiftCalendar.from_mapping(load_layout(settings.layout).extra.get("shifts"))
    except (LayoutError, ShiftCalendarError, OSError):
        return ShiftCalendar()


def _print_report(report: dict[str, Any]) -> None:
    period = report["period"]
    label = f"{period['label']}: " if "label" in period else ""
    print(f"{label}{period['from']} .. {period['to']} ({period['hours']} h)")
    print(f"{'equipment':<20} {'avail %':>8} {'MTBF h':>9} {'MTTR h':>8} {'failures':>8}")
    for name, k in report["equipment"].items():
        def f(x: object, fmt: str) -> str:
            return "-" if x is None else format(x, fmt)
        print(f"{name:<20} {f(k['availability_pct'], '8.2f')} {f(k['mtbf_h'], '9.1f')} {f(k['mttr_h'], '8.2f')} {k['failures']:>8}")


def _oee(args: argparse.Namespace, settings: Any) -> int:
    from app.core.layout import LayoutError, load_layout
    from app.db.engine import database_url, make_engine
    from app.historian.reader import HistoryReader
    from app.maintenance.ledger import LedgerError, load_for_layout
    from app.maintenance.oee import unit_oee

    try:
        end = _time(args.end, "to") or dt.datetime.now(dt.UTC).timestamp()
        start = _time(args.start, "from") or end - 86400.0
        if end <= start:
            return _err(f"--to {args.end} is not after --from {args.start}")
        layout = load_layout(settings.layout)
        ledger = load_for_layout(layout)
    except (WorkOrderError, LayoutError, LedgerError) as exc:
        return _err(str(exc).splitlines()[0])
    if ledger is None or not ledger.oee:
        return _err(f"{settings.layout}: equipment.yaml declares no oee units")
    periods = kpi.period_bounds(start, end, args.per, _calendar(settings)) if args.per else [("", start, end)]
    engine = make_engine(database_url(settings, args.db))
    reader = HistoryReader(engine)
    docs = []
    try:
        for label, a, b in periods:
            a, b = max(a, start), min(b, end)
            t0, t1 = dt.datetime.fromtimestamp(a, dt.UTC), dt.datetime.fromtimestamp(b, dt.UTC)
            units = {}
            for unit in ledger.oee:
                figures = unit_oee(unit, reader, t0, t1)
                units[unit.id] = {k: (None if v is None else round(v, 4)) for k, v in figures.items()}
            docs.append({"period": {"label": label, "from": t0.isoformat(), "to": t1.isoformat(),
                                    "hours": round((b - a) / 3600, 3)}, "units": units})
    except Exception as exc:  # noqa: BLE001 - a database the user named that cannot be read: one line
        return _err(f"cannot read history: {str(exc).splitlines()[0]}")
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(docs if args.per else docs[0], ensure_ascii=False))
        return 0
    for doc in docs:
        p = doc["period"]
        print(f"{p['label'] + ': ' if p['label'] else ''}{p['from']} .. {p['to']}")  # type: ignore[index]
        print(f"{'unit':<10} {'avail %':>8} {'perf %':>8} {'quality %':>9} {'OEE %':>7}")
        for uid, f in doc["units"].items():  # type: ignore[attr-defined]
            def pct(x: object) -> str:
                return "-" if x is None else f"{100 * float(x):.1f}"  # type: ignore[arg-type]
            print(f"{uid:<10} {pct(f['availability']):>8} {pct(f['performance']):>8} {pct(f['quality']):>9} {pct(f['oee']):>7}")
    return 0


def _actor() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001
        return "cli"


def _wo_list(args: argparse.Namespace, settings: Any) -> int:
    try:
        engine = _engine(args, settings)
    except WorkOrderError as exc:
        return _err(str(exc))
    rows = MaintenanceStore(engine).list(args.equipment, args.open)
    engine.dispose()
    if args.json:
        print(json.dumps([{"id": w.id, "kind": w.kind, "equipment": w.equipment, "title": w.title, "status": w.status,
                           "created_at": w.created_at.isoformat()} for w in rows], ensure_ascii=False))
        return 0
    for w in rows:
        print(f"{w.label()}  {w.kind:<10} {w.status:<11} {w.equipment:<16} {w.title}")
    return 0


def _wo_create(args: argparse.Namespace, settings: Any) -> int:
    from app.core.layout import LayoutError, load_layout
    from app.maintenance.ledger import LedgerError, load_for_layout

    try:
        ledger = load_for_layout(load_layout(settings.layout))
    except (LayoutError, LedgerError) as exc:
        return _err(str(exc).splitlines()[0])
    if ledger is None or args.equipment not in ledger.equipment:
        known = ", ".join(sorted(ledger.equipment)[:8]) + " ..." if ledger else "none"
        return _err(f"{args.equipment}: no such machine in the equipment ledger (e.g. {known})")
    try:
        engine = _engine(args, settings)
        wo = MaintenanceStore(engine).create(args.kind, args.equipment, args.title, _actor())
    except WorkOrderError as exc:
        return _err(str(exc))
    engine.dispose()
    print(wo.label())
    return 0


def _wo_advance(args: argparse.Namespace, settings: Any) -> int:
    try:
        engine = _engine(args, settings)
        wo = MaintenanceStore(engine).advance(args.id, args.status, _actor(), args.note)
    except WorkOrderError as exc:
        return _err(str(exc))
    engine.dispose()
    print(f"{wo.label()} {wo.status}")
    return 0
