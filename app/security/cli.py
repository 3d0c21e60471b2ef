"""``crucible users|audit|secrets|certs``: the security commands IT scripts against.

Passwords come from a hidden prompt or, with ``--password-stdin``, one line of standard
input — never from the command line, where other users and shell history would see them.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from app.core.settings import Settings

COMMANDS = ("users", "audit", "secrets", "certs")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the security sub-commands to the ``crucible`` parser (and secure ``tags write``)."""
    from app.security.cli_write import install

    install()
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument("--db", metavar="URL", help="database URL (default: the db_url setting, else the SQLite file in the data folder)")
    pw = argparse.ArgumentParser(add_help=False)
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input (one line)")

    users = sub.add_parser("users", help="manage users and roles (IT)")
    users.set_defaults(handler=handle)
    uc = users.add_subparsers(dest="users_command", required=True)
    add = uc.add_parser("add", parents=[db, pw], help="add a user")
    add.add_argument("username")
    add.add_argument("--role", action="append", required=True, help="role (repeat for several): operator, shift_lead, maintenance, process_engineer, administrator, laboratory")
    add.add_argument("--full-name", default="")
    add.add_argument("--must-change-password", action="store_true", help="ask for a new password at first log-in")
    uc.add_parser("list", parents=[db], help="list users")
    for name, text in (("disable", "disable a user (keeps the audit history)"), ("enable", "enable a user again and clear a lock-out")):
        p = uc.add_parser(name, parents=[db], help=text)
        p.add_argument("username")
    reset = uc.add_parser("reset-password", parents=[db, pw], help="set a new password (and clear a lock-out)")
    reset.add_argument("username")
    reset.add_argument("--no-change-required", action="store_true", help="do not ask the user to change it at next log-in")
    roles = uc.add_parser("roles", parents=[db], help="show roles and permissions, set a user's roles, grant/revoke")
    roles.add_argument("username", nargs="?")
    roles.add_argument("--set", metavar="ROLE[,ROLE]", help="replace the user's roles")
    roles.add_argument("--grant", nargs=2, metavar=("ROLE", "PERMISSION"))
    roles.add_argument("--revoke", nargs=2, metavar=("ROLE", "PERMISSION"))

    audit = sub.add_parser("audit", help="audit trail: verify the hash chain, list, export CSV")
    audit.set_defaults(handler=handle)
    ac = audit.add_subparsers(dest="audit_command", required=True)
    ac.add_parser("verify", parents=[db], help="check that no record was altered or removed")
    al = ac.add_parser("list", parents=[db], help="print the newest records")
    al.add_argument("--limit", type=int, default=50)
    ae = ac.add_parser("export", parents=[db], help="write the trail as CSV")
    ae.add_argument("file", type=Path)

    secrets = sub.add_parser("secrets", help="passwords and passphrases in the OS keyring")
    secrets.set_defaults(handler=handle)
    sc = secrets.add_subparsers(dest="secrets_command", required=True)
    ss = sc.add_parser("set", help="store a secret, e.g. opcua/sim/password")
    ss.add_argument("name")
    ss.add_argument("--stdin", action="store_true", help="read the value from standard input (one line)")
    sc.add_parser("list", help="names of the stored secrets (never the values)")
    sd = sc.add_parser("delete", help="remove a secret")
    sd.add_argument("name")

    certs = sub.add_parser("certs", help="OPC UA client certificate and server trust list")
    certs.set_defaults(handler=handle)
    cc = certs.add_subparsers(dest="certs_command", required=True)
    cr = cc.add_parser("create", help="make the client's application certificate and key")
    cr.add_argument("--dir", type=Path, help="folder (default: the opcua_pki_dir setting)")
    cr.add_argument("--uri", help="application URI (default urn:<host>:crucible:client)")
    cr.add_argument("--hostname")
    cr.add_argument("--days", type=int, default=825)
    cr.add_argument("--no-passphrase", action="store_true", help="leave the private key unencrypted (not recommended)")
    cr.add_argument("--force", action="store_true", help="replace an existing certificate")
    cc.add_parser("list", parents=[db], help="server certificates: pending, trusted, rejected")
    ct = cc.add_parser("trust", parents=[db], help="trust a pending server certificate (after checking its thumbprint)")
    ct.add_argument("thumbprint", nargs="?", help="the thumbprint, or its first 8+ hex digits")
    ct.add_argument("--file", type=Path, help="trust this certificate file (DER or PEM) instead")
    rj = cc.add_parser("reject", parents=[db], help="reject a server certificate")
    rj.add_argument("thumbprint")


