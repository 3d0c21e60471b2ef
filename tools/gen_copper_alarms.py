"""Write plant_layouts/copper_smelter/alarms.yaml: the rationalised alarms of the copper smelter.

Limits follow ../shared/reference/copper_smelter.md (its "alarm starting point" column) and
ISO 10816-3 vibration zones; the priority mix aims at EEMUA 191's ~5 % high / 15 % medium /
80 % low (urgent + high count as "high"). Run it after changing the tag generator:

    .venv/bin/python tools/gen_copper_alarms.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.layout import DEFAULT_LAYOUT, load_layout  # noqa: E402
from tools.alarm_texts_zh import ZH  # noqa: E402

NOT_BLOWING = ["IDLE", "CHARGING", "SKIMMING", "POURING", "MAINTENANCE"]


def in_manual(unit: str) -> dict[str, Any]:
    """Deviation alarms of a loop wait while it is in MANUAL: the operator chose the output."""
    return {"tag": f"{unit}.MODE", "states": ["MANUAL"]}
AF_NOT_REFINING = ["IDLE", "CHARGING", "MELTING"]


def alarm(tag: str, kind: str, priority: str, limit: float | None = None, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"tag": tag, "type": kind, "priority": priority}
    if limit is not None:
        entry["limit"] = limit
    entry.update(extra)
    return entry


def rat(cause: str, consequence: str, action: str, response: float) -> dict[str, Any]:
    """The rationalisation fields, in English and Simplified Chinese (tools/alarm_texts_zh.py)."""
    missing = [t for t in (cause, consequence, action) if t not in ZH]
    if missing:
        raise SystemExit(f"tools/alarm_texts_zh.py: no Chinese for {missing!r}: add it and run again")
    return {"cause": cause, "consequence": consequence, "action": action,
            "cause_zh": ZH[cause], "consequence_zh": ZH[consequence], "action_zh": ZH[action], "response": response}


def build(layout_tags: dict[str, Any]) -> list[dict[str, Any]]:
    a: list[dict[str, Any]] = []
    add = a.append

    # --- smelting furnace --------------------------------------------------------------
    add(alarm("SMF.MATTE_CU", "L", "low", 55, deadband=0.5, on_delay=60,
              **rat("Too little oxygen per tonne of concentrate", "More converter blowing time and slag",
                    "Raise oxygen coefficient; check feed assay", 1800)))
    add(alarm("SMF.MATTE_CU", "H", "medium", 70, deadband=0.5, on_delay=60,
              **rat("Over-oxidation of the charge", "Copper losses to slag, magnetite build-up",
                    "Lower oxygen coefficient; check concentrate feed rate", 900)))
    add(alarm("SMF.T_MATTE", "L", "low", 1180, deadband=5, on_delay=30,
              **rat("Low heat balance (fuel, oxygen)", "Matte freezing in launders", "Raise fuel; check tapping", 1800)))
    add(alarm("SMF.T_MATTE", "H", "low", 1280, deadband=5, on_delay=30,
              **rat("Excess oxygen or fuel", "Refractory wear", "Reduce fuel burner rate", 1800)))
    add(alarm("SMF.T_PROC", "L", "low", 1250, deadband=5, on_delay=30,
              **rat("Low oxygen enrichment or wet concentrate", "Unreacted feed, build-ups", "Check dryer and O2 enrichment", 900)))
    add(alarm("SMF.T_PROC", "H", "medium", 1350, deadband=5, on_delay=30,
              **rat("Excess oxygen or fuel", "Shaft refractory and cooling element damage", "Reduce O2 enrichment / fuel", 600)))
    add(alarm("SMF.T_PROC", "HH", "high", 1400, deadband=5, on_delay=10,
              **rat("Runaway oxidation", "Cooling element burn-through", "Cut concentrate burner oxygen now; call shift lead", 120)))
    add(alarm("SMF.T_PROC", "ROC", "low", 30, deadband=5,
              **rat("Feed interruption or burner fault", "Thermal shock to refractory", "Check feed system and burner", 600)))
    add(alarm("SMF.O2_ENR", "DEV", "medium", 5, setpoint="SMF.O2_ENR_SP", deadband=0.5, on_delay=30, suppress=in_manual("SMF"),
              **rat("Oxygen plant or control valve problem", "Wrong matte grade, unstable heat balance",
                    "Check oxygen plant and the O2 control valve", 600)))
    add(alarm("SMF.OFFGAS_SO2", "L", "low", 20, deadband=0.5, on_delay=60,
              **rat("Air ingress or low feed", "Acid plant autothermal balance at risk", "Check furnace draft and seals", 1800)))
    add(alarm("SMF.SLAG_CU", "H", "low", 1.0, deadband=0.05, on_delay=60,
              **rat("High matte grade or poor settling", "Copper losses to slag", "Check matte grade and settler level", 1800)))
    add(alarm("SMF.SLAG_CU", "HH", "medium", 2.0, deadband=0.05, on_delay=60,
              **rat("Over-oxidation, magnetite", "Large copper losses", "Reduce oxygen coefficient; adjust flux", 900)))
    add(alarm("SMF.SLAG_FE_SIO2", "L", "low", 0.6, deadband=0.02, on_delay=120,
              **rat("Excess silica flux", "Viscous slag, more slag volume", "Reduce flux ratio", 3600)))
    add(alarm("SMF.SLAG_FE_SIO2", "H", "low", 1.2, deadband=0.02, on_delay=120,
              **rat("Too little silica flux", "Magnetite, copper losses", "Raise flux ratio", 3600)))
    add(alarm("SMF.BATH_LEVEL", "H", "medium", 1600, deadband=10, on_delay=30,
              **rat("Tapping behind schedule", "Approaching tap-hole safety limit", "Tap matte or slag", 900)))
    add(alarm("SMF.BATH_LEVEL", "HH", "urgent", 1750, deadband=10, on_delay=5, latch=True,
              **rat("Tapping stopped", "Melt above the tap-hole safety limit: breakout risk",
                    "Stop concentrate feed now and tap", 120)))
    add(alarm("SMF.MATTE_LEVEL", "H", "low", 900, deadband=10, on_delay=30,
              **rat("Matte tapping behind schedule", "Matte reaches slag tap hole", "Tap matte", 1800)))
    add(alarm("SMF.DRAFT_P", "H", "medium", -50, deadband=5, on_delay=10,
              **rat("Off-gas fan or acid plant blower restriction", "SO2 fugitive emissions", "Check off-gas train and blower", 300)))
    for i in range(1, 9):
        add(alarm(f"SMF.SHELL_T{i}", "H", "low", 200, deadband=2, on_delay=60,
                  **rat("Refractory wear at this panel", "Shell hot spot", "Inspect panel; plan repair", 3600)))
    for i in range(1, 5):
        add(alarm(f"SMF.JACKET{i}.T_OUT", "H", "low", 45, deadband=1, on_delay=30,
                  **rat("Low cooling water flow or scaling", "Cooling element damage", "Check cooling water flow", 900)))
    add(alarm("SMF.FEED_INTERLOCK", "STATE", "high", states=["TRIPPED"], latch=True,
              **rat("Cooling-water header pressure below 2 bar (cooling water pumps down)",
                    "Concentrate feed stopped: the furnace cools and matte production stops",
                    "Restore cooling water (start a pump); the feed restarts when pressure is back", 300)))
    add(alarm("SMF.WHB.DRUM_LEVEL", "L", "low", -50, deadband=5, on_delay=10,
              **rat("Feedwater control", "Boiler tube overheating", "Check feedwater pumps and valve", 600)))
    add(alarm("SMF.WHB.DRUM_LEVEL", "LL", "high", -150, deadband=5, on_delay=5,
              **rat("Feedwater loss", "Boiler tube failure, water into hot gas", "Start standby feedwater pump", 120)))
    add(alarm("SMF.WHB.DRUM_LEVEL", "H", "low", 50, deadband=5, on_delay=10,
              **rat("Feedwater control", "Water carry-over", "Check feedwater valve", 600)))
    add(alarm("SMF.WHB.STEAM_P", "H", "low", 60, deadband=0.5, on_delay=10,
              **rat("Low steam demand", "Safety valve lifts", "Check steam users", 600)))
    add(alarm("SCF.T_SLAG", "L", "low", 1220, deadband=5, on_delay=60,
              **rat("Low electrode power", "Poor slag cleaning", "Raise furnace power", 1800)))
    add(alarm("SCF.SLAG_CU", "H", "low", 0.8, deadband=0.05, on_delay=60,
              **rat("Short settling time", "Copper losses in discard slag", "Extend settling; check power", 3600)))

    # --- converters --------------------------------------------------------------------
    for n in (1, 2, 3):
        u = f"PSC{n}"
        sup = {"tag": f"{u}.STATE", "states": NOT_BLOWING}
        grp = f"{u}.TRIP"
        add(alarm(f"{u}.BLOWER.STATE", "STATE", "high", states=["FAULT"], group=grp, latch=True,
                  **rat("Blower motor or protection trip", "Blowing stops; tuyeres may flood with matte",
                        "Roll the converter out of stack; start standby blower", 60)))
        add(alarm(f"{u}.BLAST_FLOW", "L", "medium", 30000, deadband=500, on_delay=10, suppress=sup, group=grp,
                  **rat("Blower problem or blocked tuyeres", "Slow blowing, matte freezes in tuyeres",
                        "Punch tuyeres; check blower", 300)))
        add(alarm(f"{u}.BLAST_FLOW", "LL", "medium", 20000, deadband=500, on_delay=5, suppress=sup, group=grp,
                  **rat("Blower trip or valve closed", "Tuyeres flood with matte", "Roll converter out of stack", 120)))
        add(alarm(f"{u}.TUYERE_FLOW", "H", "medium", 17, deadband=0.3, on_delay=10, suppress=sup,
                  **rat("Too much blast per tuyere", "Slopping of the bath", "Reduce blast flow", 120)))
        add(alarm(f"{u}.TUYERE_FLOW", "L", "low", 10, deadband=0.3, on_delay=10, suppress=sup, group=grp,
                  **rat("Blocked tuyeres", "Longer blow", "Punch tuyeres", 600)))
        add(alarm(f"{u}.OFFGAS_SO2", "L", "low", 8, deadband=0.3, on_delay=30, suppress=sup, group=grp,
                  **rat("Air ingress at the hood or low blast", "Acid plant feed too weak", "Lower hood; check blast", 600)))
        add(alarm(f"{u}.T_BATH", "H", "low", 1250, deadband=5, on_delay=30, suppress=sup,
                  **rat("Too little cold charge", "Refractory wear at tuyere line", "Add reverts or scrap", 900)))
        add(alarm(f"{u}.T_BATH", "L", "low", 1150, deadband=5, on_delay=30, suppress=sup,
                  **rat("Too much cold charge", "Accretions, tuyere blockage", "Stop cold additions", 900)))
        add(alarm(f"{u}.BATCHES", "H", "low", 225, deadband=0.5,
                  **rat("Refractory campaign at 90 %", "Refractory failure risk", "Plan converter reline", 86400)))
        add(alarm(f"{u}.BLISTER_CU", "L", "low", 96, deadband=0.1, on_delay=60,
                  **rat("Copper blow ended early", "Anode furnace load", "Extend copper blow", 1800)))
        add(alarm(f"{u}.BLOWER.CURRENT", "L", "low", 250, deadband=5, on_delay=5, suppress=sup, group=grp,
                  **rat("Blower unloaded or stopped", "No blast", "Check blower", 300)))

    # --- anode furnaces and casting ------------------------------------------------------
    for n in (1, 2):
        u = f"AF{n}"
        sup = {"tag": f"{u}.STATE", "states": AF_NOT_REFINING}
        add(alarm(f"{u}.S_END", "H", "low", 0.003, deadband=0.0002, on_delay=60, suppress=sup,
                  **rat("Oxidation incomplete", "Blistered anodes", "Extend oxidation", 1800)))
        add(alarm(f"{u}.O_END", "L", "low", 1500, deadband=50, on_delay=60, suppress=sup,
                  **rat("Over-reduction", "Hydrogen porosity in anodes", "Stop poling; re-oxidise", 1800)))
        add(alarm(f"{u}.O_END", "H", "low", 3500, deadband=50, on_delay=60, suppress=sup,
                  **rat("Under-reduction", "Anodes set wrongly, more slimes", "Continue poling", 1800)))
        add(alarm(f"{u}.T_BATH", "L", "low", 1150, deadband=5, on_delay=60, suppress={"tag": f"{u}.STATE", "states": ["IDLE"]},
                  **rat("Low burner firing", "Skull in the furnace", "Raise fuel", 1800)))
    add(alarm("CW.ANODE_MASS", "DEV", "low", 3.7, setpoint="CW.TARGET_MASS", deadband=0.3, on_delay=60,
              **rat("Ladle weighing or tilt control", "Anodes rejected at tankhouse", "Recalibrate the ladle scale", 1800)))
    add(alarm("CW.REJECTS", "H", "low", 40, deadband=1,
              **rat("Casting defects", "Lower anode yield", "Inspect moulds and mould wash", 3600)))
    add(alarm("CW.MOULD_T", "H", "low", 250, deadband=5, on_delay=30,
              **rat("Spray water low", "Anodes stick to moulds", "Check spray water", 900)))

    # --- tankhouse -----------------------------------------------------------------------
    add(alarm("TH.T_ELEC", "L", "low", 61, deadband=0.3, on_delay=60,
              **rat("Heat exchanger steam short", "Higher cell voltage", "Check electrolyte heater", 1800)))
    add(alarm("TH.T_ELEC", "H", "low", 65, deadband=0.3, on_delay=60,
              **rat("Heater overshoot", "Evaporation, additive breakdown", "Reduce heater steam", 1800)))
    add(alarm("TH.T_ELEC", "ROC", "low", 2, deadband=0.1,
              **rat("Heater valve failure", "Unstable deposition", "Check heater control valve", 600)))
    add(alarm("TH.CU", "L", "low", 40, deadband=0.5, on_delay=300,
              **rat("Too much bleed", "Rough cathodes", "Reduce bleed", 7200)))
    add(alarm("TH.CU", "H", "low", 50, deadband=0.5, on_delay=300,
              **rat("Too little bleed", "Copper sulphate crystallises", "Increase bleed to liberator cells", 7200)))
    add(alarm("TH.H2SO4", "L", "low", 150, deadband=1, on_delay=300,
              **rat("Acid make-up short", "Higher cell voltage", "Add acid", 7200)))
    add(alarm("TH.H2SO4", "H", "low", 180, deadband=1, on_delay=300,
              **rat("Too much acid make-up", "Anode passivation", "Stop acid additions", 7200)))
    add(alarm("TH.CE", "L", "low", 95, deadband=0.2, on_delay=300,
              **rat("Short circuits or stray currents", "Energy loss", "Check shorts map and insulation", 7200)))
    add(alarm("TH.DC_SPEC", "H", "low", 285, deadband=2, on_delay=300,
              **rat("Shorts, high voltage, low efficiency", "Above the 285 kWh/t entry threshold", "Clear shorts; check additives", 7200)))
    add(alarm("TH.CIRC_FLOW", "L", "medium", 600, deadband=10, on_delay=30,
              **rat("Circulation pump problem", "Cells starve of copper; nodules", "Start standby circulation pump", 300)))
    for s in (1, 2):
        add(alarm(f"TH.S{s}.SHORTS", "H", "medium", 3, deadband=0.5, on_delay=10,
                  **rat("Several cells short-circuited", "Current efficiency loss, cathode burning",
                        "Send crew with gaussmeter to the listed cells", 600)))
        add(alarm(f"TH.RECT{s}.I", "DEV", "medium", 2, setpoint=f"TH.RECT{s}.I_SP", deadband=0.2, on_delay=30,
                  suppress=in_manual(f"TH.RECT{s}"),
                  **rat("Rectifier control problem", "Wrong current density", "Check rectifier regulator", 300)))
        add(alarm(f"TH.RECT{s}.T", "H", "low", 75, deadband=1, on_delay=30,
                  **rat("Rectifier cooling", "Rectifier derates", "Check rectifier cooling water", 900)))
        for c in range(1, 41):
            add(alarm(f"TH.S{s}.C{c:02d}.V", "L", "low", 0.15, deadband=0.02, on_delay=10,
                      **rat("Short circuit between anode and cathode", "Lost current, burnt cathode",
                            "Find and clear the short in this cell", 1800)))
            add(alarm(f"TH.S{s}.C{c:02d}.V", "H", "low", 0.35, deadband=0.01, on_delay=60,
                      **rat("Poor contact or anode passivation", "Energy loss", "Check contacts; wash contact bars", 3600)))

    # --- acid plant ----------------------------------------------------------------------
    add(alarm("AP.SO2_FEED", "L", "low", 8, deadband=0.2, on_delay=60,
              **rat("Converters not blowing or air ingress", "Converter beds cool below ignition", "Coordinate converter blowing", 1800)))
    add(alarm("AP.GAS_FLOW", "L", "low", 150000, deadband=2000, on_delay=30,
              **rat("Low off-gas from smelter", "Low acid make", "Check smelter feed", 1800)))
    add(alarm("AP.GC.T_OUT", "H", "low", 40, deadband=0.5, on_delay=60,
              **rat("Gas cooler water", "Water carry-over to drying tower", "Check gas cooling water", 900)))
    add(alarm("AP.GC.DP", "H", "low", 2.0, deadband=0.05, on_delay=60,
              **rat("Packing fouling", "Blower limit reached", "Plan wash", 3600)))
    add(alarm("AP.DRY_ACID", "L", "low", 92.5, deadband=0.1, on_delay=60,
              **rat("Drying acid dilution", "Wet gas, corrosion downstream", "Raise cross-flow from absorber", 900)))
    add(alarm("AP.DEW_POINT", "H", "medium", -40, deadband=1, on_delay=30,
              **rat("Drying tower failure", "Acid mist, catalyst and equipment corrosion", "Check drying acid strength and flow", 600)))
    add(alarm("AP.BED1_TIN", "L", "medium", 410, deadband=2, on_delay=30,
              **rat("Weak gas or heater off", "Bed 1 below ignition: SO2 slips to stack", "Start preheater; raise SO2 feed", 600)))
    add(alarm("AP.BED1_TOUT", "H", "medium", 620, deadband=2, on_delay=30,
              **rat("SO2 feed too strong", "Catalyst damage above 630 °C", "Dilute gas with air", 300)))
    for b in (2, 3, 4):
        add(alarm(f"AP.BED{b}_TIN", "L", "low", {2: 420, 3: 410, 4: 390}[b], deadband=2, on_delay=60,
                  **rat("Interpass cooling too strong", "Lower conversion", "Adjust heat exchanger bypass", 900)))
    add(alarm("AP.CONV_TOT", "L", "medium", 99.7, deadband=0.02, on_delay=60,
              **rat("Catalyst temperatures or weak gas", "Tail-gas SO2 rises towards the permit", "Check bed temperatures", 600)))
    add(alarm("AP.ABS_ACID", "L", "medium", 98.0, deadband=0.05, on_delay=60,
              **rat("Absorber acid dilution", "SO3 slip, acid mist at the stack", "Adjust water addition", 600)))
    add(alarm("AP.ABS_T", "H", "low", 120, deadband=1, on_delay=60,
              **rat("Acid cooler fouling", "Absorber corrosion", "Check acid coolers", 900)))
    add(alarm("AP.TAIL_SO2", "H", "medium", 300, deadband=10, on_delay=30,
              **rat("Conversion falling", "Tail gas approaching the permit", "Check converter beds; reduce converter blowing", 600)))
    add(alarm("AP.TAIL_SO2", "HH", "urgent", 400, deadband=10, on_delay=10,
              **rat("Conversion loss or bypass", "Emission permit (GB 25467) exceeded",
                    "Reduce converters blowing to one; inform environment officer", 300)))
    add(alarm("AP.ACID_TANK", "H", "low", 85, deadband=1, on_delay=60,
              **rat("Acid dispatch behind", "Tank overflow", "Arrange acid dispatch", 3600)))
    add(alarm("AP.BLOWER.STATE", "STATE", "urgent", states=["FAULT"], latch=True, group="AP.TRIP",
              **rat("Main SO2 blower trip", "No off-gas draw: fugitive SO2 at smelter and converters",
                    "Stop converter blowing; reduce smelter feed; restart blower", 60)))
    add(alarm("AP.BLOWER.SPEED", "DEV", "low", 300, setpoint="AP.BLOWER.SPEED_SP", deadband=20, on_delay=30, group="AP.TRIP",
              suppress=in_manual("AP.BLOWER"),
              **rat("Blower speed control", "Draft control lost", "Check variable-speed drive", 600)))

    # --- oxygen, power, water, safety, flotation, blending ------------------------------------
    add(alarm("OX.PURITY", "L", "medium", 93, deadband=0.2, on_delay=30,
              **rat("Air separation column upset", "Lower enrichment at the smelter", "Check column; reduce O2 draw", 600)))
    add(alarm("OX.P_OUT", "L", "medium", 5, deadband=0.1, on_delay=10,
              **rat("Oxygen compressor problem", "Oxygen supply to smelter falls", "Check compressor; use LOX backup", 300)))
    add(alarm("OX.LOX_LEVEL", "L", "low", 30, deadband=1, on_delay=60,
              **rat("LOX used as backup", "No backup oxygen", "Order LOX delivery", 7200)))
    add(alarm("PD.MAIN.V", "L", "medium", 107, deadband=0.5, on_delay=10,
              **rat("Grid undervoltage", "Motor trips", "Inform grid dispatcher; tap changer", 300)))
    add(alarm("PD.MAIN.V", "H", "low", 119, deadband=0.5, on_delay=10,
              **rat("Grid overvoltage", "Insulation stress", "Tap changer", 900)))
    add(alarm("PD.MAIN.F", "L", "medium", 49.5, deadband=0.05, on_delay=5,
              **rat("Grid frequency drop", "Load shedding may follow", "Prepare load shedding list", 300)))
    add(alarm("PD.MAIN.PF", "L", "low", 0.92, deadband=0.005, on_delay=300,
              **rat("Capacitor bank off", "Power factor penalty", "Switch capacitor bank", 3600)))
    add(alarm("HSE.AMBIENT_SO2", "H", "high", 2, deadband=0.1, on_delay=10,
              **rat("Fugitive SO2 in the workplace", "Worker exposure above the limit", "Check hoods; send people out of the zone", 120)))
    add(alarm("HSE.AMBIENT_SO2", "HH", "urgent", 5, deadband=0.1, on_delay=5,
              **rat("Major SO2 leak", "Acute exposure", "Evacuate the area; start emergency plan", 60)))
    add(alarm("WT.PH_OUT", "L", "medium", 6, deadband=0.1, on_delay=60,
              **rat("Lime dosing short", "Discharge permit breach", "Raise lime dosing; stop discharge", 600)))
    add(alarm("WT.PH_OUT", "H", "low", 9, deadband=0.1, on_delay=60,
              **rat("Lime overdosing", "Discharge permit breach", "Reduce lime dosing", 900)))
    add(alarm("WT.TURBIDITY", "H", "low", 10, deadband=0.5, on_delay=60,
              **rat("Clarifier upset", "Solids in discharge", "Check flocculant", 1800)))
    add(alarm("WT.RECYCLE", "L", "low", 95, deadband=0.2, on_delay=300,
              **rat("Make-up water used", "Below the 95 % entry threshold", "Check recycle pumps", 7200)))
    add(alarm("WT.CW_T_SUPPLY", "H", "low", 33, deadband=0.5, on_delay=60,
              **rat("Cooling tower fans", "Furnace cooling elements run hotter", "Start standby cooling tower fan", 900)))
    add(alarm("WT.CW_P", "L", "high", 3.5, deadband=0.1, on_delay=5,
              **rat("Cooling water pump trip", "Furnace cooling elements without water: explosion risk",
                    "Start standby cooling water pump now", 60)))
    add(alarm("SF.GRIND", "L", "low", 80, deadband=0.5, on_delay=300,
              **rat("Mill overload", "Lower slag flotation recovery", "Reduce mill feed", 3600)))
    add(alarm("SF.TAIL_CU", "H", "low", 0.35, deadband=0.01, on_delay=300,
              **rat("Poor flotation", "Copper losses in tailings", "Check reagents and grind", 3600)))
    add(alarm("SF.REC", "L", "low", 84, deadband=0.5, on_delay=300,
              **rat("Poor flotation", "Copper losses", "Check reagents and froth", 3600)))
    for i in range(1, 7):
        add(alarm(f"SF.CELL{i}.LEVEL", "H", "low", 400, deadband=5, on_delay=30,
                  **rat("Level control", "Pulp overflows into concentrate", "Check level valve", 900)))
    add(alarm("CB.FEED_RATE", "DEV", "low", 20, setpoint="CB.FEED_SP", deadband=2, on_delay=60, suppress=in_manual("CB"),
              **rat("Feeder or belt problem", "Smelter feed unstable", "Check weigh feeder", 600)))
    for i in range(1, 5):
        add(alarm(f"CB.BIN{i}.LEVEL", "L", "low", 30, deadband=1, on_delay=60,
                  **rat("Bin not refilled", "Blend ratio lost", "Refill bin", 1800)))
    add(alarm("CB.DRYER.MOIST_OUT", "H", "low", 0.3, deadband=0.02, on_delay=60,
              **rat("Dryer steam short", "Wet concentrate: burner instability, explosions", "Raise dryer steam", 600)))

    # --- motors: fault and vibration (ISO 10816-3: group 1 4.5/7.1, group 2 2.8/4.5 mm/s) ---
    for name, tag in layout_tags.items():
        if not name.endswith(".STATE") or tuple(tag.states) != ("STOPPED", "RUNNING", "FAULT"):
            continue
        motor = name[: -len(".STATE")]
        if motor in ("AP.BLOWER",) or motor.startswith("PSC"):
            pass  # defined above with their groups
        else:
            add(alarm(name, "STATE", "medium" if motor in ("OX.COMP", "WT.P1", "WT.P2") else "low",
                      states=["FAULT"],
                      **rat("Motor protection trip", "Equipment stops", "Start the standby; call the electrician", 300)))
        vib = layout_tags.get(f"{motor}.VIB")
        if vib is not None:
            big = (vib.normal_high or 0) >= 4.5
            h, hh = (4.5, 7.1) if big else (2.8, 4.5)
            add(alarm(f"{motor}.VIB", "H", "low", h, deadband=0.2, on_delay=30,
                      **rat("Unbalance, misalignment or bearing wear", "Machine damage if it grows",
                            "Book a vibration survey", 86400)))
            add(alarm(f"{motor}.VIB", "HH", "medium", hh, deadband=0.2, on_delay=10,
                      **rat("Severe unbalance or bearing failure", "Machine damage, trip", "Reduce load; prepare the standby", 900)))

    # --- the HMI itself (app/core/supervisor.py) -----------------------------------------
    add(alarm("HMI.TASK_PROBLEMS", "H", "medium", 0.5,
              **rat("A background task of the HMI (a driver, the alarm timers, the historian, a module) "
                    "stopped or stalled; the status bar names it",
                    "Live values, alarms or history may not be current",
                    "Read the status-bar message; call the control-system engineer; restart the HMI if it stays", 300)))

    # --- bad quality of the instruments the key alarms depend on -------------------------
    for name in ("SMF.T_PROC", "SMF.BATH_LEVEL", "AP.TAIL_SO2", "HSE.AMBIENT_SO2", "PSC1.BLAST_FLOW",
                 "PSC2.BLAST_FLOW", "PSC3.BLAST_FLOW", "TH.T_ELEC", "WT.CW_P", "SMF.WHB.DRUM_LEVEL"):
        add(alarm(name, "BAD", "low", off_delay=5, on_delay=5,
                  **rat("Instrument, cable or link failure", "Alarms on this measurement cannot work",
                        "Call instrument technician; watch a redundant reading", 1800)))
    return a


def main() -> int:
    layout = load_layout(DEFAULT_LAYOUT)
    alarms = build(layout.tags)
    mix = Counter(x["priority"] for x in alarms)
    high = mix["urgent"] + mix["high"]
    total = len(alarms)
    header = (
        "# Generated by tools/gen_copper_alarms.py from ../shared/reference/copper_smelter.md.\n"
        f"# {total} alarms; priority mix (urgent+high / medium / low): "
        f"{100 * high / total:.0f} / {100 * mix['medium'] / total:.0f} / {100 * mix['low'] / total:.0f} %\n"
        "# Fields: tag, type (HH H L LL DEV ROC STATE BAD), priority (urgent high medium low), limit,\n"
        "# states, setpoint, deadband (EU), on_delay / off_delay (s), suppress {tag, states}, latch,\n"
        "# group (first-out), cause, consequence, action (and their _zh translations),\n"
        "# response (allowed response time, s).\n"
    )
    out = DEFAULT_LAYOUT / "alarms.yaml"
    out.write_text(header + yaml.safe_dump({"alarms": alarms}, allow_unicode=True, sort_keys=False, width=120),
                   encoding="utf-8")
    print(f"{out}: {total} alarms, urgent+high {high}, medium {mix['medium']}, low {mix['low']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
