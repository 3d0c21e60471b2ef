"""Alarm ack / shelve / unshelve / out-of-service are authorised by the alarm engine itself
(the session's rule, set by Runtime.attach_security): every panel, console and command meets
the same rule, not only the widgets that remembered to check."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.alarms.engine import AlarmActionRefused, AlarmState
from app.core.layout import PlantLayout
from app.core.tags import Quality, TagValue, utcnow
from app.runtime import Runtime
from app.security.context import Security


@pytest.fixture
def runtime(layout: PlantLayout, security: Security) -> Runtime:
    security.users.add_user("op1", "furnace-42", ["operator"])
    security.users.add_user("lead", "converter-7", ["shift_lead"])
    security.users.add_user("eng", "process-9", ["process_engineer"])
    rt = Runtime(layout)
    rt.attach_security(security.session)
    now = [utcnow()]
    rt.alarms.clock = lambda: now[0]
    for value in (450.0, 460.0):  # tail SO2 above the permit, held past the on-delay
        rt.store.apply({"AP.TAIL_SO2": TagValue(value, Quality.GOOD, now[0], now[0])})
        now[0] += timedelta(seconds=40)
        rt.alarms.tick()
    return rt


def _standing(rt: Runtime) -> str:
    return next(r.id for r in rt.alarms.visible() if r.id.startswith("AP.TAIL_SO2"))


def test_an_operator_acknowledges_but_may_not_shelve(runtime: Runtime, security: Security) -> None:
    security.session.login("op1", "furnace-42")
    alarm = _standing(runtime)
    with pytest.raises(AlarmActionRefused, match=r"^op1 \(operator\) may not shelve alarms: ask a user whose role allows it\.$"):
        runtime.alarms.shelve(alarm, "op1", "transmitter check", 600.0)
    assert runtime.alarms.records[alarm].shelve is None  # nothing changed
    assert runtime.alarms.ack([alarm], "op1") == 1
    assert runtime.alarms.records[alarm].state is AlarmState.ACKED
    with pytest.raises(AlarmActionRefused, match="may not take equipment out of service for work"):
        runtime.alarms.set_out_of_service(alarm, "op1", "calibration")


def test_the_rule_follows_the_logged_in_user(runtime: Runtime, security: Security) -> None:
    alarm = _standing(runtime)
    with pytest.raises(AlarmActionRefused, match="No one is logged in"):
        runtime.alarms.ack([alarm], "op1")
    security.session.login("lead", "converter-7")
    with pytest.raises(AlarmActionRefused, match="requested as op1 but lead is logged in"):
        runtime.alarms.ack([alarm], "op1")  # no acting in another's name
    assert runtime.alarms.shelve(alarm, "lead", "transmitter check", 600.0)
    assert runtime.alarms.unshelve(alarm, "lead", "check done")
    security.session.lock("manual")
    with pytest.raises(AlarmActionRefused, match="locked"):
        runtime.alarms.ack([alarm], "lead")
    security.session.logout()
    security.session.login("eng", "process-9")
    assert runtime.alarms.set_out_of_service(alarm, "eng", "analyser calibration")
    assert runtime.alarms.records[alarm].state is AlarmState.OUT_OF_SERVICE


def test_actions_another_console_journaled_are_applied_without_asking_again(runtime: Runtime) -> None:
    alarm = _standing(runtime)  # no one is logged in here; the other console authorised it
    runtime.alarms.apply_remote([{"alarm": alarm, "who": "op7", "reason": "", "event": "ack"}])
    assert runtime.alarms.records[alarm].state is AlarmState.ACKED
