"""Operator notes pinned to a unit (temporary measures, known faults), with an expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import Session

from app.standards.models import NoteRow


class NoteError(ValueError):
    pass


@dataclass(frozen=True)
class Note:
    id: int
    unit: str
    text: str
    author: str
    created: datetime
    expires: datetime


def _utc(ts: datetime) -> datetime:
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts


class NoteBoard:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.changes = 0  # counts this console's adds and removals (displays re-read on a change)

    def add(self, unit: str, text: str, author: str, hours: float, now: datetime | None = None) -> Note:
        text = text.strip()
        if not author:
            raise NoteError("log in to pin a note")
        if not text:
            raise NoteError("a note needs text")
        if not 0 < hours <= 24 * 90:
            raise NoteError("a note expires after 0 to 2160 hours (90 days)")
        now = now or datetime.now(UTC)
        with self.engine.begin() as conn:
            note_id = conn.execute(insert(NoteRow).values(
                unit=unit, text=text[:1000], author=author, created=now, expires=now + timedelta(hours=hours),
                removed_by="")).inserted_primary_key[0]  # type: ignore[index]
        self.changes += 1
        return Note(note_id, unit, text[:1000], author, now, now + timedelta(hours=hours))

    def active(self, unit: str | None = None, now: datetime | None = None) -> list[Note]:
        now = now or datetime.now(UTC)
        query = select(NoteRow).where(NoteRow.expires > now, NoteRow.removed_by == "").order_by(NoteRow.created)
        if unit:
            query = query.where(NoteRow.unit == unit)
        with Session(self.engine) as conn:
            rows = conn.execute(query).scalars().all()
        return [Note(r.id, r.unit, r.text, r.author, _utc(r.created), _utc(r.expires)) for r in rows]

    def remove(self, note_id: int, user: str) -> None:
        if not user:
            raise NoteError("log in to remove a note")
        with self.engine.begin() as conn:
            done = conn.execute(update(NoteRow).where(NoteRow.id == note_id, NoteRow.removed_by == "")
                                .values(removed_by=user)).rowcount
        if not done:
            raise NoteError(f"there is no pinned note {note_id}")
        self.changes += 1
