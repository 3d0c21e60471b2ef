"""The audit trail (IEC 62443-3-3 SR 2.8): every auditable event, chained by SHA-256.

Each record carries timestamp (UTC, SR 2.11), console (source), user, category, type,
event id and result, plus target / old / new / second person / reason where they apply.
Its ``hash`` covers all those fields and the previous record's hash, so editing a record
breaks its own hash and removing one breaks the chain; :meth:`AuditTrail.verify` (and
``crucible audit verify``) reports both. Other modules call :meth:`AuditTrail.record`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession

from app.core.tags import utcnow
from app.security.checkpoints import CheckpointLog, verify_checkpoints
from app.security.models import AuditHead, AuditRecord

log = logging.getLogger(__name__)

GENESIS = "0" * 64

# Categories (SR 2.8: access control, request errors, control-system events, configuration).
ACCESS = "access"  # login, logout, login failure, lock, unlock, switch user, password change
WRITE = "write"  # setpoint writes
COMMAND = "command"  # start/stop and other commands
ALARM = "alarm"  # acknowledge, shelve, unshelve, suppress
CONFIG = "config"  # settings, layout, secrets, certificates
USER = "user"  # user and role administration
CATEGORIES = (ACCESS, WRITE, COMMAND, ALARM, CONFIG, USER)

SUCCESS = "success"
FAILURE = "failure"
REFUSED = "refused"

FIELDS = (
    "seq", "event_id", "ts", "console", "user", "category", "event_type", "result", "target",
    "old_value", "new_value", "second_user", "reason", "detail", "prev_hash",
)


@dataclass(frozen=True)
class AuditEntry:
    """One audit record as plain data (what the panel, the CSV and the CLI show)."""

    seq: int
    event_id: str
    ts: datetime
    console: str
    user: str
    category: str
    event_type: str
    result: str
    target: str
    old_value: str
    new_value: str
    second_user: str
    reason: str
    detail: str
    prev_hash: str
    hash: str


def _utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def record_hash(values: dict[str, object]) -> str:
    """SHA-256 over the record's fields (in a fixed order) and the previous hash."""
    canonical = {name: values[name] for name in FIELDS}
    canonical["ts"] = _utc(values["ts"]).isoformat(timespec="microseconds")  # type: ignore[arg-type]
    payload = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _entry(row: AuditRecord) -> AuditEntry:
    return AuditEntry(
        row.seq, row.event_id, _utc(row.ts), row.console, row.user, row.category, row.event_type,
        row.result, row.target, row.old_value, row.new_value, row.second_user, row.reason,
        row.detail, row.prev_hash, row.hash,
    )


