"""The historian writer: its own thread, one commit per batch, store and forward.

The tag store calls :meth:`HistorianWriter.enqueue` on the GUI/asyncio thread; that only
appends to a queue. The writer thread compresses, computes rollup increments, and commits
samples + rollups + its checkpoint in one transaction. When the database is out of reach
(PostgreSQL down, SQLite locked, disk full) the chunk goes to the fsync'd spool instead and
the writer retries; the spool replays in order before anything newer is written.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.core.events import Signal
from app.core.tags import TagDef, TagValue
from app.historian.chunk import (
    BAD,
    Chunk,
    Rollups,
    combine_rollups,
    compute_rollups,
    hours_from_minutes,
    merge_chunks,
    take_rollups,
)
from app.historian.compression import Compressor, to_us
from app.historian.database import describe
from app.historian.election import Election
from app.historian.partitions import PartitionMaker
from app.historian.pgcopy import Column, binary_copy
from app.historian.schema import MINUTE_S, MINUTES_MARK, US
from app.historian.spool import Spool

log = logging.getLogger(__name__)

MINUTE_US = MINUTE_S * US

ROLLUP_COLS = ("tag_id", "width_s", "ts", "vmin", "vmax", "total", "count", "bad_count", "first_ts", "first",
               "last_ts", "last", "tw_sum", "tw_dur_s")


def _q(c: str) -> str:
    return f'"{c}"'


def _rollup_upsert_sql(p: str) -> str:
    r, x = "rollups", "excluded"

    def least(c: str, op: str) -> str:
        return (f"CASE WHEN {r}.{c} IS NULL THEN {x}.{c} WHEN {x}.{c} IS NULL THEN {r}.{c} "
                f"WHEN {x}.{c} {op} {r}.{c} THEN {x}.{c} ELSE {r}.{c} END")

    def edge(col: str, tcol: str, op: str) -> str:
        return (f"CASE WHEN {r}.{tcol} IS NULL OR ({x}.{tcol} IS NOT NULL AND {x}.{tcol} {op} {r}.{tcol}) "
                f"THEN {x}.{col} ELSE {r}.{col} END")

    sets = [
        f"vmin = {least('vmin', '<')}",
        f"vmax = {least('vmax', '>')}",
        *[f"{_q(c)} = {r}.{_q(c)} + {x}.{_q(c)}" for c in ("total", "count", "bad_count", "tw_sum", "tw_dur_s")],
        f'"first" = {edge(_q("first"), "first_ts", "<")}',
        f"first_ts = {edge('first_ts', 'first_ts', '<')}",
        f'"last" = {edge(_q("last"), "last_ts", ">")}',
        f"last_ts = {edge('last_ts', 'last_ts', '>')}",
    ]
    cols = ", ".join(_q(c) for c in ROLLUP_COLS)
    marks = ", ".join([p] * len(ROLLUP_COLS))
    return (f"INSERT INTO rollups ({cols}) VALUES ({marks}) ON CONFLICT (tag_id, width_s, ts) DO UPDATE SET "
            + ", ".join(sets))


def _none_nan(values: np.ndarray) -> list[float | None]:
    if not np.isnan(values).any():
        return values.tolist()  # type: ignore[no-any-return]
    return [None if v != v else v for v in values.tolist()]


def _none_neg(values: np.ndarray) -> list[int | None]:
    return [None if v < 0 else v for v in values.tolist()]


_PG_FULL = np.dtype([("n", ">i2"), ("l1", ">i4"), ("tag", ">i4"), ("l2", ">i4"), ("ts", ">i8"), ("l3", ">i4"),
                     ("v", ">f8"), ("l4", ">i4"), ("q", ">i2")])
_PG_NULL = np.dtype([("n", ">i2"), ("l1", ">i4"), ("tag", ">i4"), ("l2", ">i4"), ("ts", ">i8"), ("l3", ">i4"),
                     ("l4", ">i4"), ("q", ">i2")])
_PG_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_PG_TRAILER = b"\xff\xff"


def binary_copy_samples(tag_id: np.ndarray, ts: np.ndarray, value: np.ndarray, quality: np.ndarray) -> bytes:
    """Samples in PostgreSQL's binary COPY format, built with numpy (NaN -> NULL)."""
    has = np.isfinite(value)
    full = np.zeros(int(has.sum()), _PG_FULL)
    full["n"], full["l1"], full["l2"], full["l3"], full["l4"] = 4, 4, 8, 8, 2
    full["tag"], full["ts"], full["v"], full["q"] = tag_id[has], ts[has], value[has], quality[has]
    null = np.zeros(int((~has).sum()), _PG_NULL)
    null["n"], null["l1"], null["l2"], null["l3"], null["l4"] = 4, 4, 8, -1, 2
    null["tag"], null["ts"], null["q"] = tag_id[~has], ts[~has], quality[~has]
    return b"".join((_PG_HEADER, full.tobytes(), null.tobytes(), _PG_TRAILER))


@dataclass(frozen=True)
class HistorianStatus:
    """What the status bar shows: ``ok``, ``buffering`` (spooling) or ``stopped``."""

    state: str
    spooled_samples: int
    last_error: str = ""
    written_samples: int = 0
    rejected_samples: int = 0  # values that could not be stored (logged one by one)
    spool_damage: tuple[str, ...] = ()  # damaged spool records skipped: what history was lost
    #: The console writing the plant's history ('' unknown/none); ``role``: this console's
    #: part, ``writer`` or ``standby`` (another console writes; samples kept for a hand-over).
    writer: str = ""
    role: str = "writer"

    @property
    def buffering(self) -> bool:
        return self.state == "buffering"


