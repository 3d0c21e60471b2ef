"""The shift calendar: which shift and crew is on at any moment, in the plant's time zone.

Shared by the dispatch board (plans broken down to shifts), the shift reports and the
handover log. The pattern comes from the ``shifts:`` section of the plant layout's
``plant.yaml``; the default is three 8-hour shifts (00:00, 08:00, 16:00) and four crews
rotating A, B, C, D over the shift slots, in Asia/Shanghai time.

A *production day* starts at the first shift's start time. When that time is in the evening
(e.g. ``22:00``), the production day ``D`` starts at 22:00 on the calendar day before ``D``;
a shift that crosses midnight is one shift of one production day.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TZ = "Asia/Shanghai"
REFERENCE_DAY = date(2024, 1, 1)  # crew rotation counts slots from this production day


class ShiftCalendarError(ValueError):
    """A shift pattern that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Shift:
    """One shift: production day, number (1-based), start and end (aware datetimes), crew."""

    day: date
    number: int
    start: datetime
    end: datetime
    crew: str
    name: str = ""

    @property
    def id(self) -> str:
        """``2026-12-01/2``: stable key for records about this shift."""
        return f"{self.day.isoformat()}/{self.number}"

    @property
    def hours(self) -> float:
        # elapsed time, not wall-clock difference (same-zone subtraction ignores a DST change)
        return (self.end.timestamp() - self.start.timestamp()) / 3600.0

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class ShiftCalendar:
    """The plant's shift pattern.

    ``starts``: start time of each shift of a production day, in order (the first may be in
    the evening of the previous calendar day if it is after noon). ``crews``: the crew names;
    slot ``k`` (counted from :data:`REFERENCE_DAY`) is worked by ``rotation[k % len(rotation)]``,
    by default the crews in turn. ``holidays``: production days marked as holidays (shifts
    still exist; plans give them no target).
    """

    tz_name: str = DEFAULT_TZ
    starts: tuple[time, ...] = (time(0), time(8), time(16))
    crews: tuple[str, ...] = ("A", "B", "C", "D")
    rotation: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ShiftCalendarError(f"unknown time zone {self.tz_name!r} (example: Asia/Shanghai)") from None
        if not self.starts:
            raise ShiftCalendarError("a shift pattern needs at least one shift start time")
        offsets = [self._offset(t) for t in self.starts]
        if any(b <= a for a, b in zip(offsets, offsets[1:], strict=False)) or offsets[-1] - offsets[0] >= timedelta(days=1):
            raise ShiftCalendarError("shift start times must be in order within one day")
        if not self.crews:
            raise ShiftCalendarError("a shift pattern needs at least one crew")
        unknown = [c for c in self.rotation if c not in self.crews]
        if unknown:
            raise ShiftCalendarError(f"rotation names crew {unknown[0]!r}, which is not in crews")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)

    @property
    def shifts_per_day(self) -> int:
        return len(self.starts)

    def _offset(self, t: time) -> timedelta:
        """Start of a shift relative to midnight of its production day (negative: the evening before)."""
        delta = timedelta(hours=t.hour, minutes=t.minute, seconds=t.second)
        first = self.starts[0]
        if first.hour >= 12 and (t >= first):
            delta -= timedelta(days=1)
        return delta

    def _start(self, day: date, number: int) -> datetime:
        naive = datetime.combine(day, time(0)) + self._offset(self.starts[number - 1])
        # wall-clock time in the plant's zone (DST-safe: build from the naive wall time)
        return naive.replace(tzinfo=self.tz)

    def shift(self, day: date, number: int) -> Shift:
        """Shift ``number`` (1-based) of production day ``day``."""
        if not 1 <= number <= self.shifts_per_day:
            raise ShiftCalendarError(f"shift number {number} is not between 1 and {self.shifts_per_day}")
        start = self._start(day, number)
        end = self._start(day, number + 1) if number < self.shifts_per_day else self._start(day + timedelta(days=1), 1)
        slot = (day - REFERENCE_DAY).days * self.shifts_per_day + (number - 1)
        order = self.rotation or self.crews
        name = self.names[number - 1] if number - 1 < len(self.names) else ""
        return Shift(day, number, start, end, order[slot % len(order)], name)

    def shift_at(self, moment: datetime) -> Shift:
        """The shift on at ``moment`` (aware; naive times are taken as UTC)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        local = moment.astimezone(self.tz)
        for day in (local.date() + timedelta(days=1), local.date(), local.date() - timedelta(days=1)):
            for number in range(self.shifts_per_day, 0, -1):
                s = self.shift(day, number)
                if s.contains(moment):
                    return s
        raise ShiftCalendarError(f"no shift contains {moment.isoformat()}")  # pragma: no cover - pattern covers the day

    def shifts_between(self, start: datetime, end: datetime) -> list[Shift]:
        """Every shift that overlaps ``[start, end)``, in order."""
        return list(self.iter_shifts(start, end))

    def iter_shifts(self, start: datetime, end: datetime) -> Iterator[Shift]:
        if end <= start:
            return
        current = self.shift_at(start)
        while current.start < end:
            yield current
            current = self.next_shift(current)

    def next_shift(self, s: Shift) -> Shift:
        if s.number < self.shifts_per_day:
            return self.shift(s.day, s.number + 1)
        return self.shift(s.day + timedelta(days=1), 1)

    def previous_shift(self, s: Shift) -> Shift:
        if s.number > 1:
            return self.shift(s.day, s.number - 1)
        return self.shift(s.day - timedelta(days=1), self.shifts_per_day)

    def day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """Start and end of production day ``day``."""
        return self.shift(day, 1).start, self.shift(day + timedelta(days=1), 1).start

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays

    @classmethod
    def from_mapping(cls, doc: Mapping[str, object] | None) -> ShiftCalendar:
        """From the ``shifts:`` section of ``plant.yaml`` (all keys optional)::

            shifts:
              time_zone: Asia/Shanghai
              starts: ["00:00", "08:00", "16:00"]
              names_en: [Night, Day, Evening]
              crews: [A, B, C, D]
              rotation: [A, B, C, D]      # optional
              holidays: [2026-10-01]
        """
        if not doc:
            return cls()
        if not isinstance(doc, Mapping):
            raise ShiftCalendarError("shifts: must be a mapping")
        kwargs: dict[str, object] = {}
        tz = doc.get("time_zone", DEFAULT_TZ)
        if not isinstance(tz, str):
            raise ShiftCalendarError("shifts.time_zone must be a time zone name such as Asia/Shanghai")
        kwargs["tz_name"] = tz
        if "starts" in doc:
            kwargs["starts"] = tuple(_parse_time(v, "shifts.starts") for v in _list(doc["starts"], "shifts.starts"))
        for key in ("crews", "rotation", "names_en"):
            if key in doc:
                values = _list(doc[key], f"shifts.{key}")
                if not all(isinstance(v, str) and v for v in values):
                    raise ShiftCalendarError(f"shifts.{key} must be a list of names")
                kwargs["names" if key == "names_en" else key] = tuple(str(v) for v in values)
        if "holidays" in doc:
            days: set[date] = set()
            for v in _list(doc["holidays"], "shifts.holidays"):
                if isinstance(v, datetime) or not isinstance(v, date | str):
                    raise ShiftCalendarError(f"shifts.holidays: {v!r} is not a date (YYYY-MM-DD)")
                try:
                    days.add(v if isinstance(v, date) else date.fromisoformat(v))
                except ValueError:
                    raise ShiftCalendarError(f"shifts.holidays: {v!r} is not a date (YYYY-MM-DD)") from None
            kwargs["holidays"] = frozenset(days)
        return cls(**kwargs)  # type: ignore[arg-type]


def _list(value: object, name: str) -> list[object]:
    if not isinstance(value, list):
        raise ShiftCalendarError(f"{name} must be a list")
    return value


def _parse_time(value: object, name: str) -> time:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)  # YAML reads 08:00 as sexagesimal 480
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            pass
    raise ShiftCalendarError(f"{name}: {value!r} is not a time of day (HH:MM)")
