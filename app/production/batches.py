"""The task chain of one batch (shared by the CP-SAT model and the greedy rule)."""

from __future__ import annotations

from dataclasses import dataclass

from app.production.schedule import Task

CHAIN = ("tap", "matte", "charge", "slag_blow", "skim", "slag", "copper_blow", "pour", "blister", "af_heat", "cast")
MOVES = {"matte", "slag", "blister"}
AFTER = {
    "tap": (), "matte": ("tap",), "charge": ("matte",), "slag_blow": ("charge",), "skim": ("slag_blow",),
    "slag": ("skim",), "copper_blow": ("skim",), "pour": ("copper_blow",), "blister": ("pour",),
    "af_heat": ("blister",), "cast": ("af_heat",),
}


def task_id(batch: str, step: str) -> str:
    return f"{batch}-move_{step}" if step in MOVES else f"{batch}-{step}"


@dataclass
class Placed:
    """Where one step of a batch went (resource, times, crane-move bays)."""

    resource: str
    start: int
    end: int
    src: str = ""
    dst: str = ""


def make_tasks(batch: str, converter: str, steps: dict[str, Placed], previous_batch: str | None) -> list[Task]:
    """The batch's tasks in the schedule format (``after`` lists filled in)."""
    out = []
    for step in CHAIN:
        if step not in steps:
            continue
        p = steps[step]
        after = [task_id(batch, s) for s in AFTER[step]]
        if step == "charge" and previous_batch:
            after.append(task_id(previous_batch, "pour"))
        kind = "crane_move" if step in MOVES else step
        out.append(Task(task_id(batch, step), p.resource, kind, p.start, p.end, batch, tuple(after),
                        p.src, p.dst, step if step in MOVES else ""))
    return out
