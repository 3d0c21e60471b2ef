"""The materials module's service: stocks now, consumption and the element accounts per
period, cost per tonne of cathode; publishes the last production day's copper unaccounted % on
``MAT.CU_UNACCOUNTED`` (alarm in alarms.d/materials.yaml).

The account's in-process stocks are the tags marked ``account: true`` in materials.yaml: on the
demo plant every stock of the simulator's ledger (converter charges, ladles, anode furnaces,
anode yard, anodes and cathodes in the cells ...), so a shift's account closes to ~0.1 % and
what stays unaccounted is copper nobody metered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.core.periodic import PeriodicPublisher
from app.core.tags import Quality, TagValue
from app.energy.service import calendar_of
from app.energy.source import HistorianSource, PeriodSource
from app.materials.account import (
    account_from_source,
    consumption,
    cost_per_tonne,
    stock_element,
    stock_tonnes,
)
from app.materials.config import MaterialsConfig, load_materials_config

UNACCOUNTED_TAG = "MAT.CU_UNACCOUNTED"


class MaterialsService(PeriodicPublisher):
    """Stocks, consumption, the element accounts and cost per tonne from a :class:`PeriodSource`;
    publishes yesterday's copper unaccounted % (:class:`PeriodicPublisher`)."""

    TASK_NAME = "materials account"
    POOL = "materials"
    FAILURE = "materials: could not compute the copper account"
    period_s = 600.0

    def __init__(self, layout: Any, source: PeriodSource | None = None, store: Any = None, energy: Any = None,
                 config: MaterialsConfig | None = None) -> None:
        self.layout = layout
        self.config = config or load_materials_config(layout)
        self.calendar = calendar_of(layout)
        self.source = source
        self.store = store
        self.energy = energy

    def _src(self) -> PeriodSource:
        if self.source is None:
            raise RuntimeError("no history: material figures need the historian (check the database settings)")
        return self.source

    def _now_value(self, tag: str) -> float | None:
        tv = self.store.get(tag) if self.store is not None and tag else None
        if tv is None or tv.quality == Quality.BAD or not isinstance(tv.value, int | float):
            return None
        return float(tv.value)

    def stocks_now(self) -> list[dict[str, Any]]:
        """Each stock: tonnes and copper in it from the live tags (None: book stock or no value)."""
        out = []
        for s in self.config.stocks:
            out.append({"id": s.id, "name_en": s.name_en, "name_zh": s.name_zh, "material": s.material, "book": s.book,
                        "tonnes": stock_tonnes(s, self._now_value), "cu_t": stock_element(s, self._now_value, "Cu")})
        return out

    def account(self, start: datetime, end: datetime) -> dict[str, Any]:
        """Copper and sulphur accounts over [start, end) from the tags."""
        src = self._src()
        return {"copper": account_from_source(self.config, src, start, end, "Cu"),
                "sulphur": account_from_source(self.config, src, start, end, "S")}

    def period_summary(self, start: datetime, end: datetime, label: str = "") -> dict[str, Any]:
        """Consumption, both accounts and cost per tonne of cathode for one period."""
        src = self._src()
        used = consumption(self.config, src, start, end)
        kwh = cathode = None
        energy_fig = None
        if self.energy is not None:
            energy_fig = self.energy.summary(start, end, label)
            kwh = sum(a["kwh"] or 0.0 for a in energy_fig["areas"].values())
            cathode = energy_fig["products_t"].get("cathode")
            gas = [m["quantity"] for m in energy_fig["meters"] if m["carrier"] == "natural_gas" and m["quantity"] is not None]
            if gas and used.get("natural_gas") is None:
                used["natural_gas"] = sum(gas)
        hours = (end - start).total_seconds() / 3600.0
        return {"period": label, "from": start.isoformat(), "to": end.isoformat(), "consumption": used,
                **self.account(start, end), "cost": cost_per_tonne(self.config, used, kwh, cathode, hours)}

    def yesterday_unaccounted_pct(self, now: datetime | None = None) -> float | None:
        """The last completed production day's copper unaccounted % (reads history: off the GUI thread)."""
        from datetime import timedelta

        now = now or datetime.now(UTC)
        a, b = self.calendar.day_bounds(self.calendar.shift_at(now).day - timedelta(days=1))
        return account_from_source(self.config, self._src(), a, b, "Cu")["unaccounted_pct"]  # type: ignore[no-any-return]

    def apply(self, pct: float | None, now: datetime | None = None) -> None:
        """Put ``pct`` on ``MAT.CU_UNACCOUNTED`` (on the loop thread)."""
        now = now or datetime.now(UTC)
        if self.store is not None and UNACCOUNTED_TAG in self.layout.tags:
            self.store.apply({UNACCOUNTED_TAG: TagValue(pct, Quality.GOOD if pct is not None else Quality.BAD, now, now,
                                                        "" if pct is not None else "no copper fed yesterday")})

    def publish(self, now: datetime | None = None) -> float | None:
        """Compute and apply at once (the loop thread, or headless use)."""
        pct = self.yesterday_unaccounted_pct(now)
        self.apply(pct, now)
        return pct

    def compute(self, now: datetime) -> float | None:
        """The periodic publisher's figure (``start()``: every ``period_s`` on the "materials" pool)."""
        return self.yesterday_unaccounted_pct(now)



def setup(runtime: Any) -> MaterialsService:
    historian = getattr(runtime, "historian", None)
    source = HistorianSource(historian.reader) if historian is not None else None
    service = MaterialsService(runtime.layout, source, runtime.store, runtime.services.get("energy"))
    service.supervisor = getattr(runtime, "supervisor", None)
    return service
