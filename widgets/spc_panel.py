"""The SPC panel: an I-MR or X̄-R chart of one characteristic with its centre line, control
limits and 1/2-sigma zones, the points that break a Western Electric rule marked with the
rule's number, the range chart below, and the list of violations with their lots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.quality.spc import RULE_TEXT
from app.security.permissions import ENTER_ASSAYS
from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext
from widgets.reasons import reason_text

RULES = {
    1: QT_TRANSLATE_NOOP("SpcPanel", "one point beyond 3 sigma"),
    2: QT_TRANSLATE_NOOP("SpcPanel", "2 of 3 points beyond 2 sigma, same side"),
    3: QT_TRANSLATE_NOOP("SpcPanel", "4 of 5 points beyond 1 sigma, same side"),
    4: QT_TRANSLATE_NOOP("SpcPanel", "8 points in a row on one side of the centre line"),
}
assert set(RULES) == set(RULE_TEXT)
FLAG = "#c0392b"


def _plot(utc_offset_s: float) -> pg.PlotWidget:
    """A chart with a time axis in plant time (``utc_offset_s``: seconds west of UTC, pyqtgraph's sign)."""
    w = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=utc_offset_s)})
    w.setBackground("#e6e6e6")
    w.showGrid(x=True, y=True, alpha=0.2)
    item = w.getPlotItem()
    item.hideButtons()
    for axis in ("left", "bottom"):
        item.getAxis(axis).setPen(pg.mkPen("#444"))
        item.getAxis(axis).setTextPen(pg.mkPen("#222"))
    return w


