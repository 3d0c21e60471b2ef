"""Stocks, consumption, the copper and sulphur account per period, cost per tonne of cathode.

The account has the terms the simulator balances (``app/sim/model.py``
``PlantModel.copper_balance``): fed = products + losses + change of stock + unaccounted.
Two ways to fill it:

- :func:`account_from_source`: from the plant's tags (historian), with the terms of
  ``materials.yaml``: what a real plant has. An in-process stock that is not in the account
  (``account: true``) shows up as "unaccounted", as does copper nobody metered: the figure a
  metallurgist chases.
- :func:`account_from_model`: from the simulator's own ledger and stocks between two
  snapshots: the reference the tag account is checked against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.energy.source import PeriodSource
from app.materials.config import ElementAccount, MaterialsConfig, Stock, Term


def _r(x: float | None, nd: int = 3) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, nd)


def account_dict(element: str, inputs: dict[str, float], outputs: dict[str, float], losses: dict[str, float],
                 stock_open: dict[str, float], stock_close: dict[str, float], basis: str,
                 start: datetime | None = None, end: datetime | None = None, alarm_pct: float | None = None
                 ) -> dict[str, Any]:
    """fed - products - losses - change of stock = unaccounted (t and % of fed)."""
    fed, out, lost = sum(inputs.values()), sum(outputs.values()), sum(losses.values())
    change = sum(stock_close.values()) - sum(stock_open.values())
    unaccounted = fed - out - lost - change
    pct = 100.0 * unaccounted / fed if fed else None
    return {
        "element": element, "basis": basis, "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
        "in_t": {k: _r(v) for k, v in inputs.items()}, "out_t": {k: _r(v) for k, v in outputs.items()},
        "losses_t": {k: _r(v) for k, v in losses.items()},
        "stock_open_t": {k: _r(v) for k, v in stock_open.items()}, "stock_close_t": {k: _r(v) for k, v in stock_close.items()},
        "fed_t": _r(fed), "products_t": _r(out), "lost_t": _r(lost), "stock_change_t": _r(change),
        "unaccounted_t": _r(unaccounted), "unaccounted_pct": _r(pct, 4), "alarm_pct": alarm_pct,
        "closes": None if pct is None or alarm_pct is None else abs(pct) <= alarm_pct,
    }


# --- from the simulator ---------------------------------------------------------------
@dataclass(frozen=True)
class ModelSnapshot:
    """The simulator's cumulative ledger and element stocks at one moment."""

    ledger: dict[str, float]
    stocks_cu: dict[str, float]
    stocks_s: dict[str, float]

    @classmethod
    def take(cls, model: Any) -> ModelSnapshot:
        from dataclasses import asdict

        return cls(dict(asdict(model.ledger)), dict(model._stocks("cu")), dict(model._stocks("s")))


def account_from_model(before: ModelSnapshot, after: ModelSnapshot, element: str = "Cu",
                       start: datetime | None = None, end: datetime | None = None) -> dict[str, Any]:
    """The account between two snapshots, with the simulator's own terms."""
    d = {k: after.ledger[k] - before.ledger[k] for k in after.ledger}
    if element == "Cu":
        return account_dict("Cu", {"concentrate": d["cu_in"]}, {"cathode": d["cu_cathode"], "liberator": d["cu_liberator"]},
                            {"flotation tailings": d["cu_slag_loss"], "dust": d["cu_dust"]},
                            before.stocks_cu, after.stocks_cu, "simulator", start, end)
    return account_dict("S", {"concentrate": d["s_in"]}, {"acid shipped": d["s_acid"]},
                        {"tail gas and stacks": d["s_emitted"], "slag": d["s_slag_loss"], "slimes": d["s_slimes"],
                         "dust": d["s_dust"]}, before.stocks_s, after.stocks_s, "simulator", start, end)


