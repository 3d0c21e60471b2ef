"""The alarm list: active and unacknowledged alarms, banner, filters, ack, shelve, horn."""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.alarms.definitions import Priority
from app.alarms.engine import AlarmEngine, AlarmRecord, AlarmState
from app.core.layout import PlantLayout
from widgets.alarm_horn import AlarmHorn
from widgets.alarm_models import (
    COL_AREA,
    COL_DESC,
    COL_GROUP,
    COL_LIMIT,
    COL_NOW,
    COL_PRIORITY,
    COL_STATE,
    COL_TAG,
    COL_TIME,
    COL_VALUE,
    PRIORITY_COLOURS,
    PRIORITY_TEXT,
    AlarmFilterProxy,
    AlarmTableModel,
    newest_high,
)
from widgets.alarm_models import tr as tr_model
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel
from widgets.priority_look import PRIORITY_LOOK

SHELVE_CHOICES = (
    (15 * 60, QT_TRANSLATE_NOOP("ShelveDialog", "15 minutes")), (3600, QT_TRANSLATE_NOOP("ShelveDialog", "1 hour")),
    (4 * 3600, QT_TRANSLATE_NOOP("ShelveDialog", "4 hours")), (8 * 3600, QT_TRANSLATE_NOOP("ShelveDialog", "8 hours (shift)")),
    (0, QT_TRANSLATE_NOOP("ShelveDialog", "One-shot: until it next clears")),
)
# PRIORITY_TEXT (alarm_models) is also translated by self.tr in these two classes: extract it there too.
_PRIORITY_WORDS = (
    QT_TRANSLATE_NOOP("AlarmCountsLabel", "Urgent"), QT_TRANSLATE_NOOP("AlarmCountsLabel", "High"), QT_TRANSLATE_NOOP("AlarmCountsLabel", "Medium"), QT_TRANSLATE_NOOP("AlarmCountsLabel", "Low"),
    QT_TRANSLATE_NOOP("AlarmListPanel", "Urgent"), QT_TRANSLATE_NOOP("AlarmListPanel", "High"), QT_TRANSLATE_NOOP("AlarmListPanel", "Medium"), QT_TRANSLATE_NOOP("AlarmListPanel", "Low"),
)


