"""Process standards: approved cards with a second person, drift after the grace time, apply
a card against the simulator, SOP checklists that cannot be signed while a check is false,
and runs that resume where they stopped."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.layout import PlantLayout
from app.core.settings import Settings
from app.core.tags import Quality, TagValue
from app.db import make_engine
from app.db.migrate import upgrade
from app.standards.cards import CardStore, StandardsError
from app.standards.drift import DriftTracker
from app.standards.layout import CardItem, StandardsLayoutError, load_standards
from app.standards.sop import SopError, SopRunner, load_sops, parse_sop

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def security(tmp_path: Path):  # type: ignore[no-untyped-def]
    from app.security.context import build_security

    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    upgrade(make_engine(url))
    sec = build_security(Settings(scrypt_n=1024), url)
    sec.users.add_user("eng1", "a long password 1", roles=["process_engineer"], actor="it")
    sec.users.add_user("eng2", "a long password 2", roles=["process_engineer"], actor="it")
    sec.users.add_user("op1", "a long password 3", roles=["operator"], actor="it")
    yield sec
    sec.close()


def good(value: object) -> TagValue:
    return TagValue(value, Quality.GOOD, T0, T0)  # type: ignore[arg-type]


def test_the_shipped_standards_load_and_bind_to_writable_setpoints(layout: PlantLayout) -> None:
    std = load_standards(layout.folder, layout.tags)
    assert len(std.cards) >= 10
    for card in std.cards:
        for item in card.items:
            assert layout.tags[item.tag].writable
    sops = load_sops(std.sop_folder, layout.tags)
    assert sops["blower-trip"].steps[-1].sign_off


def test_layout_mistakes_are_named_with_file_and_line(layout: PlantLayout, tmp_path: Path) -> None:
    (tmp_path / "standards.yaml").write_text(
        "units:\n  SMF:\n    mode: {tag: NO.SUCH_TAG}\ncards:\n  - unit: SMF\n    mode: normal\n    items:\n"
        "      - {tag: SMF.T_PROC, low: 1, high: 2, target: 1.5}\n      - {tag: SMF.O2_ENR_SP, low: 70, high: 60, target: 65}\n",
        encoding="utf-8")
    with pytest.raises(StandardsLayoutError) as err:
        load_standards(tmp_path, layout.tags)
    text = "\n".join(err.value.problems)
    assert f"{tmp_path / 'standards.yaml'}:3: unit 'SMF': mode tag 'NO.SUCH_TAG' is not a tag of the layout" in text
    assert ":8: card SMF/normal: SMF.T_PROC is not a writable setpoint" in text
    assert ":9: card SMF/normal: SMF.O2_ENR_SP: needs low <= target <= high" in text


def test_a_card_change_needs_a_second_person_and_is_audited(security) -> None:  # type: ignore[no-untyped-def]
    store = CardStore(security.engine, security.audit)
    store.seed(load_standards(Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter",
                              _tags()).cards, now=T0)
    before = store.approved()[("SMF", "normal")]
    card = store.propose("SMF", "normal", [CardItem("SMF.O2_ENR_SP", 63, 71, 67, 300)], "eng1",
                         "higher enrichment trial, campaign 12", "MOC-2026-031")
    assert card.status == "proposed" and card.version == before.version + 1
    assert store.approved()[("SMF", "normal")].version == before.version  # not in force yet

    def verify(user: str) -> None:
        security.users.authenticate(user, "a long password 2" if user == "eng2" else "wrong", event="signature")

    with pytest.raises(StandardsError, match="the approver cannot be the one who proposed"):
        store.decide(card.id, "eng1", True, verify)
    with pytest.raises(StandardsError):
        store.decide(card.id, "op1", True, verify)  # wrong password: refused
    approved = store.decide(card.id, "eng2", True, verify)
    assert approved.status == "approved" and approved.decided_by == "eng2"
    assert store.approved()[("SMF", "normal")].item("SMF.O2_ENR_SP").target == 67  # type: ignore[union-attr]
    assert store.card(before.id).status == "superseded"
    events = [(e.event_type, e.result, e.user) for e in security.audit.entries(newest_first=False)
              if e.category == "config"]
    assert ("card_proposed", "success", "eng1") in events
    assert ("card_approval", "refused", "eng1") in events
    assert ("card_approved", "success", "eng2") in events


def _tags():  # type: ignore[no-untyped-def]
    from app.core.layout import load_layout

    return load_layout().tags


def test_drift_is_recorded_after_the_grace_time_and_not_before(layout: PlantLayout, security) -> None:  # type: ignore[no-untyped-def]
    std = load_standards(layout.folder, layout.tags)
    store = CardStore(security.engine, security.audit)
    store.seed(std.cards, now=T0)
    tracker = DriftTracker(store, std.modes, layout.tags)
    values = {"CB.FEED_RATE": good(205.0), "SMF.O2_ENR_SP": good(65.0), "PSC1.STATE": good(2), "PSC1.BLAST_SP": good(36000.0)}
    assert tracker.evaluate(values, T0) == []
    tracker.note_write("SMF.O2_ENR_SP", "op1")
    values["SMF.O2_ENR_SP"] = good(74.0)  # outside 62..70 of the normal card (grace 300 s)
    assert tracker.evaluate(values, T0 + timedelta(seconds=10)) == []
    assert tracker.evaluate(values, T0 + timedelta(seconds=309)) == []  # 299 s outside: not yet
    drifts = tracker.evaluate(values, T0 + timedelta(seconds=310))
    assert [(d.tag, d.value, d.low, d.high, d.changed_by, d.mode) for d in drifts] == [
        ("SMF.O2_ENR_SP", 74.0, 62.0, 70.0, "op1", "normal")]
    assert drifts[0].started == T0 + timedelta(seconds=10)
    # Low feed: the low-feed card (55..65) applies; 74 drifts there too, and the normal drift ends.
    values["SMF.O2_ENR_SP"] = good(60.0)
    values["CB.FEED_RATE"] = good(120.0)
    assert tracker.evaluate(values, T0 + timedelta(seconds=400)) == []
    stored = store.drifts()
    assert len(stored) == 1 and stored[0].ended == T0 + timedelta(seconds=400)
    # A bad value neither starts nor ends a drift.
    values["SMF.O2_ENR_SP"] = TagValue(None, Quality.BAD, T0, T0)
    assert tracker.evaluate(values, T0 + timedelta(seconds=2000)) == []
    # Converter 1 in copper blow: its copper-blow card.
    values["PSC1.STATE"] = good(4)
    values["PSC1.BLAST_SP"] = good(40000.0)
    tracker.evaluate(values, T0 + timedelta(seconds=2000))
    drifts = tracker.evaluate(values, T0 + timedelta(seconds=2181))
    assert [(d.tag, d.mode) for d in drifts] == [("PSC1.BLAST_SP", "copper_blow")]


async def test_applying_a_card_writes_with_read_back_and_stops_at_the_first_refusal(layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    from app.core.store import TagStore
    from app.io.opcua import OpcUaDriver
    from app.io.writes import WritePath, WriteRequest
    from app.standards.apply import apply_card
    from app.standards.cards import Card
    from tests.io.test_opcua_driver import wait_for

    store = TagStore(layout.tags.values())
    driver = OpcUaDriver("sim", sim_server.endpoint, store, layout.tags.values(), publishing_ms=200)
    task = asyncio.create_task(driver.run())
    items = (CardItem("PSC1.BLAST_SP", 33000, 39000, 34000), CardItem("PSC2.BLAST_SP", 33000, 39000, 35000),
             CardItem("PSC3.BLAST_SP", 33000, 39000, 37000))
    card = Card(1, "PSC", "slag_blow", 3, "approved", "eng1", T0, "eng2", T0, "", "", items)
    try:
        assert await wait_for(lambda: store.get("PSC1.BLAST_SP") is not None and store.get("PSC1.BLAST_SP").is_good)
        path = WritePath(store, {"sim": driver})
        result = await apply_card(card, path.write, lambda tag, value: WriteRequest(tag, value, user="op1"))
        assert result.ok, result.message
        assert [r.read_back for r in result.done] == [34000.0, 35000.0, 37000.0]
        assert "all 3 setpoint(s) written and confirmed" in result.message

        refusing = WritePath(store, {"sim": driver},
                             permission=lambda req, tag: "op1 may not write converter 2" if tag.name == "PSC2.BLAST_SP" else None)
        again = Card(2, "PSC", "slag_blow", 4, "approved", "eng1", T0, "eng2", T0, "", "",
                     (CardItem("PSC1.BLAST_SP", 33000, 39000, 36000), CardItem("PSC2.BLAST_SP", 33000, 39000, 36000),
                      CardItem("PSC3.BLAST_SP", 33000, 39000, 36000)))
        stopped = await apply_card(again, refusing.write, lambda tag, value: WriteRequest(tag, value, user="op1"))
        assert not stopped.ok
        assert [r.tag for r in stopped.done] == ["PSC1.BLAST_SP"] and stopped.not_tried == ["PSC3.BLAST_SP"]
        assert stopped.message == ("card PSC/slag_blow v4: stopped at PSC2.BLAST_SP: op1 may not write converter 2. "
                                   "Done: PSC1.BLAST_SP. Not written: PSC3.BLAST_SP")
        await asyncio.sleep(1.0)
        assert store.get("PSC2.BLAST_SP").value == 35000.0 and store.get("PSC3.BLAST_SP").value == 37000.0  # untouched
        assert store.get("PSC1.BLAST_SP").value == 36000.0
    finally:
        await driver.stop()
        await task


def test_an_sop_step_whose_check_is_false_cannot_be_signed_and_a_run_resumes(layout: PlantLayout, security, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    std = load_standards(layout.folder, layout.tags)
    sops = load_sops(std.sop_folder, layout.tags)
    runner = SopRunner(security.engine, sops, layout.tags, security.audit)
    assert [s.id for s in runner.for_alarm("AP.BLOWER.STATE")] == ["blower-trip"]
    run = runner.start("blower-trip", "op1", unit="AP.BLOWER", trigger="AP.BLOWER.STATE", now=T0)
    values = {"PSC1.STATE": good(2), "PSC2.STATE": good(0), "PSC3.STATE": good(0), "CB.FEED_RATE": good(205.0),
              "AP.BLOWER.STATE": good(2)}
    with pytest.raises(SopError, match="step 1 cannot be signed: PSC1.STATE != SLAG_BLOW is not true"):
        runner.complete_step(run.id, 1, "op1", values)
    with pytest.raises(SopError, match="step 1 comes next, not step 2"):
        runner.complete_step(run.id, 2, "op1", values)
    values["PSC1.STATE"] = good(3)  # skimming: not blowing
    run = runner.complete_step(run.id, 1, "op1", values, now=T0 + timedelta(minutes=1))
    assert run.steps[0].values == {"PSC1.STATE": "SKIMMING"} and run.next_step == 2
    del values["PSC2.STATE"]
    with pytest.raises(SopError, match="the value of PSC2.STATE is not known"):
        runner.complete_step(run.id, 2, "op1", values)

    # The console closes here; another one (a new runner on the same database) resumes the run.
    again = SopRunner(make_engine(str(security.engine.url)), sops, layout.tags)
    [open_run] = again.open_runs()
    assert open_run.id == run.id and open_run.next_step == 2 and open_run.steps[0].done_by == "op1"
    values["PSC2.STATE"] = good(0)
    for step in (2, 3):
        again.complete_step(run.id, step, "op1", values)
    values["CB.FEED_RATE"] = good(120.0)
    again.complete_step(run.id, 4, "op1", values)
    values["AP.BLOWER.STATE"] = good(1)
    again.complete_step(run.id, 5, "op1", values)
    with pytest.raises(SopError, match="sign-off point"):
        again.complete_step(run.id, 6, "lead", values)

    def wrong_password(user: str) -> None:
        security.users.authenticate(user, "nope", event="signature")

    with pytest.raises(Exception, match="password"):
        again.complete_step(run.id, 6, "op1", values, sign=wrong_password)
    done = again.complete_step(run.id, 6, "op1", values,
                               sign=lambda user: security.users.authenticate(user, "a long password 3", event="signature"))
    assert done.status == "finished" and again.open_runs() == []
    assert [s.step for s in done.steps] == [1, 2, 3, 4, 5, 6]


def test_a_malformed_procedure_is_named_with_file_and_line(layout: PlantLayout, tmp_path: Path) -> None:
    bad = tmp_path / "x.md"
    bad.write_text("---\nid: x\ntitle_en: X\n---\n1. first\n   check: NO.TAG == 1\n", encoding="utf-8")
    with pytest.raises(SopError, match=rf"{bad}:6: 'NO.TAG' is not a tag of the layout"):
        parse_sop(bad, layout.tags)
    bad.write_text("---\nid: x\ntitle_en: X\n---\n1. first\n3. third\n", encoding="utf-8")
    with pytest.raises(SopError, match=rf"{bad}:6: step 3 should be step 2"):
        parse_sop(bad, layout.tags)


def test_notes_expire(security) -> None:  # type: ignore[no-untyped-def]
    from app.standards.notes import NoteBoard, NoteError

    board = NoteBoard(security.engine)
    board.add("PSC2", "Tuyere 14 leaking: punch by hand", "op1", hours=8, now=T0)
    board.add("SMF", "Burner 3 out of service", "op1", hours=1, now=T0)
    assert [n.unit for n in board.active(now=T0 + timedelta(hours=2))] == ["PSC2"]
    with pytest.raises(NoteError):
        board.add("SMF", "  ", "op1", hours=1)


def test_the_card_in_force_exports_as_a_pdf_in_english_and_chinese(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import subprocess

    from app.cli import main

    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    for lang, expect in (("en", "Setpoint card"), ("zh_CN", "工艺参数标准卡")):
        out = tmp_path / f"card_{lang}.pdf"
        assert main(["standards", "--db", url, "export", "SMF", "normal", "-o", str(out), "--lang", lang]) == 0
        assert out.read_bytes().startswith(b"%PDF")
        if shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
            assert expect in text and "SMF.O2_ENR_SP" in text and "62" in text and "70" in text
    assert main(["standards", "--db", url, "export", "SMF", "start-up", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "no approved card for SMF/start-up (modes with a card: low_feed, normal)" in capsys.readouterr().err
