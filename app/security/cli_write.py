"""``crucible tags write`` with the GUI's rules: log in, role, two-person rule, audit trail.

The I/O module owns the command's arguments and the drivers; it cannot depend on security
(security depends on it), so this module installs itself as ``app.io.cli.write_command``
when the security CLI is registered. The password comes from standard input
(``--password-stdin``: the user's, then the second person's) or a prompt, never argv. A write
to a server named directly (not a tag of the layout) needs the ``write_direct`` permission,
which no role has by default. Every attempt is in the audit trail with the console name.
"""

from __future__ import annotations

import argparse
import getpass
from dataclasses import replace
from typing import Any, TextIO

from app.core.layout import PlantLayout
from app.io import cli as io_cli
from app.io.cli import CliError, parse_value, read_password, resolve_for_write


async def write_command(args: argparse.Namespace, settings: Any, layout: PlantLayout | None, out: TextIO) -> int:
    """Log in (and sign a critical write), then write through the secured write path."""
    from app.security import audit as au
    from app.security import permissions as perms
    from app.security.context import build_security
    from app.security.session import action_for
    from app.security.users import SecurityError

    resolved = resolve_for_write(args.address, layout, args.tags_endpoint)
    tag = resolved.tags[0]
    value = parse_value(args.value, tag)
    user = args.user or getpass.getuser()
    try:
        security = build_security(settings, args.db, definitions={t.name: t for t in resolved.tags})
    except Exception as exc:  # noqa: BLE001 - database unreachable, no driver: say so
        raise CliError(f"cannot open the user database: {str(exc).splitlines()[0]}") from None
    session = security.session
    try:
        signature = None
        try:
            password = read_password(args, f"password for {user}")
            session.login(user, password)
            if tag.critical and tag.name not in resolved.direct:
                if not args.reason.strip():
                    raise SecurityError(f"{tag.name} is critical: give the reason with --reason")
                second = args.second_user or ""
                if session.second_person_required and not second:
                    raise SecurityError(f"{tag.name} is critical: a second authorised person must confirm (--second-user)")
                second_password = read_password(args, f"password for {second} (second person)") if second else ""
                signature = session.sign_critical(action_for(tag), tag.name, value, password, second, second_password,
                                                  args.reason)
        except SecurityError as exc:
            if not security.users.has_users():
                print(f"crucible tags write: {exc}; no user exists yet: create one with 'crucible users add'", file=out)
            else:
                print(f"REFUSED: {exc}", file=out)
            return 1
        request = session.request(tag.name, value, signature)
        if args.reason and not request.reason:
            request = replace(request, reason=args.reason)
        if tag.name in resolved.direct:
            shown = resolved.shown[tag.name]
            refusal = session.refusal(perms.WRITE_DIRECT, shown)
            if refusal:
                security.audit.record(au.WRITE, "setpoint_write", au.REFUSED, user=request.user, target=shown,
                                      new=value, reason=request.reason, detail=refusal, console=request.console)
                print(f"REFUSED: {refusal}", file=out)
                return 1
        return await io_cli.write(resolved, request, out, session.write_permission, session.audit_write)
    finally:
        if session.user is not None:
            session.logout()
        security.close()


def install() -> None:
    """Make ``crucible tags write`` go through this module."""
    io_cli.write_command = write_command
