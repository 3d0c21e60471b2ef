"""Probe the command line with the bad input of issue 13 §8 (and §1's unauthenticated write).

Each case runs ``python -m app.cli ...`` in a child with a 20 s limit and is classed as
traceback (a Python traceback on stderr), hang (still running after 20 s), accepted-invalid
(exit 0), unclean (another exit code, or not one line naming the argument/file), or clean
(exit 2, or 1 for a refused write, with one line). Run from the repository root:
``python tools/probe_cli.py`` (last line is JSON).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "timestamp,alarm,priority,area,event\n"


def main() -> int:
    tmp = Path(tempfile.mkdtemp())
    csvs = {
        "short row": HEADER + "2026-03-02T06:00:00Z,A,low\n",
        "year 9999": HEADER + "9999-12-31T23:59:59Z,A,low,X,activate\n",
        "year 0001": HEADER + "0001-01-01T00:00:00Z,A,low,X,activate\n",
        "field > 131072": HEADER + "2026-03-02T06:00:00Z," + "A" * 140_000 + ",low,X,activate\n",
        "unknown event": HEADER + "2026-03-02T06:00:00Z,A,low,X,acknowledged\n",
    }
    cases: list[tuple[str, list[str], bytes]] = [
        ("modbus port 99999", ["tags", "read", "modbus://127.0.0.1:99999/hr/1", "--timeout", "1"], b""),
        ("modbus port abc", ["tags", "read", "modbus://127.0.0.1:abc/hr/1", "--timeout", "1"], b""),
        ("modbus port 0", ["tags", "read", "modbus://127.0.0.1:0/hr/1", "--timeout", "1"], b""),
        ("--timeout inf", ["tags", "read", "SMF.T_PROC", "--timeout", "inf"], b""),
        ("--seconds -1", ["tags", "watch", "SMF.T_PROC", "--seconds", "-1"], b""),
        ("db export --hours nan", ["db", "export", "A", "--hours", "nan"], b""),
        ("db export --hours 1e308", ["db", "export", "A", "--hours", "1e308"], b""),
        ("sim --port 70000", ["sim", "--port", "70000"], b""),
        ("write without password", ["tags", "write", "SMF.O2_ENR_SP", "80", "--user", "admin",
                                    "--db", f"sqlite:///{tmp / 'p.sqlite'}"], b""),
        ("write, wrong password", ["tags", "write", "SMF.O2_ENR_SP", "80", "--user", "admin", "--password-stdin",
                                   "--db", f"sqlite:///{tmp / 'p.sqlite'}"], b"guess\n"),
    ]
    for name, text in csvs.items():
        path = tmp / f"{name.replace(' ', '_')}.csv"
        path.write_text(text, encoding="utf-8")
        cases.append((f"kpi csv {name}", ["alarms", "kpi", "--csv", str(path)], b""))
    latin = tmp / "latin1.csv"
    latin.write_bytes((HEADER + "2026-03-02T06:00:00Z,Ofen\u00e4,low,X,activate\n").encode("latin-1"))
    binary = tmp / "binary.csv"
    binary.write_bytes(HEADER.encode() + bytes(range(256)))
    cases += [("kpi csv Latin-1", ["alarms", "kpi", "--csv", str(latin)], b""),
              ("kpi csv binary", ["alarms", "kpi", "--csv", str(binary)], b"")]
    counts = {"clean": 0, "unclean": 0, "traceback": 0, "hang": 0, "accepted-invalid": 0}
    env = {"CRUCIBLE_DATA_DIR": str(tmp / "data"), "CRUCIBLE_CONFIG_DIR": str(tmp / "config"), "PATH": "/usr/bin:/bin"}
    for name, argv, stdin in cases:
        try:
            out = subprocess.run([sys.executable, "-m", "app.cli", *argv], cwd=ROOT, input=stdin, capture_output=True,
                                 timeout=20, env=env)
        except subprocess.TimeoutExpired:
            outcome, line = "hang", ""
        else:
            err = out.stderr.decode(errors="replace")
            lines = [ln for ln in (err + out.stdout.decode(errors="replace")).strip().splitlines()
                     if " INFO " not in ln and " WARNING " not in ln and not ln.startswith("usage") and not ln.startswith(" ")]
            line = lines[-1] if lines else ""
            if "Traceback" in err:
                outcome = "traceback"
            elif out.returncode == 0:
                outcome = "accepted-invalid"
            elif out.returncode in (1, 2) and len(lines) == 1:
                outcome = "clean"
            else:
                outcome = "unclean"
        counts[outcome] += 1
        print(f"{outcome:16} {name:28} {line[:140]}")
    print(json.dumps({"cases": len(cases), **counts}))
    return 0 if counts["clean"] == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
