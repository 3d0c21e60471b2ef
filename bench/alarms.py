"""Alarm engine and alarm list: (1) evaluate 10,000 alarm conditions against a 10,000-value
batch, against plain numpy doing the same limit comparisons (array from the batch included);
(2) sort and filter an alarm list model of 10,000 rows, against ``sorted`` + a list filter.

Goals: evaluation <= 20 ms median, list sort/filter <= 100 ms.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta

import numpy as np
from common import median_time, parser, report

from app.alarms.definitions import AlarmDef, AlarmType, Priority
from app.alarms.engine import AlarmEngine
from app.core.tags import Quality, TagDef, TagValue

N = 10_000
KINDS = (AlarmType.H, AlarmType.L, AlarmType.HH, AlarmType.LL)


def build() -> tuple[AlarmEngine, list[dict[str, TagValue]], np.ndarray, np.ndarray]:
    rng = random.Random(1)
    tags = {f"T{i:05d}": TagDef(f"T{i:05d}", f"A{i % 12}", "U", f"Tag {i}", f"位号{i}", "", 0.0, 100.0, f"sim://T{i}")
            for i in range(N)}
    defs = []
    for i, name in enumerate(tags):
        kind = KINDS[i % 4]
        limit = {AlarmType.H: 80.0, AlarmType.HH: 90.0, AlarmType.L: 20.0, AlarmType.LL: 10.0}[kind]
        defs.append(AlarmDef(f"{name}.{kind.value}", name, kind, Priority(1 + i % 4 if i % 20 == 0 else 4 - (i % 3 == 0)),
                             f"A{i % 12}", limit, deadband=1.0))
    now = datetime.now(UTC)
    batches = []
    for k in range(8):  # every batch moves ~1 % of the tags across their limits
        ts = now + timedelta(seconds=k)
        values = {}
        for i, name in enumerate(tags):
            v = 50.0 + rng.uniform(-5, 5)
            if (i + k) % 100 == 0:
                v = 95.0 if i % 4 in (0, 2) else 5.0
            values[name] = TagValue(v, Quality.GOOD, ts, ts)
        batches.append(values)
    engine = AlarmEngine(defs, tags)
    sign = np.array([1.0 if d.type in (AlarmType.H, AlarmType.HH) else -1.0 for d in defs])
    thr = sign * np.array([d.limit for d in defs])
    return engine, batches, sign, thr


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    engine, batches, sign, thr = build()
    state = {"k": 0}

    def ours() -> None:
        engine.evaluate(batches[state["k"] % len(batches)])
        state["k"] += 1

    def raw() -> None:
        b = batches[state["k"] % len(batches)]
        state["k"] += 1
        values = np.fromiter((tv.value for tv in b.values()), dtype=np.float64, count=len(b))
        _ = np.flatnonzero(values * sign > thr)

    ours()  # warm-up
    t_eval = median_time(ours, repeats=15)
    t_eval_raw = median_time(raw, repeats=15)

    # --- alarm list model -------------------------------------------------------------------------
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from widgets.alarm_models import (
        COL_PRIORITY,
        COL_TAG,
        COL_TIME,
        AlarmFilterProxy,
        AlarmTableModel,
    )

    app = QApplication.instance() or QApplication([])
    now = datetime.now(UTC)
    for i, rec in enumerate(engine._list):  # bench: make every alarm annunciated
        rec.condition, rec.time, rec.value = True, now - timedelta(seconds=i), 95.0
        rec.ann = rec.ann.__class__.UNACK if i % 2 else rec.ann.__class__.ACKED
    model = AlarmTableModel(engine.tags)
    model.set_records(list(engine.records.values()))
    proxy = AlarmFilterProxy()
    proxy.setSourceModel(model)
    orders = [(COL_PRIORITY, Qt.SortOrder.AscendingOrder), (COL_TAG, Qt.SortOrder.DescendingOrder),
              (COL_TIME, Qt.SortOrder.DescendingOrder), (COL_TAG, Qt.SortOrder.AscendingOrder)]
    texts = ["t01", "a3", "", "t0999"]
    step = {"n": 0}

    def list_sort() -> None:
        n = step["n"]
        step["n"] += 1
        proxy.sort(*orders[n % len(orders)])
        proxy.rowCount()

    def list_filter() -> None:
        n = step["n"]
        step["n"] += 1
        proxy.set_text(texts[n % len(texts)])
        proxy.rowCount()

    rows = [(int(r.definition.priority), r.time.timestamp() if r.time else 0.0, r.definition.tag, r.definition.area,
             f"{r.definition.id} {r.definition.text_en} {r.definition.text_zh} {r.definition.area}".lower())
            for r in engine.records.values()]
    keys = [lambda r: r[0], lambda r: r[2], lambda r: r[1], lambda r: r[2]]

    def raw_sort() -> None:
        n = step["n"]
        step["n"] += 1
        sorted(rows, key=keys[n % 4], reverse=n % 4 in (1, 2))

    def raw_filter() -> None:
        n = step["n"]
        step["n"] += 1
        text = texts[n % len(texts)]
        _ = [r for r in rows if text in r[4]]

    t_sort = median_time(list_sort, repeats=9)
    t_filter = median_time(list_filter, repeats=9)
    t_sort_raw = median_time(raw_sort, repeats=9)
    t_filter_raw = median_time(raw_filter, repeats=9)
    del app
    figures = {
        "alarms": N,
        "evaluate_ms": t_eval * 1000,
        "evaluate_numpy_ms": t_eval_raw * 1000,
        "ratio_evaluate_to_numpy": t_eval / t_eval_raw,
        "list_sort_ms": t_sort * 1000,
        "list_filter_ms": t_filter * 1000,
        "raw_sort_ms": t_sort_raw * 1000,
        "raw_filter_ms": t_filter_raw * 1000,
        "ratio_sort_to_sorted": t_sort / t_sort_raw,
        "ratio_filter_to_listcomp": t_filter / t_filter_raw,
        "evaluate_goal_ms": 20,
        "list_goal_ms": 100,
    }
    report(
        "Alarms: 10,000 conditions x 10,000-value batch; alarm list of 10,000 rows (medians)",
        [
            ("engine.evaluate", f"{figures['evaluate_ms']:.1f} ms", "goal <= 20 ms"),
            ("numpy compare (raw)", f"{figures['evaluate_numpy_ms']:.1f} ms", "array from batch + limit compare"),
            ("ratio engine/numpy", f"{figures['ratio_evaluate_to_numpy']:.1f}", "engine also: deadband, state machine"),
            ("list sort (model+proxy)", f"{figures['list_sort_ms']:.1f} ms", "goal <= 100 ms"),
            ("sorted() (raw)", f"{figures['raw_sort_ms']:.1f} ms", "plain Python on tuples"),
            ("ratio sort/sorted", f"{figures['ratio_sort_to_sorted']:.1f}", ""),
            ("list filter (proxy)", f"{figures['list_filter_ms']:.1f} ms", "goal <= 100 ms"),
            ("list comprehension (raw)", f"{figures['raw_filter_ms']:.1f} ms", "substring test on tuples"),
            ("ratio filter/listcomp", f"{figures['ratio_filter_to_listcomp']:.1f}", ""),
        ],
        figures,
        args.json,
    )


if __name__ == "__main__":
    main()
