"""Plant scale on PostgreSQL (issue 21): one writer, partitioned history, shared acknowledgements.

* Ingest: 50,000 tags, 1 s samples in 10 s batches, offered as a stream to one
  :class:`HistorianWriter` (a commit per batch: compression pass, rollups, checkpoint, daily
  partitions made ahead) into partitioned ``samples``, vs bare psycopg binary ``COPY`` of the
  same rows, a commit per batch, into an identically partitioned table. Each side writes one
  warm-up batch first (bare: after making its table; ours: the tag ids, marks, partition) and
  starts from a CHECKPOINT; ``--rounds`` alternating rounds, medians.
* Real time: the same 50,000 tags offered at 1 Hz for ``--minutes``; the writer's backlog
  (batches waiting) is sampled every second: it must stay at zero or one.
* Take-over: a writer dies with open minutes (rows are written once a minute is whole; ~50 s
  here); the successor's first commit takes them up again from the samples.
* Trend: a 30-day, 8-pen trend 2,000 pixels wide, as the trend panel asks for it (hour rollups:
  720 min/max buckets per pen); for comparison exactly 2,000 buckets per pen (minute rollups).
* Notify: an acknowledgement on one of 5 consoles (alarm engines with their journals, LISTEN/
  NOTIFY) until seen on the 4 others: median and max.

A throwaway PostgreSQL server is started here (tests/pg.py). Default run about 3 minutes
(``--minutes 1``).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from common import parser, report

from app.historian.database import make_engine
from app.historian.partitions import DAY_US, create_sql
from app.historian.reader import HistoryReader
from app.historian.writer import HistorianWriter, binary_copy_samples

US = 1_000_000


def batch(tags: int, seconds: int, t0_us: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    idx = np.repeat(np.arange(tags, dtype=np.int32), seconds)
    ts = t0_us + np.tile(np.arange(seconds, dtype=np.int64), tags) * US
    return idx, ts, rng.normal(100, 10, len(idx)), np.full(len(idx), 2, np.int8)


def _checkpoint(url: str) -> None:
    """Start each timed run with no dirty pages left over from the one before."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database, autocommit=True) as conn:
        conn.execute("CHECKPOINT")


def ingest_ours(url: str, folder: Path, names: list[str], warm: tuple[np.ndarray, ...],
                data: list[tuple[np.ndarray, ...]]) -> float:
    """The writer offered the batches as a stream (each its own commit, as bare COPY's):
    seconds until the last is committed. The warm-up batch (the 50,000 tag ids, the first
    partition, the marks) is written before the clock starts, as bare COPY's table is made."""
    from app.db.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    writer = HistorianWriter(engine, folder, commit_interval_s=0.01, max_commit_samples=len(data[0][0]))
    writer.start()
    writer.enqueue_arrays(names, *warm)
    writer.flush(600)
    _checkpoint(url)
    start = time.perf_counter()
    for idx, ts, value, quality in data:
        writer.enqueue_arrays(names, idx, ts, value, quality)
    assert writer.flush(600)
    elapsed = time.perf_counter() - start
    writer.stop()
    assert writer.status.state != "buffering", writer.status
    assert writer.status.written_samples == len(warm[0]) + sum(len(b[0]) for b in data), writer.status
    engine.dispose()
    return elapsed


