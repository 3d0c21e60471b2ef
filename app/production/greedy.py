"""The plant's own rule, as a baseline: first free converter, first-come crane, first free
anode furnace, everything as early as it fits, matte tapped in turn.

A converter takes its next batch when it is free; the matte is tapped just in time for it (if
the bath holds enough), the crane that can start first carries the ladle, each stage starts as
soon as the one before ends (a blow waits while the acid plant is full), the blister goes to
the anode furnace that is free first and is cast when the wheel is free. A batch that cannot be
cast within the horizon is not started and the converter stands.
"""

from __future__ import annotations

from app.production.batches import Placed, make_tasks
from app.production.schedule import BLOWING, Problem, Schedule, Task, batch_id

Interval = tuple[int, int]


def _overlaps(a: Interval, b: Interval) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _earliest(busy: list[Interval], t: int, dur: int) -> int:
    """First start >= t where [start, start+dur) hits nothing in ``busy``."""
    moved = True
    while moved:
        moved = False
        for s, e in busy:
            if t < e and s < t + dur:
                t = e
                moved = True
    return t


def _max_overlap(intervals: list[Interval], new: Interval) -> int:
    """Most intervals of ``intervals`` overlapping any moment of ``new``."""
    points = [new[0]] + [s for s, _ in intervals if new[0] <= s < new[1]]
    return max((sum(1 for s, e in intervals if s <= p < e) for p in points), default=0)


