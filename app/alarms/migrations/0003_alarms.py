"""Alarm journal and shelf tables (issue 8).

Revision ID: 0003_alarms
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_alarms"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

# Tables this revision creates: a database made before migrations existed (create_all)
# is adopted by stamping this revision when all of them are there (app.db.migrate).
creates = ("alarm_journal", "alarm_shelf",)


JournalId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    # A console that ran before the migrations existed created these itself (ensure_tables).
    if not inspector.has_table("alarm_journal"):
        op.create_table(
            "alarm_journal",
            sa.Column("id", JournalId, primary_key=True, autoincrement=True),
            sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
            sa.Column("alarm", sa.String(160), nullable=False),
            sa.Column("tag", sa.String(160), nullable=False),
            sa.Column("priority", sa.SmallInteger(), nullable=False),
            sa.Column("area", sa.String(40), nullable=False),
            sa.Column("event", sa.String(16), nullable=False),
            sa.Column("state", sa.String(24), nullable=False),
            sa.Column("value", sa.String(40), nullable=False),
            sa.Column("limit", sa.String(40), nullable=False),
            sa.Column("who", sa.String(80), nullable=False),
            sa.Column("reason", sa.String(400), nullable=False),
            sa.Column("console", sa.String(80), nullable=False),
            sa.Column("until", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id", name="pk_alarm_journal"),
        )
        op.create_index("ix_alarm_journal_ts", "alarm_journal", ["ts"])
        op.create_index("ix_alarm_journal_alarm", "alarm_journal", ["alarm"])
        op.create_index("ix_alarm_journal_event", "alarm_journal", ["event"])
    if not inspector.has_table("alarm_shelf"):
        op.create_table(
            "alarm_shelf",
            sa.Column("alarm", sa.String(160), nullable=False),
            sa.Column("kind", sa.String(16), nullable=False),
            sa.Column("since", sa.DateTime(timezone=True), nullable=False),
            sa.Column("until", sa.DateTime(timezone=True), nullable=True),
            sa.Column("who", sa.String(80), nullable=False),
            sa.Column("reason", sa.String(400), nullable=False),
            sa.Column("console", sa.String(80), nullable=False),
            sa.PrimaryKeyConstraint("alarm", name="pk_alarm_shelf"),
        )


def downgrade() -> None:
    op.drop_table("alarm_shelf")
    op.drop_index("ix_alarm_journal_event", "alarm_journal")
    op.drop_index("ix_alarm_journal_alarm", "alarm_journal")
    op.drop_index("ix_alarm_journal_ts", "alarm_journal")
    op.drop_table("alarm_journal")
