"""Factories of the core modules' panels (io, historian, alarms, security), named in their
``module.py`` declarations: each takes a :class:`~widgets.panel.PanelContext` and returns the
panel, or None where the runtime cannot offer it (no journal, no log-in session)."""

from __future__ import annotations

from app.alarms.queries import AlarmJournalQueries
from widgets.panel import DockPanel, PanelContext


def tag_browser(ctx: PanelContext) -> DockPanel:
    from widgets.tag_browser_panel import TagBrowserPanel

    return TagBrowserPanel(ctx.runtime.layout, ctx.bridge, ctx.language)


def connections(ctx: PanelContext) -> DockPanel:
    from widgets.connections_panel import ConnectionsPanel

    return ConnectionsPanel(ctx.runtime.health)


def trend(ctx: PanelContext) -> DockPanel:
    from widgets.trend_panel import TrendPanel

    historian = ctx.runtime.historian
    return TrendPanel(ctx.runtime.layout.tags, ctx.bridge, historian.reader if historian else None, ctx.language)


def alarm_list(ctx: PanelContext) -> DockPanel:
    from widgets.alarm_list_panel import AlarmListPanel

    panel = AlarmListPanel(ctx.runtime.alarms, ctx.runtime.layout, ctx.language)
    _authorise(panel, ctx)
    return panel


def alarm_journal(ctx: PanelContext) -> DockPanel | None:
    from widgets.alarm_journal_panel import AlarmJournalPanel

    journal = ctx.runtime.alarms.journal
    return AlarmJournalPanel(AlarmJournalQueries(journal.db)) if journal is not None else None  # queries, not an engine


def alarm_kpi(ctx: PanelContext) -> DockPanel | None:
    from widgets.alarm_kpi_panel import AlarmKpiPanel

    engine = ctx.runtime.alarms
    if engine.journal is None:
        return None
    panel = AlarmKpiPanel(AlarmJournalQueries(engine.journal.db), engine)
    _authorise(panel, ctx)
    return panel


def audit(ctx: PanelContext) -> DockPanel | None:
    from widgets.audit_panel import AuditPanel

    if ctx.security is None:
        return None
    return AuditPanel(ctx.security.audit, ctx.security.session)


def users(ctx: PanelContext) -> DockPanel | None:
    from widgets.users_panel import UsersPanel

    if ctx.security is None:
        return None
    return UsersPanel(ctx.security.users, ctx.security.session)


def _authorise(panel: DockPanel, ctx: PanelContext) -> None:
    """Panels with operator actions ask the session who is acting and whether they may."""
    session = ctx.session
    if session is not None:
        panel.user = lambda: session.username  # type: ignore[attr-defined]
