"""``crucible energy report --from --to [--by shift|day|month] --json``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    energy = sub.add_parser("energy", help="energy per tonne against GB 21248, by shift, day or month")
    esub = energy.add_subparsers(dest="energy_command", required=True)
    rep = esub.add_parser("report", help="energy and kgce per tonne from the historian's meter counters")
    rep.add_argument("--from", dest="start", required=True, help="start: YYYY-MM-DD (production day) or ISO time")
    rep.add_argument("--to", dest="end", required=True, help="end (exclusive): YYYY-MM-DD or ISO time")
    rep.add_argument("--by", choices=("shift", "day", "month"), default="shift")
    rep.add_argument("--db", default="", help="database URL (default: the settings' database)")
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(handler=run_report)


def parse_moment(text: str, calendar: Any) -> datetime:
    """A date means the start of that production day; a naive time is plant time."""
    text = text.strip()
    try:
        if len(text) == 10:
            return calendar.day_bounds(datetime.fromisoformat(text).date())[0]  # type: ignore[no-any-return]
        t = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or an ISO time") from None
    return t if t.tzinfo else t.replace(tzinfo=calendar.tz)


def run_report(args: argparse.Namespace, settings: Settings | None = None) -> int:
    from app.core.layout import LayoutError, load_layout
    from app.core.settings import load_settings
    from app.db import DatabaseError, open_engine
    from app.energy.service import EnergyService, calendar_of
    from app.energy.source import HistorianSource
    from app.energy.yamlcheck import LayoutFileError
    from app.historian.reader import HistoryReader

    settings = settings or load_settings()
    try:
        layout = load_layout(settings.layout)
        calendar = calendar_of(layout)
        start, end = parse_moment(args.start, calendar), parse_moment(args.end, calendar)
        if end <= start:
            raise ValueError(f"--to {args.end} is not after --from {args.start}")
        engine = open_engine(settings, args.db or None, must_exist=True)
        svc = EnergyService(layout, HistorianSource(HistoryReader(engine)))
        report = svc.report(start, end, args.by)
    except (LayoutError, LayoutFileError) as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2
    except (ValueError, DatabaseError) as exc:
        print(f"energy report: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a database that cannot be read: one line, no traceback
        print(f"energy report: cannot read history: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
              file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return 0
    print(format_report(report))
    return 0


def format_report(report: dict[str, Any]) -> str:
    lines = [f"Energy {report['from']} to {report['to']} by {report['by']}; factors: {report['factors_text']}"]
    for p in [*report["periods"], report["total"]]:
        lines.append(f"{p['period']}: {p['total_kgce'] or 0:,.0f} kgce"
                     + (f", DC {p['dc_kwh_per_t']:.1f} kWh/t" if p["dc_kwh_per_t"] else ""))
        for r in p["routes"]:
            per_t = "no production" if r["kgce_per_t"] is None else f"{r['kgce_per_t']:.1f} kgce/t"
            mark = (" batch product: judged per day" if r.get("batch_not_compared") else "" if r["within_benchmark"] is None
                    else " ok" if r["within_benchmark"] else " ABOVE LIMIT")
            lines.append(f"  {r['name_en']}: {per_t} (limit {r['benchmark']:g}){mark}")
    return "\n".join(lines)
