"""The copper-smelter process model behind the simulator's servers.

A mechanism model, deterministic for a seed, stepped in simulated seconds:

concentrate blending -> flash smelting furnace (matte and slag layers, tapping) -> slag-cleaning
electric furnace -> slag flotation (concentrate back to the furnace); matte -> three
Peirce-Smith converters (state machines) -> blister -> two anode furnaces -> casting wheel ->
anode yard -> tankhouse (25 sections of 40 cells; sections 1 and 2 are instrumented cell by
cell) -> cathode; furnace and converter SO2 -> acid plant; oxygen plant, power, water,
rotating equipment, people and cranes.

Copper and sulphur are carried as tonnes in explicit stocks and moved only by transfers, so
:meth:`PlantModel.copper_balance` and :meth:`PlantModel.sulphur_balance` can check that what
came in equals what left plus what is held. Figures: ``../shared/reference/copper_smelter.md``.
Every tag of the layout gets a value; measured tags carry a little instrument noise.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from app.core.tags import DataType, TagDef
from app.sim.wear import WearModel

Value = float | int | bool

# Converter and anode-furnace stage numbers: the order of the layout's state tags.
IDLE, CHARGING, SLAG_BLOW, SKIMMING, COPPER_BLOW, POURING, MAINTENANCE = range(7)
AF_IDLE, AF_CHARGING, AF_MELTING, AF_OXIDISING, AF_SKIMMING, AF_REDUCING, AF_CASTING = range(7)
STOPPED, RUNNING, FAULT = range(3)

NM3_PER_KMOL = 22.414
S_PER_CU_IN_CU2S = 32.06 / (2 * 63.55)  # t S per t Cu in Cu2S
FARADAY_KG_PER_KAH = 1.1858  # kg Cu per kA·h at 100 % efficiency
SECTIONS_TOTAL = 26  # the tankhouse (1,040 cells); sections 1 and 2 are the instrumented ones
CELLS_PER_SECTION = 40
CATHODE_AREA_M2 = 178.0  # per cell: 60 cathodes x 2 faces x ~1.48 m²
SETTLER_AREA_M2 = 140.0
MATTE_DENSITY, SLAG_DENSITY = 4.6, 3.5  # t/m³
CONVERTER_CHARGE_T = 400.0
AF_CHARGE_T = 580.0
SHIFT_S = 8 * 3600.0
ISO_10816_CD = 7.1  # mm/s, group 1 rigid: zone C/D boundary, trip
MANUAL, AUTO = 0, 1  # <unit>.MODE states, in the layout's order
# The control loops an operator switches between AUTO and MANUAL: unit -> setpoint tag. In
# AUTO the loop drives its measurement to the setpoint and <unit>.OUT follows; in MANUAL the
# loop drives to the operator's <unit>.OUT (% of the setpoint's range) and the setpoint waits.
# Interlocks and permissives act in both modes.
LOOPS = {
    "CB": "CB.FEED_SP", "SMF": "SMF.O2_ENR_SP", "AP.BLOWER": "AP.BLOWER.SPEED_SP",
    "PSC1": "PSC1.BLAST_SP", "PSC2": "PSC2.BLAST_SP", "PSC3": "PSC3.BLAST_SP",
    "TH.RECT1": "TH.RECT1.I_SP", "TH.RECT2": "TH.RECT2.I_SP",
}
FEED_TRIP_BAR = 2.0  # cooling-water header pressure below which the furnace feed interlock trips


# The in-process stocks of the copper and sulphur ledger (:meth:`PlantModel.inventories`), each
# published as ``<prefix>_T`` (t of material), ``<prefix>_CU`` and ``<prefix>_S`` (% of it): the
# plant's book of what is held between the feed weigher and the products (crane scales, ladle
# and anode counts, assays), so the copper account from tags closes like the model's ledger.
# The anode-furnace charges publish their mass on the existing ``AF<n>.CHARGE``; the electrolyte
# copper is ``TH.CU`` (g/L) over the circuit's volume, the cathodes in the cells pure copper.
INVENTORY_TAGS = {
    "furnace matte": "SMF.MATTE_HELD", "furnace slag": "SMF.SLAG_HELD", "matte store": "SMF.GRANULES",
    "slag-cleaning furnace": "SCF.HELD", "converter 1": "PSC1.HELD", "converter 2": "PSC2.HELD",
    "converter 3": "PSC3.HELD", "blister": "PSC.LADLES.BLISTER", "anode furnace 1": "AF1.CHARGE",
    "anode furnace 2": "AF2.CHARGE", "rejected anodes": "CW.REJECTS_HELD", "anode yard": "CW.YARD",
    "anodes in cells": "TH.ANODES", "slag yard": "SF.SLAG_YARD", "flotation concentrate": "SF.CONC_HELD",
}
# The ledger's flows out of the boundary that no process tag meters, as totalisers (t, never reset).
FLOW_TOTAL_TAGS = {
    "cu_liberator": "TH.LIBERATOR_CU_TOTAL", "cu_dust": "SMF.DUST_CU_TOTAL", "s_dust": "SMF.DUST_S_TOTAL",
    "s_emitted": "AP.S_EMITTED_TOTAL", "s_slimes": "TH.SLIMES_S_TOTAL",
}


class SetpointError(ValueError):
    """A write the simulated controller refuses (not writable, out of its limits)."""


@dataclass(slots=True)
class Lot:
    """A quantity of material: total mass and the copper and sulphur in it (tonnes)."""

    mass: float = 0.0
    cu: float = 0.0
    s: float = 0.0

    def take(self, mass: float) -> Lot:
        """Remove ``mass`` tonnes (at most all of it) with proportional Cu and S."""
        if self.mass <= 1e-12 or mass <= 0:
            return Lot()
        f = min(1.0, mass / self.mass)
        part = Lot(self.mass * f, self.cu * f, self.s * f)
        self.mass -= part.mass
        self.cu -= part.cu
        self.s -= part.s
        return part

    def add(self, other: Lot) -> None:
        self.mass += other.mass
        self.cu += other.cu
        self.s += other.s


@dataclass(slots=True)
class Motor:
    """A blower, fan or pump: run/stop/fault, run hours, current and vibration that wears."""

    prefix: str
    nominal_a: float
    vib_base: float
    wear_per_day: float
    state: int = RUNNING
    cmd: bool = True
    run_hours: float = 0.0
    wear: float = 0.0
    stopped_s: float = 0.0
    fault_s: float = 0.0
    # bearing wear (app/sim/wear.py): type, run hours on this bearing, when it starts to wear
    kind: str = "pump"
    age_h: float = 0.0
    onset_h: float = math.inf
    bearing_rate: float = 0.0
    repair_s: float = 8 * 3600.0
    wear_model: Any = None

    REPAIR_S = 8 * 3600.0  # a tripped machine is back from the fitters after a shift

    @property
    def running(self) -> bool:
        return self.state == RUNNING

    def command(self, run: bool) -> None:
        self.cmd = run
        if not run:
            self.state = STOPPED
        elif self.state == STOPPED:
            self.state = RUNNING

    def advance(self, dt: float) -> None:
        if self.state == RUNNING:
            self.run_hours += dt / 3600.0
            self.wear += self.wear_per_day * dt / 86400.0
            if self.wear_model is not None:
                self.wear_model.degrade(self, dt)
            self.stopped_s = 0.0
            if self.vib_base + self.wear > ISO_10816_CD:
                self.state = FAULT  # protection trips at zone C/D
        elif self.state == FAULT:
            self.fault_s += dt
            if self.fault_s >= (self.repair_s if self.wear_model is not None else self.REPAIR_S):
                self.wear = 0.0  # bearings replaced
                self.fault_s = 0.0
                if self.wear_model is not None:
                    self.wear_model.renew(self)
                self.state = RUNNING if self.cmd else STOPPED
        else:
            self.stopped_s += dt
            if self.stopped_s > 4 * 3600 and self.wear > 0:
                self.wear = 0.0  # a maintenance crew has been at it


@dataclass(slots=True)
class Converter:
    n: int
    state: int = IDLE
    in_state_s: float = 0.0
    bath: Lot = field(default_factory=Lot)
    slag: Lot = field(default_factory=Lot)
    blast: float = 0.0
    blast_sp: float = 36000.0
    t_bath: float = 1180.0
    batches: int = 0
    cycle_s: float = 0.0
    charged: float = 0.0
    maintenance_s: float = 0.0
    so2_nm3h: float = 0.0
    last_cycle_h: float = 0.0


@dataclass(slots=True)
class AnodeFurnace:
    n: int
    state: int = AF_IDLE
    in_state_s: float = 0.0
    bath: Lot = field(default_factory=Lot)
    t_bath: float = 1180.0
    o_ppm: float = 2000.0
    cycle_s: float = 0.0
    last_cycle_h: float = 0.0


@dataclass(slots=True)
class Ledger:
    """Cumulative flows across the balance boundary (tonnes)."""

    cu_in: float = 0.0
    s_in: float = 0.0
    cu_cathode: float = 0.0
    cu_liberator: float = 0.0
    cu_slag_loss: float = 0.0
    cu_dust: float = 0.0
    s_acid: float = 0.0
    s_emitted: float = 0.0
    s_slag_loss: float = 0.0
    s_slimes: float = 0.0
    s_dust: float = 0.0


@dataclass(slots=True)
class Balance:
    """One element's balance since the model started (tonnes)."""

    element: str
    fed: float
    products: float
    losses: float
    stock_change: float
    stocks: dict[str, float]

    @property
    def error(self) -> float:
        return self.fed - self.products - self.losses - self.stock_change

    @property
    def closure_pct(self) -> float:
        """The unaccounted part as a percentage of what was fed (0 = closes exactly)."""
        return 100.0 * self.error / self.fed if self.fed else 0.0


