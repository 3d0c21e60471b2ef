"""Drift tracking: live setpoints against the approved card of their unit's current mode.

A setpoint outside its card's band for longer than the item's grace time is a *drift*: kept
in the database with when it started, the value, the band, the card version and who last
wrote the setpoint; it ends when the value is back in the band or the unit leaves that mode.
Before the grace time nothing is recorded (a setpoint being walked to a new value is not a
drift). Bad or missing values neither start nor end a drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from app.core.tags import DataType, TagValue
from app.standards.cards import Card, CardStore, Drift
from app.standards.layout import ModeSource, mode_of


class DriftTracker:
    def __init__(self, store: CardStore, modes: Mapping[str, ModeSource], definitions: Mapping[str, Any]) -> None:
        self.store = store
        self.modes = dict(modes)
        self.definitions = definitions
        self.pending: dict[str, datetime] = {}  # tag -> outside its band since
        self.active: dict[str, Drift] = {d.tag: d for d in store.drifts(open_only=True)}
        self.last_writer: dict[str, str] = {}
        self._cards: dict[tuple[str, str], Card] = store.approved()

    def reload_cards(self) -> None:
        """Take newly approved cards into account."""
        self._cards = self.store.approved()

    def note_write(self, tag: str, user: str) -> None:
        self.last_writer[tag] = user

    def unit_mode(self, unit: str, values: Mapping[str, TagValue]) -> str:
        source = self.modes.get(unit)
        if source is None:
            return "normal"
        plain: dict[str, object] = {}
        for name in source.tags():
            value = values.get(name)
            if value is None or not value.is_good or value.value is None:
                continue
            definition = self.definitions.get(name)
            if definition is not None and definition.data_type is DataType.STATE:
                plain[name] = definition.format_value(value.value)
            else:
                plain[name] = value.value
        return mode_of(source, plain)

    def current_cards(self, values: Mapping[str, TagValue]) -> dict[str, Card]:
        """unit -> the approved card of its current mode (units with a card only)."""
        units = {unit for unit, _mode in self._cards}
        result: dict[str, Card] = {}
        for unit in units:
            card = self._cards.get((unit, self.unit_mode(unit, values)))
            if card is not None:
                result[unit] = card
        return result

    def evaluate(self, values: Mapping[str, TagValue], now: datetime) -> list[Drift]:
        """Update pending and active drifts from ``values``; returns the active drifts."""
        watched: set[str] = set()
        for unit, card in self.current_cards(values).items():
            for item in card.items:
                watched.add(item.tag)
                value = values.get(item.tag)
                if value is None or not value.is_good or not isinstance(value.value, int | float) or isinstance(value.value, bool):
                    continue  # unknown: neither starts nor ends a drift
                number = float(value.value)
                if item.holds(number):
                    self.pending.pop(item.tag, None)
                    self._end(item.tag, now)
                    continue
                since = self.pending.setdefault(item.tag, now)
                if item.tag not in self.active and (now - since).total_seconds() >= item.grace_s:
                    drift = Drift(item.tag, unit, card.mode, card.version, since, None, number, item.low, item.high,
                                  self.last_writer.get(item.tag, ""))
                    self.store.open_drift(drift)
                    self.active[item.tag] = drift
        for tag in [t for t in self.active if t not in watched]:  # the unit left that mode
            self._end(tag, now)
        for tag in [t for t in self.pending if t not in watched]:
            self.pending.pop(tag)
        return list(self.active.values())

    def _end(self, tag: str, now: datetime) -> None:
        if self.active.pop(tag, None) is not None:
            self.store.close_drift(tag, now)

    def drift_of(self, tag: str) -> Drift | None:
        return self.active.get(tag)