def ingest_bare(url: str, warm: tuple[np.ndarray, ...], data: list[tuple[np.ndarray, ...]]) -> float:
    import psycopg
    from sqlalchemy.engine import make_url

    def copy(conn: psycopg.Connection, idx: np.ndarray, ts: np.ndarray, value: np.ndarray,  # type: ignore[type-arg]
             quality: np.ndarray) -> None:
        payload = binary_copy_samples(idx.astype(np.int64) + 1, ts, value, quality)
        with conn.cursor() as cur, cur.copy("COPY samples (tag_id, ts, value, quality) FROM STDIN (FORMAT BINARY)") as cp:
            cp.write(payload)
        conn.commit()

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as conn:
        conn.execute("CREATE TABLE samples (tag_id INTEGER NOT NULL, ts BIGINT NOT NULL, value FLOAT, "
                     "quality SMALLINT NOT NULL, PRIMARY KEY (tag_id, ts)) PARTITION BY RANGE (ts)")
        lo = min(int(b[1].min()) for b in [warm, *data]) // DAY_US
        hi = max(int(b[1].max()) for b in [warm, *data]) // DAY_US
        for day in range(lo, hi + 3):
            conn.execute(create_sql(day))  # type: ignore[arg-type]
        conn.commit()
        copy(conn, *warm)
        _checkpoint(url)
        start = time.perf_counter()
        for b in data:
            copy(conn, *b)
        return time.perf_counter() - start


def real_time(url: str, folder: Path, names: list[str], seconds: int, rng: np.random.Generator) -> dict[str, float]:
    from app.db.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    writer = HistorianWriter(engine, folder, commit_interval_s=0.5)
    writer.start()
    t0 = time.time_ns() // 1000 // US * US
    backlog: list[int] = []
    start = time.monotonic()
    for s in range(seconds):
        idx, ts, value, quality = batch(len(names), 1, t0 + s * US, rng)
        writer.enqueue_arrays(names, idx, ts, value, quality)
        time.sleep(max(0.0, start + s + 1 - time.monotonic()))
        backlog.append(len(writer._queue))
    drain_start = time.monotonic()
    ok = writer.flush(120)
    drain = time.monotonic() - drain_start
    writer.stop()
    engine.dispose()
    return {"rt_seconds": seconds, "rt_max_backlog_batches": max(backlog), "rt_final_drain_s": drain,
            "rt_seconds_backlog_over_1": sum(b > 1 for b in backlog),
            "rt_backlog_last_minute_max": max(backlog[-60:]),
            "rt_flushed": float(ok), "rt_written": writer.status.written_samples}


def takeover(url: str, names: list[str], rng: np.random.Generator, open_s: int = 90) -> dict[str, float]:
    """A writer dies after ``open_s`` seconds of writing (the minutes not yet whole were added up
    in its memory only); its successor's first commit takes them up again from the stored
    samples: how much longer that commit takes than the next."""
    from app.db.migrate import upgrade
    from app.historian.compression import Compressor
    from app.historian.writer import SampleSink

    engine = make_engine(url)
    upgrade(engine)
    comp = Compressor()
    minute = time.time_ns() // 1000 // (60 * US) * 60 * US
    start = minute - (open_s + 60) * US  # a whole minute written, then open_s seconds open
    first = SampleSink(engine, "first")
    seq = 0

    def chunk(t0: int) -> object:
        nonlocal seq
        seq += 1
        c = comp.chunk_from_arrays(names, *batch(len(names), 10, t0, rng))
        c.seq = seq
        return c

    for t in range(start, minute - 10 * US, 10 * US):
        first.write(chunk(t))  # type: ignore[arg-type]
    open_minutes = len(first._open or ())
    second = SampleSink(engine, "second")
    t0 = time.perf_counter()
    second.write(chunk(minute - 10 * US))  # type: ignore[arg-type]
    taking_up = time.perf_counter() - t0
    t0 = time.perf_counter()
    second.write(chunk(minute))  # type: ignore[arg-type]
    normal = time.perf_counter() - t0
    engine.dispose()
    return {"takeover_open_s": open_s, "takeover_open_minute_rows": open_minutes,
            "takeover_samples_taken_up": second.taken_up,
            "takeover_first_commit_s": taking_up, "takeover_next_commit_s": normal}


