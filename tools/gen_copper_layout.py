"""Writes plant_layouts/copper_smelter/{plant.yaml,tags/*.yaml} from the tables below.

The layout is data; this script only saves typing for the repetitive parts (80 tankhouse
cells, three converters). Edit the tables, run ``python tools/gen_copper_layout.py``, and
commit both. Figures come from ../shared/reference/copper_smelter.md.
"""

from __future__ import annotations

import math
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "plant_layouts" / "copper_smelter"
CONV_STATES = ["IDLE", "CHARGING", "SLAG_BLOW", "SKIMMING", "COPPER_BLOW", "POURING", "MAINTENANCE"]
AF_STATES = ["IDLE", "CHARGING", "MELTING", "OXIDISING", "SKIMMING", "REDUCING", "CASTING"]
MOTOR_STATES = ["STOPPED", "RUNNING", "FAULT"]
MODE_STATES = ["MANUAL", "AUTO"]  # index 0/1, as the controller codes them
PERMISSIVE_STATES = ["BLOCKED", "PERMITTED"]  # bool False/True
INTERLOCK_STATES = ["HEALTHY", "TRIPPED"]  # bool False/True

AREAS = [
    ("CB", "Concentrate blending", "精矿配料", [
        ("CB", "Blending plant", "配料系统", "conveyor"), ("CB.DRYER", "Steam dryer", "蒸汽干燥机", "dryer")]),
    ("SMF", "Smelting", "熔炼", [
        ("SMF", "Flash smelting furnace", "闪速熔炼炉", "furnace"),
        ("SMF.WHB", "Waste-heat boiler", "余热锅炉", "tank"),
        ("SCF", "Slag-cleaning electric furnace", "贫化电炉", "furnace")]),
    ("PSC", "Converters", "吹炼", [
        ("PSC1", "Peirce-Smith converter 1", "1号转炉", "converter"),
        ("PSC2", "Peirce-Smith converter 2", "2号转炉", "converter"),
        ("PSC3", "Peirce-Smith converter 3", "3号转炉", "converter"),
        ("PSC.CRANE1", "Converter aisle crane 1", "转炉跨1号行车", "crane"),
        ("PSC.CRANE2", "Converter aisle crane 2", "转炉跨2号行车", "crane"),
        ("PSC.LADLES", "Blister ladles and holding", "粗铜包及保温", "ladle")]),
    ("AF", "Anode refining and casting", "阳极精炼与浇铸", [
        ("AF1", "Anode furnace 1", "1号阳极炉", "anode_furnace"),
        ("AF2", "Anode furnace 2", "2号阳极炉", "anode_furnace"),
        ("CW", "Casting wheel", "圆盘浇铸机", "casting_wheel")]),
    ("TH", "Tankhouse", "电解", [
        ("TH.S1", "Tankhouse section 1", "电解一工段", "cell_row"),
        ("TH.S2", "Tankhouse section 2", "电解二工段", "cell_row"),
        ("TH.RECT1", "Rectifier 1", "1号整流器", "rectifier"),
        ("TH.RECT2", "Rectifier 2", "2号整流器", "rectifier"),
        ("TH.ELEC", "Electrolyte circulation", "电解液循环", "tank"),
        ("TH.CRANE", "Tankhouse crane", "电解行车", "crane")]),
    ("AP", "Acid plant", "制酸", [
        ("AP.GC", "Gas cleaning", "净化", "tank"), ("AP.DRY", "Drying tower", "干燥塔", "tank"),
        ("AP.CONV", "SO2 converter (4 beds)", "转化器(四段)", "tank"),
        ("AP.ABS", "Absorption towers", "吸收塔", "tank"), ("AP.BLOWER", "Main SO2 blower", "二氧化硫主风机", "fan")]),
    ("SF", "Slag flotation", "渣选矿", [
        ("SF.MILL", "Slag grinding mill", "渣磨机", "mill"), ("SF.FLOT", "Flotation cells", "浮选槽", "tank")]),
    ("OX", "Oxygen plant", "制氧站", [
        ("OX", "Air separation unit", "空分装置", "tank"), ("OX.COMP", "Main air compressor", "空压机", "fan")]),
    ("PD", "Power distribution", "供配电", [("PD.MAIN", "Main substation", "总降压站", "substation")]),
    ("WT", "Water treatment", "水处理", [
        ("WT", "Water treatment plant", "水处理站", "tank"),
        ("WT.P1", "Cooling water pump 1", "1号冷却水泵", "pump"),
        ("WT.P2", "Cooling water pump 2", "2号冷却水泵", "pump")]),
    ("HSE", "Safety and personnel", "安全与人员", [("HSE", "Personnel zones", "人员区域", "zone")]),
    # The HMI itself: values its modules compute (calc://), e.g. the supervisor's problem count.
    ("HMI", "Control system", "控制系统", [("HMI", "HMI background work", "HMI后台任务", "system")]),
]

tags: dict[str, list[dict]] = {}
#: unit -> its controls (controls.yaml, read by app/core/controls.py): mode, commands, faults,
#: permissives, interlocks - declared where the tags are made, never guessed from tag names.
controls: dict[str, dict[str, object]] = {}


def control(unit: str, kind: str, value: object) -> None:
    entry = controls.setdefault(unit, {})
    if kind == "mode":
        entry["mode"] = value
    else:
        entry.setdefault(kind, []).append(value)  # type: ignore[union-attr]


def tag(area: str, unit: str, name: str, en: str, zh: str, eu: str, rng: tuple[float, float],
        normal: tuple[float, float] | None = None, **extra: object) -> None:
    entry: dict = {"name": name, "unit": unit, "desc_en": en, "desc_zh": zh, "eu": eu,
                   "range": list(rng)}
    if normal:
        entry["normal"] = list(normal)
    entry["address"] = f"opcua://sim/ns=2;s={name}"
    entry.update(extra)
    tags.setdefault(area, []).append(entry)


