"""``crucible db ...``: migrations, status, password, export, pruning."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime, timedelta

from app.core.cli_args import finite
from app.core.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    db = sub.add_parser("db", help="plant database: upgrade, status, set-password, export, prune")
    db.set_defaults(handler=handle)
    db.add_argument("--db", dest="db_sub", help=argparse.SUPPRESS)
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--db", dest="db_cmd", metavar="URL",
                       help="plant database URL (default: the db_url setting, else the SQLite file in the data folder)")
    dsub = db.add_subparsers(dest="db_command", required=True)
    dsub.add_parser("upgrade", parents=[where], help="create or update every module's tables (all migration heads)")
    dsub.add_parser("status", parents=[where], help="where the plant database is and whether its schema is current")
    pw = dsub.add_parser("set-password", help="store the PostgreSQL password in the OS keyring")
    pw.add_argument("url", nargs="?", help="postgresql+psycopg://user@host/db (default: --db or the setting)")
    ex = dsub.add_parser("export", parents=[where], help="raw samples of tags as CSV")
    ex.add_argument("tags", nargs="+")
    ex.add_argument("--hours", type=finite(0.001, 87_600.0, "hours"), default=8.0, help="how far back from now (default 8)")
    ex.add_argument("--out", help="file (default: standard output)")
    dsub.add_parser("prune", parents=[where], help="delete raw samples and rollups older than the retention settings")


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from app.historian.database import (
        DatabaseError,
        database_url,
        describe,
        make_engine,
        schema_status,
        secret_name,
        upgrade,
    )

    override = getattr(args, "db_cmd", None) or getattr(args, "db_sub", None) or getattr(args, "db", None)
    try:
        if args.db_command == "set-password":
            from app.core.secrets import SecretsUnavailable, set_secret
            from app.db.engine import parse_url

            url = parse_url(args.url) if args.url else database_url(settings, override)
            if url.get_backend_name() != "postgresql":
                print("crucible db set-password: only PostgreSQL databases have a password", file=sys.stderr)
                return 2
            if not url.host:
                print("crucible db set-password: this address names no single host (a multi-host or socket address): "
                      "put the password in the account's ~/.pgpass (one line per server, see docs/deployment.md), "
                      "or store it per server: crucible db set-password postgresql+psycopg://USER@HOST/DB",
                      file=sys.stderr)
                return 2
            secret = getpass.getpass(f"Password for {url.username}@{url.host}/{url.database}: ")
            try:
                set_secret(secret_name(url), secret)
            except SecretsUnavailable as exc:
                print(f"crucible db set-password: {exc}", file=sys.stderr)
                return 2
            print(f"stored in the OS keyring as {secret_name(url)}")
            return 0
        url = database_url(settings, override)
        engine = make_engine(url, must_exist=args.db_command in ("status", "export", "prune"))
        if args.db_command == "upgrade":
            status = upgrade(engine)
            print(f"{describe(url)}: {status.message}")
            return 0 if status.up_to_date else 1
        if args.db_command == "status":
            status = schema_status(engine)
            print(f"{describe(url)}: {status.message}")
            return 0 if status.up_to_date else 1
        if args.db_command == "export":
            from app.historian.reader import HistoryReader

            end = datetime.now(UTC)
            out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
            try:
                HistoryReader(engine).export_csv(args.tags, end - timedelta(hours=args.hours), end, out)
            finally:
                if args.out:
                    out.close()
            return 0
        if args.db_command == "prune":
            from app.historian.retention import prune

            samples, rollups = prune(engine, settings.history_raw_days, settings.history_rollup_years)
            print(f"pruned {samples} samples and {rollups} rollups")
            return 0
    except DatabaseError as exc:
        print(f"crucible db: {exc}", file=sys.stderr)
        return 2
    return 2
