"""Heat and batch tracking over a simulated day: the simulator model run directly in fast
time, lots and links in a real SQLite file, genealogy both ways, gaps shown as gaps,
open lots resuming after a restart."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from app.core.layout import load_layout
from app.core.shifts import ShiftCalendar
from app.db import Base
from app.production import models  # noqa: F401 - the tables
from app.production.lot_store import LotStore, trace
from app.production.tracking import LotTracker
from app.sim.model import PlantModel

FOLDER = Path(__file__).resolve().parents[2] / "plant_layouts" / "copper_smelter"
T0 = datetime(2026, 12, 1, 0, 0, tzinfo=ShiftCalendar().tz)  # a shift change, as the model's clock


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    path = tmp_path_factory.mktemp("lots") / "plant.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)  # test fixture only; product code migrates
    model = PlantModel(load_layout(FOLDER).tags, seed=7)
    tracker = LotTracker(LotStore(engine), residence_h=4.0, cathode_days=7.0)
    step = 60
    for i in range(41 * 60):
        model.step(step)
        ts = T0 + timedelta(seconds=(i + 1) * step)
        if 14 * 60 <= i < 14 * 60 + 20:
            continue  # the link to the plant drops for 20 minutes
        tracker.observe(ts, model.values)
    tracker.close(ts)
    return engine, model, tracker, path


def test_lots_of_every_kind_are_recorded(day):
    store = LotStore(day[0])
    kinds = {lot.kind for lot in store.lots()}
    assert {"concentrate", "converter_batch", "af_heat", "casting_run", "cathode", "gap"} <= kinds
    batches = [lot for lot in store.lots("converter_batch") if lot.end is not None]
    assert batches and all(390 <= b.mass_t <= 410 for b in batches)  # the simulator charges 400 t
    conc = [lot for lot in store.lots("concentrate") if lot.end is not None]
    assert conc and all(1500 < c.mass_t < 1700 for c in conc if (c.end - c.start) == timedelta(hours=8))  # 205 t/h


def test_genealogy_back_from_cathode_reaches_concentrate_and_shows_gaps(day):
    store = LotStore(day[0])
    cathodes = [c for c in store.lots("cathode") if c.end is not None]
    last = cathodes[-1]  # harvested after the first fully tracked casting run
    tree = trace(store, last.lot, "back")
    conc = tree.leaves("concentrate")
    assert conc, "a cathode lot of the day traces back to concentrate lots"
    assert tree.has_gap()  # anodes cast before tracking began are a gap, not invented
    # and the reverse: every one of those concentrate lots leads forward to this cathode lot
    for c in conc:
        assert last.lot in trace(store, c, "forward").leaves("cathode")


def test_a_data_gap_is_a_lot_linked_to_what_it_touched(day):
    store = LotStore(day[0])
    gaps = store.lots("gap")
    assert len(gaps) == 1 and (gaps[0].end - gaps[0].start) >= timedelta(minutes=20)
    touched = {link.child for link in store.links() if link.parent == gaps[0].lot}
    assert any(t.startswith("CONC-") for t in touched)


def test_open_lots_resume_after_a_restart(day):
    engine = day[0]
    store = LotStore(engine)
    open_before = {lot.lot for lot in store.open_lots()}
    assert open_before
    again = LotTracker(store)
    assert {lot.lot for lot in again.open.values()} == open_before


def test_cli_trace_prints_json_and_names_unknown_lots(day, capsys):
    import argparse
    import json

    from app.production.cli import register

    store = LotStore(day[0])
    last = [c for c in store.lots("cathode") if c.end is not None][-1]
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(["trace", "cathode", last.lot, "--json", "--db", f"sqlite:///{day[3]}"])
    assert args.handler(args, argparse.Namespace(layout=FOLDER)) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["lot"] == last.lot and doc["concentrate_lots"]
    args = parser.parse_args(["trace", "concentrate", "CONC-1999-01-01/1", "--db", f"sqlite:///{day[3]}"])
    assert args.handler(args, argparse.Namespace(layout=FOLDER)) == 2
    assert "no concentrate lot CONC-1999-01-01/1" in capsys.readouterr().err
