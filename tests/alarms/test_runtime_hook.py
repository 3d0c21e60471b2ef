"""The runtime evaluates alarms on every store batch and journals them to its database."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.alarms.journal import read_journal
from app.core.layout import PlantLayout
from app.runtime import Runtime
from tests.alarms.helpers import T0
from tests.alarms.scenarios import acid_plant_upset, batch, normal_values


async def test_runtime_store_batches_reach_the_alarm_engine_and_journal(layout: PlantLayout, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    runtime = Runtime(layout, db_url=url)
    runtime.drivers = []  # no server here: feed the store directly
    runtime.start()
    values = normal_values(layout)
    runtime.store.apply(batch(values, T0))
    values.update(acid_plant_upset(layout))
    runtime.store.apply(batch({"AP.TAIL_SO2": values["AP.TAIL_SO2"]}, T0))
    await asyncio.sleep(0)
    assert runtime.alarms.records["AP.TAIL_SO2.HH"].raw  # on-delay pending: not yet annunciated
    runtime.alarms.ack(["AP.TAIL_SO2.HH"], "op1")  # nothing to acknowledge yet
    assert runtime.alarms.journal is not None
    runtime.alarms.set_out_of_service("AP.CONV_TOT.L", "tech", "analyser calibration")
    assert runtime.alarms.journal.flush()
    await runtime.stop()
    rows = read_journal(url)
    # the idle converter's blowing alarms were suppressed by design, then the operator action
    assert {r["alarm"] for r in rows if r["event"] == "suppress"} == {
        a.id for a in runtime.alarms.definitions if a.suppression and a.suppression.tag == "PSC3.STATE"}
    assert (rows[-1]["alarm"], rows[-1]["event"], rows[-1]["who"]) == ("AP.CONV_TOT.L", "oos", "tech")
    assert not [r for r in rows if r["event"] == "activate"]


def test_a_console_can_leave_process_events_to_another(layout, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Consoles sharing one plant database: only one journals activations, so KPIs count once."""
    from app.core.settings import load_settings
    from app.runtime import Runtime

    monkeypatch.setenv("CRUCIBLE_ALARM_JOURNAL_PROCESS_EVENTS", "false")
    settings = load_settings()
    assert settings.alarm_journal_process_events is False
    runtime = Runtime(layout, journal_process_events=settings.alarm_journal_process_events)
    assert runtime.alarms.record_process_events is False
    assert Runtime(layout).alarms.record_process_events is True
