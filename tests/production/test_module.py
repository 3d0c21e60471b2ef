"""The production module declares itself to the registry and plugs into a runtime."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from app.core.events import Signal
from app.modules import discover

FOLDER = Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter"


def test_discovered_with_its_panel_tables_and_migrations():
    mod = discover().get("production")
    assert mod is not None
    assert [p.factory for p in mod.panels] == ["widgets.dispatch_board:DispatchBoardPanel"]
    assert mod.panels[0].area == "central"
    assert mod.migrations == "app.production.migrations" and mod.models == "app.production.models"
    import importlib

    rev = importlib.import_module("app.production.migrations.production_0001")
    assert rev.revision == "production_0001" and rev.branch_labels == ("production",) and rev.down_revision is None
    assert mod.validate(SimpleNamespace(folder=FOLDER)) == []


def test_setup_tracks_store_batches_into_the_database(tmp_path):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import create_engine

    from app.core.tags import Quality, TagValue
    from app.db import Base
    from app.production.lot_store import LotStore

    engine = create_engine(f"sqlite:///{tmp_path / 'plant.sqlite'}")
    Base.metadata.create_all(engine)  # test fixture only
    store = SimpleNamespace(batch_applied=Signal())
    runtime = SimpleNamespace(layout=SimpleNamespace(folder=FOLDER), store=store, historian=SimpleNamespace(engine=engine))
    mod = discover().get("production")
    svc = mod.setup(runtime)
    t0 = datetime(2026, 12, 1, 1, tzinfo=UTC)
    for k, state in enumerate([0, 0, 1, 1, 2]):
        ts = t0 + timedelta(minutes=k)
        store.batch_applied.emit({"PSC1.STATE": TagValue(state, Quality.GOOD, ts, ts),
                                  "PSC1.MATTE_CHARGED": TagValue(100.0 * k, Quality.GOOD, ts, ts),
                                  "CB.FEED_RATE": TagValue(200.0, Quality.GOOD, ts, ts)})
    mod.close(svc)
    lots = LotStore(engine).lots("converter_batch")
    assert [(lot.unit, lot.mass_t) for lot in lots] == [("PSC1", 400.0)]


def test_live_feedback_is_published_into_the_store_as_derived_tags(tmp_path):
    from datetime import UTC, datetime, timedelta

    from app.core.layout import load_layout
    from app.core.store import TagStore
    from app.core.tags import Quality, TagValue
    from app.production.feedback import ACID_TAG, LATE_TAG
    from app.production.greedy import greedy

    layout = load_layout(FOLDER)
    store = TagStore(layout.tags.values())
    runtime = SimpleNamespace(layout=layout, store=store, historian=None)
    svc = discover().get("production").setup(runtime)
    assert store.definitions[LATE_TAG].address == "calc://production/late_tasks"  # known to the store
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    svc.set_schedule(greedy(svc.problem(t0)))
    blow = next(t for t in svc.schedule.tasks if t.kind == "slag_blow" and t.resource == "PSC1")
    now = t0 + timedelta(minutes=blow.start + 30)
    store.apply({"PSC1.STATE": TagValue(1, Quality.GOOD, now, now), "PSC2.STATE": TagValue(2, Quality.GOOD, now, now),
                 "PSC3.STATE": TagValue(4, Quality.GOOD, now, now)})
    assert store.values[LATE_TAG].value >= 1  # PSC1 still charging when its slag blow is due
    assert store.values[ACID_TAG].value == svc.config.aisle.acid_max_blowing - svc.last_feedback.blowing_soon
    svc.close()
