"""The shift report against the historian: same figures, midnight, gaps, Chinese, fonts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from app.historian.reader import HistoryReader
from app.reports.pdf import build_pdf, fmt
from app.reports.shift_data import FIGURES, ReportSources, gather
from tests.reports.conftest import CALENDAR, History, pdf_fonts, pdf_text

TARGETS = {"concentrate": 1670.0, "matte": 670.0, "blister": 400.0, "anodes": 1080, "cathode": 400.0, "acid": 1500.0}
STATE_TAGS = {"CB.BELT1.STATE": ("STOPPED", "RUNNING", "FAULT")}


def sources(h: History) -> ReportSources:
    return ReportSources(h.engine, CALENDAR, "Copper smelter", "铜冶炼厂", TARGETS, 400.0, state_tags=STATE_TAGS)


def line_of(text: str, label: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip().startswith(label)]
    assert lines, f"no line starting with {label!r} in the report"
    return lines[0]


def counter_from_raw(reader: HistoryReader, tag: str, start, end) -> float:  # type: ignore[no-untyped-def]
    """A resetting counter's production from raw samples: rises, and after a drop the new value."""
    before = reader.last_before(tag, start).value
    v = reader.raw(tag, start, end).value
    v = np.concatenate([before, v])
    d = np.diff(v)
    return float(np.where(d >= 0, d, v[1:]).sum())


def test_figures_equal_the_historians(history: History, tmp_path: Path) -> None:
    s = history.shift
    data = gather(sources(history), "shift", s.day, s.number)
    text = pdf_text(build_pdf(data, "en"), tmp_path)
    reader = HistoryReader(history.engine)
    for fig in FIGURES:
        b = reader.aggregate(fig.tag, s.start, s.end, 1)  # the historian's own min/avg/max
        row = line_of(text, fig.name_en)
        numbers = re.findall(r"-?[\d,]+\.\d+", row)
        assert numbers[:3] == [fmt(b.vmin[0], fig.decimals), fmt(b.avg[0], fig.decimals), fmt(b.vmax[0], fig.decimals)], row
    # production of a resetting counter equals the raw samples' increments, across midnight
    cathode = counter_from_raw(reader, "TH.CATHODE_T", s.start, s.end)
    assert fmt(cathode, 1) in line_of(text, "Cathode copper")
    # 400 t plan per shift -> % of plan printed
    assert fmt(100.0 * cathode / 400.0, 1) in line_of(text, "Cathode copper")


def test_shift_crossing_midnight_is_one_shift(history: History, tmp_path: Path) -> None:
    s = history.shift
    assert s.start.date() != s.end.date()
    data = gather(sources(history), "shift", s.day, s.number)
    text = pdf_text(build_pdf(data, "en"), tmp_path)
    assert "2026-11-19 22:00 – 2026-11-20 06:00 (Asia/Shanghai)" in text
    assert re.search(r"Crew\s+C", text)
    # the hourly chart runs 22, 23, 00 ... 05: both calendar days in one shift
    assert re.search(r"22\s+23\s+00\s+01", text)
    # energy: meters read over both days; before and after midnight both count
    reader = HistoryReader(history.engine)
    raw = reader.raw("EM.TH.KWH", s.start, s.end).value
    before = reader.last_before("EM.TH.KWH", s.start).value[0]
    assert fmt(raw[-1] - before, 0) in line_of(text, "Tankhouse" if "Tankhouse" in text else "TH")


def test_missing_history_is_reported_as_no_data_never_zero(history: History, tmp_path: Path) -> None:
    s = history.shift
    data = gather(sources(history), "shift", s.day, s.number)
    text = pdf_text(build_pdf(data, "en"), tmp_path)
    assert re.search(r"History\s+no data 02:00–03:10", text)
    assert "no data 02:00–03:10" in line_of(text, "Matte grade")
    # the shift before has no history at all: dashes and "no data" over the whole shift
    prev = CALENDAR.previous_shift(CALENDAR.previous_shift(s))
    empty = gather(sources(history), "shift", prev.day, prev.number)
    text = pdf_text(build_pdf(empty, "en"), tmp_path)
    for label in ("Concentrate treated", "Cathode copper", "Matte grade"):
        row = line_of(text, label)
        assert "no data 06:00–14:00" in row, row
        values = row.split(label, 1)[1].split("no data")[0]
        assert re.search(r"\s—\s", values) and not re.search(r"(?<![\d,])0\.0\b", values), row
    assert re.search(r"History\s+no data 06:00–14:00", text)


def test_trips_and_alarm_kpis_are_listed(history: History, tmp_path: Path) -> None:
    from app.alarms.kpi import JournalEvent

    s = history.shift
    src = sources(history)
    t = s.start + timedelta(minutes=30)
    src.journal = [JournalEvent(t + timedelta(seconds=20 * k), f"AP.TAIL_SO2.H{k % 3}", 2 if k % 3 else 1, "AP", "activate")
                   for k in range(15)]
    data = gather(src, "shift", s.day, s.number)
    text = pdf_text(build_pdf(data, "en"), tmp_path)
    assert re.search(r"Alarms annunciated\s+15", text)
    assert "AP.TAIL_SO2.H0" in text and re.search(r"Alarm floods\s*\n\s*\d\d:\d\d–\d\d:\d\d, peak 15", text)
    # the belt faults 20:00-20:10 UTC = 04:00-04:10 local: a trip, then back in service
    assert re.search(r"04:00\s+CB.BELT1\s+trip", text), text
    assert re.search(r"04:10\s+CB.BELT1\s+back in service", text)


def test_chinese_text_extracts_as_written(history: History, tmp_path: Path) -> None:
    s = history.shift
    data = gather(sources(history), "shift", s.day, s.number)
    text = pdf_text(build_pdf(data, "zh_CN"), tmp_path, layout=False)
    for phrase in ("铜冶炼厂", "班报", "产量与计划对比", "冰铜品位", "阴极铜产量", "电流效率", "交接班记录", "交班值班长", "无数据 02:00–03:10"):
        assert phrase in text, phrase


@pytest.mark.parametrize("kind", ["shift", "day", "month"])
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_font_is_embedded(history: History, tmp_path: Path, kind: str, language: str) -> None:
    s = history.shift
    data = gather(sources(history), kind, s.day, s.number if kind == "shift" else 0)
    rows = pdf_fonts(build_pdf(data, language), tmp_path)
    assert rows, "no fonts in the PDF"
    for row in rows:
        emb = row[-5]
        assert emb == "yes", f"font {row[0]} is not embedded ({kind}, {language})"
        assert "Helvetica" not in row[0]


def test_missing_cjk_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.reports import fonts

    monkeypatch.setattr(fonts, "_registered", {})
    monkeypatch.setenv("CRUCIBLE_CJK_FONT", "/nonexistent/wqy-zenhei.ttc")
    with pytest.raises(fonts.ReportFontError, match="wqy-zenhei.ttc.*fonts-wqy-zenhei"):
        fonts.fonts_for("zh_CN")


def test_holiday_shift_has_no_plan(history: History, tmp_path: Path) -> None:
    from dataclasses import replace

    s = history.shift
    cal = replace(CALENDAR, holidays=frozenset({s.day}))
    src = sources(history)
    src.calendar = cal
    text = pdf_text(build_pdf(gather(src, "shift", s.day, s.number), "en"), tmp_path)
    assert "Holiday: no production plan" in text
    row = line_of(text, "Cathode copper")
    assert re.search(r"Cathode copper\s+t\s+[\d,]+\.\d\s+—\s+—\s+no plan", row), row  # actual, no plan, no %
