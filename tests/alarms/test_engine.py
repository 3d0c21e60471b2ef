"""Engine behaviour an operator notices: deadband, delays, suppression, shelving, first-out, flood."""

from __future__ import annotations

from pathlib import Path

from app.alarms.definitions import AlarmType, Priority
from app.alarms.engine import AlarmState as S
from app.alarms.journal import JournalWriter, read_journal
from app.core.tags import Quality
from tests.alarms.helpers import Clock, adef, engine, suppressed_by, tv


def feed(eng, clock, name, value, quality=Quality.GOOD):  # type: ignore[no-untyped-def]
    eng.evaluate({name: tv(value, clock.now, quality)})


def test_deadband_keeps_a_high_alarm_until_the_value_drops_below_limit_minus_deadband() -> None:
    clock = Clock()
    eng = engine([adef("PV", limit=100.0, deadband=5.0)], clock)
    rec = eng.records["PV.H"]
    feed(eng, clock, "PV", 100.0)
    assert rec.state is S.NORMAL  # at the limit is not above it
    feed(eng, clock, "PV", 100.5)
    assert rec.state is S.UNACK
    feed(eng, clock, "PV", 96.0)
    assert rec.condition  # inside the deadband: still active
    feed(eng, clock, "PV", 94.9)
    assert rec.state is S.RTN_UNACK and not rec.condition


def test_low_alarm_with_deadband() -> None:
    clock = Clock()
    eng = engine([adef("PV", AlarmType.L, limit=20.0, deadband=1.0)], clock)
    rec = eng.records["PV.L"]
    feed(eng, clock, "PV", 19.0)
    assert rec.condition
    feed(eng, clock, "PV", 20.5)
    assert rec.condition
    feed(eng, clock, "PV", 21.5)
    assert not rec.condition


def test_on_delay_ignores_a_short_excursion_and_alarms_a_long_one() -> None:
    clock = Clock()
    eng = engine([adef("PV", limit=10.0, on_delay_s=30.0)], clock)
    rec = eng.records["PV.H"]
    feed(eng, clock, "PV", 20.0)
    clock.advance(20)
    feed(eng, clock, "PV", 0.0)  # back before 30 s: no alarm
    clock.advance(60)
    eng.tick()
    assert rec.state is S.NORMAL
    feed(eng, clock, "PV", 20.0)
    clock.advance(29)
    eng.tick()
    assert rec.state is S.NORMAL
    clock.advance(1)
    eng.tick()  # no new value needed: the timer fires on the tick
    assert rec.state is S.UNACK


def test_off_delay_holds_the_alarm_through_a_short_return() -> None:
    clock = Clock()
    eng = engine([adef("PV", limit=10.0, off_delay_s=10.0)], clock)
    rec = eng.records["PV.H"]
    feed(eng, clock, "PV", 20.0)
    assert rec.condition
    clock.advance(1)
    feed(eng, clock, "PV", 0.0)
    clock.advance(5)
    feed(eng, clock, "PV", 20.0)
    clock.advance(20)
    eng.tick()
    assert rec.condition
    feed(eng, clock, "PV", 0.0)
    clock.advance(10)
    eng.tick()
    assert not rec.condition and rec.state is S.RTN_UNACK


def test_converter_alarms_are_suppressed_while_idle_or_in_maintenance() -> None:
    clock = Clock()
    eng = engine([adef("FLOW", AlarmType.L, limit=30.0, suppression=suppressed_by("PSC"))], clock)
    rec = eng.records["FLOW.L"]
    eng.evaluate({"PSC": tv(2, clock.now), "FLOW": tv(35.0, clock.now)})  # SLAG_BLOW
    for state in (0, 6):  # IDLE, MAINTENANCE
        eng.evaluate({"PSC": tv(state, clock.now), "FLOW": tv(0.0, clock.now)})
        assert rec.state is S.SUPPRESSED
        assert eng.visible() == []
    eng.evaluate({"PSC": tv(4, clock.now)})  # COPPER_BLOW with no flow: now it alarms
    assert rec.state is S.UNACK


