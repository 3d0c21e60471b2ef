"""The handover log: author-only edits, signing with the password, acknowledgement,
read-only afterwards, the checksum in the audit trail, tampering detected, search."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from app.security.context import Security
from app.shifts.handover import HandoverError, HandoverItem, HandoverLog, automatic_items
from tests.shifts.conftest import PASSWORD

SHIFT = "2026-12-01/2"


def test_only_the_author_edits(log: HandoverLog) -> None:
    e = log.add(SHIFT, "SMF", "wang", "Tap hole 2 hard to open", [HandoverItem("safety", "Hot metal spill near tap 2")])
    with pytest.raises(HandoverError, match="only wang can change"):
        log.edit(e.id, "li", "changed by someone else")
    log.edit(e.id, "wang", "Tap hole 2 hard to open; lanced twice")
    assert log.entries(SHIFT)[0].text.endswith("lanced twice")
    assert log.entries(SHIFT)[0].items == [HandoverItem("safety", "Hot metal spill near tap 2")]


def test_sign_needs_the_password_then_read_only(log: HandoverLog, security: Security) -> None:
    e = log.add(SHIFT, "PSC", "wang", "PSC2 tuyeres punched at 14:10")
    with pytest.raises(HandoverError, match="signature refused"):
        log.sign(SHIFT, "wang", "wrong-password")
    assert log.signoff(SHIFT) is None
    so = log.sign(SHIFT, "wang", PASSWORD)
    with pytest.raises(HandoverError, match="signed by wang; it can no longer be changed"):
        log.edit(e.id, "wang", "edited after signing")
    with pytest.raises(HandoverError, match="can no longer be changed"):
        log.add(SHIFT, "TH", "li", "late note")
    with pytest.raises(HandoverError, match="can no longer be changed"):
        log.delete(e.id, "wang")
    assert log.entries(SHIFT)[0].text == "PSC2 tuyeres punched at 14:10"
    # the checksum is in the audit trail
    entries = [x for x in security.audit.entries() if x.event_type == "handover_sign"]
    assert entries[0].new_value == so.checksum and entries[0].result == "success"
    assert any(x.event_type == "handover_sign" and x.result == "failure" for x in security.audit.entries())
    # the incoming lead acknowledges; not the one who signed
    with pytest.raises(HandoverError, match="someone other than"):
        log.acknowledge(SHIFT, "wang", PASSWORD)
    ack = log.acknowledge(SHIFT, "li", PASSWORD)
    assert ack.acknowledged_by == "li" and ack.checksum == so.checksum
    assert log.verify(SHIFT) == []


def test_a_changed_row_fails_its_checksum(log: HandoverLog, security: Security) -> None:
    e = log.add(SHIFT, "AP", "wang", "Tail gas high after bed 3 upset")
    log.sign(SHIFT, "wang", PASSWORD)
    with security.engine.begin() as conn:  # someone edits the database behind the application
        conn.execute(text("UPDATE handover_entries SET text = 'all normal' WHERE id = :i"), {"i": e.id})
    problems = log.verify(SHIFT)
    assert problems and "changed after wang signed" in problems[0]
    with pytest.raises(HandoverError, match="changed after wang signed"):
        log.acknowledge(SHIFT, "li", PASSWORD)


def test_search_history(log: HandoverLog) -> None:
    log.add("2026-11-30/1", "SMF", "wang", "Burner 3 flame unstable")
    log.add("2026-12-01/1", "TH", "li", "Section 2 shorts cleared", [HandoverItem("out_of_service", "TH.CIRC_P2")])
    assert [e.shift_id for e in log.search("burner")] == ["2026-11-30/1"]
    assert [e.area for e in log.search("CIRC_P2")] == ["TH"]
    assert [e.author for e in log.search(area="SMF")] == ["wang"]
    assert len(log.search(since="2026-12-01")) == 1


def test_empty_entry_and_unknown_item_refused(log: HandoverLog) -> None:
    with pytest.raises(HandoverError, match="needs some text"):
        log.add(SHIFT, "SMF", "wang", "   ")
    with pytest.raises(HandoverError, match="item kind 'gossip'"):
        log.add(SHIFT, "SMF", "wang", "x", [{"kind": "gossip", "text": "y"}])


def test_standing_and_shelved_alarms_pulled_in() -> None:
    from datetime import UTC, datetime, timedelta

    from app.alarms.definitions import load_alarms
    from app.alarms.engine import AlarmEngine
    from app.core.layout import load_layout
    from app.core.tags import Quality, TagValue

    layout = load_layout()
    clock = [datetime(2026, 12, 1, 6, 0, tzinfo=UTC)]
    engine = AlarmEngine(load_alarms(layout), layout.tags, clock=lambda: clock[0])
    now = clock[0]
    engine.evaluate({"AP.TAIL_SO2": TagValue(450.0, Quality.GOOD, now, now),
                     "AP.ACID_TANK": TagValue(99.0, Quality.GOOD, now, now)})
    clock[0] = now + timedelta(seconds=60)  # past the on-delays
    engine.tick()
    acid = [r.id for r in engine.records.values() if r.definition.tag == "AP.ACID_TANK" and r.standing]
    assert acid, "the acid tank alarm should be standing"
    engine.shelve(acid[0], "wang", reason="level gauge being recalibrated")
    items = automatic_items(engine)
    assert any(i.kind == "standing_alarm" and "AP.TAIL_SO2" in i.text for i in items), items
    assert any(i.kind == "shelved_alarm" and "wang" in i.text and "recalibrated" in i.text for i in items), items
    assert automatic_items(engine, area="SMF") == []  # only the acid plant's alarms are up
    assert len(automatic_items(engine, area="AP")) == len(items)
