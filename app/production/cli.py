"""``crucible schedule`` and ``crucible plan show``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.core.cli_args import finite
from app.core.shifts import ShiftCalendar, ShiftCalendarError
from app.production.config import ProductionConfigError, load_production
from app.production.plan import PlanError, break_down
from app.production.schedule import InfeasibleError, Problem


def _layout_folder(args: argparse.Namespace, settings: Any) -> Path:
    return Path(args.layout) if getattr(args, "layout", None) else Path(settings.layout)


def _fail(text: str, code: int = 2) -> int:
    print(f"crucible: {text}", file=sys.stderr)
    return code


def cmd_schedule(args: argparse.Namespace, settings: Any) -> int:
    """Schedule the converter aisle and print it."""
    from app.production import cpsat
    from app.production.greedy import greedy
    from app.production.scenarios import scenario
    from app.production.validator import validate

    try:
        cfg = load_production(_layout_folder(args, settings) / "production.yaml")
    except ProductionConfigError as exc:
        return _fail("\n".join(exc.problems))
    try:
        start = datetime.fromisoformat(args.start) if args.start else datetime.now(UTC).replace(second=0, microsecond=0)
    except ValueError:
        return _fail(f"--from {args.start!r} is not an ISO date-time (example 2026-12-01T08:00+08:00)")
    if start.tzinfo is None:
        start = start.replace(tzinfo=cfg.plan.maintenance[0].start.tzinfo if cfg.plan.maintenance else UTC)
    if args.hours is not None and not 1 <= args.hours <= 168:
        return _fail(f"--hours {args.hours}: choose 1 to 168")
    if args.seed is not None:
        problem = scenario(cfg.aisle, start, args.seed, args.hours)
    else:
        problem = Problem(cfg.aisle, start, horizon_h=args.hours)
    try:
        if args.rule == "greedy":
            sched = greedy(problem)
        else:
            sched = cpsat.solve(problem, time_limit_s=args.budget, workers=2, seed=args.seed or 0,
                                requirements=cpsat.Requirements(min_batches=args.min_batches))
    except InfeasibleError as exc:
        return _fail(str(exc), 1)
    doc = sched.to_json()
    problems = validate(doc)
    if args.json:
        print(json.dumps(doc, indent=1))
    else:
        obj = doc["objective"]
        print(f"{args.rule}: {obj['batches']:.0f} batches, {obj['copper_t']:.0f} t copper, ladle wait {obj['ladle_wait_h']:.1f} h, "
              f"feed cut {obj['feed_cut_h']:.0f} h, objective {obj['value']:.1f} ({obj['status']})")
        for t in doc["tasks"]:
            print(f"  {t['start'][:16]}  {t['end'][:16]}  {t['resource']:<8} {t['kind']:<12} {t['batch']}")
    if problems:
        for p in problems:
            print(f"crucible: schedule invalid: {p}", file=sys.stderr)
        return 1
    return 0


def cmd_plan_show(args: argparse.Namespace, settings: Any) -> int:
    """Print the plan broken down to the chosen level."""
    folder = _layout_folder(args, settings)
    try:
        cfg = load_production(folder / "production.yaml")
        from app.core.yaml_lines import load_yaml

        plant = load_yaml(folder / "plant.yaml") if (folder / "plant.yaml").exists() else {}
        cal = ShiftCalendar.from_mapping(plant.get("shifts") if isinstance(plant, dict) else None)
        plan = break_down(cfg.plan, cal)
    except ProductionConfigError as exc:
        return _fail("\n".join(exc.problems))
    except (PlanError, ShiftCalendarError) as exc:
        return _fail(str(exc))
    rows = plan.level(args.level)
    items = list(plan.annual)
    if args.json:
        print(json.dumps({"year": plan.year, "annual": plan.annual, args.level: {str(k): v for k, v in rows.items()}}))
        return 0
    print(f"{'':<14}" + "".join(f"{i:>16}" for i in items))
    print(f"{'year ' + str(plan.year):<14}" + "".join(f"{plan.annual[i]:>16,}" for i in items))
    for key, values in rows.items():
        if args.filter and not str(key).startswith(args.filter):
            continue
        print(f"{str(key):<14}" + "".join(f"{values[i]:>16,}" for i in items))
    return 0


def cmd_plan_store(args: argparse.Namespace, settings: Any) -> int:
    """``plan import`` / ``plan approve``: plan versions in the plant database."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from app.production.plan_store import PlanStore, PlanStoreError
    from app.security.cli import read_password
    from app.security.context import build_security
    from app.security.users import SecurityError

    try:
        security = build_security(settings, args.db)
    except (SecurityError, ValueError) as exc:
        return _fail(str(exc))
    try:
        store = PlanStore(security.engine, security.audit)
        if args.plan_command == "import":
            cfg = load_production(_layout_folder(args, settings) / "production.yaml")
            n = store.import_plan(cfg.plan, str(cfg.path), args.user)
            print(f"plan {cfg.plan.year} v{n} imported as a draft from {cfg.path}")
            return 0
        password = read_password(args.password_stdin, f"Password for {args.user}: ", confirm=False)
        second = read_password(args.password_stdin, f"Password for {args.second_user}: ", confirm=False) if args.second_user else ""
        security.session.login(args.user, password)
        info = store.approve(args.year, args.version, security.session, password, reason=args.reason,
                             second_user=args.second_user, second_password=second)
        print(f"plan {info.year} v{info.version} approved by {info.approved_by}")
        return 0
    except ProductionConfigError as exc:
        return _fail("\n".join(exc.problems))
    except (PlanStoreError, SecurityError, ValueError) as exc:
        return _fail(str(exc))
    except OperationalError as exc:
        if "no such table" in str(exc) or "does not exist" in str(exc):
            return _fail("the plant database has no production tables yet: run crucible db upgrade")
        return _fail(f"database: {str(exc).splitlines()[0]}")
    except SQLAlchemyError as exc:
        return _fail(f"database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    finally:
        security.close()


def cmd_trace(args: argparse.Namespace, settings: Any) -> int:
    """``trace cathode LOT`` (back to concentrate) / ``trace concentrate LOT`` (forward to cathode)."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from app.historian.database import make_engine
    from app.production.lot_store import LotStore, trace

    url = args.db or getattr(settings, "db_url", "") or f"sqlite:///{settings.default_sqlite_path}"
    try:
        store = LotStore(make_engine(url, use_keyring=False) if url.startswith("sqlite") else make_engine(url))
        lot = store.lot(args.lot)
        if lot is None or lot.kind != args.kind:
            return _fail(f"no {args.kind} lot {args.lot} in {url.split('@')[-1]}")
        direction = "back" if args.kind == "cathode" else "forward"
        tree = trace(store, args.lot, direction)
    except OperationalError as exc:
        if "no such table" in str(exc) or "does not exist" in str(exc):
            return _fail("the plant database has no production tables yet: run crucible db upgrade")
        return _fail(f"database: {str(exc).splitlines()[0]}")
    except SQLAlchemyError as exc:
        return _fail(f"database: {exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    other = "concentrate" if args.kind == "cathode" else "cathode"
    found = sorted(tree.leaves(other))
    if args.json:
        doc = tree.to_json()
        doc[f"{other}_lots"] = found
        doc["has_gap"] = tree.has_gap()
        print(json.dumps(doc, indent=1))
        return 0

    def show(node: Any, depth: int) -> None:
        pad = "  " * depth
        if node.lot is None:
            print(f"{pad}[gap] {node.mass_t:.1f} t: {node.gap}")
            return
        end = node.lot.end.isoformat()[:16] if node.lot.end else "open"
        print(f"{pad}{node.lot.lot} ({node.lot.kind}, {node.lot.start.isoformat()[:16]} .. {end}) {node.mass_t:.1f} t"
              + (f" [gap: {node.lot.note}]" if node.lot.kind == "gap" else ""))
        for child in node.children:
            show(child, depth + 1)

    show(tree, 0)
    print(f"{other} lots: {', '.join(found) or 'none'}" + ("; the record has gaps" if tree.has_gap() else ""))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``schedule`` and ``plan``."""
    p = sub.add_parser("schedule", help="schedule the converter aisle (CP-SAT or the greedy rule)")
    p.add_argument("--from", dest="start", help="horizon start, ISO date-time (default: now)")
    p.add_argument("--hours", type=int, default=None, help="horizon length in hours (default from production.yaml)")
    p.add_argument("--rule", choices=("cpsat", "greedy"), default="cpsat")
    p.add_argument("--seed", type=int, default=None, help="start from seeded scenario N (units busy, breakdowns)")
    p.add_argument("--budget", type=finite(0.1, 3600.0), default=10.0, help="CP-SAT time budget in seconds")
    p.add_argument("--min-batches", type=int, default=0, help="require this many converter batches")
    p.add_argument("--layout", help="plant layout folder")
    p.add_argument("--json", action="store_true", help="print the schedule JSON")
    p.set_defaults(handler=cmd_schedule)
    plan = sub.add_parser("plan", help="production plans")
    psub = plan.add_subparsers(dest="plan_command", required=True)
    show = psub.add_parser("show", help="the plan broken down to month, week, day or shift")
    show.add_argument("--level", choices=("month", "week", "day", "shift"), default="month")
    show.add_argument("--filter", default="", help="only keys starting with this (e.g. 2027-03)")
    show.add_argument("--layout", help="plant layout folder")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_plan_show)
    imp = psub.add_parser("import", help="store production.yaml's plan as the next draft version")
    imp.add_argument("--layout", help="plant layout folder")
    imp.add_argument("--user", default="cli", help="who imports it (recorded and audited)")
    imp.add_argument("--db", help="database URL")
    imp.set_defaults(handler=cmd_plan_store)
    app_ = psub.add_parser("approve", help="approve a draft plan version (edit_production_plans + e-signature)")
    app_.add_argument("--year", type=int, required=True)
    app_.add_argument("--version", type=int, required=True)
    app_.add_argument("--user", required=True, help="the approving shift lead or process engineer")
    app_.add_argument("--reason", default="", help="why (kept in the audit trail)")
    app_.add_argument("--second-user", default="", help="the second person, where critical actions need one")
    app_.add_argument("--password-stdin", action="store_true",
                      help="read the password (then the second person's) from standard input, one per line")
    app_.add_argument("--db", help="database URL")
    app_.set_defaults(handler=cmd_plan_store)
    tr = sub.add_parser("trace", help="genealogy: which concentrate lots ended up in a cathode lot, and the reverse")
    tr.add_argument("kind", choices=("cathode", "concentrate"))
    tr.add_argument("lot")
    tr.add_argument("--db", help="database URL")
    tr.add_argument("--json", action="store_true")
    tr.set_defaults(handler=cmd_trace)
