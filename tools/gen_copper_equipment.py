"""Write plant_layouts/copper_smelter/equipment.yaml: the equipment ledger of the copper smelter.

Every motor-driven machine of the layout (a ``<id>.STATE`` tag whose states start STOPPED,
RUNNING, FAULT) becomes one machine with its tags by role. The ISO 10816 machine group comes
from the layout's vibration band (zone B/C 4.5 mm/s = group 1 > 300 kW, 2.8 = group 2,
../shared/reference/copper_smelter.md "Equipment and maintenance signals"). Makes, models and
plans are typical values for such machines, not a real plant's records. Run it after changing
the tag generator:

    .venv/bin/python tools/gen_copper_equipment.py
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.layout import DEFAULT_LAYOUT, load_layout  # noqa: E402

# type -> (make, model, rated kW, criticality, plans, spares)
TYPES: dict[str, dict[str, Any]] = {
    "blower": {"make": "Howden", "model": "centrifugal blower", "kw": 2500, "crit": "A",
               "zh": "鼓风机"},
    "compressor": {"make": "Atlas Copco", "model": "ZH centrifugal", "kw": 1600, "crit": "A", "zh": "压缩机"},
    "mill_motor": {"make": "ABB", "model": "AMI 630 motor", "kw": 3000, "crit": "A", "zh": "磨机电机"},
    "belt_conveyor": {"make": "Continental", "model": "belt drive", "kw": 110, "crit": "B", "zh": "皮带机"},
    "pump": {"make": "KSB", "model": "Omega split-case pump", "kw": 250, "crit": "B", "zh": "泵"},
}
PLANS: dict[str, list[dict[str, Any]]] = {
    "large": [
        {"suffix": "LUBE", "task_en": "Regrease bearings", "task_zh": "轴承加注润滑脂",
         "every_run_h": 2000, "min_days": 30, "max_days": 120, "labour_h": 1.5},
        {"suffix": "INSPECT", "task_en": "Inspect coupling, alignment and foundation bolts",
         "task_zh": "检查联轴器、对中及地脚螺栓", "every_days": 90, "min_days": 60, "max_days": 120, "labour_h": 4},
        {"suffix": "OVERHAUL", "task_en": "Replace bearings and overhaul", "task_zh": "更换轴承并大修",
         "every_run_h": 24000, "min_days": 365, "max_days": 1460, "labour_h": 48},
    ],
    "small": [
        {"suffix": "LUBE", "task_en": "Regrease bearings", "task_zh": "轴承加注润滑脂",
         "every_run_h": 1000, "min_days": 14, "max_days": 90, "labour_h": 0.5},
        {"suffix": "INSPECT", "task_en": "Inspect seals, belt or impeller wear", "task_zh": "检查密封、皮带或叶轮磨损",
         "every_days": 30, "min_days": 20, "max_days": 45, "labour_h": 2},
    ],
}
SPARES: dict[str, list[dict[str, Any]]] = {
    "large": [{"part": "SKF 22330 CCK/W33", "description": "spherical roller bearing", "quantity": 2,
               "rated_life_h": 40000, "stock": 2},
              {"part": "coupling insert set", "quantity": 1, "rated_life_h": 30000, "stock": 1}],
    "small": [{"part": "SKF 22218 E", "description": "spherical roller bearing", "quantity": 2,
               "rated_life_h": 25000, "stock": 4},
              {"part": "mechanical seal kit", "quantity": 1, "rated_life_h": 16000, "stock": 2}],
}
INSTALLED = ["2012-05-14", "2014-09-02", "2016-03-21", "2018-11-05", "2020-07-13", "2022-02-28"]


def machine_type(prefix: str) -> str:
    last = prefix.split(".")[-1]
    if "BLOWER" in prefix:
        return "blower"
    if "COMP" in prefix:
        return "compressor"
    if "MILL" in prefix:
        return "mill_motor"
    if "BELT" in last:
        return "belt_conveyor"
    return "pump"


def build(layout_folder: Path = DEFAULT_LAYOUT) -> dict[str, Any]:
    layout = load_layout(layout_folder)
    tags = layout.tags
    out: list[dict[str, Any]] = []
    for i, tag in enumerate(t for t in tags.values() if t.name.endswith(".STATE")
                            and tuple(t.states[:3]) == ("STOPPED", "RUNNING", "FAULT")):
        prefix = tag.name[: -len(".STATE")]
        kind = machine_type(prefix)
        info = TYPES[kind]
        roles: dict[str, str] = {"state": tag.name}
        for role, suffix in (("vibration", "VIB"), ("run_hours", "RUN_HOURS"), ("power", "POWER")):
            if f"{prefix}.{suffix}" in tags:
                roles[role] = f"{prefix}.{suffix}"
        if "power" not in roles and f"{prefix}.CURRENT" in tags:
            roles["power"] = f"{prefix}.CURRENT"
        vib = tags.get(f"{prefix}.VIB")
        group = 1 if vib is None or (vib.normal_high or 4.5) >= 4.5 else 2
        size = "large" if group == 1 else "small"
        entry: dict[str, Any] = {
            "id": prefix,
            "unit": tag.unit_id,
            "type": kind,
            "name_en": tag.description_en.removesuffix(" state").strip(),
            "name_zh": tag.description_zh.removesuffix("状态").strip(),
            "make": info["make"],
            "model": info["model"],
            "installed": INSTALLED[i % len(INSTALLED)],
            "criticality": info["crit"],
            "rated_kw": info["kw"],
            "tags": roles,
            "iso10816": {"group": group, "foundation": "rigid"},
            "plans": [{"id": f"{prefix}.{p['suffix']}", **{k: v for k, v in p.items() if k != "suffix"}}
                      for p in PLANS[size]],
            "spares": copy.deepcopy(SPARES[size]),
        }
        out.append(entry)
    oee = [
        {"id": "SMF", "name_en": "Flash smelting furnace (concentrate feed)", "name_zh": "闪速熔炼炉(精矿投料)",
         "rate_tag": "CB.FEED_RATE", "nameplate": 208, "running_above": 20},  # ~5,000 t/d of concentrate
        *({"id": f"PSC{n}", "name_en": f"Peirce-Smith converter {n} (blast)", "name_zh": f"{n}号转炉(送风)",
           "rate_tag": f"PSC{n}.BLAST_FLOW", "nameplate": 40000, "running_above": 5000} for n in (1, 2, 3)),
        {"id": "CW", "name_en": "Anode casting wheel", "name_zh": "阳极圆盘浇铸机", "rate_tag": "CW.RATE",
         "nameplate": 90, "running_above": 5, "count_tag": "CW.COUNT", "reject_tag": "CW.REJECTS"},
        *({"id": f"TH.RECT{n}", "name_en": f"Tankhouse section {n} (current, current efficiency)",
           "name_zh": f"电解{n}系列(电流、电流效率)", "rate_tag": f"TH.RECT{n}.I", "nameplate": 46,
           "running_above": 5, "quality_pct_tag": "TH.CE"} for n in (1, 2)),
    ]
    return {"equipment": out, "oee": [o for o in oee if o["rate_tag"] in tags]}


def main() -> None:
    doc = build()
    path = DEFAULT_LAYOUT / "equipment.yaml"
    header = "# Generated by tools/gen_copper_equipment.py from the layout's tags and ../shared/reference/copper_smelter.md.\n"
    path.write_text(header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{path}: {len(doc['equipment'])} machines")


if __name__ == "__main__":
    main()
