"""Setpoint cards in the plant database: versions, proposal, second-person approval, drifts.

A process engineer proposes a new version of a unit's card for one operating mode; a second,
different person holding the same permission approves it with an electronic signature
(password again). Every step is audited. The approved version is the one drift tracking and
"apply card" use; the previous approved version becomes *superseded*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from app.standards.layout import CardItem, CardSpec
from app.standards.models import CardItemRow, CardRow, DriftRow

PROPOSE = "change_settings"  # the permission to propose and to approve a card change


class StandardsError(ValueError):
    """A card action that cannot be done; the message says why."""


@dataclass(frozen=True)
class Card:
    id: int
    unit: str
    mode: str
    version: int
    status: str
    proposed_by: str
    proposed_at: datetime
    decided_by: str
    decided_at: datetime | None
    reason: str
    reference: str
    items: tuple[CardItem, ...]

    def item(self, tag: str) -> CardItem | None:
        return next((i for i in self.items if i.tag == tag), None)


@dataclass(frozen=True)
class Drift:
    tag: str
    unit: str
    mode: str
    card_version: int
    started: datetime
    ended: datetime | None
    value: float
    low: float
    high: float
    changed_by: str

    def minutes(self, now: datetime) -> float:
        return ((self.ended or now) - self.started).total_seconds() / 60.0


def _utc(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


class CardStore:
    """Cards, their versions and drifts; ``audit(event, user, target, detail, second_user, reason)``
    records every change (the security module's audit trail in the running HMI)."""

    def __init__(self, engine: Engine, audit: Any = None) -> None:
        self.engine = engine
        self.audit = audit

    def _record(self, event: str, user: str, target: str, detail: str, second_user: str = "", reason: str = "",
                result: str = "success") -> None:
        if self.audit is not None:
            self.audit.record("config", event, result, user=user, target=target, detail=detail,
                              second_user=second_user, reason=reason)

    # --- reading ------------------------------------------------------------------------
    def _card(self, conn: Any, row: Any) -> Card:
        items = conn.execute(select(CardItemRow).where(CardItemRow.card_id == row.id).order_by(CardItemRow.id)).scalars()
        return Card(row.id, row.unit, row.mode, row.version, row.status, row.proposed_by, _utc(row.proposed_at),  # type: ignore[arg-type]
                    row.decided_by, _utc(row.decided_at), row.reason, row.reference,
                    tuple(CardItem(i.tag, i.low, i.high, i.target, i.grace_s) for i in items))

    def cards(self, unit: str | None = None, status: str | None = None) -> list[Card]:
        query = select(CardRow).order_by(CardRow.unit, CardRow.mode, CardRow.version)
        if unit:
            query = query.where(CardRow.unit == unit)
        if status:
            query = query.where(CardRow.status == status)
        with Session(self.engine) as conn:
            return [self._card(conn, row) for row in conn.execute(query).scalars().all()]

    def card(self, card_id: int) -> Card:
        with Session(self.engine) as conn:
            row = conn.get(CardRow, card_id)
            if row is None:
                raise StandardsError(f"there is no card {card_id}")
            return self._card(conn, row)

    def approved(self) -> dict[tuple[str, str], Card]:
        """The card in force for every (unit, mode)."""
        return {(c.unit, c.mode): c for c in self.cards(status="approved")}

    # --- changing -----------------------------------------------------------------------
    def seed(self, specs: Iterable[CardSpec], now: datetime | None = None) -> int:
        """The layout's shipped cards as version 1, approved "as shipped", where a (unit, mode)
        has no card yet. Returns how many were added."""
        now = now or datetime.now(UTC)
        existing = {(c.unit, c.mode) for c in self.cards()}
        added = 0
        with self.engine.begin() as conn:
            for spec in specs:
                if (spec.unit, spec.mode) in existing:
                    continue
                card_id = conn.execute(insert(CardRow).values(
                    unit=spec.unit, mode=spec.mode, version=1, status="approved", proposed_by="layout",
                    proposed_at=now, decided_by="layout", decided_at=now, reason="as shipped in the plant layout",
                    reference=spec.reference)).inserted_primary_key[0]  # type: ignore[index]
                for item in spec.items:
                    conn.execute(insert(CardItemRow).values(
                        card_id=card_id, tag=item.tag, low=item.low, high=item.high, target=item.target,
                        grace_s=item.grace_s))
                added += 1
        return added

    def propose(self, unit: str, mode: str, items: Iterable[CardItem], user: str, reason: str, reference: str = "",
                now: datetime | None = None) -> Card:
        """A new version of ``unit``/``mode``'s card, waiting for a second person's approval."""
        items = tuple(items)
        if not user:
            raise StandardsError("log in to propose a card change")
        if not reason.strip():
            raise StandardsError("say why the card changes (the reason is kept with the card)")
        if not items:
            raise StandardsError("a card needs at least one setpoint")
        for item in items:
            if not item.low <= item.target <= item.high:
                raise StandardsError(f"{item.tag}: needs low <= target <= high")
        now = now or datetime.now(UTC)
        with self.engine.begin() as conn:
            latest = conn.execute(select(func.max(CardRow.version)).where(
                CardRow.unit == unit, CardRow.mode == mode)).scalar_one_or_none() or 0
            card_id = conn.execute(insert(CardRow).values(
                unit=unit, mode=mode, version=latest + 1, status="proposed", proposed_by=user, proposed_at=now,
                reason=reason.strip(), reference=reference)).inserted_primary_key[0]  # type: ignore[index]
            for item in items:
                conn.execute(insert(CardItemRow).values(
                    card_id=card_id, tag=item.tag, low=item.low, high=item.high, target=item.target, grace_s=item.grace_s))
        self._record("card_proposed", user, f"{unit}/{mode} v{latest + 1}",
                     "; ".join(f"{i.tag} {i.low:g}..{i.high:g} (target {i.target:g})" for i in items), reason=reason)
        return self.card(card_id)

    def decide(self, card_id: int, approver: str, approve: bool, verify_signature: Any, reason: str = "",
               now: datetime | None = None) -> Card:
        """Approve (or reject) a proposed card. ``verify_signature(approver)`` re-authenticates
        the approver and checks the permission (raises with the reason); the approver must be
        someone other than the proposer."""
        card = self.card(card_id)
        if card.status != "proposed":
            raise StandardsError(f"card {card.unit}/{card.mode} v{card.version} is {card.status}, not waiting for approval")
        if approver == card.proposed_by:
            self._record("card_approval", approver, f"{card.unit}/{card.mode} v{card.version}",
                         "refused: the approver proposed the change", result="refused")
            raise StandardsError("a second person must approve: the approver cannot be the one who proposed the change")
        try:
            verify_signature(approver)
        except Exception as exc:
            self._record("card_approval", approver, f"{card.unit}/{card.mode} v{card.version}", f"refused: {exc}",
                         result="refused")
            raise StandardsError(str(exc)) from None
        now = now or datetime.now(UTC)
        with self.engine.begin() as conn:
            if approve:
                conn.execute(update(CardRow).where(CardRow.unit == card.unit, CardRow.mode == card.mode,
                                                   CardRow.status == "approved").values(status="superseded"))
            conn.execute(update(CardRow).where(CardRow.id == card_id).values(
                status="approved" if approve else "rejected", decided_by=approver, decided_at=now))
        self._record("card_approved" if approve else "card_rejected", approver,
                     f"{card.unit}/{card.mode} v{card.version}", f"proposed by {card.proposed_by}: {card.reason}",
                     second_user=card.proposed_by, reason=reason)
        return self.card(card_id)

    # --- drifts -------------------------------------------------------------------------
    def open_drift(self, drift: Drift) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(DriftRow).values(
                tag=drift.tag, unit=drift.unit, mode=drift.mode, card_version=drift.card_version, started=drift.started,
                ended=None, value=drift.value, low=drift.low, high=drift.high, changed_by=drift.changed_by))

    def close_drift(self, tag: str, ended: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(DriftRow).where(DriftRow.tag == tag, DriftRow.ended.is_(None)).values(ended=ended))

    def drifts(self, start: datetime | None = None, end: datetime | None = None, open_only: bool = False) -> list[Drift]:
        """Drifts that overlap [start, end) (all when not given), oldest first."""
        query = select(DriftRow).order_by(DriftRow.started)
        if open_only:
            query = query.where(DriftRow.ended.is_(None))
        if end is not None:
            query = query.where(DriftRow.started < end)
        if start is not None:
            query = query.where((DriftRow.ended.is_(None)) | (DriftRow.ended > start))
        with Session(self.engine) as conn:
            rows = conn.execute(query).scalars().all()
        return [Drift(r.tag, r.unit, r.mode, r.card_version, _utc(r.started), _utc(r.ended), r.value, r.low,  # type: ignore[arg-type]
                      r.high, r.changed_by) for r in rows]
