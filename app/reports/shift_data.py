"""Gathering the plain data of a shift, day or month report from history and the alarm journal.

Everything here is pure Python + numpy + SQL (no reportlab, no Qt): :func:`gather` returns a
:class:`ReportData` that :mod:`app.reports.pdf` turns into PDF bytes, and that tests compare
with the historian's own answers.

Figures come from the historian's minute rollups (hour rollups for a month), one query per
tag. A stretch with no archived sample for longer than the historian's heartbeat (the
console was off, the tag had no history) is a *gap*: it is listed as "no data HH:MM–HH:MM"
and contributes nothing, never a zero. Production is measured three ways:

- ``rate`` (t/h): the time-weighted integral of the rate over the covered minutes;
- ``counter`` (a "this shift" total that resets to 0): the sum of its increments, a reset
  (a drop) counted as a restart from 0;
- ``increase`` (a stock such as a furnace charge): the sum of its rises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Engine

from app.alarms.kpi import JournalEvent, KpiReport, compute_kpis
from app.core.shifts import Shift, ShiftCalendar
from app.historian.reader import HistoryReader, to_us
from app.historian.schema import US
from app.reports.module_sections import ModuleSections, collect

#: the historian archives every tag at least this often (``Compressor`` heartbeat, 600 s);
#: a longer silence means no data was collected.
HEARTBEAT_S = 600
GAP_MIN_S = HEARTBEAT_S + 60


@dataclass(frozen=True)
class ProductionItem:
    """One line of "production vs plan": which tags, how they count, the per-shift target."""

    key: str
    name_en: str
    name_zh: str
    unit: str
    kind: str  # rate | counter | increase
    tags: tuple[str, ...]
    energy_area: str = ""  # EM.<area>.KWH whose energy is per tonne of this product


PRODUCTION: tuple[ProductionItem, ...] = (
    ProductionItem("concentrate", "Concentrate treated", "精矿处理量", "t", "rate", ("CB.FEED_RATE",), "CB"),
    ProductionItem("matte", "Matte tapped", "冰铜产量", "t", "counter", ("SMF.MATTE_TAPPED",), "SMF"),
    ProductionItem("blister", "Blister to anode furnaces", "粗铜入阳极炉", "t", "increase", ("AF1.CHARGE", "AF2.CHARGE"), "PSC"),
    ProductionItem("anodes", "Anodes cast", "阳极板浇铸", "pcs", "counter", ("CW.COUNT",), ""),
    ProductionItem("cathode", "Cathode copper", "阴极铜产量", "t", "counter", ("TH.CATHODE_T",), "TH"),
    ProductionItem("acid", "Sulphuric acid", "硫酸产量", "t", "rate", ("AP.ACID_RATE",), "AP"),
)


@dataclass(frozen=True)
class FigureItem:
    key: str
    name_en: str
    name_zh: str
    tag: str
    unit: str
    decimals: int = 1


FIGURES: tuple[FigureItem, ...] = (
    FigureItem("matte_grade", "Matte grade", "冰铜品位", "SMF.MATTE_CU", "% Cu", 2),
    FigureItem("current_eff", "Current efficiency", "电流效率", "TH.CE", "%", 2),
    FigureItem("dc_spec", "DC specific energy", "直流电耗", "TH.DC_SPEC", "kWh/t", 1),
    FigureItem("so2_conv", "SO2 conversion", "SO2转化率", "AP.CONV_TOT", "%", 2),
    FigureItem("tail_so2", "Tail-gas SO2", "尾气SO2", "AP.TAIL_SO2", "mg/m³", 1),
)
CONVERTER_CYCLE_TAGS = ("PSC1.BATCHES", "PSC2.BATCHES", "PSC3.BATCHES")
ENERGY_AREAS = ("CB", "SMF", "PSC", "AF", "TH", "AP", "SF", "OX", "WT")
TRIP_STATES = ("FAULT", "TRIPPED")
OOS_STATES = ("MAINTENANCE", "OUT_OF_SERVICE")


@dataclass(frozen=True)
class Gap:
    """No data in ``[start, end)`` (aware UTC)."""

    start: datetime
    end: datetime

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class TagStats:
    """What the rollups say about one tag over the period."""

    tag: str
    vmin: float | None = None
    avg: float | None = None
    vmax: float | None = None
    count: int = 0
    gaps: list[Gap] = field(default_factory=list)
    covered_s: float = 0.0


@dataclass
class ProductionLine:
    item: ProductionItem
    actual: float | None
    target: float | None
    gaps: list[Gap]
    covered_s: float

    @property
    def pct_of_plan(self) -> float | None:
        if self.actual is None or not self.target:
            return None
        return 100.0 * self.actual / self.target


@dataclass
class FigureLine:
    item: FigureItem
    stats: TagStats
    limit: float | None = None
    over_limit_minutes: int | None = None


@dataclass
class EnergyLine:
    area: str
    name_en: str
    name_zh: str
    kwh: float | None
    per_t: float | None
    per_t_of: str  # product key the energy is divided by ("" = none)
    gaps: list[Gap]


@dataclass
class EquipmentEvent:
    ts: datetime
    unit: str
    event: str  # trip | out_of_service | in_service
    detail: str = ""


@dataclass
class HandoverNote:
    """A handover entry as the report prints it (the shifts module supplies these)."""

    area: str
    author: str
    text: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (kind, text); kind as in app.shifts.handover
    signed_by: str = ""
    acknowledged_by: str = ""


@dataclass
class ReportData:
    """Everything one report prints; plain data (times aware, UTC)."""

    kind: str  # shift | day | month
    plant_en: str
    plant_zh: str
    tz_name: str
    start: datetime
    end: datetime
    label: str  # 2026-12-01/1, 2026-12-01, 2026-12
    day: date
    shift_number: int = 0
    shift_name_en: str = ""
    shift_name_zh: str = ""
    crew: str = ""
    leads: tuple[str, str] = ("", "")  # outgoing, incoming
    shifts: list[Shift] = field(default_factory=list)
    production: list[ProductionLine] = field(default_factory=list)
    figures: list[FigureLine] = field(default_factory=list)
    converter_cycles: float | None = None
    energy: list[EnergyLine] = field(default_factory=list)
    energy_total_kwh: float | None = None
    energy_per_t_cathode: float | None = None
    alarms: KpiReport | None = None
    equipment: list[EquipmentEvent] = field(default_factory=list)
    handover: list[HandoverNote] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)  # no data from any tag (console off)
    hourly: dict[str, list[float | None]] = field(default_factory=dict)  # chart series
    hourly_starts: list[datetime] = field(default_factory=list)
    permit_mg_m3: float | None = None
    is_holiday: bool = False
    holiday_days: list[date] = field(default_factory=list)
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    partial: bool = False  # the period has not ended yet
    # energy per tonne against the benchmarks, the copper account, SPC and grading: from the
    # energy, materials and quality modules (None: no plant layout given)
    modules: ModuleSections | None = None

    def local(self, t: datetime) -> datetime:
        from zoneinfo import ZoneInfo

        return t.astimezone(ZoneInfo(self.tz_name))


# --- rollup access --------------------------------------------------------------------------
@dataclass
class _Rows:
    ts: np.ndarray
    vmin: np.ndarray
    vmax: np.ndarray
    total: np.ndarray
    count: np.ndarray
    first: np.ndarray
    last: np.ndarray
    tw_sum: np.ndarray
    tw_dur: np.ndarray


def _fetch(reader: HistoryReader, tag: str, t0: int, t1: int, width_s: int) -> _Rows:
    tid = reader.tag_id(tag)
    rows: list[tuple[Any, ...]] = [] if tid is None else reader.rollup_rows(tid, width_s, t0, t1)
    if not rows:
        e = np.empty(0)
        return _Rows(np.empty(0, np.int64), e, e, e, np.empty(0, np.int64), e, e, e, e)
    a = np.array(rows, dtype=np.float64)
    return _Rows(a[:, 0].astype(np.int64), a[:, 1], a[:, 2], a[:, 3], a[:, 4].astype(np.int64),
                 a[:, 5], a[:, 6], a[:, 7], a[:, 8])


def _gaps(rows: _Rows, t0: int, t1: int, width_us: int) -> list[Gap]:
    """Silences longer than the heartbeat between buckets that hold samples."""
    have = rows.ts[rows.count > 0]
    # edges: where data starts (bucket start) and ends (bucket end)
    starts = np.concatenate([have, [t1]])
    ends = np.concatenate([[t0], have + width_us])
    a = np.maximum(ends, t0)
    b = np.minimum(starts, t1)
    limit = max(GAP_MIN_S * US, 2 * width_us)
    keep = (b - a >= limit) | ((a == t0) & (b == t1) & (b > a))
    return [Gap(_dt(x), _dt(y)) for x, y in zip(a[keep].tolist(), b[keep].tolist(), strict=True)]


def _dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / US, UTC)


def _in_gaps(ts: np.ndarray, gaps: Sequence[Gap]) -> np.ndarray:
    mask = np.zeros(len(ts), dtype=bool)
    for g in gaps:
        mask |= (ts >= to_us(g.start)) & (ts < to_us(g.end))
    return mask


def _stats(tag: str, rows: _Rows, t0: int, t1: int, width_us: int) -> TagStats:
    gaps = _gaps(rows, t0, t1, width_us)
    st = TagStats(tag, gaps=gaps, covered_s=(t1 - t0) / US - sum(g.seconds for g in gaps))
    ok = rows.count > 0
    n = int(rows.count[ok].sum())
    st.count = n
    if n:
        st.vmin = float(np.nanmin(rows.vmin[ok]))
        st.vmax = float(np.nanmax(rows.vmax[ok]))
        st.avg = float(rows.total[ok].sum() / n)
    return st


def _produced(kind: str, rows: _Rows, gaps: Sequence[Gap], before: float | None) -> float | None:
    """Tonnes (or pieces) produced according to ``kind``; None when nothing was recorded."""
    if kind == "rate":
        keep = ~_in_gaps(rows.ts, gaps) & (rows.tw_dur > 0)
        if not keep.any():
            return None
        return float(rows.tw_sum[keep].sum() / 3600.0)
    ok = rows.count > 0
    if not ok.any():
        return None
    first, last, vmin, vmax = rows.first[ok], rows.last[ok], rows.vmin[ok], rows.vmax[ok]
    prev = np.concatenate([[first[0] if before is None else before], last[:-1]])
    if kind == "counter":
        boundary = np.where(first >= prev, first - prev, first)  # a drop = reset to 0
        inside = np.where(last >= first, last - first, np.maximum(0.0, vmax - first) + (last - vmin))
    else:  # increase: only rises count
        boundary = np.maximum(0.0, first - prev)
        inside = np.maximum(0.0, last - first)
    return float(boundary.sum() + inside.sum())


def _value_before(reader: HistoryReader, tag: str, t0: int) -> float | None:
    """The last value archived in the hour before ``t0`` (a counter's starting point)."""
    s = reader.last_before(tag, t0)
    if len(s) and t0 - int(s.ts[0]) <= GAP_MIN_S * US and np.isfinite(s.value[0]):
        return float(s.value[0])
    return None


def _intersect(a: list[Gap], b: list[Gap]) -> list[Gap]:
    out = []
    for x in a:
        for y in b:
            s, e = max(x.start, y.start), min(x.end, y.end)
            if e > s:
                out.append(Gap(s, e))
    return out


def _merge(gaps: Iterable[Gap]) -> list[Gap]:
    out: list[Gap] = []
    for g in sorted(gaps, key=lambda g: g.start):
        if out and g.start <= out[-1].end:
            out[-1] = Gap(out[-1].start, max(out[-1].end, g.end))
        else:
            out.append(g)
    return out


# --- the gatherer -----------------------------------------------------------------------------
@dataclass
class ReportSources:
    """Where a report's data comes from. ``journal``: alarm journal events (may start before
    the period, for standing alarms); ``handover``: notes from the shifts module."""

    engine: Engine
    calendar: ShiftCalendar
    plant_en: str = "Copper smelter"
    plant_zh: str = "铜冶炼厂"
    targets: Mapping[str, float] = field(default_factory=dict)  # per shift
    permit_mg_m3: float | None = None
    units_en: Mapping[str, str] = field(default_factory=dict)  # unit id -> name (equipment events)
    area_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # area -> (en, zh)
    state_tags: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # tag -> state names
    journal: Sequence[JournalEvent] | None = None
    oos_events: Sequence[EquipmentEvent] = ()
    handover: list[HandoverNote] = field(default_factory=list)
    leads: tuple[str, str] = ("", "")
    layout: Any = None  # the plant layout: the energy, materials and quality sections need it
    history: Any = None  # tag figures for those sections (default: the historian in ``engine``)


def period_for(calendar: ShiftCalendar, kind: str, day: date, shift: int = 0) -> tuple[datetime, datetime]:
    """Start and end of a shift, production day or month (the month of ``day``)."""
    if kind == "shift":
        s = calendar.shift(day, shift)
        return s.start, s.end
    if kind == "day":
        return calendar.day_bounds(day)
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return calendar.day_bounds(first)[0], calendar.day_bounds(nxt)[0]


def gather(src: ReportSources, kind: str, day: date, shift: int = 0, now: datetime | None = None) -> ReportData:
    """The data of one report. ``kind``: shift (needs ``shift``), day or month."""
    if kind not in ("shift", "day", "month"):
        raise ValueError(f"report kind {kind!r} is not shift, day or month")
    cal = src.calendar
    start, end = period_for(cal, kind, day, shift)
    now = now or datetime.now(UTC)
    partial = end > now
    data_end = min(end, now) if partial else end
    shifts = cal.shifts_between(start, end)
    label = {"shift": f"{day.isoformat()}/{shift}", "day": day.isoformat(), "month": day.strftime("%Y-%m")}[kind]
    rep = ReportData(kind, src.plant_en, src.plant_zh, cal.tz_name, start.astimezone(UTC), end.astimezone(UTC),
                     label, day, shifts=shifts, permit_mg_m3=src.permit_mg_m3, leads=src.leads, partial=partial)
    if kind == "shift":
        s = cal.shift(day, shift)
        rep.shift_number, rep.crew = s.number, s.crew
        rep.shift_name_en = s.name
        rep.is_holiday = cal.is_holiday(day)
    rep.holiday_days = sorted({s.day for s in shifts if cal.is_holiday(s.day)})

    reader = HistoryReader(src.engine)
    width_s = 3600 if kind == "month" else 60
    w = width_s * US
    t0, t1 = to_us(start), to_us(data_end)
    t0b = (t0 // w) * w

    cache: dict[str, _Rows] = {}

    def rows(tag: str) -> _Rows:
        if tag not in cache:
            cache[tag] = _fetch(reader, tag, t0b, t1, width_s)
        return cache[tag]

    all_gaps: list[list[Gap]] = []

    # production vs plan: targets are per shift, scaled by the shifts in the period (holidays have none)
    n_shifts = sum(1 for s in shifts if not cal.is_holiday(s.day))
    for item in PRODUCTION:
        total: float | None = None
        gaps: list[Gap] | None = None
        covered = 0.0
        for tag in item.tags:
            r = rows(tag)
            g = _gaps(r, t0, t1, w)
            all_gaps.append(g)
            gaps = g if gaps is None else _intersect(gaps, g)
            covered = max(covered, (t1 - t0) / US - sum(x.seconds for x in g))
            before = _value_before(reader, tag, t0) if item.kind != "rate" else None
            v = _produced(item.kind, r, g, before)
            if v is not None:
                total = (total or 0.0) + v
        target = src.targets.get(item.key)
        rep.production.append(ProductionLine(item, total, None if target is None or not n_shifts else float(target) * n_shifts,
                                             _merge(gaps or []), covered))

    # key figures
    for fig in FIGURES:
        r = rows(fig.tag)
        st = _stats(fig.tag, r, t0, t1, w)
        all_gaps.append(st.gaps)
        line = FigureLine(fig, st)
        if fig.key == "tail_so2" and src.permit_mg_m3 is not None:
            line.limit = src.permit_mg_m3
            rm = r if width_s == 60 else _fetch(reader, fig.tag, t0, t1, 60)
            line.over_limit_minutes = int(((rm.count > 0) & (rm.vmax > src.permit_mg_m3)).sum())
        rep.figures.append(line)
    cycles = [_produced("counter", rows(t), _gaps(rows(t), t0, t1, w), _value_before(reader, t, t0))
              for t in CONVERTER_CYCLE_TAGS]
    known = [c for c in cycles if c is not None]
    rep.converter_cycles = float(sum(known)) if known else None

    # energy per area and per tonne
    produced = {p.item.energy_area: p for p in rep.production if p.item.energy_area}
    total_kwh = 0.0
    any_kwh = False
    for area in ENERGY_AREAS:
        tag = f"EM.{area}.KWH"
        r = rows(tag)
        g = _gaps(r, t0, t1, w)
        kwh = _produced("counter", r, g, _value_before(reader, tag, t0))
        per_t = None
        p = produced.get(area)
        if kwh is not None:
            total_kwh += kwh
            any_kwh = True
            if p is not None and p.actual:
                per_t = kwh / p.actual
        en, zh = src.area_names.get(area, (area, area))
        rep.energy.append(EnergyLine(area, en, zh, kwh, per_t, p.item.key if p else "", g))
    rep.energy_total_kwh = total_kwh if any_kwh else None
    cathode = next((p for p in rep.production if p.item.key == "cathode"), None)
    if any_kwh and cathode is not None and cathode.actual:
        rep.energy_per_t_cathode = total_kwh / cathode.actual
    if src.layout is not None:  # kgce/t per route, the copper account, SPC and grading
        rep.modules = collect(src.layout, src.engine, start.astimezone(UTC), data_end.astimezone(UTC), src.history)

    # console off: no tag has data
    common: list[Gap] | None = None
    for g in all_gaps:
        common = g if common is None else _intersect(common, g)
    rep.gaps = _merge(common or [])

    # hourly series for the charts (shift/day: per hour; month: per day)
    step = 86400 if kind == "month" else 3600
    edges = list(range(t0, t1, step * US))
    rep.hourly_starts = [_dt(e) for e in edges]
    for key, tag in (("tail_so2", "AP.TAIL_SO2"), ("matte_grade", "SMF.MATTE_CU")):
        r = rows(tag)
        series: list[float | None] = []
        for e in edges:
            sel = (r.ts >= e) & (r.ts < e + step * US) & (r.count > 0)
            n = int(r.count[sel].sum())
            series.append(float(r.total[sel].sum() / n) if n else None)
        rep.hourly[key] = series

    # alarms: EEMUA KPIs of the period
    if src.journal is not None:
        rep.alarms = compute_kpis(src.journal, start.astimezone(UTC), data_end.astimezone(UTC))

    # equipment events: state tags entering a trip/out-of-service state, plus journal OOS
    events: list[EquipmentEvent] = list(src.oos_events)
    for tag, states in src.state_tags.items():
        # minute buckets even for a month: few raw samples are read around each change
        minute = rows(tag) if width_s == 60 else _fetch(reader, tag, (t0 // (60 * US)) * 60 * US, t1, 60)
        events += _state_events(reader, tag, states, minute, t0, t1, 60 * US)
    rep.equipment = sorted(events, key=lambda e: e.ts)
    rep.handover = list(src.handover)
    return rep


def _state_events(reader: HistoryReader, tag: str, states: Sequence[str], r: _Rows, t0: int, t1: int,
                  width_us: int) -> list[EquipmentEvent]:
    """Trips / out of service / back in service of one state tag. The rollups say which buckets
    hold a change (min != max, or a first value unlike the last one before); only those
    buckets' raw samples are read (a month of 1-s states is not read sample by sample)."""
    prev_s = reader.last_before(tag, t0)
    prev = int(prev_s.value[0]) if len(prev_s) and np.isfinite(prev_s.value[0]) else None
    ok = r.count > 0
    ts, vmin, vmax, first, last = r.ts[ok], r.vmin[ok], r.vmax[ok], r.first[ok], r.last[ok]
    before = np.concatenate([[np.nan if prev is None else float(prev)], last[:-1]])
    changed = (vmin != vmax) | (first != before)
    unit = tag.rsplit(".", 1)[0]
    out: list[EquipmentEvent] = []
    for b in ts[changed].tolist():
        bucket = reader.raw(tag, max(b, t0), min(b + width_us, t1))
        prev_b = reader.last_before(tag, max(b, t0))
        p = int(prev_b.value[0]) if len(prev_b) and np.isfinite(prev_b.value[0]) else None
        for t, v in zip(bucket.ts.tolist(), bucket.value.tolist(), strict=True):
            if v != v:
                continue
            iv = int(v)
            if iv != p and 0 <= iv < len(states):
                name = states[iv]
                if name in TRIP_STATES:
                    out.append(EquipmentEvent(_dt(t), unit, "trip", name))
                elif name in OOS_STATES:
                    out.append(EquipmentEvent(_dt(t), unit, "out_of_service", name))
                elif p is not None and 0 <= p < len(states) and states[p] in TRIP_STATES + OOS_STATES:
                    out.append(EquipmentEvent(_dt(t), unit, "in_service", name))
            p = iv
    return out


def journal_events(rows: Iterable[Mapping[str, Any]]) -> list[JournalEvent]:
    """Alarm journal rows (``read_journal``) as KPI events."""
    return [JournalEvent(r["ts"], r["alarm"], int(r["priority"]), r.get("area", ""), r["event"]) for r in rows]


def state_tags(layout: Any) -> dict[str, tuple[str, ...]]:
    """State tags of a plant layout whose states include a trip or out-of-service state."""
    out: dict[str, tuple[str, ...]] = {}
    for t in layout.tags.values():
        if t.states and any(s in TRIP_STATES + OOS_STATES for s in t.states):
            out[t.name] = tuple(t.states)
    return out
