"""``crucible alarms ...``: alarm KPIs from the journal database or a CSV export."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.alarms.kpi import (
    JournalFormatError,
    KpiReport,
    compute_kpis,
    events_from_rows,
    parse_time,
    read_csv_journal,
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    alarms = subparsers.add_parser("alarms", help="alarm management: KPIs over the alarm journal")
    alarms.set_defaults(handler=lambda args, settings: handle(args, settings.db_url or _default_url(settings)))
    sub = alarms.add_subparsers(dest="alarms_command", required=True)
    kpi = sub.add_parser("kpi", help="EEMUA 191 KPIs for a period (default: the last 24 h, or the whole CSV file)")
    kpi.add_argument("--from", dest="start",
                     help="period start, ISO 8601 (default: 24 h before --to; with --csv the file's first event)")
    kpi.add_argument("--to", dest="end", help="period end, ISO 8601 (default: now; with --csv just after the file's last event)")
    kpi.add_argument("--db", help="journal database URL (default: the settings' db_url or local SQLite)")
    kpi.add_argument("--csv", type=Path, help="read a CSV journal export instead of the database")
    kpi.add_argument("--json", action="store_true", help="print the KPIs as one JSON object")


def _default_url(settings: Any) -> str:
    from app.db.engine import default_url

    return default_url(settings).render_as_string(hide_password=False)


def handle(args: argparse.Namespace, db_url: str) -> int:
    """Run ``crucible alarms ...``; ``db_url`` is the settings' database URL."""
    try:
        end = parse_time(args.end) if args.end else None
        start = parse_time(args.start) if args.start else None
    except ValueError as exc:
        print(f"crucible alarms kpi: bad time: {exc}", file=sys.stderr)
        return 2
    if args.csv:
        try:
            events = read_csv_journal(args.csv)
        except JournalFormatError as exc:
            print(f"crucible alarms kpi: {exc}", file=sys.stderr)
            return 2
        if not events:
            print(f"crucible alarms kpi: {args.csv}: no events in the file", file=sys.stderr)
            return 2
        # the whole file unless told otherwise: a week exported is a week's KPIs
        end = end or max(e.ts for e in events) + timedelta(seconds=1)
        start = start or min(e.ts for e in events)
    else:
        from sqlalchemy.exc import SQLAlchemyError

        from app.alarms.journal import read_journal
        from app.db.engine import DatabaseError

        end = end or datetime.now(UTC)
        try:
            events = events_from_rows(read_journal(args.db or db_url, end=end))
        except DatabaseError as exc:
            print(f"crucible alarms kpi: {exc}", file=sys.stderr)
            return 2
        except SQLAlchemyError as exc:
            print(f"crucible alarms kpi: cannot read the journal at {args.db or db_url}: {str(exc).splitlines()[0]}",
                  file=sys.stderr)
            return 2
    try:
        start = start or end - timedelta(hours=24)
    except OverflowError:
        print("crucible alarms kpi: --to is too early for a 24 h period; give --from", file=sys.stderr)
        return 2
    if start >= end:
        print("crucible alarms kpi: --from must be before --to", file=sys.stderr)
        return 2
    report = compute_kpis(events, start, end)
    if args.json:
        print(json.dumps(report.as_dict(), sort_keys=True))
    else:
        print(format_report(report))
    return 0


def format_report(r: KpiReport) -> str:
    lines = [
        f"Alarm KPIs {r.start.isoformat()} .. {r.end.isoformat()}",
        f"  annunciated alarms        {r.annunciated}",
        f"  per 10 min / hour / day   {r.per_10min:.2f} / {r.per_hour:.1f} / {r.per_day:.0f}   (EEMUA: ~1 / <6 / <144)",
        f"  10-min windows >1 / >10   {r.windows_over_1_pct:.1f} % / {r.windows_over_10_pct:.1f} %  of {r.windows}",
        f"  floods                    {r.flood_count}, {r.flood_duration_s / 60:.1f} min, peak {r.flood_peak_per_10min}/10 min,"
        f" {r.flood_time_pct:.2f} % of time (target < 1 %)",
        "  priority high/medium/low  " + " / ".join(f"{r.priority_pct.get(k, 0):.0f} %" for k in ("high", "medium", "low"))
        + "  (target 5 / 15 / 80)",
        f"  chattering                {', '.join(f'{a} ({n}/min)' for a, n in r.chattering) or 'none'}",
        f"  standing / stale (>24 h)  {len(r.standing)} / {len(r.stale)}"
        + (f": {', '.join(a for a, _ in r.stale)}" if r.stale else ""),
        "  top 10:",
    ]
    lines += [f"    {n:5d}  {a}" for a, n in r.top10] or ["    none"]
    return "\n".join(lines)
