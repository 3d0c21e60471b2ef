"""The three modules in the registry; quality import/grade from the command line."""

from __future__ import annotations

import argparse
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.alarms.definitions import load_alarms
from app.core.layout import PlantLayout
from app.core.settings import Settings
from app.modules import discover
from app.security.context import Security


def test_modules_are_discovered_and_validate_the_shipped_layout(layout: PlantLayout) -> None:
    reg = discover()
    names = reg.names()
    assert {"energy", "quality", "materials"} <= set(names)
    assert names.index("energy") < names.index("materials")  # materials requires energy
    for name in ("energy", "quality", "materials"):
        module = reg.get(name)
        assert module is not None and module.validate is not None and module.validate(layout) == []
    assert reg.get("quality").migrations == "app.quality.migrations"  # type: ignore[union-attr]
    panels = {p.name: p.factory for _m, p in reg.panels()}
    assert panels["energy"] == "widgets.energy_panel:EnergyPanel" and panels["spc"] == "widgets.spc_panel:SpcPanel"
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    for name in ("energy", "quality"):
        reg.get(name).cli(sub)  # type: ignore[union-attr,misc]
    assert parser.parse_args(["energy", "report", "--from", "2026-12-01", "--to", "2026-12-02"]).handler
    assert parser.parse_args(["quality", "spc", "--csv", "x.csv"]).handler


def test_alarm_definitions_of_the_calc_tags_load_against_the_layout(layout: PlantLayout) -> None:
    tags = []
    for f in ("quality.yaml", "energy.yaml", "materials.yaml"):
        tags += [a.tag for a in load_alarms(layout, layout.folder / "alarms.d" / f)]
    everything = {a.tag for a in load_alarms(layout)}  # what the runtime's engine loads
    assert set(tags) <= everything
    assert sorted(tags) == sorted(["QA.MATTE_CU.SPC", "QA.SLAG_CU.SPC", "QA.ANODE_MASS.SPC", "QA.CATH_IMP.SPC",
                                   "QA.CATH.OFFGRADE", "EN.CATHODE.KGCE_T", "MAT.CU_UNACCOUNTED"])
    assert all(layout.tags[t].address.startswith("calc://") for t in tags)


def test_cli_import_and_grade(engine: Engine, security: Security, settings: Settings, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from app.quality import cli as qcli
    from tests.quality.test_assays import cathode_rows, write_csv

    security.users.add_user("lab1", "lab-bench-7", ["laboratory"])
    parser = argparse.ArgumentParser()
    qcli.register(parser.add_subparsers())
    path = write_csv(tmp_path / "lab.csv", cathode_rows("LOT-1", "C1", datetime(2026, 12, 1, tzinfo=UTC), 0.0050, 99.99))
    login = ["--user", "lab1", "--password-stdin"]
    monkeypatch.setattr("sys.stdin", io.StringIO("lab-bench-7\n"))
    args = parser.parse_args(["quality", "import", "--csv", str(path), *login, "--json"])
    assert args.handler(args, settings) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 19}
    monkeypatch.setattr("sys.stdin", io.StringIO("lab-bench-7\n"))
    args = parser.parse_args(["quality", "import", "--csv", str(path), *login])
    assert args.handler(args, settings) == 2
    err = capsys.readouterr().err
    assert "rejected, nothing imported (19 problem(s))" in err and f"{path}:2: column sample_id" in err
    args = parser.parse_args(["quality", "grade", "LOT-1", "--json"])
    assert args.handler(args, settings) == 0
    assert json.loads(capsys.readouterr().out)["grade"] == "A"
    args = parser.parse_args(["quality", "grade", "LOT-404"])
    assert args.handler(args, settings) == 2
    assert "lot 'LOT-404' has no cathode assays" in capsys.readouterr().err
    args = parser.parse_args(["quality", "grade", "LOT-1", "--db", "sqlite:////proc/crucible-none/plant.sqlite"])
    assert args.handler(args, settings) == 2
    err = capsys.readouterr().err
    assert err.startswith("quality grade: cannot use the database: ") and "Traceback" not in err
