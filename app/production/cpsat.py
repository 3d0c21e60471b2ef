"""The converter-aisle schedule as a CP-SAT model (OR-Tools >= 9.12, snake_case API).

Whole minutes from the horizon start. Batches are optional (up to ``max_batches_per_converter``
per converter, in order); the weighted objective rewards copper cast within the horizon and
penalises ladle waiting and hours the smelting furnace feed is cut. Constraints, by the names
used when a problem is infeasible:

- ``horizon``: every task of a scheduled batch ends inside the horizon;
- ``converters``: one batch at a time per converter, stages in order;
- ``acid_plant``: at most N converters blowing at once;
- ``cranes``: one move at a time per crane, with the longest empty travel kept free after each;
- ``ladles``: matte ladle sets busy from tap to end of charge, blister sets from pour to AF start;
- ``smelting_furnace``: matte available for every tap, bath below its limit (feed cut otherwise);
- ``anode_furnaces``: one heat at a time, held until its cast ends; ``casting_wheel``: one cast;
- ``maintenance``: planned windows (empty unit) and breakdowns (no task on the unit).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.production.batches import CHAIN, MOVES, Placed, make_tasks, task_id
from app.production.schedule import BLOWING, InfeasibleError, Problem, Schedule, Task, batch_id

GROUPS = ("horizon", "converters", "acid_plant", "cranes", "ladles", "smelting_furnace",
          "anode_furnaces", "casting_wheel", "maintenance", "targets")
GROUP_TEXT = {
    "horizon": "the horizon is too short for the batches required",
    "converters": "converter availability (one batch at a time)",
    "acid_plant": "acid-plant gas capacity (converters blowing at once)",
    "cranes": "crane capacity (one move at a time)",
    "ladles": "ladle sets in circulation",
    "smelting_furnace": "smelting-furnace matte availability / bath level",
    "anode_furnaces": "anode furnace capacity",
    "casting_wheel": "casting wheel capacity",
    "maintenance": "maintenance windows and breakdowns",
    "targets": "the required batches",
}
#: progress(elapsed_s, objective value, best bound)
Progress = Callable[[float, float, float], None]


@dataclass
class Requirements:
    """Hard requirements that can make a problem infeasible."""

    min_batches: int = 0            # batches cast within the horizon
    max_feed_cut_h: int | None = None


class _Model:
    def __init__(self, problem: Problem, req: Requirements, relax: frozenset[str] = frozenset()) -> None:
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.p = problem
        self.req = req
        self.relax = relax
        m = self.m = cp_model.CpModel()
        a = problem.aisle
        d = a.durations
        H0 = problem.horizon_min if "horizon" not in relax else problem.horizon_min * 4
        # the anode-furnace leg of a batch poured in the horizon may run past its end
        H = H0 + problem.tail_min
        self.H = H
        turn = problem.turnaround()
        self.present: dict[str, Any] = {}
        self.start: dict[tuple[str, str], Any] = {}
        self.end: dict[tuple[str, str], Any] = {}
        self.crane_lit: dict[tuple[str, str, str], Any] = {}  # (batch, step, crane)
        self.af_lit: dict[tuple[str, str], Any] = {}          # (batch, af)
        self.batch_conv: dict[str, str] = {}
        self.waits: dict[str, Any] = {}
        self.prev_batch: dict[str, str | None] = {}
        crane_iv: dict[str, list[Any]] = {c: [] for c in a.cranes}
        af_span: dict[str, list[Any]] = {x: [] for x in a.anode_furnaces}
        af_heat_iv: dict[str, list[Any]] = {x: [] for x in a.anode_furnaces}
        taps: list[Any] = []
        tap_events: list[tuple[Any, Any]] = []
        casts: list[Any] = []
        blows: list[Any] = []
        matte_ladle: list[Any] = []
        blister_ladle: list[Any] = []
        waits: list[Any] = []
        unav = problem.all_unavailable() if "maintenance" not in relax else ()
        avail = problem.available_from

        self.sizes: list[tuple[Any, str, tuple[str, str], tuple[str, str], str]] = []  # for complete hints

        def span_iv(start: Any, end: Any, lit: Any, name: str, key: tuple[str, tuple[str, str], tuple[str, str], str]) -> Any:
            size = m.new_int_var(0, H, f"sz_{name}")
            self.sizes.append((size, *key))
            return m.new_optional_interval_var(start, size, end, lit, name)

        def fixed_windows(res: str, kinds: tuple[str, ...]) -> list[Any]:
            return [m.new_fixed_size_interval_var(u.start, u.end - u.start, f"out_{res}_{i}")
                    for i, u in enumerate(unav) if u.resource == res and u.kind in kinds]

        for c in a.converters:
            spans, stages = [], []
            prev = None
            for j in range(a.max_batches_per_converter):
                b = batch_id(c, j)
                self.batch_conv[b] = c
                self.prev_batch[b] = prev
                pres = m.new_bool_var(f"p_{b}")
                self.present[b] = pres
                if prev is not None:
                    m.add_implication(pres, self.present[prev])
                for step in CHAIN:
                    self.start[b, step] = m.new_int_var(0, H, f"s_{b}_{step}")
                    self.end[b, step] = m.new_int_var(0, H, f"e_{b}_{step}")
                S, E = self.start, self.end
                for step in CHAIN:
                    if step in MOVES:
                        continue
                    m.add(E[b, step] == S[b, step] + d[step])
                for step in ("tap", "matte", "charge", "slag_blow", "skim", "slag", "copper_blow", "pour"):
                    m.add(E[b, step] <= H0).only_enforce_if(pres)
                # chain
                for before, after in (("tap", "matte"), ("matte", "charge"), ("charge", "slag_blow"), ("slag_blow", "skim"),
                                      ("skim", "slag"), ("skim", "copper_blow"), ("copper_blow", "pour"), ("pour", "blister"),
                                      ("blister", "af_heat"), ("af_heat", "cast")):
                    m.add(S[b, after] >= E[b, before]).only_enforce_if(pres)
                if prev is not None and "converters" not in relax:
                    m.add(S[b, "charge"] >= E[prev, "pour"]).only_enforce_if(pres)
                if c in avail:
                    m.add(S[b, "charge"] >= avail[c]).only_enforce_if(pres)
                # converter span and stages
                span = span_iv(S[b, "charge"], E[b, "pour"], pres, f"span_{b}", (b, ("charge", "s"), ("pour", "e"), ""))
                spans.append(span)
                for st in ("charge", "slag_blow", "skim", "copper_blow", "pour"):
                    iv = m.new_optional_fixed_size_interval_var(S[b, st], d[st], pres, f"iv_{b}_{st}")
                    stages.append(iv)
                    if st in BLOWING:
                        blows.append(iv)
                # tap
                tap = m.new_optional_fixed_size_interval_var(S[b, "tap"], d["tap"], pres, f"tap_{b}")
                taps.append(tap)
                tap_events.append((S[b, "tap"], pres))
                if a.smelting_furnace in avail:
                    m.add(S[b, "tap"] >= avail[a.smelting_furnace]).only_enforce_if(pres)
                # crane moves
                for step, src, dst in (("matte", a.smelting_furnace, c), ("slag", c, "SLAG")):
                    dur = problem.move_minutes(src, dst)
                    m.add(E[b, step] == S[b, step] + dur)
                    lits = []
                    for k in a.cranes:
                        lit = m.new_bool_var(f"k_{b}_{step}_{k}")
                        lits.append(lit)
                        self.crane_lit[b, step, k] = lit
                        crane_iv[k].append(m.new_optional_fixed_size_interval_var(S[b, step], dur + turn, lit, f"mv_{b}_{step}_{k}"))
                        if k in avail:
                            m.add(S[b, step] >= avail[k]).only_enforce_if(lit)
                    m.add(sum(lits) == pres)
                # blister move: crane x anode furnace
                zs = []
                for x in a.anode_furnaces:
                    z = m.new_bool_var(f"af_{b}_{x}")
                    self.af_lit[b, x] = z
                    zs.append(z)
                    dur = problem.move_minutes(c, x)
                    m.add(E[b, "blister"] == S[b, "blister"] + dur).only_enforce_if(z)
                    for k in a.cranes:
                        y = m.new_bool_var(f"y_{b}_{k}_{x}")
                        self.crane_lit[b, f"blister@{x}", k] = y
                        crane_iv[k].append(m.new_optional_fixed_size_interval_var(S[b, "blister"], dur + turn, y, f"mvb_{b}_{k}_{x}"))
                        if k in avail:
                            m.add(S[b, "blister"] >= avail[k]).only_enforce_if(y)
                    m.add(sum(self.crane_lit[b, f"blister@{x}", k] for k in a.cranes) == z)
                    af_span[x].append(span_iv(S[b, "af_heat"], E[b, "cast"], z, f"afspan_{b}_{x}", (b, ("af_heat", "s"), ("cast", "e"), x)))
                    af_heat_iv[x].append(m.new_optional_fixed_size_interval_var(S[b, "af_heat"], d["af_heat"], z, f"afheat_{b}_{x}"))
                    if x in avail:
                        m.add(S[b, "af_heat"] >= avail[x]).only_enforce_if(z)
                m.add(sum(zs) == pres)
                casts.append(m.new_optional_fixed_size_interval_var(S[b, "cast"], d["cast"], pres, f"cast_{b}"))
                if a.casting in avail:
                    m.add(S[b, "cast"] >= avail[a.casting]).only_enforce_if(pres)
                # ladles
                matte_ladle.append(span_iv(S[b, "tap"], E[b, "charge"], pres, f"ml_{b}", (b, ("tap", "s"), ("charge", "e"), "")))
                blister_ladle.append(span_iv(S[b, "pour"], S[b, "af_heat"], pres, f"bl_{b}", (b, ("pour", "s"), ("af_heat", "s"), "")))
                # ladle waiting (minutes a full ladle stands beyond its crane move)
                wait = m.new_int_var(0, 2 * H, f"wait_{b}")
                blister_dur = sum(z * problem.move_minutes(c, x) for z, x in zip(zs, a.anode_furnaces, strict=True))
                m.add(wait == (S[b, "charge"] - E[b, "tap"] - problem.move_minutes(a.smelting_furnace, c))
                      + (S[b, "af_heat"] - E[b, "pour"] - blister_dur)).only_enforce_if(pres)
                m.add(wait == 0).only_enforce_if(~pres)
                waits.append(wait)
                self.waits[b] = wait
                prev = b
            if "converters" not in relax:
                m.add_no_overlap(spans + fixed_windows(c, ("maintenance",)))
            m.add_no_overlap(stages + fixed_windows(c, ("breakdown",)))
        if "cranes" not in relax:
            for k in a.cranes:
                m.add_no_overlap(crane_iv[k] + fixed_windows(k, ("maintenance", "breakdown")))
        for x in a.anode_furnaces:
            if "anode_furnaces" not in relax:
                m.add_no_overlap(af_span[x] + fixed_windows(x, ("maintenance",)))
            m.add_no_overlap(af_heat_iv[x] + fixed_windows(x, ("breakdown",)))
        if "casting_wheel" not in relax:
            m.add_no_overlap(casts + fixed_windows(a.casting, ("maintenance", "breakdown")))
        m.add_no_overlap(taps + fixed_windows(a.smelting_furnace, ("maintenance", "breakdown")))
        if "acid_plant" not in relax:
            m.add_cumulative(blows, [1] * len(blows), a.acid_max_blowing)
        if "ladles" not in relax:
            m.add_cumulative(matte_ladle, [1] * len(matte_ladle), a.matte_ladles)
            m.add_cumulative(blister_ladle, [1] * len(blister_ladle), a.blister_ladles)
        # smelting furnace: matte produced in fed hours, tapped by batches
        hours = problem.horizon_min // 60  # bath tracked over the horizon itself
        self.fed = [m.new_bool_var(f"fed_{h}") for h in range(hours)]
        if "smelting_furnace" not in relax:
            one = m.new_bool_var("always")
            m.add(one == 1)
            init = problem.bath_initial
            t_min = [0] + [60 * (h + 1) for h in range(hours)] + [s for s, _ in tap_events]
            ch_min = [init] + [a.matte_rate_t_h] * hours + [-a.tap_t] * len(tap_events)
            act_min = [one] + list(self.fed) + [p for _, p in tap_events]
            m.add_reservoir_constraint_with_active(t_min, ch_min, act_min, 0, 10**9)
            t_max = [0] + [60 * h for h in range(hours)] + [s for s, _ in tap_events]
            m.add_reservoir_constraint_with_active(t_max, ch_min, act_min, -(10**9), a.bath_max_t)
        cut_h = hours - sum(self.fed)
        if req.max_feed_cut_h is not None and "smelting_furnace" not in relax:
            m.add(cut_h <= req.max_feed_cut_h)
        if req.min_batches and "targets" not in relax:
            m.add(sum(self.present.values()) >= req.min_batches)
        # tasks already under way
        for tid, t in problem.frozen.items():
            b, step = self._split(tid)
            m.add(self.present[b] == 1)
            m.add(self.start[b, step] == t.start)
            if step in MOVES:
                key = f"blister@{t.dst}" if step == "blister" else step
                m.add(self.crane_lit[b, key, t.resource] == 1)
            if step == "af_heat":
                m.add(self.af_lit[b, t.resource] == 1)
        w = a.weights
        m.maximize(int(round(6000 * w["copper_t"] * a.copper_per_batch_t)) * sum(self.present.values())
                   - int(round(100 * w["ladle_wait_h"])) * sum(waits)
                   - int(round(6000 * w["feed_cut_h"])) * cut_h)

    def _split(self, tid: str) -> tuple[str, str]:
        for b in self.present:
            if tid.startswith(b + "-"):
                rest = tid[len(b) + 1:]
                return b, rest[len("move_"):] if rest.startswith("move_") else rest
        raise InfeasibleError(f"frozen task {tid!r} belongs to no batch of this aisle")

    def hint(self, schedule: Schedule) -> None:
        by = schedule.by_batch()
        m = self.m
        for b, pres in self.present.items():
            steps = by.get(b)
            m.add_hint(pres, 1 if steps and "pour" in steps else 0)
            if not steps or "pour" not in steps:  # absent: a complete hint all the same (faster start)
                a = self.p.aisle
                for step in CHAIN:
                    m.add_hint(self.start[b, step], 0)
                    dur = self.p.move_minutes(a.smelting_furnace, self.batch_conv[b]) if step == "matte" else (
                        self.p.move_minutes(self.batch_conv[b], "SLAG") if step == "slag" else a.durations.get(step, 0))
                    m.add_hint(self.end[b, step], dur if step != "blister" else 0)
                m.add_hint(self.waits[b], 0)
                for x in a.anode_furnaces:
                    m.add_hint(self.af_lit[b, x], 0)
                for k in a.cranes:
                    for key in ("matte", "slag", *(f"blister@{x}" for x in a.anode_furnaces)):
                        m.add_hint(self.crane_lit[b, key, k], 0)
                continue
            for step in CHAIN:
                if step in steps:
                    m.add_hint(self.start[b, step], steps[step].start)
                    m.add_hint(self.end[b, step], steps[step].end)
            st = steps
            m.add_hint(self.waits[b], (st["charge"].start - st["tap"].end - (st["matte"].end - st["matte"].start))
                       + (st["af_heat"].start - st["pour"].end - (st["blister"].end - st["blister"].start)))
            a = self.p.aisle
            for x in a.anode_furnaces:
                m.add_hint(self.af_lit[b, x], 1 if steps["af_heat"].resource == x else 0)
            for k in a.cranes:
                for step in ("matte", "slag"):
                    m.add_hint(self.crane_lit[b, step, k], 1 if steps[step].resource == k else 0)
                for x in a.anode_furnaces:
                    hit = steps["blister"].resource == k and steps["blister"].dst == x
                    m.add_hint(self.crane_lit[b, f"blister@{x}", k], 1 if hit else 0)
        by_all = schedule.by_batch()
        for size, b, (s_step, s_edge), (e_step, e_edge), af in self.sizes:
            steps = by_all.get(b)
            if not steps or "pour" not in steps or (af and steps["af_heat"].resource != af):
                m.add_hint(size, 0)
                continue
            a_t, b_t = steps[s_step], steps[e_step]
            m.add_hint(size, (b_t.end if e_edge == "e" else b_t.start) - (a_t.start if s_edge == "s" else a_t.end))
        cut = set(schedule.feed_cut_hours)
        for h, f in enumerate(self.fed):
            m.add_hint(f, 0 if h in cut else 1)

    def extract(self, solver: Any, rule: str, status: str, elapsed: float) -> Schedule:
        a = self.p.aisle
        tasks: list[Task] = []
        for b, pres in self.present.items():
            if not solver.value(pres):
                continue
            c = self.batch_conv[b]
            steps: dict[str, Placed] = {}
            af = next(x for x in a.anode_furnaces if solver.value(self.af_lit[b, x]))
            for step in CHAIN:
                s, e = solver.value(self.start[b, step]), solver.value(self.end[b, step])
                if step == "tap":
                    steps[step] = Placed(a.smelting_furnace, s, e)
                elif step in MOVES:
                    key = f"blister@{af}" if step == "blister" else step
                    k = next(k for k in a.cranes if solver.value(self.crane_lit[b, key, k]))
                    src, dst = {"matte": (a.smelting_furnace, c), "slag": (c, "SLAG"), "blister": (c, af)}[step]
                    steps[step] = Placed(k, s, s + self.p.move_minutes(src, dst), src, dst)
                elif step == "af_heat":
                    steps[step] = Placed(af, s, e)
                elif step == "cast":
                    steps[step] = Placed(a.casting, s, e)
                else:
                    steps[step] = Placed(c, s, e)
            prev = self.prev_batch[b]
            tasks += make_tasks(b, c, steps, prev)
        cuts = [h for h, f in enumerate(self.fed) if not solver.value(f)]
        return Schedule(self.p, tasks, cuts, rule, status, elapsed, solver.best_objective_bound / 6000.0)


def solve(problem: Problem, *, time_limit_s: float = 10.0, workers: int = 2, seed: int = 0,
          requirements: Requirements | None = None, hint: Schedule | None = None,
          progress: Progress | None = None, stop: threading.Event | None = None) -> Schedule:
    """Solve with CP-SAT within ``time_limit_s``; raise :class:`InfeasibleError` naming the
    constraint when no schedule exists. ``progress`` is called on each better solution;
    setting ``stop`` ends the search early with the best schedule so far."""
    from ortools.sat.python import cp_model

    req = requirements or Requirements()
    _precheck(problem, req)
    model = _Model(problem, req)
    if hint is None and not problem.frozen and not req.min_batches:
        from app.production.greedy import greedy

        hint = greedy(problem)  # warm start from the plant's rule
    if hint is not None:
        model.hint(hint)
    began = time.monotonic()

    class _Cb(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if progress is not None:
                progress(time.monotonic() - began, self.objective_value / 6000.0, self.best_objective_bound / 6000.0)
            if stop is not None and stop.is_set():
                self.stop_search()

    def run(m: _Model, budget: float) -> tuple[Any, Any]:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.5, budget)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = seed
        return solver, solver.solve(m.m, _Cb())

    # phase 1 (70 % of the budget): which batches, where; phase 2 (the rest): the same batches
    # kept, their timing polished (ladle waiting, feed cuts) from the phase-1 schedule.
    solver, status = run(model, 0.7 * time_limit_s)
    elapsed = time.monotonic() - began
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        name = "OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE"
        first = model.extract(solver, "cpsat", name, elapsed)
        if hint is not None and hint.objective()["value"] > first.objective()["value"]:
            # the search has not caught up with its warm start yet: polish the warm start instead
            name = "FEASIBLE"
            first = Schedule(problem, list(hint.tasks), list(hint.feed_cut_hours), "cpsat", "FEASIBLE", elapsed, first.bound)
            status = cp_model.FEASIBLE
        left = time_limit_s - elapsed
        if status == cp_model.FEASIBLE and left >= 1.0 and not (stop is not None and stop.is_set()):
            polish = _Model(problem, req)
            polish.hint(first)
            kept = first.by_batch()
            for b, pres in polish.present.items():
                polish.m.add(pres == (1 if b in kept else 0))
            solver2, status2 = run(polish, left - 0.3)
            if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                second = polish.extract(solver2, "cpsat", "FEASIBLE", time.monotonic() - began)
                second.bound = first.bound
                if second.objective()["value"] >= first.objective()["value"]:
                    return second
        first.solve_s = time.monotonic() - began
        return first
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError(_diagnose(problem, req, time_limit_s))
    if hint is not None and not problem.frozen:
        hint.status, hint.solve_s = "HINT_ONLY", elapsed  # the solver found nothing better in time
        return hint
    raise InfeasibleError(f"no schedule found within {time_limit_s:g} s (status {solver.status_name(status)}); give the solver more time")


def _precheck(problem: Problem, req: Requirements) -> None:
    a = problem.aisle
    d = a.durations
    batch_min = d["tap"] + problem.move_minutes(a.smelting_furnace, a.converters[0]) + sum(
        d[s] for s in ("charge", "slag_blow", "skim", "copper_blow", "pour"))
    if req.min_batches and batch_min > problem.horizon_min:
        raise InfeasibleError(f"horizon: one batch takes at least {batch_min} min to its pour, the horizon is {problem.horizon_min} min")
    if req.min_batches > len(a.converters) * a.max_batches_per_converter:
        raise InfeasibleError(f"targets: {req.min_batches} batches required, at most "
                              f"{len(a.converters) * a.max_batches_per_converter} fit the converters")


def _diagnose(problem: Problem, req: Requirements, budget: float) -> str:
    """Name the constraint group whose relaxation alone makes the problem feasible."""
    from ortools.sat.python import cp_model

    culprits, unknown = [], []
    for group in GROUPS:
        if group == "targets":
            continue
        model = _Model(problem, req, frozenset({group}))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(2.0, budget / 3)
        solver.parameters.num_workers = 2
        status = solver.solve(model.m)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            culprits.append(group)
        elif status != cp_model.INFEASIBLE:
            unknown.append(group)
    what = f"{req.min_batches} batches required" if req.min_batches else "the tasks already under way"
    if req.max_feed_cut_h is not None:
        what += f" with at most {req.max_feed_cut_h} h feed cut"
    if not culprits and unknown:
        return (f"infeasible: {what} cannot be met; relaxing {', '.join(unknown)} was not decided in the time "
                "given (more --budget tells more)")
    if not culprits:
        return f"infeasible: {what} cannot be met even with any single constraint relaxed"
    return "infeasible: " + what + " cannot be met; binding: " + "; ".join(f"{g} ({GROUP_TEXT[g]})" for g in culprits)


__all__ = ["GROUPS", "Requirements", "solve", "task_id"]