class AuditTrail:
    """Appends chained records to ``security_audit``; safe for several consoles on one DB."""

    def __init__(self, engine: Engine, console: str = "", checkpoints: CheckpointLog | None = None) -> None:
        self.engine = engine
        self.console = console
        self.checkpoints = checkpoints  # signed (seq, hash) outside the database; see checkpoints.py
        self.listeners: list[object] = []  # callables taking an AuditEntry (the GUI panel)

    def record(
        self,
        category: str,
        event_type: str,
        result: str = SUCCESS,
        *,
        user: str = "",
        target: str = "",
        old: object = None,
        new: object = None,
        second_user: str = "",
        reason: str = "",
        detail: str = "",
        console: str | None = None,
    ) -> AuditEntry:
        """Append one event and return it. Raises if the database cannot take it."""
        for attempt in range(20):
            try:
                entry = self._append(
                    category, event_type, result, user, target, _text(old), _text(new),
                    second_user, reason, detail, self.console if console is None else console,
                )
                break
            except IntegrityError:  # another console took this seq: chain onto theirs
                if attempt == 19:
                    raise
        if self.checkpoints is not None:
            self.checkpoints.write(entry.seq, entry.hash, entry.ts.isoformat(timespec="microseconds"))
        for listener in list(self.listeners):
            try:
                listener(entry)  # type: ignore[operator]
            except Exception:  # noqa: BLE001 - a broken listener must not lose the record
                log.exception("audit listener failed")
        return entry

    def _append(
        self, category: str, event_type: str, result: str, user: str, target: str, old: str,
        new: str, second_user: str, reason: str, detail: str, console: str,
    ) -> AuditEntry:
        with DbSession(self.engine) as db, db.begin():
            head = db.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
            seq = head.seq + 1 if head else 1
            prev = head.hash if head else GENESIS
            values: dict[str, object] = {
                "seq": seq, "event_id": str(uuid.uuid4()), "ts": utcnow(), "console": console,
                "user": user, "category": category, "event_type": event_type, "result": result,
                "target": target, "old_value": old, "new_value": new, "second_user": second_user,
                "reason": reason, "detail": detail, "prev_hash": prev,
            }
            values["hash"] = record_hash(values)
            row = AuditRecord(**values)
            db.add(row)
            if head is None:
                db.add(AuditHead(id=1, seq=seq, hash=values["hash"]))
            else:
                head.seq, head.hash = seq, str(values["hash"])
            db.flush()
            return _entry(row)

    def entries(self, limit: int | None = None, newest_first: bool = True) -> list[AuditEntry]:
        """Records, newest first by default (``limit`` caps how many)."""
        order = AuditRecord.seq.desc() if newest_first else AuditRecord.seq.asc()
        query = select(AuditRecord).order_by(order)
        if limit:
            query = query.limit(limit)
        with DbSession(self.engine) as db:
            return [_entry(r) for r in db.execute(query).scalars()]

    def _walk(self) -> Iterator[AuditRecord]:
        with DbSession(self.engine) as db:
            yield from db.execute(
                select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=1000)
            ).scalars()

    def verify(self) -> list[str]:
        """Problems found in the chain and against the signed checkpoints; empty when intact."""
        problems: list[str] = []
        expected_seq, prev = 1, GENESIS
        hashes: dict[int, str] = {}
        consoles: dict[int, str] = {}
        for row in self._walk():
            hashes[row.seq], consoles[row.seq] = row.hash, row.console
            values = {name: getattr(row, name) for name in FIELDS}
            if row.seq != expected_seq:
                problems.append(
                    f"records {expected_seq}..{row.seq - 1} are missing (deleted?) before record {row.seq}"
                )
            if row.prev_hash != prev:
                problems.append(f"record {row.seq}: does not chain to the record before it (one was removed or altered)")
            if record_hash(values) != row.hash:
                problems.append(f"record {row.seq} ({row.event_type} by {row.user or '-'}): content was altered after it was written")
            expected_seq, prev = row.seq + 1, row.hash
        with DbSession(self.engine) as db:
            head = db.get(AuditHead, 1)
        last = expected_seq - 1
        if head is None and last:
            problems.append("the chain head record is missing")
        elif head is not None and (head.seq != last or head.hash != prev):
            problems.append(
                f"the newest record should be {head.seq} but the trail ends at {last}: records at the end were removed or altered"
            )
        if self.checkpoints is not None:
            found, self.checkpoints_checked = verify_checkpoints(
                hashes, consoles, self.checkpoints.folder, self.checkpoints.keys, self.checkpoints.console
            )
            problems.extend(found)
        return problems

    checkpoints_checked = 0  # how many signed checkpoints the last verify() held the trail against


CSV_COLUMNS = (
    "seq", "ts", "console", "user", "category", "event_type", "result", "target", "old_value",
    "new_value", "second_user", "reason", "detail", "event_id", "hash",
)


def write_csv(entries: list[AuditEntry], stream: object) -> int:
    """Write ``entries`` as CSV (UTC ISO timestamps) to a text stream; returns the row count."""
    import csv

    writer = csv.writer(stream)  # type: ignore[arg-type]
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        row = [getattr(e, c) for c in CSV_COLUMNS]
        row[1] = e.ts.isoformat(timespec="milliseconds")
        writer.writerow(row)
    return len(entries)
