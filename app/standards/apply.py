"""Apply a card: write every setpoint of an approved card as one confirmed batch.

Each write goes through the existing write path (permission, limits, read-back, audit); the
caller makes the request (critical tags carry the two-person signature). The first refused or
failed write stops the batch and the result says which writes were done and which was not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from app.io.writes import WriteRequest, WriteResult
from app.standards.cards import Card


@dataclass
class ApplyResult:
    card: Card
    done: list[WriteResult] = field(default_factory=list)
    failed: WriteResult | None = None
    not_tried: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.not_tried

    @property
    def message(self) -> str:
        title = f"card {self.card.unit}/{self.card.mode} v{self.card.version}"
        if self.ok:
            return f"{title}: all {len(self.done)} setpoint(s) written and confirmed"
        done = ", ".join(r.tag for r in self.done) or "none"
        failed = f"{self.failed.tag}: {self.failed.message}" if self.failed else "cancelled"
        return (f"{title}: stopped at {failed}. Done: {done}. Not written: {', '.join(self.not_tried) or 'none'}")


async def apply_card(
    card: Card,
    write: Callable[[WriteRequest], Awaitable[WriteResult]],
    request_for: Callable[[str, float], WriteRequest | None],
) -> ApplyResult:
    """Write the card's targets in order; ``request_for(tag, value)`` returns the request (None:
    the user cancelled, e.g. a signature dialog) — the batch stops there."""
    result = ApplyResult(card)
    items = list(card.items)
    for index, item in enumerate(items):
        request = request_for(item.tag, item.target)
        if request is None:
            result.not_tried = [i.tag for i in items[index:]]
            return result
        outcome = await write(request)
        if not outcome.ok:
            result.failed = outcome
            result.not_tried = [i.tag for i in items[index + 1:]]
            return result
        result.done.append(outcome)
    return result
