"""The quality migration branch creates exactly the tables the models declare."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData, create_engine

import app.quality.models  # noqa: F401 - tables on Base
from app.db import Base
from app.quality.migrations import quality_0001


def test_quality_0001_matches_the_models(tmp_path: Path) -> None:
    assert (quality_0001.revision, quality_0001.down_revision, quality_0001.branch_labels) == ("quality_0001", None, ("quality",))
    engine = create_engine(f"sqlite:///{tmp_path}/m.sqlite")
    with engine.begin() as conn:
        ctx = MigrationContext.configure(conn)
        with Operations.context(ctx):
            quality_0001.upgrade()
        mine = MetaData()
        for name, table in Base.metadata.tables.items():
            if name.startswith("quality_"):
                table.to_metadata(mine)
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), mine)
        assert diff == []
        with Operations.context(ctx):
            quality_0001.downgrade()
    with engine.connect() as conn:
        assert not [n for n in engine.dialect.get_table_names(conn) if n.startswith("quality_")]
