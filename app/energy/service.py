"""The energy module's service: figures for screens, reports and the CLI; live power from the
store; the calc:// tag of this shift's kgce per tonne of cathode (an alarm against GB 21248)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.periodic import PeriodicPublisher
from app.core.shifts import ShiftCalendar
from app.core.tags import Quality, TagValue
from app.energy.config import EnergyConfig, load_energy_config
from app.energy.report import energy_report, forecast_day, period_energy
from app.energy.source import HistorianSource, PeriodSource

KGCE_TAG = "EN.CATHODE.KGCE_T"


def calendar_of(layout: Any) -> ShiftCalendar:
    return ShiftCalendar.from_mapping(getattr(layout, "extra", {}).get("shifts"))


class EnergyService(PeriodicPublisher):
    """Energy per period and per tonne from a :class:`PeriodSource` (the historian by default)."""

    TASK_NAME = "energy kgce"
    POOL = "energy"
    FAILURE = "energy: could not compute this shift's figures"
    period_s = 300.0

    def __init__(self, layout: Any, source: PeriodSource | None = None, store: Any = None,
                 config: EnergyConfig | None = None, calendar: ShiftCalendar | None = None) -> None:
        self.layout = layout
        self.config = config or load_energy_config(layout)
        self.calendar = calendar or calendar_of(layout)
        self.source = source
        self.store = store

    def _src(self) -> PeriodSource:
        if self.source is None:
            raise RuntimeError("no history: energy figures need the historian (check the database settings)")
        return self.source

    # --- plain data for reports, CLI and panels (call off the GUI thread) -------------
    def summary(self, start: datetime, end: datetime, label: str = "") -> dict[str, Any]:
        """One period's energy (see :func:`app.energy.report.period_energy`)."""
        return period_energy(self.config, self._src(), start, end, label)

    PRELOAD_MAX_DAYS = 45

    def report(self, start: datetime, end: datetime, by: str = "shift") -> dict[str, Any]:
        """Per-period figures (shift, day or month) and the total; up to 45 days of raw history
        are read once and every period computed in memory."""
        src = self._src()
        if isinstance(src, HistorianSource) and (end - start).days <= self.PRELOAD_MAX_DAYS:
            src = src.preload(self.config.tags(), start, end)
        return energy_report(self.config, src, self.calendar, start, end, by)

    def forecast(self, day: Any, plan_t: dict[str, float] | None = None) -> dict[str, Any]:
        """Day-ahead kgce for production day ``day`` from the plan (default: the last day's output)."""
        days = []
        for k in range(self.config.forecast_days, 0, -1):
            d = day - timedelta(days=k)
            a, b = self.calendar.day_bounds(d)
            days.append(period_energy(self.config, self._src(), a, b, d.isoformat()))
        return forecast_day(days, self.config.forecast_features, plan_t or {}, day.isoformat()).as_dict()

    def live_power_kw(self) -> dict[str, float | None]:
        """Meter id -> kW now (from the store), for the hierarchy view."""
        out: dict[str, float | None] = {}
        for m in self.config.meters:
            tag = m.power or m.rate
            tv = self.store.get(tag) if (self.store is not None and tag) else None
            ok = tv is not None and tv.quality != Quality.BAD and isinstance(tv.value, int | float)
            out[m.id] = float(tv.value) * (m.power_scale if m.power else 1.0) if ok else None  # type: ignore[union-attr,arg-type]
        return out

    def cathode_kgce_t(self, now: datetime | None = None) -> float | None:
        """This shift's kgce per tonne of cathode so far (reads history: call off the GUI thread)."""
        now = now or datetime.now(UTC)
        shift = self.calendar.shift_at(now)
        fig = self.summary(shift.start, now, shift.id)
        return next((r["kgce_per_t"] for r in fig["routes"] if r["id"] == "cathode"), None)  # type: ignore[no-any-return]

    def apply(self, value: float | None, now: datetime | None = None) -> None:
        """Put ``value`` on ``EN.CATHODE.KGCE_T`` (on the loop thread: the store's listeners run there)."""
        now = now or datetime.now(UTC)
        if self.store is not None and KGCE_TAG in self.layout.tags:
            q = Quality.GOOD if value is not None else Quality.BAD
            self.store.apply({KGCE_TAG: TagValue(value, q, now, now, "" if value is not None else "no production yet")})

    def publish(self, now: datetime | None = None) -> float | None:
        """Compute and apply at once (the loop thread, or headless use)."""
        value = self.cathode_kgce_t(now)
        self.apply(value, now)
        return value

    def compute(self, now: datetime) -> float | None:
        """The periodic publisher's figure (``start()``: every ``period_s`` on the "energy" pool)."""
        return self.cathode_kgce_t(now)



def setup(runtime: Any) -> EnergyService:
    """``Module.setup``: the service on the runtime's historian and store."""
    historian = getattr(runtime, "historian", None)
    source = HistorianSource(historian.reader) if historian is not None else None
    service = EnergyService(runtime.layout, source, runtime.store)
    service.supervisor = getattr(runtime, "supervisor", None)
    return service