class NotWriter(RuntimeError):
    """This console is no longer the elected history writer (the commit was fenced off)."""


class _Duplicates(Exception):
    """Some samples of a chunk are in the database already (see :meth:`SampleSink.write`)."""


class SampleSink:
    """Writes chunks to one database (SQLite or PostgreSQL) — the writer thread's half."""

    def __init__(self, engine: Engine, writer_id: str) -> None:
        self.engine = engine
        self.writer_id = writer_id
        #: Gives SQL that returns a row while this console may write (the election's fence).
        self.fence: Callable[[], str | None] | None = None
        #: PostgreSQL: the daily partitions of ``samples`` a chunk needs, made before its commit.
        self.partitions = PartitionMaker(engine) if engine.dialect.name == "postgresql" else None
        self.dialect = engine.dialect.name
        self.p = "?" if self.dialect == "sqlite" else "%s"
        self.tag_ids: dict[str, int] = {}
        self.checkpoint: int | None = None
        self.max_hold_s = 3600.0  # the compressor's (HistorianWriter sets it): rollups of a partial chunk
        self.partial_writes = 0  # chunks that met samples already stored (written without them)
        #: Increments of the minutes after the minute mark (tag ids), written when whole;
        #: None: to be taken up again from the stored samples (see _write_rows).
        self._open: Rollups | None = None
        self._open_next: Rollups | None = None
        self.taken_up = 0  # samples the last take-up of the open minutes read
        self._upsert = _rollup_upsert_sql(self.p)
        cols = ", ".join(_q(c) for c in ROLLUP_COLS)
        head, _, tail = self._upsert.partition(" VALUES (")
        self._upsert_select = f"{head} SELECT {cols} FROM rollups_in{tail[tail.index(' ON CONFLICT'):]}"

    def _ensure_tags(self, cur, names: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
        missing = [n for n in names if n not in self.tag_ids]
        if missing and self.dialect == "postgresql":
            # one statement each, whatever the number of new tags (50,000 at a plant's first start)
            cur.execute("INSERT INTO tags (name, eng_unit, description) SELECT n, '', '' FROM unnest(%s::text[]) "
                        "AS n ON CONFLICT (name) DO NOTHING", (missing,))
            cur.execute("SELECT id, name FROM tags WHERE name = ANY(%s::text[])", (missing,))
            for tag_id, name in cur.fetchall():
                self.tag_ids[name] = int(tag_id)
        elif missing:
            p = self.p
            cur.executemany(
                f"INSERT INTO tags (name, eng_unit, description) VALUES ({p}, '', '') ON CONFLICT (name) DO NOTHING",
                [(n,) for n in missing],
            )
            for i in range(0, len(missing), 500):
                part = missing[i : i + 500]
                cur.execute(f"SELECT id, name FROM tags WHERE name IN ({', '.join([p] * len(part))})", part)
                for tag_id, name in cur.fetchall():
                    self.tag_ids[name] = int(tag_id)
        return [self.tag_ids[n] for n in names]

    def _read_checkpoint(self, cur) -> int:  # type: ignore[no-untyped-def]
        cur.execute(f"SELECT last_seq FROM writer_checkpoints WHERE writer_id = {self.p}", (self.writer_id,))
        row = cur.fetchone()
        return int(row[0]) if row else 0

    def committed_seq(self) -> int:
        """The last chunk sequence number this writer committed to the database."""
        if self.checkpoint is None:
            with self.engine.connect() as conn:
                row = conn.execute(text("SELECT last_seq FROM writer_checkpoints WHERE writer_id = :w"),
                                   {"w": self.writer_id}).first()
            self.checkpoint = int(row[0]) if row else 0
        return self.checkpoint

    def _prepare(self, chunk: Chunk) -> None:
        if self.partitions is not None and len(chunk):
            try:
                self.partitions.ensure(int(chunk.ts.min()), int(chunk.ts.max()))
            except Exception:
                self.partitions.forget()
                raise

    def write(self, chunk: Chunk) -> int:
        """Commit ``chunk`` (samples, rollups, checkpoint) in one transaction; skip if already in.

        When some of its samples are stored already (the previous writer committed them just
        before a hand-over, a restored backup), the chunk is written again without them and with
        its rollups recomputed for what is written: a stored sample is never counted twice."""
        try:
            return self._write(chunk)
        except _Duplicates:
            self.partial_writes += 1
            log.info("historian: chunk %d meets samples already stored; writing only the newer ones", chunk.seq)
            return self.write_new(chunk, self.max_hold_s, checkpoint=True)

    def _write(self, chunk: Chunk) -> int:
        self._prepare(chunk)
        with self._transaction() as cur:
            if self.checkpoint is None:
                self.checkpoint = self._read_checkpoint(cur)
            if chunk.seq and chunk.seq <= self.checkpoint:
                return 0  # replayed after a crash between commit and spool clean-up
            self._check_fence(cur)
            ids = np.array(self._ensure_tags(cur, chunk.names) or [0], dtype=np.int64)
            self._write_rows(cur, ids, chunk)
            if chunk.seq:
                p = self.p
                cur.execute(
                    f"INSERT INTO writer_checkpoints (writer_id, last_seq) VALUES ({p}, {p}) "
                    "ON CONFLICT (writer_id) DO UPDATE SET last_seq = excluded.last_seq",
                    (self.writer_id, chunk.seq),
                )
        if chunk.seq:
            self.checkpoint = chunk.seq
        return len(chunk)

    def _check_fence(self, cur) -> None:  # type: ignore[no-untyped-def]
        sql = self.fence() if self.fence is not None else None
        if sql is not None:
            cur.execute(sql)
            if cur.fetchone() is None:
                raise NotWriter("another console is the history writer now")

    def write_new(self, chunk: Chunk, max_hold_s: float, checkpoint: bool = False) -> int:
        """Hand-over back-fill: commit only the samples of ``chunk`` newer than the newest
        sample of their tag already in the database, with rollups recomputed for exactly those
        (held from that newest sample), so nothing is stored or counted twice. ``checkpoint``:
        also record the chunk's sequence number (a spooled chunk, written partly)."""
        if not len(chunk):
            return 0
        order = np.lexsort((chunk.ts, chunk.idx))
        idx, ts = chunk.idx[order], chunk.ts[order]
        keep = np.r_[True, (idx[1:] != idx[:-1]) | (ts[1:] != ts[:-1])]
        order = order[keep]
        self._prepare(chunk)
        with self._transaction() as cur:
            self._check_fence(cur)
            ids = np.array(self._ensure_tags(cur, chunk.names) or [0], dtype=np.int64)
            n = len(chunk.names)
            prev_ts = np.full(n, -1, np.int64)
            prev_v = np.full(n, np.nan)
            newest = np.full(n, -1, np.int64)
            by_id = {int(t): i for i, t in enumerate(ids[:n].tolist())}
            for tag_id, t, v, q in self._newest(cur, list(by_id)):
                i = by_id[int(tag_id)]
                newest[i] = int(t)
                if int(q) != BAD and v is not None:
                    prev_ts[i], prev_v[i] = int(t), float(v)
            if checkpoint and chunk.seq:
                p = self.p
                cur.execute(
                    f"INSERT INTO writer_checkpoints (writer_id, last_seq) VALUES ({p}, {p}) "
                    "ON CONFLICT (writer_id) DO UPDATE SET last_seq = excluded.last_seq",
                    (self.writer_id, chunk.seq),
                )
            c_idx, c_ts = chunk.idx[order], chunk.ts[order]
            new = c_ts > newest[c_idx]
            order = order[new]
            if not len(order):
                if checkpoint and chunk.seq:
                    self.checkpoint = chunk.seq  # committed when the block ends
                return 0
            c_idx, c_ts = chunk.idx[order], chunk.ts[order]
            c_v, c_q = chunk.value[order], chunk.quality[order]
            rollups = compute_rollups(c_idx, c_ts, c_v, c_q, prev_ts, prev_v, max_hold_s)
            part = Chunk(chunk.names, c_idx, c_ts, c_v, c_q, rollups, chunk.seq)
            self._write_rows(cur, ids, part)
        if checkpoint and chunk.seq:
            self.checkpoint = chunk.seq
        return len(order)

    def _newest(self, cur, tag_ids: list[int]) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
        if not tag_ids:
            return []
        if self.dialect == "postgresql":
            cur.execute("SELECT t.id, s.ts, s.value, s.quality FROM unnest(%s::int[]) AS t(id) CROSS JOIN LATERAL "
                        "(SELECT ts, value, quality FROM samples WHERE tag_id = t.id ORDER BY ts DESC LIMIT 1) s",
                        (tag_ids,))
            return cur.fetchall()  # type: ignore[no-any-return]
        rows = []
        for tag_id in tag_ids:
            cur.execute("SELECT tag_id, ts, value, quality FROM samples WHERE tag_id = ? ORDER BY ts DESC LIMIT 1",
                        (tag_id,))
            rows += cur.fetchall()
        return rows

    @staticmethod
    def _rollup_rows(r: Rollups) -> Iterable[tuple]:  # type: ignore[type-arg]
        return zip(
            r.idx.tolist(), r.width_s.tolist(), r.ts.tolist(), _none_nan(r.vmin), _none_nan(r.vmax),
            r.total.tolist(), r.count.tolist(), r.bad_count.tolist(), _none_neg(r.first_ts), _none_nan(r.first),
            _none_neg(r.last_ts), _none_nan(r.last), r.tw_sum.tolist(), r.tw_dur_s.tolist(), strict=True)

    def _write_rows(self, cur, ids: np.ndarray, chunk: Chunk) -> None:  # type: ignore[no-untyped-def]
        """Samples and their rollups, in the caller's transaction.

        Minute rows are written once, when the minute is whole: until then the increments of
        its samples are added up here (``_open``, rebuilt from the stored samples whenever this
        writer starts writing: nothing is lost with a writer). Increments for minutes already
        written (late samples, a back-fill, the held value of a tag that changes seldom) are
        merged into their rows at once; hour rows get what their minute rows get."""
        m_min = self._minute_mark(cur)
        opened = self._open if self._open is not None else self._rebuild_open(cur, m_min)
        if self.dialect == "postgresql":
            self._copy_samples(cur, ids, chunk)
        elif len(chunk):
            rows = zip(ids[chunk.idx].tolist(), chunk.ts.tolist(), _none_nan(chunk.value), chunk.quality.tolist(),
                       strict=True)
            cur.executemany("INSERT OR IGNORE INTO samples (tag_id, ts, value, quality) VALUES (?, ?, ?, ?)", rows)
            if cur.rowcount != len(chunk):
                raise _Duplicates  # rolled back; written again without them (SampleSink.write)
        r = chunk.rollups
        # minute increments in tag-id space (a chunk spooled by an older version may carry
        # hour increments too: they are left out, its minutes give the same hours)
        minutes = take_rollups(r, r.width_s == MINUTE_S)
        minutes.idx = ids[minutes.idx].astype(np.int32)
        close_to = m_min
        if len(chunk):  # the minute before the chunk's middle one is whole
            close_to = max(m_min, int(np.median(chunk.ts)) // MINUTE_US * MINUTE_US - MINUTE_US)
        self._write_minutes(cur, m_min, opened, minutes, close_to)

    def _write_minutes(self, cur, m_min: int, opened: Rollups, minutes: Rollups,  # type: ignore[no-untyped-def]
                       close_to: int) -> None:
        """Merge ``minutes`` (increments): those at or before the minute mark into their rows,
        the others into the open minutes; write the open minutes up to ``close_to`` and move
        the mark there. Whatever goes into minute rows goes into their hour rows in the same
        transaction, so hour rows always hold every minute row there is."""
        late = minutes.ts <= m_min
        opened = combine_rollups(_concat_rollups([opened, take_rollups(minutes, ~late)]))
        closing = opened.ts <= close_to
        done = _concat_rollups([take_rollups(minutes, late), take_rollups(opened, closing)])
        if close_to != m_min:
            cur.execute(f"UPDATE rollup_marks SET upto = {self.p} WHERE name = {self.p}", (close_to, MINUTES_MARK))
        self._merge(cur, _concat_rollups([done, hours_from_minutes(done)]))  # one COPY, one merge
        self._open_next = take_rollups(opened, ~closing)

    def _copy_samples(self, cur, ids: np.ndarray, chunk: Chunk) -> None:  # type: ignore[no-untyped-def]
        import psycopg

        if not len(chunk):
            return
        data = binary_copy_samples(ids[chunk.idx], chunk.ts, chunk.value, chunk.quality)
        try:
            with cur.copy("COPY samples (tag_id, ts, value, quality) FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
        except psycopg.errors.UniqueViolation:
            # Some samples are already there (the previous writer's last commit, a restored
            # backup): their rollups are in too, so this chunk's must not be merged as they
            # are. Rolled back; written again without them (SampleSink.write).
            raise _Duplicates from None

    def _merge(self, cur, r: Rollups) -> None:  # type: ignore[no-untyped-def]
        """Merge rollup increments (``idx`` = tag ids) into ``rollups``."""
        if not len(r):
            return
        if self.dialect != "postgresql":
            cur.executemany(self._upsert, self._rollup_rows(r))
            return
        if not _distinct_keys(r):
            r = combine_rollups(r)  # one row per key: ON CONFLICT may touch a row only once
        # COPY the increments (binary, built with numpy), then one INSERT ... ON CONFLICT merges all
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS rollups_in (LIKE rollups) ON COMMIT DELETE ROWS")
        cols = ", ".join(_q(c) for c in ROLLUP_COLS)
        with cur.copy(f"COPY rollups_in ({cols}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(binary_copy_rollups(r))
        cur.execute(self._upsert_select)

    # --- open minutes ----------------------------------------------------------------
    def _minute_mark(self, cur) -> int:  # type: ignore[no-untyped-def]
        """The newest minute bucket whose rows are written (``rollup_marks``), locked for this
        transaction on PostgreSQL. Missing (a database made without the migrations): every
        minute row there counts as written, as the migration says of an older database."""
        lock = " FOR UPDATE" if self.dialect == "postgresql" else ""
        cur.execute(f"SELECT upto FROM rollup_marks WHERE name = {self.p}{lock}", (MINUTES_MARK,))
        row = cur.fetchone()
        if row is not None:
            return int(row[0])
        cur.execute("SELECT COALESCE(MAX(ts), -1) FROM rollups WHERE width_s = 60")
        mark = int(cur.fetchone()[0])
        cur.execute(f"INSERT INTO rollup_marks (name, upto) VALUES ({self.p}, {self.p})", (MINUTES_MARK, mark))
        return mark

    def _rebuild_open(self, cur, m_min: int) -> Rollups:  # type: ignore[no-untyped-def]
        """The increments of the minutes after the mark, from the samples stored there (and
        each tag's sample before, whose value is held into them): what the writer that
        stored them had added up and not yet written (it stopped, died, or was deposed)."""
        start = max(0, m_min + MINUTE_US)
        tag, ts, value, quality = self._samples_from(cur, start)
        if not len(tag):
            return Rollups.empty()
        if not bool(np.all((tag[1:] > tag[:-1]) | ((tag[1:] == tag[:-1]) & (ts[1:] > ts[:-1])))):
            order = np.lexsort((ts, tag))  # (they come in that order from the per-tag index scans)
            tag, ts, value, quality = tag[order], ts[order], value[order], quality[order]
        starts = np.flatnonzero(np.r_[True, tag[1:] != tag[:-1]])
        tag_ids = tag[starts]
        idx = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(tag)]))
        prev_ts = np.full(len(tag_ids), -1, np.int64)
        prev_v = np.full(len(tag_ids), np.nan)
        pos = {int(t): i for i, t in enumerate(tag_ids.tolist())}
        for tag_id, t, v, q in self._before(cur, list(pos), start):
            if int(q) != BAD and v is not None:
                prev_ts[pos[int(tag_id)]], prev_v[pos[int(tag_id)]] = int(t), float(v)
        r = compute_rollups(idx.astype(np.int32), ts, value, quality, prev_ts, prev_v, self.max_hold_s)
        r = take_rollups(r, r.ts > m_min)  # a held value's part before the mark is in its rows already
        r.idx = tag_ids[r.idx].astype(np.int32)
        self.taken_up = len(tag)
        log.info("historian: %d samples after the newest written minute taken up again", len(tag))
        return r

    def _samples_from(self, cur, start: int) -> tuple[np.ndarray, ...]:  # type: ignore[no-untyped-def]
        """Every tag's samples with ``ts >= start``: (tag id, ts, value NaN = none, quality).
        PostgreSQL: one binary COPY read with numpy (millions of rows at plant scale)."""
        if self.dialect == "postgresql":
            # per thousand tags one row of four arrays, sent in their binary form and read with
            # numpy (a row per sample costs about 1.5 µs each in the driver: 4 s at 50,000 tags)
            cur.execute("SELECT t.id / 1000 AS g, array_send(array_agg(t.id)), array_send(array_agg(s.ts)), "
                        "array_send(array_agg(COALESCE(s.value, 'NaN'::float8))), array_send(array_agg(s.quality)) "
                        "FROM tags t CROSS JOIN LATERAL (SELECT ts, value, quality FROM samples WHERE tag_id = t.id "
                        "AND ts >= %s) s GROUP BY 1 ORDER BY 1", (start,), binary=True)
            rows = cur.fetchall()
            cols = [np.concatenate([_array_recv(r[k], t) for r in rows]) if rows else np.empty(0, t)
                    for k, t in ((1, ">i4"), (2, ">i8"), (3, ">f8"), (4, ">i2"))]
            return (cols[0].astype(np.int64), cols[1].astype(np.int64), cols[2].astype(np.float64),
                    cols[3].astype(np.int8))
        cur.execute("SELECT id FROM tags")
        found: list[tuple] = []  # type: ignore[type-arg]
        for (tag_id,) in cur.fetchall():
            cur.execute("SELECT tag_id, ts, value, quality FROM samples WHERE tag_id = ? AND ts >= ?", (tag_id, start))
            found += cur.fetchall()
        return (np.array([r[0] for r in found], np.int64), np.array([r[1] for r in found], np.int64),
                np.array([math.nan if r[2] is None else r[2] for r in found], np.float64),
                np.array([r[3] for r in found], np.int8))

    def _before(self, cur, tag_ids: list[int], start: int) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
        """Each tag's newest sample before ``start``: (tag_id, ts, value, quality)."""
        if self.dialect == "postgresql":
            cur.execute("SELECT t.id, s.ts, s.value, s.quality FROM unnest(%s::int[]) AS t(id) CROSS JOIN LATERAL "
                        "(SELECT ts, value, quality FROM samples WHERE tag_id = t.id AND ts < %s "
                        "ORDER BY ts DESC LIMIT 1) s", (tag_ids, start))
            return cur.fetchall()  # type: ignore[no-any-return]
        rows = []
        for tag_id in tag_ids:
            cur.execute("SELECT tag_id, ts, value, quality FROM samples WHERE tag_id = ? AND ts < ? "
                        "ORDER BY ts DESC LIMIT 1", (tag_id, start))
            rows += cur.fetchall()
        return rows

    def close_all(self) -> None:
        """Write every open minute (the writer stopping: saves the next writer from taking
        them up again from the samples). Fenced like a commit."""
        with self._transaction() as cur:
            self._check_fence(cur)
            m_min = self._minute_mark(cur)
            opened = self._open if self._open is not None else self._rebuild_open(cur, m_min)
            if len(opened):
                self._write_minutes(cur, m_min, opened, Rollups.empty(), max(m_min, int(opened.ts.max())))

    def forget_open(self) -> None:
        """Take the open minutes up again from the database at the next commit."""
        self._open = None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A DB-API cursor in one transaction. The open minutes this transaction leaves
        (``_open_next``) become this writer's when it commits; after a failure they are
        taken up again from the database (the rollback undid what they assumed)."""
        self._open_next = None
        try:
            with self.engine.begin() as conn:
                dbapi = conn.connection.dbapi_connection
                assert dbapi is not None
                cur = dbapi.cursor()
                try:
                    yield cur
                finally:
                    cur.close()
        except BaseException:
            self._open = None
            raise
        if self._open_next is not None:
            self._open = self._open_next


def _array_recv(blob: bytes, dtype: str) -> np.ndarray:
    """The elements of a one-dimensional PostgreSQL array without NULLs in its binary form
    (``array_send``): a 20-byte header, then a 4-byte length before each element."""
    if len(blob) <= 12:  # an empty array: no dimensions
        return np.empty(0, dtype)
    return np.frombuffer(blob, np.dtype([("len", ">i4"), ("v", dtype)]), offset=20)["v"]


def _concat_rollups(parts: list[Rollups]) -> Rollups:
    if len(parts) == 1:
        return parts[0]
    return Rollups(*[np.concatenate(cols) for cols in zip(*(r.arrays() for r in parts), strict=True)])


def _distinct_keys(r: Rollups) -> bool:
    """Whether every (tag, width, bucket) of ``r`` is there once. Rollups come sorted by
    (width, tag, bucket) from :func:`compute_rollups` or by (tag, width, bucket) from
    :func:`combine_rollups`: strictly increasing in either order is the cheap proof."""
    if len(r) < 2:
        return True
    for a, b in ((r.width_s, r.idx), (r.idx, r.width_s)):
        da, db, dt = np.diff(a.astype(np.int64)), np.diff(b.astype(np.int64)), np.diff(r.ts)
        if bool(((da > 0) | ((da == 0) & ((db > 0) | ((db == 0) & (dt > 0))))).all()):
            return True
    keys = np.stack([r.idx.astype(np.int64), r.width_s.astype(np.int64), r.ts])
    return len(np.unique(keys, axis=1)[0]) == len(r)


def binary_copy_rollups(r: Rollups) -> bytes:
    """Rollup increments (``idx`` = tag ids) in binary COPY format, columns in ``ROLLUP_COLS``
    order (NaN / -1 -> NULL)."""
    def nan(a: np.ndarray) -> Column:
        return Column(a, "float8", np.isnan(a))

    def neg(a: np.ndarray) -> Column:
        return Column(a, "int8", a < 0)

    return binary_copy([
        Column(r.idx, "int4"), Column(r.width_s, "int4"), Column(r.ts, "int8"), nan(r.vmin), nan(r.vmax),
        Column(r.total, "float8"), Column(r.count, "int4"), Column(r.bad_count, "int4"), neg(r.first_ts),
        nan(r.first), neg(r.last_ts), nan(r.last), Column(r.tw_sum, "float8"), Column(r.tw_dur_s, "float8"),
    ])


class HistorianWriter:
    """Writer thread with compression, rollups and store-and-forward.

    ``enqueue`` is cheap and thread-safe (a deque append). ``status`` tells the GUI whether
    history is being written or buffered, and how many samples wait in the spool.
    """

    def __init__(
        self,
        engine: Engine,
        spool_dir: Path,
        definitions: Mapping[str, TagDef] | None = None,
        commit_interval_s: float = 0.5,
        retry_interval_s: float = 2.0,
        heartbeat_s: float = 600.0,
        max_replay_samples: int = 200_000,
        max_commit_samples: int = 1_000_000,
        election: Election | None = None,
        standby_keep_s: float = 120.0,
    ) -> None:
        self.engine = engine
        self.spool = Spool(spool_dir)
        self.sink = SampleSink(engine, self.spool.writer_id)
        self.compressor = Compressor(definitions, heartbeat_s=heartbeat_s)
        self.sink.max_hold_s = self.compressor.max_hold_s
        self.commit_interval_s = commit_interval_s
        self.retry_interval_s = retry_interval_s
        self.max_replay_samples = max_replay_samples
        #: A backlog (queued faster than written) goes in commits of about this many samples:
        #: batches waiting are merged (fewer rollup-row updates) but a transaction stays bounded.
        self.max_commit_samples = max_commit_samples
        self._capped = False  # the last cycle left batches waiting (it took its bounded share)
        self._builder: concurrent.futures.ThreadPoolExecutor | None = None
        self._next: concurrent.futures.Future[tuple[list[Chunk], bool]] | None = None
        # Both fire on the writer's thread: GUI listeners hop to the GUI thread themselves.
        self.status_changed: Signal[[HistorianStatus]] = Signal(fires_on="worker")
        self.durable: Signal[[int]] = Signal(fires_on="worker")  # seq of a chunk now in the DB or the spool
        # items: a store batch (dict) or a callable making a chunk (bulk arrays, retries)
        self._queue: collections.deque[dict[str, TagValue] | Callable[[], Chunk]] = collections.deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_seq = self.spool.last_seq
        self._db_down = not self.spool.empty
        self._next_try = 0.0
        self._last_error = ""
        self._written = 0
        self._rejected = 0
        #: time.time() of the last commit to the database (0: none yet), for ``crucible status``.
        self.last_commit = 0.0
        # Many consoles on one PostgreSQL database: only the elected one writes. The others
        # keep their newest chunks (``standby_keep_s``) to back-fill the gap when they take over.
        self.election = election
        self.standby_keep_s = standby_keep_s
        self._standby: collections.deque[tuple[float, Chunk]] = collections.deque()
        self._term = 0
        if election is not None:
            self.sink.fence = election.fence_sql
        self._status = self._make_status()

    # --- any thread -----------------------------------------------------------------
    def enqueue(self, batch: Mapping[str, TagValue]) -> None:
        """Take a store batch (connect to ``TagStore.batch_applied``). Never blocks."""
        self._queue.append(dict(batch))
        self._wake.set()

    def enqueue_arrays(self, names: list[str], idx: np.ndarray, ts_us: np.ndarray, value: np.ndarray,
                       quality: np.ndarray) -> None:
        """Bulk samples (imports, benchmarks): ``idx`` indexes ``names``; ts in µs UTC."""
        self._queue.append(lambda: self.compressor.chunk_from_arrays(names, idx, ts_us, value, quality))
        self._wake.set()

    def enqueue_chunk(self, make_chunk: Callable[[], Chunk]) -> None:
        """A chunk made elsewhere: samples older than the live ones (a back-fill from the
        server's history), which the compressor would take for out-of-order readings."""
        self._queue.append(make_chunk)
        self._wake.set()

    @property
    def status(self) -> HistorianStatus:
        return self._status

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="historian-writer", daemon=True)
            self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Flush held points and the queue (to the DB or the spool), then end the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        else:
            self._drain()
        if self._builder is not None:
            self._builder.shutdown(wait=True)
            self._builder = None
        self._set_status()

    def flush(self, timeout_s: float = 30.0) -> bool:
        """Wait until everything queued is in the database or the spool."""
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            self._idle.clear()
            self._wake.set()
            if self._idle.wait(max(0.0, end - time.monotonic())) and not self._queue:
                return True
        return False

    # --- writer thread --------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.commit_interval_s)
            self._wake.clear()
            self._cycle()
            if self._capped:
                self._wake.set()  # more than one commit's worth was waiting: go on at once
            else:
                self._idle.set()  # (flush: only once a cycle took all that was waiting)
        self._drain()
        self._idle.set()

    def _drain(self) -> None:
        """Stopping: everything queued, then the compressor's held points."""
        while self._queue or self._next is not None:
            before, built = len(self._queue), self._next is not None
            self._cycle()
            if not built and len(self._queue) >= before:
                break  # nothing taken (the spool's disk is full too): the final cycle tries once more
        self._cycle(final=True)

    def _next_seq(self) -> int:
        self._last_seq = max(self._last_seq + 1, time.time_ns() // 1000)
        return self._last_seq

    def _take(self) -> tuple[list[Chunk], bool]:
        """Pop what is queued, up to one commit's worth, and build its chunks (compression,
        rollup increments); and whether more was left waiting."""
        chunks: list[Chunk] = []
        pending: list[dict[str, TagValue]] = []
        size = 0  # samples taken: a backlog is written in commits of bounded size
        while (self._queue and size < self.max_commit_samples) or pending:
            item = self._queue.popleft() if self._queue and size < self.max_commit_samples else None
            if isinstance(item, dict):
                pending.append(self._storable(item))
                size += len(item)
                continue
            try:
                if pending:  # consecutive store batches: one chunk, one rollup computation
                    chunks.append(self.compressor.chunk_from_batches(pending))
                    pending = []
                if item is not None:
                    chunks.append(item())
                    size += len(chunks[-1])
            except Exception:  # noqa: BLE001 - a bad value must not stop history
                log.exception("historian: could not archive a batch")
                pending = []
        return chunks, bool(self._queue) and size >= self.max_commit_samples

    def _cycle(self, final: bool = False) -> None:
        if self._next is not None:  # built while the last commit was written
            chunks, self._capped = self._next.result()
            self._next = None
        else:
            chunks, self._capped = self._take()
        while final and self._queue:  # stopping: everything left, whatever the size
            chunks += self._take()[0]
        if self._capped and not final:
            # A backlog: build the next commit's chunks on a second thread while this one is
            # written (the writer thread mostly waits for the database meanwhile). Only that
            # thread touches the compressor until this cycle's successor takes the result.
            if self._builder is None:
                self._builder = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="historian-build")
            self._next = self._builder.submit(self._take)
        if final:
            chunks.append(self.compressor.flush())
        chunks = [c for c in chunks if len(c) or len(c.rollups)]
        chunk = merge_chunks(chunks) if chunks else None
        if chunk is not None:
            chunk.seq = self._next_seq()
        if self.election is not None and self._elected_cycle(chunk, final):
            self._set_status()
            return
        if self._db_down or not self.spool.empty:
            if chunk is not None:
                self._to_spool(chunk)
            if time.monotonic() >= self._next_try or final:
                self._replay()
        elif chunk is not None:
            try:
                self._written += self.sink.write(chunk)
                self.last_commit = time.time()
                self._last_error = ""
                self.durable.emit(chunk.seq)
            except NotWriter:
                self._keep(chunk)
            except (SQLAlchemyError, DBAPIError, OSError) as exc:
                self._went_down(exc)
                self._to_spool(chunk)
            except Exception as exc:  # noqa: BLE001 - never drop data on a bug either
                log.exception("historian: unexpected error writing history")
                self._went_down(exc)
                self._to_spool(chunk)
        if final and not self._db_down and self.spool.empty:
            self._close_all()
        self._set_status()

    def _close_all(self) -> None:
        """Stopping: write the open minutes (and add them to their hours) now. Nothing is
        lost without it (readers take the newer minutes from the samples, the next writer
        takes them up from there), it only saves the next writer the work."""
        try:
            self.sink.close_all()
        except NotWriter:
            pass
        except Exception as exc:  # noqa: BLE001 - nothing is lost: the next writer does it
            log.info("historian: open minutes not written at stop (%s)", " ".join(str(exc).split())[:200])

    # --- election (many consoles, one writer) ------------------------------------------
    def _keep(self, chunk: Chunk) -> None:
        """Standby: hold the chunk in memory for a hand-over; forget what is older than
        ``standby_keep_s`` (the writer has had it for long)."""
        now = time.monotonic()
        self._standby.append((now, chunk))
        while self._standby and self._standby[0][0] < now - self.standby_keep_s:
            self._standby.popleft()
        self.durable.emit(chunk.seq)

    def _elected_cycle(self, chunk: Chunk | None, final: bool) -> bool:
        """Standby and hand-over handling; True when the cycle is done."""
        election = self.election
        assert election is not None
        if not election.is_writer:
            if chunk is not None:
                if final:
                    self._to_spool(chunk)  # shutting down: keep it for a later term
                else:
                    self._keep(chunk)
            return True
        if election.term == self._term:
            return False
        # Just elected: back-fill from the spool and the standby chunks, newest-only.
        self.sink.forget_open()  # another writer wrote meanwhile: take its open minutes up
        if chunk is not None:
            self._keep(chunk)
        try:
            group = [c for c in self.spool.read()] + [c for _, c in self._standby]
            if group:
                self._written += self.sink.write_new(merge_chunks(group), self.compressor.max_hold_s)
        except NotWriter:
            return True
        except Exception as exc:  # noqa: BLE001 - database trouble: keep everything, retry
            if not isinstance(exc, SQLAlchemyError | DBAPIError | OSError):
                log.exception("historian: unexpected error in the hand-over back-fill")
            self._went_down(exc)
            for _, c in self._standby:
                self._to_spool(c)
            self._standby.clear()
            return True
        log.warning("historian: writing history (term %d); back-filled %d spooled and %d standby chunks",
                    election.term, self.spool.records, len(self._standby))
        self.spool.clear()
        self._standby.clear()
        self.last_commit = time.time()
        self._db_down = False
        self._last_error = ""
        self._term = election.term
        return True

    def _storable(self, batch: dict[str, TagValue]) -> dict[str, TagValue]:
        """``batch`` without the values that cannot be stored, each one logged and counted,
        so one bad value does not cost the good samples of its write cycle."""
        bad: list[str] = []
        for name, tv in batch.items():
            try:
                to_us(tv.source_ts)
                int(tv.quality)
                value = tv.value
                if not (value is None or isinstance(value, bool | float | str)):
                    float(value)  # type: ignore[arg-type]  # ints beyond a float, odd types
            except (TypeError, ValueError, OverflowError, AttributeError, OSError) as exc:
                bad.append(name)
                log.error("historian: value of %s not stored (%r: %s)", name, getattr(tv, "value", tv), exc)
        if not bad:
            return batch
        self._rejected += len(bad)
        return {n: tv for n, tv in batch.items() if n not in bad}

    def _to_spool(self, chunk: Chunk) -> None:
        try:
            self.spool.append(chunk)
            self.durable.emit(chunk.seq)
        except OSError as exc:
            # The spool's disk is full too: keep it in memory and try again next cycle.
            log.error("historian: cannot write the spool %s: %s", self.spool.path, exc)
            self._last_error = f"spool: {exc}"
            self._queue.appendleft(lambda c=chunk: c)  # type: ignore[misc]

    def _went_down(self, exc: BaseException) -> None:
        cause = getattr(exc, "orig", None) or exc
        msg = " ".join(str(cause).split())[:300]
        if not self._db_down:
            log.warning("historian: %s unavailable, buffering to %s: %s", describe(self.engine.url),
                        self.spool.path, msg)
        self._db_down = True
        self._last_error = msg
        self._next_try = time.monotonic() + self.retry_interval_s
        self.sink.checkpoint = None  # re-read after reconnecting

    def _replay(self) -> None:
        """Write the spool to the database in order; clear it when all is in."""
        try:
            group: list[Chunk] = []
            size = 0
            done = self.sink.committed_seq()
            for chunk in self.spool.read():
                if chunk.seq <= done:
                    continue  # committed before a crash, the spool not yet cleared
                group.append(chunk)
                size += len(chunk)
                if size >= self.max_replay_samples:
                    self._written += self.sink.write(merge_chunks(group))
                    group, size = [], 0
            if group:
                self._written += self.sink.write(merge_chunks(group))
        except (SQLAlchemyError, DBAPIError, OSError) as exc:
            self._went_down(exc)
            return
        except Exception as exc:  # noqa: BLE001
            log.exception("historian: unexpected error replaying the spool")
            self._went_down(exc)
            return
        if not self.spool.empty:
            log.info("historian: %s back; replayed %d spooled samples", describe(self.engine.url),
                     self.spool.samples)
        self.spool.clear()
        self.last_commit = time.time()
        self._db_down = False
        self._last_error = ""

    def _make_status(self) -> HistorianStatus:
        rejected, damage = self._rejected, tuple(self.spool.damage)
        el = self.election
        who = el.writer if el is not None else ""
        role = "writer" if el is None or el.is_writer else "standby"
        if self._db_down or not self.spool.empty:
            return HistorianStatus("buffering", self.spool.samples, self._last_error, self._written, rejected, damage,
                                   who, role)
        if self._thread is None and self._stop.is_set():
            return HistorianStatus("stopped", 0, "", self._written, rejected, damage, who, role)
        return HistorianStatus("ok", 0, self._last_error, self._written, rejected, damage, who, role)

    def _set_status(self) -> None:
        status = self._make_status()
        if status != self._status:
            self._status = status
            self.status_changed.emit(status)


def finite_or_none(x: float) -> float | None:
    return x if math.isfinite(x) else None
