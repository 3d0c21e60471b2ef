"""The handover log: per-area entries during a shift, signed by the outgoing lead and
acknowledged by the incoming lead, then read-only with a checksum kept in the audit trail.

- Only an entry's author may change it, and only until the shift's handover is signed.
- Signing re-authenticates the outgoing lead (password) through the security user store;
  the checksum (SHA-256 of the entries as signed) is stored with the sign-off and written to
  the audit trail, so a row changed afterwards in the database fails :meth:`HandoverLog.verify`.
- Structured items: equipment out of service, open work orders (when a maintenance service
  offers ``open_work_orders()``), standing and shelved alarms from the alarm engine, safety notes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session as DbSession

from app.db.notify import HANDOVER, notify_change
from app.shifts.models import HandoverEntryRow, HandoverSignoffRow

ITEM_KINDS = ("out_of_service", "work_order", "standing_alarm", "shelved_alarm", "safety", "note")


class HandoverError(ValueError):
    """A handover action that is refused; the message says why (shown to the user as is)."""


class Authenticator(Protocol):
    def authenticate(self, username: str, password: str, event: str = ..., console: str | None = ...) -> Any: ...


class AuditSink(Protocol):
    def record(self, category: str, event_type: str, result: str = ..., **kw: Any) -> Any: ...


@dataclass(frozen=True)
class HandoverItem:
    kind: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "text": self.text}


@dataclass
class HandoverEntry:
    id: int
    shift_id: str
    area: str
    author: str
    created_at: datetime
    updated_at: datetime
    text: str
    items: list[HandoverItem] = field(default_factory=list)


@dataclass
class Signoff:
    shift_id: str
    signed_by: str
    signed_at: datetime
    acknowledged_by: str
    acknowledged_at: datetime | None
    checksum: str


def _utc(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _entry(row: HandoverEntryRow) -> HandoverEntry:
    items = [HandoverItem(str(i.get("kind", "note")), str(i.get("text", ""))) for i in json.loads(row.items or "[]")]
    return HandoverEntry(row.id, row.shift_id, row.area, row.author, _utc(row.created_at) or row.created_at,
                         _utc(row.updated_at) or row.updated_at, row.text, items)


def checksum(shift_id: str, entries: Sequence[HandoverEntry], signed_by: str) -> str:
    """SHA-256 over the shift, the signer and every entry's content (canonical JSON)."""
    doc = {
        "shift": shift_id,
        "signed_by": signed_by,
        "entries": [
            {"id": e.id, "area": e.area, "author": e.author, "text": e.text, "created": e.created_at.isoformat(),
             "items": [i.as_dict() for i in e.items]}
            for e in sorted(entries, key=lambda e: e.id)
        ],
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _clean_items(items: Iterable[HandoverItem | dict[str, str]]) -> list[HandoverItem]:
    out = []
    for i in items:
        item = i if isinstance(i, HandoverItem) else HandoverItem(str(i.get("kind", "note")), str(i.get("text", "")))
        if item.kind not in ITEM_KINDS:
            raise HandoverError(f"handover item kind {item.kind!r} is not one of {', '.join(ITEM_KINDS)}")
        out.append(item)
    return out


class HandoverLog:
    """Handover entries and sign-offs in the plant database. Call from a worker thread."""

    def __init__(self, engine: Engine, audit: AuditSink | None = None, users: Authenticator | None = None,
                 console: str = "", clock: Any = None) -> None:
        self.engine = engine
        self.audit = audit
        self.users = users
        self.console = console
        self.clock = clock or (lambda: datetime.now(UTC))


    # --- entries ----------------------------------------------------------------------
    def add(self, shift_id: str, area: str, author: str, text: str,
            items: Iterable[HandoverItem | dict[str, str]] = ()) -> HandoverEntry:
        """A new entry by ``author``; refused once the shift's handover is signed."""
        if not author:
            raise HandoverError("log in to write a handover entry")
        clean = _clean_items(items)
        if not text.strip() and not clean:
            raise HandoverError("a handover entry needs some text or an item")
        now = self.clock()
        with DbSession(self.engine) as db, db.begin():
            self._refuse_if_signed(db, shift_id)
            row = HandoverEntryRow(shift_id=shift_id, area=area, author=author, created_at=now, updated_at=now,
                                   text=text, items=json.dumps([i.as_dict() for i in clean], ensure_ascii=False))
            db.add(row)
            db.flush()
            notify_change(db, HANDOVER, shift_id)  # the other consoles' handover panels re-read at commit
            return _entry(row)

    def edit(self, entry_id: int, user: str, text: str,
             items: Iterable[HandoverItem | dict[str, str]] | None = None) -> HandoverEntry:
        """Change an entry: only its author, only before the sign-off."""
        with DbSession(self.engine) as db, db.begin():
            row = db.get(HandoverEntryRow, entry_id)
            if row is None:
                raise HandoverError(f"no handover entry {entry_id}")
            if row.author != user:
                raise HandoverError(f"only {row.author} can change this entry (it is theirs)")
            self._refuse_if_signed(db, row.shift_id)
            row.text = text
            if items is not None:
                row.items = json.dumps([i.as_dict() for i in _clean_items(items)], ensure_ascii=False)
            row.updated_at = self.clock()
            db.flush()
            notify_change(db, HANDOVER, row.shift_id)
            return _entry(row)

    def delete(self, entry_id: int, user: str) -> None:
        with DbSession(self.engine) as db, db.begin():
            row = db.get(HandoverEntryRow, entry_id)
            if row is None:
                raise HandoverError(f"no handover entry {entry_id}")
            if row.author != user:
                raise HandoverError(f"only {row.author} can delete this entry (it is theirs)")
            self._refuse_if_signed(db, row.shift_id)
            db.delete(row)
            notify_change(db, HANDOVER, row.shift_id)

    def entries(self, shift_id: str) -> list[HandoverEntry]:
        with DbSession(self.engine) as db:
            rows = db.execute(select(HandoverEntryRow).where(HandoverEntryRow.shift_id == shift_id)
                              .order_by(HandoverEntryRow.area, HandoverEntryRow.id)).scalars().all()
            return [_entry(r) for r in rows]

    def search(self, text: str = "", area: str = "", since: str = "", until: str = "", limit: int = 500) -> list[HandoverEntry]:
        """History: entries whose text, items or author contain ``text`` (newest shift first);
        ``since``/``until`` are shift ids or dates (``2026-11-30``)."""
        q = select(HandoverEntryRow)
        if text:
            pat = f"%{text}%"
            q = q.where(or_(HandoverEntryRow.text.ilike(pat), HandoverEntryRow.items.ilike(pat),
                            HandoverEntryRow.author.ilike(pat)))
        if area:
            q = q.where(HandoverEntryRow.area == area)
        if since:
            q = q.where(HandoverEntryRow.shift_id >= since)
        if until:
            q = q.where(HandoverEntryRow.shift_id <= until + "~")
        q = q.order_by(HandoverEntryRow.shift_id.desc(), HandoverEntryRow.area, HandoverEntryRow.id).limit(limit)
        with DbSession(self.engine) as db:
            return [_entry(r) for r in db.execute(q).scalars().all()]

    # --- sign-off ----------------------------------------------------------------------
    def signoff(self, shift_id: str) -> Signoff | None:
        with DbSession(self.engine) as db:
            row = db.get(HandoverSignoffRow, shift_id)
            if row is None:
                return None
            return Signoff(row.shift_id, row.signed_by, _utc(row.signed_at) or row.signed_at, row.acknowledged_by,
                           _utc(row.acknowledged_at), row.checksum)

    def sign(self, shift_id: str, user: str, password: str) -> Signoff:
        """The outgoing lead signs (password re-entered); the handover becomes read-only."""
        self._reauthenticate(user, password, "handover_sign", shift_id)
        entries = self.entries(shift_id)
        if not entries:
            raise HandoverError(f"shift {shift_id} has no handover entries to sign")
        digest = checksum(shift_id, entries, user)
        now = self.clock()
        with DbSession(self.engine) as db, db.begin():
            self._refuse_if_signed(db, shift_id)
            db.add(HandoverSignoffRow(shift_id=shift_id, signed_by=user, signed_at=now, acknowledged_by="",
                                      acknowledged_at=None, checksum=digest))
            notify_change(db, HANDOVER, shift_id)
        self._audit("handover_sign", user, shift_id, digest, f"{len(entries)} entries")
        return Signoff(shift_id, user, now, "", None, digest)

    def acknowledge(self, shift_id: str, user: str, password: str) -> Signoff:
        """The incoming lead acknowledges a signed handover (password re-entered)."""
        self._reauthenticate(user, password, "handover_acknowledge", shift_id)
        problems = self.verify(shift_id)
        if problems:
            raise HandoverError(problems[0])
        now = self.clock()
        with DbSession(self.engine) as db, db.begin():
            row = db.get(HandoverSignoffRow, shift_id)
            if row is None:
                raise HandoverError(f"shift {shift_id}'s handover is not signed yet; the outgoing lead signs first")
            if row.acknowledged_by:
                raise HandoverError(f"shift {shift_id}'s handover was already acknowledged by {row.acknowledged_by}")
            if row.signed_by == user:
                raise HandoverError("the incoming lead acknowledges: someone other than the one who signed")
            row.acknowledged_by, row.acknowledged_at = user, now
            notify_change(db, HANDOVER, shift_id)
            digest = row.checksum
            signed_by, signed_at = row.signed_by, _utc(row.signed_at) or row.signed_at
        self._audit("handover_acknowledge", user, shift_id, digest, f"signed by {signed_by}")
        return Signoff(shift_id, signed_by, signed_at, user, now, digest)

    def verify(self, shift_id: str) -> list[str]:
        """Problems with a signed handover: entries changed since signing (checksum mismatch)."""
        so = self.signoff(shift_id)
        if so is None:
            return []
        now = checksum(shift_id, self.entries(shift_id), so.signed_by)
        if now != so.checksum:
            return [f"shift {shift_id}: the handover was changed after {so.signed_by} signed it "
                    f"(checksum {now[:12]}… instead of {so.checksum[:12]}…)"]
        return []

    # --- helpers -----------------------------------------------------------------------
    def _refuse_if_signed(self, db: DbSession, shift_id: str) -> None:
        row = db.get(HandoverSignoffRow, shift_id)
        if row is not None:
            raise HandoverError(f"shift {shift_id}'s handover was signed by {row.signed_by}; it can no longer be changed")

    def _reauthenticate(self, user: str, password: str, event: str, shift_id: str) -> None:
        if not user:
            raise HandoverError("log in first")
        if self.users is None:
            raise HandoverError("signing needs the user store (security is not set up)")
        from app.security.users import SecurityError

        try:
            self.users.authenticate(user, password, event="signature", console=self.console)
        except SecurityError as exc:
            self._audit(event, user, shift_id, "", str(exc), result="failure")
            raise HandoverError(f"signature refused: {exc}") from None

    def _audit(self, event: str, user: str, shift_id: str, digest: str, detail: str, result: str = "success") -> None:
        if self.audit is not None:
            self.audit.record("operation", event, result, user=user, target=f"handover {shift_id}",
                              new=digest, detail=detail, console=self.console)


def automatic_items(alarm_engine: Any = None, maintenance: Any = None, layout: Any = None,
                    store: Any = None, area: str = "", standards: Any = None) -> list[HandoverItem]:
    """Items pulled in for a new entry (of ``area``, or the whole plant): standing and shelved
    alarms, open work orders, equipment whose state tag says it is out of service or tripped, and
    from the standards module (when present) the pinned operator notes, the setpoints drifting
    from their approved cards and the procedures run this shift or still open."""
    items: list[HandoverItem] = []
    if standards is not None:
        items += _standards_items(standards, layout, area)
    if alarm_engine is not None:
        tags = getattr(alarm_engine, "tags", {})
        for r in getattr(alarm_engine, "records", {}).values():
            tag = tags.get(r.definition.tag)
            if area and tag is not None and tag.area != area:
                continue
            if r.standing:
                since = r.active_since.strftime("%H:%M") if r.active_since else ""
                items.append(HandoverItem("standing_alarm", f"{r.id} {r.state.value} {since}".strip()))
            elif r.shelve is not None:
                until = f" until {r.shelve_until:%H:%M}" if r.shelve_until else ""
                items.append(HandoverItem("shelved_alarm", f"{r.id} shelved by {r.shelved_by}{until}: {r.shelve_reason}"))
    if maintenance is not None and hasattr(maintenance, "open_work_orders"):
        try:
            orders = list(maintenance.open_work_orders(area=area) if area else maintenance.open_work_orders())
        except TypeError:  # a maintenance service without the area filter
            orders = list(maintenance.open_work_orders())
        for wo in orders:
            items.append(HandoverItem("work_order", str(wo)))
    if layout is not None and store is not None:
        from app.reports.shift_data import OOS_STATES, TRIP_STATES

        for t in layout.tags.values():
            if not t.states or (area and t.area != area):
                continue
            tv = store.get(t.name) if hasattr(store, "get") else None
            v = getattr(tv, "value", None)
            if isinstance(v, int | float) and 0 <= int(v) < len(t.states) and t.states[int(v)] in TRIP_STATES + OOS_STATES:
                items.append(HandoverItem("out_of_service", f"{t.unit_id}: {t.states[int(v)]}"))
    return items


def _standards_items(standards: Any, layout: Any, area: str) -> list[HandoverItem]:
    """Notes, drifts and SOP runs from the standards module's service (duck-typed: no import)."""
    units = getattr(layout, "units", {}) if layout is not None else {}

    def in_area(unit: str) -> bool:
        return not area or getattr(units.get(unit), "area", area) == area

    items: list[HandoverItem] = []
    notes = getattr(standards, "notes", None)
    for note in notes.active() if notes is not None else []:
        if in_area(note.unit):
            items.append(HandoverItem("note", f"{note.unit}: {note.text} ({note.author}, until {note.expires:%m-%d %H:%M})"))
    tracker = getattr(standards, "tracker", None)
    for drift in list(getattr(tracker, "active", {}).values()):
        if in_area(drift.unit):
            items.append(HandoverItem("note", f"drift: {drift.tag} = {drift.value:g} outside the approved "
                                              f"{drift.low:g}..{drift.high:g} ({drift.mode}) since {drift.started:%H:%M}"))
    sops = getattr(standards, "sops", None)
    for run in sops.open_runs() if sops is not None else []:
        if in_area(run.unit):
            items.append(HandoverItem("note", f"procedure {run.sop} #{run.id} open at step {run.next_step} "
                                              f"(started by {run.started_by} {run.started_at:%H:%M})"))
    return items
