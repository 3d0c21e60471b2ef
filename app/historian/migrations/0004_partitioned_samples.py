"""Historian: ``samples`` partitioned by time (one range partition per UTC day) on PostgreSQL.

Revision ID: 0004_partitioned_samples
Revises: 0001_initial
Create Date: 2026-12-01

The existing samples are copied into daily partitions in one transaction (plan for about a
minute per 50 million rows); SQLite is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_partitioned_samples"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DAY_US = 86_400 * 1_000_000


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from app.historian.partitions import create_sql

    op.execute("ALTER TABLE samples RENAME TO samples_unpartitioned")
    op.execute("ALTER TABLE samples_unpartitioned RENAME CONSTRAINT pk_samples TO pk_samples_unpartitioned")
    op.execute("CREATE TABLE samples (tag_id INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION, "
               "quality SMALLINT NOT NULL, CONSTRAINT pk_samples PRIMARY KEY (tag_id, ts)) PARTITION BY RANGE (ts)")
    lo, hi = bind.execute(sa.text("SELECT min(ts), max(ts) FROM samples_unpartitioned")).one()
    import time

    today = time.time_ns() // 1000 // DAY_US
    first = min(int(lo) // DAY_US, today) if lo is not None else today
    last = max(int(hi) // DAY_US, today) + 2 if hi is not None else today + 2
    for day in range(first, last + 1):
        op.execute(create_sql(day))
    op.execute("INSERT INTO samples (tag_id, ts, value, quality) "
               "SELECT tag_id, ts, value, quality FROM samples_unpartitioned")
    op.execute("DROP TABLE samples_unpartitioned")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE samples RENAME TO samples_partitioned")
    op.execute("ALTER TABLE samples_partitioned RENAME CONSTRAINT pk_samples TO pk_samples_partitioned")
    op.execute("CREATE TABLE samples (tag_id INTEGER NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION, "
               "quality SMALLINT NOT NULL, CONSTRAINT pk_samples PRIMARY KEY (tag_id, ts))")
    op.execute("INSERT INTO samples SELECT tag_id, ts, value, quality FROM samples_partitioned")
    op.execute("DROP TABLE samples_partitioned")
