"""Quality tables: assays, lot grades, quality events (issue 19).

Revision ID: quality_0001
Revises: (branch root)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "quality_0001"
down_revision = None
branch_labels = ("quality",)
depends_on = None
# Tables this revision creates (a database whose tables exist already is stamped, not recreated)
creates = ("quality_assays", "quality_lot_grades", "quality_events")


def upgrade() -> None:
    op.create_table(
        "quality_assays",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("sample_id", sa.String(80), nullable=False),
        sa.Column("lot_id", sa.String(80), nullable=False),
        sa.Column("characteristic", sa.String(80), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("sampled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("entered_by", sa.String(80), nullable=False),
        sa.Column("signed", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(400), nullable=False),
        sa.Column("import_file", sa.String(400), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sample_id", "characteristic", name="uq_quality_assay_sample_char"),
    )
    op.create_index("ix_quality_assays_lot_id", "quality_assays", ["lot_id"])
    op.create_index("ix_quality_assays_char_time", "quality_assays", ["characteristic", "sampled_at"])
    op.create_table(
        "quality_lot_grades",
        sa.Column("lot_id", sa.String(80), primary_key=True),
        sa.Column("grade", sa.String(16), nullable=False),
        sa.Column("total_impurities", sa.Float(), nullable=True),
        sa.Column("cu_ag", sa.Float(), nullable=True),
        sa.Column("reasons", sa.String(1000), nullable=False),
        sa.Column("graded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "quality_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("lot_id", sa.String(80), nullable=False),
        sa.Column("sample_id", sa.String(80), nullable=False),
        sa.Column("characteristic", sa.String(80), nullable=False),
        sa.Column("rule", sa.SmallInteger(), nullable=False),
        sa.Column("detail", sa.String(400), nullable=False),
    )
    op.create_index("ix_quality_events_ts", "quality_events", ["ts"])
    op.create_index("ix_quality_events_lot_id", "quality_events", ["lot_id"])


def downgrade() -> None:
    op.drop_table("quality_events")
    op.drop_table("quality_lot_grades")
    op.drop_index("ix_quality_assays_char_time", "quality_assays")
    op.drop_index("ix_quality_assays_lot_id", "quality_assays")
    op.drop_table("quality_assays")