def test_timed_shelve_expires_and_re_annunciates_a_standing_alarm() -> None:
    clock = Clock()
    eng = engine([adef("PV", limit=10.0)], clock)
    rec = eng.records["PV.H"]
    feed(eng, clock, "PV", 20.0)
    assert eng.shelve("PV.H", "op1", "sensor known bad", duration_s=3600)
    assert rec.state is S.SHELVED and rec.shelved_by == "op1" and rec.shelve_reason == "sensor known bad"
    clock.advance(3599)
    eng.tick()
    assert rec.state is S.SHELVED
    clock.advance(1)
    eng.tick()
    assert rec.state is S.UNACK


def test_one_shot_shelve_ends_when_the_alarm_clears() -> None:
    clock = Clock()
    eng = engine([adef("PV", limit=10.0)], clock)
    rec = eng.records["PV.H"]
    feed(eng, clock, "PV", 20.0)
    eng.shelve("PV.H", "op1", "chattering", duration_s=None)
    feed(eng, clock, "PV", 25.0)
    assert rec.state is S.SHELVED
    feed(eng, clock, "PV", 0.0)
    assert rec.state is S.NORMAL and rec.shelve is None
    feed(eng, clock, "PV", 20.0)
    assert rec.state is S.UNACK


def test_first_out_names_the_alarm_that_came_first_even_in_one_batch() -> None:
    clock = Clock()
    defs = [
        adef("BLAST", AlarmType.L, limit=30.0, group="PSC2.TRIP"),
        adef("TUYERE", AlarmType.L, limit=10.0, group="PSC2.TRIP"),
        adef("BLOWER", AlarmType.STATE, limit=None, states=("FAULT",), group="PSC2.TRIP", id="BLOWER.FAULT"),
    ]
    eng = engine(defs, clock)
    eng.evaluate({"BLAST": tv(35.0, clock.now), "TUYERE": tv(12.0, clock.now), "BLOWER": tv(1, clock.now)})
    t_fault = clock.now
    t_flow = clock.advance(0.4)
    # one batch, listed flow-first, but the blower fault was sampled earlier
    eng.evaluate({"BLAST": tv(5.0, t_flow), "TUYERE": tv(1.0, t_flow), "BLOWER": tv(2, t_fault)})
    assert eng.first_out("PSC2.TRIP") == "BLOWER.FAULT"
    assert [r.id for r in eng.visible() if r.first_out] == ["BLOWER.FAULT"]
    # everything back to normal and acknowledged: the group re-arms
    clock.advance(5)
    eng.evaluate({"BLAST": tv(35.0, clock.now), "TUYERE": tv(12.0, clock.now), "BLOWER": tv(1, clock.now)})
    eng.ack([r.id for r in eng.visible()], "op1")
    assert eng.first_out("PSC2.TRIP") is None
    clock.advance(5)
    eng.evaluate({"TUYERE": tv(1.0, clock.now)})
    assert eng.first_out("PSC2.TRIP") == "TUYERE.L"


def test_latching_alarm_stays_until_reset() -> None:
    clock = Clock()
    eng = engine([adef("LVL", AlarmType.HH, limit=90.0, latching=True)], clock)
    rec = eng.records["LVL.HH"]
    feed(eng, clock, "LVL", 95.0)
    eng.ack(["LVL.HH"], "op1")
    feed(eng, clock, "LVL", 50.0)
    assert rec.state is S.LATCHED
    eng.ack(["LVL.HH"], "op1")
    assert rec.state is S.NORMAL


