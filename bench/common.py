"""The bench convention: a readable table, and with ``--json`` one JSON object as last line.

Every script finishes in under two minutes by default, measures our code and the raw
library doing the same job in the same run, and reports medians and ratios (machines here
are shared and noisy; absolute times are only context).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--json", action="store_true", help="print one JSON object of the figures as the last line")
    return p


def median_time(fn: Callable[[], object], repeats: int = 7) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(title: str, rows: list[tuple[str, str, str]], figures: dict[str, object], as_json: bool) -> None:
    """Print ``rows`` (name, value, goal/comment) as a table; then the JSON line if asked."""
    width = max(len(r[0]) for r in rows) + 2
    print(title)
    print("-" * len(title))
    for name, value, note in rows:
        print(f"{name:<{width}}{value:>16}   {note}")
    if as_json:
        print(json.dumps(figures, sort_keys=True))
