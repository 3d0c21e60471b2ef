"""The standards module's service in a running HMI: cards, drift tracking on live values,
procedures offered by alarms, notes — on the plant database."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

from app.io.writes import WriteRequest, WriteResult
from app.standards.apply import ApplyResult, apply_card
from app.standards.cards import Card, CardStore, Drift
from app.standards.drift import DriftTracker
from app.standards.layout import load_standards
from app.standards.notes import NoteBoard
from app.standards.sop import SopRunner, load_sops

log = logging.getLogger(__name__)


class StandardsService:
    """Built by the module's ``setup(runtime)``; drift evaluated once a second."""

    def __init__(self, runtime: Any, engine: Any = None, period_s: float = 1.0) -> None:
        self.runtime = runtime
        layout = runtime.layout
        self.layout = load_standards(layout.folder, layout.tags)
        self.engine = engine if engine is not None else runtime.db
        audit = runtime.audit
        self.cards = CardStore(self.engine, audit)
        self.cards.seed(self.layout.cards)
        self.tracker = DriftTracker(self.cards, self.layout.modes, layout.tags)
        self.sops = SopRunner(self.engine, load_sops(self.layout.sop_folder, layout.tags), layout.tags, audit)
        self.notes = NoteBoard(self.engine)
        self.period_s = period_s
        self.listeners: list[Any] = []  # called with the active drifts after each evaluation
        runtime.write_path.audit_hooks.append(self._on_write)
        self._task: asyncio.Task[None] | None = None
        self._supervised = False

    def start(self) -> None:
        """Evaluate drifts once a second on the running loop (the module's ``start`` hook), as
        a task the runtime's supervisor watches (restarted if it ends, reported if it stalls)."""
        supervisor = getattr(self.runtime, "supervisor", None)
        if supervisor is not None:
            supervisor.spawn("standards drift", self.run, expected_period_s=max(10.0, 5 * self.period_s))
            self._supervised = True
        elif self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="standards-drift")

    def _on_write(self, request: WriteRequest, result: WriteResult) -> None:
        if result.ok:
            self.tracker.note_write(request.tag, request.user)

    def evaluate(self, now: datetime | None = None) -> list[Drift]:
        drifts = self.tracker.evaluate(self.runtime.store.values, now or datetime.now(UTC))
        for listener in list(self.listeners):
            listener(drifts)
        return drifts

    async def run(self) -> None:
        supervisor = getattr(self.runtime, "supervisor", None)
        while True:
            try:
                self.evaluate()
            except Exception:  # noqa: BLE001 - a database hiccup must not end drift tracking
                log.exception("drift tracking: evaluation failed; retrying")
            if self._supervised and supervisor is not None:
                supervisor.beat("standards drift")
            await asyncio.sleep(self.period_s)

    def drift_of(self, tag: str) -> Drift | None:
        return self.tracker.drift_of(tag)

    def current_card(self, unit: str) -> Card | None:
        return self.tracker.current_cards(self.runtime.store.values).get(unit)

    async def apply(self, card: Card, request_for: Any) -> ApplyResult:
        result = await apply_card(card, self.runtime.write_path.write, request_for)
        if self.runtime.audit is not None:
            self.runtime.audit.record("command", "card_applied", "success" if result.ok else "failure",
                                      user=self.runtime.session.username if self.runtime.session else "",
                                      target=f"{card.unit}/{card.mode} v{card.version}", detail=result.message)
        return result

    def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        supervisor = getattr(self.runtime, "supervisor", None)
        if self._supervised and supervisor is not None:
            supervisor.cancel("standards drift")
        if self._on_write in self.runtime.write_path.audit_hooks:
            self.runtime.write_path.audit_hooks.remove(self._on_write)