# --- from tags --------------------------------------------------------------------------
def _term(src: PeriodSource, t: Term, start: datetime, end: datetime) -> float | None:
    if t.counter:
        q = src.counter_delta(t.counter, start, end)
        return None if q is None else q * (t.pct_fixed if t.pct_fixed is not None else 100.0) / 100.0
    if t.pct:
        q = src.weighted_integral_h(t.rate, t.pct, start, end)
    else:
        r = src.integral_h(t.rate, start, end)
        q = None if r is None else r * (t.pct_fixed or 0.0) / 100.0
    if q is not None and t.recovery:
        hours = (end - start).total_seconds() / 3600.0
        rec = src.integral_h(t.recovery, start, end)
        q = None if rec is None else q * (1.0 - rec / hours / 100.0)
    return q


def stock_tonnes(stock: Stock, value: Any) -> float | None:
    """Tonnes of a stock from a reading ``value(tag) -> float | None``."""
    if stock.book:
        return None
    if stock.tonnes:
        return value(stock.tonnes)  # type: ignore[no-any-return]
    lvl = value(stock.level)
    if lvl is None:
        return None
    if stock.capacity_t is not None:
        return float(lvl) / 100.0 * stock.capacity_t
    return float(lvl) * (stock.t_per_unit or 0.0)


def stock_element(stock: Stock, value: Any, element: str) -> float | None:
    t = stock_tonnes(stock, value)
    if t is None:
        return None
    pct = value(stock.cu_pct_tag) if element == "Cu" and stock.cu_pct_tag else stock.cu_pct if element == "Cu" else (
        value(stock.s_pct_tag) if stock.s_pct_tag else stock.s_pct)
    if pct is None:
        return None
    return t * float(pct) / 100.0


def stocks_at(cfg: MaterialsConfig, value: Any, element: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for s in cfg.stocks:
        if not s.account:
            continue
        v = stock_element(s, value, element)
        if v is not None:
            out[s.id] = v
    return out


def account_from_source(cfg: MaterialsConfig, src: PeriodSource, start: datetime, end: datetime,
                        element: str = "Cu") -> dict[str, Any]:
    """The account of ``element`` over [start, end) from tags (the terms of materials.yaml)."""
    acc: ElementAccount = cfg.accounts[element]

    def side(terms: list[Term]) -> dict[str, float]:
        out = {}
        for t in terms:
            q = _term(src, t, start, end)
            if q is not None:
                out[t.id] = q
        return out

    return account_dict(element, side(acc.inputs), side(acc.outputs), side(acc.losses),
                        stocks_at(cfg, lambda tag: src.latest(tag, start), element),
                        stocks_at(cfg, lambda tag: src.latest(tag, end), element), "tags", start, end, acc.alarm_pct)


def consumption(cfg: MaterialsConfig, src: PeriodSource, start: datetime, end: datetime) -> dict[str, float | None]:
    """Material used over the period (t, Nm³ ...) from the rate tags."""
    out: dict[str, float | None] = {}
    for c in cfg.consumption:
        parts = [src.integral_h(r, start, end) for r in c.rates]
        known = [p for p in parts if p is not None]
        out[c.id] = _r(sum(known)) if known else None
    return out


def cost_per_tonne(cfg: MaterialsConfig, used: dict[str, float | None], electricity_kwh: float | None,
                   cathode_t: float | None, hours: float) -> dict[str, Any]:
    """Cost of the period split into materials, electricity and fixed, per tonne of cathode."""
    rates = cfg.cost
    lines: dict[str, float] = {}
    for mid, rate in rates.materials.items():
        q = used.get(mid)
        if q is not None:
            lines[mid] = q * rate
    if electricity_kwh is not None:
        lines["electricity"] = electricity_kwh * rates.electricity_per_kwh
    lines["fixed"] = rates.fixed_per_day * hours / 24.0
    total = sum(lines.values())
    return {"currency": rates.currency, "lines": {k: _r(v, 0) for k, v in lines.items()}, "total": _r(total, 0),
            "cathode_t": _r(cathode_t), "per_t_cathode": _r(total / cathode_t, 1) if cathode_t else None,
            "rates": {**{k: v for k, v in rates.materials.items()}, "electricity_per_kwh": rates.electricity_per_kwh,
                      "fixed_per_day": rates.fixed_per_day}, "sources": rates.sources}