def _err(message: str) -> int:
    print(f"crucible: {message}", file=sys.stderr)
    return 1


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def read_password(from_stdin: bool, prompt: str = "Password: ", confirm: bool = True) -> str:
    """One line of stdin, or a hidden prompt (typed twice)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("standard input is not a terminal: use --password-stdin to pipe the password")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run a security command; returns the exit code."""
    from app.db.engine import DatabaseError
    from app.security.secrets import SecretsUnavailable
    from app.security.users import SecurityError

    try:
        if args.command == "secrets":
            return _secrets(args)
        if args.command == "certs" and args.certs_command == "create":
            return _certs_create(args, settings)
        from app.security.context import build_security

        read_only = (args.command == "audit" and args.audit_command in ("verify", "list", "export")) or (
            args.command == "users" and args.users_command in ("list",)) or (
            args.command == "certs" and args.certs_command == "list")
        security = build_security(settings, getattr(args, "db", None), must_exist=read_only)
        try:
            if args.command == "users":
                return _users(args, security)
            if args.command == "audit":
                return _audit(args, security)
            return _certs(args, security)
        finally:
            security.close()
    except DatabaseError as exc:  # the database itself: 2, like every other command
        print(f"crucible: {exc}", file=sys.stderr)
        return 2
    except (SecurityError, ValueError, FileExistsError, SecretsUnavailable) as exc:
        return _err(str(exc))
    except ModuleNotFoundError as exc:  # e.g. a postgresql:// URL without its driver
        return _err(f"database driver missing ({exc.name}): pip install 'crucible[postgres]' for PostgreSQL")
    except Exception as exc:  # noqa: BLE001 - e.g. database unreachable: say so, no traceback
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            return _err(f"database: {exc.__class__.__name__}: {str(exc).splitlines()[0]} (check --db or the db_url setting, and that the server runs)")
        raise


def _users(args: argparse.Namespace, security) -> int:  # type: ignore[no-untyped-def]
    users, actor = security.users, _actor()
    cmd = args.users_command
    if cmd == "add":
        password = read_password(args.password_stdin)
        roles = [r for value in args.role for r in value.split(",") if r]
        users.add_user(args.username, password, roles, args.full_name, actor, args.must_change_password)
        print(f"user {args.username} added with role(s) {', '.join(roles)}")
    elif cmd == "list":
        print(f"{'user':<16} {'enabled':<8} {'roles':<40} name")
        for u in users.list_users():
            state = "yes" if u.enabled else "no"
            if u.locked_until:
                state += " (locked)"
            print(f"{u.username:<16} {state:<8} {','.join(u.roles):<40} {u.full_name}")
    elif cmd in ("disable", "enable"):
        users.set_enabled(args.username, cmd == "enable", actor)
        print(f"user {args.username} {cmd}d")
    elif cmd == "reset-password":
        users.reset_password(args.username, read_password(args.password_stdin), actor, not args.no_change_required)
        print(f"password of {args.username} reset")
    elif cmd == "roles":
        if args.grant or args.revoke:
            role, permission = args.grant or args.revoke
            users.set_role_permission(role, permission, bool(args.grant), actor)
        if args.username and args.set:
            users.set_roles(args.username, [r for r in args.set.split(",") if r], actor)
        if args.username:
            info = users.user(args.username)
            if info is None:
                return _err(f"no user {args.username!r}")
            print(f"{info.username}: {', '.join(info.roles)}")
            print("permissions: " + ", ".join(sorted(users.permissions_of(info.username))))
        else:
            for role, perms in users.role_permissions().items():
                print(f"{role:<18} {', '.join(sorted(perms))}")
    return 0


UNCHECKABLE = "cannot be checked: no key"  # app.security.checkpoints.verify_checkpoints' wording
MISSING_KEY = "is missing from the keyring"