class _Bath:
    """Matte in the smelting furnace: production by fed hour, taps in time order."""

    def __init__(self, problem: Problem) -> None:
        a = problem.aisle
        self.init = problem.bath_initial
        self.rate = a.matte_rate_t_h
        self.tap_t = a.tap_t
        self.max = a.bath_max_t
        self.hours = problem.horizon_min // 60
        self.fed: list[bool] = []
        self.taps: list[int] = []

    def _decide_until(self, hour: int) -> None:
        while len(self.fed) < min(hour, self.hours):
            h = len(self.fed)
            level = self.init + self.rate * (sum(self.fed) + 1) - self.tap_t * sum(1 for s in self.taps if s <= 60 * h)
            self.fed.append(level <= self.max)

    def earliest_tap(self, t: int, limit: int) -> int | None:
        """First time >= t at which a tap finds enough matte (hours before it get decided)."""
        while t <= limit:
            self._decide_until(-(-t // 60))  # every hour starting before t
            produced = sum(1 for h, f in enumerate(self.fed) if f and 60 * (h + 1) <= t)
            if self.init + self.rate * produced - self.tap_t * (len(self.taps) + 1) >= 0:
                return t
            t = 60 * (t // 60 + 1)
        return None

    def finish(self) -> list[int]:
        self._decide_until(self.hours)
        return [h for h, f in enumerate(self.fed) if not f]


class _Greedy:
    def __init__(self, problem: Problem) -> None:
        self.p = problem
        a = problem.aisle
        self.a = a
        self.d = a.durations
        self.H = problem.horizon_min
        self.avail = problem.available_from
        self.maint: dict[str, list[Interval]] = {}
        self.broken: dict[str, list[Interval]] = {}
        for u in problem.all_unavailable():
            target = self.maint if u.kind == "maintenance" else self.broken
            target.setdefault(u.resource, []).append((u.start, u.end))
        self.conv_busy: dict[str, list[Interval]] = {c: [] for c in a.converters}
        self.af_busy: dict[str, list[Interval]] = {x: [] for x in a.anode_furnaces}
        self.cast_busy: list[Interval] = []
        self.crane_moves: dict[str, list[tuple[int, int, str, str]]] = {k: [] for k in a.cranes}
        self.blows: list[Interval] = []
        self.matte_ladles: list[Interval] = []
        self.blister_ladles: list[Interval] = []
        self.last_tap_end = self.avail.get(a.smelting_furnace, 0)
        self.bath = _Bath(problem)
        self.tasks: list[Task] = []

    def _out(self, res: str, both: bool = True) -> list[Interval]:
        return self.maint.get(res, []) + (self.broken.get(res, []) if both else [])

    def _crane(self, t: int, src: str, dst: str) -> tuple[str, int, int]:
        """First-come crane: the one that can start the move soonest. After every move the crane
        keeps the longest empty travel of the aisle free (as the CP-SAT model does)."""
        dur = self.p.move_minutes(src, dst)
        turn = self.p.turnaround()
        best: tuple[int, str] | None = None
        for k in self.a.cranes:
            moves = self.crane_moves[k]
            t0 = max(t, self.avail.get(k, 0))
            cands = sorted({t0, *(e + turn for _, e, _, _ in moves), *(e for _, e in self._out(k))})
            for c in cands:
                if c < t0:
                    continue
                ok = all(e + turn <= c or c + dur + turn <= s for s, e, _, _ in moves)
                ok = ok and not any(_overlaps((c, c + dur + turn), w) for w in self._out(k))
                if ok:
                    if best is None or c < best[0]:
                        best = (c, k)
                    break
        assert best is not None
        return best[1], best[0], best[0] + dur

    def _stage(self, c: str, t: int, step: str) -> int:
        dur = self.d[step]
        while True:
            t = _earliest(self.broken.get(c, []), t, dur)
            if step in BLOWING and _max_overlap(self.blows, (t, t + dur)) >= self.a.acid_max_blowing:
                t = min(e for s, e in self.blows if e > t)
                continue
            return t

    def attempt(self, c: str, j: int, not_before: int) -> dict[str, Placed] | str:
        """Place batch ``j`` of converter ``c``; a reason string when it cannot be placed."""
        a, d, p = self.a, self.d, self.p
        conv_free = max(self.avail.get(c, 0), not_before, *(e for _, e in self.conv_busy[c]))
        lead = d["tap"] + p.move_minutes(a.smelting_furnace, c)
        t = max(conv_free - lead, self.last_tap_end)
        t = _earliest(self._out(a.smelting_furnace), t, d["tap"])
        tap = self.bath.earliest_tap(t, self.H)
        if tap is None:
            return "horizon"
        tap = _earliest(self._out(a.smelting_furnace), tap, d["tap"])
        steps: dict[str, Placed] = {"tap": Placed(a.smelting_furnace, tap, tap + d["tap"])}
        k, s, e = self._crane(tap + d["tap"], a.smelting_furnace, c)
        steps["matte"] = Placed(k, s, e, a.smelting_furnace, c)
        t = max(e, conv_free)
        for step in ("charge", "slag_blow", "skim", "copper_blow", "pour"):
            t = self._stage(c, t, step)
            steps[step] = Placed(c, t, t + d[step])
            t += d[step]
        span = (steps["charge"].start, steps["pour"].end)
        for w in self.maint.get(c, []):
            if _overlaps(span, w):
                return f"retry:{w[1]}"
        k, s, e = self._crane(steps["skim"].end, c, "SLAG")
        steps["slag"] = Placed(k, s, e, c, "SLAG")
        pour_end = steps["pour"].end
        # first free anode furnace
        best: tuple[int, str] | None = None
        for x in a.anode_furnaces:
            free = _earliest(self.af_busy[x] + self._out(x), max(pour_end, self.avail.get(x, 0)), d["af_heat"])
            if best is None or free < best[0]:
                best = (free, x)
        assert best is not None
        x = best[1]
        k, s, e = self._crane(pour_end, c, x)
        steps["blister"] = Placed(k, s, e, c, x)
        af = max(e, self.avail.get(x, 0))
        while True:
            af = _earliest(self.af_busy[x] + self._out(x), af, d["af_heat"])
            cast = _earliest(self.cast_busy + self._out(a.casting), max(af + d["af_heat"], self.avail.get(a.casting, 0)), d["cast"])
            clash = [w for w in self.af_busy[x] + self.maint.get(x, []) if _overlaps((af, cast + d["cast"]), w)]
            if not clash:
                break
            af = max(w[1] for w in clash)
        steps["af_heat"] = Placed(x, af, af + d["af_heat"])
        steps["cast"] = Placed(a.casting, cast, cast + d["cast"])
        if steps["pour"].end > self.H or steps["slag"].end > self.H:
            return "horizon"
        if _max_overlap(self.matte_ladles, (tap, steps["charge"].end)) >= a.matte_ladles:
            return f"retry:{not_before + 15}"
        if _max_overlap(self.blister_ladles, (steps["pour"].start, af)) >= a.blister_ladles:
            return f"retry:{not_before + 15}"
        return steps

    def commit(self, c: str, b: str, steps: dict[str, Placed], prev: str | None) -> None:
        self.conv_busy[c].append((steps["charge"].start, steps["pour"].end))
        for st in BLOWING:
            self.blows.append((steps[st].start, steps[st].end))
        self.bath.taps.append(steps["tap"].start)
        self.last_tap_end = steps["tap"].end
        for step in ("matte", "slag", "blister"):
            m = steps[step]
            self.crane_moves[m.resource].append((m.start, m.end, m.src, m.dst))
        self.af_busy[steps["af_heat"].resource].append((steps["af_heat"].start, steps["cast"].end))
        self.cast_busy.append((steps["cast"].start, steps["cast"].end))
        self.matte_ladles.append((steps["tap"].start, steps["charge"].end))
        self.blister_ladles.append((steps["pour"].start, steps["af_heat"].start))
        self.tasks += make_tasks(b, c, steps, prev)

    def run(self) -> Schedule:
        count = {c: 0 for c in self.a.converters}
        not_before = {c: 0 for c in self.a.converters}
        active = list(self.a.converters)
        while active:
            def free(c: str) -> int:
                return max(self.avail.get(c, 0), not_before[c], *(e for _, e in self.conv_busy[c]))
            c = min(active, key=lambda c: (free(c), c))
            if count[c] >= self.a.max_batches_per_converter:
                active.remove(c)
                continue
            result = self.attempt(c, count[c], not_before[c])
            if isinstance(result, str):
                if result.startswith("retry:") and int(result[6:]) < self.H:
                    not_before[c] = max(not_before[c] + 1, int(result[6:]))
                else:
                    active.remove(c)
                continue
            prev = batch_id(c, count[c] - 1) if count[c] else None
            self.commit(c, batch_id(c, count[c]), result, prev)
            count[c] += 1
        return Schedule(self.p, self.tasks, self.bath.finish(), "greedy", "FEASIBLE")


def greedy(problem: Problem) -> Schedule:
    """The first-free / first-come dispatch rule (what a plant does by hand)."""
    return _Greedy(problem).run()
