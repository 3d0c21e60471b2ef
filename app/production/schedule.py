"""The scheduling problem of the converter aisle and the schedule it produces.

Times inside are whole minutes from the horizon start; :meth:`Schedule.to_json` writes the
issue's format (ISO times) plus a ``constraints`` section holding every figure a checker needs,
so a schedule file can be verified on its own (see :mod:`app.production.validator`).

One *batch* is one converter cycle and what follows from it: ``tap`` (smelting furnace) ->
``crane_move`` matte ladle to the converter -> ``charge`` -> ``slag_blow`` -> ``skim`` ->
(``crane_move`` slag ladle away) -> ``copper_blow`` -> ``pour`` -> ``crane_move`` blister
ladle to an anode furnace -> ``af_heat`` -> ``cast`` on the casting wheel.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from app.production.config import AisleConfig, Unavailability

BLOWING = ("slag_blow", "copper_blow")


class InfeasibleError(RuntimeError):
    """No schedule exists; the message names the constraint that cannot be met."""


@dataclass(frozen=True)
class Problem:
    """One scheduling run: the aisle data, when the horizon starts, the state of the units."""

    aisle: AisleConfig
    horizon_start: datetime
    horizon_h: int | None = None
    available_from: dict[str, int] = field(default_factory=dict)
    unavailable: tuple[Unavailability, ...] = ()
    frozen: dict[str, Task] = field(default_factory=dict)  # tasks already started: kept as they are
    bath_initial_t: int | None = None

    @property
    def horizon_min(self) -> int:
        return 60 * (self.horizon_h or self.aisle.horizon_h)

    @property
    def tail_min(self) -> int:
        """How far past the horizon the anode-furnace leg of a batch may run."""
        d = self.aisle.durations
        return 2 * (d["af_heat"] + d["cast"]) + 120

    @property
    def bath_initial(self) -> int:
        return self.aisle.bath_initial_t if self.bath_initial_t is None else self.bath_initial_t

    def all_unavailable(self) -> tuple[Unavailability, ...]:
        return (*self.aisle.unavailable, *self.unavailable)

    def move_minutes(self, a: str, b: str) -> int:
        """Duration of a loaded crane move between two bays."""
        return self.aisle.hook_min + self.aisle.travel(a, b)

    def turnaround(self) -> int:
        """Longest empty crane travel in the aisle (kept free after every move)."""
        bays = self.aisle.bays.values()
        return (max(bays) - min(bays)) * self.aisle.minutes_per_bay


@dataclass(frozen=True)
class Task:
    id: str
    resource: str
    kind: str
    start: int
    end: int
    batch: str
    after: tuple[str, ...] = ()
    src: str = ""  # crane moves: from bay / to bay
    dst: str = ""
    role: str = ""  # crane moves: matte / slag / blister


def batch_id(converter: str, j: int) -> str:
    return f"{converter}-{j + 1}"


@dataclass
class Schedule:
    """A schedule: tasks plus the hours the smelting furnace feed is cut."""

    problem: Problem
    tasks: list[Task]
    feed_cut_hours: list[int]
    rule: str
    status: str = "FEASIBLE"
    solve_s: float = 0.0
    bound: float | None = None

    def by_batch(self) -> dict[str, dict[str, Task]]:
        out: dict[str, dict[str, Task]] = {}
        for t in self.tasks:
            key = t.role or t.kind
            out.setdefault(t.batch, {})[key] = t
        return out

    def objective(self) -> dict[str, float]:
        """Copper poured (blister, to the anode furnaces) within the horizon, ladle waiting, feed
        cut, and the weighted value (higher is better)."""
        a = self.problem.aisle
        batches = self.by_batch()
        cast = sum(1 for b in batches.values() if "pour" in b and b["pour"].end <= self.problem.horizon_min)
        wait_min = 0
        for b in batches.values():
            if {"tap", "matte", "charge"} <= b.keys():
                wait_min += b["charge"].start - b["tap"].end - (b["matte"].end - b["matte"].start)
            if {"pour", "blister", "af_heat"} <= b.keys():
                wait_min += b["af_heat"].start - b["pour"].end - (b["blister"].end - b["blister"].start)
        copper = cast * a.copper_per_batch_t
        wait_h = wait_min / 60.0
        cut_h = float(len(self.feed_cut_hours))
        w = a.weights
        value = w["copper_t"] * copper - w["ladle_wait_h"] * wait_h - w["feed_cut_h"] * cut_h
        return {"value": round(value, 3), "copper_t": float(copper), "batches": float(cast),
                "ladle_wait_h": round(wait_h, 3), "feed_cut_h": cut_h}

    def to_json(self) -> dict[str, Any]:
        """The schedule file: the issue's format plus ``constraints`` for a checker."""
        p = self.problem
        a = p.aisle
        t0 = p.horizon_start

        def iso(m: int) -> str:
            return (t0 + timedelta(minutes=m)).isoformat()

        tasks: list[dict[str, Any]] = []
        for t in sorted(self.tasks, key=lambda t: (t.start, t.id)):
            d: dict[str, Any] = {"id": t.id, "resource": t.resource, "kind": t.kind, "start": iso(t.start),
                                 "end": iso(t.end), "batch": t.batch, "after": list(t.after)}
            if t.kind == "crane_move":
                d["from"], d["to"], d["ladle"] = t.src, t.dst, t.role
            if t.id in p.frozen:
                d["frozen"] = True
            tasks.append(d)
        for h in self.feed_cut_hours:
            tasks.append({"id": f"SMF-feedcut-{h}", "resource": a.smelting_furnace, "kind": "feed_cut",
                          "start": iso(60 * h), "end": iso(60 * h + 60), "batch": "", "after": []})
        bays = a.bays
        travel = {x: {y: a.travel(x, y) for y in bays} for x in bays}
        obj: dict[str, Any] = dict(self.objective())
        obj.update({"rule": self.rule, "status": self.status, "solve_s": round(self.solve_s, 2)})
        if self.bound is not None:
            obj["bound"] = round(self.bound, 3)
        return {
            "horizon_start": t0.isoformat(),
            "horizon_h": p.horizon_min // 60,
            "objective": obj,
            "tasks": tasks,
            "constraints": {
                "resources": {"converters": list(a.converters), "cranes": list(a.cranes),
                              "anode_furnaces": list(a.anode_furnaces), "casting": a.casting,
                              "smelting_furnace": a.smelting_furnace},
                "durations_min": dict(a.durations),
                "blowing_kinds": list(BLOWING),
                "acid_plant_max_blowing": a.acid_max_blowing,
                "ladles": {"matte": a.matte_ladles, "blister": a.blister_ladles},
                "crane": {"hook_min": a.hook_min, "travel_min": travel},
                "smelting_furnace": {"matte_rate_t_h": a.matte_rate_t_h, "tap_t": a.tap_t,
                                     "bath_initial_t": p.bath_initial, "bath_max_t": a.bath_max_t},
                "available_from": {r: iso(m) for r, m in sorted(p.available_from.items())},
                "unavailable": [{"resource": u.resource, "start": iso(u.start), "end": iso(u.end), "kind": u.kind,
                                 "reason": u.reason} for u in p.all_unavailable()],
                "copper_per_batch_t": a.copper_per_batch_t,
                "may_end_after_horizon": ["af_heat", "cast", "crane_move:blister"],
                "weights": dict(a.weights),
            },
        }


def with_horizon(problem: Problem, **changes: Any) -> Problem:
    return replace(problem, **changes)