class AssayEntryDialog(QDialog):
    """One assay typed in by hand, signed with the logged-in user's password (opened with
    ``open()``, never ``exec()``; the panel stores it off the GUI thread)."""

    def __init__(self, characteristics: list[tuple[str, str]], user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtCore import QDateTime

        self.setWindowTitle(self.tr("Enter an assay"))
        self.sample = QLineEdit()
        self.characteristic = QComboBox()
        for cid, label in characteristics:
            self.characteristic.addItem(label, cid)
        self.value = QDoubleSpinBox()
        self.value.setDecimals(4)
        self.value.setRange(0.0, 100000.0)
        self.sampled_at = QDateTimeEdit(QDateTime.currentDateTime())
        self.sampled_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.lot = QLineEdit()
        self.reason = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout(self)
        form.addRow(self.tr("Sample id"), self.sample)
        form.addRow(self.tr("Characteristic"), self.characteristic)
        form.addRow(self.tr("Value"), self.value)
        form.addRow(self.tr("Sampled at"), self.sampled_at)
        form.addRow(self.tr("Lot"), self.lot)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Your password ({user})").format(user=user), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def item(self) -> Any:
        from app.quality.assays import AssayInput

        when: datetime = self.sampled_at.dateTime().toPython()  # type: ignore[assignment]
        return AssayInput(self.sample.text().strip(), str(self.characteristic.currentData()), float(self.value.value()),
                          when.replace(tzinfo=None).astimezone(), self.lot.text().strip())


class SpcPanel(DockPanel):
    NAME = "spc"
    TITLE = QT_TRANSLATE_NOOP("SpcPanel", "SPC")
    AREA = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, context: PanelContext) -> None:
        super().__init__()
        self.context = context
        self.service = context.service("quality")
        self.language = context.language
        self.result: Any = None
        self.times: list[Any] = []
        self.lots: list[str] = []
        self._shown_once = False
        self._query = BackgroundQuery(self, "spc", self._on_query_result, self._on_query_error)
        self.char_box = QComboBox()
        for cid, c in self.service.config.characteristics.items():
            self.char_box.addItem(f"{c.name(self.language)} ({cid})", cid)
        self.refresh_button = QPushButton()
        self.enter_button = QPushButton()
        self.import_button = QPushButton()
        self.import_dialog: QFileDialog | None = None
        self._import = BackgroundQuery(self, "assay-import", self._on_import_done, self._on_import_error)
        self.status = QLabel()
        self.limits = QLabel()
        self.entry_dialog: AssayEntryDialog | None = None
        self.notice = ""  # the last hand entry's outcome, kept beside the chart's status
        self._entry = BackgroundQuery(self, "assay-entry", self._on_entry_stored, self._on_entry_error)
        top = QHBoxLayout()
        top.addWidget(self.char_box)
        top.addWidget(self.refresh_button)
        top.addWidget(self.enter_button)
        top.addWidget(self.import_button)
        top.addWidget(self.status, 1)
        from datetime import UTC, datetime

        offset = -datetime.now(UTC).astimezone(self.service_tz()).utcoffset().total_seconds()  # type: ignore[union-attr]
        self.x_plot = _plot(offset)
        self.r_plot = _plot(offset)
        self.r_plot.setXLink(self.x_plot)
        self.table_model = QStandardItemModel(0, 5, self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        charts = QWidget()
        cbox = QVBoxLayout(charts)
        cbox.setContentsMargins(0, 0, 0, 0)
        cbox.addWidget(self.x_plot, 3)
        cbox.addWidget(self.r_plot, 1)
        cbox.addWidget(self.limits)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(charts)
        split.addWidget(self.table)
        split.setSizes([860, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.enter_button.clicked.connect(self._on_enter_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.char_box.currentIndexChanged.connect(self._on_char_box_changed)
        self.retranslate()

    def retranslate(self) -> None:
        self.refresh_button.setText(self.tr("Refresh"))
        self.enter_button.setText(self.tr("Enter assay..."))
        self.import_button.setText(self.tr("Import laboratory file..."))
        self.apply_permissions()
        self.table_model.setHorizontalHeaderLabels([self.tr("Point"), self.tr("Time"), self.tr("Rule"), self.tr("Lot"),
                                                    self.tr("What")])
        self._show()

    def refresh(self) -> None:
        cid = self.char_box.currentData()
        if cid is None:
            return
        self.status.setText(self.tr("Reading assays..."))

        def work() -> tuple[Any, list[Any], list[str]]:
            res, times = self.service.chart(cid)
            _, _, _, lots = self.service.series(cid)
            size = max(1, self.service.config.characteristics[cid].subgroup)
            return res, times, [lots[i * size + size - 1] for i in range(len(res.points))]

        self._query.submit(work)

    def wait(self, timeout: float = 60.0) -> None:
        self._query.wait(timeout)

    def _on_char_box_changed(self, _index: int) -> None:
        self.refresh()

    def _on_query_error(self, exc: Exception) -> None:
        self.result = None
        self.x_plot.clear()
        self.r_plot.clear()
        self.table_model.removeRows(0, self.table_model.rowCount())
        self.status.setText(self.tr("No chart: {error}").format(error=reason_text(exc))
                            + (f" — {self.notice}" if self.notice else ""))

    def _on_query_result(self, value: tuple[Any, list[Any], list[str]]) -> None:
        self.result, self.times, self.lots = value
        self._show()

    def _show(self) -> None:
        res = self.result
        if res is None:
            return
        c = self.service.config.characteristics[res.name]
        lim = res.limits
        x = self.times.epoch_s() if hasattr(self.times, "epoch_s") else np.array([t.timestamp() for t in self.times])
        p = self.x_plot
        p.clear()
        p.addItem(pg.PlotDataItem(x, res.points, pen=pg.mkPen("#555", width=1), symbol="o", symbolSize=4,
                                  symbolBrush="#333", symbolPen=None))
        for k, style, colour in ((3, Qt.PenStyle.SolidLine, "#222"), (2, Qt.PenStyle.DashLine, "#888"), (1, Qt.PenStyle.DotLine, "#999")):
            for s in (1, -1):
                p.addItem(pg.InfiniteLine(pos=lim.centre + s * k * lim.sigma, angle=0, pen=pg.mkPen(colour, style=style)))
        p.addItem(pg.InfiniteLine(pos=lim.centre, angle=0, pen=pg.mkPen("#2e6da4", width=2)))
        flagged: dict[int, list[int]] = {}
        for i, rule in res.violations:
            flagged.setdefault(i, []).append(rule)
        if flagged:
            idx = sorted(flagged)
            p.addItem(pg.ScatterPlotItem(x[idx], res.points[idx], size=10, brush=pg.mkBrush(FLAG), pen=pg.mkPen("#600"), symbol="o"))
            for i in idx[-60:]:  # numbers on the latest 60 (a long history would bury the chart)
                t = pg.TextItem(",".join(map(str, flagged[i])), color=FLAG, anchor=(0.5, 1.3))
                t.setPos(x[i], res.points[i])
                p.addItem(t)
        for label, y in ((self.tr("UCL"), lim.ucl), (self.tr("CL"), lim.centre), (self.tr("LCL"), lim.lcl)):
            t = pg.TextItem(f"{label} {y:.4g}", color="#222", anchor=(0.0, 0.5))
            t.setPos(x[0] if len(x) else 0, y)
            p.addItem(t)
        span = max(lim.ucl, float(np.nanmax(res.points))) - min(lim.lcl, float(np.nanmin(res.points)))
        p.setYRange(min(lim.lcl, float(np.nanmin(res.points))) - 0.05 * span, max(lim.ucl, float(np.nanmax(res.points))) + 0.12 * span)
        p.getPlotItem().setLabel("left", f"{c.name(self.language)} ({c.eu})" if c.eu else c.name(self.language))
        r = self.r_plot
        r.clear()
        r.addItem(pg.PlotDataItem(x, res.ranges, pen=pg.mkPen("#555"), symbol="o", symbolSize=3, symbolBrush="#333", symbolPen=None))
        r.addItem(pg.InfiniteLine(pos=lim.range_centre, angle=0, pen=pg.mkPen("#2e6da4")))
        r.addItem(pg.InfiniteLine(pos=lim.range_ucl, angle=0, pen=pg.mkPen("#222")))
        r.getPlotItem().setLabel("left", self.tr("MR") if res.chart == "I-MR" else self.tr("R"))
        chart_name = self.tr("I-MR chart") if res.chart == "I-MR" else self.tr("X̄-R chart, subgroups of {n}").format(n=c.subgroup)
        source = self.tr("given") if lim.source == "given" else self.tr("from the first {n} points").format(n=c.baseline)
        self.limits.setText(self.tr("{chart}; limits {source}: CL {cl}, UCL {ucl}, LCL {lcl}, sigma {sigma}. Red: Western Electric rule broken (number = rule).")
                            .format(chart=chart_name, source=source, cl=f"{lim.centre:.4g}", ucl=f"{lim.ucl:.4g}",
                                    lcl=f"{lim.lcl:.4g}", sigma=f"{lim.sigma:.3g}"))
        self.status.setText(self.tr("{n} points, {v} out of control").format(n=len(res.points), v=len(flagged))
                            + (f" — {self.notice}" if self.notice else ""))
        m = self.table_model
        m.removeRows(0, m.rowCount())
        for i, rule in sorted(res.violations, reverse=True)[:500]:
            m.appendRow([QStandardItem(str(i)), QStandardItem(self.times[i].astimezone(self.service_tz()).strftime("%Y-%m-%d %H:%M")),
                         QStandardItem(str(rule)), QStandardItem(self.lots[i] if i < len(self.lots) else ""),
                         QStandardItem(self.tr(RULES[rule]))])
        self.table.resizeColumnsToContents()

    # --- permissions ---------------------------------------------------------------------
    def assay_refusal(self) -> str | None:
        """Why the logged-in user may not enter or import assays (translated), or None."""
        session = self.context.session
        if session is None or session.user is None:
            return self.tr("Log in to enter or import assays.")
        if session.locked:
            return self.tr("The console is locked: unlock it to enter or import assays.")
        if not session.may(ENTER_ASSAYS):
            return self.tr("Entering and importing assays needs the permission to enter assays "
                           "(laboratory, shift lead, process engineer, administrator).")
        return None

    def apply_permissions(self) -> None:
        """Enter and Import are disabled, with the reason as tooltip, for a user who may not use
        them (called again whenever the session changes: login, switch user, lock)."""
        refusal = self.assay_refusal()
        for button in (self.enter_button, self.import_button):
            button.setEnabled(refusal is None)
            button.setToolTip(refusal or "")

    # --- laboratory file ------------------------------------------------------------------
    def _on_import_button_clicked(self) -> None:
        if self.assay_refusal() is not None:
            return
        dialog = QFileDialog(self, self.tr("Import laboratory file"), "", self.tr("Laboratory CSV (*.csv)"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_import_dialog_file_selected)
        self.import_dialog = dialog
        dialog.open()  # not exec(): the asyncio loop keeps running

    def _on_import_dialog_file_selected(self, path: str) -> None:
        from pathlib import Path

        if not path:
            return
        self.status.setText(self.tr("Importing {file}...").format(file=Path(path).name))
        self._import.submit(self.service.import_lab_csv, Path(path), self.context.session)

    def _on_import_done(self, n: int) -> None:
        self.service.flush_publications()
        self.notice = self.tr("{n} assays imported").format(n=n)
        self.status.setText(self.notice)
        self.refresh()

    def _on_import_error(self, exc: Exception) -> None:
        from app.quality.csvfile import CsvProblems

        self.service.flush_publications()
        if isinstance(exc, CsvProblems):
            first = exc.problems[0] if exc.problems else ""
            text = self.tr("File rejected, nothing imported ({n} problems). First: {problem}").format(n=len(exc.problems), problem=first)
            self.status.setToolTip("\n".join(exc.problems[:40]))
        else:
            text = self.tr("File not imported: {error}").format(error=reason_text(exc))
        self.notice = text
        self.status.setText(text)

    # --- hand entry ----------------------------------------------------------------------
    def _on_enter_button_clicked(self) -> None:
        session = self.context.session
        if session is None or self.assay_refusal() is not None:
            return
        cfg = self.service.config
        chars = [(cid, f"{c.name(self.language)} ({cid})") for cid, c in cfg.characteristics.items() if cid != "CATH.IMPURITIES"]
        chars += [(f"CATH.{e}", f"CATH.{e}") for e in ("Cu", *cfg.elements)]
        self.entry_dialog = AssayEntryDialog(chars, session.username, self)
        current = self.char_box.currentData()
        if current is not None:
            self.entry_dialog.characteristic.setCurrentIndex(max(0, self.entry_dialog.characteristic.findData(current)))
        self.entry_dialog.accepted.connect(self._on_entry_dialog_accepted)
        self.entry_dialog.open()

    def _on_entry_dialog_accepted(self) -> None:
        dialog = self.entry_dialog
        if dialog is None:
            return
        item, password, reason = dialog.item(), dialog.password.text(), dialog.reason.text().strip()
        self.status.setText(self.tr("Checking the signature..."))
        self._entry.submit(self.service.enter_assay, self.context.session, password, item, reason)

    def _on_entry_stored(self, _row_id: int) -> None:
        self.service.flush_publications()  # the SPC / off-grade tags, applied on the GUI thread
        session = self.context.session
        self.notice = self.tr("Assay stored and signed by {user}").format(user=session.username if session else "?")
        self.status.setText(self.notice)
        self.refresh()

    def _on_entry_error(self, exc: Exception) -> None:
        self.service.flush_publications()
        self.status.setText(self.tr("Assay not stored: {error}").format(error=reason_text(exc)))

    def service_tz(self) -> Any:
        from app.energy.service import calendar_of

        return calendar_of(self.context.runtime.layout).tz

    def showEvent(self, event: Any) -> None:  # noqa: N802
        """The first time the operator opens the panel, read the figures (off the GUI thread)."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.refresh()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self._query.shutdown()
        self._entry.shutdown()
        super().closeEvent(event)