def _clamp(x: float, low: float, high: float) -> float:
    return low if x < low else high if x > high else x


def _lag(value: float, target: float, dt: float, tau: float) -> float:
    return value + (target - value) * (1.0 - math.exp(-dt / tau))


class PlantModel:
    """Steps the copper smelter forward in simulated time and keeps every tag's value.

    Public API used by the runner and the servers: ``values`` (tag -> value), ``step(dt)``
    (returns what changed), ``write(name, value)`` (operator write, raises
    :class:`SetpointError`), ``bad`` (tag -> reason, published with Bad quality) and
    ``frozen`` (tag -> value, an instrument stuck at that value).
    """

    SUBSTEP_S = 30.0

    def __init__(self, tags: dict[str, TagDef], seed: int = 1) -> None:
        self.tags = tags
        self.rng = random.Random(seed)
        self.sim_time_s = 0.0
        self.values: dict[str, Value] = {}
        self.bad: dict[str, str] = {}
        self.frozen: dict[str, Value] = {}
        self.ledger = Ledger()
        self.upset_s = 0.0  # acid-plant upset left (catalyst bed 1 quenched)
        self._smf_in = Lot()
        self._faults_until: dict[str, float] = {}
        self._smf_s_gas_t = 0.0
        self._conv_s_gas_t = 0.0
        self._o2_available = True
        self._blower_speed = 4500.0
        rng = self.rng
        # --- setpoints
        self.sp: dict[str, float] = {
            "CB.FEED_SP": 205.0, "SMF.O2_ENR_SP": 65.0, "CW.TARGET_MASS": 370.0,
            "TH.RECT1.I_SP": 42.0, "TH.RECT2.I_SP": 42.0, "AP.BLOWER.SPEED_SP": 4500.0,
            "PSC1.BLAST_SP": 36000.0, "PSC2.BLAST_SP": 36000.0, "PSC3.BLAST_SP": 36000.0,
        }
        self.mode = {unit: AUTO for unit in LOOPS}
        self.out = {unit: self._percent(unit, self.sp[sp]) for unit, sp in LOOPS.items()}
        self.feed_trip = False
        # --- blending and the smelting furnace
        self.feed = 205.0
        self.blend = {"cu": 25.5, "s": 30.0, "fe": 28.0, "sio2": 7.0}
        self.bins = [rng.uniform(45, 80) for _ in range(4)]
        self.bin_filling = [False] * 4
        self.o2_enr = 65.0
        self.grade = 62.0
        self.t_matte, self.t_proc = 1225.0, 1300.0
        self.furnace_matte = self._matte_lot(450.0, 62.0)
        self.furnace_slag = Lot(290.0, 290.0 * 0.009, 290.0 * 0.008)
        self.slag_tapping = False
        self.matte_store = Lot()  # granulated matte when converters cannot keep up
        self.smf_so2_nm3h = 30000.0
        self.smf_blast = 55000.0
        self.smf_o2_flow = 33000.0
        self.smf_slag_cu_pct = 0.9
        self.smf_offgas_so2 = 25.0
        self.matte_tapped_shift = 0.0
        self.slag_tapped_shift = 0.0
        self.scf = Lot(300.0, 300.0 * 0.006, 300.0 * 0.006)
        self.scf_power = 14.0
        self.scf_tapping = False
        # --- converters, blister, anode furnaces, casting
        self.converters = [Converter(n) for n in (1, 2, 3)]
        for conv, (state, frac) in zip(
            self.converters, [(COPPER_BLOW, rng.random()), (SLAG_BLOW, rng.random()), (IDLE, rng.random())], strict=True
        ):
            conv.batches = rng.randrange(20, 220)
            conv.state = state
            conv.blast_sp = 36000.0
            if state in (SLAG_BLOW, COPPER_BLOW):
                conv.bath = self._matte_lot(CONVERTER_CHARGE_T, 62.0)
                if state == COPPER_BLOW:  # the slag is gone, part of the white metal blown
                    conv.bath = Lot(236.0, 236.0, 236.0 * S_PER_CU_IN_CU2S * (1 - 0.6 * frac))
                    conv.bath.mass = conv.bath.cu + conv.bath.s
                conv.t_bath = 1210.0
                conv.blast = 36000.0
                conv.cycle_s = (2.0 + 5.0 * frac) * 3600
            else:
                conv.in_state_s = frac * 1800
        self.blister = Lot(150.0, 150.0 * 0.985, 150.0 * 0.0004)
        self.afs = [AnodeFurnace(1), AnodeFurnace(2)]
        self.afs[0].state, self.afs[0].bath = AF_CASTING, Lot(400.0, 400.0 * 0.996, 400.0 * 0.00002)
        self.afs[1].state, self.afs[1].bath = AF_CHARGING, Lot(150.0, 150.0 * 0.985, 150.0 * 0.0004)
        self.afs[0].cycle_s, self.afs[1].cycle_s = 17 * 3600.0, 4 * 3600.0
        self.cw_rate = 0.0
        self.cw_mould_t = 200.0
        self.cw_last_mass = 370.0
        self.cw_count_shift = 0
        self.cw_rejects_shift = 0
        self.cw_partial = 0.0
        self.rejects = Lot()
        self.anode_yard = Lot(3000.0, 3000.0 * 0.9955, 3000.0 * 0.00002)
        # --- tankhouse
        self.rect_i = [42.0, 42.0]
        self.cell_offset = [[rng.gauss(0.0, 0.006) for _ in range(CELLS_PER_SECTION)] for _ in range(2)]
        self.short_left_s = [[0.0] * CELLS_PER_SECTION for _ in range(2)]
        self.cell_v = [[0.30] * CELLS_PER_SECTION for _ in range(2)]
        self.section_ce = [96.5, 96.5]
        self.t_elec, self.h2so4 = 63.0, 165.0
        self.elec_volume_m3 = 6000.0
        self.elec = Lot(270.0 / 0.25, 270.0, 0.0)  # Cu in solution; mass = CuSO4-ish carrier
        self.elec.mass = self.elec.cu
        self.anodes_in_cells = Lot(20000.0, 20000.0 * 0.9955, 20000.0 * 0.00002)
        self.cathode_in_cells = Lot(4000.0, 4000.0, 0.0)
        self.cathode_shift = 0.0
        self.th_dc_kw = 13000.0
        self.th_deposit_tph = 48.0
        # --- slag handling
        self.slag_yard = Lot(2500.0, 2500.0 * 0.012, 2500.0 * 0.006)
        self.float_conc = Lot(100.0, 21.0, 8.0)
        self.sf_feed = 120.0
        self.sf_feed_cu, self.sf_conc_cu, self.sf_tail_cu, self.sf_rec = 1.2, 21.0, 0.28, 80.0
        self.sf_feed_s = 0.6
        # --- acid plant
        self.ap_gas_flow = 382500.0
        self.ap_so2_pct = 10.0
        self.bed_t = [[435.0, 610.0], [445.0, 520.0], [435.0, 452.0], [415.0, 425.0]]
        self.conv_tot = 99.93
        self.tail_mg = 200.0
        self.acid_rate = 185.0
        self.acid_tank = Lot(8000.0, 0.0, 8000.0 * 0.98 * 32.06 / 98.08)
        self.acid_shipping = False
        # --- utilities
        self.lox_level = 70.0
        self.ox_flow = 33000.0
        self.cw_header_p = 4.0
        self.cw_supply_t = 29.0
        self.em_kwh = {a: rng.uniform(1e7, 5e8) for a in ("CB", "SMF", "PSC", "AF", "TH", "AP", "SF", "OX", "WT")}
        self.em_kw = dict.fromkeys(self.em_kwh, 0.0)
        self.motors: dict[str, Motor] = {}
        self.wear_model = WearModel(seed)  # its own random stream: the process's is unchanged
        for tag in tags.values():
            if tag.name.endswith(".STATE") and tag.states and tag.states[0] == "STOPPED":
                prefix = tag.name[: -len(".STATE")]
                nominal = tag.normal_high if tag.normal_high is not None else 100.0
                cur = tags.get(f"{prefix}.CURRENT")
                vib = tags.get(f"{prefix}.VIB")
                nominal = ((cur.normal_low or 0) + (cur.normal_high or 0)) / 2 if cur else nominal
                vib_base = (vib.normal_low or 0.5) + 0.4 * ((vib.normal_high or 2.8) - (vib.normal_low or 0.5)) if vib else 1.5
                wear = rng.choice([0.005, 0.01, 0.02, 0.02, 0.05, 0.3])  # mm/s per day; a few degrade fast
                m = Motor(prefix, nominal, vib_base, wear, run_hours=rng.uniform(2000, 60000))
                self.wear_model.attach(m, prefix)
                self.motors[prefix] = m
        for spare in ("WT.P2",):  # a duty/standby pair: the standby pump is stopped
            if spare in self.motors:
                self.motors[spare].command(False)
        # --- people and cranes
        self.zone_weights = [3, 4, 3, 10, 5, 6, 5, 3]
        self.people = [rng.choices(range(8), self.zone_weights)[0] for _ in range(48)]
        self.crane = {"PSC.CRANE1": [20.0, 10.0, 0.0, 0], "PSC.CRANE2": [80.0, 15.0, 0.0, 1], "TH.CRANE": [50.0, 10.0, 0.0, 0]}
        self.crane_target = {k: (v[0], v[1]) for k, v in self.crane.items()}
        # --- balance reference
        self._stock0_cu = self._stocks("cu")
        self._stock0_s = self._stocks("s")
        self._publish()

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _matte_lot(mass: float, grade_pct: float) -> Lot:
        cu = mass * grade_pct / 100.0
        cu2s_s = cu * S_PER_CU_IN_CU2S
        fes = max(0.0, mass - cu - cu2s_s - 0.03 * mass)  # FeS makes up the rest (3 % other)
        return Lot(mass, cu, cu2s_s + fes * 32.06 / 87.91)

    def _stocks(self, element: str) -> dict[str, float]:
        def g(lot: Lot) -> float:
            return lot.cu if element == "cu" else lot.s

        return {
            "furnace matte": g(self.furnace_matte), "furnace slag": g(self.furnace_slag),
            "matte store": g(self.matte_store), "slag-cleaning furnace": g(self.scf),
            "converters": sum(g(c.bath) + g(c.slag) for c in self.converters),
            "blister": g(self.blister), "anode furnaces": sum(g(a.bath) for a in self.afs),
            "rejected anodes": g(self.rejects), "anode yard": g(self.anode_yard),
            "anodes in cells": g(self.anodes_in_cells), "electrolyte": g(self.elec),
            "cathodes in cells": g(self.cathode_in_cells), "slag yard": g(self.slag_yard),
            "flotation concentrate": g(self.float_conc), "acid tank": g(self.acid_tank),
        }

    def inventories(self) -> dict[str, Lot]:
        """Every in-process stock of the ledger, unit by unit (the keys of :data:`INVENTORY_TAGS`,
        plus the electrolyte, the cathodes in the cells and the acid tank, published otherwise)."""
        inv = {
            "furnace matte": self.furnace_matte, "furnace slag": self.furnace_slag, "matte store": self.matte_store,
            "slag-cleaning furnace": self.scf,
        }
        for c in self.converters:
            held = Lot(c.bath.mass, c.bath.cu, c.bath.s)
            held.add(c.slag)
            inv[f"converter {c.n}"] = held
        inv["blister"] = self.blister
        for a in self.afs:
            inv[f"anode furnace {a.n}"] = a.bath
        inv.update({"rejected anodes": self.rejects, "anode yard": self.anode_yard, "anodes in cells": self.anodes_in_cells,
                    "slag yard": self.slag_yard, "flotation concentrate": self.float_conc, "electrolyte": self.elec,
                    "cathodes in cells": self.cathode_in_cells, "acid tank": self.acid_tank})
        return inv

    def _publish_inventories(self, v: dict[str, Value]) -> None:
        inv = self.inventories()
        for key, prefix in INVENTORY_TAGS.items():
            lot = inv[key]
            mass = max(lot.mass, 0.0)
            if not prefix.startswith("AF"):  # the anode furnaces' mass is AF<n>.CHARGE already
                v[f"{prefix}_T"] = mass
            v[f"{prefix}_CU"] = 100.0 * lot.cu / mass if mass > 1e-9 else 0.0
            v[f"{prefix}_S"] = 100.0 * lot.s / mass if mass > 1e-9 else 0.0
        v["TH.CATHODES_T"] = self.cathode_in_cells.mass
        for key, name in FLOW_TOTAL_TAGS.items():
            v[name] = getattr(self.ledger, key)
        v["SF.FEED_S"] = self.sf_feed_s

    def copper_balance(self) -> Balance:
        """Cu fed in concentrate = cathode + liberator Cu + losses (slag tails, dust) + Δstocks."""
        led = self.ledger
        stocks = self._stocks("cu")
        change = sum(stocks.values()) - sum(self._stock0_cu.values())
        return Balance("Cu", led.cu_in, led.cu_cathode + led.cu_liberator, led.cu_slag_loss + led.cu_dust, change, stocks)

    def sulphur_balance(self) -> Balance:
        """S fed = S in acid shipped + emissions (tail gas, stacks) + slag, slimes, dust + Δstocks."""
        led = self.ledger
        stocks = self._stocks("s")
        change = sum(stocks.values()) - sum(self._stock0_s.values())
        losses = led.s_emitted + led.s_slag_loss + led.s_slimes + led.s_dust
        return Balance("S", led.s_in, led.s_acid, losses, change, stocks)

    def motor(self, prefix: str) -> Motor | None:
        return self.motors.get(prefix)

    def _running(self, prefix: str) -> bool:
        m = self.motors.get(prefix)
        return m is None or m.running

    # ----------------------------------------------------------------- control loops
    def _span(self, unit: str) -> tuple[float, float]:
        tag = self.tags.get(LOOPS[unit])
        return (tag.eu_low, tag.eu_high) if tag is not None and tag.eu_high > tag.eu_low else (0.0, 100.0)

    def _percent(self, unit: str, value: float) -> float:
        low, high = self._span(unit)
        return _clamp((value - low) / (high - low) * 100.0, 0.0, 100.0)

    def demand(self, unit: str) -> float:
        """What the loop of ``unit`` drives towards: the setpoint in AUTO, the output in MANUAL."""
        if self.mode[unit] == AUTO:
            return self.sp[LOOPS[unit]]
        low, high = self._span(unit)
        return low + self.out[unit] / 100.0 * (high - low)

    def _write_loop(self, name: str, value: float) -> dict[str, Value] | None:
        """MODE and OUT writes of a control loop; None when ``name`` is neither."""
        unit, _, leaf = name.rpartition(".")
        if unit not in LOOPS or leaf not in ("MODE", "OUT"):
            return None
        if leaf == "MODE":
            if value not in (MANUAL, AUTO):
                raise SetpointError(f"{name}: {value!r} is not a mode (0 = MANUAL, 1 = AUTO)")
            # bumpless: the output holds where AUTO left it; back in AUTO the setpoint rules
            self.mode[unit] = int(value)
            self.values[name] = int(value)
            return {name: int(value)}
        if self.mode[unit] != MANUAL:
            raise SetpointError(f"{name}: the loop is in AUTO and its controller sets the output; switch {unit} to MANUAL first")
        return None  # a plain number within the write limits: the caller checks and stores it

    # ----------------------------------------------------------------- operator writes
    def write(self, name: str, value: float) -> dict[str, Value]:
        """An operator write: sets a setpoint or command, within the tag's write limits.

        Returns the values the write changed at once (a motor's state follows its command).
        """
        tag = self.tags.get(name)
        if tag is None or not tag.writable:
            raise SetpointError(f"{name} is not writable")
        loop_change = self._write_loop(name, value)
        if loop_change is not None:
            return loop_change
        if tag.data_type is DataType.BOOL:
            prefix = name.rsplit(".", 1)[0]
            motor = self.motors.get(prefix)
            if motor is not None:
                motor.command(bool(value))
            self.values[name] = bool(value)
            changed: dict[str, Value] = {name: bool(value)}
            if f"{prefix}.STATE" in self.values and motor is not None:
                self.values[f"{prefix}.STATE"] = changed[f"{prefix}.STATE"] = motor.state
            return changed
        low = tag.write_low if tag.write_low is not None else tag.eu_low
        high = tag.write_high if tag.write_high is not None else tag.eu_high
        if not (math.isfinite(value) and low <= value <= high):
            raise SetpointError(f"{name}: {value:g} outside {low:g}..{high:g}")
        unit, _, leaf = name.rpartition(".")
        if leaf == "OUT" and unit in LOOPS:
            self.out[unit] = float(value)
        else:
            self.sp[name] = float(value)
        if name.endswith(".BLAST_SP"):
            self.converters[int(name[3]) - 1].blast_sp = float(value)
        self.values[name] = float(value)
        return {name: float(value)}

    # ----------------------------------------------------------------- fault injection
    def instrument_fault(self, tag: str, mode: str = "frozen", duration_s: float = 3600.0, reason: str = "sensor") -> None:
        """An instrument fails for ``duration_s`` simulated seconds.

        ``frozen``: the reading sticks at its present value with Good quality (the HMI has
        to notice the flat line); ``bad``: the server flags it with the status of ``reason``
        (see ``app.sim.opcua_server.STATUS_FOR_REASON``).
        """
        if tag not in self.tags:
            raise KeyError(f"no tag {tag!r} in the layout")
        if mode == "frozen":
            self.frozen[tag] = self.values[tag]
        elif mode == "bad":
            self.bad[tag] = reason
        else:
            raise ValueError(f"instrument fault mode {mode!r}: use frozen or bad")
        self._faults_until[tag] = self.sim_time_s + duration_s

    def trip(self, prefix: str) -> dict[str, Value]:
        """A motor protection trip (e.g. ``AP.BLOWER``): FAULT until stopped and restarted.

        The motor's tags change at the next :meth:`step`, which publishes them: writing
        ``self.values`` here would make the step see no change, so the servers would keep
        showing RUNNING at 0 rpm and no trip alarm would fire.
        """
        motor = self.motors[prefix]
        motor.state = FAULT
        return {f"{prefix}.STATE": FAULT}

    def acid_upset(self, duration_s: float = 1800.0) -> None:
        """Catalyst bed 1 loses its ignition temperature: conversion falls, tail SO2 spikes."""
        self.upset_s = duration_s

    def short_cluster(self, section: int = 1, first: int = 10, count: int = 8, duration_s: float = 5400.0) -> None:
        """Short-circuit ``count`` neighbouring cells of a tankhouse section (1-based cells)."""
        shorts = self.short_left_s[section - 1]
        for c in range(first - 1, min(CELLS_PER_SECTION, first - 1 + count)):
            shorts[c] = duration_s * self.rng.uniform(0.8, 1.2)

    def _expire_faults(self) -> None:
        for tag, until in list(self._faults_until.items()):
            if self.sim_time_s >= until:
                del self._faults_until[tag]
                self.frozen.pop(tag, None)
                self.bad.pop(tag, None)

    # ----------------------------------------------------------------- stepping
    def step(self, dt_s: float) -> dict[str, Value]:
        """Advance ``dt_s`` simulated seconds; return every value that changed."""
        remaining = max(0.0, dt_s)
        while remaining > 1e-9:
            dt = min(self.SUBSTEP_S, remaining)
            self._advance(dt)
            remaining -= dt
        return self._publish()

    def _advance(self, dt: float) -> None:
        prev_shift = int(self.sim_time_s // SHIFT_S)
        self.sim_time_s += dt
        if int(self.sim_time_s // SHIFT_S) != prev_shift:
            self.matte_tapped_shift = self.slag_tapped_shift = self.cathode_shift = 0.0
            self.cw_count_shift = self.cw_rejects_shift = 0
        if self._faults_until:
            self._expire_faults()
        for m in self.motors.values():
            m.advance(dt)
        self._blending(dt)
        self._oxygen(dt)
        self._smelting(dt)
        self._converters(dt)
        self._anode_furnaces(dt)
        self._tankhouse(dt)
        self._slag(dt)
        self._acid_plant(dt)
        self._utilities(dt)
        self._people_and_cranes(dt)

    def _blending(self, dt: float) -> None:
        rng = self.rng
        belts = sum(self._running(b) for b in ("CB.BELT1", "CB.BELT2"))
        # the feed interlock: cooling water to the furnace jackets lost -> no concentrate feed
        self.feed_trip = self.cw_header_p < FEED_TRIP_BAR
        cap = 0.0 if self.feed_trip else 140.0 * belts
        self.feed = _lag(self.feed, min(self.demand("CB"), cap), dt, 300.0)
        for key, mean, sd in (("cu", 25.5, 0.5), ("s", 30.0, 0.8), ("fe", 28.0, 0.8), ("sio2", 7.0, 0.4)):
            x = self.blend[key]
            self.blend[key] = x + (mean - x) * dt / 14400 + sd * math.sqrt(2 * dt / 14400) * rng.gauss(0, 1)
        for i in range(4):
            self.bins[i] -= self.feed / 4 * dt / 3600 / 6.0  # a bin holds ~600 t; % per t
            if self.bins[i] < 35:
                self.bin_filling[i] = True
            if self.bin_filling[i]:
                self.bins[i] += 25.0 * dt / 3600 * (1 + 0.2 * i)
                if self.bins[i] > 85:
                    self.bin_filling[i] = False
        # copper and sulphur enter the balance here, as concentrate reaches the burner
        fed = self.feed * dt / 3600
        cu, s = fed * self.blend["cu"] / 100, fed * self.blend["s"] / 100
        self.ledger.cu_in += cu
        self.ledger.s_in += s
        self._smf_in = Lot(fed, cu, s)

    def _oxygen(self, dt: float) -> None:
        capacity = 60000.0 if self._running("OX.COMP") else 0.0
        want = self.smf_o2_flow + 10000.0  # converter enrichment, anode furnaces, other users
        produced = min(capacity, want + (2000.0 if self.lox_level < 85 else 0.0))
        self.lox_level = _clamp(self.lox_level + (produced - want) * dt / 3600 / 1500.0, 0.0, 100.0)
        self.ox_flow = produced
        self._o2_available = capacity > 0 or self.lox_level > 0.5

    def _smelting(self, dt: float) -> None:
        rng = self.rng
        h = dt / 3600
        target_enr = self.demand("SMF") if self._o2_available else 21.0
        self.o2_enr = _lag(self.o2_enr, target_enr, dt, 120.0)
        # Grade follows the oxygen put in per tonne of concentrate (the blast follows the feed).
        grade_target = 62.0 + 0.45 * (self.o2_enr - 65.0) + 0.4 * (self.blend["s"] - 30.0) * -1
        self.grade = _lag(self.grade, _clamp(grade_target, 45, 75), dt, 1800.0)
        self.t_proc = _lag(self.t_proc, 1300 + 3.0 * (self.o2_enr - 65) + 0.15 * (self.feed - 205), dt, 300.0)
        self.t_matte = _lag(self.t_matte, 1225 + 1.5 * (self.o2_enr - 65) + 0.1 * (self.feed - 205), dt, 3 * 3600.0)
        self.smf_slag_cu_pct = _clamp(0.9 + 0.06 * (self.grade - 62.0), 0.4, 4.0)
        # What goes in: new concentrate, flotation concentrate, matte recovered in the SCF.
        new = self._smf_in
        recycle = self.float_conc.take(min(self.float_conc.mass, 8.0 * h + self.float_conc.mass * dt / 21600))
        feed = Lot(new.mass, new.cu, new.s)
        feed.add(recycle)
        dust_cu, dust_s = feed.cu * 0.003, feed.s * 0.001  # to the dust bin and out (a loss)
        self.ledger.cu_dust += dust_cu
        self.ledger.s_dust += dust_s
        fe = new.mass * self.blend["fe"] / 100
        slag_mass = fe * 1.29 + new.mass * (self.blend["sio2"] / 100 + 0.17) + recycle.mass * 0.6
        slag = Lot(slag_mass, slag_mass * self.smf_slag_cu_pct / 100, slag_mass * 0.008)
        cu_matte = max(0.0, feed.cu - dust_cu - slag.cu)
        slag.cu = feed.cu - dust_cu - cu_matte
        matte = self._matte_lot(cu_matte / (self.grade / 100) if self.grade > 0 else 0.0, self.grade)
        s_avail = feed.s - dust_s
        slag.s = min(slag.s, s_avail)
        matte.s = min(matte.s, s_avail - slag.s)
        s_gas = s_avail - slag.s - matte.s
        self.furnace_matte.add(matte)
        self.furnace_slag.add(slag)
        self._smf_s_gas_t = s_gas
        so2 = s_gas * 1000 / 32.06 * NM3_PER_KMOL / h if h else 0.0  # Nm³/h
        o2_demand = 0.9 * (so2 + fe * 1000 / 55.85 * 0.5 * NM3_PER_KMOL / h)
        enr = self.o2_enr / 100
        self.smf_blast = o2_demand / max(enr, 0.21)
        self.smf_o2_flow = self.smf_blast * max(0.0, enr - 0.21) / (0.995 - 0.21)
        n2 = self.smf_blast * (1 - enr)
        self.smf_so2_nm3h = so2
        self.smf_offgas_so2 = 100 * so2 / max(1.0, n2 + so2 + 62000.0)
        # Slag tapping to the slag-cleaning furnace: batches between two thicknesses.
        slag_mm = self.furnace_slag.mass / SLAG_DENSITY / SETTLER_AREA_M2 * 1000
        if slag_mm > 750:
            self.slag_tapping = True
        if self.slag_tapping:
            tapped = self.furnace_slag.take(400.0 * h)
            self.scf.add(tapped)
            self.slag_tapped_shift += tapped.mass
            if slag_mm < 550:
                self.slag_tapping = False
        # Emergency matte tap to granulation when the converters fall behind.
        if self._matte_mm() > 950:
            part = self.furnace_matte.take(300.0 * h)
            self.matte_store.add(part)
            self.matte_tapped_shift += part.mass
        # Slag-cleaning furnace: matte settles out of the slag back to the furnace matte.
        self.scf_power = _lag(self.scf_power, 14.0 + rng.gauss(0, 0.3), dt, 600.0)
        target_cu = (0.6 - 0.03 * (self.scf_power - 14.0)) / 100
        if self.scf.mass > 1:
            excess = self.scf.cu - target_cu * self.scf.mass
            if excess > 0:
                rec_cu = excess * (1 - math.exp(-dt / 7200))
                rec_s = self.scf.s * rec_cu / self.scf.cu * 0.5
                self.scf.cu -= rec_cu
                self.scf.s -= rec_s
                self.scf.mass -= rec_cu + rec_s
                self.furnace_matte.add(Lot(rec_cu + rec_s, rec_cu, rec_s))
        if self.scf.mass > 450:
            self.scf_tapping = True
        if self.scf_tapping:
            self.slag_yard.add(self.scf.take(300.0 * h))
            if self.scf.mass < 250:
                self.scf_tapping = False

    def _matte_mm(self) -> float:
        return self.furnace_matte.mass / MATTE_DENSITY / SETTLER_AREA_M2 * 1000

    def _converters(self, dt: float) -> None:
        h = dt / 3600
        acid_ok = self._running("AP.BLOWER")
        for c in self.converters:
            c.in_state_s += dt
            c.cycle_s += dt
            blowing = c.state in (SLAG_BLOW, COPPER_BLOW)
            blower_ok = self._running(f"PSC{c.n}.BLOWER")
            target = self.demand(f"PSC{c.n}") if blowing and blower_ok and acid_ok else 0.0
            c.blast = _lag(c.blast, target, dt, 60.0)
            o2_kmol = c.blast * 0.21 * 0.95 * h / NM3_PER_KMOL
            c.so2_nm3h = 0.0
            if c.state == IDLE:
                c.t_bath = _lag(c.t_bath, 1050.0, dt, 6 * 3600.0)
                if c.in_state_s > 2700 and (self._matte_mm() > 560 or self.matte_store.mass > 50):
                    self._enter(c, CHARGING)
                    c.cycle_s = 0.0
                    c.charged = 0.0
            elif c.state == CHARGING:
                want = min(200.0 * h, CONVERTER_CHARGE_T - c.bath.mass)
                # granulated matte goes in as coolant (a tenth of the charge), the rest is hot matte
                cold = self.matte_store.take(min(0.1 * want, self.matte_store.mass))
                avail = max(0.0, self.furnace_matte.mass - 0.4 * MATTE_DENSITY * SETTLER_AREA_M2)
                part = self.furnace_matte.take(min(want - cold.mass, avail))
                part.add(cold)
                if part.mass < want:
                    part.add(self.matte_store.take(min(want - part.mass, 0.5 * want)))
                if part.mass > 0:
                    c.t_bath = (c.t_bath * c.bath.mass + 1220.0 * part.mass) / (c.bath.mass + part.mass)
                c.bath.add(part)
                c.charged += part.mass
                self.matte_tapped_shift += part.mass
                if c.bath.mass >= CONVERTER_CHARGE_T - 1e-6:
                    self._enter(c, SLAG_BLOW)
            elif c.state == SLAG_BLOW:
                fes_s = c.bath.s - c.bath.cu * S_PER_CU_IN_CU2S
                s_out = min(max(0.0, fes_s), o2_kmol / 1.5 * 32.06 / 1000)
                fe_out = s_out * 55.85 / 32.06
                c.bath.s -= s_out
                c.bath.mass -= s_out + fe_out
                c.slag.mass += fe_out * 71.85 / 55.85 * 1.4  # FeO + silica flux
                self._converter_gas(c, s_out, h)
                c.t_bath = _lag(c.t_bath, 1250.0, dt, 1.5 * 3600)
                if fes_s - s_out <= 0.3:
                    # Cu entrained in the converter slag (~4.5 % of it)
                    cu_slag = min(c.bath.cu * 0.02, c.slag.mass * 0.045)
                    s_slag = cu_slag * 0.25
                    c.bath.cu -= cu_slag
                    c.bath.s -= s_slag
                    c.bath.mass -= cu_slag + s_slag
                    c.slag.cu += cu_slag
                    c.slag.s += s_slag
                    self._enter(c, SKIMMING)
            elif c.state == SKIMMING:
                c.t_bath = _lag(c.t_bath, 1150.0, dt, 3 * 3600)
                if c.in_state_s >= 2400:
                    self.slag_yard.add(c.slag)
                    c.slag = Lot()
                    self._enter(c, COPPER_BLOW)
            elif c.state == COPPER_BLOW:
                s_end = c.bath.cu * 0.0004
                s_out = min(max(0.0, c.bath.s - s_end), o2_kmol * 32.06 / 1000)
                c.bath.s -= s_out
                c.bath.mass -= s_out
                self._converter_gas(c, s_out, h)
                c.t_bath = _lag(c.t_bath, 1225.0, dt, 1.5 * 3600)
                if c.bath.s - s_end <= 1e-3:
                    c.bath.mass = c.bath.cu / 0.985 if c.bath.cu > 0 else 0.0
                    c.bath.mass = max(c.bath.mass, c.bath.cu + c.bath.s)
                    self._enter(c, POURING)
            elif c.state == POURING:
                self.blister.add(c.bath.take(350.0 * h))
                c.t_bath = _lag(c.t_bath, 1150.0, dt, 3 * 3600)
                if c.bath.mass < 1e-6:
                    self.blister.add(c.bath)
                    c.bath = Lot()
                    c.batches += 1
                    c.last_cycle_h = c.cycle_s / 3600
                    if c.batches >= 250:
                        self._enter(c, MAINTENANCE)
                        c.maintenance_s = 5 * 86400.0  # relining
                    elif self.rng.random() < 0.03:
                        self._enter(c, MAINTENANCE)
                        c.maintenance_s = 8 * 3600.0  # tuyere line repair
                    else:
                        self._enter(c, IDLE)
            elif c.state == MAINTENANCE:
                c.t_bath = _lag(c.t_bath, 900.0, dt, 12 * 3600)
                if c.in_state_s >= c.maintenance_s:
                    if c.batches >= 250:
                        c.batches = 0
                    self._enter(c, IDLE)

    @staticmethod
    def _enter(unit: Converter | AnodeFurnace, state: int) -> None:
        unit.state = state
        unit.in_state_s = 0.0

    def _converter_gas(self, c: Converter, s_out: float, h: float) -> None:
        so2 = s_out * 1000 / 32.06 * NM3_PER_KMOL / h if h else 0.0
        c.so2_nm3h = so2
        self._conv_s_gas_t += s_out

    def _anode_furnaces(self, dt: float) -> None:
        h = dt / 3600
        rng = self.rng
        casting_busy = any(a.state == AF_CASTING for a in self.afs)
        self.cw_rate = 0.0
        for a in self.afs:
            a.in_state_s += dt
            a.cycle_s += dt
            if a.state == AF_IDLE:
                a.t_bath = _lag(a.t_bath, 1100.0, dt, 6 * 3600)
                if a.in_state_s > 1800:
                    self._enter(a, AF_CHARGING)
                    a.cycle_s = 0.0
                    a.bath.add(self.rejects)
                    self.rejects = Lot()
            elif a.state == AF_CHARGING:
                a.bath.add(self.blister.take(min(150.0 * h, AF_CHARGE_T - a.bath.mass)))
                a.t_bath = _lag(a.t_bath, 1170.0, dt, 3600)
                a.o_ppm = _lag(a.o_ppm, 3000.0, dt, 3600)
                if a.bath.mass >= AF_CHARGE_T - 1e-6:
                    self._enter(a, AF_MELTING)
            elif a.state == AF_MELTING:
                a.t_bath = _lag(a.t_bath, 1190.0, dt, 1800)
                if a.in_state_s >= 3600:
                    self._enter(a, AF_OXIDISING)
            elif a.state == AF_OXIDISING:
                s_target = a.bath.mass * 0.00001
                removed = (a.bath.s - s_target) * (1 - math.exp(-dt / 2400)) if a.bath.s > s_target else 0.0
                a.bath.s -= removed
                a.bath.mass -= removed
                self.ledger.s_emitted += removed  # anode furnace off-gas goes to the stack scrubber
                a.o_ppm = _lag(a.o_ppm, 6500.0, dt, 2400)
                a.t_bath = _lag(a.t_bath, 1200.0, dt, 1800)
                if a.in_state_s >= 2.5 * 3600:
                    self._enter(a, AF_SKIMMING)
            elif a.state == AF_SKIMMING:
                if a.in_state_s >= 2700:
                    skim = Lot(a.bath.cu * 0.004 * 2, a.bath.cu * 0.004, 0.0)
                    a.bath.cu -= skim.cu
                    a.bath.mass -= skim.cu
                    self.slag_yard.add(skim)
                    self._enter(a, AF_REDUCING)
            elif a.state == AF_REDUCING:
                a.o_ppm = _lag(a.o_ppm, 2300.0, dt, 2400)
                a.t_bath = _lag(a.t_bath, 1190.0, dt, 1800)
                if a.in_state_s >= 2.5 * 3600 and not casting_busy:
                    self._enter(a, AF_CASTING)
                    casting_busy = True
            elif a.state == AF_CASTING:
                self.cw_rate = 80.0 * (1 + 0.03 * rng.gauss(0, 1))
                poured = a.bath.take(self.cw_rate * h)
                self._cast(poured)
                a.t_bath = _lag(a.t_bath, 1180.0, dt, 3600)
                if a.bath.mass < 0.05:
                    self._cast(a.bath)
                    a.bath = Lot()
                    a.last_cycle_h = a.cycle_s / 3600
                    self._enter(a, AF_IDLE)
        self.cw_mould_t = _lag(self.cw_mould_t, 220.0 if self.cw_rate > 0 else 60.0, dt, 1200.0)

    def _cast(self, lot: Lot) -> None:
        """Anodes come off the wheel: masses scatter around the target; the bad ones go back."""
        target = self.sp["CW.TARGET_MASS"]
        self.cw_partial += lot.mass * 1000
        share = lot.mass
        n = bad = 0
        while self.cw_partial >= target:
            mass = target * (1 + self.rng.gauss(0, 0.006))
            self.cw_partial -= target
            self.cw_last_mass = mass
            n += 1
            if abs(mass - target) > 0.015 * target or self.rng.random() < 0.008:
                self.cw_rejects_shift += 1
                bad += 1
            self.cw_count_shift += 1
        if n and share > 0:
            self.rejects.add(lot.take(share * bad / n))
        self.anode_yard.add(Lot(lot.mass, lot.cu, lot.s))
        lot.mass = lot.cu = lot.s = 0.0

    def _tankhouse(self, dt: float) -> None:
        rng = self.rng
        h = dt / 3600
        pumps = sum(self._running(p) for p in ("TH.CIRC_P1", "TH.CIRC_P2"))
        t_target = 63.0 + 0.08 * (sum(self.rect_i) / 2 - 42.0) if pumps else 52.0
        self.t_elec = _lag(self.t_elec, t_target, dt, 1800.0) + 0.01 * math.sqrt(dt) * rng.gauss(0, 1)
        self.h2so4 += (165.0 - self.h2so4) * dt / 172800 + 0.05 * math.sqrt(dt / 60) * rng.gauss(0, 1)
        cu_gpl = self.elec.cu * 1000 / self.elec_volume_m3
        deposit_kg_h = 0.0
        dc_kw = 0.0
        short_rate = 1 / (10 * 86400.0)  # per cell: one short in ten days
        for sec in (0, 1):
            # rectifier permissive: without electrolyte circulation the rectifier runs down
            target_i = self.demand(f"TH.RECT{sec + 1}") if pumps else 0.0
            self.rect_i[sec] = _lag(self.rect_i[sec], target_i, dt, 30.0)
            i_ka = self.rect_i[sec]
            cd = i_ka * 1000 / CATHODE_AREA_M2
            shorts = self.short_left_s[sec]
            v = self.cell_v[sec]
            eff_sum = 0.0
            base_ce = 97.2 - 0.006 * (cd - 235) - 0.15 * abs(self.t_elec - 63) - 0.02 * abs(cu_gpl - 45)
            for c in range(CELLS_PER_SECTION):
                if shorts[c] > 0:
                    shorts[c] -= dt
                    v[c] = 0.06 + 0.04 * rng.random()
                    eff_sum += 0.4
                else:
                    if rng.random() < short_rate * dt:
                        shorts[c] = rng.uniform(1800, 4 * 3600)
                    v[c] = (0.215 + 0.0021 * i_ka - 0.004 * (self.t_elec - 63) - 0.0004 * (self.h2so4 - 165)
                            + self.cell_offset[sec][c])
                    eff_sum += 1.0
            ce = base_ce * eff_sum / CELLS_PER_SECTION
            self.section_ce[sec] = ce
            deposit_kg_h += i_ka * ce / 100 * FARADAY_KG_PER_KAH * CELLS_PER_SECTION
            dc_kw += i_ka * (sum(v) + 0.3)
        # the 23 sections without cell-by-cell instruments run at nominal current
        others = SECTIONS_TOTAL - 2
        ce_o = 96.5 - 0.15 * abs(self.t_elec - 63)
        deposit_kg_h += 42.0 * ce_o / 100 * FARADAY_KG_PER_KAH * CELLS_PER_SECTION * others
        dc_kw += 42.0 * (CELLS_PER_SECTION * 0.303 + 0.3) * others
        self.th_dc_kw = dc_kw
        self.th_deposit_tph = deposit_kg_h / 1000
        deposit = self.th_deposit_tph * h
        dissolve = deposit * 1.02  # anodes dissolve a little faster than cathodes grow
        part = self.anodes_in_cells.take(dissolve * self.anodes_in_cells.mass / max(self.anodes_in_cells.cu, 1e-9))
        self.ledger.s_slimes += part.s
        self.elec.add(Lot(part.cu, part.cu, 0.0))
        plated = self.elec.take(min(deposit, self.elec.mass))
        self.cathode_in_cells.add(plated)
        # liberator cells take the surplus Cu out of the bleed
        bleed = max(0.0, (cu_gpl - 44.0)) * 0.05 * h * self.elec_volume_m3 / 1000
        self.ledger.cu_liberator += self.elec.take(bleed).cu
        harvested = self.cathode_in_cells.take(self.cathode_in_cells.mass * dt / (3.5 * 86400))
        self.ledger.cu_cathode += harvested.cu
        self.cathode_shift += harvested.mass
        # the crane sets new anodes as the old ones dissolve
        refill = max(0.0, 20000.0 - self.anodes_in_cells.mass)
        self.anodes_in_cells.add(self.anode_yard.take(min(refill, 200.0 * h)))

    def _slag(self, dt: float) -> None:
        h = dt / 3600
        rng = self.rng
        running = self._running("SF.MILL.MOTOR")
        target = _clamp(120.0 + (self.slag_yard.mass - 2500) * 0.02, 60.0, 160.0) if running else 0.0
        self.sf_feed = _lag(self.sf_feed, target, dt, 600.0)
        feed = self.slag_yard.take(self.sf_feed * h)
        if feed.mass <= 1e-9:
            return
        self.sf_feed_cu = 100 * feed.cu / feed.mass
        self.sf_feed_s = 100 * feed.s / feed.mass
        self.sf_tail_cu = _clamp(0.26 + 0.0008 * (self.sf_feed - 120) + 0.01 * rng.gauss(0, 1), 0.15, 0.6)
        self.sf_conc_cu = _clamp(21.5 + 0.3 * rng.gauss(0, 1), 15, 30)
        f, c, t = self.sf_feed_cu, self.sf_conc_cu, min(self.sf_tail_cu, self.sf_feed_cu * 0.9)
        conc_mass = feed.mass * (f - t) / (c - t) if c > t else 0.0
        rec = conc_mass * c / (feed.mass * f) if f > 0 else 0.0
        self.sf_rec = 100 * rec
        conc = Lot(conc_mass, feed.cu * rec, feed.s * rec)
        self.float_conc.add(conc)
        self.ledger.cu_slag_loss += feed.cu - conc.cu
        self.ledger.s_slag_loss += feed.s - conc.s

    def _acid_plant(self, dt: float) -> None:
        h = dt / 3600
        rng = self.rng
        s_gas = self._smf_s_gas_t + self._conv_s_gas_t
        self._conv_s_gas_t = 0.0
        so2 = s_gas * 1000 / 32.06 * NM3_PER_KMOL / h if h else 0.0
        blower = self.motors.get("AP.BLOWER")
        speed_sp = self.demand("AP.BLOWER") if blower is None or blower.running else 0.0
        self._blower_speed = _lag(self._blower_speed, speed_sp, dt, 20.0)
        if speed_sp == 0.0 and self._blower_speed < 50.0:
            self._blower_speed = 0.0  # coasted to a stop
        self.ap_gas_flow = 85.0 * self._blower_speed
        if self.ap_gas_flow < 20000:  # blower down: gas goes to the emergency stack
            self.ledger.s_emitted += s_gas
            self.ap_so2_pct = 0.0
            self.conv_tot = _lag(self.conv_tot, 0.0, dt, 60)
            self.tail_mg = 0.0
            for bed in self.bed_t:
                bed[0] = _lag(bed[0], 200.0, dt, 3600)
                bed[1] = _lag(bed[1], 200.0, dt, 3600)
            self.acid_rate = 0.0
            self._acid_tank_ship(h)
            return
        self.ap_so2_pct = min(30.0, 100 * so2 / self.ap_gas_flow)
        x = self.ap_so2_pct
        bed1_in_target = 435.0 - (400.0 if self.upset_s > 0 else 0.0) * min(1.0, self.upset_s / 600)
        self.upset_s = max(0.0, self.upset_s - dt)
        self.bed_t[0][0] = _lag(self.bed_t[0][0], bed1_in_target, dt, 300.0)
        ignited = _clamp((self.bed_t[0][0] - 380.0) / 40.0, 0.0, 1.0)
        autothermal = _clamp((x - 4.0) / 3.0, 0.0, 1.0)
        conv1 = 0.65 * ignited * autothermal
        rises = [x * conv1 * 24.0, x * 0.25 * 24.0 * autothermal, x * 0.06 * 24.0 * autothermal, x * 0.03 * 24.0 * autothermal]
        tins = [self.bed_t[0][0], 445.0, 435.0, 415.0]
        for i, bed in enumerate(self.bed_t):
            if i:
                bed[0] = _lag(bed[0], tins[i] if autothermal > 0.5 else 300.0, dt, 1200.0)
            bed[1] = _lag(bed[1], bed[0] + rises[i], dt, 1200.0)
        space_velocity = self.ap_gas_flow / 400000.0
        target_conv = 99.95 - 0.02 * max(0.0, x - 11) - 0.03 * max(0.0, space_velocity - 1) * 10
        target_conv = min(target_conv, 100 - (100 - 99.95) / max(ignited * autothermal, 0.002))
        self.conv_tot = _clamp(_lag(self.conv_tot, target_conv, dt, 300.0), 0.0, 99.99)
        converted = s_gas * self.conv_tot / 100
        self.ledger.s_emitted += s_gas - converted
        self.tail_mg = (1 - self.conv_tot / 100) * so2 * 2.926e6 / max(1.0, self.ap_gas_flow * (1 - x / 100 * 1.5))
        self.tail_mg *= 1 + 0.02 * rng.gauss(0, 1)
        self.acid_rate = converted / h * 98.08 / 32.06 / 0.985 if h else 0.0
        self.acid_tank.add(Lot(converted * 98.08 / 32.06 / 0.985, 0.0, converted))
        self._acid_tank_ship(h)

    def _acid_tank_ship(self, h: float) -> None:
        level = self.acid_tank.mass / 20000.0 * 100
        if level > 80:
            self.acid_shipping = True
        if self.acid_shipping:
            self.ledger.s_acid += self.acid_tank.take(400.0 * h).s
            if level < 30:
                self.acid_shipping = False

    def _utilities(self, dt: float) -> None:
        h = dt / 3600
        pumps = sum(self._running(p) for p in ("WT.P1", "WT.P2"))
        self.cw_header_p = _lag(self.cw_header_p, (0.4, 4.0, 4.8)[pumps], dt, 30.0)
        self.cw_supply_t = _lag(self.cw_supply_t, (45.0, 29.0, 27.5)[pumps], dt, 1800.0)
        blower = self.motors.get("AP.BLOWER")
        blower_kw = 7000.0 * (self._blower_speed / 4200.0) ** 3 if blower and blower.running else 0.0
        conv_kw = sum(2600.0 * c.blast / 36000 + (150.0 if self._running(f"PSC{c.n}.BLOWER") else 0.0) for c in self.converters)
        self.em_kw = {
            "CB": 600.0 + 4.0 * self.feed,
            "SMF": 4500.0 + 1000.0 * self.scf_power,
            "PSC": 400.0 + conv_kw,
            "AF": 900.0 + 300.0 * sum(a.state in (AF_OXIDISING, AF_REDUCING) for a in self.afs) + (400.0 if self.cw_rate else 0.0),
            "TH": self.th_dc_kw / 0.97 + 90.0 * sum(self._running(p) for p in ("TH.CIRC_P1", "TH.CIRC_P2")),
            "AP": 1200.0 + blower_kw,
            "SF": 600.0 + 26.0 * self.sf_feed,
            "OX": 500.0 + 0.38 * self.ox_flow,
            "WT": 250.0 + 180.0 * pumps,
        }
        for area, kw in self.em_kw.items():
            self.em_kwh[area] += kw * h

    def _people_and_cranes(self, dt: float) -> None:
        rng = self.rng
        weights = list(self.zone_weights)
        weights[1] += 4 * sum(c.state in (CHARGING, SKIMMING, POURING) for c in self.converters)
        weights[2] += 4 if self.cw_rate > 0 else 0
        p_move = min(1.0, dt / 1800.0)
        for i in range(len(self.people)):
            if rng.random() < p_move:
                self.people[i] = rng.choices(range(8), weights)[0]
        # converter-aisle cranes shuttle ladles between the furnace tap (x=5) and the converters
        busy = [c for c in self.converters if c.state in (CHARGING, SKIMMING, POURING)]
        for key, crane in self.crane.items():
            x, y, _load, leg = crane
            tx, ty = self.crane_target[key]
            if abs(tx - x) < 0.5 and abs(ty - y) < 0.5:
                crane[3] = leg = 1 - leg
                if key == "TH.CRANE":
                    tx, ty = rng.uniform(10, 190), rng.uniform(3, 27)
                else:
                    job = busy[int(key[-1]) % len(busy)] if busy else None
                    conv_x = 25.0 + 30.0 * (job.n - 1) if job else (60.0 if key.endswith("1") else 100.0)
                    tx, ty = ((5.0, 8.0) if leg else (conv_x, 15.0)) if job else (conv_x, 20.0)
                self.crane_target[key] = (tx, ty)
            step = 1.0 * dt  # m/s
            crane[0] = x + _clamp(tx - x, -step, step)
            crane[1] = y + _clamp(ty - y, -step * 0.5, step * 0.5)
            crane[2] = (55.0 if leg and key != "TH.CRANE" and busy else 12.0 if key == "TH.CRANE" and leg else 0.0)

    # ----------------------------------------------------------------- tags
    def _noise(self, sd: float) -> float:
        return self.rng.gauss(0.0, sd)

    def _publish(self) -> dict[str, Value]:
        """Compute every tag from the state; return those whose value changed."""
        n = self._noise
        v: dict[str, Value] = {}
        v.update(self.sp)
        for unit, sp in LOOPS.items():
            if self.mode[unit] == AUTO:  # the output follows the controller (bumpless to MANUAL)
                self.out[unit] = self._percent(unit, self.sp[sp])
            v[f"{unit}.MODE"] = self.mode[unit]
            v[f"{unit}.OUT"] = self.out[unit]
        acid_ok = self._running("AP.BLOWER")
        for c in self.converters:
            v[f"PSC{c.n}.BLAST_PERMISSIVE"] = acid_ok and self._running(f"PSC{c.n}.BLOWER")
        circulation = any(self._running(p) for p in ("TH.CIRC_P1", "TH.CIRC_P2"))
        v["TH.RECT1.PERMISSIVE"] = v["TH.RECT2.PERMISSIVE"] = circulation
        v["SMF.O2_PERMISSIVE"] = self._o2_available
        v["SMF.FEED_INTERLOCK"] = self.feed_trip
        v["CB.FEED_RATE"] = self.feed + n(0.4)
        for i, level in enumerate(self.bins, 1):
            v[f"CB.BIN{i}.LEVEL"] = level
        v["CB.BLEND_CU"], v["CB.BLEND_S"] = self.blend["cu"], self.blend["s"]
        v["CB.BLEND_FE"], v["CB.BLEND_SIO2"] = self.blend["fe"], self.blend["sio2"]
        v["CB.DRYER.MOIST_OUT"] = 0.2 + n(0.02)
        v["CB.DRYER.STEAM_P"] = 10.0 + n(0.1)
        v["CB.DRYER.T_OUT"] = 95.0 + 0.05 * (self.feed - 205) + n(0.5)
        v["SMF.MATTE_CU"] = self.grade + n(0.1)
        v["SMF.T_MATTE"] = self.t_matte + n(0.8)
        v["SMF.T_PROC"] = self.t_proc + n(1.5)
        v["SMF.T_SLAG"] = self.t_matte + 45 + n(0.8)
        v["SMF.O2_ENR"] = self.o2_enr + n(0.05)
        v["SMF.OFFGAS_SO2"] = self.smf_offgas_so2 + n(0.15)
        v["SMF.SLAG_CU"] = self.smf_slag_cu_pct + n(0.01)
        v["SMF.SLAG_FE_SIO2"] = self.blend["fe"] / (self.blend["sio2"] + 17.0)
        matte_mm = self._matte_mm()
        slag_mm = self.furnace_slag.mass / SLAG_DENSITY / SETTLER_AREA_M2 * 1000
        v["SMF.MATTE_LEVEL"] = matte_mm + n(2)
        v["SMF.BATH_LEVEL"] = matte_mm + slag_mm + n(3)
        v["SMF.PROC_AIR"] = self.smf_blast + n(80)
        v["SMF.O2_FLOW"] = self.smf_o2_flow + n(60)
        speed = self._blower_speed
        v["SMF.DRAFT_P"] = _clamp(-100.0 - 0.08 * (speed - 4200.0) + (120.0 if speed < 500 else 0.0) + n(3), -300, 100)
        v["SMF.MATTE_TAPPED"] = self.matte_tapped_shift
        v["SMF.SLAG_TAPPED"] = self.slag_tapped_shift
        for i in range(1, 9):
            v[f"SMF.SHELL_T{i}"] = 120 + 6 * i % 40 + 0.3 * (self.t_matte - 1225) + 0.05 * (matte_mm - 700) + n(0.5)
        for i in range(1, 5):
            v[f"SMF.JACKET{i}.T_OUT"] = self.cw_supply_t + 9.0 + i * 0.6 + 0.02 * (self.t_proc - 1300) + n(0.2)
        v["SMF.WHB.STEAM_FLOW"] = 75.0 * self.feed / 205 + n(0.5)
        v["SMF.WHB.STEAM_P"] = 50.0 + n(0.3)
        v["SMF.WHB.DRUM_LEVEL"] = n(8)
        v["SMF.WHB.T_OUT"] = 355.0 + 0.1 * (self.t_proc - 1300) + n(1)
        v["SCF.POWER"] = self.scf_power
        v["SCF.T_SLAG"] = 1240.0 + 4.0 * (self.scf_power - 14) + n(1)
        v["SCF.SLAG_CU"] = 100 * self.scf.cu / self.scf.mass if self.scf.mass > 1 else 0.6
        for i in range(1, 4):
            v[f"SCF.ELEC{i}.POS"] = 1000 + 30 * i + n(5)
            v[f"SCF.ELEC{i}.I"] = self.scf_power / 14 * 30 + n(0.3)
        for c in self.converters:
            p = f"PSC{c.n}"
            blowing = c.state in (SLAG_BLOW, COPPER_BLOW)
            v[f"{p}.STATE"] = c.state
            v[f"{p}.BLAST_FLOW"] = max(0.0, c.blast + (n(100) if c.blast > 100 else 0.0))
            v[f"{p}.TUYERE_FLOW"] = c.blast / 50 / 60
            v[f"{p}.T_BATH"] = c.t_bath + n(1.0)
            o2 = c.blast * 0.21 * 0.95
            gas = c.blast - o2 + c.so2_nm3h + 0.6 * c.blast
            v[f"{p}.OFFGAS_SO2"] = max(0.0, 100 * c.so2_nm3h / gas + n(0.1)) if blowing and gas > 1000 else 0.0
            v[f"{p}.TILT"] = {IDLE: 60.0, CHARGING: 60.0, SKIMMING: 75.0, POURING: 80.0, MAINTENANCE: 90.0}.get(c.state, 0.0)
            v[f"{p}.BATCHES"] = c.batches
            v[f"{p}.MATTE_CHARGED"] = c.charged
            v[f"{p}.BLISTER_CU"] = 98.5 + n(0.05) if c.state in (COPPER_BLOW, POURING) else 98.5
            v[f"{p}.CYCLE_H"] = min(24.0, c.cycle_s / 3600)
        for key, crane in self.crane.items():
            v[f"{key}.X"], v[f"{key}.Y"], v[f"{key}.LOAD"] = crane[0], crane[1], crane[2]
        for a in self.afs:
            p = f"AF{a.n}"
            v[f"{p}.STATE"] = a.state
            v[f"{p}.T_BATH"] = a.t_bath + n(1.0)
            v[f"{p}.S_END"] = 100 * a.bath.s / a.bath.mass if a.bath.mass > 1 else 0.0
            v[f"{p}.O_END"] = a.o_ppm + n(20)
            v[f"{p}.CHARGE"] = a.bath.mass
            v[f"{p}.FUEL_FLOW"] = {AF_IDLE: 300.0, AF_REDUCING: 1400.0, AF_MELTING: 1300.0}.get(a.state, 800.0) + n(10)
            v[f"{p}.CYCLE_H"] = min(30.0, a.cycle_s / 3600)
        v["CW.ANODE_MASS"] = self.cw_last_mass
        v["CW.RATE"] = self.cw_rate
        v["CW.COUNT"] = self.cw_count_shift
        v["CW.REJECTS"] = self.cw_rejects_shift
        v["CW.MOULD_T"] = self.cw_mould_t + n(0.5)
        for sec in (0, 1):
            u = f"TH.S{sec + 1}"
            for ci, cv in enumerate(self.cell_v[sec], 1):
                v[f"{u}.C{ci:02d}.V"] = cv + n(0.001)
            v[f"{u}.SHORTS"] = sum(1 for s in self.short_left_s[sec] if s > 0)
            r = f"TH.RECT{sec + 1}"
            v[f"{r}.I"] = self.rect_i[sec] + n(0.02)
            v[f"{r}.V"] = sum(self.cell_v[sec]) + 0.3
            v[f"{r}.CD"] = self.rect_i[sec] * 1000 / CATHODE_AREA_M2
            v[f"{r}.T"] = 45 + 0.5 * self.rect_i[sec] + n(0.2)
        v["TH.T_ELEC"] = self.t_elec
        v["TH.CU"] = self.elec.cu * 1000 / self.elec_volume_m3
        v["TH.H2SO4"] = self.h2so4
        ce = (self.section_ce[0] + self.section_ce[1]) / 2
        v["TH.CE"] = ce
        cell_v = (sum(self.cell_v[0]) + sum(self.cell_v[1]) + 0.6) / (2 * CELLS_PER_SECTION)
        v["TH.DC_SPEC"] = cell_v * 1000 / (ce / 100 * FARADAY_KG_PER_KAH) if ce > 0 else 0.0
        pumps = sum(self._running(p) for p in ("TH.CIRC_P1", "TH.CIRC_P2"))
        v["TH.CIRC_FLOW"] = 420.0 * pumps + (n(5) if pumps else 0.0)
        v["TH.CATHODE_T"] = self.cathode_shift
        v["TH.CRANE.X"], v["TH.CRANE.Y"] = self.crane["TH.CRANE"][0], self.crane["TH.CRANE"][1]
        v["AP.SO2_FEED"] = self.ap_so2_pct + (n(0.05) if self.ap_so2_pct else 0.0)
        v["AP.GAS_FLOW"] = self.ap_gas_flow + (n(300) if self.ap_gas_flow else 0.0)
        v["AP.GC.T_OUT"] = 35.0 + n(0.2)
        v["AP.GC.DP"] = 1.2 * (self.ap_gas_flow / 382500) ** 2 + n(0.02)
        v["AP.DRY_ACID"] = 93.2 + n(0.05)
        v["AP.DEW_POINT"] = -50.0 + n(0.5)
        for b, (tin, tout) in enumerate(self.bed_t, 1):
            v[f"AP.BED{b}_TIN"], v[f"AP.BED{b}_TOUT"] = tin + n(0.3), tout + n(0.3)
        v["AP.CONV_TOT"] = _clamp(self.conv_tot, 0, 100)
        v["AP.ABS_ACID"] = 98.5 - (0.8 if self.upset_s > 0 else 0.0) + n(0.03)
        v["AP.ABS_T"] = 90.0 + n(0.5)
        v["AP.TAIL_SO2"] = max(0.0, self.tail_mg)
        v["AP.ACID_RATE"] = self.acid_rate
        v["AP.ACID_TANK"] = self.acid_tank.mass / 20000.0 * 100
        v["AP.BLOWER.SPEED"] = speed + (n(5) if speed > 10 else 0.0)
        v["SF.FEED_RATE"] = self.sf_feed
        v["SF.FEED_CU"] = self.sf_feed_cu
        v["SF.GRIND"] = 86.0 - 0.05 * (self.sf_feed - 120) + n(0.3)
        v["SF.MILL.POWER"] = 27.0 * self.sf_feed + n(20) if self.sf_feed > 1 else 0.0
        v["SF.CONC_CU"], v["SF.TAIL_CU"], v["SF.REC"] = self.sf_conc_cu, self.sf_tail_cu, self.sf_rec
        for i in range(1, 7):
            v[f"SF.CELL{i}.LEVEL"] = 300 + n(8)
        v["OX.O2_FLOW"] = self.ox_flow
        v["OX.PURITY"] = 99.5 + n(0.03) if self.ox_flow > 0 else 95.0
        v["OX.P_OUT"] = (6.5 if self.ox_flow > 0 or self.lox_level > 1 else 0.5) + n(0.02)
        v["OX.LOX_LEVEL"] = self.lox_level
        v["OX.COMP.POWER"] = self.em_kw["OX"] / 1000 - 0.5 if self._running("OX.COMP") else 0.0
        total_kw = sum(self.em_kw.values())
        v["PD.MAIN.V"] = 113.0 - total_kw / 1e5 + n(0.1)
        v["PD.MAIN.P"] = total_kw / 1000
        v["PD.MAIN.PF"] = _clamp(0.95 + n(0.003), 0, 1)
        v["PD.MAIN.F"] = 50.0 + n(0.01)
        for area, kw in self.em_kw.items():
            v[f"EM.{area}.KW"] = kw
            v[f"EM.{area}.KWH"] = self.em_kwh[area]
        v["WT.INFLOW"] = 350.0 + n(3)
        v["WT.PH_IN"] = 2.5 + n(0.05)
        v["WT.PH_OUT"] = 7.5 + n(0.05)
        v["WT.TURBIDITY"] = 3.0 + abs(n(0.3))
        v["WT.RECYCLE"] = 96.5 + n(0.1)
        v["WT.CW_T_SUPPLY"] = self.cw_supply_t + n(0.05)
        v["WT.CW_P"] = self.cw_header_p + n(0.01)
        for prefix, m in self.motors.items():
            v[f"{prefix}.STATE"] = m.state
            v[f"{prefix}.CMD"] = m.cmd
            v[f"{prefix}.RUN_HOURS"] = m.run_hours
            running = m.state == RUNNING
            v[f"{prefix}.VIB"] = max(0.0, m.vib_base + m.wear + n(0.05)) if running else abs(n(0.02))
            v[f"{prefix}.CURRENT"] = max(0.0, m.nominal_a * (1 + n(0.01))) if running else 0.0
        counts = [0] * 8
        for z in self.people:
            counts[z] += 1
        for z in range(8):
            v[f"HSE.Z{z + 1:02d}.PERSONS"] = counts[z]
        self._publish_inventories(v)
        v["HSE.AMBIENT_SO2"] = max(0.0, 0.4 + 0.9 * sum(c.state in (CHARGING, SKIMMING, POURING) for c in self.converters) + n(0.1))
        # clamp into each tag's EU range, apply stuck instruments, report what changed
        changed: dict[str, Value] = {}
        old = self.values
        for name, value in v.items():
            tag = self.tags.get(name)
            if tag is None:
                continue
            if name in self.frozen:
                value = self.frozen[name]
            elif tag.data_type is DataType.FLOAT:
                value = _clamp(float(value), tag.eu_low, tag.eu_high)
            elif tag.data_type in (DataType.INT, DataType.STATE):
                value = int(value)
            else:
                value = bool(value)
            if old.get(name) != value:
                old[name] = value
                changed[name] = value
        for name, tag in self.tags.items():  # anything the model does not compute yet
            if name not in old:
                old[name] = tag.eu_low
                changed[name] = tag.eu_low
        return changed

