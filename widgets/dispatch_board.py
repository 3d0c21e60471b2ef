"""The dispatch board: the converter aisle's schedule as a Gantt chart with the live "now"
line and the actual bars, late tasks with their reason, drag to adjust (re-checked by the
independent validator), schedule / reschedule from now off the GUI thread with progress,
release and acknowledge of tasks, and completion statistics (plan against actual) per shift,
day, week, month and year."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.shifts import ShiftCalendar
from app.production.config import Unavailability
from app.production.schedule import Schedule
from widgets.background_query import BackgroundQuery
from widgets.dispatch_board_gantt import KIND_COLOURS, KIND_NAMES, ActualBar, GanttView
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext

LEVEL_NAMES = {
    "shift": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Shift"), "day": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Day"),
    "week": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Week"), "month": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Month"),
    "year": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Year"),
}
ITEM_NAMES = {
    "anodes_t": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Anodes cast (t)"),
    "cathode_t": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Cathode (t)"),
    "concentrate_t": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Concentrate treated (t)"),
}
STAGE_NAMES = {
    "IDLE": QT_TRANSLATE_NOOP("DispatchBoardPanel", "idle"), "CHARGING": QT_TRANSLATE_NOOP("DispatchBoardPanel", "charging"),
    "SLAG_BLOW": QT_TRANSLATE_NOOP("DispatchBoardPanel", "in slag blow"), "SKIMMING": QT_TRANSLATE_NOOP("DispatchBoardPanel", "skimming"),
    "COPPER_BLOW": QT_TRANSLATE_NOOP("DispatchBoardPanel", "in copper blow"), "POURING": QT_TRANSLATE_NOOP("DispatchBoardPanel", "pouring"),
    "MAINTENANCE": QT_TRANSLATE_NOOP("DispatchBoardPanel", "in maintenance"), "AF_IDLE": QT_TRANSLATE_NOOP("DispatchBoardPanel", "idle"),
}
ROW_NAMES = {"SMF": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Smelting"), "CASTING": QT_TRANSLATE_NOOP("DispatchBoardPanel", "Casting")}
LIVE_BREAKDOWN_MIN = 240  # est.: a converter found in MAINTENANCE is out this long when rescheduling


class _SolverSignals(QObject):
    """Carries the solver thread's news to the GUI thread (queued connections)."""

    sig_progress = Signal(float, float, float)
    sig_done = Signal(object, str)


