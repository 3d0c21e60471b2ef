"""Production: plan versions, lots and their genealogy links.

Revision ID: production_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "production_0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("production",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "production_plan_version",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("source", sa.String(400), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_plan_version")),
        sa.UniqueConstraint("year", "version", name=op.f("uq_production_plan_version_year")),
    )
    op.create_table(
        "production_lot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("lot", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mass_t", sa.Float(), nullable=False),
        sa.Column("assay", sa.Text(), nullable=False),
        sa.Column("note", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_lot")),
        sa.UniqueConstraint("lot", name=op.f("uq_production_lot_lot")),
    )
    op.create_table(
        "production_lot_link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("child", sa.String(80), nullable=False),
        sa.Column("parent", sa.String(80), nullable=False),
        sa.Column("mass_t", sa.Float(), nullable=False),
        sa.Column("note", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_production_lot_link")),
    )
    op.create_index(op.f("ix_production_lot_link_child"), "production_lot_link", ["child"])
    op.create_index(op.f("ix_production_lot_link_parent"), "production_lot_link", ["parent"])


def downgrade() -> None:
    op.drop_table("production_lot_link")
    op.drop_table("production_lot")
    op.drop_table("production_plan_version")
