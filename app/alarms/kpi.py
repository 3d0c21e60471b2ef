"""EEMUA 191 / ISA-18.2 alarm KPIs from a journal (database rows or a CSV export).

The input is a sequence of events ``(timestamp, alarm, priority, area, event)`` with event in
activate, clear, ack, shelve, unshelve, suppress, unsuppress (others are ignored). An
"annunciated alarm" is an ``activate`` event. An alarm is *standing* from its activation
until it clears or is shelved/suppressed/taken out of service; *stale* if it stood for more
than 24 h within the period: still standing at its end, or cleared inside it after more than
24 h (an alarm active for 30 h that cleared this morning is a stale alarm of today too).
Events before the period only set who is standing.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.alarms.definitions import Priority

CSV_COLUMNS = ("timestamp", "alarm", "priority", "area", "event")
KNOWN_EVENTS = ("activate", "clear", "ack", "shelve", "unshelve", "suppress", "unsuppress", "oos", "in_service")
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
ENDS_ACTIVE = ("clear", "shelve", "suppress", "oos")
TARGET_MIX = {"high": 5.0, "medium": 15.0, "low": 80.0}
WINDOW = timedelta(minutes=10)
CHATTER_WINDOW = timedelta(minutes=1)
CHATTER_COUNT = 3
STALE_AFTER = timedelta(hours=24)
FLOOD_START, FLOOD_END = 10, 5


class JournalFormatError(ValueError):
    """A CSV journal that cannot be read; the message says ``file:line: what is wrong``."""


@dataclass(frozen=True, slots=True)
class JournalEvent:
    ts: datetime
    alarm: str
    priority: int
    area: str
    event: str


@dataclass(slots=True)
class Flood:
    start: datetime
    end: datetime
    peak_per_10min: int
    alarms: int
    ongoing: bool = False

    @property
    def duration_s(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass(slots=True)
class KpiReport:
    start: datetime
    end: datetime
    annunciated: int = 0
    per_10min: float = 0.0
    per_hour: float = 0.0
    per_day: float = 0.0
    windows: int = 0
    windows_over_1_pct: float = 0.0
    windows_over_10_pct: float = 0.0
    max_per_10min: int = 0
    floods: list[Flood] = field(default_factory=list)
    flood_time_pct: float = 0.0
    top10: list[tuple[str, int]] = field(default_factory=list)
    chattering: list[tuple[str, int]] = field(default_factory=list)  # alarm, most activations in 1 min
    standing: list[tuple[str, datetime]] = field(default_factory=list)  # alarm, active since
    stale: list[tuple[str, datetime]] = field(default_factory=list)
    priority_counts: dict[str, int] = field(default_factory=dict)
    priority_pct: dict[str, float] = field(default_factory=dict)  # high (urgent+high), medium, low
    acks: int = 0
    shelves: int = 0

    @property
    def flood_count(self) -> int:
        return len(self.floods)

    @property
    def flood_duration_s(self) -> float:
        return sum(f.duration_s for f in self.floods)

    @property
    def flood_peak_per_10min(self) -> int:
        return max((f.peak_per_10min for f in self.floods), default=0)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"], d["end"] = self.start.isoformat(), self.end.isoformat()
        d["floods"] = [
            {"start": f.start.isoformat(), "end": f.end.isoformat(), "duration_s": f.duration_s,
             "peak_per_10min": f.peak_per_10min, "alarms": f.alarms, "ongoing": f.ongoing}
            for f in self.floods
        ]
        d["flood_count"] = self.flood_count
        d["flood_duration_s"] = self.flood_duration_s
        d["flood_peak_per_10min"] = self.flood_peak_per_10min
        d["top10"] = [{"alarm": a, "count": n} for a, n in self.top10]
        d["chattering"] = [{"alarm": a, "max_per_minute": n} for a, n in self.chattering]
        d["standing"] = [{"alarm": a, "since": t.isoformat()} for a, t in self.standing]
        d["stale"] = [{"alarm": a, "since": t.isoformat()} for a, t in self.stale]
        d["target_pct"] = dict(TARGET_MIX)
        return d


def priority_class(priority: int) -> str:
    return "high" if priority <= Priority.HIGH else "medium" if priority == Priority.MEDIUM else "low"


def compute_kpis(events: Iterable[JournalEvent], start: datetime, end: datetime) -> KpiReport:
    """All KPIs for ``[start, end)``; ``events`` may include earlier ones (for standing)."""
    evs = sorted(events, key=lambda e: e.ts)
    rep = KpiReport(start=start, end=end)
    span_s = max(1.0, (end - start).total_seconds())
    active_since: dict[str, datetime] = {}
    acts: list[JournalEvent] = []
    stale_cleared: list[tuple[str, datetime]] = []
    for e in evs:
        if e.ts >= end:
            break
        if e.event == "activate":
            active_since.setdefault(e.alarm, e.ts)
        elif e.event in ENDS_ACTIVE:
            since = active_since.pop(e.alarm, None)
            if since is not None and e.ts >= start and e.ts - since > STALE_AFTER:
                stale_cleared.append((e.alarm, since))
        if e.ts < start:
            continue
        if e.event == "activate":
            acts.append(e)
        elif e.event == "ack":
            rep.acks += 1
        elif e.event == "shelve":
            rep.shelves += 1
    n = len(acts)
    rep.annunciated = n
    rep.per_10min = n / (span_s / 600)
    rep.per_hour = n / (span_s / 3600)
    rep.per_day = n / (span_s / 86400)

    # fixed 10-minute windows from the period start
    windows = max(1, int(-(-span_s // 600)))
    per_window = Counter(int((e.ts - start).total_seconds() // 600) for e in acts)
    rep.windows = windows
    rep.windows_over_1_pct = 100.0 * sum(1 for c in per_window.values() if c > 1) / windows
    rep.windows_over_10_pct = 100.0 * sum(1 for c in per_window.values() if c > FLOOD_START) / windows

    rep.floods = _floods([e.ts for e in acts], end)
    rep.max_per_10min = _max_in_window([e.ts for e in acts], WINDOW)
    rep.flood_time_pct = 100.0 * sum(f.duration_s for f in rep.floods) / span_s

    counts = Counter(e.alarm for e in acts)
    rep.top10 = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    by_alarm: dict[str, list[datetime]] = defaultdict(list)
    for e in acts:
        by_alarm[e.alarm].append(e.ts)
    chatter = [(a, _max_in_window(ts, CHATTER_WINDOW)) for a, ts in by_alarm.items()]
    rep.chattering = sorted(((a, c) for a, c in chatter if c >= CHATTER_COUNT), key=lambda kv: (-kv[1], kv[0]))
    rep.standing = sorted(active_since.items(), key=lambda kv: (kv[1], kv[0]))
    rep.stale = sorted(stale_cleared + [(a, t) for a, t in rep.standing if end - t > STALE_AFTER],
                       key=lambda kv: (kv[1], kv[0]))

    classes = Counter(priority_class(e.priority) for e in acts)
    rep.priority_counts = {k: classes.get(k, 0) for k in ("high", "medium", "low")}
    rep.priority_pct = {k: (100.0 * v / n if n else 0.0) for k, v in rep.priority_counts.items()}
    return rep


def _max_in_window(times: list[datetime], window: timedelta) -> int:
    """The most events inside any window of length ``window`` (end exclusive)."""
    best, left = 0, 0
    for right, t in enumerate(times):
        while t - times[left] >= window:
            left += 1
        best = max(best, right - left + 1)
    return best


def _floods(times: list[datetime], end: datetime) -> list[Flood]:
    """Floods: start when the trailing 10 minutes hold more than 10 activations, end below 5.

    The trailing count changes when an activation arrives (+1) and when one leaves the
    window 10 minutes later (-1); walk those instants in order.
    """
    points: list[tuple[datetime, int]] = [(t, 1) for t in times] + [(t + WINDOW, -1) for t in times]
    points.sort(key=lambda p: (p[0], p[1]))  # leave before arrive at the same instant
    floods: list[Flood] = []
    count = 0
    current: Flood | None = None
    for ts, step in points:
        if ts >= end:
            break
        count += step
        if current is None:
            if count > FLOOD_START:
                current = Flood(ts, ts, count, 0)
        else:
            current.peak_per_10min = max(current.peak_per_10min, count)
            if count < FLOOD_END:
                current.end = ts
                floods.append(current)
                current = None
    if current is not None:
        current.end, current.ongoing = end, True
        floods.append(current)
    for f in floods:
        f.alarms = sum(1 for t in times if f.start - WINDOW < t <= f.end)
    return floods


# --- journal sources ---------------------------------------------------------------------------
def parse_time(text: str) -> datetime:
    """ISO 8601; a time without zone is UTC. Only 1970..2999 (a journal has no other dates)."""
    try:
        ts = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"{text[:60]!r} is not ISO 8601 (e.g. 2026-11-30T06:00:00Z)") from None
    if not EARLIEST <= ts < LATEST:
        raise ValueError(f"{text[:60]!r} is outside the years 1970 to 2999")
    return ts


def read_csv_journal(path: Path) -> list[JournalEvent]:
    """Read a journal exported as CSV (columns timestamp, alarm, priority, area, event).

    Every mistake is a :class:`JournalFormatError` naming ``file:line``: not UTF-8, binary,
    a short row, a field over the CSV limit, a time outside 1970..2999, an unknown event.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalFormatError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JournalFormatError(f"{path}:{line}: not UTF-8 text (save the CSV as UTF-8)") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise JournalFormatError(f"{path}:{line}: contains a NUL byte; not a CSV text file")
    reader = csv.DictReader(io.StringIO(text))
    done = 0  # the last line read without a CSV error
    try:
        fieldnames = reader.fieldnames or []
        missing = [c for c in CSV_COLUMNS if c not in fieldnames]
        if missing:
            raise JournalFormatError(f"{path}:1: missing column(s) {', '.join(missing)} (need {', '.join(CSV_COLUMNS)})")
        out: list[JournalEvent] = []
        done = reader.line_num
        for row in reader:
            line = done = reader.line_num
            if None in row or any(row.get(c) is None for c in CSV_COLUMNS):
                raise JournalFormatError(f"{path}:{line}: expected {len(fieldnames)} fields ({', '.join(CSV_COLUMNS)}), got a row of a different length")
            try:
                ts = parse_time(row["timestamp"])
            except ValueError as exc:
                raise JournalFormatError(f"{path}:{line}: timestamp {exc}") from None
            try:
                priority = int(Priority.parse(row["priority"]))
            except (KeyError, ValueError):
                raise JournalFormatError(f"{path}:{line}: priority {row['priority'][:40]!r} is not urgent/high/medium/low or 1-4") from None
            event = row["event"].strip().lower()
            if event not in KNOWN_EVENTS:
                raise JournalFormatError(f"{path}:{line}: unknown event {row['event'][:40]!r} (one of {', '.join(KNOWN_EVENTS)})")
            out.append(JournalEvent(ts, row["alarm"], priority, row["area"], event))
    except csv.Error as exc:
        raise JournalFormatError(f"{path}:{done + 1}: not valid CSV ({exc})") from None
    return out


def write_csv_journal(rows: Iterable[dict[str, Any]] | Iterable[JournalEvent], out: io.TextIOBase | Any) -> None:
    """Write journal rows in the CSV format :func:`read_csv_journal` reads."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        if isinstance(r, JournalEvent):
            writer.writerow([r.ts.isoformat(), r.alarm, Priority(r.priority).label, r.area, r.event])
        else:
            writer.writerow([r["ts"].isoformat(), r["alarm"], Priority(r["priority"]).label, r["area"], r["event"]])


def events_from_rows(rows: Iterable[dict[str, Any]]) -> list[JournalEvent]:
    return [JournalEvent(r["ts"], r["alarm"], int(r["priority"]), r["area"], r["event"]) for r in rows]
