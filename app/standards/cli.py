"""``crucible standards ...``: cards (show, propose, approve), drifts, procedures."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.cli_args import finite
from app.core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    std = sub.add_parser("standards", help="process standards: setpoint cards, drifts, operating procedures")
    std.set_defaults(handler=handle)
    std.add_argument("--db", dest="std_db", metavar="URL", help="plant database URL (default: the setting / local SQLite)")
    std.add_argument("--layout", dest="std_layout", help="plant layout folder (default: the setting)")
    ssub = std.add_subparsers(dest="std_command", required=True)
    cards = ssub.add_parser("cards", help="the cards in force (and proposals waiting)")
    cards.add_argument("--unit")
    cards.add_argument("--json", action="store_true")
    prop = ssub.add_parser("propose", help="propose a new version of a card (a second person approves)")
    prop.add_argument("unit")
    prop.add_argument("mode")
    prop.add_argument("--item", action="append", required=True, metavar="TAG=LOW:HIGH:TARGET[:GRACE_S]")
    prop.add_argument("--reason", required=True)
    prop.add_argument("--reference", default="")
    prop.add_argument("--user", required=True)
    prop.add_argument("--password-stdin", action="store_true")
    appr = ssub.add_parser("approve", help="approve (or --reject) a proposed card as the second person")
    appr.add_argument("card", type=int)
    appr.add_argument("--user", required=True)
    appr.add_argument("--reject", action="store_true")
    appr.add_argument("--password-stdin", action="store_true")
    drifts = ssub.add_parser("drifts", help="drifts of a period (default: the last 8 hours)")
    drifts.add_argument("--hours", type=finite(0.001, 87_600.0, "hours"), default=8.0)
    drifts.add_argument("--json", action="store_true")
    ssub.add_parser("sops", help="the operating procedures of the layout")


def _err(text: str) -> int:
    print(f"crucible standards: {text}", file=sys.stderr)
    return 2


def _password(args: argparse.Namespace, user: str) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(f"password for {user}: ")


def _parse_item(text: str) -> Any:
    from app.standards.layout import CardItem

    tag, sep, rest = text.partition("=")
    parts = rest.split(":")
    if not sep or len(parts) not in (3, 4):
        raise ValueError(f"--item {text!r}: expected TAG=LOW:HIGH:TARGET[:GRACE_S]")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"--item {text!r}: LOW, HIGH, TARGET and GRACE_S must be numbers") from None
    if any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
        raise ValueError(f"--item {text!r}: numbers must be finite")
    return CardItem(tag.strip(), numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) == 4 else 300.0)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from app.core.layout import LayoutError, load_layout
    from app.db import DatabaseError, open_engine
    from app.db.migrate import ensure_current
    from app.standards.cards import CardStore, StandardsError
    from app.standards.layout import StandardsLayoutError, load_standards
    from app.standards.sop import SopError, load_sops

    try:
        layout = load_layout(args.std_layout or settings.layout)
        std = load_standards(layout.folder, layout.tags)
        if args.std_command == "sops":
            for sop in load_sops(std.sop_folder, layout.tags).values():
                print(f"{sop.id:24} {len(sop.steps):2} steps  {sop.title_en}  (units: {', '.join(sop.units)})")
            return 0
        engine = open_engine(settings, args.std_db)
        ensure_current(engine)
    except (LayoutError, StandardsLayoutError) as exc:
        return _err("the plant layout has mistakes:\n" + "\n".join(getattr(exc, "problems", [str(exc)])))
    except (DatabaseError, SopError) as exc:
        return _err(str(exc))
    from app.security.context import build_security

    security = build_security(settings, args.std_db)
    store = CardStore(engine, security.audit)
    store.seed(std.cards)
    try:
        if args.std_command == "cards":
            cards = [c for c in store.cards() if c.status in ("approved", "proposed") and (not args.unit or c.unit == args.unit)]
            if args.json:
                print(json.dumps([{"id": c.id, "unit": c.unit, "mode": c.mode, "version": c.version, "status": c.status,
                                   "proposed_by": c.proposed_by, "decided_by": c.decided_by, "reason": c.reason,
                                   "items": [{"tag": i.tag, "low": i.low, "high": i.high, "target": i.target,
                                              "grace_s": i.grace_s} for i in c.items]} for c in cards]))
                return 0
            for c in cards:
                print(f"#{c.id} {c.unit}/{c.mode} v{c.version} {c.status} (by {c.proposed_by}"
                      f"{', approved by ' + c.decided_by if c.decided_by else ''})")
                for i in c.items:
                    print(f"    {i.tag:24} {i.low:g} .. {i.high:g}  target {i.target:g}  grace {i.grace_s:g} s")
            return 0
        if args.std_command == "propose":
            items = [_parse_item(t) for t in args.item]
            for item in items:
                if item.tag not in layout.tags or not layout.tags[item.tag].writable:
                    return _err(f"{item.tag} is not a writable setpoint of the layout")
            security.users.authenticate(args.user, _password(args, args.user), event="signature")
            if not security.users.permissions_of(args.user) & {"change_settings"}:
                return _err(f"{args.user} may not propose card changes (needs change_settings)")
            card = store.propose(args.unit, args.mode, items, args.user, args.reason, args.reference)
            print(f"proposed #{card.id}: {card.unit}/{card.mode} v{card.version}; a second person approves it with "
                  f"`crucible standards approve {card.id} --user NAME`")
            return 0
        if args.std_command == "approve":
            password = _password(args, args.user)

            def verify(user: str) -> None:
                security.users.authenticate(user, password, event="signature")
                if "change_settings" not in security.users.permissions_of(user):
                    raise StandardsError(f"{user} may not approve card changes (needs change_settings)")

            card = store.decide(args.card, args.user, not args.reject, verify)
            print(f"#{card.id} {card.unit}/{card.mode} v{card.version}: {card.status} by {card.decided_by}")
            return 0
        if args.std_command == "drifts":
            if not 0 < args.hours < 24 * 3660:
                return _err("--hours must be a number of hours above 0")
            now = datetime.now(UTC)
            drifts = store.drifts(now - timedelta(hours=args.hours), now)
            if args.json:
                print(json.dumps([{"tag": d.tag, "unit": d.unit, "mode": d.mode, "started": d.started.isoformat(),
                                   "ended": d.ended.isoformat() if d.ended else None, "value": d.value,
                                   "low": d.low, "high": d.high, "changed_by": d.changed_by} for d in drifts]))
            else:
                for d in drifts:
                    print(f"{d.tag:24} {d.value:g} outside {d.low:g}..{d.high:g} since {d.started:%Y-%m-%d %H:%M}"
                          f"{' until ' + format(d.ended, '%H:%M') if d.ended else ' (still)'} by {d.changed_by or '?'}")
            return 0
    except (StandardsError, ValueError) as exc:
        return _err(str(exc))
    except Exception as exc:  # noqa: BLE001 - authentication errors and the like: a message, not a traceback
        from app.security.users import SecurityError

        if isinstance(exc, SecurityError):
            return _err(str(exc))
        raise
    finally:
        security.close()
    return 2
