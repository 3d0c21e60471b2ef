"""Maintenance: state history, work orders and their events, lock-outs, preventive plan records.

Revision ID: maintenance_0001
Revises: (branch root)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "maintenance_0001"
down_revision = None
branch_labels = ("maintenance",)
depends_on = "0001_initial"


def upgrade() -> None:
    op.create_table(
        "maint_lockouts",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("equipment", sa.String(80), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(80), nullable=False),
        sa.Column("reason", sa.String(400), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("returned_by", sa.String(80), nullable=False),
        sa.Column("returned_second_user", sa.String(80), nullable=False),
        sa.Column("return_reason", sa.String(400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maint_lockouts")),
    )
    op.create_index(op.f("ix_maint_lockouts_equipment"), "maint_lockouts", ["equipment"], unique=False)
    op.create_table(
        "maint_state_history",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("equipment", sa.String(80), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("run_hours", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maint_state_history")),
    )
    op.create_index(op.f("ix_maint_state_history_equipment"), "maint_state_history", ["equipment"], unique=False)
    op.create_index(op.f("ix_maint_state_history_ts"), "maint_state_history", ["ts"], unique=False)
    op.create_table(
        "maint_work_orders",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("equipment", sa.String(80), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alarm_id", sa.String(200), nullable=False),
        sa.Column("alarm_text", sa.String(400), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(120), nullable=False),
        sa.Column("prediction", sa.Text(), nullable=False),
        sa.Column("run_hours_at_open", sa.Float(), nullable=True),
        sa.Column("run_hours_at_done", sa.Float(), nullable=True),
        sa.Column("assignee", sa.String(80), nullable=False),
        sa.Column("labour_h", sa.Float(), nullable=False),
        sa.Column("parts", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(80), nullable=False),
        sa.Column("second_user", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maint_work_orders")),
    )
    op.create_index(op.f("ix_maint_work_orders_equipment"), "maint_work_orders", ["equipment"], unique=False)
    op.create_index(op.f("ix_maint_work_orders_plan_id"), "maint_work_orders", ["plan_id"], unique=False)
    op.create_index(op.f("ix_maint_work_orders_status"), "maint_work_orders", ["status"], unique=False)
    op.create_table(
        "maint_wo_events",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=True),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(80), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["work_order_id"], ["maint_work_orders.id"], ondelete="CASCADE", name=op.f("fk_maint_wo_events_work_order_id_maint_work_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maint_wo_events")),
    )
    op.create_index(op.f("ix_maint_wo_events_work_order_id"), "maint_wo_events", ["work_order_id"], unique=False)
    op.create_table(
        "maint_plan_records",
        sa.Column("plan_id", sa.String(120), nullable=False),
        sa.Column("equipment", sa.String(80), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_hours", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_maint_plan_records")),
    )


def downgrade() -> None:
    op.drop_table("maint_plan_records")
    op.drop_table("maint_wo_events")
    op.drop_table("maint_work_orders")
    op.drop_table("maint_state_history")
    op.drop_table("maint_lockouts")