def motor(area: str, unit: str, prefix: str, en: str, zh: str, vib_normal: tuple[float, float],
          current: tuple[float, float]) -> None:
    tag(area, unit, f"{prefix}.STATE", f"{en} state", f"{zh}状态", "state", (0, 2), type="state",
        states=MOTOR_STATES, historise=True)
    tag(area, unit, f"{prefix}.CMD", f"{en} start/stop command", f"{zh}启停命令", "bool", (0, 1),
        type="bool", writable=True, critical=False)
    control(unit, "commands", {"tag": f"{prefix}.CMD", "state": f"{prefix}.STATE"})
    control(unit, "faults", f"{prefix}.STATE")
    tag(area, unit, f"{prefix}.VIB", f"{en} vibration", f"{zh}振动", "mm/s", (0, 20), vib_normal,
        deadband=0.05)
    tag(area, unit, f"{prefix}.CURRENT", f"{en} current" if en.endswith("motor") else f"{en} motor current", f"{zh}电流" if zh.endswith("电机") else f"{zh}电机电流", "A",
        (0, current[1] * 1.5), current, deadband=1)
    tag(area, unit, f"{prefix}.RUN_HOURS", f"{en} run hours", f"{zh}运行小时", "h", (0, 200000))


def loop(area: str, unit: str, sp: str, en: str, zh: str) -> None:
    """Auto/manual station of the control loop whose setpoint is ``sp`` (already defined).

    ``<unit>.MODE`` (writable): AUTO - the controller drives the output to the setpoint;
    MANUAL - the operator sets ``<unit>.OUT`` directly and the setpoint waits. The output
    may only be written in MANUAL, within the setpoint's write limits expressed in %.
    """
    spec = next(t for t in tags[area] if t["name"] == sp)
    low, high = spec["range"]
    wlow, whigh = spec["write_limits"]
    critical = bool(spec.get("critical", False))
    tag(area, unit, f"{unit}.MODE", f"{en} control mode", f"{zh}控制方式", "state", (0, 1), type="state",
        states=MODE_STATES, writable=True, critical=critical)
    control(unit, "mode", f"{unit}.MODE")
    pct_low = math.ceil((wlow - low) / (high - low) * 1000) / 10
    pct_high = math.floor((whigh - low) / (high - low) * 1000) / 10
    tag(area, unit, f"{unit}.OUT", f"{en} controller output", f"{zh}调节输出", "%", (0, 100),
        writable=True, write_limits=[pct_low, pct_high], critical=critical, write_when=f"{unit}.MODE=MANUAL",
        deadband=0.1)


def permissive(area: str, unit: str, name: str, en: str, zh: str) -> None:
    tag(area, unit, name, en, zh, "", (0, 1), type="bool", states=PERMISSIVE_STATES)
    control(unit, "permissives", name)


def interlock(area: str, unit: str, name: str, en: str, zh: str) -> None:
    tag(area, unit, name, en, zh, "", (0, 1), type="bool", states=INTERLOCK_STATES)
    control(unit, "interlocks", name)


