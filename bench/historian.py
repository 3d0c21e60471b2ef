"""Historian: ingest on SQLite and PostgreSQL against the bare drivers, and a 7-day trend query.

* SQLite ingest: our writer (thread, compression pass, rollup increments, checkpoint, one
  commit per 50,000-sample batch) vs bare ``sqlite3.executemany`` + commit of the same rows
  into an identical table.
* PostgreSQL ingest (a throwaway server started here): our writer vs bare psycopg ``COPY``.
* Trend query: 8 pens x 7 days at 1 s (4.8 M samples) -> 2,000 min/max buckets per pen
  (from minute rollups) vs fetching the raw rows.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from common import parser, report

from app.historian.database import make_engine, upgrade
from app.historian.reader import HistoryReader
from app.historian.writer import HistorianWriter

US = 1_000_000
T0 = 1_790_000_000 * US
BARE_DDL = ("CREATE TABLE samples_bare (tag_id INTEGER NOT NULL, ts BIGINT NOT NULL, value FLOAT, "
            "quality SMALLINT NOT NULL, PRIMARY KEY (tag_id, ts)){}")


def make_batches(tags: int, seconds_per_batch: int, batches: int, t0: int) -> list[tuple[np.ndarray, ...]]:
    rng = np.random.default_rng(1)
    out = []
    for b in range(batches):
        idx = np.repeat(np.arange(tags, dtype=np.int32), seconds_per_batch)
        ts = t0 + (np.tile(np.arange(seconds_per_batch, dtype=np.int64), tags) + b * seconds_per_batch) * US
        value = rng.normal(100, 10, len(idx))
        quality = np.full(len(idx), 2, np.int8)
        out.append((idx, ts, value, quality))
    return out


def rows_of(batch: tuple[np.ndarray, ...]) -> list[tuple]:  # type: ignore[type-arg]
    idx, ts, value, quality = batch
    return list(zip((idx + 1).tolist(), ts.tolist(), value.tolist(), quality.tolist(), strict=True))


def ours(url: str, folder: Path, names: list[str], data: list[tuple[np.ndarray, ...]]) -> float:
    engine = make_engine(url)
    upgrade(engine)
    writer = HistorianWriter(engine, folder / "spool", commit_interval_s=0.01)
    writer.start()
    start = time.perf_counter()
    for idx, ts, value, quality in data:
        writer.enqueue_arrays(names, idx, ts, value, quality)
        writer.flush(300)  # one commit per batch, as the bare run
    elapsed = time.perf_counter() - start
    writer.stop()
    assert writer.status.state != "buffering", writer.status
    engine.dispose()
    return elapsed


def bare_sqlite(path: Path, rows: list[list[tuple]]) -> float:  # type: ignore[type-arg]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(BARE_DDL.format(" WITHOUT ROWID"))
    start = time.perf_counter()
    for batch in rows:
        conn.executemany("INSERT INTO samples_bare VALUES (?, ?, ?, ?)", batch)
        conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def bare_copy(url: str, rows: list[list[tuple]]) -> float:  # type: ignore[type-arg]
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname=u.database) as conn:
        conn.execute(BARE_DDL.format(""))  # type: ignore[arg-type]
        conn.commit()
        start = time.perf_counter()
        for batch in rows:
            with conn.cursor() as cur, cur.copy("COPY samples_bare (tag_id, ts, value, quality) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row(row)
            conn.commit()
        return time.perf_counter() - start


def ingest(label: str, run_ours, run_bare, n: int, repeats: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    t_ours, t_bare = [], []
    for r in range(repeats):
        t_bare.append(run_bare(r))
        t_ours.append(run_ours(r))
    return n / statistics.median(t_ours), n / statistics.median(t_bare)


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL part")
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-historian-"))
    names = [f"B.T{i}" for i in range(500)]
    data = make_batches(500, 100, 4, T0)  # 4 batches x 50,000 samples
    rows = [rows_of(b) for b in data]
    n = sum(len(b[0]) for b in data)

    sq_ours, sq_bare = ingest(
        "sqlite",
        lambda r: ours(f"sqlite:///{tmp}/ours{r}.sqlite", tmp / f"o{r}", names, data),
        lambda r: bare_sqlite(tmp / f"bare{r}.sqlite", rows), n)
    figures: dict[str, object] = {
        "sqlite_ingest_samples_per_s": sq_ours, "sqlite_bare_executemany_per_s": sq_bare,
        "sqlite_ratio": sq_ours / sq_bare,
    }
    table = [
        ("SQLite ingest samples/s", f"{sq_ours:,.0f}", "goal >= 100,000"),
        ("sqlite3 executemany /s", f"{sq_bare:,.0f}", "bare baseline, same rows"),
        ("SQLite ratio", f"{sq_ours / sq_bare:.2f}", "goal >= 0.7"),
    ]

    if not args.no_postgres:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.pg import PgServer, find_pg_bin

        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise SystemExit("PostgreSQL binaries not found (apt-get install postgresql); or use --no-postgres")
        server = PgServer(bin_dir)
        try:
            server.init()
            server.start()
            pg_ours, pg_bare = ingest(
                "postgresql",
                lambda r: ours(server.url(server.create_database()), tmp / f"p{r}", names, data),
                lambda r: bare_copy(server.url(server.create_database()), rows), n)
        finally:
            server.destroy()
        figures.update(pg_ingest_samples_per_s=pg_ours, pg_bare_copy_per_s=pg_bare, pg_ratio=pg_ours / pg_bare)
        table += [
            ("PostgreSQL ingest samples/s", f"{pg_ours:,.0f}", "writer incl. rollups"),
            ("psycopg COPY /s", f"{pg_bare:,.0f}", "bare baseline, same rows"),
            ("PostgreSQL ratio", f"{pg_ours / pg_bare:.2f}", "goal >= 0.7"),
        ]

    # --- trend query: 8 pens x 7 days at 1 s ---------------------------------------------
    pens = [f"TR.P{i}" for i in range(8)]
    url = f"sqlite:///{tmp}/trend.sqlite"
    week = 7 * 86400
    engine = make_engine(url)
    upgrade(engine)
    writer = HistorianWriter(engine, tmp / "tspool", commit_interval_s=0.01)
    writer.start()
    fill_start = time.perf_counter()
    step = 6 * 3600
    rng = np.random.default_rng(2)
    for s0 in range(0, week, step):
        idx = np.repeat(np.arange(8, dtype=np.int32), step)
        ts = T0 + (np.tile(np.arange(step, dtype=np.int64), 8) + s0) * US
        writer.enqueue_arrays(pens, idx, ts, rng.normal(50, 5, len(idx)), np.full(len(idx), 2, np.int8))
        writer.flush(300)
    writer.stop()
    fill_s = time.perf_counter() - fill_start
    reader = HistoryReader(engine)
    t0, t1 = T0, T0 + week * US

    def trend() -> None:
        for pen in pens:
            agg = reader.aggregate(pen, t0, t1, 2000)
            assert agg.source == "rollup60" and len(agg) == 2000

    times = []
    for _ in range(5):
        start = time.perf_counter()
        trend()
        times.append(time.perf_counter() - start)
    t_trend = statistics.median(times)
    start = time.perf_counter()
    raw_rows = sum(len(reader.raw(pen, t0, t1)) for pen in pens)
    t_raw = time.perf_counter() - start
    figures.update(trend_samples=raw_rows, trend_query_s=t_trend, trend_raw_fetch_s=t_raw,
                   trend_speedup=t_raw / t_trend, trend_fill_samples_per_s=raw_rows / fill_s)
    table += [
        ("trend samples", f"{raw_rows:,}", "8 pens x 7 d at 1 s"),
        ("trend query s (median 5)", f"{t_trend:.3f}", "2,000 min/max buckets x 8 pens; goal <= 0.3"),
        ("raw fetch s", f"{t_raw:.2f}", "same pens and range, raw rows"),
        ("speed-up", f"{t_raw / t_trend:.0f}x", "goal >= 20x"),
        ("fill samples/s", f"{raw_rows / fill_s:,.0f}", "context: 6 h batches through the writer"),
    ]
    report("Historian (SQLite / PostgreSQL)", table, figures, args.json)


if __name__ == "__main__":
    main()
