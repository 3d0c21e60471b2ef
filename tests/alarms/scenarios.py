"""Normal operation of every tag of the layout, and the signatures of the simulator's fault scenarios.

Used by the scenario tests, the screenshots and the bench. The real scenarios live in the
simulator (another branch); these batches reproduce what each one does to the tags.
"""

from __future__ import annotations

from datetime import datetime

from app.core.layout import PlantLayout
from app.core.tags import DataType, Quality, TagValue

UNIT_STATES = {
    "PSC1.STATE": "SLAG_BLOW",
    "PSC2.STATE": "COPPER_BLOW",
    "PSC3.STATE": "IDLE",  # the standby converter: its blowing alarms are suppressed
    "AF1.STATE": "OXIDISING",
    "AF2.STATE": "CASTING",
}


def normal_values(layout: PlantLayout) -> dict[str, float | int | bool]:
    """One value per tag: the middle of its normal band (or range); motors running."""
    out: dict[str, float | int | bool] = {}
    for tag in layout.tags.values():
        if tag.address.startswith("calc://"):
            continue  # computed by a module from the others (e.g. plant3d's zone tags), not a field value
        if tag.data_type is DataType.STATE:
            want = UNIT_STATES.get(tag.name, "AUTO" if tag.name.endswith(".MODE") else "RUNNING")
            out[tag.name] = tag.states.index(want) if want in tag.states else 0
        elif tag.data_type is DataType.BOOL:
            out[tag.name] = not tag.name.endswith("INTERLOCK")  # commands on, permissives given, no trips
        elif tag.normal_low is not None and tag.normal_high is not None:
            out[tag.name] = (tag.normal_low + tag.normal_high) / 2
        else:
            out[tag.name] = (tag.eu_low + tag.eu_high) / 2
    # the idle converter does not blow
    out.update({"PSC3.BLAST_FLOW": 0.0, "PSC3.TUYERE_FLOW": 0.0, "PSC3.BLOWER.CURRENT": 0.0,
                "PSC3.OFFGAS_SO2": 0.3, "PSC3.T_BATH": 1000.0})
    return out


def batch(values: dict[str, float | int | bool], ts: datetime) -> dict[str, TagValue]:
    return {name: TagValue(v, Quality.GOOD, ts, ts) for name, v in values.items()}


def _state(layout: PlantLayout, tag: str, name: str) -> int:
    return layout.tags[tag].states.index(name)


def acid_plant_upset(layout: PlantLayout) -> dict[str, float | int | bool]:
    return {"AP.TAIL_SO2": 650.0, "AP.CONV_TOT": 99.4}


def blower_trip(layout: PlantLayout) -> dict[str, float | int | bool]:
    return {
        "PSC2.BLOWER.STATE": _state(layout, "PSC2.BLOWER.STATE", "FAULT"),
        "PSC2.BLOWER.CMD": False,
        "PSC2.BLOWER.CURRENT": 0.0,
        "PSC2.BLAST_FLOW": 1500.0,
        "PSC2.TUYERE_FLOW": 0.5,
        "PSC2.OFFGAS_SO2": 2.0,
    }


def short_circuit_cluster(layout: PlantLayout) -> dict[str, float | int | bool]:
    out: dict[str, float | int | bool] = {f"TH.S1.C{c:02d}.V": 0.05 for c in range(11, 16)}
    out["TH.S1.SHORTS"] = 5.0
    return out


EXPECTED = {
    "acid_plant_upset": {"AP.TAIL_SO2.H", "AP.TAIL_SO2.HH", "AP.CONV_TOT.L"},
    "blower_trip": {
        "PSC2.BLOWER.STATE.FAULT", "PSC2.BLAST_FLOW.L", "PSC2.BLAST_FLOW.LL", "PSC2.TUYERE_FLOW.L",
        "PSC2.OFFGAS_SO2.L", "PSC2.BLOWER.CURRENT.L",
    },
    "short_circuit_cluster": {f"TH.S1.C{c:02d}.V.L" for c in range(11, 16)} | {"TH.S1.SHORTS.H"},
}
SCENARIOS = {"acid_plant_upset": acid_plant_upset, "blower_trip": blower_trip,
             "short_circuit_cluster": short_circuit_cluster}
