"""The 0002_security migration creates exactly the tables app/security/models.py declares."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData, create_engine

import app.security.models  # noqa: F401 - registers the tables on Base
from app.historian.db import Base
from app.security.models import SECURITY_TABLE_NAMES

MIGRATION = Path(__file__).resolve().parents[2] / "app/security/migrations/0002_security.py"


def test_migration_matches_models(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("m0002", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (module.revision, module.down_revision) == ("0002_security", "0001_initial")
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    with engine.begin() as conn:
        ctx = MigrationContext.configure(conn)
        with Operations.context(ctx):
            module.upgrade()
        target = MetaData(naming_convention=Base.metadata.naming_convention)
        for name in SECURITY_TABLE_NAMES:
            Base.metadata.tables[name].to_metadata(target)
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), target)
        assert diffs == []
        with Operations.context(ctx):
            module.downgrade()
