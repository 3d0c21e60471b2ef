"""Probe the audit trail with the tampering of issue 13 §2.

For each case: a fresh SQLite plant database and console key (a keyrings.alt file keyring in
a temporary folder), a few real records (user added, failed and good log-ins, a write, an
acknowledgement), then the attacker's edit with full database access but no console key, then
``verify``. Prints one line per case and JSON: how many of the listed cases were detected.
Run: ``python tools/probe_audit.py``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    from app.core.settings import load_settings
    from app.security.context import build_security
    from tests.security.test_audit_tamper import TAMPERING, _fill

    detected = 0
    for name, tamper in TAMPERING.items():
        tmp = Path(tempfile.mkdtemp())
        os.environ.update({"CRUCIBLE_DATA_DIR": str(tmp / "data"), "CRUCIBLE_SCRYPT_N": "16",
                           "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"})
        backend = PlaintextKeyring()
        backend.file_path = str(tmp / "keyring.cfg")
        keyring.set_keyring(backend)
        settings = load_settings()
        settings.console_name = "CR-01"
        security = build_security(settings, f"sqlite:///{tmp / 'plant.sqlite'}")
        try:
            _fill(security)
            assert security.audit.verify() == [], "an intact trail must verify"
            tamper(security)
            problems = security.audit.verify()
        finally:
            security.close()
        detected += bool(problems)
        print(f"{'DETECTED' if problems else 'MISSED':9} {name:42} {problems[0][:110] if problems else ''}")
    print(json.dumps({"cases": len(TAMPERING), "detected": detected}))
    return 0 if detected == len(TAMPERING) else 1


if __name__ == "__main__":
    sys.exit(main())
