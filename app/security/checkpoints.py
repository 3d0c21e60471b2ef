"""Signed checkpoints of the audit trail, kept outside the database (issue 13).

The SHA-256 chain alone has no key: whoever can write the database can edit a record and
recompute every hash after it, cut the tail, or empty the table. So after each record it
writes, a console signs a checkpoint ``(console, seq, hash)`` with an HMAC-SHA256 key of its
own, kept in the OS keyring (``audit/<console>/checkpoint-key``), and writes it

- to an append-only file outside the database (``<data dir>/audit/checkpoints-<console>.jsonl``,
  opened ``O_APPEND``, mode 0600),
- to the system journal (syslog, best effort), and
- its newest one to the keyring too, so cutting the file is noticed as well.

:func:`verify_checkpoints` then holds the trail against them: a checkpointed record that is
missing or differs, records after the newest checkpoint (appended without a console's key),
a checkpoint line whose signature does not match, a file shorter than the keyring says.
Someone with full write access to the database but without a console's key cannot rewrite,
truncate or empty the trail without ``crucible audit verify`` saying so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

KEY_SECRET = "audit/{console}/checkpoint-key"
LAST_SECRET = "audit/{console}/last-checkpoint"


def _safe(console: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", console) or "console"


def default_folder() -> Path:
    """``<data dir>/audit`` (``CRUCIBLE_DATA_DIR`` moves it)."""
    from app.core.settings import data_dir

    return data_dir() / "audit"


@dataclass(frozen=True)
class Checkpoint:
    console: str
    seq: int
    hash: str
    ts: str
    mac: str

    def payload(self) -> bytes:
        return f"{self.console}|{self.seq}|{self.hash}|{self.ts}".encode()


def _mac(key: bytes, checkpoint: Checkpoint) -> str:
    return hmac.new(key, checkpoint.payload(), hashlib.sha256).hexdigest()


class KeyringKeys:
    """Per-console keys and last checkpoints in the OS keyring (through app.security.secrets)."""

    def key(self, console: str, create: bool) -> bytes | None:
        from app.core.secrets import get_secret, set_secret

        name = KEY_SECRET.format(console=_safe(console))
        value = get_secret(name)
        if value is None and create:
            value = secrets.token_hex(32)
            set_secret(name, value)
        return bytes.fromhex(value) if value else None

    def last(self, console: str) -> str | None:
        from app.core.secrets import get_secret

        return get_secret(LAST_SECRET.format(console=_safe(console)))

    def set_last(self, console: str, value: str) -> None:
        import keyring

        from app.core.secrets import SERVICE, _keyring

        _keyring()  # refuses an unusable backend
        keyring.set_password(SERVICE, LAST_SECRET.format(console=_safe(console)), value)


class CheckpointLog:
    """Writes and reads the signed checkpoints of one console (see the module docstring)."""

    def __init__(self, console: str, folder: Path | None = None, keys: KeyringKeys | None = None,
                 journal: Callable[[str], None] | None = None) -> None:
        self.console = console
        self.folder = folder or default_folder()
        self.keys = keys or KeyringKeys()
        self.journal = journal if journal is not None else _syslog
        self._key: bytes | None = None
        self.last_error = ""

    @property
    def path(self) -> Path:
        return self.folder / f"checkpoints-{_safe(self.console)}.jsonl"

    def _signing_key(self) -> bytes:
        if self._key is None:
            self._key = self.keys.key(self.console, create=True)
        assert self._key is not None
        return self._key

    def write(self, seq: int, record_hash: str, ts: str) -> None:
        """Sign and store a checkpoint of record ``seq``; never raises (a failure is logged)."""
        try:
            unsigned = Checkpoint(self.console, seq, record_hash, ts, "")
            checkpoint = Checkpoint(self.console, seq, record_hash, ts, _mac(self._signing_key(), unsigned))
            line = json.dumps(checkpoint.__dict__, separators=(",", ":")) + "\n"
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
            self.keys.set_last(self.console, f"{seq}:{record_hash}")
            self.journal(f"crucible-audit checkpoint console={self.console} seq={seq} hash={record_hash} mac={checkpoint.mac}")
            self.last_error = ""
        except Exception as exc:  # noqa: BLE001 - the record is in the database; verify will say what is missing
            first = not self.last_error
            self.last_error = f"audit checkpoints are not being signed on this console ({exc})"
            if first:  # once per process: 'crucible audit verify' lists the unsigned records
                log.warning("%s", self.last_error)


def _syslog(message: str) -> None:
    try:
        import syslog

        syslog.openlog("crucible", syslog.LOG_PID, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_NOTICE, message)
    except Exception:  # noqa: BLE001 - best effort: no journal on this system
        pass


def read_checkpoints(path: Path) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints of one file, and a problem per unreadable line."""
    result: list[Checkpoint] = []
    problems: list[str] = []
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError as exc:
        return [], [f"{path}: cannot read: {exc.strerror or exc}"]
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            result.append(Checkpoint(str(data["console"]), int(data["seq"]), str(data["hash"]), str(data["ts"]), str(data["mac"])))
        except (ValueError, KeyError, TypeError):
            problems.append(f"{path}:{number}: not a checkpoint line (the file was edited)")
    return result, problems


