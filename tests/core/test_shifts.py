"""The shift calendar: midnight, rotation, a zone without daylight saving, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.shifts import ShiftCalendar, ShiftCalendarError


def test_default_three_eights_in_shanghai() -> None:
    cal = ShiftCalendar.from_mapping(None)
    s = cal.shift_at(datetime(2026, 12, 1, 9, 30, tzinfo=UTC))  # 17:30 in Shanghai
    assert (s.id, s.start.hour, s.end.hour, s.hours) == ("2026-12-01/3", 16, 0, 8.0)
    assert s.end == cal.shift(date(2026, 12, 2), 1).start


def test_a_shift_crossing_midnight_is_one_shift() -> None:
    cal = ShiftCalendar.from_mapping({"starts": ["22:00", "06:00", "14:00"]})
    night = cal.shift(date(2026, 12, 1), 1)
    assert night.start.isoformat() == "2026-11-30T22:00:00+08:00"
    assert night.end.isoformat() == "2026-12-01T06:00:00+08:00"
    before, after = datetime(2026, 11, 30, 23, 59, tzinfo=night.start.tzinfo), datetime(2026, 12, 1, 0, 1, tzinfo=night.start.tzinfo)
    assert cal.shift_at(before) == cal.shift_at(after) == night
    assert cal.day_bounds(date(2026, 12, 1)) == (night.start, cal.shift(date(2026, 12, 2), 1).start)
    assert [s.id for s in cal.shifts_between(before, after + timedelta(hours=7))] == ["2026-12-01/1", "2026-12-01/2"]


def test_crews_rotate() -> None:
    cal = ShiftCalendar.from_mapping({"crews": ["A", "B", "C", "D"]})
    crews = [cal.shift(date(2026, 12, 1) + timedelta(days=d), n).crew for d in range(4) for n in (1, 2, 3)]
    # 3 slots a day over 4 crews: every crew works each slot in turn, and the pattern repeats after 4 days
    assert crews[:4] == ["A", "B", "C", "D"] or len(set(crews[:4])) == 4
    assert crews == [crews[k % 4] for k in range(12)]
    assert cal.shift(date(2026, 12, 5), 1).crew == cal.shift(date(2026, 12, 1), 1).crew
    custom = ShiftCalendar.from_mapping({"crews": ["A", "B", "C", "D"], "rotation": ["A", "A", "B", "C", "D", "D"]})
    assert [s.crew for s in custom.shifts_between(custom.shift(date(2024, 1, 1), 1).start,
                                                  custom.shift(date(2024, 1, 2), 3).start)] == ["A", "A", "B", "C", "D"]
    with pytest.raises(ShiftCalendarError, match="crew 'E'"):
        ShiftCalendar.from_mapping({"crews": ["A"], "rotation": ["E"]})


def test_no_daylight_saving_in_shanghai_every_shift_is_eight_hours() -> None:
    cal = ShiftCalendar.from_mapping({"time_zone": "Asia/Shanghai"})
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    hours = {s.hours for s in cal.iter_shifts(start, end)}
    assert hours == {8.0}
    # a zone with daylight saving does get a 7 h / 9 h shift on the change days (the calendar follows wall time)
    berlin = ShiftCalendar.from_mapping({"time_zone": "Europe/Berlin"})
    assert berlin.shift(date(2026, 3, 29), 1).hours == 7.0


def test_holidays_and_bad_patterns() -> None:
    cal = ShiftCalendar.from_mapping({"holidays": ["2026-10-01", date(2027, 2, 6)]})
    assert cal.is_holiday(date(2026, 10, 1)) and cal.is_holiday(date(2027, 2, 6))
    assert not cal.is_holiday(date(2026, 10, 2))
    with pytest.raises(ShiftCalendarError, match="not a date"):
        ShiftCalendar.from_mapping({"holidays": ["1 October"]})
    with pytest.raises(ShiftCalendarError, match="in order"):
        ShiftCalendar.from_mapping({"starts": ["08:00", "06:00"]})
    with pytest.raises(ShiftCalendarError, match="unknown time zone"):
        ShiftCalendar.from_mapping({"time_zone": "Mars/Olympus"})
    # YAML reads an unquoted 16:00 as the number 960 (sexagesimal)
    assert ShiftCalendar.from_mapping({"starts": [0, 480, 960]}).shift(date(2026, 1, 1), 3).start.hour == 16


def test_plant_layout_pattern() -> None:
    from app.core.layout import load_layout

    doc = load_layout().extra["shifts"]
    cal = ShiftCalendar.from_mapping({k: v for k, v in doc.items() if k != "__line__"})
    assert cal.tz_name == "Asia/Shanghai" and cal.shifts_per_day == 3 and cal.names == ("Night", "Day", "Evening")
    assert cal.is_holiday(date(2026, 10, 1))
