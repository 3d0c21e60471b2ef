"""Heat and batch tracking from live tags, with the genealogy between lots.

The tracker watches the unit stage tags (``PSCn.STATE``, ``AFn.STATE``), the mass tags
(``PSCn.MATTE_CHARGED``, ``AFn.CHARGE``, ``CB.FEED_RATE``) and the per-shift counters
(``CW.COUNT``, ``TH.CATHODE_T``) and records lots:

- ``CONC-<shift>``: concentrate fed in one shift (integrated feed rate, blend assay);
- ``<PSCn>-<date>-<k>``: a converter batch, charging to end of pour; it consumed the matte
  made from the concentrate fed during the furnace's matte residence time before and while
  it charged (mass shares by feed);
- ``<AFn>-<date>-<k>``: an anode-furnace heat; it took blister first-in first-out from the
  converter batches poured before it (blister in the pool before tracking began is a gap);
- ``CAST-<AFn>-<date>-<k>``: the casting run of that heat (anodes counted on the wheel);
- ``CATH-<shift>``: cathode harvested in a shift, from the casting runs whose anodes were in
  the cells (est.: the anodes of the last ``cathode_days``); what came before tracking is a gap.

A break in the data (no values for longer than ``max_gap_s``, or bad quality) is recorded as a
``GAP-...`` lot, linked to every lot it overlaps: the gap is shown, nothing is invented.
No Qt; the store (or a test driving the simulator model) calls :meth:`LotTracker.observe`.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core.shifts import ShiftCalendar

# stage numbers of the layout's state tags (as the simulator publishes them)
CONV_IDLE, CONV_CHARGING, CONV_POURING, CONV_MAINTENANCE = 0, 1, 5, 6
AF_IDLE, AF_CHARGING, AF_CASTING = 0, 1, 6
ANODE_T = 0.37  # t per anode (CW.TARGET_MASS ~370 kg)


@dataclass
class Lot:
    lot: str
    kind: str
    unit: str
    start: datetime
    end: datetime | None = None
    mass_t: float = 0.0
    assay: dict[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass
class Link:
    child: str
    parent: str  # "" = origin unknown (a gap)
    mass_t: float
    note: str = ""


class LotSink:
    """Where lots go (the database store implements it; tests may keep them in memory)."""

    def save_lot(self, lot: Lot) -> None: ...
    def save_link(self, link: Link) -> None: ...
    def open_lots(self) -> list[Lot]:
        return []


class MemorySink(LotSink):
    def __init__(self) -> None:
        self.lots: dict[str, Lot] = {}
        self.links: list[Link] = []

    def save_lot(self, lot: Lot) -> None:
        self.lots[lot.lot] = lot

    def save_link(self, link: Link) -> None:
        self.links.append(link)

    def open_lots(self) -> list[Lot]:
        return [lot for lot in self.lots.values() if lot.end is None]


class LotTracker:
    """Turns a stream of tag values into lots and links."""

    def __init__(self, sink: LotSink, calendar: ShiftCalendar | None = None, *, converters: tuple[str, ...] = ("PSC1", "PSC2", "PSC3"),
                 anode_furnaces: tuple[str, ...] = ("AF1", "AF2"), residence_h: float = 6.0, cathode_days: float = 7.0,
                 max_gap_s: float = 300.0) -> None:
        self.sink = sink
        self.cal = calendar or ShiftCalendar()
        self.converters = converters
        self.afs = anode_furnaces
        self.residence = timedelta(hours=residence_h)
        self.cathode_window = timedelta(days=cathode_days)
        self.max_gap = timedelta(seconds=max_gap_s)
        self.last_ts: datetime | None = None
        self.first_ts: datetime | None = None
        self.values: dict[str, float] = {}
        self.open: dict[str, Lot] = {}  # unit -> open lot (converters, AFs, casting, CONC, CATH)
        self.feed_log: list[tuple[datetime, datetime, float, str]] = []  # (from, to, t, conc lot)
        self.blister_pool: deque[list[Any]] = deque()  # [batch lot, t left]
        self.casts: list[Lot] = []
        self.gaps: list[Lot] = []
        self.counts: dict[str, int] = {}
        self.on_lot_closed: list[Callable[[Lot], None]] = []
        self._pending: dict[tuple[str, str, str], float] = {}  # small links summed until the lot closes
        #: per shift id: the highest value seen of each per-shift counter (they reset at the shift change)
        self.shift_counters: dict[str, dict[str, float]] = {}
        for lot in sink.open_lots():  # lots survive a restart
            key = f"CAST.{lot.lot.split('-')[1]}" if lot.kind == "casting_run" else lot.unit
            self.open[key] = lot

    # --- helpers -----------------------------------------------------------------
    def _id(self, unit: str, ts: datetime, prefix: str = "") -> str:
        n = self.counts.get(unit, 0) + 1
        self.counts[unit] = n
        return f"{prefix}{unit}-{ts.astimezone(self.cal.tz).strftime('%Y%m%d-%H%M')}"

    def _add(self, child: str, parent: str, mass: float, note: str) -> None:
        key = (child, parent, note)
        self._pending[key] = self._pending.get(key, 0.0) + mass

    def _flush(self, child: str | None = None) -> None:
        for key in [k for k in self._pending if child is None or k[0] == child]:
            self.sink.save_link(Link(key[0], key[1], round(self._pending.pop(key), 3), key[2]))

    def _close(self, lot: Lot, ts: datetime) -> None:
        self._flush(lot.lot)
        lot.end = ts
        for gap in self.gaps:
            if gap.start < ts and lot.start < (gap.end or ts):
                self.sink.save_link(Link(lot.lot, gap.lot, 0.0, "data gap while the lot was made"))
        self.sink.save_lot(lot)
        for fn in self.on_lot_closed:
            fn(lot)

    # --- the stream --------------------------------------------------------------
    def observe(self, ts: datetime, values: Mapping[str, Any], good: bool = True) -> None:
        """Take the values at ``ts`` (aware). ``good=False``: the values are not trustworthy."""
        if ts.tzinfo is None:
            ts = ts.replace(tzinfo=UTC)
        if self.first_ts is None:
            self.first_ts = ts
        if self.last_ts is not None and (ts - self.last_ts > self.max_gap or not good):
            gap = Lot(f"GAP-{self.last_ts.astimezone(self.cal.tz).strftime('%Y%m%d-%H%M%S')}", "gap", "", self.last_ts, ts,
                      note="no trustworthy data" if not good else f"no data for {(ts - self.last_ts).total_seconds():.0f} s")
            self.gaps.append(gap)
            self.sink.save_lot(gap)
        prev = dict(self.values)
        for k, v in values.items():
            if isinstance(v, int | float):
                self.values[k] = float(v)
        if not good:
            self.last_ts = ts
            return
        counters = self.shift_counters.setdefault(self.cal.shift_at(ts).id, {})
        for tag in ("CW.COUNT", "TH.CATHODE_T"):
            if tag in values and isinstance(values[tag], int | float):
                counters[tag] = max(counters.get(tag, 0.0), float(values[tag]))
        self._concentrate(ts, prev)
        for c in self.converters:
            self._converter(c, ts, prev)
        for a in self.afs:
            self._anode_furnace(a, ts, prev)
        self._cathode(ts, prev)
        for key, run in self.open.items():
            if key.startswith("CAST.") and "CW.COUNT" in self.values:
                now_n, was = self.values["CW.COUNT"], prev.get("CW.COUNT", self.values["CW.COUNT"])
                run.assay["anodes"] = run.assay.get("anodes", 0.0) + (now_n - was if now_n >= was else now_n)
        self.last_ts = ts

    def _concentrate(self, ts: datetime, prev: Mapping[str, float]) -> None:
        shift = self.cal.shift_at(ts)
        lot_id = f"CONC-{shift.id}"
        cur = self.open.get("CB")
        if cur is None or cur.lot != lot_id:
            if cur is not None:
                self._close(cur, shift.start)
            cur = self.open["CB"] = Lot(lot_id, "concentrate", "CB", ts)
            self.sink.save_lot(cur)
        if self.last_ts is not None and ts - self.last_ts <= self.max_gap:
            rate = prev.get("CB.FEED_RATE", self.values.get("CB.FEED_RATE", 0.0))
            t = rate * (ts - self.last_ts).total_seconds() / 3600.0
            if t > 0:
                n = cur.assay.get("_n", 0.0)
                for key, tag in (("cu_pct", "CB.BLEND_CU"), ("s_pct", "CB.BLEND_S")):
                    if tag in self.values:
                        cur.assay[key] = (cur.assay.get(key, 0.0) * n + self.values[tag]) / (n + 1)
                cur.assay["_n"] = n + 1
                cur.mass_t += t
                self.feed_log.append((self.last_ts, ts, t, cur.lot))
                while self.feed_log and self.feed_log[0][1] < ts - self.residence - timedelta(days=1):
                    self.feed_log.pop(0)

    def _converter(self, c: str, ts: datetime, prev: Mapping[str, float]) -> None:
        state, before = self.values.get(f"{c}.STATE"), prev.get(f"{c}.STATE")
        if state is None or state == before:
            return
        lot = self.open.get(c)
        if state == CONV_CHARGING and lot is None:
            lot = self.open[c] = Lot(self._id(c, ts), "converter_batch", c, ts,
                                     note="under way when tracking began" if before is None else "")
            self.sink.save_lot(lot)
        elif lot is not None and before == CONV_CHARGING:
            lot.mass_t = self.values.get(f"{c}.MATTE_CHARGED", 0.0)
            lot.assay["matte_cu_pct"] = self.values.get("SMF.MATTE_CU", 60.0)
            self._link_matte(lot, ts)
            self.sink.save_lot(lot)
        elif lot is not None and state == CONV_POURING:
            blister = lot.mass_t * lot.assay.get("matte_cu_pct", 60.0) / 100 / 0.985
            lot.assay["blister_t"] = round(blister, 2)
            self.blister_pool.append([lot.lot, blister])
        elif lot is not None and before == CONV_POURING:
            del self.open[c]
            self._close(lot, ts)

    def _link_matte(self, batch: Lot, charged_at: datetime) -> None:
        """The concentrate behind a charge: what was fed over the residence time before it."""
        lo = batch.start - self.residence
        shares: dict[str, float] = {}
        for a, b, t, conc in self.feed_log:
            overlap = (min(b, charged_at) - max(a, lo)).total_seconds()
            if overlap > 0:
                shares[conc] = shares.get(conc, 0.0) + t * overlap / max(1e-9, (b - a).total_seconds())
        total = sum(shares.values())
        known_from = self.first_ts or lo
        if lo < known_from:  # part of the window is before tracking began
            missing = (known_from - lo) / (charged_at - lo)
            self.sink.save_link(Link(batch.lot, "", round(batch.mass_t * missing, 3), "concentrate fed before tracking began"))
        else:
            missing = 0.0
        for conc, t in shares.items():
            self.sink.save_link(Link(batch.lot, conc, round(batch.mass_t * (1 - missing) * t / total, 3), "matte from concentrate"))

    def _anode_furnace(self, a: str, ts: datetime, prev: Mapping[str, float]) -> None:
        state, before = self.values.get(f"{a}.STATE"), prev.get(f"{a}.STATE")
        heat = self.open.get(a)
        if heat is not None and state == AF_CHARGING:  # blister in: first-in first-out from the pool
            took = self.values.get(f"{a}.CHARGE", 0.0) - prev.get(f"{a}.CHARGE", 0.0)
            if took > 0:
                heat.mass_t += took
                self._take_blister(heat, took)
        if state is None or state == before:
            return
        if state == AF_CHARGING and heat is None:
            heat = self.open[a] = Lot(self._id(a, ts), "af_heat", a, ts,
                                      note="under way when tracking began" if before is None else "")
            self.sink.save_lot(heat)
            took = self.values.get(f"{a}.CHARGE", 0.0)
            if took > 0:
                heat.mass_t += took
                self.sink.save_link(Link(heat.lot, "", round(took, 3), "rejects / blister already in the furnace"))
        elif state == AF_CASTING and heat is not None:
            run = self.open[f"CAST.{a}"] = Lot(self._id(a, ts, "CAST-"), "casting_run", "CW", ts, assay={"anodes": 0.0})
            self.sink.save_lot(run)
            self.sink.save_link(Link(run.lot, heat.lot, round(self.values.get(f"{a}.CHARGE", heat.mass_t), 3), "cast from the heat"))
        elif before == AF_CASTING and heat is not None:
            done_run = self.open.pop(f"CAST.{a}") if f"CAST.{a}" in self.open else None
            if done_run is not None:
                done_run.mass_t = round(heat.mass_t, 3)
                self._close(done_run, ts)
                self.casts.append(done_run)
            del self.open[a]
            self._close(heat, ts)

    def _take_blister(self, heat: Lot, mass: float) -> None:
        while mass > 1e-6:
            if not self.blister_pool:
                self._add(heat.lot, "", mass, "blister poured before tracking began")
                return
            entry = self.blister_pool[0]
            part = min(mass, entry[1])
            self._add(heat.lot, entry[0], part, "blister")
            entry[1] -= part
            mass -= part
            if entry[1] <= 1e-6:
                self.blister_pool.popleft()

    def _cathode(self, ts: datetime, prev: Mapping[str, float]) -> None:
        shift = self.cal.shift_at(ts)
        lot_id = f"CATH-{shift.id}"
        cur = self.open.get("TH")
        harvested = self.values.get("TH.CATHODE_T", 0.0)
        if cur is not None and cur.lot != lot_id:
            cur.mass_t = max(cur.mass_t, prev.get("TH.CATHODE_T", 0.0))
            del self.open["TH"]
            self._close(cur, shift.start)
            self._link_cathode(cur)
            cur = None
        if cur is None:
            cur = self.open["TH"] = Lot(lot_id, "cathode", "TH", ts)
            self.sink.save_lot(cur)
        else:
            cur.mass_t = max(cur.mass_t, harvested)

    def _link_cathode(self, lot: Lot) -> None:
        """Cathode from the anodes in the cells (est.: those cast in the last ``cathode_days``)."""
        end = lot.end or lot.start
        lo = end - self.cathode_window
        runs = [r for r in self.casts if r.end is not None and lo <= r.end <= end]
        tracked_from = max(lo, self.first_ts or lo)
        untracked = (tracked_from - lo) / self.cathode_window
        if untracked > 0:
            self.sink.save_link(Link(lot.lot, "", round(lot.mass_t * untracked, 3), "anodes cast before tracking began"))
        total = sum(r.mass_t for r in runs)
        for r in runs:
            self.sink.save_link(Link(lot.lot, r.lot, round(lot.mass_t * (1 - untracked) * r.mass_t / total, 3), "anodes in the cells (est.)"))

    def close(self, ts: datetime) -> None:
        """Write the open lots as they are (they stay open and resume after a restart)."""
        self._flush()
        for lot in self.open.values():
            self.sink.save_lot(lot)


def assay_json(lot: Lot) -> str:
    return json.dumps({k: v for k, v in lot.assay.items() if not k.startswith("_")})


class ThreadedSink(LotSink):
    """Hands saves to the ``production-lots`` worker pool (one worker: in order), since the
    tracker runs on the GUI/asyncio thread and SQL must not."""

    def __init__(self, inner: LotSink) -> None:
        from app.core.work import executor

        self.inner = inner
        self._open = inner.open_lots()
        self._pool = executor("production-lots")

    def _save(self, kind: str, item: Any) -> None:
        import logging

        try:
            if kind == "lot":
                self.inner.save_lot(item)
            else:
                self.inner.save_link(item)
        except Exception:  # noqa: BLE001 - keep tracking; the log says what was lost
            logging.getLogger(__name__).exception("production: could not save %s", item)

    def save_lot(self, lot: Lot) -> None:
        from copy import deepcopy

        self._pool.submit(self._save, "lot", deepcopy(lot))

    def save_link(self, link: Link) -> None:
        self._pool.submit(self._save, "link", link)

    def open_lots(self) -> list[Lot]:
        return self._open

    def stop(self, timeout_s: float = 10.0) -> None:
        """Wait until every save handed over so far is done."""
        self._pool.submit(lambda: None).result(timeout_s)


def observe_batch(tracker: LotTracker, batch: Mapping[str, Any]) -> None:
    """Feed one tag-store batch (name -> TagValue) to the tracker."""
    from app.core.tags import Quality

    values = {k: v.value for k, v in batch.items() if v.quality is Quality.GOOD and v.value is not None}
    if not values:
        return
    ts = max(v.source_ts for v in batch.values() if v.source_ts is not None)
    tracker.observe(ts, values)
