"""Alarm KPIs (EEMUA 191) for a period, from the journal; one-click shelving of chatterers."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QModelIndex, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QShowEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.alarms.engine import AlarmEngine
from app.alarms.kpi import TARGET_MIX, KpiReport
from app.alarms.queries import AlarmJournalQueries
from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel
from widgets.priority_look import PRIORITY_LOOK

# The mix groups urgent with high (EEMUA 191's "high" share): coloured as the alarm list's High.
MIX_COLOURS = {"high": PRIORITY_LOOK[2].background, "medium": PRIORITY_LOOK[3].background, "low": PRIORITY_LOOK[4].background}
PERIODS = (
    (8, QT_TRANSLATE_NOOP("AlarmKpiPanel", "Last shift (8 h)")), (24, QT_TRANSLATE_NOOP("AlarmKpiPanel", "Last 24 hours")),
    (7 * 24, QT_TRANSLATE_NOOP("AlarmKpiPanel", "Last 7 days")), (30 * 24, QT_TRANSLATE_NOOP("AlarmKpiPanel", "Last 30 days")),
)
# The priority-mix keys are shown through self.tr(key) in PriorityMixBar and AlarmKpiPanel.
_MIX_WORDS = (
    QT_TRANSLATE_NOOP("PriorityMixBar", "urgent + high"), QT_TRANSLATE_NOOP("PriorityMixBar", "medium"), QT_TRANSLATE_NOOP("PriorityMixBar", "low"),
    QT_TRANSLATE_NOOP("AlarmKpiPanel", "urgent + high"), QT_TRANSLATE_NOOP("AlarmKpiPanel", "medium"), QT_TRANSLATE_NOOP("AlarmKpiPanel", "low"),
)
#: the KPI mix keys as shown: EEMUA's "high" share is the urgent and high priorities together
MIX_WORDS = {"high": "urgent + high", "medium": "medium", "low": "low"}


class PriorityMixBar(QWidget):
    """Two stacked bars: the actual priority mix and the 5/15/80 target."""

    def __init__(self) -> None:
        super().__init__()
        self.actual: dict[str, float] = {}
        self.setMinimumHeight(64)
        self.setMaximumHeight(90)

    def set_mix(self, pct: dict[str, float]) -> None:
        self.actual = pct
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        label_w = 70.0
        w = max(10.0, self.width() - label_w - 8)
        rows = ((self.tr("Actual"), self.actual), (self.tr("Target"), TARGET_MIX))
        h = (self.height() - 12) / 2
        metrics = p.fontMetrics()
        for i, (name, mix) in enumerate(rows):
            y = 4 + i * (h + 4)
            p.setPen(QColor("#1e1e1e"))
            p.drawText(QRectF(0, y, label_w, h), Qt.AlignmentFlag.AlignVCenter, name)
            x = label_w
            total = sum(mix.values()) or 1.0
            for key in ("high", "medium", "low"):
                share = mix.get(key, 0.0) / total
                seg = QRectF(x, y, w * share, h)
                p.fillRect(seg, QColor(MIX_COLOURS[key]))
                for text in (f"{self.tr(MIX_WORDS[key])} {100 * share:.0f} %", f"{100 * share:.0f} %"):
                    if share > 0 and metrics.horizontalAdvance(text) + 4 <= seg.width():
                        p.drawText(seg, Qt.AlignmentFlag.AlignCenter, text)
                        break
                x += w * share
            if not mix or not sum(mix.values()):
                p.drawRect(QRectF(label_w, y, w, h))
        p.end()


def _table(headers: list[str]) -> tuple[QTableView, QStandardItemModel]:
    model = QStandardItemModel(0, len(headers))
    model.setHorizontalHeaderLabels(headers)
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return view, model


def _row(*values: object) -> list[QStandardItem]:
    return [QStandardItem(str(v)) for v in values]


class AlarmKpiPanel(DockPanel):
    """KPIs for a period: rates, windows, floods, top 10, chattering, stale, priority mix."""

    NAME = "alarm_kpi"
    TITLE = QT_TRANSLATE_NOOP("AlarmKpiPanel", "Alarm KPIs")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(
        self,
        journal: AlarmJournalQueries | str,
        engine: AlarmEngine | None = None,
        user: Callable[[], str] = getpass.getuser,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.journal = AlarmJournalQueries(journal) if isinstance(journal, str) else journal
        self.engine = engine
        self.user = user
        self.clock = clock
        self.report: KpiReport | None = None
        self._query = BackgroundQuery(self, "alarm-kpi", self.show_report, self._show_error)
        self.period_box = QComboBox()
        self.compute_button = QPushButton()
        self.status = QLabel()
        self.summary_view, self.summary = _table(["", "", ""])
        self.top_view, self.top = _table(["", ""])
        self.chatter_view, self.chatter = _table(["", "", ""])
        self.stale_view, self.stale = _table(["", ""])
        self.mix_bar = PriorityMixBar()
        self.summary_view.setColumnWidth(1, 110)
        self.summary_view.setColumnWidth(2, 90)
        self.stale_view.setColumnWidth(1, 190)
        self.chatter_view.setColumnWidth(1, 110)
        self.chatter_view.setColumnWidth(2, 130)
        self.top_view.setColumnWidth(1, 70)
        self.chatter_view.clicked.connect(self._on_chatter_view_clicked)

        top = QHBoxLayout()
        top.addWidget(self.period_box)
        top.addWidget(self.compute_button)
        top.addWidget(self.status, 1)
        self.summary_group = QGroupBox()
        QVBoxLayout(self.summary_group).addWidget(self.summary_view)
        self.mix_group = QGroupBox()
        mix_box = QVBoxLayout(self.mix_group)
        mix_box.addWidget(self.mix_bar)
        self.mix_legend = QLabel()
        mix_box.addWidget(self.mix_legend)
        mix_box.addStretch(1)
        self.top_group = QGroupBox()
        QVBoxLayout(self.top_group).addWidget(self.top_view)
        self.chatter_group = QGroupBox()
        QVBoxLayout(self.chatter_group).addWidget(self.chatter_view)
        self.stale_group = QGroupBox()
        QVBoxLayout(self.stale_group).addWidget(self.stale_view)
        grid = QGridLayout()
        grid.addWidget(self.summary_group, 0, 0, 2, 1)
        grid.addWidget(self.mix_group, 2, 0)
        grid.addWidget(self.top_group, 0, 1)
        grid.addWidget(self.chatter_group, 1, 1)
        grid.addWidget(self.stale_group, 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        # The figures scroll inside the tab: their full height must not make the whole bottom
        # area (every tab beside it) so tall that the process display loses the screen.
        figures = QWidget()
        figures.setLayout(grid)
        figures.setMinimumHeight(grid.minimumSize().height())
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(figures)
        scroll.setMinimumHeight(120)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        box.addWidget(scroll, 1)
        self.compute_button.clicked.connect(self.compute)
        self.retranslate()

    def retranslate(self) -> None:
        current = self.period_box.currentData()
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for hours, text in PERIODS:
            self.period_box.addItem(self.tr(text), hours)
        self.period_box.setCurrentIndex(max(0, self.period_box.findData(current)))
        self.period_box.blockSignals(False)
        self.compute_button.setText(self.tr("Compute"))
        self.summary_group.setTitle(self.tr("EEMUA 191 figures"))
        self.mix_group.setTitle(self.tr("Priority distribution (annunciated)"))
        self.top_group.setTitle(self.tr("Top 10 most frequent alarms"))
        self.chatter_group.setTitle(self.tr("Chattering alarms (3 or more activations in a minute)"))
        self.stale_group.setTitle(self.tr("Standing alarms (stale: active more than 24 h)"))
        self.summary.setHorizontalHeaderLabels([self.tr("Figure"), self.tr("Value"), self.tr("Target")])
        self.top.setHorizontalHeaderLabels([self.tr("Alarm"), self.tr("Count")])
        self.chatter.setHorizontalHeaderLabels([self.tr("Alarm"), self.tr("Max per minute"), self.tr("Action")])
        self.stale.setHorizontalHeaderLabels([self.tr("Alarm"), self.tr("Active since")])
        if self.report is not None:
            self.show_report(self.report)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The first time the tab is shown it fills itself (no empty tab until a button is pressed)."""
        super().showEvent(event)
        if not getattr(self, "_filled_on_show", False):
            self._filled_on_show = True
            self.compute()

    def compute(self) -> None:
        """Compute the KPIs of the chosen period in the background."""
        hours = int(self.period_box.currentData() or 8)
        end = self.clock()
        start = end - timedelta(hours=hours)
        self.status.setText(self.tr("Computing..."))
        self._query.submit(self.journal.kpis, start, end)

    def wait(self, timeout: float = 30.0) -> None:
        self._query.wait(timeout)

    def _show_error(self, exc: Exception) -> None:
        self.status.setText(self.tr("Cannot read the journal: {error}").format(error=str(exc).splitlines()[0]))

    def show_report(self, r: KpiReport) -> None:
        self.report = r
        local = "%Y-%m-%d %H:%M"
        self.status.setText(self.tr("{start} to {end}").format(
            start=r.start.astimezone().strftime(local), end=r.end.astimezone().strftime(local)))
        figures = [
            (self.tr("Annunciated alarms"), f"{r.annunciated}", ""),
            (self.tr("Alarms per 10 minutes"), f"{r.per_10min:.2f}", "~1"),
            (self.tr("Alarms per hour"), f"{r.per_hour:.1f}", "< 6"),
            (self.tr("Alarms per day"), f"{r.per_day:.0f}", "< 144"),
            (self.tr("10-min windows with more than 1"), f"{r.windows_over_1_pct:.1f} %", ""),
            (self.tr("10-min windows with more than 10"), f"{r.windows_over_10_pct:.1f} %", "< 1 %"),
            (self.tr("Most in any 10 minutes"), f"{r.max_per_10min}", "<= 10"),
            (self.tr("Floods"), f"{r.flood_count}", ""),
            (self.tr("Flood duration"), self.tr("{n} min").format(n=f"{r.flood_duration_s / 60:.1f}"), ""),
            (self.tr("Flood peak (per 10 min)"), f"{r.flood_peak_per_10min}", ""),
            (self.tr("Time in flood"), f"{r.flood_time_pct:.2f} %", "< 1 %"),
            (self.tr("Chattering alarms"), f"{len(r.chattering)}", "0"),
            (self.tr("Standing alarms"), f"{len(r.standing)}", ""),
            (self.tr("Stale alarms (> 24 h)"), f"{len(r.stale)}", "0"),
            (self.tr("Acknowledgements / shelves"), f"{r.acks} / {r.shelves}", ""),
        ]
        over = {
            self.tr("Alarms per hour"): r.per_hour >= 6,
            self.tr("Alarms per day"): r.per_day >= 144,
            self.tr("10-min windows with more than 10"): r.windows_over_10_pct >= 1,
            self.tr("Most in any 10 minutes"): r.max_per_10min > 10,
            self.tr("Time in flood"): r.flood_time_pct >= 1,
            self.tr("Chattering alarms"): bool(r.chattering),
            self.tr("Stale alarms (> 24 h)"): bool(r.stale),
        }
        self.summary.setRowCount(0)
        for name, value, target in figures:
            items = _row(name, value, target)
            if over.get(name):  # outside the EEMUA target: say so in text and weight, not colour alone
                items[1].setText(value + "  ▲")
                items[1].setForeground(QColor("#9b1020"))
                font = items[1].font()
                font.setBold(True)
                items[1].setFont(font)
            self.summary.appendRow(items)
        self.top.setRowCount(0)
        for alarm, n in r.top10:
            self.top.appendRow(_row(alarm, n))
        self.chatter.setRowCount(0)
        for alarm, n in r.chattering:
            items = _row(alarm, n, self.tr("Shelve (one-shot)") if self.engine else "")
            if self.engine:
                items[2].setForeground(QColor("#0b3d91"))
                items[2].setToolTip(self.tr("Click to shelve until it next clears"))
            self.chatter.appendRow(items)
        self.stale.setRowCount(0)
        for alarm, since in r.standing:
            if (r.end - since) <= timedelta(hours=24):
                continue  # standing, but not stale yet: the alarm list shows it
            self.stale.appendRow(_row(alarm, since.astimezone().strftime(local)))
        self.mix_bar.set_mix(r.priority_pct)
        self.mix_legend.setText("   ".join(
            self.tr("{cls}: {n} ({pct} %, target {target} %)").format(
                cls=self.tr(MIX_WORDS[k]), n=r.priority_counts.get(k, 0), pct=f"{r.priority_pct.get(k, 0):.0f}",
                target=f"{TARGET_MIX[k]:g}")
            for k in ("high", "medium", "low")))

    def _on_chatter_view_clicked(self, index: QModelIndex) -> None:
        if index.column() != 2 or self.engine is None:
            return
        alarm = self.chatter.item(index.row(), 0).text()
        self.shelve_chattering(alarm)

    def shelve_chattering(self, alarm: str) -> bool:
        """One-shot shelve of a chattering alarm (until it next clears)."""
        if self.engine is None:
            return False
        refusal = self.engine.refusal(self.user(), "shelve")  # the engine's rule, as everywhere
        if refusal:
            QMessageBox.warning(self, self.tr("Not allowed"), refusal)
            return False
        done = self.engine.shelve(alarm, self.user(), self.tr("chattering (shelved from the KPI panel)"), None)
        if done:
            for row in range(self.chatter.rowCount()):
                if self.chatter.item(row, 0).text() == alarm:
                    self.chatter.item(row, 2).setText(self.tr("shelved"))
        return done

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self._query.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
