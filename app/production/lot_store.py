"""Lots and links in the plant database, and the genealogy in both directions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as DbSession

from app.production.models import LotLink, LotRecord
from app.production.tracking import Link, Lot, LotSink, assay_json


def _lot(row: LotRecord) -> Lot:
    return Lot(row.lot, row.kind, row.unit, row.start, row.end, row.mass_t, json.loads(row.assay or "{}"), row.note)


class LotStore(LotSink):
    """The tracker's sink in the database (lots survive restarts; open lots resume)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save_lot(self, lot: Lot) -> None:
        with DbSession(self.engine) as db, db.begin():
            row = db.execute(select(LotRecord).where(LotRecord.lot == lot.lot)).scalar_one_or_none()
            if row is None:
                row = LotRecord(lot=lot.lot)
                db.add(row)
            row.kind, row.unit, row.start, row.end = lot.kind, lot.unit, lot.start, lot.end
            row.mass_t, row.assay, row.note = float(lot.mass_t), assay_json(lot), lot.note

    def save_link(self, link: Link) -> None:
        with DbSession(self.engine) as db, db.begin():
            db.add(LotLink(child=link.child, parent=link.parent, mass_t=float(link.mass_t), note=link.note))

    def open_lots(self) -> list[Lot]:
        with DbSession(self.engine) as db:
            rows = db.execute(select(LotRecord).where(LotRecord.end.is_(None), LotRecord.kind != "gap")).scalars()
            return [_lot(r) for r in rows]

    def lot(self, lot_id: str) -> Lot | None:
        with DbSession(self.engine) as db:
            row = db.execute(select(LotRecord).where(LotRecord.lot == lot_id)).scalar_one_or_none()
            return _lot(row) if row else None

    def lots(self, kind: str | None = None) -> list[Lot]:
        with DbSession(self.engine) as db:
            q = select(LotRecord).order_by(LotRecord.start)
            if kind:
                q = q.where(LotRecord.kind == kind)
            return [_lot(r) for r in db.execute(q).scalars()]

    def links(self) -> list[Link]:
        with DbSession(self.engine) as db:
            return [Link(r.child, r.parent, r.mass_t, r.note) for r in db.execute(select(LotLink)).scalars()]


@dataclass
class Node:
    """One lot in a genealogy tree; ``lot`` ``None`` with ``gap`` text: origin unknown."""

    lot: Lot | None
    mass_t: float
    note: str = ""
    gap: str = ""
    children: list[Node] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"mass_t": round(self.mass_t, 3), "note": self.note}
        if self.lot is None:
            d["gap"] = self.gap
        else:
            d.update({"lot": self.lot.lot, "kind": self.lot.kind, "unit": self.lot.unit, "start": self.lot.start.isoformat(),
                      "end": self.lot.end.isoformat() if self.lot.end else None, "lot_mass_t": round(self.lot.mass_t, 3),
                      "assay": {k: v for k, v in self.lot.assay.items() if not k.startswith("_")}})
            if self.lot.kind == "gap":
                d["gap"] = self.lot.note
        d["from" if self.children and self.lot and self.lot.kind != "concentrate" else "items"] = [c.to_json() for c in self.children]
        return d

    def leaves(self, kind: str) -> set[str]:
        found = {self.lot.lot} if self.lot is not None and self.lot.kind == kind else set()
        for c in self.children:
            found |= c.leaves(kind)
        return found

    def has_gap(self) -> bool:
        return (self.lot is None or self.lot.kind == "gap") or any(c.has_gap() for c in self.children)


def trace(store: LotStore, lot_id: str, direction: str) -> Node:
    """``direction`` ``"back"``: what a lot was made from (down to concentrate);
    ``"forward"``: what was made from it (up to cathode). Raises ``KeyError`` if unknown."""
    lots = {lot.lot: lot for lot in store.lots()}
    if lot_id not in lots:
        raise KeyError(lot_id)
    links = store.links()
    by_child: dict[str, list[Link]] = {}
    by_parent: dict[str, list[Link]] = {}
    for link in links:
        by_child.setdefault(link.child, []).append(link)
        by_parent.setdefault(link.parent, []).append(link)

    def back(lot: Lot, mass: float, note: str, seen: frozenset[str]) -> Node:
        node = Node(lot, mass, note)
        for link in by_child.get(lot.lot, []):
            if link.parent == "":
                node.children.append(Node(None, link.mass_t, link.note, gap=link.note))
            elif link.parent in lots and link.parent not in seen:
                node.children.append(back(lots[link.parent], link.mass_t, link.note, seen | {link.parent}))
        return node

    def forward(lot: Lot, mass: float, note: str, seen: frozenset[str]) -> Node:
        node = Node(lot, mass, note)
        for link in by_parent.get(lot.lot, []):
            if link.child in lots and link.child not in seen:
                node.children.append(forward(lots[link.child], link.mass_t, link.note, seen | {link.child}))
        return node

    start = lots[lot_id]
    return back(start, start.mass_t, "", frozenset({lot_id})) if direction == "back" else forward(start, start.mass_t, "", frozenset({lot_id}))