def test_deviation_rate_of_change_and_bad_quality() -> None:
    clock = Clock()
    defs = [
        adef("O2", AlarmType.DEV, limit=5.0, setpoint_tag="O2_SP"),
        adef("T", AlarmType.ROC, limit=30.0),
        adef("T", AlarmType.BAD, limit=None),
    ]
    eng = engine(defs, clock)
    eng.evaluate({"O2": tv(70.0, clock.now), "O2_SP": tv(68.0, clock.now), "T": tv(1300.0, clock.now)})
    assert eng.visible() == []
    eng.evaluate({"O2_SP": tv(60.0, clock.now)})  # setpoint moved: 10 off
    assert eng.records["O2.DEV"].state is S.UNACK
    clock.advance(60)
    eng.evaluate({"T": tv(1320.0, clock.now)})  # 20 °C/min
    assert eng.records["T.ROC"].state is S.NORMAL
    clock.advance(30)
    eng.evaluate({"T": tv(1350.0, clock.now)})  # 60 °C/min
    assert eng.records["T.ROC"].state is S.UNACK
    eng.evaluate({"T": tv(1350.0, clock.now, Quality.BAD)})
    assert eng.records["T.BAD"].state is S.UNACK


def test_bad_quality_holds_limit_alarms() -> None:
    clock = Clock()
    eng = engine([adef("PV", limit=10.0)], clock)
    feed(eng, clock, "PV", 20.0)
    feed(eng, clock, "PV", 0.0, Quality.BAD)  # a bad reading does not clear the alarm
    assert eng.records["PV.H"].condition


def test_flood_starts_above_10_in_10_minutes_and_ends_below_5() -> None:
    clock = Clock()
    eng = engine([adef(f"P{i}", limit=10.0) for i in range(12)], clock)
    seen: list[bool] = []
    eng.flood_changed.connect(seen.append)
    for i in range(11):
        clock.advance(30)
        feed(eng, clock, f"P{i}", 20.0)
    assert eng.in_flood and seen == [True]
    clock.advance(60 * 5)  # the first activation leaves the window: 10 left, still a flood
    eng.tick()
    assert eng.in_flood
    clock.advance(60 * 10)
    eng.tick()
    assert not eng.in_flood and seen == [True, False]


def test_every_change_and_action_reaches_the_journal(tmp_path: Path) -> None:
    clock = Clock()
    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    audit: list[tuple[str, str, str, str]] = []
    eng = engine([adef("PV", limit=10.0, priority=Priority.HIGH)], clock,
                 journal=JournalWriter(url, "console-A"), audit=lambda *a: audit.append(a))
    eng.start()
    for i in range(200):
        clock.advance(1)
        feed(eng, clock, "PV", 20.0 if i % 2 == 0 else 0.0)
        if i % 2 == 0:
            eng.ack(["PV.H"], "op1")
    eng.shelve("PV.H", "op2", "maintenance", duration_s=60)
    assert eng.journal is not None and eng.journal.flush()
    rows = read_journal(url)
    eng.close()
    events = [r["event"] for r in rows]
    assert events.count("activate") == 100 and events.count("clear") == 100 and events.count("ack") == 100
    assert events[-1] == "shelve" and rows[-1]["who"] == "op2" and rows[-1]["console"] == "console-A"
    assert all(r["who"] == "op1" for r in rows if r["event"] == "ack")
    assert rows[0]["priority"] == 2 and rows[0]["ts"] == rows[0]["ts"].replace(microsecond=0)
    assert len(audit) == 101 and audit[-1] == ("op2", "shelve", "PV.H", "maintenance")


def test_no_journal_row_is_lost_while_the_database_fails(tmp_path: Path) -> None:
    from sqlalchemy import text

    from app.alarms.journal import make_db_engine

    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    clock = Clock()
    writer = JournalWriter(url, "console-A", poll_s=0.2)
    eng = engine([adef("PV", limit=10.0)], clock, journal=writer)
    eng.start()
    other = make_db_engine(url)
    with other.begin() as conn:  # the table disappears under the writer: every insert fails
        conn.execute(text("ALTER TABLE alarm_journal RENAME TO alarm_journal_away"))
    for i in range(50):
        clock.advance(1)
        feed(eng, clock, "PV", 20.0 if i % 2 == 0 else 0.0)
    assert not writer.flush(timeout=1.0) and writer.last_error
    with other.begin() as conn:  # the database is back
        conn.execute(text("ALTER TABLE alarm_journal_away RENAME TO alarm_journal"))
    assert writer.flush(timeout=10.0)
    eng.close()
    assert [r["event"] for r in read_journal(url)] == ["activate", "clear"] * 25


