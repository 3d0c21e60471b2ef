"""``crucible quality ...``: SPC on a CSV file, assay import, lot grading."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from app.quality.csvfile import CsvProblems, read_spc_csv
from app.quality.spc import RULE_TEXT, SpcError, chart

if TYPE_CHECKING:
    from app.core.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``quality spc``, ``quality import`` and ``quality grade``."""
    quality = sub.add_parser("quality", help="assays, SPC charts, cathode lot grading")
    qsub = quality.add_subparsers(dest="quality_command", required=True)
    spc = qsub.add_parser("spc", help="Western Electric rules 1-4 on timestamp,characteristic,value rows")
    spc.add_argument("--csv", required=True, type=Path, help="CSV with columns timestamp,characteristic,value")
    spc.add_argument("--characteristic", action="append", default=[], help="only this characteristic (repeatable)")
    spc.add_argument("--limits", action="append", default=[], metavar="[NAME=]CENTRE,SIGMA",
                     help="given centre line and sigma of the individuals (otherwise from the baseline)")
    spc.add_argument("--baseline", type=int, default=25, help="limits from the first N points/subgroups (default 25)")
    spc.add_argument("--subgroup", type=int, default=1, help="subgroup size: 1 = I-MR (default), 2-10 = X̄-R")
    spc.add_argument("--json", action="store_true", help="print JSON")
    spc.set_defaults(handler=run_spc)
    imp = qsub.add_parser("import", help="import a laboratory CSV (all rows or none)")
    imp.add_argument("--csv", required=True, type=Path)
    imp.add_argument("--db", default="", help="database URL (default: the settings' database)")
    imp.add_argument("--user", required=True,
                     help="who imports: a user whose role may enter assays (laboratory, shift lead, process engineer, administrator)")
    imp.add_argument("--password-stdin", action="store_true", help="read the user's password from standard input")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=run_import)
    grade = qsub.add_parser("grade", help="grade a cathode lot against GB/T 467 from its assays")
    grade.add_argument("lot")
    grade.add_argument("--db", default="")
    grade.add_argument("--json", action="store_true")
    grade.set_defaults(handler=run_grade)


def _parse_limits(items: list[str]) -> tuple[dict[str, tuple[float, float]], tuple[float, float] | None]:
    named: dict[str, tuple[float, float]] = {}
    default: tuple[float, float] | None = None
    for item in items:
        name, _, rest = item.rpartition("=")
        parts = rest.split(",")
        if len(parts) != 2:
            raise SpcError(f"--limits {item!r}: expected [NAME=]CENTRE,SIGMA, e.g. SMF.MATTE_CU=62,0.8")
        try:
            pair = (float(parts[0]), float(parts[1]))
        except ValueError:
            raise SpcError(f"--limits {item!r}: CENTRE and SIGMA must be numbers") from None
        if pair[1] <= 0:
            raise SpcError(f"--limits {item!r}: SIGMA must be positive")
        if name:
            named[name] = pair
        else:
            default = pair
    return named, default


def spc_report(path: Path, names: list[str], limits: list[str], baseline: int, subgroup: int) -> dict[str, Any]:
    """The ``quality spc`` result as plain data (raises CsvProblems / SpcError)."""
    data = read_spc_csv(path)
    named, default = _parse_limits(limits)
    unknown = [n for n in [*names, *named] if n not in data]
    if unknown:
        raise SpcError(f"{path}: no rows for characteristic {unknown[0]!r} (found: {', '.join(sorted(data))})")
    out: list[dict[str, Any]] = []
    for name in names or list(data):
        rows = data[name]
        res = chart(name, np.array(rows.values), subgroup=subgroup, baseline=baseline,
                    limits=named.get(name, default))
        size = max(1, subgroup)
        violations = [
            {"index": i, "timestamp": rows.timestamps[i * size + size - 1].isoformat(), "rule": rule}
            for i, rule in res.violations
        ]
        out.append({"characteristic": name, "chart": res.chart, "points": len(res.points),
                    **res.limits.as_dict(), "violations": violations})
    return {"file": str(path), "characteristics": out}


def run_spc(args: argparse.Namespace, settings: Settings | None = None) -> int:
    try:
        report = spc_report(args.csv, args.characteristic, args.limits, args.baseline, args.subgroup)
    except CsvProblems as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2
    except SpcError as exc:
        print(f"quality spc: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    for c in report["characteristics"]:
        print(f"{c['characteristic']} ({c['chart']}, {c['points']} points, limits: {c['limits_from']}): "
              f"CL {c['centre']:.4g}  LCL {c['lcl']:.4g}  UCL {c['ucl']:.4g}  sigma {c['sigma']:.4g}")
        for v in c["violations"]:
            print(f"  point {v['index']} at {v['timestamp']}: rule {v['rule']} ({RULE_TEXT[v['rule']]})")
        if not c["violations"]:
            print("  in control")
    return 0


def _service(args: argparse.Namespace, settings: Settings | None) -> Any:
    from app.core.layout import load_layout
    from app.core.settings import load_settings
    from app.db import open_engine
    from app.db.migrate import ensure_current
    from app.quality.service import QualityService

    settings = settings or load_settings()
    engine = open_engine(settings, args.db or None)
    ensure_current(engine)
    return QualityService(load_layout(settings.layout), engine)


def _db_problem(command: str, exc: Exception) -> int:
    """A database that cannot be used: one line naming it, exit 2 (no traceback)."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    hint = " (run: crucible db upgrade)" if "no such table" in first or "does not exist" in first else ""
    print(f"quality {command}: cannot use the database: {first}{hint}", file=sys.stderr)
    return 2


def run_import(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Log the user in (their password), then import: ``enter_assays`` is checked by the service."""
    from app.core.layout import load_layout
    from app.core.settings import load_settings
    from app.db.migrate import ensure_current
    from app.quality.assays import AssayError
    from app.quality.service import QualityService
    from app.security.cli import read_password
    from app.security.context import build_security
    from app.security.users import SecurityError

    settings = settings or load_settings()
    try:
        security = build_security(settings, args.db or None)
    except Exception as exc:  # noqa: BLE001 - the database or keyring: one line, not a traceback
        return _db_problem("import", exc)
    try:
        ensure_current(security.engine)
        password = read_password(args.password_stdin, f"Password for {args.user}: ", confirm=False)
        security.session.login(args.user, password)
        svc = QualityService(load_layout(settings.layout), security.engine, audit=security.audit)
        n = svc.import_lab_csv(args.csv, security.session)
    except CsvProblems as exc:
        print(f"{args.csv}: rejected, nothing imported ({len(exc.problems)} problem(s)):", file=sys.stderr)
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 2
    except (AssayError, SecurityError, ValueError) as exc:  # wrong password, no such user, not permitted, no terminal
        print(f"quality import: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the database: one line, not a traceback
        return _db_problem("import", exc)
    finally:
        security.close()
    print(json.dumps({"imported": n}) if args.json else f"imported {n} assays from {args.csv}")
    return 0


def run_grade(args: argparse.Namespace, settings: Settings | None = None) -> int:
    from app.quality.assays import AssayError

    try:
        svc = _service(args, settings)
        result = svc.grade_lot(args.lot)
    except AssayError as exc:
        print(f"quality grade: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the database: one line, not a traceback
        return _db_problem("grade", exc)
    print(json.dumps(result.as_dict(), indent=1) if args.json else result.summary())
    return 0