def _audit(args: argparse.Namespace, security) -> int:  # type: ignore[no-untyped-def]
    from app.security.audit import write_csv

    trail = security.audit
    if args.audit_command == "verify":
        problems = trail.verify()
        count = len(trail.entries(limit=1))
        if problems:
            # no key to check signed checkpoints with (no usable keyring on this console) is not
            # evidence of tampering: say which it is
            unchecked = [p for p in problems if UNCHECKABLE in p or MISSING_KEY in p]
            for problem in problems:
                print(f"{'NOT CHECKED' if problem in unchecked else 'FAIL'}: {problem}")
            if len(unchecked) == len(problems):
                print("audit trail: the hash chain is intact, but its signed checkpoints cannot be checked on this "
                      "console (no usable keyring): it is not proven untampered; run the check on a console with "
                      "the keyring (crucible secrets --help)", file=sys.stderr)
            else:
                print(f"audit trail: {len(problems) - len(unchecked)} problem(s) - it has been tampered with", file=sys.stderr)
            return 1
        total = trail.entries(limit=1)[0].seq if count else 0
        signed = f", {trail.checkpoints_checked} signed checkpoint(s) match" if trail.checkpoints is not None else ""
        print(f"audit trail OK: {total} record(s), hash chain intact{signed}")
        return 0
    if args.audit_command == "list":
        for e in reversed(trail.entries(limit=args.limit)):
            extra = " ".join(x for x in (e.target, f"{e.old_value}->{e.new_value}" if e.new_value else "", e.detail) if x)
            print(f"{e.seq:>6} {e.ts.astimezone():%Y-%m-%d %H:%M:%S} {e.console} {e.user or '-'} {e.category}/{e.event_type} {e.result} {extra}")
        return 0
    with args.file.open("w", encoding="utf-8", newline="") as stream:
        n = write_csv(trail.entries(newest_first=False), stream)
    print(f"{n} record(s) written to {args.file}")
    return 0


def _secrets(args: argparse.Namespace) -> int:
    from app.security import secrets

    if args.secrets_command == "set":
        if args.stdin:
            value = sys.stdin.readline().rstrip("\r\n")
        else:
            value = read_password(False, f"Value of {args.name}: ")
        secrets.set_secret(args.name, value)
        print(f"secret {args.name} stored in {secrets.backend_name()}")
    elif args.secrets_command == "list":
        stored = secrets.list_secrets()
        print(f"keyring: {secrets.backend_name()}")
        for name, present in stored:
            print(f"{name}{'' if present else '  (missing)'}")
        if not stored:
            print("no secrets stored yet; known names:")
            for name, text in secrets.KNOWN_SECRETS.items():
                print(f"  {name:<32} {text}")
    else:
        if not secrets.delete_secret(args.name):
            return _err(f"no secret {args.name!r}")
        print(f"secret {args.name} deleted")
    return 0


def _certs_create(args: argparse.Namespace, settings: Settings) -> int:
    from app.security import certs, secrets

    passphrase = None
    if not args.no_passphrase:
        passphrase = certs.new_passphrase()
        secrets.set_secret(certs.KEY_PASSPHRASE_SECRET, passphrase)  # raises with advice if no keyring
    created = certs.create_client_certificate(
        args.dir or settings.opcua_pki_dir, passphrase, args.uri, args.hostname, args.days, args.force
    )
    print(certs.describe(created))
    print("key passphrase: " + (f"in the keyring as {certs.KEY_PASSPHRASE_SECRET}" if passphrase else "none (key unencrypted)"))
    print("Give the certificate file to the OPC UA server's administrator to trust.")
    return 0


def _certs(args: argparse.Namespace, security) -> int:  # type: ignore[no-untyped-def]
    from app.security.trust import pretty_thumbprint

    trust, actor = security.trust, _actor()
    if args.certs_command == "list":
        rows = trust.list()
        for c in rows:
            print(f"{c.status:<8} {pretty_thumbprint(c.thumbprint)}\n         {c.subject}  {c.endpoint}  {c.decided_by}")
        if not rows:
            print("no server certificates seen yet")
        return 0
    if args.certs_command == "trust" and args.file:
        data = args.file.read_bytes()
        if data.startswith(b"-----BEGIN"):
            from cryptography import x509
            from cryptography.hazmat.primitives.serialization import Encoding

            data = x509.load_pem_x509_certificate(data).public_bytes(Encoding.DER)
        tp = trust.add_trusted(data, actor)
        print(f"trusted {pretty_thumbprint(tp)}")
        return 0
    if not args.thumbprint:
        return _err("give the thumbprint (crucible certs list shows it) or --file")
    info = trust.decide(args.thumbprint, args.certs_command == "trust", actor)
    print(f"{info.status} {pretty_thumbprint(info.thumbprint)} {info.subject}")
    return 0
