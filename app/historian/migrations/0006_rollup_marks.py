"""Historian: rollup rows written once their minute is whole (``rollup_marks``).

Revision ID: 0006_rollup_marks
Revises: 0005_rollups_fillfactor
Create Date: 2026-12-01

Before, the writer merged an increment into every tag's minute and hour rows at every commit
(at 1 Hz and a commit every 0.5 s, 120 updates of each minute row and 7,200 of each hour row).
Now it adds up the increments of the open minutes itself and writes a minute row, and adds it
to its hour row, once the minute is whole (``rollup_marks.minutes``). In a database written
before, every minute row there is written and in its hour row: the mark starts at the newest.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_rollup_marks"
down_revision: str | Sequence[str] | None = "0005_rollups_fillfactor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table("rollup_marks"):
        op.create_table(
            "rollup_marks",
            sa.Column("name", sa.String(40), nullable=False),
            sa.Column("upto", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("name", name=op.f("pk_rollup_marks")),
        )
    op.execute("INSERT INTO rollup_marks (name, upto) SELECT 'minutes', "
               "COALESCE((SELECT MAX(ts) FROM rollups WHERE width_s = 60), -1) "
               "WHERE NOT EXISTS (SELECT 1 FROM rollup_marks WHERE name = 'minutes')")


def downgrade() -> None:
    # (stop the writers first: a stopping writer writes every open minute)
    op.drop_table("rollup_marks")