def trend(url: str, folder: Path, days: int = 30, step_s: int = 10) -> dict[str, float]:
    from app.db.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    pens = [f"TR.P{i}" for i in range(8)]
    writer = HistorianWriter(engine, folder, commit_interval_s=0.01)
    writer.start()
    now = time.time_ns() // 1000 // US * US
    t0 = now - days * 86_400 * US
    rng = np.random.default_rng(3)
    fill = time.perf_counter()
    block = 86_400 // step_s
    for d in range(days):
        idx = np.repeat(np.arange(8, dtype=np.int32), block)
        ts = t0 + (np.tile(np.arange(block, dtype=np.int64), 8) * step_s + d * 86_400) * US
        writer.enqueue_arrays(pens, idx, ts, rng.normal(50, 5, len(idx)), np.full(len(idx), 2, np.int8))
        writer.flush(300)
    writer.stop()
    fill_s = time.perf_counter() - fill
    reader = HistoryReader(engine)
    end = t0 + days * 86_400 * US
    times, exact = [], []
    for _ in range(5):
        start = time.perf_counter()
        for pen in pens:  # what the trend panel asks for, 2,000 pixels wide
            agg = reader.aggregate(pen, t0, end, 2000, display=True)
            assert len(agg) >= 2000 // 4 and agg.source.startswith("rollup"), agg.source
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        for pen in pens:  # for comparison: exactly 2,000 buckets (from the minute rollups)
            agg = reader.aggregate(pen, t0, end, 2000)
        exact.append(time.perf_counter() - start)
    engine.dispose()
    return {"trend_days": days, "trend_samples": 8 * block * days, "trend_query_s": statistics.median(times),
            "trend_buckets": len(reader.aggregate(pens[0], t0, end, 2000, display=True)),
            "trend_exact_2000_query_s": statistics.median(exact), "trend_fill_s": fill_s}