def test_alarm_limits_per_tag_for_analog_indicators(layout) -> None:  # type: ignore[no-untyped-def]
    from app.alarms.definitions import limits_by_tag, load_alarms

    limits = limits_by_tag(load_alarms(layout))
    assert limits["SMF.T_PROC"] == {"L": 1250, "H": 1350, "HH": 1400}
    assert limits["AP.TAIL_SO2"] == {"H": 300, "HH": 400}


def test_a_row_the_database_rejects_does_not_block_the_journal(tmp_path: Path) -> None:
    from sqlalchemy import text

    from app.alarms.journal import make_db_engine

    url = f"sqlite:///{tmp_path / 'j.sqlite'}"
    writer = JournalWriter(url, "console-A", poll_s=0.2)
    writer.start()
    with make_db_engine(url).begin() as conn:  # a constraint this one row breaks
        conn.execute(text("CREATE TRIGGER no_bad BEFORE INSERT ON alarm_journal WHEN NEW.reason = 'bad' "
                          "BEGIN SELECT RAISE(ABORT, 'constraint failed'); END"))
    clock = Clock()
    for reason in ("a", "bad", "b"):
        writer.put({"ts": clock.now, "alarm": "X", "tag": "X", "priority": 4, "area": "", "event": "ack",
                    "state": "", "value": "", "limit": "", "who": "op", "reason": reason, "console": "c", "until": None})
    assert writer.flush(timeout=10)
    writer.close()
    assert [r["reason"] for r in read_journal(url)] == ["a", "b"]


def test_rate_of_change_looks_at_the_last_minute_not_at_sample_noise() -> None:
    clock = Clock()
    eng = engine([adef("T", AlarmType.ROC, limit=30.0, deadband=5.0)], clock)
    # 2 °C of noise every half second around a steady 1300 °C: no alarm (was 240 °C/min sample to sample).
    for i in range(240):
        eng.evaluate({"T": tv(1300.0 + (2.0 if i % 2 else -2.0), clock.now)})
        clock.advance(0.5)
    assert eng.records["T.ROC"].state is S.NORMAL
    # A real ramp of 60 °C/min for two minutes: alarm.
    for i in range(240):
        eng.evaluate({"T": tv(1300.0 + i * 0.5, clock.now)})
        clock.advance(0.5)
    assert eng.records["T.ROC"].state is S.UNACK


def test_modules_add_alarms_in_alarms_d(layout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A module's own alarms (on the calc:// tags it publishes) live in alarms.d/*.yaml."""
    import dataclasses
    import shutil

    import pytest

    from app.alarms.definitions import AlarmDefinitionError, load_alarms

    folder = tmp_path / "plant"
    shutil.copytree(layout.folder, folder)
    (folder / "alarms.d").mkdir(exist_ok=True)
    (folder / "alarms.d" / "zz_test.yaml").write_text(
        "alarms:\n- tag: SMF.T_PROC\n  type: H\n  priority: low\n  limit: 1390\n  id: TEST.EXTRA\n", encoding="utf-8")
    moved = dataclasses.replace(layout, folder=folder)
    ids = [a.id for a in load_alarms(moved)]
    assert ids[-1] == "TEST.EXTRA" and len(ids) == len(load_alarms(layout)) + 1
    (folder / "alarms.d" / "zz_test.yaml").write_text(
        "alarms:\n- tag: NO.SUCH\n  type: H\n  priority: low\n  limit: 1\n", encoding="utf-8")
    with pytest.raises(AlarmDefinitionError, match="zz_test.yaml:2"):
        load_alarms(moved)