def build() -> None:
    # Concentrate blending
    tag("CB", "CB", "CB.FEED_SP", "Concentrate feed setpoint", "精矿给料设定", "t/h", (0, 300), (180, 230),
        writable=True, write_limits=[100, 260], setpoint_of="CB.FEED_RATE")
    tag("CB", "CB", "CB.FEED_RATE", "Concentrate feed rate", "精矿给料量", "t/h", (0, 300), (180, 230), deadband=0.5)
    for i in range(1, 5):
        tag("CB", "CB", f"CB.BIN{i}.LEVEL", f"Concentrate bin {i} level", f"{i}号精矿仓料位", "%", (0, 100), (30, 85))
    tag("CB", "CB", "CB.BLEND_CU", "Blend copper grade", "混合矿铜品位", "% Cu", (15, 40), (25, 30))
    tag("CB", "CB", "CB.BLEND_S", "Blend sulphur", "混合矿硫含量", "% S", (15, 45), (25, 35))
    tag("CB", "CB", "CB.BLEND_FE", "Blend iron", "混合矿铁含量", "%", (10, 50), (20, 40))
    tag("CB", "CB", "CB.BLEND_SIO2", "Blend silica", "混合矿二氧化硅", "%", (0, 20), (4, 10))
    tag("CB", "CB.DRYER", "CB.DRYER.MOIST_OUT", "Dried concentrate moisture", "干矿水分", "%", (0, 12), (0.1, 0.3))
    tag("CB", "CB.DRYER", "CB.DRYER.STEAM_P", "Dryer steam pressure", "干燥机蒸汽压力", "bar", (0, 20), (8, 12))
    tag("CB", "CB.DRYER", "CB.DRYER.T_OUT", "Dryer outlet gas temperature", "干燥机出口烟气温度", "°C", (0, 200), (80, 120))
    motor("CB", "CB", "CB.BELT1", "Feed belt 1", "1号给料皮带", (0.5, 2.8), (40, 80))
    motor("CB", "CB", "CB.BELT2", "Feed belt 2", "2号给料皮带", (0.5, 2.8), (40, 80))
    loop("CB", "CB", "CB.FEED_SP", "Concentrate feed", "精矿给料")

    # Smelting furnace
    s = "SMF"
    tag("SMF", s, "SMF.MATTE_CU", "Matte copper grade", "冰铜品位", "% Cu", (40, 80), (55, 70))
    tag("SMF", s, "SMF.T_MATTE", "Matte temperature", "冰铜温度", "°C", (1000, 1400), (1200, 1250), deadband=0.5)
    tag("SMF", s, "SMF.T_PROC", "Reaction shaft temperature", "反应塔温度", "°C", (1000, 1500), (1250, 1350), deadband=0.5)
    tag("SMF", s, "SMF.T_SLAG", "Slag temperature", "炉渣温度", "°C", (1000, 1450), (1230, 1300), deadband=0.5)
    tag("SMF", s, "SMF.O2_ENR", "Process air oxygen enrichment", "工艺风富氧浓度", "vol %", (21, 95), (60, 75), deadband=0.1)
    tag("SMF", s, "SMF.O2_ENR_SP", "Oxygen enrichment setpoint", "富氧浓度设定", "vol %", (21, 95), (60, 75),
        writable=True, write_limits=[40, 85], critical=True, setpoint_of="SMF.O2_ENR")
    tag("SMF", s, "SMF.OFFGAS_SO2", "Off-gas SO2", "烟气SO2浓度", "vol %", (0, 50), (20, 30))
    tag("SMF", s, "SMF.SLAG_CU", "Slag copper", "渣含铜", "%", (0, 5), (0.6, 1.0))
    tag("SMF", s, "SMF.SLAG_FE_SIO2", "Slag Fe/SiO2 ratio", "渣铁硅比", "", (0, 3), (0.6, 1.2))
    tag("SMF", s, "SMF.BATH_LEVEL", "Settler bath level", "沉淀池熔体液位", "mm", (0, 2000), (1200, 1600), deadband=2)
    tag("SMF", s, "SMF.MATTE_LEVEL", "Matte layer level", "冰铜层液位", "mm", (0, 1500), (500, 900), deadband=2)
    tag("SMF", s, "SMF.PROC_AIR", "Process air flow", "工艺风量", "Nm³/h", (0, 80000), (40000, 60000), deadband=50)
    tag("SMF", s, "SMF.O2_FLOW", "Oxygen flow to burner", "精矿喷嘴氧气量", "Nm³/h", (0, 60000), (25000, 45000), deadband=50)
    loop("SMF", s, "SMF.O2_ENR_SP", "Oxygen enrichment", "富氧浓度")
    permissive("SMF", s, "SMF.O2_PERMISSIVE", "Oxygen enrichment permissive: oxygen from the plant or the LOX tank",
               "富氧允许条件:制氧站或液氧贮槽供氧")
    interlock("SMF", s, "SMF.FEED_INTERLOCK", "Feed interlock: cooling-water header pressure below 2 bar stops the concentrate feed",
              "投料联锁:冷却水总管压力低于2 bar停止精矿给料")
    tag("SMF", s, "SMF.DRAFT_P", "Uptake draft pressure", "上升烟道负压", "Pa", (-300, 100), (-150, -50))
    tag("SMF", s, "SMF.MATTE_TAPPED", "Matte tapped this shift", "本班放冰铜量", "t", (0, 2000))
    tag("SMF", s, "SMF.SLAG_TAPPED", "Slag tapped this shift", "本班放渣量", "t", (0, 3000))
    for i in range(1, 9):
        tag("SMF", s, f"SMF.SHELL_T{i}", f"Settler shell temperature {i}", f"沉淀池炉壳温度{i}", "°C", (0, 400), (80, 200))
    for i in range(1, 5):
        tag("SMF", s, f"SMF.JACKET{i}.T_OUT", f"Cooling jacket {i} water outlet", f"{i}号水套出水温度", "°C", (0, 100), (30, 45))
    w = "SMF.WHB"
    tag("SMF", w, "SMF.WHB.STEAM_FLOW", "Boiler steam flow", "锅炉蒸汽量", "t/h", (0, 120), (60, 90))
    tag("SMF", w, "SMF.WHB.STEAM_P", "Boiler drum pressure", "锅炉汽包压力", "bar", (0, 80), (40, 60))
    tag("SMF", w, "SMF.WHB.DRUM_LEVEL", "Boiler drum level", "汽包液位", "mm", (-300, 300), (-50, 50))
    tag("SMF", w, "SMF.WHB.T_OUT", "Boiler outlet gas temperature", "锅炉出口烟温", "°C", (0, 600), (330, 380))
    tag("SCF", "SCF", "SCF.POWER", "Electric furnace power", "电炉功率", "MW", (0, 25), (10, 18))
    tag("SCF", "SCF", "SCF.T_SLAG", "Electric furnace slag temperature", "电炉渣温度", "°C", (1000, 1450), (1220, 1300))
    tag("SCF", "SCF", "SCF.SLAG_CU", "Discard slag copper", "弃渣含铜", "%", (0, 3), (0.4, 0.8))
    for i in range(1, 4):
        tag("SCF", "SCF", f"SCF.ELEC{i}.POS", f"Electrode {i} position", f"{i}号电极位置", "mm", (0, 2000), (600, 1400))
        tag("SCF", "SCF", f"SCF.ELEC{i}.I", f"Electrode {i} current", f"{i}号电极电流", "kA", (0, 60), (20, 40))

    # Converters
    for n in (1, 2, 3):
        p = f"PSC{n}"
        tag("PSC", p, f"{p}.STATE", f"Converter {n} stage", f"{n}号转炉工序", "state", (0, 6), type="state", states=CONV_STATES)
        tag("PSC", p, f"{p}.BLAST_FLOW", f"Converter {n} blast flow", f"{n}号转炉送风量", "Nm³/h", (0, 60000), (30000, 40000), deadband=50)
        tag("PSC", p, f"{p}.BLAST_SP", f"Converter {n} blast setpoint", f"{n}号转炉送风设定", "Nm³/h", (0, 60000), (30000, 40000),
            writable=True, write_limits=[20000, 45000], setpoint_of=f"{p}.BLAST_FLOW")
        tag("PSC", p, f"{p}.TUYERE_FLOW", f"Converter {n} flow per tuyere", f"{n}号转炉单风口风量", "Nm³/min", (0, 25), (10, 14))
        tag("PSC", p, f"{p}.T_BATH", f"Converter {n} bath temperature", f"{n}号转炉熔体温度", "°C", (900, 1400), (1150, 1250), deadband=0.5)
        tag("PSC", p, f"{p}.OFFGAS_SO2", f"Converter {n} off-gas SO2", f"{n}号转炉烟气SO2", "vol %", (0, 20), (8, 12))
        tag("PSC", p, f"{p}.TILT", f"Converter {n} tilt angle", f"{n}号转炉倾转角", "°", (-90, 90))
        tag("PSC", p, f"{p}.BATCHES", f"Converter {n} refractory batch count", f"{n}号转炉炉龄", "batches", (0, 300), (0, 225), type="int")
        tag("PSC", p, f"{p}.MATTE_CHARGED", f"Converter {n} matte charged", f"{n}号转炉加入冰铜量", "t", (0, 400))
        tag("PSC", p, f"{p}.BLISTER_CU", f"Converter {n} blister copper grade", f"{n}号转炉粗铜品位", "%", (90, 100), (96, 98.5))
        tag("PSC", p, f"{p}.CYCLE_H", f"Converter {n} elapsed cycle time", f"{n}号转炉本炉次时间", "h", (0, 24))
        motor("PSC", p, f"{p}.BLOWER", f"Converter {n} air blower", f"{n}号转炉鼓风机", (1.0, 4.5), (250, 400))
        loop("PSC", p, f"{p}.BLAST_SP", f"Converter {n} blast", f"{n}号转炉送风")
        permissive("PSC", p, f"{p}.BLAST_PERMISSIVE", f"Converter {n} blast permissive: air blower and acid-plant main blower running",
                   f"{n}号转炉送风允许条件:鼓风机与制酸主风机运行")
    for c in (1, 2):
        cr = f"PSC.CRANE{c}"
        tag("PSC", cr, f"{cr}.X", f"Crane {c} bridge position", f"{c}号行车大车位置", "m", (0, 120))
        tag("PSC", cr, f"{cr}.Y", f"Crane {c} trolley position", f"{c}号行车小车位置", "m", (0, 30))
        tag("PSC", cr, f"{cr}.LOAD", f"Crane {c} hook load", f"{c}号行车吊重", "t", (0, 120), (0, 100))

    # Anode furnaces + casting wheel
    for n in (1, 2):
        a = f"AF{n}"
        tag("AF", a, f"{a}.STATE", f"Anode furnace {n} stage", f"{n}号阳极炉工序", "state", (0, 6), type="state", states=AF_STATES)
        tag("AF", a, f"{a}.T_BATH", f"Anode furnace {n} bath temperature", f"{n}号阳极炉铜液温度", "°C", (1000, 1300), (1150, 1220))
        tag("AF", a, f"{a}.S_END", f"Anode furnace {n} sulphur", f"{n}号阳极炉含硫", "%", (0, 0.1), (0.0, 0.003))
        tag("AF", a, f"{a}.O_END", f"Anode furnace {n} oxygen", f"{n}号阳极炉含氧", "ppm", (0, 8000), (1500, 3500))
        tag("AF", a, f"{a}.CHARGE", f"Anode furnace {n} copper charged", f"{n}号阳极炉装铜量", "t", (0, 700))
        tag("AF", a, f"{a}.FUEL_FLOW", f"Anode furnace {n} burner fuel", f"{n}号阳极炉燃料量", "Nm³/h", (0, 3000), (500, 1500))
        tag("AF", a, f"{a}.CYCLE_H", f"Anode furnace {n} elapsed cycle time", f"{n}号阳极炉本炉次时间", "h", (0, 30))
    tag("AF", "CW", "CW.ANODE_MASS", "Last anode mass", "阳极板单重", "kg", (300, 450), (363, 377))
    tag("AF", "CW", "CW.TARGET_MASS", "Anode target mass", "阳极板目标重量", "kg", (300, 450), (360, 380),
        writable=True, write_limits=[340, 400], setpoint_of="CW.ANODE_MASS")
    tag("AF", "CW", "CW.RATE", "Casting rate", "浇铸速度", "t/h", (0, 120), (40, 90))
    tag("AF", "CW", "CW.COUNT", "Anodes cast this shift", "本班浇铸块数", "anodes", (0, 5000), type="int")
    tag("AF", "CW", "CW.REJECTS", "Rejected anodes this shift", "本班废板数", "anodes", (0, 500), (0, 40), type="int")
    tag("AF", "CW", "CW.MOULD_T", "Mould temperature", "模具温度", "°C", (0, 400), (150, 250))

    # Tankhouse
    for sec in (1, 2):
        u = f"TH.S{sec}"
        for c in range(1, 41):
            tag("TH", u, f"{u}.C{c:02d}.V", f"Section {sec} cell {c} voltage", f"{sec}工段{c}号槽电压", "V", (0, 0.6), (0.25, 0.32),
                deadband=0.002, historise=True)
        tag("TH", u, f"{u}.SHORTS", f"Section {sec} short-circuited cells", f"{sec}工段短路槽数", "cells", (0, 40), (0, 1), type="int")
        r = f"TH.RECT{sec}"
        tag("TH", r, f"{r}.I", f"Rectifier {sec} current", f"{sec}号整流器电流", "kA", (0, 60), (38, 46), deadband=0.05)
        tag("TH", r, f"{r}.I_SP", f"Rectifier {sec} current setpoint", f"{sec}号整流器电流设定", "kA", (0, 60), (38, 46),
            writable=True, write_limits=[20, 50], critical=True, setpoint_of=f"{r}.I")
        tag("TH", r, f"{r}.V", f"Rectifier {sec} DC voltage", f"{sec}号整流器直流电压", "V", (0, 40), (10, 14))
        tag("TH", r, f"{r}.CD", f"Section {sec} current density", f"{sec}工段电流密度", "A/m²", (0, 450), (220, 250))
        tag("TH", r, f"{r}.T", f"Rectifier {sec} transformer temperature", f"{sec}号整流变温度", "°C", (0, 120), (40, 75))
        loop("TH", r, f"{r}.I_SP", f"Rectifier {sec} current", f"{sec}号整流器电流")
        permissive("TH", r, f"{r}.PERMISSIVE", f"Rectifier {sec} permissive: an electrolyte circulation pump running",
                   f"{sec}号整流器允许条件:电解液循环泵运行")
    e = "TH.ELEC"
    tag("TH", e, "TH.T_ELEC", "Electrolyte temperature", "电解液温度", "°C", (40, 80), (61, 65), deadband=0.05)
    tag("TH", e, "TH.CU", "Electrolyte copper", "电解液铜离子浓度", "g/L", (20, 70), (40, 50))
    tag("TH", e, "TH.H2SO4", "Electrolyte acid", "电解液硫酸浓度", "g/L", (100, 220), (150, 180))
    tag("TH", e, "TH.CE", "Current efficiency", "电流效率", "%", (80, 100), (95, 98))
    tag("TH", e, "TH.DC_SPEC", "DC specific energy", "直流电耗", "kWh/t", (0, 450), (230, 285))
    tag("TH", e, "TH.CIRC_FLOW", "Electrolyte circulation flow", "电解液循环量", "m³/h", (0, 1500), (600, 1000))
    tag("TH", e, "TH.CATHODE_T", "Cathode copper this shift", "本班阴极铜产量", "t", (0, 1000))
    motor("TH", e, "TH.CIRC_P1", "Circulation pump 1", "1号循环泵", (0.5, 2.8), (60, 110))
    motor("TH", e, "TH.CIRC_P2", "Circulation pump 2", "2号循环泵", (0.5, 2.8), (60, 110))
    tag("TH", "TH.CRANE", "TH.CRANE.X", "Tankhouse crane bridge position", "电解行车大车位置", "m", (0, 200))
    tag("TH", "TH.CRANE", "TH.CRANE.Y", "Tankhouse crane trolley position", "电解行车小车位置", "m", (0, 30))
    tag("TH", "TH.CRANE", "TH.CRANE.LOAD", "Tankhouse crane hook load", "电解行车吊重", "t", (0, 30), (0, 20))

    # Acid plant
    tag("AP", "AP.GC", "AP.SO2_FEED", "SO2 at converter inlet", "转化器入口SO2浓度", "vol %", (0, 20), (8, 12))
    tag("AP", "AP.GC", "AP.GAS_FLOW", "Gas flow to acid plant", "制酸烟气量", "Nm³/h", (0, 500000), (300000, 420000), deadband=100)
    tag("AP", "AP.GC", "AP.GC.T_OUT", "Gas cleaning outlet temperature", "净化出口温度", "°C", (0, 80), (30, 40))
    tag("AP", "AP.GC", "AP.GC.DP", "Wet ESP pressure drop", "电除雾压降", "kPa", (0, 5), (0.5, 2))
    tag("AP", "AP.DRY", "AP.DRY_ACID", "Drying tower acid strength", "干燥酸浓度", "% H₂SO₄", (85, 100), (92.5, 94))
    tag("AP", "AP.DRY", "AP.DEW_POINT", "Dried gas dew point", "干燥后露点", "°C", (-70, 0), (-60, -40))
    for b, (tin, tout) in enumerate([((420, 450), (580, 620)), ((430, 460), (500, 530)), ((420, 450), (440, 470)), ((400, 430), (410, 440))], 1):
        tag("AP", "AP.CONV", f"AP.BED{b}_TIN", f"Catalyst bed {b} inlet temperature", f"第{b}段催化剂入口温度", "°C", (0, 700), tin, deadband=0.5)
        tag("AP", "AP.CONV", f"AP.BED{b}_TOUT", f"Catalyst bed {b} outlet temperature", f"第{b}段催化剂出口温度", "°C", (0, 700), tout, deadband=0.5)
    tag("AP", "AP.CONV", "AP.CONV_TOT", "Total SO2 conversion", "总转化率", "%", (95, 100), (99.7, 100))
    tag("AP", "AP.ABS", "AP.ABS_ACID", "Absorber acid strength", "吸收酸浓度", "% H₂SO₄", (90, 100), (98, 99))
    tag("AP", "AP.ABS", "AP.ABS_T", "Absorber acid temperature", "吸收酸温度", "°C", (0, 150), (70, 120))
    tag("AP", "AP.ABS", "AP.TAIL_SO2", "Tail-gas SO2", "尾气SO2浓度", "mg/m³", (0, 1500), (0, 300))
    tag("AP", "AP.ABS", "AP.ACID_RATE", "Acid production", "硫酸产量", "t/h", (0, 300), (150, 220))
    tag("AP", "AP.ABS", "AP.ACID_TANK", "Product acid tank level", "成品酸罐液位", "%", (0, 100), (20, 85))
    motor("AP", "AP.BLOWER", "AP.BLOWER", "Main SO2 blower", "主风机", (1.0, 4.5), (600, 900))
    tag("AP", "AP.BLOWER", "AP.BLOWER.SPEED", "Main blower speed", "主风机转速", "rpm", (0, 6000), (3500, 4800))
    tag("AP", "AP.BLOWER", "AP.BLOWER.SPEED_SP", "Main blower speed setpoint", "主风机转速设定", "rpm", (0, 6000), (3500, 4800),
        writable=True, write_limits=[3000, 5200], setpoint_of="AP.BLOWER.SPEED")
    loop("AP", "AP.BLOWER", "AP.BLOWER.SPEED_SP", "Main blower speed", "主风机转速")

    # Slag flotation
    tag("SF", "SF.MILL", "SF.FEED_RATE", "Slag feed rate", "渣处理量", "t/h", (0, 200), (80, 140))
    tag("SF", "SF.MILL", "SF.FEED_CU", "Flotation feed copper", "给矿含铜", "%", (0, 8), (1.0, 3.0))
    tag("SF", "SF.MILL", "SF.GRIND", "Grind, passing 43 µm", "磨矿细度(-43µm)", "%", (50, 100), (80, 95))
    tag("SF", "SF.MILL", "SF.MILL.POWER", "Mill power", "磨机功率", "kW", (0, 5000), (2500, 4000))
    motor("SF", "SF.MILL", "SF.MILL.MOTOR", "Mill motor", "磨机电机", (1.0, 4.5), (200, 400))
    tag("SF", "SF.FLOT", "SF.CONC_CU", "Concentrate copper", "精矿含铜", "%", (0, 40), (20, 23))
    tag("SF", "SF.FLOT", "SF.TAIL_CU", "Tailings copper", "尾矿含铜", "%", (0, 1), (0.25, 0.35))
    tag("SF", "SF.FLOT", "SF.REC", "Copper recovery", "铜回收率", "%", (50, 100), (84, 90))
    for i in range(1, 7):
        tag("SF", "SF.FLOT", f"SF.CELL{i}.LEVEL", f"Flotation cell {i} froth level", f"{i}号浮选槽液位", "mm", (0, 600), (200, 400))

    # Oxygen plant
    tag("OX", "OX", "OX.O2_FLOW", "Oxygen production", "氧气产量", "Nm³/h", (0, 80000), (40000, 60000), deadband=50)
    tag("OX", "OX", "OX.PURITY", "Oxygen purity", "氧气纯度", "vol %", (80, 100), (93, 99.6))
    tag("OX", "OX", "OX.P_OUT", "Oxygen delivery pressure", "氧气输出压力", "bar", (0, 20), (5, 8))
    tag("OX", "OX", "OX.LOX_LEVEL", "Liquid oxygen tank level", "液氧贮槽液位", "%", (0, 100), (30, 90))
    motor("OX", "OX.COMP", "OX.COMP", "Main air compressor", "空压机", (1.0, 4.5), (800, 1200))
    tag("OX", "OX.COMP", "OX.COMP.POWER", "Main air compressor power", "空压机功率", "MW", (0, 30), (15, 22))

    # Power distribution: one meter per area
    tag("PD", "PD.MAIN", "PD.MAIN.V", "Main bus voltage", "主母线电压", "kV", (0, 130), (107, 119))
    tag("PD", "PD.MAIN", "PD.MAIN.P", "Plant total active power", "全厂有功功率", "MW", (0, 200), (60, 110))
    tag("PD", "PD.MAIN", "PD.MAIN.PF", "Plant power factor", "全厂功率因数", "", (0, 1), (0.92, 1))
    tag("PD", "PD.MAIN", "PD.MAIN.F", "Grid frequency", "电网频率", "Hz", (45, 55), (49.8, 50.2))
    for area, en, zh in [("CB", "concentrate blending", "精矿配料"), ("SMF", "smelting", "熔炼"), ("PSC", "converters", "吹炼"),
                         ("AF", "anode refining", "阳极精炼"), ("TH", "tankhouse", "电解"), ("AP", "acid plant", "制酸"),
                         ("SF", "slag flotation", "渣选矿"), ("OX", "oxygen plant", "制氧"), ("WT", "water treatment", "水处理")]:
        tag("PD", "PD.MAIN", f"EM.{area}.KW", f"Power, {en}", f"{zh}有功功率", "kW", (0, 60000))
        tag("PD", "PD.MAIN", f"EM.{area}.KWH", f"Energy meter, {en}", f"{zh}电度表", "kWh", (0, 1e10))

    # Water treatment
    tag("WT", "WT", "WT.INFLOW", "Waste water inflow", "污水进水量", "m³/h", (0, 800), (200, 500))
    tag("WT", "WT", "WT.PH_IN", "Inlet pH", "进水pH", "pH", (0, 14), (1, 4))
    tag("WT", "WT", "WT.PH_OUT", "Discharge pH", "出水pH", "pH", (0, 14), (6, 9))
    tag("WT", "WT", "WT.TURBIDITY", "Discharge turbidity", "出水浊度", "", (0, 100), (0, 10))
    tag("WT", "WT", "WT.RECYCLE", "Water recycle ratio", "水循环利用率", "%", (80, 100), (95, 100))
    tag("WT", "WT", "WT.CW_T_SUPPLY", "Cooling water supply temperature", "冷却水供水温度", "°C", (0, 60), (25, 33))
    tag("WT", "WT", "WT.CW_P", "Cooling water header pressure", "冷却水总管压力", "bar", (0, 10), (3.5, 5))
    motor("WT", "WT.P1", "WT.P1", "Cooling water pump 1", "1号冷却水泵", (0.5, 2.8), (150, 250))
    motor("WT", "WT.P2", "WT.P2", "Cooling water pump 2", "2号冷却水泵", (0.5, 2.8), (150, 250))

    # Safety: people per zone (hazardous zones flagged in the name)
    zones = [("Z01", "Smelting furnace tapping floor (hazardous)", "熔炼炉放出口平台(危险区)"),
             ("Z02", "Converter aisle (hazardous)", "转炉跨(危险区)"),
             ("Z03", "Anode casting floor (hazardous)", "阳极浇铸平台(危险区)"),
             ("Z04", "Tankhouse floor", "电解车间"), ("Z05", "Acid plant", "制酸区"),
             ("Z06", "Control room", "中控室"), ("Z07", "Workshop", "维修车间"), ("Z08", "Oxygen plant", "制氧站")]
    for z, en, zh in zones:
        tag("HSE", "HSE", f"HSE.{z}.PERSONS", f"People in {en}", f"{zh}人数", "persons", (0, 50), type="int")
    tag("HSE", "HSE", "HSE.AMBIENT_SO2", "Ambient SO2 at converter aisle", "转炉跨环境SO2", "ppm", (0, 50), (0, 2))

    # The HMI watching itself (app/core/supervisor.py): long-running tasks that stopped or
    # stalled; the runtime publishes the count, tools/gen_copper_alarms.py defines its alarm.
    tag("HMI", "HMI", "HMI.TASK_PROBLEMS", "HMI background tasks stopped or stalled", "HMI后台任务停止或停滞数",
        "", (0, 20), (0, 0), type="int", address="calc://supervisor/task_problems")


