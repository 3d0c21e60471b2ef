"""A writer process for the crash test: writes batch after batch and prints each batch
number once it is safe (in the database or the fsync'd spool). The test SIGKILLs it."""

from __future__ import annotations

import sys
from pathlib import Path

from app.historian.database import make_engine
from app.historian.writer import HistorianWriter
from tests.historian.conftest import batches

TAGS = [f"CRASH.T{i}" for i in range(20)]


def main() -> None:
    url, spool = sys.argv[1], Path(sys.argv[2])
    writer = HistorianWriter(make_engine(url), spool, commit_interval_s=0.05, retry_interval_s=0.5)
    writer.start()
    for k, batch in enumerate(batches(TAGS, 100_000, step_s=0.1, bad_every=0)):
        writer.enqueue(batch)
        if not writer.flush(60):
            sys.exit("flush timed out")
        print(k, writer.status.state, flush=True)


if __name__ == "__main__":
    main()
