"""``materials.yaml``: stocks, consumption, the copper and sulphur account terms, cost rates."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.energy.yamlcheck import Checker

MATERIALS_FILE = "materials.yaml"


@dataclass(frozen=True)
class Stock:
    """A stock measured by a level (% of ``capacity_t`` or ``t_per_unit`` per EU) or a tonnes
    tag; ``book`` stocks have no measurement (stock-take figures)."""

    id: str
    name_en: str
    name_zh: str
    material: str
    level: str = ""
    tonnes: str = ""
    capacity_t: float | None = None
    t_per_unit: float | None = None
    cu_pct_tag: str = ""
    cu_pct: float | None = None
    s_pct_tag: str = ""
    s_pct: float | None = None
    book: bool = False
    account: bool = False  # part of the element account's stock (in-process, inside the boundary)

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") and self.name_zh else self.name_en


@dataclass(frozen=True)
class Consumption:
    id: str
    name_en: str
    name_zh: str
    rates: tuple[str, ...]
    eu: str


@dataclass(frozen=True)
class Term:
    """One flow of an element account: ``rate`` (t/h) x ``pct`` tag (or ``pct_fixed``)
    [x (1 - ``recovery`` %)], or a ``counter`` (t) x ``pct_fixed``."""

    id: str
    rate: str = ""
    counter: str = ""
    pct: str = ""
    pct_fixed: float | None = None
    recovery: str = ""


@dataclass
class ElementAccount:
    element: str
    inputs: list[Term]
    outputs: list[Term]
    losses: list[Term]
    alarm_pct: float | None = None


@dataclass
class CostRates:
    currency: str
    materials: dict[str, float]
    electricity_per_kwh: float
    fixed_per_day: float
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class MaterialsConfig:
    path: Path
    stocks: list[Stock]
    consumption: list[Consumption]
    accounts: dict[str, ElementAccount]
    cost: CostRates


def load_materials_config(layout: Any, path: Path | None = None) -> MaterialsConfig:
    path = path or Path(layout.folder) / MATERIALS_FILE
    ck = Checker(path)
    doc = ck.load(("stocks", "consumption", "account", "cost"))
    tags = layout.tags
    stocks: list[Stock] = []
    for e in ck.items(doc, "stocks"):
        sid = ck.text(e, "id", "stock")
        what = f"stock {sid!r}"
        book = bool(e.get("book", False))
        level = ck.tag(e, "level", what, tags, required=False)
        tonnes = ck.tag(e, "tonnes", what, tags, required=False)
        if not book and not (level or tonnes):
            ck.add(e, f"{what}: needs a level or tonnes tag, or book: true")
        if level and e.get("capacity_t") is None and e.get("t_per_unit") is None:
            ck.add(e, f"{what}: a level needs capacity_t (level in %) or t_per_unit")
        cap = ck.number(e, "capacity_t", what, positive=True) if e.get("capacity_t") is not None else None
        tpu = ck.number(e, "t_per_unit", what, positive=True) if e.get("t_per_unit") is not None else None
        stocks.append(Stock(sid, str(e.get("name_en", sid)), str(e.get("name_zh", "")), str(e.get("material", "")),
                            level, tonnes, cap, tpu, ck.tag(e, "cu_pct_tag", what, tags, required=False),
                            ck.number(e, "cu_pct", what) if e.get("cu_pct") is not None else None,
                            ck.tag(e, "s_pct_tag", what, tags, required=False),
                            ck.number(e, "s_pct", what) if e.get("s_pct") is not None else None, book,
                            bool(e.get("account", False))))
    cons: list[Consumption] = []
    for e in ck.items(doc, "consumption"):
        cid = ck.text(e, "id", "consumption")
        rates = e.get("rate")
        rates = rates if isinstance(rates, list) else [rates]
        for r in rates:
            if r not in tags:
                ck.add(e, f"consumption {cid!r}: rate names unknown tag {r!r}")
        cons.append(Consumption(cid, str(e.get("name_en", cid)), str(e.get("name_zh", "")), tuple(str(r) for r in rates),
                                str(e.get("eu", ""))))
    accounts: dict[str, ElementAccount] = {}
    acc = doc.get("account") if isinstance(doc.get("account"), dict) else {}
    for element, key in (("Cu", "copper"), ("S", "sulphur")):
        sec = acc.get(key) if acc else None
        if not isinstance(sec, dict):
            ck.add(acc or doc, f"account: missing section {key!r}")
            continue
        parts: dict[str, list[Term]] = {}
        for side in ("in", "out", "losses"):
            terms = []
            for t in ck.items(sec, side):
                what = f"account {key} {side} {t.get('id', '?')!r}"
                rate = ck.tag(t, "rate", what, tags, required=False)
                counter = ck.tag(t, "counter", what, tags, required=False)
                pct = ck.tag(t, "pct", what, tags, required=False)
                if not (rate or counter):
                    ck.add(t, f"{what}: needs a rate or counter tag")
                if not pct and t.get("pct_fixed") is None:
                    ck.add(t, f"{what}: needs pct (a tag) or pct_fixed")
                terms.append(Term(str(t.get("id", "?")), rate, counter, pct,
                                  ck.number(t, "pct_fixed", what) if t.get("pct_fixed") is not None else None,
                                  ck.tag(t, "recovery", what, tags, required=False)))
            parts[side] = terms
        alarm = sec.get("unaccounted_alarm_pct")
        accounts[element] = ElementAccount(element, parts["in"], parts["out"], parts["losses"],
                                           float(alarm) if isinstance(alarm, int | float) else None)
    cost_doc = doc.get("cost") if isinstance(doc.get("cost"), dict) else {}
    mats: dict[str, float] = {}
    sources: dict[str, str] = {}
    for m in ck.items(cost_doc, "materials") if cost_doc else []:
        mid = ck.text(m, "id", "cost material")
        mats[mid] = ck.number(m, "rate", f"cost of {mid!r}")
        sources[mid] = str(m.get("source", ""))
    elec = 0.0
    for m in ck.items(cost_doc, "energy") if cost_doc else []:
        if m.get("carrier") == "electricity":
            elec = ck.number(m, "rate", "cost of electricity")
            sources["electricity"] = str(m.get("source", ""))
    fixed = ck.number(cost_doc, "fixed_per_day", "cost") if cost_doc else 0.0
    sources["fixed"] = str(cost_doc.get("fixed_source", "")) if cost_doc else ""
    cost = CostRates(str(cost_doc.get("currency", "CNY")) if cost_doc else "CNY", mats, elec, fixed, sources)
    cfg = MaterialsConfig(path, stocks, cons, accounts, cost)
    ck.raise_if_any()
    return cfg