async def notify_latency(url: str, rounds: int = 20) -> dict[str, float]:
    from app.alarms.engine import AlarmState
    from app.alarms.journal import JournalWriter
    from app.db.migrate import upgrade
    from tests.alarms.helpers import Clock, adef, engine, tv

    upgrade(make_engine(url))
    clock = Clock()
    defs = [adef(f"PV{i}", limit=10.0) for i in range(rounds)]
    consoles = [engine(defs, clock, journal=JournalWriter(url, f"console-{k}"), record_process_events=k == 0)
                for k in range(5)]
    tasks = []
    lat: list[float] = []
    try:
        for c in consoles:
            c.start()
            tasks.append(asyncio.create_task(c.run()))
        for c in consoles:
            assert c.journal is not None and c.journal.listener is not None
            await asyncio.to_thread(c.journal.listener.listening.wait, 10)
        values = {f"PV{i}": tv(20.0, clock.now) for i in range(rounds)}
        for c in consoles:
            c.evaluate(values)
        for i in range(rounds):
            who = consoles[i % 5]
            others = [c for c in consoles if c is not who]
            start = time.monotonic()
            who.ack([f"PV{i}.H"], "op")
            pending = set(range(4))
            while pending and time.monotonic() - start < 5:
                for k in list(pending):
                    if others[k].records[f"PV{i}.H"].state is AlarmState.ACKED:
                        lat.append(time.monotonic() - start)
                        pending.discard(k)
                await asyncio.sleep(0.002)
            await asyncio.sleep(0.2)
    finally:
        for c in consoles:
            c.close()
        for t in tasks:
            await t
    return {"notify_deliveries": len(lat), "notify_median_s": statistics.median(lat), "notify_max_s": max(lat)}


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--minutes", type=float, default=1.0, help="real-time run length and ingest volume (default 1)")
    p.add_argument("--tags", type=int, default=50_000)
    p.add_argument("--trend-days", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3, help="ingest rounds of each side (medians; default 3)")
    args = p.parse_args()
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.pg import PgServer, find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL binaries not found (apt-get install postgresql)")
    tmp = Path(tempfile.mkdtemp(prefix="plantdb-bench-"))
    names = [f"PL.T{i:05d}" for i in range(args.tags)]
    seconds = max(10, int(args.minutes * 60))
    rng = np.random.default_rng(1)
    now = time.time_ns() // 1000 // US * US
    warm = batch(args.tags, 10, now - (seconds + 10) * US, rng)
    data = [batch(args.tags, 10, now - (seconds - s) * US, rng) for s in range(0, seconds, 10)]
    n = sum(len(b[0]) for b in data)
    server = PgServer(bin_dir)
    figures: dict[str, object] = {}
    try:
        server.init()
        server.start()
        bare: list[float] = []
        ours: list[float] = []
        for r in range(args.rounds):  # alternating which goes first: the machine drifts
            for side in ("bare", "ours") if r % 2 == 0 else ("ours", "bare"):
                url = server.url(server.create_database())
                if side == "bare":
                    bare.append(ingest_bare(url, warm, data))
                else:
                    ours.append(ingest_ours(url, tmp / f"ours{r}", names, warm, data))
        t_bare, t_ours = statistics.median(bare), statistics.median(ours)
        figures.update(ingest_samples=n, ours_samples_per_s=n / t_ours, bare_copy_samples_per_s=n / t_bare,
                       ratio=t_bare / t_ours, ingest_rounds=args.rounds,
                       ratio_per_round=[round(b / o, 3) for b, o in zip(bare, ours, strict=True)],
                       ours_s=[round(t, 3) for t in ours], bare_s=[round(t, 3) for t in bare])
        figures.update(real_time(server.url(server.create_database()), tmp / "rt", names, seconds, rng))
        figures.update(takeover(server.url(server.create_database()), names, rng))
        figures.update(trend(server.url(server.create_database()), tmp / "trend", args.trend_days))
        figures.update(asyncio.run(notify_latency(server.url(server.create_database()))))
    finally:
        server.destroy()
    f = figures
    rows = [
        ("ingest samples", f"{n:,}", f"{args.tags:,} tags x {seconds} s, 10 s batches, a commit each"),
        ("writer samples/s", f"{f['ours_samples_per_s']:,.0f}", f"median of {args.rounds}; rollups + checkpoint"),
        ("bare binary COPY /s", f"{f['bare_copy_samples_per_s']:,.0f}", "same rows, same partitions"),
        ("ratio", f"{f['ratio']:.2f}", "goal >= 0.7; per round: "
         + " ".join(f"{x:.2f}" for x in f["ratio_per_round"])),  # type: ignore[attr-defined]
        ("real-time max backlog", f"{f['rt_max_backlog_batches']}", f"batches waiting, {args.tags:,} tags at 1 Hz"),
        ("real-time s with backlog > 1", f"{f['rt_seconds_backlog_over_1']}", f"of {seconds} s sampled"),
        ("real-time last-minute max", f"{f['rt_backlog_last_minute_max']}", "batches waiting: does it grow?"),
        ("real-time final drain s", f"{f['rt_final_drain_s']:.2f}", "time to empty the queue at the end"),
        ("take-over: first commit s", f"{f['takeover_first_commit_s']:.2f}",
         f"successor takes up {f['takeover_samples_taken_up']:,} samples of open minutes (next commit "
         f"{f['takeover_next_commit_s']:.2f} s)"),
        ("trend query s", f"{f['trend_query_s']:.3f}",
         f"{args.trend_days} d x 8 pens, 2,000 px ({f['trend_buckets']} hour buckets/pen); goal <= 0.5"),
        ("trend, exact 2,000 buckets s", f"{f['trend_exact_2000_query_s']:.3f}", "minute rollups, for comparison"),
        ("notify median ms", f"{f['notify_median_s'] * 1000:.0f}", "ack seen on 4 other consoles"),
        ("notify max ms", f"{f['notify_max_s'] * 1000:.0f}", "goal <= 500"),
    ]
    report("Plant scale (PostgreSQL, one writer)", rows, figures, args.json)


if __name__ == "__main__":
    main()
