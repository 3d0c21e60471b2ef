"""An independent check of a schedule file (written from the JSON format alone).

It shares no code with the solver or the greedy rule: it reads the schedule JSON (the
``tasks`` and the ``constraints`` section) and returns every violated constraint as a line
``<constraint>: <what>``. An empty list means the schedule is valid.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

STAGE_ORDER = ["tap", "matte", "charge", "slag_blow", "skim", "copper_blow", "pour", "blister", "af_heat", "cast"]


def _t(text: Any) -> datetime:
    return datetime.fromisoformat(str(text))


def _peak(intervals: list[tuple[datetime, datetime]]) -> tuple[int, datetime | None]:
    """Most intervals open at once, and when."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda x: (x[0], x[1]))
    level, best, when = 0, 0, None
    for moment, step in events:
        level += step
        if level > best:
            best, when = level, moment
    return best, when


def validate(doc: dict[str, Any]) -> list[str]:
    """Every constraint the schedule breaks (empty: valid)."""
    out: list[str] = []
    try:
        h0 = _t(doc["horizon_start"])
        hours = float(doc["horizon_h"])
        cons = doc["constraints"]
        raw_tasks = doc["tasks"]
    except (KeyError, TypeError, ValueError) as exc:
        return [f"format: missing or bad field {exc}"]
    from datetime import timedelta

    h1 = h0 + timedelta(hours=hours)
    res = cons["resources"]
    converters, cranes, afs = set(res["converters"]), set(res["cranes"]), set(res["anode_furnaces"])
    casting, smf = res["casting"], res["smelting_furnace"]
    dur = cons["durations_min"]
    travel = cons["crane"]["travel_min"]
    hook = cons["crane"]["hook_min"]
    late_ok = set(cons.get("may_end_after_horizon", []))

    tasks: dict[str, dict[str, Any]] = {}
    for raw in raw_tasks:
        try:
            t = dict(raw)
            t["s"], t["e"] = _t(raw["start"]), _t(raw["end"])
            _ = raw["id"], raw["resource"], raw["kind"], raw["batch"], raw["after"]
        except (KeyError, TypeError, ValueError) as exc:
            out.append(f"format: task {raw!r:.60} has a missing or bad field {exc}")
            continue
        if t["id"] in tasks:
            out.append(f"format: task id {t['id']} appears twice")
        tasks[t["id"]] = t
    expected_place = {"tap": {smf}, "feed_cut": {smf}, "charge": converters, "slag_blow": converters, "skim": converters,
                      "copper_blow": converters, "pour": converters, "crane_move": cranes, "af_heat": afs, "cast": {casting}}

    def minutes(a: datetime, b: datetime) -> float:
        return (b - a).total_seconds() / 60.0

    for t in tasks.values():
        k = t["kind"]
        if k not in expected_place:
            out.append(f"format: task {t['id']} has unknown kind {k!r}")
            continue
        if t["resource"] not in expected_place[k]:
            out.append(f"resources: task {t['id']} ({k}) is on {t['resource']}, which cannot do it")
        if t["e"] <= t["s"]:
            out.append(f"durations: task {t['id']} ends before it starts")
        if t["s"] < h0:
            out.append(f"horizon: task {t['id']} starts before the horizon")
        label = f"crane_move:{t.get('ladle')}" if k == "crane_move" else k
        if t["e"] > h1 and label not in late_ok:
            out.append(f"horizon: task {t['id']} ({k}) ends after the horizon")
        if k in dur and abs(minutes(t["s"], t["e"]) - dur[k]) > 1e-6:
            out.append(f"durations: task {t['id']} ({k}) lasts {minutes(t['s'], t['e']):g} min, not {dur[k]}")
        if k == "crane_move":
            need = hook + travel[t["from"]][t["to"]]
            if abs(minutes(t["s"], t["e"]) - need) > 1e-6:
                out.append(f"cranes: move {t['id']} {t['from']}->{t['to']} lasts {minutes(t['s'], t['e']):g} min, not {need}")
        for pred in t["after"]:
            if pred not in tasks:
                out.append(f"precedence: task {t['id']} follows unknown task {pred}")
            elif t["s"] < tasks[pred]["e"]:
                out.append(f"precedence: task {t['id']} starts before {pred} ends")

    # batches: the full chain in order, each step once
    batches: dict[str, dict[str, dict[str, Any]]] = {}
    for t in tasks.values():
        if t["kind"] == "feed_cut":
            continue
        step = t.get("ladle") if t["kind"] == "crane_move" else t["kind"]
        if step not in STAGE_ORDER + ["slag"]:
            out.append(f"format: crane move {t['id']} carries unknown ladle {step!r}")
            continue
        if step in batches.setdefault(t["batch"], {}):
            out.append(f"batches: batch {t['batch']} has two {step} tasks")
        batches[t["batch"]][step] = t
    for b, steps in batches.items():
        missing = [s for s in STAGE_ORDER + ["slag"] if s not in steps]
        if missing:
            out.append(f"batches: batch {b} lacks {', '.join(missing)}")
            continue
        conv = steps["charge"]["resource"]
        if any(steps[s]["resource"] != conv for s in ("slag_blow", "skim", "copper_blow", "pour")):
            out.append(f"batches: batch {b} changes converter between stages")
        for x, y in zip(STAGE_ORDER, STAGE_ORDER[1:], strict=False):
            if steps[y]["s"] < steps[x]["e"]:
                out.append(f"precedence: batch {b}: {y} starts before {x} ends")
        if steps["slag"]["s"] < steps["skim"]["e"]:
            out.append(f"precedence: batch {b}: slag ladle moves before the skim ends")
        routes = {"matte": (smf, conv), "slag": (conv, "SLAG"), "blister": (conv, steps["af_heat"]["resource"])}
        for step, (src, dst) in routes.items():
            if (steps[step].get("from"), steps[step].get("to")) != (src, dst):
                out.append(f"cranes: batch {b}: {step} ladle goes {steps[step].get('from')}->{steps[step].get('to')}, not {src}->{dst}")

    # one thing at a time on each unit (converters and anode furnaces hold a batch throughout)
    occupancy: dict[str, list[tuple[Any, Any, str]]] = {}
    for b, steps in batches.items():
        if all(s in steps for s in STAGE_ORDER):
            occupancy.setdefault(steps["charge"]["resource"], []).append((steps["charge"]["s"], steps["pour"]["e"], b))
            occupancy.setdefault(steps["af_heat"]["resource"], []).append((steps["af_heat"]["s"], steps["cast"]["e"], b))
    for t in tasks.values():
        if t["kind"] in ("tap", "cast"):
            occupancy.setdefault(t["resource"], []).append((t["s"], t["e"], t["id"]))
    for r, spans in occupancy.items():
        spans.sort()
        for (_s1, e1, a), (s2, _e2, b2) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                name = "converters" if r in converters else "anode_furnaces" if r in afs else "casting_wheel" if r == casting else "smelting_furnace"
                out.append(f"{name}: {r} holds {a} and {b2} at once ({s2.isoformat()})")
    for k in cranes:
        moves = sorted((t for t in tasks.values() if t["kind"] == "crane_move" and t["resource"] == k), key=lambda t: t["s"])
        for m1, m2 in zip(moves, moves[1:], strict=False):
            gap = travel[m1["to"]][m2["from"]]
            if minutes(m1["e"], m2["s"]) < gap:
                out.append(f"cranes: {k} cannot go from {m1['to']} ({m1['id']}) to {m2['from']} ({m2['id']}) in time: needs {gap} min")

    # acid plant
    blowing = [(t["s"], t["e"]) for t in tasks.values() if t["kind"] in cons["blowing_kinds"]]
    peak, when = _peak(blowing)
    if peak > cons["acid_plant_max_blowing"]:
        out.append(f"acid_plant: {peak} converters blowing at {when.isoformat() if when else '?'}, the acid plant takes {cons['acid_plant_max_blowing']}")

    # ladle sets
    for name, a_step, a_edge, b_step, b_edge in (("matte", "tap", "s", "charge", "e"), ("blister", "pour", "s", "af_heat", "s")):
        ladle_spans: list[tuple[datetime, datetime]] = [(st[a_step][a_edge], st[b_step][b_edge]) for st in batches.values() if a_step in st and b_step in st]
        peak, when = _peak(ladle_spans)
        if peak > cons["ladles"][name]:
            out.append(f"ladles: {peak} {name} ladle sets full at {when.isoformat() if when else '?'}, only {cons['ladles'][name]} exist")

    # availability and windows
    for r, when_text in cons.get("available_from", {}).items():
        first = _t(when_text)
        for t in tasks.values():
            if t["resource"] == r and t["kind"] != "feed_cut" and t["s"] < first:
                out.append(f"maintenance: task {t['id']} starts on {r} before it is available ({first.isoformat()})")
    for u in cons.get("unavailable", []):
        us, ue, r = _t(u["start"]), _t(u["end"]), u["resource"]
        for t in tasks.values():
            if t["resource"] == r and t["kind"] != "feed_cut" and t["s"] < ue and us < t["e"]:
                out.append(f"maintenance: task {t['id']} runs on {r} during its {u['kind']} ({u.get('reason', '')})")
        if u["kind"] == "maintenance":
            for s, e, b in occupancy.get(r, []):
                if s < ue and us < e:
                    out.append(f"maintenance: {r} holds batch {b} during its planned maintenance ({u.get('reason', '')})")

    # smelting furnace bath: matte made while fed, taken by each tap
    sf = cons["smelting_furnace"]
    rate = sf["matte_rate_t_h"] / 60.0
    cuts = sorted((t["s"], t["e"]) for t in tasks.values() if t["kind"] == "feed_cut")
    for (_s1, e1), (s2, _e2) in zip(cuts, cuts[1:], strict=False):
        if s2 < e1:
            out.append("smelting_furnace: feed cuts overlap")

    def level(moment: datetime, taps_counted: int) -> float:
        upto = min(moment, h1)
        fed = minutes(h0, upto) - sum(max(0.0, minutes(max(s, h0), min(e, upto))) for s, e in cuts)
        return sf["bath_initial_t"] + rate * fed - sf["tap_t"] * taps_counted

    taps = sorted(t["s"] for t in tasks.values() if t["kind"] == "tap")
    for i, s in enumerate(taps):
        if level(s, i + 1) < -1e-6:
            out.append(f"smelting_furnace: tap at {s.isoformat()} finds only {level(s, i):.0f} t of matte, needs {sf['tap_t']}")
    checks = [(s, i) for i, s in enumerate(taps)] + [(h1, len(taps))]
    checks += [(cs, sum(1 for s in taps if s < cs)) for cs, _ in cuts]
    for moment, n in checks:
        if level(moment, n) > sf["bath_max_t"] + 1e-6:
            out.append(f"smelting_furnace: bath at {level(moment, n):.0f} t at {moment.isoformat()}, above the {sf['bath_max_t']} t limit")
            break

    # the objective as stated
    ok_batches = [st for st in batches.values() if "pour" in st and st["pour"]["e"] <= h1]
    wait = 0.0
    for st in batches.values():
        if all(k in st for k in ("tap", "matte", "charge", "pour", "blister", "af_heat")):
            wait += minutes(st["tap"]["e"], st["charge"]["s"]) - minutes(st["matte"]["s"], st["matte"]["e"])
            wait += minutes(st["pour"]["e"], st["af_heat"]["s"]) - minutes(st["blister"]["s"], st["blister"]["e"])
    w = cons["weights"]
    cut_h = sum(minutes(s, e) for s, e in cuts) / 60.0
    value = w["copper_t"] * len(ok_batches) * cons["copper_per_batch_t"] - w["ladle_wait_h"] * wait / 60.0 - w["feed_cut_h"] * cut_h
    stated = doc.get("objective", {}).get("value")
    if stated is None or abs(float(stated) - value) > 0.01:
        out.append(f"objective: stated value {stated} but the tasks give {value:.3f}")
    return out
