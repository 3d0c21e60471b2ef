"""Historian: tags, samples, rollups, writer checkpoints, events.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables this revision creates: a database made before migrations existed (create_all)
# is adopted by stamping this revision when all of them are there (app.db.migrate).
creates = ("tags", "samples", "rollups", "writer_checkpoints", "events",)



def upgrade() -> None:
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("eng_unit", sa.String(40), nullable=False),
        sa.Column("description", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("name", name=op.f("uq_tags_name")),
    )
    op.create_table(
        "samples",
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("quality", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tag_id", "ts", name=op.f("pk_samples")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "rollups",
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("width_s", sa.Integer(), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("vmin", sa.Float(), nullable=True),
        sa.Column("vmax", sa.Float(), nullable=True),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("bad_count", sa.Integer(), nullable=False),
        sa.Column("first_ts", sa.BigInteger(), nullable=True),
        sa.Column("first", sa.Float(), nullable=True),
        sa.Column("last_ts", sa.BigInteger(), nullable=True),
        sa.Column("last", sa.Float(), nullable=True),
        sa.Column("tw_sum", sa.Float(), nullable=False),
        sa.Column("tw_dur_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("tag_id", "width_s", "ts", name=op.f("pk_rollups")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "writer_checkpoints",
        sa.Column("writer_id", sa.String(80), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("writer_id", name=op.f("pk_writer_checkpoints")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_ts"), "events", ["ts"])
    op.create_index(op.f("ix_events_kind"), "events", ["kind"])


def downgrade() -> None:
    op.drop_index(op.f("ix_events_kind"), table_name="events")
    op.drop_index(op.f("ix_events_ts"), table_name="events")
    op.drop_table("events")
    op.drop_table("writer_checkpoints")
    op.drop_table("rollups")
    op.drop_table("samples")
    op.drop_table("tags")
