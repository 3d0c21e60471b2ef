"""The ISA-18.2 alarm engine: evaluates every store batch, runs each alarm's state machine.

States (ISA-18.2 / IEC 62682): NORMAL, UNACK (active, unacknowledged), ACKED (active,
acknowledged), RTN_UNACK (returned to normal, unacknowledged), LATCHED (latching alarm
returned to normal, waits for a reset = acknowledgement), SHELVED (timed or one-shot, with
who and why), SUPPRESSED (by design: unit state), OUT_OF_SERVICE. Shelving, suppression and
out-of-service hide an alarm; while hidden its process condition is still tracked, and when
it comes back while the condition is active it is annunciated again as UNACK.

The limit alarms (HH/H/L/LL) are evaluated for all definitions at once with numpy; only the
alarms whose condition changed go through the (Python) state machine, so a 10,000-value
batch costs a few milliseconds. Every annunciation, clear and operator action goes to the
journal through a background writer; operator actions also to the optional ``audit`` hook.
"""

from __future__ import annotations

import enum
import logging
import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from app.alarms.definitions import AlarmDef, AlarmType, Priority
from app.alarms.journal import JournalWriter, ShelfOp, as_utc
from app.core.events import Signal
from app.core.tags import DataType, Quality, TagDef, TagValue, utcnow

log = logging.getLogger(__name__)

FLOOD_WINDOW_S = 600.0
ROC_WINDOW_S = 60.0  # rate-of-change alarms compare with the value about a minute ago
FLOOD_START = 10  # more than this many annunciated alarms in the window starts a flood
FLOOD_END = 5  # fewer than this ends it

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
AuditHook = Callable[[str, str, str, str], None]  # who, action, alarm id, reason
#: (who, action) -> why not, or None when allowed. Actions: "ack", "shelve", "unshelve", "oos",
#: "in_service". The runtime sets it from the session (Runtime.attach_security), so every console,
#: panel and command gets the same rule.
PermissionHook = Callable[[str, str], str | None]
ALARM_ACTIONS = ("ack", "shelve", "unshelve", "oos", "in_service")


class AlarmActionRefused(PermissionError):
    """The permission hook refused an operator action; the message says why, in plain words."""


class AlarmState(enum.StrEnum):
    NORMAL = "NORMAL"
    UNACK = "UNACK"
    ACKED = "ACKED"
    RTN_UNACK = "RTN_UNACK"
    LATCHED = "LATCHED"
    SHELVED = "SHELVED"
    SUPPRESSED = "SUPPRESSED"
    OUT_OF_SERVICE = "OUT_OF_SERVICE"


ANNUNCIATED = (AlarmState.UNACK, AlarmState.ACKED, AlarmState.RTN_UNACK, AlarmState.LATCHED)
_LIMIT_TYPES = (AlarmType.HH, AlarmType.H, AlarmType.L, AlarmType.LL)


class ShelveKind(enum.StrEnum):
    TIMED = "timed"
    ONESHOT = "oneshot"


@dataclass(slots=True)
class AlarmRecord:
    """The live state of one alarm."""

    definition: AlarmDef
    index: int
    ann: AlarmState = AlarmState.NORMAL  # annunciation state while not hidden
    condition: bool = False  # process condition, after on/off delays
    raw: bool = False  # instantaneous condition (with deadband)
    pending_since: datetime | None = None  # raw differs from condition since then
    shelve: ShelveKind | None = None
    shelve_until: datetime | None = None
    shelved_by: str = ""
    shelve_reason: str = ""
    suppressed: bool = False
    out_of_service: bool = False
    oos_by: str = ""
    value: Any = None  # value at the last change
    time: datetime | None = None  # time of the last annunciation/state change
    active_since: datetime | None = None
    acked_by: str = ""
    acked_at: datetime | None = None
    first_out: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def hidden(self) -> bool:
        return self.out_of_service or self.suppressed or self.shelve is not None

    @property
    def state(self) -> AlarmState:
        if self.out_of_service:
            return AlarmState.OUT_OF_SERVICE
        if self.suppressed:
            return AlarmState.SUPPRESSED
        if self.shelve is not None:
            return AlarmState.SHELVED
        return self.ann

    @property
    def standing(self) -> bool:
        """The process condition is active and the alarm is shown (not shelved or suppressed)."""
        return not self.hidden and self.ann in (AlarmState.UNACK, AlarmState.ACKED, AlarmState.LATCHED)

    @property
    def annunciated(self) -> bool:
        return not self.hidden and self.ann is not AlarmState.NORMAL

    @property
    def unacked(self) -> bool:
        return not self.hidden and self.ann in (AlarmState.UNACK, AlarmState.RTN_UNACK, AlarmState.LATCHED)


