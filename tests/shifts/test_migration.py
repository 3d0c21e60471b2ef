"""The shifts migration branch builds the tables the models declare, on top of the core ones."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

import app.shifts.models  # noqa: F401 - the declared tables
from app.db import Base, make_engine
from app.db.migrate import alembic_config, upgrade, version_packages


def test_shifts_branch_upgrade_and_downgrade(tmp_path: Path) -> None:
    assert "app.shifts.migrations" in version_packages()  # the registry finds the branch
    engine = make_engine(f"sqlite:///{tmp_path / 'plant.sqlite'}")
    upgrade(engine)
    insp = inspect(engine)
    assert "security_audit" in insp.get_table_names()  # depends_on 0002_security
    for name in ("handover_entries", "handover_signoffs", "shift_reports"):
        migrated = {c["name"] for c in insp.get_columns(name)}
        declared = {c.name for c in Base.metadata.tables[name].columns}
        assert migrated == declared, name
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "shifts@base")
    assert "handover_entries" not in inspect(engine).get_table_names()
    assert "security_audit" in inspect(engine).get_table_names()