def verify_checkpoints(
    records: dict[int, str], records_console: dict[int, str], folder: Path, keys: KeyringKeys | None = None,
    own_console: str = "",
) -> tuple[list[str], int]:
    """Problems found holding the trail (seq -> hash) against the checkpoints in ``folder``.

    Returns (problems, number of checkpoints checked).
    """
    keys = keys or KeyringKeys()
    problems: list[str] = []
    files = sorted(folder.glob("checkpoints-*.jsonl")) if folder.is_dir() else []
    newest = 0
    checked = 0
    consoles_seen: set[str] = set()
    for path in files:
        checkpoints, bad_lines = read_checkpoints(path)
        problems.extend(bad_lines)
        if not checkpoints:
            continue
        console = checkpoints[0].console
        consoles_seen.add(console)
        try:
            key = keys.key(console, create=False)
        except Exception as exc:  # noqa: BLE001 - no keyring here: say so
            key = None
            problems.append(f"checkpoints of console {console!r} cannot be checked: no key ({exc})")
        if key is None and console == own_console:
            problems.append(f"the key of console {console!r} is missing from the keyring: its checkpoints cannot be trusted")
        for cp in checkpoints:
            if cp.console != console:
                problems.append(f"{path}: checkpoint of record {cp.seq} names console {cp.console!r} (the file was edited)")
                continue
            if key is not None and not hmac.compare_digest(_mac(key, cp), cp.mac):
                problems.append(f"{path}: checkpoint of record {cp.seq} has a wrong signature (forged or edited)")
                continue
            checked += 1
            newest = max(newest, cp.seq)
            held = records.get(cp.seq)
            if held is None:
                problems.append(
                    f"record {cp.seq} (signed by console {console!r} at {cp.ts}) is missing: the trail was cut or emptied"
                )
            elif held != cp.hash:
                problems.append(f"record {cp.seq} differs from its signed checkpoint (console {console!r}): the trail was rewritten")
        if key is not None:
            try:
                last = keys.last(console)
            except Exception:  # noqa: BLE001 - reported above already
                last = None
            if last:
                seq_text, _, last_hash = last.partition(":")
                if int(seq_text) not in {cp.seq for cp in checkpoints}:
                    problems.append(
                        f"{path}: the keyring's newest checkpoint of console {console!r} is record {seq_text}, "
                        "but the file does not hold it: the checkpoint file was cut or replaced"
                    )
                else:
                    newest = max(newest, int(seq_text))
                    if records.get(int(seq_text), last_hash) != last_hash:
                        problems.append(f"record {seq_text} differs from the keyring's checkpoint: the trail was rewritten")
                    elif int(seq_text) not in records:
                        pass  # reported as missing above
    uncovered = sorted(seq for seq in records if seq > newest)
    if uncovered:
        owners = sorted({records_console.get(s, "") for s in uncovered})
        problems.append(
            f"records {uncovered[0]}..{uncovered[-1]} have no signed checkpoint (console(s) {', '.join(map(repr, owners))}): "
            "appended by someone without a console key, or that console's checkpoint file is not in "
            f"{folder}"
        )
    return problems, checked


def iter_files(folder: Path) -> Iterable[Path]:
    return sorted(folder.glob("checkpoints-*.jsonl")) if folder.is_dir() else []
