"""The maintenance branch's first revision creates exactly the tables app/maintenance/models.py declares."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import MetaData, create_engine, inspect

import app.maintenance.models  # noqa: F401 - registers the tables on Base
from app.db import Base
from app.maintenance.migrations import maintenance_0001 as revision


def test_first_revision_matches_the_models_and_goes_back_down(tmp_path: Path) -> None:
    assert (revision.revision, revision.down_revision, revision.branch_labels) == ("maintenance_0001", None, ("maintenance",))
    engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    names = [t.name for t in Base.metadata.sorted_tables if t.name.startswith("maint_")]
    assert len(names) == 5
    with engine.begin() as conn:
        ctx = MigrationContext.configure(conn)
        with Operations.context(ctx):
            revision.upgrade()
        target = MetaData(naming_convention=Base.metadata.naming_convention)
        for name in names:
            Base.metadata.tables[name].to_metadata(target)
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), target)
        assert diffs == []
        with Operations.context(ctx):
            revision.downgrade()
        assert not [n for n in inspect(conn).get_table_names() if n.startswith("maint_")]
