"""Trends as an operator reads them: an axis in engineering units, a stretch without any data
drawn as a gap (and no value read out inside it), an exported picture that says what it shows."""

from __future__ import annotations

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
from widgets.store_bridge import StoreBridge
from widgets.trend_panel import TrendPanel

TAG = "SMF.T_PROC"


@pytest.fixture
def history(tmp_path: Path, layout: PlantLayout) -> tuple[HistoryReader, datetime, datetime]:
    """Three hours of history ending now with one hour of NOTHING in the middle (console off)."""
    engine = make_engine(f"sqlite:///{tmp_path}/h.sqlite")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", layout.tags)
    end = datetime.now(UTC).replace(microsecond=0)
    start = end - timedelta(hours=3)
    off_from, off_to = start + timedelta(hours=1), start + timedelta(hours=2)
    for k in range(0, 3 * 3600, 5):
        ts = start + timedelta(seconds=k)
        if off_from <= ts < off_to:
            continue
        historian.writer.enqueue({TAG: TagValue(1250 + 30 * np.sin(k / 600), Quality.GOOD, ts, ts)})
    historian.writer.stop()
    return historian.reader, off_from, off_to


@pytest.fixture
def panel(qtbot, layout: PlantLayout, history):  # type: ignore[no-untyped-def]
    reader, _a, _b = history
    bridge = StoreBridge(TagStore(layout.tags.values()))
    widget = TrendPanel(layout.tags, bridge, reader)
    widget.plant_name = "Copper smelter"
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    widget.set_span(4 * 3600)
    yield widget
    widget.shutdown()
    bridge.close()


def test_a_stretch_without_data_is_a_gap_and_reads_no_data(panel: TrendPanel, history) -> None:  # type: ignore[no-untyped-def]
    _reader, off_from, off_to = history
    assert panel.add_pen(TAG) and panel.wait_idle()
    x, y = panel.pens[TAG].curve.xData, panel.pens[TAG].curve.yData
    inside = (x > off_from.timestamp() + 1000) & (x < off_to.timestamp() - 60)
    assert inside.any() and np.isnan(y[inside]).all(), "an hour without data must not be a flat line"
    before = (x > off_from.timestamp() - 1800) & (x < off_from.timestamp() - 60)
    assert np.isfinite(y[before]).all()
    panel.show_cursor(off_from.timestamp() + 1800)
    assert "no data" in panel.readout.text()
    panel.show_cursor(off_from.timestamp() - 600)
    assert "°C" in panel.readout.text() and "no data" not in panel.readout.text()


def test_axis_in_engineering_units_per_pen(panel: TrendPanel) -> None:
    assert panel.add_pen(TAG)  # the first pen brings its units to the axis
    tag = panel.definitions[TAG]
    assert panel.axis_box.currentData() == TAG
    assert panel.plot.getPlotItem().getAxis("left").labelText == f"{TAG} [°C]"
    levels = panel.axis.tickValues(0.0, 100.0, 400.0)
    labels = panel.axis.tickStrings(levels[0][1], 1.0, levels[0][0])
    eu = [float(t) for t in labels]
    assert min(eu) >= tag.eu_low and max(eu) <= tag.eu_high and all(v == round(v) for v in eu)
    assert panel.add_pen("SMF.P_HOOD")
    panel.set_axis("SMF.P_HOOD")
    assert panel.plot.getPlotItem().getAxis("left").labelText.startswith("SMF.P_HOOD")
    panel.set_axis("")
    assert panel.plot.getPlotItem().getAxis("left").labelText == "% of range"


def test_exported_picture_names_plant_pens_and_period(panel: TrendPanel, tmp_path: Path) -> None:
    assert panel.add_pen(TAG) and panel.wait_idle()
    out = tmp_path / "trend.png"
    assert panel.export_png(out)
    image = QImage(str(out))
    assert not image.isNull() and image.height() > panel.plot.height()
    header = image.copy(0, 0, image.width(), 48)
    dark = sum(1 for x in range(0, header.width(), 2) for y in range(0, 48, 2) if header.pixelColor(x, y).lightness() < 100)
    assert dark > 200, "the header (plant, pens, period) is written on the picture"


def test_faceplate_trend_starts_filled_from_history_on_a_clock_axis(qtbot, layout: PlantLayout, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyqtgraph as pg

    from widgets.faceplate import Faceplate

    bridge = StoreBridge(TagStore(layout.tags.values()))
    faceplate = Faceplate(layout, "SMF", bridge, None)
    qtbot.addWidget(faceplate)
    assert faceplate.trend is not None
    name = faceplate.trend.tag.name
    engine = make_engine(f"sqlite:///{tmp_path}/f.sqlite")
    upgrade(engine)
    historian = Historian(engine, tmp_path / "spool", layout.tags)
    end = datetime.now(UTC).replace(microsecond=0)
    for k in range(0, 900, 2):  # the last 15 minutes, every 2 s
        ts = end - timedelta(seconds=900 - k)
        historian.writer.enqueue({name: TagValue(faceplate.trend.tag.eu_low + 1 + (k % 50), Quality.GOOD, ts, ts)})
    historian.writer.stop()
    assert len(faceplate.trend.times) == 0
    faceplate.trend.fill_from_history(historian.reader)
    faceplate.trend.wait_history()
    times = list(faceplate.trend.times)
    assert len(times) > 250  # ten minutes of it, not an empty plot
    assert end.timestamp() - 600 - 5 <= times[0] <= end.timestamp() - 590
    assert isinstance(faceplate.trend.plot.getPlotItem().getAxis("bottom"), pg.DateAxisItem)
    assert faceplate.trend.plot.getPlotItem().getAxis("bottom").labelText != "s"
    faceplate.close_faceplate()
    bridge.close()
