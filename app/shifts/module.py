"""The shifts module: calendar in use, handover log, shift / day / month reports."""

from __future__ import annotations

from typing import Any

from app.modules import Module, PanelSpec


class _LateUsers:
    """The runtime's user store, looked up when a handover is signed (security is attached to
    the runtime after the modules are set up)."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime

    def authenticate(self, username: str, password: str, event: str = "login", console: str | None = None) -> Any:
        from app.security.users import SecurityError

        session = getattr(self.runtime, "session", None)
        if session is None:
            raise SecurityError("security is not set up on this console: nobody can sign")
        return session.users.authenticate(username, password, event=event, console=console)


class _LateAudit:
    """The runtime's audit trail, looked up when a record is written."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime

    def record(self, category: str, event_type: str, result: str = "success", **kw: Any) -> Any:
        audit = getattr(self.runtime, "audit", None)
        if audit is None:  # no security, no signature either (authenticate refuses first)
            import logging

            logging.getLogger(__name__).warning("no audit trail for %s %s (%s)", category, event_type, result)
            return None
        return audit.record(category, event_type, result, **kw)


def setup(runtime: Any) -> Any:
    """The :class:`~app.shifts.service.ShiftsService` of a runtime, on the plant database
    (:func:`start` runs its ``run()`` once the loop runs; :func:`close` cancels it)."""
    from app.shifts.service import ShiftsService

    engine = getattr(runtime, "db", None)
    if engine is None:  # a runtime without the plant database property (tests, older wiring)
        from app.core.settings import load_settings
        from app.db import make_engine

        s = load_settings()
        engine = make_engine(s.db_url or f"sqlite:///{s.default_sqlite_path}")
    service = ShiftsService(engine, runtime.layout, audit=_LateAudit(runtime), users=_LateUsers(runtime),
                            console=getattr(runtime, "console", ""),
                            alarm_engine=getattr(runtime, "alarms", None),
                            maintenance=getattr(runtime, "services", {}).get("maintenance"),
                            supervisor=getattr(runtime, "supervisor", None))
    return service


def start(service: Any) -> None:
    """Once the loop runs: the catch-up, then a report at every shift end (supervised)."""
    service.start()


def close(service: Any) -> None:
    service.stop()


def validate(layout: Any) -> list[str]:
    """Problems in the layout's ``shifts:`` section, as ``plant.yaml:line: message``."""
    from app.core.shifts import ShiftCalendarError
    from app.reports.shift_data import PRODUCTION
    from app.shifts.service import ReportConfig, calendar_of

    doc = layout.extra.get("shifts")
    if doc is None:
        return []
    where = f"{layout.folder / 'plant.yaml'}:{doc.get('__line__', 0) if isinstance(doc, dict) else 0}"
    problems: list[str] = []
    try:
        calendar_of(layout)
    except ShiftCalendarError as exc:
        problems.append(f"{where}: {exc}")
    try:
        cfg = ReportConfig.from_mapping(doc)
    except ValueError as exc:
        problems.append(f"{where}: {str(exc).split(': ', 1)[-1]}")
        return problems
    known = {p.key for p in PRODUCTION}
    for key in cfg.targets:
        if key not in known:
            problems.append(f"{where}: shifts.report_targets.{key} is not a product ({', '.join(sorted(known))})")
    return problems


def _cli(subparsers: Any) -> None:
    from app.shifts.cli import register

    register(subparsers)


MODULE = Module(
    name="shifts",
    requires=("historian", "alarms", "security"),
    title="Shifts: handover log and shift reports",
    models="app.shifts.models",
    migrations="app.shifts.migrations",
    setup=setup,
    start=start,
    close=close,
    cli=_cli,
    validate=validate,
    panels=(
        PanelSpec("handover", "widgets.handover_panel:HandoverPanel", area="right"),
        PanelSpec("reports", "widgets.reports_panel:ReportsPanel", area="bottom"),
    ),
)