# In-process inventories of the copper and sulphur ledger (app/sim/model.py INVENTORY_TAGS):
# (area, unit, prefix, what in English, in Chinese, tonnes range). Each gets <prefix>_T (t),
# <prefix>_CU and <prefix>_S (% of the material); the plant's book of what it holds (crane
# scales, ladle and anode counts, assays). materials.yaml puts them in the copper account.
INVENTORIES = [
    ("SMF", "SMF", "SMF.MATTE_HELD", "Matte held in the settler", "沉淀池存冰铜", 3000),
    ("SMF", "SMF", "SMF.SLAG_HELD", "Slag held in the settler", "沉淀池存渣", 3000),
    ("SMF", "SMF", "SMF.GRANULES", "Granulated matte in store", "水淬冰铜库存", 20000),
    ("SCF", "SCF", "SCF.HELD", "Slag held in the electric furnace", "电炉存渣", 2000),
    *[("PSC", f"PSC{n}", f"PSC{n}.HELD", f"Converter {n} charge (bath and slag)", f"{n}号转炉炉内存料(熔体和渣)", 1000)
      for n in (1, 2, 3)],
    ("PSC", "PSC.LADLES", "PSC.LADLES.BLISTER", "Blister in ladles and holding", "粗铜包及保温存粗铜", 3000),
    ("AF", "CW", "CW.REJECTS_HELD", "Rejected anodes awaiting remelting", "待回炉废阳极板", 2000),
    ("AF", "CW", "CW.YARD", "Anodes in the anode yard", "阳极板库存", 50000),
    ("TH", "TH.ELEC", "TH.ANODES", "Anodes in the cells", "槽内阳极", 50000),
    ("SF", "SF.MILL", "SF.SLAG_YARD", "Slag in the slag yard", "渣场存渣", 50000),
    ("SF", "SF.FLOT", "SF.CONC_HELD", "Slag concentrate awaiting the furnace", "待返炉渣精矿", 5000),
]