class DispatchBoardPanel(DockPanel):
    """The dispatch board (central tab)."""

    NAME = "dispatch_board"
    TITLE = QT_TRANSLATE_NOOP("DispatchBoardPanel", "Dispatch board")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, context: PanelContext, now: Any = None) -> None:
        super().__init__()
        self.context = context
        self.service = context.service("production")
        self.aisle = self.service.config.aisle
        self.calendar = ShiftCalendar.from_mapping(getattr(context.runtime.layout, "extra", {}).get("shifts"))
        self._now_fn = now or (lambda: datetime.now(UTC))
        self._stop: Any = None
        self._signals = _SolverSignals(self)
        self._signals.sig_progress.connect(self._on_solver_progress)
        self._signals.sig_done.connect(self._on_solver_done)
        self._plan: Any = None
        self._actuals: dict[str, dict[str, float]] = {}

        self.btn_solve = QPushButton()
        self.btn_greedy = QPushButton()
        self.btn_reschedule = QPushButton()
        self.btn_stop = QPushButton()
        self.btn_release = QPushButton()
        self.btn_ack = QPushButton()
        self.btn_stop.setEnabled(False)
        for b, slot in ((self.btn_solve, self._on_solve_clicked), (self.btn_greedy, self._on_greedy_clicked),
                        (self.btn_reschedule, self._on_reschedule_clicked), (self.btn_stop, self._on_stop_clicked),
                        (self.btn_release, self._on_release_clicked), (self.btn_ack, self._on_ack_clicked)):
            b.clicked.connect(slot)
        self.progress = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.acid = QLabel()
        self.acid.setMinimumWidth(260)
        self.objective = QLabel()

        bar = QHBoxLayout()
        for w in (self.btn_solve, self.btn_greedy, self.btn_reschedule, self.btn_stop, self.btn_release, self.btn_ack):
            bar.addWidget(w)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.acid)

        self.gantt = GanttView()
        self.gantt.tz = self.calendar.tz
        self.gantt.sig_task_moved.connect(self._on_gantt_task_moved)
        self.gantt.sig_task_selected.connect(self._on_gantt_task_selected)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.gantt)

        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)

        # late tasks: a model, not per-row widgets
        self.late_model = QStandardItemModel(0, 4, self)
        self.late_view = QTableView()
        self.late_view.setModel(self.late_model)
        self.late_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.late_view.horizontalHeader().setStretchLastSection(True)
        self.late_view.verticalHeader().hide()

        # completion statistics
        self.level = QComboBox()
        for key in LEVEL_NAMES:
            self.level.addItem("", key)
        self.level.setCurrentIndex(1)
        self.item = QComboBox()
        for key in ITEM_NAMES:
            self.item.addItem("", key)
        self.level.currentIndexChanged.connect(self._on_level_changed)
        self.item.currentIndexChanged.connect(self._on_level_changed)
        self.chart = pg.PlotWidget(background="#e6e6e6")
        self.chart.setMinimumHeight(100)
        self.chart.showGrid(y=True, alpha=0.3)
        self.stats_note = QLabel()
        stats = QWidget()
        sl = QVBoxLayout(stats)
        row = QHBoxLayout()
        self.level_label = QLabel()
        self.item_label = QLabel()
        for widget in (self.level_label, self.level, self.item_label, self.item):
            row.addWidget(widget)
        row.addWidget(self.stats_note, 1)
        sl.addLayout(row)
        sl.addWidget(self.chart)

        from widgets.dispatch_board_plan import PlanTab

        self.plan_tab = PlanTab(self.service, context.session)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.late_view, "")
        self.tabs.addTab(stats, "")
        self.tabs.addTab(self.plan_tab, "")

        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(scroll, 1)
        tl.addWidget(self.legend)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([640, 220])
        scroll.setMinimumHeight(180)  # the Gantt scrolls: the board must leave room for the alarm list below

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.objective)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

        self._stats_query = BackgroundQuery(self, "dispatch-stats", self._on_stats_result, self._on_stats_error)
        self._timer = QTimer(self)
        self._timer.setInterval(2000)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self.service.subscribe(self._on_service_schedule)
        self.retranslate()
        if self.service.tracking_error:
            self.status.setText(self.service.tracking_error)
        if self.service.schedule is not None:
            self._show_schedule(self.service.schedule)
        self.refresh_statistics()

    # --- text --------------------------------------------------------------------
    def retranslate(self) -> None:
        self.btn_solve.setText(self.tr("Schedule (CP-SAT)"))
        self.btn_greedy.setText(self.tr("Plant rule"))
        self.btn_reschedule.setText(self.tr("Reschedule from now"))
        self.btn_stop.setText(self.tr("Stop"))
        self.btn_release.setText(self.tr("Release task"))
        self.btn_ack.setText(self.tr("Acknowledge"))
        self.btn_greedy.setToolTip(self.tr("First free converter, first-come crane: the plant's own dispatch rule"))
        self.late_model.setHorizontalHeaderLabels([self.tr("Task"), self.tr("Unit"), self.tr("Planned start"), self.tr("Reason")])
        self.tabs.setTabText(0, self.tr("Late tasks"))
        self.tabs.setTabText(1, self.tr("Completion"))
        self.tabs.setTabText(2, self.tr("Plan"))
        self.plan_tab.retranslate()
        self.level_label.setText(self.tr("Per"))
        self.item_label.setText(self.tr("Item"))
        for i in range(self.level.count()):
            self.level.setItemText(i, self.tr(LEVEL_NAMES[self.level.itemData(i)]))
        for i in range(self.item.count()):
            self.item.setItemText(i, self.tr(ITEM_NAMES[self.item.itemData(i)]))
        rows = [self.aisle.smelting_furnace, *self.aisle.converters, *self.aisle.cranes, *self.aisle.anode_furnaces, self.aisle.casting]
        names = {r: self.tr(ROW_NAMES[r]) if r in ROW_NAMES else r for r in rows}
        self.gantt.set_schedule(self.gantt.schedule, rows, names)
        chips = "".join(
            f"<span style='background:{KIND_COLOURS[k]};'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;{self._kind(k)}&nbsp;&nbsp; "
            for k in KIND_COLOURS)
        actual, late = self.tr("actual"), self.tr("late")
        out, cut = self.tr("maintenance / breakdown"), self.tr("furnace feed cut")
        released, acked = self.tr("released"), self.tr("acknowledged")
        self.legend.setText(
            chips + f"<span style='background:#505050;'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;{actual}&nbsp;&nbsp; "
            f"<span style='color:#e8771a;'><b>▯ !</b></span>&nbsp;{late}&nbsp;&nbsp; "
            f"<span style='color:#707070;'>▨</span>&nbsp;{out}&nbsp;&nbsp; "
            f"<span style='color:#b06060;'>▬</span>&nbsp;{cut}&nbsp;&nbsp; → {released} ✓ {acked}")
        if self.gantt.schedule is not None:
            self._show_objective(self.gantt.schedule)
        self._update_stats_chart()

    @staticmethod
    def _kind(kind: str) -> str:
        return QCoreApplication.translate("GanttView", KIND_NAMES.get(kind, kind))

    def _reason(self, late: Any) -> str:
        """The late task's reason in the operator's language."""
        tz = self.calendar.tz
        stage = self.tr(STAGE_NAMES.get(late.live_stage, late.live_stage)) if late.live_stage else ""
        since = late.planned_start.astimezone(tz).strftime("%H:%M")
        if late.batch_begun is not None:
            return (self.tr("%1 is still on the batch begun %2 (%3); planned %4 since %5")
                    .replace("%1", late.resource).replace("%2", late.batch_begun.astimezone(tz).strftime("%H:%M"))
                    .replace("%3", stage).replace("%4", self._kind(late.kind)).replace("%5", since))
        if stage:
            return (self.tr("%1 is %2; planned %3 since %4").replace("%1", late.resource).replace("%2", stage)
                    .replace("%3", self._kind(late.kind)).replace("%4", since))
        return late.reason

    # --- schedule ----------------------------------------------------------------
    def _now(self) -> datetime:
        return self._now_fn()

    def _horizon_start(self) -> datetime:
        now = self._now().astimezone(self.calendar.tz)
        shift = self.calendar.shift_at(now)
        return shift.start  # the board plans from the start of the current shift

    def _start_solve(self, problem: Any, budget_s: float = 10.0) -> None:
        self.btn_solve.setEnabled(False)
        self.btn_reschedule.setEnabled(False)
        self.btn_stop.setEnabled(True)
        self.progress.setText(self.tr("Solving…"))
        sig = self._signals
        self._stop = self.service.solve_in_thread(
            problem, budget_s=budget_s,
            progress=lambda e, v, b: sig.sig_progress.emit(e, v, b),
            done=lambda s, err: sig.sig_done.emit(s, err))

    def _live_values(self) -> dict[str, Any]:
        return {k: v.value for k, v in self.context.runtime.store.values.items() if getattr(v, "value", None) is not None}

    def _problem(self) -> Any:
        return self.service.problem_from_live(self._horizon_start(), self._live_values())

    def _on_solve_clicked(self) -> None:
        self._start_solve(self._problem())

    def _on_greedy_clicked(self) -> None:
        from app.production.greedy import greedy

        self.service.set_schedule(greedy(self._problem()))
        self.status.setText(self.tr("Schedule by the plant's rule (first free converter, first-come crane)."))

    def _on_reschedule_clicked(self) -> None:
        from app.production.service import reschedule_problem

        current = self.service.schedule
        if current is None:
            self._on_solve_clicked()
            return
        now_min = int((self._now() - current.problem.horizon_start).total_seconds() // 60)
        breakdowns = []
        for c in self.aisle.converters:
            tv = self.context.runtime.store.values.get(f"{c}.STATE")
            if tv is not None and tv.value == 6:
                breakdowns.append(Unavailability(c, now_min, now_min + LIVE_BREAKDOWN_MIN, "breakdown", "in maintenance (live)"))
        self._start_solve(reschedule_problem(current, max(0, now_min), tuple(breakdowns)))

    def _on_stop_clicked(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def _on_solver_progress(self, elapsed: float, value: float, bound: float) -> None:
        self.progress.setText(self.tr("Solving… %1 s, objective %2 (bound %3)")
                              .replace("%1", f"{elapsed:.1f}").replace("%2", f"{value:.0f}").replace("%3", f"{bound:.0f}"))

    def _on_solver_done(self, schedule: Schedule | None, error: str) -> None:
        self.btn_solve.setEnabled(True)
        self.btn_reschedule.setEnabled(True)
        self.btn_stop.setEnabled(False)
        self._stop = None
        if schedule is None:
            self.progress.setText(self.tr("No schedule"))
            self.status.setText(error)
            return
        self.progress.setText(self.tr("Done (%1)").replace("%1", schedule.status))
        self.service.set_schedule(schedule)

    def _on_service_schedule(self, schedule: Schedule) -> None:
        self._show_schedule(schedule)

    def _show_schedule(self, schedule: Schedule) -> None:
        self.gantt.set_schedule(schedule, self.gantt.rows, self.gantt.row_names)
        self._show_objective(schedule)
        self._on_timer_timeout()

    def _show_objective(self, schedule: Schedule) -> None:
        o = schedule.objective()
        self.objective.setText(
            self.tr("%1: %2 batches, %3 t copper, ladle waiting %4 h, furnace feed cut %5 h, objective %6")
            .replace("%1", self.tr("CP-SAT") if schedule.rule.startswith("cpsat") else self.tr("Plant rule"))
            .replace("%2", f"{o['batches']:.0f}").replace("%3", f"{o['copper_t']:.0f}")
            .replace("%4", f"{o['ladle_wait_h']:.1f}").replace("%5", f"{o['feed_cut_h']:.0f}").replace("%6", f"{o['value']:.0f}"))

    # --- drag, release, acknowledge ------------------------------------------------
    def _on_gantt_task_moved(self, task_id: str, new_start: int) -> None:
        from app.production.service import moved
        from app.production.validator import validate

        current = self.service.schedule
        if current is None:
            return
        candidate = moved(current, task_id, new_start)
        problems = validate(candidate.to_json())
        problems = [p for p in problems if not p.startswith("objective:")]  # the objective changes with the move
        if problems:
            self.status.setText(self.tr("Not moved: %1").replace("%1", problems[0]))
            self.gantt.update()
            return
        self.service.set_schedule(candidate)
        self.status.setText(self.tr("Moved %1; the schedule still meets every constraint.").replace("%1", task_id))

    def _on_gantt_task_selected(self, task_id: str) -> None:
        self.status.setText(task_id)

    def _who(self) -> str:
        session = self.context.session
        return getattr(session, "username", "") or ""

    def _on_release_clicked(self) -> None:
        task = self.gantt.selected
        if not task:
            self.status.setText(self.tr("Select a task first."))
            return
        self.service.release(task)
        self._audit("task_release", task)
        self.gantt.released = self.service.released
        self.gantt.update()
        self.status.setText(self.tr("%1 released to the crew.").replace("%1", task))

    def _on_ack_clicked(self) -> None:
        task = self.gantt.selected
        try:
            self.service.acknowledge(task)
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        self._audit("task_acknowledge", task)
        self.gantt.acknowledged = self.service.acknowledged
        self.gantt.update()
        self.status.setText(self.tr("%1 acknowledged by the crew.").replace("%1", task))

    def _audit(self, event: str, task: str) -> None:
        audit = getattr(self.context.runtime, "audit", None)
        if audit is not None:
            from app.security import audit as au

            audit.record(au.COMMAND, event, au.SUCCESS, user=self._who(), target=task)

    # --- live ----------------------------------------------------------------------
    def _on_timer_timeout(self) -> None:
        schedule = self.service.schedule
        values = self._live_values()
        now = self._now()
        if schedule is not None:
            self.gantt.set_now((now - schedule.problem.horizon_start).total_seconds() / 60.0)
            self.gantt.set_actual(self._actual_bars(schedule, now))
            fb = self.service.feedback(now, values)
            if fb is not None:
                self._show_feedback(fb)
        else:
            blowing = sum(1 for c in self.aisle.converters if values.get(f"{c}.STATE") in (2, 4))
            self._show_acid(blowing, blowing, self.aisle.acid_max_blowing)

    def _actual_bars(self, schedule: Schedule, now: datetime) -> list[ActualBar]:
        t0 = schedule.problem.horizon_start
        bars = []
        for lot in self.service.recent_lots():
            if lot.kind not in ("converter_batch", "af_heat", "casting_run"):
                continue
            resource = self.aisle.casting if lot.kind == "casting_run" else lot.unit
            end = lot.end or now
            s, e = (lot.start - t0).total_seconds() / 60, (end - t0).total_seconds() / 60
            if e > 0:
                bars.append(ActualBar(resource, int(max(0, s)), int(e), lot.lot))
        return bars

    def _show_feedback(self, fb: Any) -> None:
        self.gantt.set_late({x.task_id: self._reason(x) for x in fb.late})
        self.late_model.setRowCount(0)
        for x in fb.late:
            row = [QStandardItem(x.task_id), QStandardItem(x.resource),
                   QStandardItem(x.planned_start.astimezone(self.calendar.tz).strftime("%H:%M")), QStandardItem(self._reason(x))]
            for it in row:
                it.setEditable(False)
            self.late_model.appendRow(row)
        self.tabs.setTabText(0, self.tr("Late tasks (%1)").replace("%1", str(len(fb.late))))
        self._show_acid(fb.blowing_now, fb.blowing_soon, fb.acid_capacity)

    def _show_acid(self, now_n: int, soon: int, capacity: int) -> None:
        self.acid.setText(self.tr("Acid plant: %1 blowing, %2 within 30 min, capacity %3")
                          .replace("%1", str(now_n)).replace("%2", str(soon)).replace("%3", str(capacity)))
        over = soon > capacity
        self.acid.setStyleSheet("background:#e8771a; color:#000; padding:2px;" if over else "padding:2px;")

    # --- statistics --------------------------------------------------------------------
    def refresh_statistics(self) -> None:
        """Plan and actual per shift are computed on a worker thread (SQL, the year's plan)."""
        self._stats_query.submit(self._compute_statistics, self._now())

    def _compute_statistics(self, now: datetime) -> tuple[Any, dict[str, dict[str, float]]]:
        from app.production.plan import break_down

        plan = self._plan or break_down(self.service.config.plan, self.calendar)
        return plan, self.service.actual_by_shift(self.calendar)

    def _on_stats_result(self, result: tuple[Any, dict[str, dict[str, float]]]) -> None:
        self._plan, self._actuals = result
        self._update_stats_chart()

    def _on_stats_error(self, exc: Exception) -> None:
        self.stats_note.setText(self.tr("Statistics unavailable: %1").replace("%1", str(exc).splitlines()[0]))

    def _on_level_changed(self, _index: int) -> None:
        self._update_stats_chart()

    def _update_stats_chart(self) -> None:
        if self._plan is None:
            return
        from app.production.stats import completion

        level, item = self.level.currentData(), self.item.currentData()
        try:
            periods = completion(self._plan, self._actuals, level, item, self._now(), count=8)
        except ValueError as exc:
            self.stats_note.setText(str(exc))
            return
        self.chart.clear()
        xs = list(range(len(periods)))
        self.chart.addItem(pg.BarGraphItem(x=[x - 0.18 for x in xs], height=[p.target for p in periods], width=0.34,
                                           brush=QColor("#b9b9b9"), pen=QColor("#606060"), name=self.tr("plan")))
        with_data = [(x, p) for x, p in zip(xs, periods, strict=True) if p.actual is not None]
        if with_data:
            self.chart.addItem(pg.BarGraphItem(x=[x + 0.18 for x, _ in with_data], height=[p.actual for _, p in with_data], width=0.34,
                                               brush=QColor("#4d79a6"), pen=QColor("#2c4a66"), name=self.tr("actual")))
        top = max([p.target for p in periods] + [p.actual or 0.0 for p in periods] + [1.0])
        for x, p in zip(xs, periods, strict=True):
            text = pg.TextItem(f"{p.pct:.0f} %" if p.pct is not None else self.tr("no data"), color="#1e1e1e", anchor=(0.5, 1.0))
            text.setPos(x, max(p.target, p.actual or 0.0))
            self.chart.addItem(text)
        self.chart.setYRange(0, top * 1.18, padding=0)
        self.chart.getAxis("bottom").setTicks([[(x, p.key[-8:] if level == "shift" else p.key) for x, p in zip(xs, periods, strict=True)]])
        self.chart.setLabel("left", self.tr(ITEM_NAMES[item]))
        if periods:
            last = periods[-1]
            pct = f"{last.pct:.0f} %" if last.pct is not None else "—"
            actual = f"{last.actual:,.0f}" if last.actual is not None else self.tr("no data")
            self.stats_note.setText(self.tr("Current %1: plan %2 t, actual %3 t (%4); grey plan, blue actual")
                                    .replace("%1", self.tr(LEVEL_NAMES[level]).lower()).replace("%2", f"{last.target:,.0f}")
                                    .replace("%3", actual).replace("%4", pct))

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self._timer.stop()
        self._stats_query.shutdown()
        self.plan_tab.shutdown()
        if self._stop is not None:
            self._stop.set()
        super().closeEvent(event)
