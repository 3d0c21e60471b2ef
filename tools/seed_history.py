"""Write plausible history for a few tags (a demo or a screenshot of the trend panel).

    CRUCIBLE_DATA_DIR=/tmp/demo .venv/bin/python tools/seed_history.py --hours 8

Values wander inside each tag's normal band at 1 s; one tag loses its link for 10 minutes
(Bad quality) so the gap shows. Goes through the real writer (compression, rollups).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.core.layout import DEFAULT_LAYOUT, load_layout  # noqa: E402
from app.core.settings import load_settings  # noqa: E402
from app.historian.service import open_historian  # noqa: E402

TAGS = ["SMF.T_PROC", "SMF.T_SLAG", "SMF.T_MATTE", "SMF.O2_ENR", "AP.SO2_FEED", "SMF.BATH_LEVEL"]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--hours", type=float, default=8.0)
    p.add_argument("--tags", nargs="*", default=TAGS)
    args = p.parse_args()
    layout = load_layout(DEFAULT_LAYOUT)
    historian = open_historian(load_settings(), definitions=layout.tags)
    writer = historian.writer
    writer.start()
    n = int(args.hours * 3600)
    end = int(time.time()) - 20
    ts = (end - n + np.arange(n, dtype=np.int64)) * 1_000_000
    rng = np.random.default_rng(5)
    for j, name in enumerate(args.tags):
        tag = layout.tags[name]
        lo = tag.normal_low if tag.normal_low is not None else tag.eu_low
        hi = tag.normal_high if tag.normal_high is not None else tag.eu_high
        mid, half = (lo + hi) / 2, (hi - lo) / 2
        slow = np.cumsum(rng.normal(0, 1, n))
        slow = (slow - np.linspace(slow[0], slow[-1], n)) / (np.abs(slow).max() + 1e-9)
        wave = np.sin(np.arange(n) / (1800 + 300 * j) + j)
        value = mid + half * (0.45 * slow + 0.3 * wave) + rng.normal(0, half * 0.02, n)
        quality = np.full(n, 2, np.int8)
        if j == 0:  # a 10-minute link loss three hours ago
            quality[n - 3 * 3600 : n - 3 * 3600 + 600] = 0
        writer.enqueue_arrays([name], np.zeros(n, np.int32), ts, value, quality)
    writer.flush(300)
    historian.stop()
    print(f"wrote {args.hours:g} h of history for {len(args.tags)} tags; {writer.status.state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