def _state_index(tag: TagDef | None, value: object) -> str | None:
    if tag is None or value is None:
        return None
    if tag.data_type is DataType.STATE:
        try:
            return tag.states[int(value)]  # type: ignore[call-overload]
        except (ValueError, IndexError, TypeError):
            return str(value)
    if tag.data_type is DataType.BOOL:
        return tag.format_value(value)  # "1"/"0", or its two named states
    return str(value)


def _number(value: object) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    return math.nan


class AlarmEngine:
    """Evaluates alarms on store batches and keeps their ISA-18.2 state.

    ``clock`` gives "now" (tests pass a fake one). ``journal`` (optional) persists events and
    brings other consoles' operator actions. ``record_process_events`` False lets a second
    console share a journal without writing every activation twice.
    """

    def __init__(
        self,
        definitions: Iterable[AlarmDef],
        tags: Mapping[str, TagDef],
        *,
        clock: Callable[[], datetime] = utcnow,
        journal: JournalWriter | None = None,
        console: str = "",
        audit: AuditHook | None = None,
        record_process_events: bool = True,
    ) -> None:
        self.definitions = list(definitions)
        self.tags = dict(tags)
        self.clock = clock
        self.journal = journal
        self.console = console or (journal.console if journal else "")
        self.audit = audit
        self.permission: PermissionHook | None = None
        # Alarms another system raises (a DCS over OPC UA A&C): acknowledging one asks that
        # system (``external_ack(record, who, reason)``); its state follows the system's events.
        self.external_ack: Callable[[AlarmRecord, str, str], None] | None = None
        self.record_process_events = record_process_events
        # A standby console (another one writes history and process events) keeps its own
        # process events for a while, so that it can back-fill the writer switch's gap when it
        # takes over (JournalWriter.hold / backfill_held; set by app.historian.roles).
        self.hold_process_events = False
        self.records: dict[str, AlarmRecord] = {}
        self._list: list[AlarmRecord] = []
        for i, d in enumerate(self.definitions):
            rec = AlarmRecord(d, i)
            self.records[d.id] = rec
            self._list.append(rec)
        self.changed: Signal[[list[AlarmRecord]]] = Signal()
        self.flood_changed: Signal[[bool]] = Signal()
        self.in_flood = False
        self._by_tag: dict[str, list[AlarmRecord]] | None = None
        self.flood_started: datetime | None = None
        self._recent: deque[datetime] = deque()
        self._dirty: dict[str, AlarmRecord] = {}
        self._pending: set[int] = set()
        self._values: dict[str, TagValue] = {}
        self._roc_samples: dict[int, deque[tuple[float, datetime]]] = {}
        self._first_out: dict[str, str] = {}
        self._groups: dict[str, list[AlarmRecord]] = {}
        self._store: Any = None
        self._running = False
        for rec in self._list:
            if rec.definition.group:
                self._groups.setdefault(rec.definition.group, []).append(rec)
        self._build_indexes()

    # --- indexes ----------------------------------------------------------------------
    def _build_indexes(self) -> None:
        limit = [r for r in self._list if r.definition.type in _LIMIT_TYPES]
        self._tag_names: list[str] = sorted({r.definition.tag for r in limit})
        self._tag_pos = {n: i for i, n in enumerate(self._tag_names)}
        self._lim_recs = limit
        self._lim_tag = np.array([self._tag_pos[r.definition.tag] for r in limit], dtype=np.int64)
        sign = np.array([1.0 if r.definition.type in (AlarmType.HH, AlarmType.H) else -1.0 for r in limit])
        self._lim_sign = sign
        self._lim_thr = sign * np.array([r.definition.limit or 0.0 for r in limit], dtype=np.float64)
        self._lim_db = np.array([r.definition.deadband for r in limit], dtype=np.float64)
        self._lim_raw = np.zeros(len(limit), dtype=bool)
        self._vals = np.full(len(self._tag_names), np.nan)
        self._last_keys: tuple[str, ...] = ()
        self._last_sel = np.zeros(0, dtype=np.int64)
        self._last_pos = np.zeros(0, dtype=np.int64)
        self._other_by_tag: dict[str, list[AlarmRecord]] = {}
        self._by_sup_tag: dict[str, list[AlarmRecord]] = {}
        for rec in self._list:
            d = rec.definition
            if d.type not in _LIMIT_TYPES:
                self._other_by_tag.setdefault(d.tag, []).append(rec)
                if d.setpoint_tag:
                    self._other_by_tag.setdefault(d.setpoint_tag, []).append(rec)
            if d.suppression is not None:
                self._by_sup_tag.setdefault(d.suppression.tag, []).append(rec)
        self._needed = frozenset(self._other_by_tag) | frozenset(self._by_sup_tag)

    # --- wiring -----------------------------------------------------------------------
    def attach(self, store: Any) -> None:
        """Evaluate every batch ``store`` applies, starting with what it already holds."""
        self._store = store
        store.batch_applied.connect(self.evaluate)
        if store.values:
            self.evaluate(dict(store.values))

    def detach(self) -> None:
        if self._store is not None:
            self._store.batch_applied.disconnect(self.evaluate)
            self._store = None

    def start(self) -> None:
        """Start the journal writer and take over the shelves already in force."""
        if self.journal is None:
            return
        self.journal.start()
        for row in self.journal.load_shelf():
            rec = self.records.get(row["alarm"])
            if rec is None:
                continue
            if row["kind"] == "oos":
                rec.out_of_service, rec.oos_by = True, row["who"]
            else:
                rec.shelve = ShelveKind(row["kind"])
                rec.shelve_until = as_utc(row["until"]) if row["until"] else None
                rec.shelved_by, rec.shelve_reason = row["who"], row["reason"]
            rec.ann = AlarmState.NORMAL
            self._dirty[rec.id] = rec
        self._emit()

    async def run(self, period_s: float = 0.5, beat: Callable[[], None] | None = None) -> None:
        """Tick every ``period_s`` until :meth:`close` (delays, shelve expiry, other consoles).

        A tick that fails is logged and the next one runs as usual: one bad alarm or journal
        row must not stop every alarm timer. ``beat`` (the supervisor's) is called after
        every tick, failed or not, so a loop that stops ticking is noticed.
        """
        import asyncio

        self._running = True
        failures = 0
        loop = asyncio.get_running_loop()
        wake = asyncio.Event()
        if self.journal is not None and self.journal.notifies:  # PostgreSQL: another console's action arrived: tick now
            def woken() -> None:
                try:
                    loop.call_soon_threadsafe(wake.set)
                except RuntimeError:  # the loop is closed: nothing to wake
                    pass

            self.journal.on_remote = woken
        while self._running:
            try:
                self.tick()
                failures = 0
            except Exception:  # noqa: BLE001 - see the docstring
                failures += 1
                if failures == 1 or failures % 100 == 0:  # not one log line every half second
                    log.exception("alarm engine tick failed (%d in a row); the next tick runs in %g s", failures, period_s)
            if beat is not None:
                beat()
            try:
                await asyncio.wait_for(wake.wait(), period_s)
            except TimeoutError:
                pass
            wake.clear()

    def close(self) -> None:
        self._running = False
        self.detach()
        if self.journal is not None:
            self.journal.close()

    # --- evaluation -----------------------------------------------------------------------
    def evaluate(self, batch: Mapping[str, TagValue]) -> None:
        """Evaluate the alarms that depend on the tags in ``batch``."""
        now = self.clock()
        values = self._values
        for name in batch.keys() & self._needed:  # only what non-limit alarms read later
            values[name] = batch[name]
        # Values into the numpy array in bulk: positions are cached per batch layout (drivers
        # send the same tags in the same order), values go through one list comprehension.
        keys = tuple(batch)
        if keys != self._last_keys:
            get = self._tag_pos.get
            pos = np.array([get(n, -1) for n in keys], dtype=np.int64)
            self._last_keys, self._last_sel = keys, np.flatnonzero(pos >= 0)
            self._last_pos = pos[self._last_sel]
        touched = len(self._last_pos) > 0
        if touched:
            good_q = Quality.GOOD
            nan = math.nan
            raw_values = [tv.value if tv.quality is good_q else nan for tv in batch.values()]
            try:
                numbers = np.array(raw_values, dtype=np.float64)
            except (TypeError, ValueError):
                numbers = np.array([_number(v) for v in raw_values], dtype=np.float64)
            self._vals[self._last_pos] = numbers[self._last_sel]
        changes: list[tuple[AlarmRecord, bool]] = []
        if touched and len(self._lim_recs):
            x = self._vals[self._lim_tag] * self._lim_sign
            ok = ~np.isnan(x)
            old = self._lim_raw
            new = np.where(old, x > self._lim_thr - self._lim_db, x > self._lim_thr)
            new &= ok
            new |= old & ~ok  # bad quality or no number: hold (the BAD alarm reports it)
            flipped = np.flatnonzero(new != old)
            self._lim_raw = new
            for i in flipped:
                rec = self._lim_recs[i]
                tv = batch.get(rec.definition.tag)
                if tv is not None:
                    values[rec.definition.tag] = tv
                changes.append((rec, bool(new[i])))
        seen: set[int] = set()
        for name in batch.keys() & self._other_by_tag.keys():
            for rec in self._other_by_tag[name]:
                if rec.index in seen:
                    continue
                seen.add(rec.index)
                raw = self._eval_other(rec, now)
                if raw is not None and raw != rec.raw:
                    changes.append((rec, raw))
        # first-out needs the order things happened in, not definition order
        if len(changes) > 1:
            changes.sort(key=lambda c: (self._source_ts(c[0]), c[0].index))
        for rec, raw in changes:
            rec.raw = raw
            self._raw_changed(rec, now)
        for name in batch.keys() & self._by_sup_tag.keys():
            for rec in self._by_sup_tag[name]:
                self._update_suppression(rec, now)
        self._run_pending(now)
        self._emit()

    def _source_ts(self, rec: AlarmRecord) -> datetime:
        tv = self._values.get(rec.definition.tag)
        return tv.source_ts if tv is not None else _EPOCH

    def _eval_other(self, rec: AlarmRecord, now: datetime) -> bool | None:
        d = rec.definition
        tv = self._values.get(d.tag)
        if d.type is AlarmType.BAD:
            if tv is None:
                return None
            return tv.quality is Quality.BAD
        if tv is None or tv.quality is not Quality.GOOD:
            return None  # hold
        if d.type is AlarmType.STATE:
            return _state_index(self.tags.get(d.tag), tv.value) in d.states
        value = _number(tv.value)
        if math.isnan(value):
            return None
        limit = d.limit or 0.0
        if d.type is AlarmType.DEV:
            sp = self._values.get(d.setpoint_tag)
            if sp is None or sp.quality is not Quality.GOOD:
                return None
            dev = abs(value - _number(sp.value))
            if math.isnan(dev):
                return None
            return dev > limit - d.deadband if rec.raw else dev > limit
        if d.type is AlarmType.ROC:
            # The rate over the last minute, not between two samples: sample-to-sample noise
            # of a 0.5 s update would otherwise read as hundreds of units per minute.
            samples = self._roc_samples.setdefault(rec.index, deque())
            ts = tv.source_ts
            if samples and ts <= samples[-1][1]:
                return None
            samples.append((value, ts))
            cutoff = ts - timedelta(seconds=ROC_WINDOW_S)
            while len(samples) >= 2 and samples[1][1] <= cutoff:
                samples.popleft()
            ref_value, ref_ts = samples[0]
            dt = (ts - ref_ts).total_seconds()
            if dt < ROC_WINDOW_S / 2:
                return None  # not enough history yet: hold
            rate = abs(value - ref_value) / dt * 60.0
            return rate > limit - d.deadband if rec.raw else rate > limit
        return None

    def _raw_changed(self, rec: AlarmRecord, now: datetime) -> None:
        d = rec.definition
        if rec.raw == rec.condition:
            rec.pending_since = None
            self._pending.discard(rec.index)
            return
        delay = d.on_delay_s if rec.raw else d.off_delay_s
        if delay <= 0:
            rec.pending_since = None
            self._pending.discard(rec.index)
            self._set_condition(rec, rec.raw, now)
        else:
            rec.pending_since = now
            self._pending.add(rec.index)

    def _run_pending(self, now: datetime) -> None:
        for index in sorted(self._pending, key=lambda i: (self._list[i].pending_since or now, i)):
            rec = self._list[index]
            if rec.pending_since is None or rec.raw == rec.condition:
                self._pending.discard(index)
                continue
            delay = rec.definition.on_delay_s if rec.raw else rec.definition.off_delay_s
            if (now - rec.pending_since).total_seconds() >= delay:
                self._pending.discard(index)
                rec.pending_since = None
                self._set_condition(rec, rec.raw, now)

    def _update_suppression(self, rec: AlarmRecord, now: datetime) -> None:
        sup = rec.definition.suppression
        assert sup is not None
        tv = self._values.get(sup.tag)
        state = _state_index(self.tags.get(sup.tag), tv.value) if tv is not None else None
        on = state in sup.states
        if on == rec.suppressed:
            return
        was_hidden = rec.hidden
        rec.suppressed = on
        self._journal(rec, "suppress" if on else "unsuppress", now, process=True)
        self._hidden_changed(rec, was_hidden, now)

    # --- the state machine ------------------------------------------------------------
    def _set_condition(self, rec: AlarmRecord, active: bool, now: datetime) -> None:
        if rec.condition == active:
            return
        rec.condition = active
        rec.value = self._current_value(rec)
        self._dirty[rec.id] = rec
        if active:
            rec.active_since = now
        if rec.hidden:
            if not active and rec.shelve is ShelveKind.ONESHOT:
                self._unshelve(rec, "system", "one-shot shelve ends: alarm cleared", now, journal=True)
            return
        if active:
            self._annunciate(rec, now)
        else:
            if rec.ann is AlarmState.UNACK:
                rec.ann = AlarmState.LATCHED if rec.definition.latching else AlarmState.RTN_UNACK
            elif rec.ann is AlarmState.ACKED:
                rec.ann = AlarmState.LATCHED if rec.definition.latching else AlarmState.NORMAL
            rec.time = now
            self._journal(rec, "clear", now, process=True)
            self._check_group(rec)

    def _annunciate(self, rec: AlarmRecord, now: datetime) -> None:
        rec.ann = AlarmState.UNACK
        rec.time = now
        rec.acked_by, rec.acked_at = "", None
        group = rec.definition.group
        if group and group not in self._first_out:
            self._first_out[group] = rec.id
            rec.first_out = True
        self._journal(rec, "activate", now, process=True)
        self._recent.append(now)
        self._update_flood(now)

    def _hidden_changed(self, rec: AlarmRecord, was_hidden: bool, now: datetime) -> None:
        self._dirty[rec.id] = rec
        if rec.hidden and not was_hidden:
            rec.ann = AlarmState.NORMAL
            self._check_group(rec)
        elif was_hidden and not rec.hidden:
            if rec.condition:
                self._annunciate(rec, now)
            else:
                rec.ann = AlarmState.NORMAL

    def _check_group(self, rec: AlarmRecord) -> None:
        group = rec.definition.group
        if not group or group not in self._first_out:
            return
        members = self._groups[group]
        if all(m.ann is AlarmState.NORMAL or m.hidden for m in members):
            del self._first_out[group]
            for m in members:
                if m.first_out:
                    m.first_out = False
                    self._dirty[m.id] = m

    def current_value(self, rec: AlarmRecord) -> Any:
        """The alarm's tag value now (the record's ``value`` is the one at its last change)."""
        return self._current_value(rec)

    def _current_value(self, rec: AlarmRecord) -> Any:
        source = self._store.values if self._store is not None else self._values
        tv = source.get(rec.definition.tag) or self._values.get(rec.definition.tag)
        return None if tv is None else tv.value

    # --- flood ------------------------------------------------------------------------------
    def _update_flood(self, now: datetime) -> None:
        cutoff = now - timedelta(seconds=FLOOD_WINDOW_S)
        while self._recent and self._recent[0] <= cutoff:
            self._recent.popleft()
        count = len(self._recent)
        if not self.in_flood and count > FLOOD_START:
            self.in_flood, self.flood_started = True, now
            self.flood_changed.emit(True)
        elif self.in_flood and count < FLOOD_END:
            self.in_flood, self.flood_started = False, None
            self.flood_changed.emit(False)

    @property
    def rate_10min(self) -> int:
        return len(self._recent)

    # --- operator actions ---------------------------------------------------------------
    def refusal(self, who: str, action: str) -> str | None:
        """Why ``who`` may not do ``action`` (one of :data:`ALARM_ACTIONS`), or None."""
        return self.permission(who, action) if self.permission is not None else None

    def _authorize(self, who: str, action: str, remote: dict[str, Any] | None) -> None:
        if remote is not None:
            return  # the console that did it authorised it
        refusal = self.refusal(who, action)
        if refusal:
            raise AlarmActionRefused(refusal)

    def ack(self, ids: Iterable[str], who: str, reason: str = "", *, _remote: dict[str, Any] | None = None) -> int:
        """Acknowledge ``ids`` (unacknowledged ones; others are ignored). Returns how many.
        Raises :class:`AlarmActionRefused` when the permission hook refuses ``who``."""
        self._authorize(who, "ack", _remote)
        now = self.clock()
        done = 0
        for alarm_id in ids:
            rec = self.records.get(alarm_id)
            if rec is None or rec.hidden:
                continue
            if rec.extra.get("external") and _remote is None:
                if rec.ann in (AlarmState.UNACK, AlarmState.RTN_UNACK) and self.external_ack is not None:
                    rec.extra["ack_requested_by"] = who
                    self._action(rec, "ack", who, reason, now, _remote)  # journaled and audited as asked
                    self.external_ack(rec, who, reason)  # the source's event then acknowledges it here
                    done += 1
                continue
            if rec.ann is AlarmState.UNACK:
                rec.ann = AlarmState.ACKED
            elif rec.ann is AlarmState.RTN_UNACK:
                rec.ann = AlarmState.NORMAL
            elif rec.ann is AlarmState.LATCHED and not rec.condition:
                rec.ann = AlarmState.NORMAL  # reset of a latched alarm
            else:
                continue
            rec.acked_by, rec.acked_at = who, now
            self._dirty[rec.id] = rec
            done += 1
            self._action(rec, "ack", who, reason, now, _remote)
            self._check_group(rec)
        self._emit()
        return done

    def shelve(
        self, alarm_id: str, who: str, reason: str, duration_s: float | None = None,
        *, _remote: dict[str, Any] | None = None,
    ) -> bool:
        """Shelve for ``duration_s`` seconds (timed) or, with None, until it next clears (one-shot).
        Raises :class:`AlarmActionRefused` when the permission hook refuses ``who``."""
        self._authorize(who, "shelve", _remote)
        rec = self.records.get(alarm_id)
        if rec is None or rec.out_of_service or rec.suppressed:
            return False
        now = self.clock()
        was_hidden = rec.hidden
        if _remote is not None:
            until = _remote.get("until")
            rec.shelve_until = as_utc(until) if until else None
        else:
            rec.shelve_until = now + timedelta(seconds=duration_s) if duration_s else None
        rec.shelve = ShelveKind.TIMED if rec.shelve_until is not None else ShelveKind.ONESHOT
        rec.shelved_by, rec.shelve_reason = who, reason
        self._action(rec, "shelve", who, reason, now, _remote, until=rec.shelve_until)
        if _remote is None and self.journal is not None:
            self.journal.put(ShelfOp(rec.id, {
                "alarm": rec.id, "kind": rec.shelve.value, "since": now, "until": rec.shelve_until,
                "who": who[:80], "reason": reason[:400], "console": self.console[:80],
            }))
        self._hidden_changed(rec, was_hidden, now)
        self._emit()
        return True

    def unshelve(self, alarm_id: str, who: str, reason: str = "", *, _remote: dict[str, Any] | None = None) -> bool:
        """Put a shelved alarm back (raises :class:`AlarmActionRefused` when refused)."""
        self._authorize(who, "unshelve", _remote)
        rec = self.records.get(alarm_id)
        if rec is None or rec.shelve is None:
            return False
        self._unshelve(rec, who, reason, self.clock(), journal=True, remote=_remote)
        self._emit()
        return True

    def _unshelve(
        self, rec: AlarmRecord, who: str, reason: str, now: datetime, journal: bool, remote: dict[str, Any] | None = None
    ) -> None:
        was_hidden = rec.hidden
        rec.shelve, rec.shelve_until, rec.shelved_by, rec.shelve_reason = None, None, "", ""
        if journal:
            self._action(rec, "unshelve", who, reason, now, remote)
            if remote is None and self.journal is not None:
                self.journal.put(ShelfOp(rec.id, None))
        self._hidden_changed(rec, was_hidden, now)

    def set_out_of_service(
        self, alarm_id: str, who: str, reason: str, out: bool = True, *, _remote: dict[str, Any] | None = None
    ) -> bool:
        """Take an alarm out of service (maintenance) or put it back (raises
        :class:`AlarmActionRefused` when refused)."""
        self._authorize(who, "oos" if out else "in_service", _remote)
        rec = self.records.get(alarm_id)
        if rec is None or rec.out_of_service == out:
            return False
        now = self.clock()
        was_hidden = rec.hidden
        rec.out_of_service, rec.oos_by = out, who if out else ""
        self._action(rec, "oos" if out else "in_service", who, reason, now, _remote)
        if _remote is None and self.journal is not None:
            row = {"alarm": rec.id, "kind": "oos", "since": now, "until": None, "who": who[:80],
                   "reason": reason[:400], "console": self.console[:80]}
            self.journal.put(ShelfOp(rec.id, row if out else None))
        self._hidden_changed(rec, was_hidden, now)
        self._emit()
        return True

    def _action(
        self, rec: AlarmRecord, action: str, who: str, reason: str, now: datetime,
        remote: dict[str, Any] | None, until: datetime | None = None,
    ) -> None:
        if remote is not None:
            return  # the console that did it journaled and audited it
        self._journal(rec, action, now, who=who, reason=reason, until=until)
        if self.audit is not None:
            try:
                self.audit(who, action, rec.id, reason)
            except Exception:  # noqa: BLE001 - an audit failure must not lose the action
                log.exception("audit hook failed for %s %s", action, rec.id)

    def tag_priority(self, tag: str) -> int:
        """0 when ``tag`` has no standing alarm, else the best (lowest) priority of those it has."""
        if self._by_tag is None:
            self._by_tag = {}
            for rec in self.records.values():
                self._by_tag.setdefault(rec.definition.tag, []).append(rec)
        best = 0
        for rec in self._by_tag.get(tag, ()):
            if rec.standing:
                best = int(rec.definition.priority) if best == 0 else min(best, int(rec.definition.priority))
        return best

    # --- periodic -------------------------------------------------------------------------
    def tick(self) -> None:
        """Run timers: on/off delays, shelve expiry, flood end, other consoles' actions."""
        now = self.clock()
        self._run_pending(now)
        for rec in self._list:
            if rec.shelve is ShelveKind.TIMED and rec.shelve_until is not None and now >= rec.shelve_until:
                self._unshelve(rec, "system", "shelve time expired", now, journal=True)
        if self.in_flood:
            self._update_flood(now)
        if self.journal is not None:
            self.apply_remote(self.journal.take_remote())
        self._emit()

    def apply_remote(self, rows: list[dict[str, Any]]) -> None:
        """Apply operator actions another console journaled."""
        for row in rows:
            alarm_id, who, reason, ev = row["alarm"], row.get("who", ""), row.get("reason", ""), row["event"]
            if ev == "ack":
                self.ack([alarm_id], who, reason, _remote=row)
            elif ev == "shelve":
                self.shelve(alarm_id, who, reason, _remote=row)
            elif ev == "unshelve":
                self.unshelve(alarm_id, who, reason, _remote=row)
            elif ev in ("oos", "in_service"):
                self.set_out_of_service(alarm_id, who, reason, ev == "oos", _remote=row)

    # --- journal ------------------------------------------------------------------------------
    def _journal(
        self, rec: AlarmRecord, event: str, now: datetime, *, process: bool = False,
        who: str = "", reason: str = "", until: datetime | None = None,
    ) -> None:
        self._dirty[rec.id] = rec
        if self.journal is None:
            return
        standby = process and not self.record_process_events
        if standby and not self.hold_process_events:
            return
        d = rec.definition
        tag = self.tags.get(d.tag)
        value = self._current_value(rec)
        text = tag.format_value(value) if tag else str(value or "")
        row = {  # cut to the column sizes: one over-long reason must not block the journal
            "ts": now, "alarm": d.id[:160], "tag": d.tag[:160], "priority": int(d.priority), "area": d.area[:40],
            "event": event, "state": rec.state.value, "value": text[:40], "limit": d.limit_text[:40],
            "who": who[:80], "reason": reason[:400], "console": self.console[:80], "until": until,
        }
        if standby:
            self.journal.hold(row)  # the writer journals it; kept here for a hand-over
        else:
            self.journal.put(row)

    # --- alarms raised by another system (a DCS over OPC UA Alarms & Conditions) --------------
    def add_external(self, definition: AlarmDef, source: str) -> AlarmRecord:
        """A record for an alarm another system raises (not evaluated on values here): it
        shows in the same list, journal, KPIs, flood count and displays, marked with ``source``."""
        rec = self.records.get(definition.id)
        if rec is not None:
            return rec
        rec = AlarmRecord(definition, len(self._list))
        rec.extra["external"] = source
        self.definitions.append(definition)
        self.records[definition.id] = rec
        self._list.append(rec)
        if definition.group:
            self._groups.setdefault(definition.group, []).append(rec)
        return rec

    def set_external(self, alarm_id: str, *, active: bool, acked: bool, when: datetime, value: Any = None,
                     who: str = "", comment: str = "") -> None:
        """Take the state the source system reports for ``alarm_id`` (activation, clearing and
        acknowledgement made there or asked from here), journaled like a local alarm."""
        rec = self.records[alarm_id]
        was_hidden = rec.hidden
        if value is not None:
            rec.value = value
        if active and not rec.condition:
            rec.condition = rec.raw = True
            rec.active_since = when
            if not rec.hidden:
                if acked:  # already acknowledged at the source (e.g. seen on refresh)
                    rec.ann, rec.time = AlarmState.ACKED, when
                    self._journal(rec, "activate", when, process=True)
                else:
                    self._annunciate(rec, when)
        elif not active and rec.condition:
            rec.condition = rec.raw = False
            rec.active_since = None
            if not rec.hidden:
                rec.ann = AlarmState.RTN_UNACK if rec.ann in (AlarmState.UNACK, AlarmState.LATCHED) else AlarmState.NORMAL
                rec.time = when
                self._journal(rec, "clear", when, process=True)
                self._check_group(rec)
        if acked and not rec.hidden and rec.ann in (AlarmState.UNACK, AlarmState.RTN_UNACK):
            rec.ann = AlarmState.ACKED if rec.ann is AlarmState.UNACK else AlarmState.NORMAL
            asked = rec.extra.pop("ack_requested_by", "")
            rec.acked_by, rec.acked_at = asked or who or str(rec.extra.get("external", "")), when
            if not asked:  # acknowledged at the source or another console: journal it here
                self._journal(rec, "ack", when, who=rec.acked_by, reason=comment)
            self._check_group(rec)
        if not active and acked and rec.ann is not AlarmState.NORMAL and not rec.hidden:
            rec.ann = AlarmState.NORMAL
        self._dirty[rec.id] = rec
        if was_hidden != rec.hidden:
            self._hidden_changed(rec, was_hidden, when)
        self._emit()

    def _emit(self) -> None:
        if self._dirty:
            changed = list(self._dirty.values())
            self._dirty = {}
            self.changed.emit(changed)

    # --- queries ------------------------------------------------------------------------------
    def visible(self) -> list[AlarmRecord]:
        """Alarms an operator's list shows: annunciated ones (not normal, not hidden)."""
        return [r for r in self._list if r.annunciated]

    def hidden_records(self) -> list[AlarmRecord]:
        return [r for r in self._list if r.hidden]

    def counts(self) -> dict[Priority, tuple[int, int]]:
        """Per priority: (annunciated, unacknowledged)."""
        out = {p: [0, 0] for p in Priority}
        for r in self._list:
            if r.annunciated:
                out[r.definition.priority][0] += 1
                if r.unacked:
                    out[r.definition.priority][1] += 1
        return {p: (a, u) for p, (a, u) in out.items()}

    def first_out(self, group: str) -> str | None:
        return self._first_out.get(group)