def inventories() -> None:
    for area, unit, prefix, en, zh, high in INVENTORIES:
        tag(area, unit, f"{prefix}_T", f"{en}, mass", f"{zh}量", "t", (0, high))
        tag(area, unit, f"{prefix}_CU", f"{en}, copper", f"{zh}含铜", "% Cu", (0, 100))
        tag(area, unit, f"{prefix}_S", f"{en}, sulphur", f"{zh}含硫", "% S", (0, 50))
    for n in (1, 2):  # the charge's mass is AF<n>.CHARGE
        tag("AF", f"AF{n}", f"AF{n}.CHARGE_CU", f"Anode furnace {n} charge, copper", f"{n}号阳极炉装料含铜", "% Cu", (0, 100))
        tag("AF", f"AF{n}", f"AF{n}.CHARGE_S", f"Anode furnace {n} charge, sulphur", f"{n}号阳极炉装料含硫", "% S", (0, 50))
    tag("TH", "TH.ELEC", "TH.CATHODES_T", "Cathode copper growing in the cells", "槽内在产阴极铜", "t", (0, 20000))
    # totalisers of the flows out of the balance boundary that no process tag meters
    tag("TH", "TH.ELEC", "TH.LIBERATOR_CU_TOTAL", "Liberator cell copper, total", "脱铜槽产铜累计", "t", (0, 1e9))
    tag("TH", "TH.ELEC", "TH.SLIMES_S_TOTAL", "Sulphur to anode slimes, total", "阳极泥带走硫累计", "t", (0, 1e9))
    tag("SMF", "SMF", "SMF.DUST_CU_TOTAL", "Copper in dust out of the circuit, total", "烟尘开路铜累计", "t", (0, 1e9))
    tag("SMF", "SMF", "SMF.DUST_S_TOTAL", "Sulphur in dust out of the circuit, total", "烟尘开路硫累计", "t", (0, 1e9))
    tag("AP", "AP.ABS", "AP.S_EMITTED_TOTAL", "Sulphur emitted (tail gas, stacks), total", "硫排放累计(尾气、烟囱)", "t", (0, 1e9))
    tag("SF", "SF.MILL", "SF.FEED_S", "Flotation feed sulphur", "给矿含硫", "% S", (0, 10))


