"""What the view shows and the zone alarm, driven by the simulator's process model in-process."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.tags import Quality, utcnow
from app.plant3d.local import LocalPlant
from app.plant3d.state import equipment_look, zone_look


@pytest.fixture(scope="module")
def layout():  # type: ignore[no-untyped-def]
    from app.core.layout import load_layout

    return load_layout()


@pytest.fixture
def plant(layout):  # type: ignore[no-untyped-def]
    now = [utcnow()]
    p = LocalPlant(layout, clock=lambda: now[0])
    p.step(1.0, everything=True)
    p.now = now  # type: ignore[attr-defined]
    return p


def _advance(plant, seconds: float) -> None:  # type: ignore[no-untyped-def]
    plant.now[0] += timedelta(seconds=seconds)
    plant.alarms.tick()


def test_converter_tilt_follows_its_angle_and_falls_back_to_the_stage(plant) -> None:  # type: ignore[no-untyped-def]
    scene = plant.plant3d.scene
    tags = plant.layout.tags
    psc2 = scene.equipment_by_id("PSC2")
    plant.set("PSC2.TILT", 75.0)
    assert equipment_look(psc2, plant.store.values, tags, None).tilt == 75.0
    # a layout that binds only the stage tilts by its stage_tilt map
    from dataclasses import replace

    by_stage = replace(psc2, bind={"stage": "PSC2.STATE"})
    plant.set("PSC2.STATE", tags["PSC2.STATE"].states.index("POURING"))
    assert equipment_look(by_stage, plant.store.values, tags, None).tilt == 80.0
    plant.set("PSC2.STATE", tags["PSC2.STATE"].states.index("COPPER_BLOW"))
    assert equipment_look(by_stage, plant.store.values, tags, None).tilt == 0.0


def test_crane_position_load_and_bad_data(plant) -> None:  # type: ignore[no-untyped-def]
    crane = plant.plant3d.scene.equipment_by_id("PSC.CRANE1")
    plant.set("PSC.CRANE1.X", 42.5)
    plant.set("PSC.CRANE1.Y", 9.0)
    plant.set("PSC.CRANE1.LOAD", 55.0)
    look = equipment_look(crane, plant.store.values, plant.layout.tags, None)
    assert (look.x, look.y, look.load, look.data) == (42.5, 9.0, 55.0, "good")
    plant.set("PSC.CRANE1.X", 42.5, Quality.BAD, "connection lost")
    assert equipment_look(crane, plant.store.values, plant.layout.tags, None).data == "bad"
    plant.set("PSC.CRANE1.X", 42.5, Quality.UNCERTAIN, "stale")
    assert equipment_look(crane, plant.store.values, plant.layout.tags, None).data == "stale"


def test_an_alarm_of_the_unit_gives_its_priority(plant) -> None:  # type: ignore[no-untyped-def]
    psc2 = plant.plant3d.scene.equipment_by_id("PSC2")
    psc1 = plant.plant3d.scene.equipment_by_id("PSC1")
    fault = plant.layout.tags["PSC2.BLOWER.STATE"].states.index("FAULT")
    plant.set("PSC2.BLOWER.STATE", fault)
    _advance(plant, 5)
    assert equipment_look(psc2, plant.store.values, plant.layout.tags, plant.alarms.tag_priority).priority == 2
    assert equipment_look(psc1, plant.store.values, plant.layout.tags, plant.alarms.tag_priority).priority == 0


def test_an_occupied_unsafe_zone_raises_the_alarm_through_the_engine(plant) -> None:  # type: ignore[no-untyped-def]
    zone_tag = "HSE.Z02.OCCUPIED_UNSAFE"
    alarm_id = f"{zone_tag}.OCCUPIED_UNSAFE"
    plant.set("HSE.Z02.PERSONS", 0)
    plant.set("HSE.AMBIENT_SO2", 3.5)
    assert plant.store.values[zone_tag].value is False  # unsafe but empty: no alarm
    plant.set("HSE.Z02.PERSONS", 4)
    assert plant.store.values[zone_tag].value is True
    assert plant.store.values[zone_tag].quality is Quality.GOOD
    _advance(plant, 6)  # past the 5 s on-delay
    record = plant.alarms.records[alarm_id]
    assert record.standing and record.definition.priority == 2
    look = zone_look(plant.plant3d.scene.zones[1], plant.store.values, plant.layout.tags)
    assert look.danger and look.persons == 4 and look.reasons == ("HSE.AMBIENT_SO2 > 2",)
    # people leave: the zone tag clears and the alarm returns to normal after its off-delay
    plant.set("HSE.Z02.PERSONS", 0)
    assert plant.store.values[zone_tag].value is False
    _advance(plant, 11)
    assert plant.alarms.tag_priority(zone_tag) == 0 or not plant.alarms.records[alarm_id].active


def test_a_bad_people_count_makes_the_zone_tag_bad(plant) -> None:  # type: ignore[no-untyped-def]
    plant.set("HSE.Z05.PERSONS", None, Quality.BAD, "connection lost")
    assert plant.store.values["HSE.Z05.OCCUPIED_UNSAFE"].quality is Quality.BAD


def test_the_live_model_keeps_the_zone_tags_published(plant) -> None:  # type: ignore[no-untyped-def]
    for _ in range(30):
        plant.step(60.0)
    for z in plant.plant3d.scene.zones:
        if z.alarm_tag:
            value = plant.store.values[z.alarm_tag]
            assert value.quality is Quality.GOOD
            persons = plant.store.values[z.persons].value
            assert value.value == (persons > 0 and zone_look(z, plant.store.values, plant.layout.tags).unsafe)


def test_a_stopped_module_leaves_its_zone_tags_bad(plant) -> None:  # type: ignore[no-untyped-def]
    plant.set("HSE.Z02.PERSONS", 2)
    assert plant.store.values["HSE.Z02.OCCUPIED_UNSAFE"].quality is Quality.GOOD
    plant.plant3d.close()
    value = plant.store.values["HSE.Z02.OCCUPIED_UNSAFE"]
    assert value.quality is Quality.BAD and value.reason == "3D plant module stopped"
    plant.set("HSE.Z02.PERSONS", 3)  # no longer computed
    assert plant.store.values["HSE.Z02.OCCUPIED_UNSAFE"].quality is Quality.BAD
