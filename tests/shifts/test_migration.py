"""The shifts migration branch builds the tables the models declare, on top of the core ones."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from sqlalchemy import inspect

import app.shifts.models  # noqa: F401 - the declared tables
from app.db import Base
from app.historian.database import MIGRATIONS, alembic_config, make_engine


def test_shifts_branch_upgrade_and_downgrade(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plant.sqlite'}")
    cfg = alembic_config(engine)
    shifts = Path(app.shifts.models.__file__).parent / "migrations"
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join([str(MIGRATIONS / "versions"), str(shifts)]))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
    insp = inspect(engine)
    assert "security_audit" in insp.get_table_names()  # depends_on 0002_security pulled it in
    for name in ("handover_entries", "handover_signoffs", "shift_reports"):
        migrated = {c["name"] for c in insp.get_columns(name)}
        declared = {c.name for c in Base.metadata.tables[name].columns}
        assert migrated == declared, name
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "shifts@base")
    assert "handover_entries" not in inspect(engine).get_table_names()
    assert "security_audit" in inspect(engine).get_table_names()
