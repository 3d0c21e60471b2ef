"""Historian: leave room on the ``rollups`` pages so the writer's merges are HOT updates.

Revision ID: 0005_rollups_fillfactor
Revises: 0004_partitioned_samples
Create Date: 2026-12-01

A rollup row of an open bucket is updated at every commit (each minute row up to 60 times,
each hour row up to 3,600 times at 1 Hz). With free space on its page PostgreSQL rewrites the
row in place (a heap-only tuple) instead of adding a new entry to the primary-key index for
every update: the writer's rollup merge costs about a third less (bench/plant_scale.py).
Pages written from now on keep 30 % free; nothing is rewritten. SQLite is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_rollups_fillfactor"
down_revision: str | Sequence[str] | None = "0004_partitioned_samples"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILLFACTOR = 70


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE rollups SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rollups RESET (fillfactor)")