class ShelveDialog(QDialog):
    """Asks how long to shelve and why (a reason is required: shelving is audited)."""

    def __init__(self, alarms: list[AlarmRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Shelve alarms"))
        self.duration = QComboBox()
        for seconds, text in SHELVE_CHOICES:
            self.duration.addItem(self.tr(text), seconds)
        self.duration.setCurrentIndex(1)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Why (required), e.g. transmitter being replaced"))
        names = ", ".join(r.id for r in alarms[:5]) + (" ..." if len(alarms) > 5 else "")
        form = QFormLayout(self)
        form.addRow(self.tr("Alarms:"), QLabel(names))
        form.addRow(self.tr("Duration:"), self.duration)
        form.addRow(self.tr("Reason:"), self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.reason.textChanged.connect(self._on_reason_changed)
        self._on_reason_changed("")

    def _on_reason_changed(self, text: str) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(text.strip()))

    def choice(self) -> tuple[float | None, str]:
        """(duration in seconds or None for one-shot, reason)."""
        seconds = float(self.duration.currentData())
        return (seconds or None), self.reason.text().strip()


class AlarmCountsLabel(QLabel):
    """Status-bar counts per priority: annunciated (unacknowledged)."""

    def update_counts(self, counts: dict[Priority, tuple[int, int]]) -> None:
        parts = []
        for p in Priority:
            active, unacked = counts.get(p, (0, 0))
            bg, fg = PRIORITY_COLOURS[p] if active else ("#b4b4b4", "#1e1e1e")
            parts.append(f'<span style="background:{bg};color:{fg};">&nbsp;{self.tr(PRIORITY_TEXT[p])} '
                         f'{active}{f" ({unacked})" if unacked else ""}&nbsp;</span>')
        self.setText(" ".join(parts))
        self.setToolTip(self.tr("Alarms per priority: active (unacknowledged)"))


class AlarmListPanel(DockPanel):
    """Active and unacknowledged alarms; double-click asks for the alarm's display and trend."""

    NAME = "alarm_list"
    TITLE = QT_TRANSLATE_NOOP("AlarmListPanel", "Alarms")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    PERMISSIONS = ("view",)  # everyone sees alarms; ack/shelve are checked when done

    sig_alarm_activated = Signal(str, object)  # tag, alarm time (datetime)
    HOLD_S = 10.0  # longest wait for new rows while the pointer rests on the list

    def __init__(
        self,
        engine: AlarmEngine,
        layout: PlantLayout,
        language: str = "en",
        user: Callable[[], str] = getpass.getuser,
        horn: AlarmHorn | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.layout_model = layout
        self.language = language
        self.user = user
        self.horn = horn if horn is not None else AlarmHorn(self)
        self.model = AlarmTableModel(engine.tags, layout, language)
        self.proxy = AlarmFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.counts_label = AlarmCountsLabel()

        self.banner = QLabel()
        self.banner.setObjectName("alarmBanner")
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setMinimumHeight(44)
        self.banner.setWordWrap(True)
        self.area_box = QComboBox()
        self.priority_box = QComboBox()
        self.state_box = QComboBox()
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.group_box = QCheckBox()
        self.ack_button = QPushButton()
        self.ack_page_button = QPushButton()
        self.shelve_button = QPushButton()
        self.silence_button = QPushButton()
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_TIME, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_DESC, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_AREA, 120), (COL_TAG, 170), (COL_VALUE, 120), (COL_NOW, 120),
                           (COL_LIMIT, 120), (COL_STATE, 190), (COL_GROUP, 170)):
            self.table.setColumnWidth(col, width)
        self.model.live = engine.current_value
        self._live_countdown = 0
        self.detail = QLabel()
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setWordWrap(True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumWidth(260)

        filters = QHBoxLayout()
        for w in (self.area_box, self.priority_box, self.state_box):
            filters.addWidget(w)
        filters.addWidget(self.filter_edit, 1)
        filters.addWidget(self.group_box)
        buttons = QHBoxLayout()
        for b in (self.ack_button, self.ack_page_button, self.shelve_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.silence_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(self.banner)
        box.addLayout(filters)
        box.addWidget(split, 1)
        box.addLayout(buttons)

        self.area_box.currentIndexChanged.connect(self._on_area_box_changed)
        self.priority_box.currentIndexChanged.connect(self._on_priority_box_changed)
        self.state_box.currentIndexChanged.connect(self._on_state_box_changed)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.group_box.toggled.connect(self.model.set_grouped)
        self.ack_button.clicked.connect(self.ack_selected)
        self.ack_page_button.clicked.connect(self.ack_page)
        self.shelve_button.clicked.connect(self._on_shelve_button_clicked)
        self.silence_button.clicked.connect(self.horn.silence)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

        self._pending: dict[str, AlarmRecord] = {}
        self._held_since: float | None = None
        engine.changed.connect(self._on_engine_changed)
        engine.flood_changed.connect(self._on_engine_flood_changed)
        self._timer = QTimer(self)  # the engine may change thousands of alarms at once: repaint <= 10 Hz
        self._timer.setInterval(100)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.model.set_records(list(engine.records.values()))
        self.retranslate()
        self.refresh()
        self._update_detail()

    # --- text -------------------------------------------------------------------------------
    def retranslate(self) -> None:
        def refill(box: QComboBox, items: list[tuple[str, object]]) -> None:
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            for text, data in items:
                box.addItem(text, data)
            i = box.findData(current)
            box.setCurrentIndex(max(0, i))
            box.blockSignals(False)

        areas: list[tuple[str, object]] = [(self.tr("All areas"), "")]
        areas += [(a.name(self.language), a.id) for a in self.layout_model.areas.values()]
        refill(self.area_box, areas)
        refill(self.priority_box, [(self.tr("All priorities"), 4), (self.tr("Medium and above"), 3),
                                   (self.tr("High and above"), 2), (self.tr("Urgent only"), 1)])
        refill(self.state_box, [(self.tr("Active and unacknowledged"), "annunciated"),
                                (self.tr("Unacknowledged"), "unacked"), (self.tr("Acknowledged"), "acked"),
                                (self.tr("Shelved"), "shelved"), (self.tr("Suppressed by design"), "suppressed"),
                                (self.tr("Out of service"), "oos")])
        self.filter_edit.setPlaceholderText(self.tr("Filter by tag, text or area"))
        self.group_box.setText(self.tr("Group by area / first out"))
        self.ack_button.setText(self.tr("Acknowledge selected"))
        self.ack_page_button.setText(self.tr("Acknowledge page"))
        self.shelve_button.setText(self.tr("Shelve..."))
        self.silence_button.setText(self.tr("Silence horn"))
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.fit_columns()
        self._update_banner()
        self._update_detail()  # "Select an alarm…" or the selected alarm's texts, in the new language

    def set_language(self, language: str) -> None:
        self.language = language
        self.model.language = language
        self.retranslate()
        self.model.set_records(list(self.engine.records.values()))

    # --- engine -> view ----------------------------------------------------------------------
    def _on_engine_changed(self, records: list[AlarmRecord]) -> None:
        for rec in records:
            if rec.state is AlarmState.UNACK and rec.id not in self._pending and rec.condition:
                self.horn.sound(rec.definition.priority)
            self._pending[rec.id] = rec

    def _on_engine_flood_changed(self, _flood: bool) -> None:
        self._update_banner()

    def _hold_for_pointer(self) -> bool:
        """While the pointer rests on the list, new rows wait (at most HOLD_S): the row under
        the pointer must not move away between aiming and clicking Acknowledge."""
        if not (self.isVisible() and self.table.viewport().underMouse()):
            self._held_since = None
            return False
        now = time.monotonic()
        if self._held_since is None:
            self._held_since = now
        return now - self._held_since < self.HOLD_S

    def apply_permissions(self) -> None:
        """Ack and Shelve are disabled, with the reason as tooltip, for a user who may not use them."""
        for button, action in ((self.ack_button, "ack"), (self.ack_page_button, "ack"), (self.shelve_button, "shelve")):
            refusal = self.engine.refusal(self.user(), action)  # the engine's rule, as on every console
            button.setEnabled(not refusal)
            button.setToolTip(refusal or "")

    def fit_columns(self) -> None:
        """Time and Priority wide enough for their text in bold (unacknowledged rows are bold)."""
        bold = QFont(self.table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        pad = 2 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 14
        self.table.setColumnWidth(COL_TIME, metrics.horizontalAdvance("88:88:88") + pad)
        words = [f"{PRIORITY_LOOK[int(p)].glyph} {tr_model(PRIORITY_TEXT[p])}" for p in Priority]
        self.table.setColumnWidth(COL_PRIORITY, max(metrics.horizontalAdvance(w) for w in words) + pad)

    def _refresh_live(self) -> None:
        """The Value now column follows the plant (once a second, one repaint of the column)."""
        self._live_countdown -= 1
        if self._live_countdown > 0 or self.model.rowCount() == 0:
            return
        self._live_countdown = 10
        self.model.dataChanged.emit(self.model.index(0, COL_NOW), self.model.index(self.model.rowCount() - 1, COL_NOW))

    def refresh(self) -> None:
        """Apply the engine's changes (called at <= 10 Hz by the timer; tests call it directly)."""
        self.apply_permissions()
        self._refresh_live()
        if self._pending and self._hold_for_pointer():
            self.counts_label.update_counts(self.engine.counts())
            return
        if self._pending:
            records, self._pending = list(self._pending.values()), {}
            self.model.update_records(records)
            self._update_banner()
            self._update_detail()
        if self.horn.sounding is not None and not any(r.unacked for r in self.model.records.values()):
            self.horn.stop()
        self.counts_label.update_counts(self.engine.counts())

    def _update_banner(self) -> None:
        parts = []
        if self.engine.in_flood:
            parts.append('<span style="background:#c0162c;color:#ffffff;font-weight:bold;">&nbsp;'
                         + self.tr("ALARM FLOOD: {n} alarms in the last 10 minutes. Work by priority; "
                                   "group by area / first out.").format(n=self.engine.rate_10min) + "&nbsp;</span>")
        for rec in newest_high(list(self.model.records.values())):  # whatever the list's filter
            bg, fg = PRIORITY_COLOURS[rec.definition.priority]
            when = rec.time.astimezone().strftime("%H:%M:%S") if rec.time else ""
            parts.append(f'<span style="background:{bg};color:{fg};">&nbsp;{self.tr(PRIORITY_TEXT[rec.definition.priority])}'
                         f"&nbsp;</span> {when} <b>{rec.definition.tag}</b> {rec.definition.text(self.language)}")
        if not parts:
            parts.append(self.tr("No unacknowledged high-priority alarms"))
        self.banner.setText("<br>".join(parts))

    def _update_detail(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            self.detail.setText(self.tr("Select an alarm to see its cause, consequence and the action to take."))
            return
        rec = self.proxy.record(index.row())
        d = rec.definition
        minutes = d.response_s / 60
        cause, consequence, action = d.rationale(self.language)
        rows = [
            f"<b>{d.id}</b><br>{d.text(self.language)}",
            "<b>" + self.tr("Cause:") + f"</b> {cause}",
            "<b>" + self.tr("Consequence:") + f"</b> {consequence}",
            "<b>" + self.tr("Action:") + f"</b> {action}",
            "<b>" + self.tr("Allowed response time:") + "</b> "
            + (self.tr("{n} min").format(n=f"{minutes:g}") if minutes >= 1 else self.tr("{n} s").format(n=f"{d.response_s:g}")),
        ]
        if rec.acked_by:
            rows.append(self.tr("Acknowledged by {who}").format(who=rec.acked_by))
        if rec.shelve is not None:
            until = rec.shelve_until.astimezone().strftime("%H:%M") if rec.shelve_until else self.tr("it clears")
            rows.append(self.tr("Shelved by {who} until {until}: {why}").format(
                who=rec.shelved_by, until=until, why=rec.shelve_reason))
        self.detail.setText("<br>".join(rows))

    # --- operator actions ---------------------------------------------------------------------
    def selected_records(self) -> list[AlarmRecord]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.proxy.record(r) for r in rows]

    def page_records(self) -> list[AlarmRecord]:
        """The rows visible in the view right now (one "page")."""
        if self.proxy.rowCount() == 0:
            return []
        first = max(0, self.table.rowAt(0))
        last = self.table.rowAt(self.table.viewport().height() - 1)
        if last < 0:
            last = self.proxy.rowCount() - 1
        return [self.proxy.record(r) for r in range(first, last + 1)]

    def _refused(self, action: str) -> bool:
        """True (after telling the operator why) when the alarm engine's rule refuses ``action``
        ("ack", "shelve") to the logged-in user: the same rule every console and command meets."""
        refusal = self.engine.refusal(self.user(), action)
        if refusal:
            QMessageBox.warning(self, self.tr("Not allowed"), refusal)
        return bool(refusal)

    def ack_selected(self) -> int:
        if self._refused("ack"):
            return 0
        return self.engine.ack([r.id for r in self.selected_records()], self.user())

    def ack_page(self) -> int:
        if self._refused("ack"):
            return 0
        return self.engine.ack([r.id for r in self.page_records()], self.user())

    def shelve(self, records: list[AlarmRecord], duration_s: float | None, reason: str) -> int:
        if self._refused("shelve"):
            return 0
        return sum(self.engine.shelve(r.id, self.user(), reason, duration_s) for r in records)

    def _on_shelve_button_clicked(self) -> None:
        records = self.selected_records()
        if not records:
            return
        dialog = ShelveDialog(records, self)

        def on_finished(result: int) -> None:  # window-modal, never exec(): the loop keeps running
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted:
                duration, reason = dialog.choice()
                self.shelve(records, duration, reason)

        dialog.finished.connect(on_finished)
        dialog.open()

    # --- view events ----------------------------------------------------------------------------
    def _on_area_box_changed(self, index: int) -> None:
        self.proxy.set_area(self.area_box.itemData(index) or "")

    def _on_priority_box_changed(self, index: int) -> None:
        self.proxy.set_max_priority(int(self.priority_box.itemData(index) or 4))

    def _on_state_box_changed(self, index: int) -> None:
        self.proxy.set_state_filter(self.state_box.itemData(index) or "annunciated")

    def _on_current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_detail()

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        rec = self.proxy.record(index.row())
        self.sig_alarm_activated.emit(rec.definition.tag, rec.time or datetime.now().astimezone())

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self._timer.stop()
        self.horn.stop()
        self.engine.changed.disconnect(self._on_engine_changed)
        self.engine.flood_changed.disconnect(self._on_engine_flood_changed)
        super().closeEvent(event)  # type: ignore[arg-type]
