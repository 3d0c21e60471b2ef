"""The alarms module: ISA-18.2 engine, journal tables and migrations, ``crucible alarms``,
the alarm list, journal and KPI panels."""

from __future__ import annotations

from typing import Any

from app.alarms import cli
from app.modules import Module, PanelSpec


def validate(layout: Any) -> list[str]:
    """Problems of the layout's alarm definitions."""
    from app.alarms.definitions import AlarmDefinitionError, load_alarms

    try:
        load_alarms(layout)
    except AlarmDefinitionError as exc:
        return list(exc.problems)
    return []


MODULE = Module(
    name="alarms",
    title="Alarms",
    models="app.alarms.models",
    migrations="app.alarms.migrations",
    cli=cli.register,
    panels=(
        PanelSpec("alarm_list", "widgets.core_panels:alarm_list", area="bottom"),
        PanelSpec("alarm_journal", "widgets.core_panels:alarm_journal", area="bottom"),
        PanelSpec("alarm_kpi", "widgets.core_panels:alarm_kpi", area="bottom"),
    ),
    validate=validate,
    order=30,
)
