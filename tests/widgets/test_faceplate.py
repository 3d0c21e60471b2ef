"""Faceplates: setpoint entry refuses out-of-range input; writes are confirmed, performed
against the simulator through the write path, and the read-back is shown."""

from __future__ import annotations

import asyncio
import dataclasses

from PySide6.QtWidgets import QDialog

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.io.opcua import OpcUaDriver
from app.io.writes import WritePath
from tests.io.test_opcua_driver import wait_for
from widgets.faceplate import Faceplate, SetpointDialog
from widgets.store_bridge import StoreBridge


def test_out_of_range_input_is_refused_with_the_allowed_range(qtbot, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    tag = layout.tags["PSC1.BLAST_SP"]
    dialog = SetpointDialog(tag, 35000.0)
    qtbot.addWidget(dialog)
    assert dialog.range_label.text() == "Allowed range: 20000 to 45000 Nm³/h"
    dialog.edit.setText("90000")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.value is None
    assert dialog.error_label.text() == "90000 Nm³/h is outside the allowed range 20000 to 45000 Nm³/h."
    dialog.edit.setText("lots")
    dialog.accept()
    assert dialog.value is None and "is not a number" in dialog.error_label.text()
    dialog.edit.setText("33000")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.value == 33000.0


def test_faceplate_shows_the_unit(qtbot, layout: PlantLayout) -> None:  # type: ignore[no-untyped-def]
    bridge = StoreBridge(TagStore(layout.tags.values()))
    faceplate = Faceplate(layout, "WT.P1", bridge, None)
    qtbot.addWidget(faceplate)
    assert "Cooling water pump 1" in faceplate.title_label.text()
    assert set(faceplate.start_buttons) == {"WT.P1.CMD"} and faceplate.start_buttons["WT.P1.CMD"].text() == "Start"
    assert faceplate._value_labels["WT.P1.VIB"].text() == "no data"
    assert faceplate.permissives()[0].startswith("✕")  # no data yet: not healthy
    faceplate.close_faceplate()
    bridge.close()


async def test_setpoint_write_is_confirmed_written_and_read_back(qtbot, layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    store = TagStore(layout.tags.values())
    driver = OpcUaDriver("sim", sim_server.endpoint, store, layout.tags.values(), publishing_ms=200)
    task = asyncio.create_task(driver.run())
    path = WritePath(store, {"sim": driver})
    bridge = StoreBridge(store)
    asked: list[tuple[str, str, str]] = []
    answer = {"yes": True}

    def confirm(parent, tag, old, new):  # type: ignore[no-untyped-def]
        asked.append((tag.name, old, new))
        return answer["yes"]

    critical_asked: list[str] = []
    try:
        assert await wait_for(lambda: store.get("PSC2.BLAST_SP") is not None and store.get("PSC2.BLAST_SP").is_good)
        faceplate = Faceplate(layout, "PSC2", bridge, path.write, user="op1", console="cr1", confirm_write=confirm,
                              confirm_critical=lambda p, t, o, n: critical_asked.append(t.name) or None)
        qtbot.addWidget(faceplate)
        tag = layout.tags["PSC2.BLAST_SP"]
        old = store.get("PSC2.BLAST_SP").value
        result = await faceplate.change(tag, 33500.0)
        assert asked == [("PSC2.BLAST_SP", f"{tag.format_value(old)} Nm³/h", "33500 Nm³/h")]
        assert result is not None and result.ok and result.read_back == 33500.0, result
        assert faceplate.result_label.text() == "Done: PSC2.BLAST_SP = 33500 Nm³/h (confirmed by read-back)"
        assert await wait_for(lambda: store.get("PSC2.BLAST_SP").value == 33500.0)

        answer["yes"] = False  # the operator says no: nothing is written
        assert await faceplate.change(tag, 34000.0) is None
        assert "cancelled" in faceplate.result_label.text()
        await asyncio.sleep(0.5)
        assert store.get("PSC2.BLAST_SP").value == 33500.0

        # A critical tag goes through the critical-write hook (the security module's dialog).
        critical = dataclasses.replace(tag, critical=True)
        assert await faceplate.change(critical, 34000.0) is None
        assert critical_asked == ["PSC2.BLAST_SP"]

        # A refused write (the write path's own limit check) is reported, not hidden.
        answer["yes"] = True
        refused = await faceplate.change(tag, 90000.0)
        assert refused is not None and not refused.ok
        assert faceplate.result_label.text().startswith("Not done: PSC2.BLAST_SP: 90000 Nm³/h is outside")
        faceplate.close_faceplate()
    finally:
        bridge.close()
        await driver.stop()
        await task


async def test_mode_switch_output_in_manual_and_permissives_against_the_simulator(qtbot, layout: PlantLayout, sim_server) -> None:  # type: ignore[no-untyped-def]
    """Auto -> Manual is confirmed and read back; the output may be set only in Manual and the
    plant follows it; back in Auto the setpoint rules again; permissives follow the plant."""
    sim_server.time_scale = 60.0  # a minute of plant time per second: the feed visibly moves
    store = TagStore(layout.tags.values())
    driver = OpcUaDriver("sim", sim_server.endpoint, store, layout.tags.values(), publishing_ms=200)
    task = asyncio.create_task(driver.run())
    path = WritePath(store, {"sim": driver})
    bridge = StoreBridge(store)
    asked: list[tuple[str, str, str]] = []

    def confirm(parent, tag, old, new):  # type: ignore[no-untyped-def]
        asked.append((tag.name, old, new))
        return True

    def good(name: str) -> bool:
        value = store.get(name)
        return value is not None and value.is_good

    try:
        assert await wait_for(lambda: all(good(n) for n in ("CB.MODE", "CB.OUT", "CB.FEED_RATE", "PSC1.BLAST_PERMISSIVE")))
        cb = Faceplate(layout, "CB", bridge, path.write, user="op1", console="cr1", confirm_write=confirm)
        qtbot.addWidget(cb)
        bridge.flush()
        out = layout.tags["CB.OUT"]
        # In AUTO: the controller owns the output; its Change button is off and says why.
        assert cb.mode_label.text() == "Auto"
        assert not cb.auto_button.isEnabled() and cb.manual_button.isEnabled()
        assert not cb.setpoint_buttons["CB.OUT"].isEnabled()
        assert cb.setpoint_buttons["CB.OUT"].toolTip() == "Only in Manual: CB.MODE is Auto."
        assert cb.setpoint_buttons["CB.FEED_SP"].isEnabled()
        # ...and the write path refuses it even if asked directly.
        refused = await cb.change(out, 50.0)
        assert refused is not None and not refused.ok
        assert cb.result_label.text() == "Not done: CB.OUT may be written only while CB.MODE is MANUAL; it is AUTO"

        # Switch to MANUAL: confirmed old -> new, written, read back.
        asked.clear()
        cb.set_mode("MANUAL")
        assert await wait_for(lambda: cb.result_label.text().startswith("Done: CB.MODE"))
        assert asked == [("CB.MODE", "Auto", "Manual")]
        assert await wait_for(lambda: (bridge.flush(), cb.mode_label.text() == "Manual")[1])
        assert cb.setpoint_buttons["CB.OUT"].isEnabled() and cb.auto_button.isEnabled() and not cb.manual_button.isEnabled()
        assert "You set the output" in cb.mode_hint.text()

        # The operator sets the output; the feed follows it (50 % of 300 t/h), not the setpoint.
        result = await cb.change(out, 50.0)
        assert result is not None and result.ok and result.read_back == 50.0, result
        assert await wait_for(lambda: store.get("CB.FEED_RATE").value < 185.0, timeout=15)

        # Back to AUTO: the output follows the controller again and is locked.
        cb.set_mode("AUTO")
        assert await wait_for(lambda: (bridge.flush(), cb.mode_label.text() == "Auto")[1])
        assert await wait_for(lambda: abs(store.get("CB.OUT").value - 205.0 / 300.0 * 100.0) < 0.5)
        assert not cb.setpoint_buttons["CB.OUT"].isEnabled()
        cb.close_faceplate()

        # Permissives: the converter may blow while both blowers run; an acid-plant blower trip blocks it.
        psc = Faceplate(layout, "PSC1", bridge, path.write)
        qtbot.addWidget(psc)
        bridge.flush()
        line = next(p for p in psc.permissives() if "blast permissive" in p)
        assert line.startswith("✓ ") and line.endswith(": Permitted")
        sim_server.model.trip("AP.BLOWER")
        assert await wait_for(lambda: store.get("PSC1.BLAST_PERMISSIVE").value is False)
        bridge.flush()
        line = next(p for p in psc.permissives() if "blast permissive" in p)
        assert line.startswith("✕ ") and line.endswith(": Blocked")
        assert line in psc.permissive_label.text()
        psc.close_faceplate()
    finally:
        bridge.close()
        await driver.stop()
        await task


def test_faceplate_offers_what_the_layout_declares_not_what_names_suggest(qtbot, layout: PlantLayout, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """controls.yaml, not tag-name endings: a command taken out of the declarations is no
    longer offered, and an interlock declared for a unit (owned by another) is shown."""
    import shutil

    from app.core.layout import load_layout
    from app.core.tags import Quality, TagValue, utcnow

    folder = tmp_path / "plant"
    shutil.copytree(layout.folder, folder)
    path = folder / "controls.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  WT.P1:\n    commands:\n    - tag: WT.P1.CMD\n      state: WT.P1.STATE\n",
                        "  WT.P1:\n    interlocks:\n    - SMF.FEED_INTERLOCK\n", 1)
    path.write_text(text, encoding="utf-8")
    changed = load_layout(folder)
    store = TagStore(changed.tags.values())
    now = utcnow()
    store.apply({"SMF.FEED_INTERLOCK": TagValue(True, Quality.GOOD, now, now)})
    bridge = StoreBridge(store)
    faceplate = Faceplate(changed, "WT.P1", bridge, None)
    qtbot.addWidget(faceplate)
    assert faceplate.start_buttons == {} and faceplate.commands == []
    lines = faceplate.permissives()
    interlock = changed.tags["SMF.FEED_INTERLOCK"].description("en")
    assert f"✕ {interlock}: Tripped" in lines  # an interlock is bad when true
    assert any("no fault" in line for line in lines)  # WT.P1.STATE is still declared as a fault
    faceplate.close_faceplate()
    bridge.close()
