"""Handover entries, sign-offs and generated shift reports.

Revision ID: shifts_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "shifts_0001"
down_revision = None
branch_labels = ("shifts",)
depends_on = "0002_security"  # sign-off checksums go to the security audit trail


def upgrade() -> None:
    op.create_table(
        "handover_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("shift_id", sa.String(16), nullable=False),
        sa.Column("area", sa.String(40), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("items", sa.Text, nullable=False),
    )
    op.create_index("ix_handover_entries_shift_id", "handover_entries", ["shift_id"])
    op.create_table(
        "handover_signoffs",
        sa.Column("shift_id", sa.String(16), primary_key=True),
        sa.Column("signed_by", sa.String(80), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.String(80), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checksum", sa.String(64), nullable=False),
    )
    op.create_table(
        "shift_reports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("label", sa.String(16), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("automatic", sa.Integer, nullable=False),
        sa.Column("path", sa.String(400), nullable=False),
        sa.Column("pdf", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_shift_reports_label", "shift_reports", ["label"])


def downgrade() -> None:
    op.drop_table("shift_reports")
    op.drop_table("handover_signoffs")
    op.drop_index("ix_handover_entries_shift_id", "handover_entries")
    op.drop_table("handover_entries")
