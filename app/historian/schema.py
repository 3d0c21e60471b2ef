"""Historian tables on the shared :class:`~app.historian.db.Base`.

Timestamps are integer microseconds since 1970-01-01 UTC (``BIGINT``): compact, exact,
fast to index and to bucket on both SQLite and PostgreSQL. ``samples`` has the primary key
(tag_id, ts), so a replayed sample can never be stored twice. ``rollups`` holds one row per
tag, bucket width (60 s or 3600 s) and bucket start; the running sums let the writer merge
increments and let the reader re-bucket without going back to raw samples. The writer writes
a minute row (and adds it to its hour row) when the minute is whole (``rollup_marks`` says up
to which minute): a row is written about once a minute, not at every commit. Readers take the
newer minutes from the samples.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base

MINUTE_S = 60
HOUR_S = 3600
ROLLUP_WIDTHS_S = (MINUTE_S, HOUR_S)
#: The rollup widths a chunk carries increments for: hour rows are folded from minute rows.
INCREMENT_WIDTHS_S = (MINUTE_S,)
#: ``rollup_marks`` row: minute (and their hour) rows hold the minutes with ``ts <= upto``;
#: later minutes are added up by the writer, and read from the samples meanwhile.
MINUTES_MARK = "minutes"
US = 1_000_000


class HistTag(Base):
    """A historised tag: the name once, an integer id in every sample."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    eng_unit: Mapped[str] = mapped_column(String(40), default="", nullable=False)
    description: Mapped[str] = mapped_column(String(400), default="", nullable=False)


class Sample(Base):
    """One archived value. ``value`` is NULL when the reading had no usable number."""

    __tablename__ = "samples"
    __table_args__ = {"sqlite_with_rowid": False}

    tag_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # µs since epoch, UTC
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    quality: Mapped[int] = mapped_column(SmallInteger, nullable=False)


class Rollup(Base):
    """Aggregates of one tag over one bucket ``[ts, ts + width_s)``.

    ``count``/``total``/``vmin``/``vmax`` cover usable (not Bad) samples; ``bad_count`` the
    Bad ones. ``tw_sum``/``tw_dur_s`` integrate the value held (step, sample-and-hold) over
    the seconds of the bucket it covered, so ``twa = tw_sum / tw_dur_s``.
    """

    __tablename__ = "rollups"
    __table_args__ = {"sqlite_with_rowid": False}

    tag_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    width_s: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    vmin: Mapped[float | None] = mapped_column(Float, nullable=True)
    vmax: Mapped[float | None] = mapped_column(Float, nullable=True)
    total: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    bad_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    first_ts: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    first: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_ts: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    last: Mapped[float | None] = mapped_column(Float, nullable=True)
    tw_sum: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    tw_dur_s: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)


class RollupMark(Base):
    """``minutes``: the newest minute bucket (start, µs) whose minute and hour rows are written."""

    __tablename__ = "rollup_marks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    upto: Mapped[int] = mapped_column(BigInteger, nullable=False)


class WriterCheckpoint(Base):
    """The last spool/batch sequence number a writer committed (exactly-once replay)."""

    __tablename__ = "writer_checkpoints"

    writer_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)


class Event(Base):
    """Room for events later capabilities write (work orders, batches, operator notes)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[int] = mapped_column(BigInteger, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    source: Mapped[str] = mapped_column(String(200), default="", nullable=False)
    payload: Mapped[str] = mapped_column(Text, default="", nullable=False)  # JSON
