"""`make translations`: refresh the .ts sources from the code, compile the .qm, list gaps.

    .venv/bin/python tools/translations.py          # lupdate + lrelease + report
    .venv/bin/python tools/translations.py --check  # also exit 1 if a message lacks a translation

Translators edit ``resources/translations/crucible_zh_CN.ts`` (Qt Linguist, or any editor:
fill each ``<translation>`` and drop ``type="unfinished"``), then run this again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> int:
    from widgets.i18n import TS_FILES, read_ts, run_lrelease, run_lupdate

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 when a message has no finished translation")
    args = p.parse_args()
    missing_total = 0
    for language, ts in TS_FILES.items():
        ts.parent.mkdir(parents=True, exist_ok=True)
        print(run_lupdate(ts).strip())
        print(run_lrelease(ts, ts.with_suffix(".qm")).strip())
        missing = [(c, s) for c, s, _t, done in read_ts(ts) if not done]
        missing_total += len(missing)
        print(f"{language}: {len(missing)} message(s) without a finished translation")
        for context, source in missing:
            print(f"  [{context}] {source!r}")
    return 1 if args.check and missing_total else 0


if __name__ == "__main__":
    raise SystemExit(main())
