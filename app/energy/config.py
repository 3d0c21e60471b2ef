"""``energy.yaml``: carriers and their kgce factors, the metering hierarchy, products, routes
and their benchmark lines. :func:`load_energy_config` reports every mistake as ``file:line``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.energy.yamlcheck import Checker

ENERGY_FILE = "energy.yaml"


@dataclass(frozen=True)
class Carrier:
    """An energy carrier and its conversion to standard coal (kgce per ``unit``)."""

    name: str
    unit: str
    kgce_per_unit: float
    basis: str = ""
    source: str = ""

    def label(self) -> str:
        """``0.1229 kgce/kWh (calorific equivalent)``: printed wherever a kgce figure appears."""
        return f"{self.kgce_per_unit:g} kgce/{self.unit}" + (f" ({self.basis})" if self.basis else "")


@dataclass(frozen=True)
class Meter:
    """One meter: a counter tag (kWh) or a rate tag (kW, Nm³/h) integrated over time.

    ``parent``: a sub-meter of another meter (shown under it, not added to the area total).
    """

    id: str
    name_en: str
    name_zh: str
    area: str
    unit: str
    carrier: str
    counter: str = ""
    power: str = ""
    rate: str = ""
    parent: str = ""
    power_scale: float = 1.0  # to kW

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass(frozen=True)
class Product:
    """A production counter (resets each shift) times a factor gives tonnes of product."""

    id: str
    name_en: str
    name_zh: str
    counter: str
    factor: float = 1.0
    note: str = ""
    # made in batches whose cycle spans shifts (anodes are cast in campaigns): a shift's tonnes
    # say when casting happened, not how efficiently, so per tonne it is compared per day or longer
    batch: bool = False


@dataclass(frozen=True)
class Route:
    """Energy of ``areas`` per tonne of ``product``, against ``limit`` (kgce/t) from ``source``."""

    id: str
    name_en: str
    name_zh: str
    areas: tuple[str, ...]
    product: str
    limit: float
    process_limit: float | None
    source: str

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass
class EnergyConfig:
    path: Path
    carriers: dict[str, Carrier]
    meters: list[Meter]
    products: dict[str, Product]
    routes: list[Route]
    dc_meter: str = ""
    dc_product: str = ""
    dc_limit: float | None = None
    dc_source: str = ""
    forecast_days: int = 28
    forecast_features: tuple[str, ...] = ("cathode",)

    def top_meters(self) -> list[Meter]:
        return [m for m in self.meters if not m.parent]

    def meter(self, meter_id: str) -> Meter:
        return next(m for m in self.meters if m.id == meter_id)

    def tags(self) -> list[str]:
        """Every tag the figures read: meter counters, power and rate tags, production counters."""
        out: set[str] = set()
        for m in self.meters:
            out.update(x for x in (m.counter, m.power, m.rate) if x)
        out.update(p.counter for p in self.products.values())
        return sorted(out)

    def factors_text(self) -> str:
        """The factors used, one phrase: ``electricity 0.1229 kgce/kWh (...); natural_gas ...``."""
        used = {m.carrier for m in self.meters}
        return "; ".join(f"{c.name} {c.label()}" for c in self.carriers.values() if c.name in used)


def load_energy_config(layout: Any, path: Path | None = None) -> EnergyConfig:
    """Read and check ``energy.yaml`` of ``layout`` against its areas, units and tags."""
    path = path or Path(layout.folder) / ENERGY_FILE
    ck = Checker(path)
    doc = ck.load(("conversion", "meters", "products", "routes"))
    carriers: dict[str, Carrier] = {}
    for e in ck.items(doc, "conversion"):
        name = ck.text(e, "carrier", "conversion")
        c = Carrier(name, ck.text(e, "unit", f"carrier {name!r}"), ck.number(e, "kgce_per_unit", f"carrier {name!r}", positive=True),
                    str(e.get("basis", "")), str(e.get("source", "")))
        if name in carriers:
            ck.add(e, f"carrier {name!r} is listed twice")
        carriers[name] = c
    meters: list[Meter] = []
    ids: set[str] = set()
    for e in ck.items(doc, "meters"):
        mid = ck.text(e, "id", "meter")
        what = f"meter {mid!r}"
        if mid in ids:
            ck.add(e, f"{what} is listed twice")
        ids.add(mid)
        area = ck.text(e, "area", what)
        if area and area not in layout.areas:
            ck.add(e, f"{what}: unknown area {area!r}")
        unit = str(e.get("unit", "") or "")
        if unit and unit not in layout.units:
            ck.add(e, f"{what}: unknown plant unit {unit!r}")
        carrier = ck.text(e, "carrier", what)
        if carrier and carrier not in carriers:
            ck.add(e, f"{what}: carrier {carrier!r} has no conversion factor (add it under conversion:)")
        counter = ck.tag(e, "counter", what, layout.tags, required=False)
        power = ck.tag(e, "power", what, layout.tags, required=False)
        rate = ck.tag(e, "rate", what, layout.tags, required=False)
        if not (counter or power or rate):
            ck.add(e, f"{what}: needs a counter, power or rate tag")
        scale = ck.number(e, "power_scale", what, default=1.0, positive=True)
        meters.append(Meter(mid, str(e.get("name_en", mid)), str(e.get("name_zh", "")), area, unit, carrier,
                            counter, power, rate, str(e.get("parent", "") or ""), scale))
    for m, e in zip(meters, ck.items(doc, "meters"), strict=False):
        if m.parent and m.parent not in ids:
            ck.add(e, f"meter {m.id!r}: parent {m.parent!r} is not a meter")
    products: dict[str, Product] = {}
    for e in ck.items(doc, "products"):
        pid = ck.text(e, "id", "product")
        products[pid] = Product(pid, str(e.get("name_en", pid)), str(e.get("name_zh", "")),
                                ck.tag(e, "counter", f"product {pid!r}", layout.tags),
                                ck.number(e, "factor", f"product {pid!r}", default=1.0, positive=True), str(e.get("note", "")),
                                bool(e.get("batch", False)))
    routes: list[Route] = []
    for e in ck.items(doc, "routes"):
        rid = ck.text(e, "id", "route")
        what = f"route {rid!r}"
        areas = e.get("areas") or []
        if not isinstance(areas, list) or not areas:
            ck.add(e, f"{what}: areas must be a list of area ids")
            areas = []
        for a in areas:
            if a not in layout.areas:
                ck.add(e, f"{what}: unknown area {a!r}")
        product = ck.text(e, "product", what)
        if product and product not in products:
            ck.add(e, f"{what}: unknown product {product!r}")
        bench = e.get("benchmark")
        if not isinstance(bench, dict):
            ck.add(e, f"{what}: missing benchmark (limit in kgce/t and its source)")
            bench = {}
        limit = ck.number(bench, "limit", f"{what} benchmark", positive=True) if bench else float("nan")
        plim = bench.get("process_limit")
        source = ck.text(bench, "source", f"{what} benchmark") if bench else ""
        routes.append(Route(rid, str(e.get("name_en", rid)), str(e.get("name_zh", "")), tuple(areas), product, limit,
                            float(plim) if isinstance(plim, int | float) else None, source))
    cfg = EnergyConfig(path, carriers, meters, products, routes)
    dc = doc.get("dc_energy")
    if isinstance(dc, dict):
        cfg.dc_meter = ck.text(dc, "meter", "dc_energy")
        if cfg.dc_meter and cfg.dc_meter not in ids:
            ck.add(dc, f"dc_energy: meter {cfg.dc_meter!r} is not a meter")
        cfg.dc_product = ck.text(dc, "product", "dc_energy")
        if cfg.dc_product and cfg.dc_product not in products:
            ck.add(dc, f"dc_energy: unknown product {cfg.dc_product!r}")
        cfg.dc_limit = ck.number(dc, "limit", "dc_energy", positive=True)
        cfg.dc_source = str(dc.get("source", ""))
    fc = doc.get("forecast")
    if isinstance(fc, dict):
        cfg.forecast_days = int(ck.number(fc, "history_days", "forecast", default=28, positive=True))
        feats = fc.get("features") or ["cathode"]
        for f in feats:
            if f not in products:
                ck.add(fc, f"forecast: feature {f!r} is not a product")
        cfg.forecast_features = tuple(feats)
    ck.raise_if_any()
    return cfg
