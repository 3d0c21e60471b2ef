"""Trend panel over a real SQLite history: pens, gaps, zoom re-query, cursor, exports."""

from __future__ import annotations

import csv
import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.tags import Quality, TagValue
from app.historian.database import make_engine, upgrade
from app.historian.reader import HistoryReader
from app.historian.service import Historian
from app.runtime import Runtime
from widgets.main_window import MainWindow
from widgets.store_bridge import StoreBridge
from widgets.trend_panel import TrendPanel

TAG = "SMF.T_PROC"
TAG2 = "SMF.P_HOOD"


@pytest.fixture
def history(tmp_path: Path, layout: PlantLayout) -> tuple[HistoryReader, datetime, datetime]:
    """Two hours of 1 s history ending now, with a 5-minute Bad stretch in the middle."""
    engine = make_engine(f"sqlite:///{tmp_path}/h.sqlite")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", layout.tags)
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(hours=2)
    bad_from, bad_to = start + timedelta(minutes=60), start + timedelta(minutes=65)
    for k in range(2 * 3600):
        ts = start + timedelta(seconds=k)
        bad = bad_from <= ts < bad_to
        historian.writer.enqueue({
            TAG: TagValue(None if bad else 1200 + 20 * np.sin(k / 300), Quality.BAD if bad else Quality.GOOD, ts, ts),
            TAG2: TagValue(-50 + (k % 60), Quality.GOOD, ts, ts),
        })
    historian.writer.stop()
    return historian.reader, bad_from, bad_to


def test_pens_show_history_with_gaps_and_follow_zoom(qtbot, layout: PlantLayout, history, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    reader, bad_from, bad_to = history
    store = TagStore(layout.tags.values())
    bridge = StoreBridge(store)
    panel = TrendPanel(layout.tags, bridge, reader)
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    panel.set_span(3 * 3600)
    assert panel.add_pen(TAG) and panel.add_pen(TAG2)
    assert not panel.add_pen(TAG)  # once per tag
    assert panel.wait_idle()
    x, y = (panel.pens[TAG].curve.xData, panel.pens[TAG].curve.yData)
    assert len(x) > 100
    mid = (bad_from.timestamp() + bad_to.timestamp()) / 2
    near = np.abs(x - mid) < 60
    assert near.any() and np.isnan(y[near]).all(), "the Bad stretch is a gap"
    assert np.isfinite(y[np.abs(x - (bad_from.timestamp() - 600)) < 60]).all()

    # zoom to 10 minutes around the gap start: re-queried at raw resolution (steps)
    panel.plot.setXRange(bad_from.timestamp() - 300, bad_from.timestamp() + 300, padding=0)
    qtbot.waitUntil(lambda: not panel.live, timeout=2000)
    time.sleep(0.3)
    qtbot.wait(400)
    assert panel.wait_idle()
    x2 = panel.pens[TAG2].curve.xData  # TAG2 changes every second, past any deadband
    inside = (x2 > bad_from.timestamp() - 300) & (x2 < bad_from.timestamp())
    assert inside.sum() >= 500, "raw samples (as steps) when zoomed in"

    panel.show_cursor(bad_from.timestamp() - 120.5)
    text = panel.readout.text()
    assert TAG in text and TAG2 in text and "°C" in text
    panel.show_cursor(mid)
    assert "no data" in panel.readout.text()

    out_csv, out_png = tmp_path / "t.csv", tmp_path / "t.png"
    panel.export_csv(out_csv)
    rows = list(csv.reader(out_csv.open()))
    assert rows[0] == ["time_utc", "tag", "value", "quality"]
    assert {r[1] for r in rows[1:]} == {TAG, TAG2} and len(rows) > 500
    panel.export_png(out_png)
    assert not QImage(str(out_png)).isNull()

    # live tail: a new value from the store shows up after the history
    now = datetime.now(UTC)
    store.apply({TAG: TagValue(1234.5, Quality.GOOD, now, now)})
    bridge.flush()
    panel.set_span(600)
    assert panel.wait_idle()
    qtbot.wait(1100)
    x3, y3 = (panel.pens[TAG].curve.xData, panel.pens[TAG].curve.yData)
    assert x3[-1] >= now.timestamp() - 1
    assert panel.pens[TAG].scale(np.array([1234.5]))[0] == pytest.approx(y3[-1])
    panel.shutdown()


def test_main_window_status_bar_shows_history_buffering(qtbot, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    path = tmp_path / "h.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", layout.tags)
    historian.writer.retry_interval_s = 0.2
    runtime = Runtime(layout, historian=historian)
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert "trend" in window.panels
    window._refresh_history()
    assert window._history_label.text() == "History OK"
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    historian.writer.start()
    try:
        now = datetime.now(UTC)
        runtime.store.apply({TAG: TagValue(1200.0, Quality.GOOD, now, now)})
        qtbot.waitUntil(lambda: historian.status.buffering, timeout=15000)
        window._refresh_history()
        # the tag just applied (and any the runtime publishes itself, e.g. HMI.TASK_PROBLEMS)
        assert re.fullmatch(r"History buffering \(\d+ samples\)", window._history_label.text())
        assert historian.status.spooled_samples >= 1
    finally:
        blocker.rollback()
        blocker.close()
    qtbot.waitUntil(lambda: not historian.status.buffering, timeout=15000)
    window._refresh_history()
    assert window._history_label.text() == "History OK"
    historian.stop()
    # double-click in the tag browser adds a pen
    browser = window.panels["tag_browser"]
    index = browser.proxy.index(0, 0)
    browser.table.doubleClicked.emit(index)
    assert index.data() in window.trend.pens


def test_damaged_spool_records_are_shown_and_audited_once(qtbot, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from PySide6.QtCore import QSettings

    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", layout.tags)
    runtime = Runtime(layout, historian=historian)
    audited: list[tuple[str, str]] = []

    class Audit:
        def record(self, category: str, event: str, result: str, **kw: object) -> None:
            audited.append((event, str(kw.get("detail"))))

    runtime.audit = Audit()  # type: ignore[assignment]
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    damage = ("spool record 6 of 30 (10 samples) failed its checksum and was skipped",)
    historian.writer._status = dataclasses.replace(historian.writer.status, spool_damage=damage, rejected_samples=3)
    window._refresh_history()
    window._refresh_history()
    assert window._history_label.text() == "History OK · 1 damaged spool record(s) skipped · 3 value(s) rejected"
    assert damage[0] in window._history_label.toolTip()
    assert audited == [("history_spool_damaged", damage[0])]  # once, not every second
    engine.dispose()