# The shift pattern (app/core/shifts.py reads it) and the per-shift production targets the
# shift report compares against (until a production plan is kept elsewhere). Targets follow
# the plant size table of the reference: ~5,000 t/d concentrate, ~2,000 t/d matte, 400 kt/a
# cathode over 330 days (~1,210 t/d), ~3.7 t acid per t Cu; a day has three shifts.
SHIFTS = {
    "time_zone": "Asia/Shanghai",
    "starts": ["00:00", "08:00", "16:00"],
    "names_en": ["Night", "Day", "Evening"],
    "names_zh": ["夜班", "白班", "中班"],
    "crews": ["A", "B", "C", "D"],
    "holidays": ["2026-10-01", "2027-02-06"],
    "report_targets": {
        "concentrate": 1670.0,
        "matte": 670.0,
        "blister": 400.0,
        "anodes": 1080,
        "cathode": 400.0,
        "acid": 1500.0,
    },
    "tail_gas_permit_mg_m3": 400.0,
}


def write() -> None:
    build()
    inventories()
    tag_files = OUT / "tags"
    tag_files.mkdir(parents=True, exist_ok=True)
    area_files = {f"{a[0].lower()}.yaml" for a in AREAS}
    for old in tag_files.glob("*.yaml"):
        if old.name in area_files:  # the modules' own tag files (plant3d.yaml, production.yaml ...) stay
            old.unlink()
    area_of_unit = {u[0]: a[0] for a in AREAS for u in a[3]}
    by_area: dict[str, list[dict]] = {}
    for entries in tags.values():
        for entry in entries:
            by_area.setdefault(area_of_unit[entry["unit"]], []).append(entry)
    header = "# Generated by tools/gen_copper_layout.py from ../shared/reference/copper_smelter.md.\n"
    for area, entries in by_area.items():
        text = yaml.safe_dump({"tags": entries}, allow_unicode=True, sort_keys=False, width=200)
        (tag_files / f"{area.lower()}.yaml").write_text(header + text, encoding="utf-8")
    plant = {
        "plant": {"id": "copper_smelter", "name_en": "Copper smelter (400 kt/a cathode)", "name_zh": "铜冶炼厂(年产40万吨阴极铜)"},
        "connections": {"sim": {"protocol": "opcua", "endpoint": "opc.tcp://127.0.0.1:4840/crucible/"}},
        "areas": [
            {"id": a, "name_en": en, "name_zh": zh,
             "units": [{"id": u, "name_en": uen, "name_zh": uzh, "kind": kind} for u, uen, uzh, kind in units]}
            for a, en, zh, units in AREAS
        ],
        "tag_files": ["tags/*.yaml"],
        "shifts": SHIFTS,
    }
    (OUT / "plant.yaml").write_text(header + yaml.safe_dump(plant, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    controls_header = header + (
        "# Unit controls for the faceplates (app/core/controls.py): mode (AUTO/MANUAL station),\n"
        "# commands (start/stop bool + its state tag), faults (state tags whose FAULT needs a reset),\n"
        "# permissives (true = may run), interlocks (true = tripped).\n")
    ordered = {u: {k: c[k] for k in ("mode", "commands", "faults", "permissives", "interlocks") if k in c}
               for u, c in controls.items()}
    (OUT / "controls.yaml").write_text(controls_header + yaml.safe_dump({"controls": ordered}, allow_unicode=True,
                                       sort_keys=False, width=200), encoding="utf-8")
    print(sum(len(v) for v in by_area.values()), "tags in", len(by_area), "files")
    write_modbus_map()


MODBUS_HEADER = """\
# Generated by tools/gen_copper_layout.py: the simulator's Modbus TCP register map.
#
# `crucible sim --modbus-port N` serves these registers (device/unit id below) next to the
# OPC UA server; both carry the same values from the same simulation step.
#
# Format, one entry per tag under `registers:`
#   tag         the layout tag name (its OPC UA twin is opcua://sim/ns=2;s=<tag>)
#   table       hr = holding registers (FC 3 read, FC 6/16 write)
#               ir = input registers   (FC 4)
#               co = coils             (FC 1 read, FC 5/15 write)
#               di = discrete inputs   (FC 2)
#   address     zero-based protocol (PDU) address; 30001/40001-style numbers are address + 1
#   type        bool (co/di only) | int16 | uint16 | int32 | uint32 | float32 (IEEE 754)
#   word_order  32-bit types only: big = high word at `address` (default, see top-level
#               word_order), little = low word first. Bytes in a register are big-endian.
#   scale       engineering value = raw register value x scale (default 1; floats too)
#   writable    true: a client may write it (hr and co only); the simulator applies the
#               write within the tag's write limits and refuses the rest (value reverts)
# A 32-bit value spans address and address + 1. Read at most 125 registers per request.
"""


def write_modbus_map() -> None:
    regs: list[dict] = []

    def reg(tag: str, table: str, address: int, type_: str, scale: float = 1.0, **extra: object) -> None:
        entry: dict = {"tag": tag, "table": table, "address": address, "type": type_}
        if scale != 1.0:
            entry["scale"] = scale
        entry.update(extra)
        regs.append(entry)

    # holding registers: setpoints the DCS writes
    reg("TH.RECT1.I_SP", "hr", 0, "float32", writable=True)
    reg("TH.RECT2.I_SP", "hr", 2, "float32", writable=True)
    reg("AP.BLOWER.SPEED_SP", "hr", 4, "uint16", writable=True)
    # coils: pump start/stop commands
    for i, prefix in enumerate(["WT.P1", "WT.P2", "TH.CIRC_P1", "TH.CIRC_P2"]):
        reg(f"{prefix}.CMD", "co", i, "bool", writable=True)
    # input registers: rectifiers and tankhouse (0..99)
    a = 0
    for r in (1, 2):
        reg(f"TH.RECT{r}.I", "ir", a, "float32")
        reg(f"TH.RECT{r}.V", "ir", a + 2, "float32")
        reg(f"TH.RECT{r}.CD", "ir", a + 4, "uint16", 0.1)
        reg(f"TH.RECT{r}.T", "ir", a + 5, "int16", 0.1)
        reg(f"TH.S{r}.SHORTS", "ir", a + 6, "uint16")
        a += 10
    reg("TH.T_ELEC", "ir", 20, "int16", 0.01)
    reg("TH.CU", "ir", 21, "uint16", 0.01)
    reg("TH.H2SO4", "ir", 22, "uint16", 0.1)
    reg("TH.CE", "ir", 23, "uint16", 0.01)
    reg("TH.DC_SPEC", "ir", 24, "float32")
    # cell voltages in millivolts: section 1 at 100..139, section 2 at 140..179
    for sec in (1, 2):
        for c in range(1, 41):
            reg(f"TH.S{sec}.C{c:02d}.V", "ir", 100 + 40 * (sec - 1) + c - 1, "uint16", 0.001)
    # utilities (200..299)
    reg("WT.CW_P", "ir", 200, "uint16", 0.01)
    reg("WT.CW_T_SUPPLY", "ir", 201, "int16", 0.1)
    reg("WT.PH_OUT", "ir", 202, "uint16", 0.01)
    reg("WT.INFLOW", "ir", 203, "float32")
    for i, prefix in enumerate(["WT.P1", "WT.P2", "TH.CIRC_P1", "TH.CIRC_P2"]):
        base = 210 + 10 * i
        reg(f"{prefix}.STATE", "ir", base, "uint16")
        reg(f"{prefix}.CURRENT", "ir", base + 1, "uint16", 0.1)
        reg(f"{prefix}.VIB", "ir", base + 2, "uint16", 0.01)
        reg(f"{prefix}.RUN_HOURS", "ir", base + 3, "uint32", 0.1)
    reg("OX.O2_FLOW", "ir", 260, "float32")
    reg("OX.PURITY", "ir", 262, "uint16", 0.01)
    reg("OX.LOX_LEVEL", "ir", 263, "uint16", 0.1)
    reg("PD.MAIN.V", "ir", 270, "float32")
    reg("PD.MAIN.P", "ir", 272, "float32")
    reg("PD.MAIN.F", "ir", 274, "uint16", 0.01)
    reg("PD.MAIN.PF", "ir", 275, "uint16", 0.001)
    # energy meters (300..): power as a float with the low word first (as many meters do),
    # energy as a 32-bit counter in units of 10 kWh (the EU range reaches 1e10 kWh)
    for i, area in enumerate(["CB", "SMF", "PSC", "AF", "TH", "AP", "SF", "OX", "WT"]):
        reg(f"EM.{area}.KW", "ir", 300 + 4 * i, "float32", word_order="little")
        reg(f"EM.{area}.KWH", "ir", 302 + 4 * i, "uint32", 10.0)
    doc = {"device_id": 1, "word_order": "big", "registers": regs}
    text = yaml.safe_dump(doc, sort_keys=False, width=200, default_flow_style=None)
    (OUT / "modbus_map.yaml").write_text(MODBUS_HEADER + text, encoding="utf-8")
    print(len(regs), "Modbus registers in modbus_map.yaml")


if __name__ == "__main__":
    write()
