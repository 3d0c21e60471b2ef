"""The tag browser shows a stale tag (not refreshed in time) and a tag whose link is down."""

from __future__ import annotations

from app.core.store import TagStore
from app.core.tags import Quality, TagValue, utcnow
from app.io.driver import StaleWatcher
from widgets.store_bridge import StoreBridge
from widgets.tag_browser_panel import COL_QUALITY, COL_TAG, COL_VALUE, TagBrowserPanel


def _row(panel, tag: str) -> dict[int, str]:  # type: ignore[no-untyped-def]
    for row in range(panel.proxy.rowCount()):
        if panel.proxy.index(row, COL_TAG).data() == tag:
            return {c: panel.proxy.index(row, c).data() for c in range(panel.proxy.columnCount())}
    raise AssertionError(tag)


def test_stale_and_link_down_are_visible(qtbot, layout) -> None:  # type: ignore[no-untyped-def]
    store = TagStore(layout.tags.values())
    bridge = StoreBridge(store)
    panel = TagBrowserPanel(layout, bridge)
    qtbot.addWidget(panel)
    now = utcnow()
    store.apply({"SMF.T_PROC": TagValue(1301.5, Quality.GOOD, now, now), "SMF.T_MATTE": TagValue(1220.0, Quality.GOOD, now, now)})
    watcher = StaleWatcher(store, {"SMF.T_PROC": 3.0, "SMF.T_MATTE": 3.0})
    watcher.refreshed(["SMF.T_PROC", "SMF.T_MATTE"], now=0.0)
    watcher.refreshed(["SMF.T_MATTE"], now=2.0)
    watcher.check(now=4.0)
    bridge.flush()
    assert _row(panel, "SMF.T_PROC")[COL_QUALITY] == "Uncertain (stale)"
    assert _row(panel, "SMF.T_PROC")[COL_VALUE] == "1301.5"  # the last value stays, marked
    assert _row(panel, "SMF.T_MATTE")[COL_QUALITY] == "Good"
    store.mark_quality(["SMF.T_PROC", "SMF.T_MATTE"], Quality.BAD, "connection lost")
    bridge.flush()
    assert _row(panel, "SMF.T_MATTE")[COL_QUALITY] == "Bad (connection lost)"
    bridge.close()
