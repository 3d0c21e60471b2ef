"""Standards: setpoint cards and their items, drifts, SOP runs and steps, operator notes.

Revision ID: standards_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "standards_0001"
down_revision = None
branch_labels = ("standards",)
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "standards_cards",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("unit", sa.String(60), nullable=False, index=True),
        sa.Column("mode", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_by", sa.String(80), nullable=False),
        sa.Column("proposed_at", TZ, nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=False, server_default=""),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("reason", sa.String(400), nullable=False, server_default=""),
        sa.Column("reference", sa.String(200), nullable=False, server_default=""),
    )
    op.create_table(
        "standards_card_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("card_id", sa.Integer(), sa.ForeignKey("standards_cards.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("tag", sa.String(160), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("grace_s", sa.Float(), nullable=False, server_default="300"),
    )
    op.create_table(
        "standards_drifts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tag", sa.String(160), nullable=False, index=True),
        sa.Column("unit", sa.String(60), nullable=False),
        sa.Column("mode", sa.String(60), nullable=False),
        sa.Column("card_version", sa.Integer(), nullable=False),
        sa.Column("started", TZ, nullable=False, index=True),
        sa.Column("ended", TZ, nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("low", sa.Float(), nullable=False),
        sa.Column("high", sa.Float(), nullable=False),
        sa.Column("changed_by", sa.String(80), nullable=False, server_default=""),
    )
    op.create_table(
        "standards_sop_runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sop", sa.String(80), nullable=False, index=True),
        sa.Column("unit", sa.String(60), nullable=False, server_default=""),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("trigger", sa.String(160), nullable=False, server_default=""),
    )
    op.create_table(
        "standards_sop_steps",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("standards_sop_runs.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("done_by", sa.String(80), nullable=False),
        sa.Column("done_at", TZ, nullable=False),
        sa.Column("values", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("note", sa.String(400), nullable=False, server_default=""),
    )
    op.create_table(
        "standards_notes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("unit", sa.String(60), nullable=False, index=True),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("created", TZ, nullable=False),
        sa.Column("expires", TZ, nullable=False),
        sa.Column("removed_by", sa.String(80), nullable=False, server_default=""),
    )


def downgrade() -> None:
    for table in ("standards_notes", "standards_sop_steps", "standards_sop_runs", "standards_drifts",
                  "standards_card_items", "standards_cards"):
        op.drop_table(table)
