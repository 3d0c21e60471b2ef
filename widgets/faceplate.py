"""Faceplates: the operating window of one plant unit, opened by clicking its symbol.

Key values, a small live trend, mode, setpoints (with their allowed range), start/stop
commands and permissive status. Every write goes: setpoint dialog (refuses out-of-range
input, naming the range) -> confirmation (old -> new with units; a critical tag uses the
``confirm_critical`` hook, which the security module replaces with its two-person dialog)
-> :class:`app.io.writes.WritePath` -> the read-back result shown in the faceplate.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.controls import UnitControls
from app.core.layout import PlantLayout
from app.core.tags import DataType, Quality, TagDef, TagValue
from app.io.writes import WriteRequest, WriteResult, unmet_condition
from widgets.dialog_fit import FittingDialog
from widgets.dialogs import answer, resolved
from widgets.store_bridge import StoreBridge
from widgets.symbols import FAULT_STATES, look_of, tr_state, tr_unit

#: (parent, tag, old text, new text) -> True to go ahead. May be a coroutine function (the
#: default is: it opens the question window-modally and awaits the answer, never ``exec()``).
ConfirmHook = Callable[[QWidget, TagDef, str, str], bool | Awaitable[bool]]
#: (faceplate, tag, old value, new value) -> the signed request to send, or None when cancelled.
#: The security module replaces the default with its electronic-signature / two-person dialog.
CriticalHook = Callable[["Faceplate", TagDef, object, object], WriteRequest | None | Awaitable[WriteRequest | None]]
#: the write itself: WritePath.write
WriteFn = Callable[[WriteRequest], Awaitable[WriteResult]]


translate = QCoreApplication.translate  # lupdate finds translate("Context", "text") calls


def write_range(tag: TagDef) -> tuple[float, float]:
    low = tag.write_low if tag.write_low is not None else tag.eu_low
    high = tag.write_high if tag.write_high is not None else tag.eu_high
    return low, high


def format_with_unit(tag: TagDef, value: object) -> str:
    if value is None:
        return translate("Faceplate", "no data")
    shown = tag.format_value(value)
    if tag.data_type is DataType.STATE or (tag.data_type is DataType.BOOL and tag.states):
        return tr_state(shown)
    if tag.data_type is DataType.BOOL:
        return translate("Faceplate", "ON") if value else translate("Faceplate", "OFF")
    return f"{shown} {tr_unit(tag.eng_unit)}".rstrip()


async def plain_confirm(parent: QWidget, tag: TagDef, old: str, new: str) -> bool:
    """The default confirmation: a question box with old -> new, window-modal and awaited
    (an ``exec()`` here would stop every other asyncio task; see widgets/dialogs.py)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("Faceplate", "Confirm change"))
    box.setText(translate("Faceplate", "Change {tag}?").format(tag=tag.name))
    box.setInformativeText(translate("Faceplate", "{old}  →  {new}").format(old=old, new=new))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    try:
        await answer(box)
        return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
    finally:
        box.deleteLater()


async def plain_critical(faceplate: Faceplate, tag: TagDef, old: object, new: object) -> WriteRequest | None:
    """Without a login session: the plain old -> new confirmation."""
    if not await plain_confirm(faceplate, tag, format_with_unit(tag, old), format_with_unit(tag, new)):
        return None
    return faceplate.request(tag, new)  # type: ignore[arg-type]


class SetpointDialog(FittingDialog):
    """Asks for a new setpoint; refuses text that is not a number or is out of range."""

    def __init__(self, tag: TagDef, current: object, language: str = "en", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag = tag
        self.value: float | None = None
        low, high = write_range(tag)
        self.setWindowTitle(translate("Faceplate", "New setpoint"))
        self.edit = QLineEdit()
        self.edit.setText("" if current is None else tag.format_value(current))
        self.edit.selectAll()
        self.range_label = QLabel(translate("Faceplate", "Allowed range: {low} to {high} {unit}").format(
            low=tag.format_value(float(low)), high=tag.format_value(float(high)), unit=tag.eng_unit))
        self.error_label = QLabel()
        self.error_label.setObjectName("inputError")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addWidget(QLabel(f"<b>{tag.name}</b> — {tag.description(language)}"))
        box.addWidget(QLabel(translate("Faceplate", "Current: {value}").format(value=format_with_unit(tag, current))))
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(QLabel(tag.eng_unit))
        box.addLayout(row)
        box.addWidget(self.range_label)
        box.addWidget(self.error_label)
        box.addWidget(buttons)

    def check(self, text: str) -> tuple[float | None, str]:
        """The value, or None and why it is refused."""
        low, high = write_range(self.tag)
        try:
            value = float(text.strip().replace(",", "."))
        except ValueError:
            return None, translate("Faceplate", "'{text}' is not a number.").format(text=text)
        if not low <= value <= high:
            return None, translate("Faceplate", "{value} {unit} is outside the allowed range {low} to {high} {unit}.").format(
                value=f"{value:g}", unit=self.tag.eng_unit, low=f"{low:g}", high=f"{high:g}")
        return value, ""

    def accept(self) -> None:
        value, error = self.check(self.edit.text())
        if value is None:
            self.error_label.setText(error)
            self.refit()  # the message is shown whole; the dialog grows to hold it
            self.edit.setFocus()
            self.edit.selectAll()
            return
        self.value = value
        super().accept()


class TrendPlot(QWidget):
    """A small trend of one tag over the last ``span_s`` seconds, on a clock-time axis; filled
    from the history when it opens (:meth:`fill_from_history`), then live."""

    def __init__(self, tag: TagDef, span_s: float = 600.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # heavy; only when a faceplate opens

        self.tag = tag
        self.span_s = span_s
        self.times: deque[float] = deque(maxlen=3000)  # epoch seconds (the value's source time)
        self.points: deque[float] = deque(maxlen=3000)
        self._query: object | None = None
        self.plot = pg.PlotWidget(background="#d2d2d2", axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.plot.setMinimumHeight(140)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setYRange(tag.eu_low, tag.eu_high)
        self.plot.getAxis("left").setTextPen("#1e1e1e")
        self.plot.getAxis("bottom").setTextPen("#1e1e1e")
        if tag.eng_unit:
            self.plot.getAxis("left").setLabel(tag.eng_unit)
            self.plot.getAxis("left").enableAutoSIPrefix(False)
        if tag.normal_low is not None and tag.normal_high is not None:
            band = pg.LinearRegionItem((tag.normal_low, tag.normal_high), orientation="horizontal", movable=False,
                                       brush=pg.mkBrush(150, 150, 150, 90), pen=pg.mkPen(None))
            self.plot.addItem(band)
        self.curve = self.plot.plot(pen=pg.mkPen("#1e1e1e", width=2))
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.plot)

    def add(self, value: TagValue) -> None:
        if value.quality is not Quality.GOOD or not isinstance(value.value, int | float):
            return
        t = value.source_ts.timestamp()
        if self.times and t <= self.times[-1]:
            return
        self.times.append(t)
        self.points.append(float(value.value))
        self._redraw()

    def _redraw(self) -> None:
        now = time.time()
        while self.times and now - self.times[0] > self.span_s:
            self.times.popleft()
            self.points.popleft()
        self.plot.setXRange(now - self.span_s, now, padding=0)
        self.curve.setData(list(self.times), list(self.points))

    def fill_from_history(self, reader: object) -> None:
        """Load the last ``span_s`` seconds from the historian off the GUI thread (the trend
        is not empty when the faceplate opens); live values keep appending meanwhile."""
        from widgets.background_query import BackgroundQuery

        name, span = self.tag.name, self.span_s

        def load() -> list[tuple[float, float]]:
            end = time.time()
            series = reader.raw(name, int((end - span) * 1_000_000), int(end * 1_000_000) + 1)  # type: ignore[attr-defined]
            good = int(Quality.GOOD)
            return [(int(t) / 1_000_000, float(v)) for t, v, q in zip(series.ts, series.value, series.quality, strict=True)
                    if int(q) == good]

        query = BackgroundQuery(self, "faceplate-trend", self._on_history, lambda exc: None)
        self._query = query
        query.submit(load)

    def wait_history(self, timeout: float = 10.0) -> None:
        """Tests and screenshots: wait for the history query."""
        if self._query is not None:
            self._query.wait(timeout)  # type: ignore[attr-defined]

    def _on_history(self, samples: list[tuple[float, float]]) -> None:
        first_live = self.times[0] if self.times else float("inf")
        older = [(t, v) for t, v in samples if t < first_live]
        for t, v in reversed(older):
            self.times.appendleft(t)
            self.points.appendleft(v)
        self._redraw()


class Faceplate(QWidget):
    """The faceplate of one plant unit (see the module docstring)."""

    sig_write_finished = Signal(object)  # WriteResult

    def __init__(
        self,
        layout: PlantLayout,
        unit_id: str,
        bridge: StoreBridge,
        write: WriteFn | None,
        language: str = "en",
        user: str | Callable[[], str] = "",
        console: str = "",
        confirm_write: ConfirmHook = plain_confirm,
        confirm_critical: CriticalHook = plain_critical,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("faceplate")
        self.layout_model = layout
        self.unit = layout.units[unit_id]
        self.bridge = bridge
        self.write_fn = write
        self.language = language
        self.user = user
        self.console = console
        self.confirm_write = confirm_write
        self.confirm_critical = confirm_critical
        self.tags = [t for t in layout.tags.values() if t.unit_id == unit_id]
        self.values: dict[str, TagValue] = {t.name: v for t in self.tags if (v := bridge.store.get(t.name)) is not None}
        self._value_labels: dict[str, QLabel] = {}
        self._pending: set[asyncio.Future[WriteResult | None]] = set()
        # Set by the main window when a login session exists: tag -> why the user may not
        # write it (the button is disabled with this as tooltip), or None when they may.
        self.permission: Callable[[TagDef], str | None] | None = None

        names = {t.name for t in self.tags}
        self.setpoints = [t for t in self.tags if t.writable and t.data_type not in (DataType.BOOL, DataType.STATE)]
        # What to offer and check comes from the layout's declared controls (controls.yaml),
        # never from tag-name endings.
        self.controls = layout.controls.get(unit_id) or UnitControls(unit_id)
        self.commands = [layout.tags[c.tag] for c in self.controls.commands if c.tag in layout.tags]
        self._command_states = {c.tag: c.state for c in self.controls.commands}
        self.mode_tag = layout.tags.get(self.controls.mode) if self.controls.mode else None
        in_commands = {c.state for c in self.controls.commands if c.state}
        skip = in_commands | ({self.mode_tag.name} if self.mode_tag else set())
        shown = [t for t in self.tags if not t.writable and t.data_type is not DataType.BOOL and t.name not in skip]
        measured = [layout.tags[t.setpoint_of] for t in self.setpoints if t.setpoint_of in layout.tags]
        trend_tag = next(iter(measured), None) or next((t for t in shown if t.data_type is DataType.FLOAT and t.normal_low is not None), None)

        outer = QVBoxLayout(self)
        self.title_label = QLabel()
        self.title_label.setObjectName("faceplateTitle")
        outer.addWidget(self.title_label)

        self.values_box = QGroupBox()
        grid = QGridLayout(self.values_box)
        self._desc_labels: list[tuple[QLabel, TagDef]] = []
        for row, tag in enumerate(shown[:14]):
            desc = QLabel()
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setMinimumWidth(140)
            grid.addWidget(desc, row, 0)
            grid.addWidget(value, row, 1)
            self._desc_labels.append((desc, tag))
            self._value_labels[tag.name] = value
        outer.addWidget(self.values_box)

        self.trend: TrendPlot | None = None
        self.trend_box = QGroupBox()
        if trend_tag is not None:
            self.trend = TrendPlot(trend_tag)
            QVBoxLayout(self.trend_box).addWidget(self.trend)
            outer.addWidget(self.trend_box)
            if trend_tag.name in self.values:
                self.trend.add(self.values[trend_tag.name])
            if trend_tag.name not in names:
                self.tags.append(trend_tag)

        self.mode_box = QGroupBox()
        mode_grid = QGridLayout(self.mode_box)
        self.mode_label = QLabel()
        self.mode_label.setObjectName("modeValue")
        self.mode_hint = QLabel()
        self.mode_hint.setWordWrap(True)
        self.auto_button = QPushButton()
        self.manual_button = QPushButton()
        mode_grid.addWidget(self.mode_label, 0, 0)
        mode_grid.addWidget(self.auto_button, 0, 1)
        mode_grid.addWidget(self.manual_button, 0, 2)
        mode_grid.addWidget(self.mode_hint, 1, 0, 1, 3)
        mode_grid.setColumnStretch(0, 1)
        if self.mode_tag is not None:
            mode_tag = self.mode_tag
            self.auto_button.clicked.connect(lambda: self.set_mode("AUTO"))
            self.manual_button.clicked.connect(lambda: self.set_mode("MANUAL"))
            self._value_labels[mode_tag.name] = self.mode_label
        outer.addWidget(self.mode_box)

        self.setpoint_box = QGroupBox()
        sp_grid = QGridLayout(self.setpoint_box)
        self.setpoint_buttons: dict[str, QPushButton] = {}
        self._sp_rows: list[tuple[QLabel, QPushButton, TagDef]] = []
        # A quiet marker (ISA-101: text, no colour flood) where a setpoint is outside its
        # approved card (the standards module sets this; "" = nothing to say).
        self.standard_note: Callable[[str], str] = lambda _tag: ""
        self.standard_flags: dict[str, QLabel] = {}
        for row, tag in enumerate(self.setpoints):
            desc, current, rng, button = QLabel(), QLabel(), QLabel(), QPushButton()
            low, high = write_range(tag)
            rng.setText(f"[{tag.format_value(float(low))} … {tag.format_value(float(high))}]")
            current.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            sp_grid.addWidget(desc, row, 0)
            sp_grid.addWidget(current, row, 1)
            sp_grid.addWidget(rng, row, 2)
            sp_grid.addWidget(button, row, 3)
            flag = QLabel()
            flag.setObjectName("standardFlag")
            sp_grid.addWidget(flag, row, 4)
            self.standard_flags[tag.name] = flag
            self._value_labels[tag.name] = current
            self.setpoint_buttons[tag.name] = button
            self._sp_rows.append((desc, button, tag))
            button.clicked.connect(lambda _=False, t=tag: self.ask_setpoint(t))
        if self.setpoints:
            outer.addWidget(self.setpoint_box)

        self.command_box = QGroupBox()
        cmd_grid = QGridLayout(self.command_box)
        self.start_buttons: dict[str, QPushButton] = {}
        self.stop_buttons: dict[str, QPushButton] = {}
        self._cmd_rows: list[tuple[QLabel, TagDef, QPushButton, QPushButton]] = []
        for row, tag in enumerate(self.commands):
            state_name = self._command_states.get(tag.name, "")
            desc, state, start, stop = QLabel(), QLabel(), QPushButton(), QPushButton()
            cmd_grid.addWidget(desc, row, 0)
            cmd_grid.addWidget(state, row, 1)
            cmd_grid.addWidget(start, row, 2)
            cmd_grid.addWidget(stop, row, 3)
            if state_name in layout.tags:
                self._value_labels[state_name] = state
                if state_name not in names:
                    self.tags.append(layout.tags[state_name])
            start.clicked.connect(lambda _=False, t=tag: self.start_write(t, True))
            stop.clicked.connect(lambda _=False, t=tag: self.start_write(t, False))
            self.start_buttons[tag.name] = start
            self.stop_buttons[tag.name] = stop
            self._cmd_rows.append((desc, tag, start, stop))
        if self.commands:
            outer.addWidget(self.command_box)

        for name in self.controls.tags:  # permissives, interlocks, faults another unit may own
            if name in layout.tags and name not in {t.name for t in self.tags}:
                self.tags.append(layout.tags[name])
            if name in layout.tags and name not in self.values and (v := bridge.store.get(name)) is not None:
                self.values[name] = v

        self.permissive_box = QGroupBox()
        self.permissive_label = QLabel()
        self.permissive_label.setWordWrap(True)
        QVBoxLayout(self.permissive_box).addWidget(self.permissive_label)
        outer.addWidget(self.permissive_box)

        self.result_label = QLabel()
        self.result_label.setObjectName("writeResult")
        self.result_label.setWordWrap(True)
        outer.addWidget(self.result_label)
        outer.addStretch(1)

        self._tag_names = {t.name for t in self.tags}
        bridge.sig_tags_changed.connect(self._on_bridge_tags_changed)
        self.retranslate()

    # --- text -------------------------------------------------------------------------------
    def retranslate(self, language: str | None = None) -> None:
        if language:
            self.language = language
        lang = self.language
        self.title_label.setText(f"<b>{self.unit.name(lang)}</b>  ({self.unit.id})")
        self.values_box.setTitle(translate("Faceplate", "Key values"))
        self.trend_box.setTitle(translate("Faceplate", "Trend (10 min): {name}").format(name=self.trend.tag.description(lang)) if self.trend else "")
        self.mode_box.setTitle(translate("Faceplate", "Mode"))
        self.auto_button.setText(translate("Faceplate", "Auto"))
        self.manual_button.setText(translate("Faceplate", "Manual"))
        self.setpoint_box.setTitle(translate("Faceplate", "Setpoints"))
        self.command_box.setTitle(translate("Faceplate", "Commands"))
        self.permissive_box.setTitle(translate("Faceplate", "Interlocks and permissives"))
        for desc, tag in self._desc_labels:
            desc.setText(tag.description(lang))
        for desc, button, tag in self._sp_rows:
            desc.setText(tag.description(lang))
            button.setText(translate("Faceplate", "Change…"))
        for desc, tag, start, stop in self._cmd_rows:
            desc.setText(tag.description(lang))
            start.setText(translate("Faceplate", "Start"))
            stop.setText(translate("Faceplate", "Stop"))
        self._refresh()

    def _refresh(self) -> None:
        for name, label in self._value_labels.items():
            tag = self.layout_model.tags[name]
            value = self.values.get(name)
            look = look_of(value)
            text = format_with_unit(tag, value.value if value else None)
            if look == "bad":
                text += "  ✕ " + translate("Faceplate", "bad")
            elif look == "stale":
                text += "  ? " + (value.reason if value and value.reason else translate("Faceplate", "uncertain"))
            label.setText(text)
            label.setProperty("look", look)
            label.setStyleSheet({"good": "", "no_data": "color: #7a1f9c;", "bad": "color: #7a1f9c;", "stale": "color: #8a6d00;"}[look])
        self._refresh_mode()
        self.permissive_label.setText("\n".join(self.permissives()))

    def mode(self) -> str:
        """The unit's control mode now ("AUTO", "MANUAL", ...), or '' when not known."""
        if self.mode_tag is None:
            return ""
        value = self.values.get(self.mode_tag.name)
        if value is None or not value.is_good:
            return ""
        return self.mode_tag.format_value(value.value)

    def write_refusal(self, tag: TagDef) -> str:
        """Why ``tag`` cannot be written now (its ``write_when`` state does not hold), or ''."""
        unmet = unmet_condition(tag, self.bridge.store)
        if unmet is None:
            return ""
        state_tag, state, now = unmet
        return translate("Faceplate", "Only in {state}: {tag} is {now}.").format(
            state=tr_state(state), tag=state_tag, now=tr_state(now) if now else translate("Faceplate", "not known"))

    def _refresh_mode(self) -> None:
        mode_tag = self.mode_tag
        if mode_tag is None:
            self.mode_label.setText(translate("Faceplate", "Mode: not provided by the controller"))
            self.mode_hint.setText("")
            for b in (self.auto_button, self.manual_button):
                b.setEnabled(False)
            self.refresh_permissions()
            return
        mode = self.mode()
        mode_refusal = self.permission(mode_tag) if self.permission is not None else None
        writable = mode_tag.writable and bool(mode) and not mode_refusal
        self.auto_button.setEnabled(writable and mode != "AUTO" and "AUTO" in mode_tag.states)
        self.manual_button.setEnabled(writable and mode != "MANUAL" and "MANUAL" in mode_tag.states)
        for button in (self.auto_button, self.manual_button):
            button.setToolTip(mode_refusal or "")
        hints = {
            "AUTO": translate("Faceplate", "The controller drives the output to the setpoint."),
            "MANUAL": translate("Faceplate", "You set the output; the setpoint applies again in Auto."),
        }
        self.mode_hint.setText(hints.get(mode, ""))
        self.refresh_permissions()

    def refresh_permissions(self) -> None:
        """Change…, Start and Stop are disabled, the reason as tooltip, where the user may not
        use them (role) or the tag may not be written now (its write_when state)."""
        for _desc, button, tag in self._sp_rows:
            refusal = (self.permission(tag) if self.permission is not None else None) or self.write_refusal(tag)
            button.setEnabled(not refusal)
            button.setToolTip(refusal or "")
            note = self.standard_note(tag.name)
            flag = self.standard_flags[tag.name]
            flag.setText("⚑" if note else "")
            flag.setToolTip(note)
        for _desc, tag, start, stop in self._cmd_rows:
            denied = self.permission(tag) if self.permission is not None else None
            for button in (start, stop):
                button.setEnabled(not denied)
                button.setToolTip(denied or "")

    def set_mode(self, state: str) -> None:
        """Ask for a change of the unit's control mode to ``state`` (confirmed like any write)."""
        if self.mode_tag is not None and state in self.mode_tag.states:
            self.start_write(self.mode_tag, self.mode_tag.states.index(state))

    def permissives(self) -> list[str]:
        """Plain-language permissive lines, each with ✓ or ✕ (text, not colour alone)."""
        lines = []
        looks = [look_of(self.values.get(t.name)) for t in self.tags]
        comms_ok = bool(looks) and all(look == "good" for look in looks)
        lines.append(("✓ " if comms_ok else "✕ ") + (translate("Faceplate", "Signals healthy") if comms_ok else translate("Faceplate", "Some signals have no data or bad quality")))
        tags = self.layout_model.tags
        for tag in (tags[n] for n in self.controls.faults if n in tags):
            value = self.values.get(tag.name)
            faulted = value is not None and value.value is not None and tag.format_value(value.value) in FAULT_STATES
            lines.append(("✕ " if faulted else "✓ ") + tag.description(self.language) + ": " +
                         (translate("Faceplate", "fault, reset needed before start") if faulted else translate("Faceplate", "no fault")))
        # a permissive is good when true, an interlock when false (not tripped)
        for names, good_when in ((self.controls.permissives, True), (self.controls.interlocks, False)):
            for tag in (tags[n] for n in names if n in tags):
                value = self.values.get(tag.name)
                if value is None or value.value is None or not value.is_good:
                    lines.append("? " + tag.description(self.language) + ": " + translate("Faceplate", "not known"))
                    continue
                ok = bool(value.value) == good_when
                lines.append(("✓ " if ok else "✕ ") + tag.description(self.language) + ": " + format_with_unit(tag, value.value))
        return lines

    # --- live values ---------------------------------------------------------------------------
    def _on_bridge_tags_changed(self, changes: dict[str, TagValue]) -> None:
        mine = {n: v for n, v in changes.items() if n in self._tag_names}
        if not mine:
            return
        self.values.update(mine)
        if self.trend is not None and self.trend.tag.name in mine:
            self.trend.add(mine[self.trend.tag.name])
        self._refresh()

    # --- writes --------------------------------------------------------------------------------
    def ask_setpoint(self, tag: TagDef) -> SetpointDialog:
        """Open the setpoint dialog (window-modal, not ``exec()``); OK starts the write."""
        value = self.values.get(tag.name)
        dialog = SetpointDialog(tag, value.value if value else None, self.language, self)

        def on_finished(result: int) -> None:
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted and dialog.value is not None:
                self.start_write(tag, dialog.value)

        dialog.finished.connect(on_finished)
        dialog.open()
        return dialog

    def start_write(self, tag: TagDef, value: float | bool | int) -> None:
        """Confirm and write in the background (the GUI keeps running while the device answers)."""
        future = asyncio.ensure_future(self.change(tag, value))
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    async def change(self, tag: TagDef, value: float | bool | int) -> WriteResult | None:
        """Confirmation (old -> new with units) -> write path -> read-back shown. None if declined."""
        current = self.values.get(tag.name)
        old_text = format_with_unit(tag, current.value if current else None)
        new_text = format_with_unit(tag, value)
        request: WriteRequest | None
        if tag.critical:
            request = await resolved(self.confirm_critical(self, tag, current.value if current else None, value))
        else:
            confirmed = await resolved(self.confirm_write(self, tag, old_text, new_text))
            request = self.request(tag, value) if confirmed else None
        if request is None:
            self.result_label.setText(translate("Faceplate", "Change of {tag} cancelled.").format(tag=tag.name))
            return None
        if self.write_fn is None:
            self.result_label.setText(translate("Faceplate", "No write path: this console cannot write."))
            return None
        self.result_label.setText(translate("Faceplate", "Writing {tag} …").format(tag=tag.name))
        result = await self.write_fn(request)
        if result.ok:
            self.result_label.setText(translate("Faceplate", "Done: {tag} = {value} (confirmed by read-back)").format(
                tag=tag.name, value=format_with_unit(tag, result.read_back)))
            self.result_label.setStyleSheet("")
        else:
            self.result_label.setText(translate("Faceplate", "Not done: {message}").format(message=result.message))
            self.result_label.setStyleSheet("color: #7a1f9c; font-weight: bold;")
        self.sig_write_finished.emit(result)
        return result

    def request(self, tag: TagDef, value: float | bool | int) -> WriteRequest:
        """A plain (unsigned) write request from this faceplate's user."""
        user = self.user() if callable(self.user) else self.user
        return WriteRequest(tag.name, value, user=user, console=self.console, reason="faceplate")

    def close_faceplate(self) -> None:
        try:
            self.bridge.sig_tags_changed.disconnect(self._on_bridge_tags_changed)
        except (RuntimeError, TypeError):
            pass


class FaceplateWindow(QDialog):
    """A faceplate in its own non-modal window (several can be open, on any monitor)."""

    def __init__(self, faceplate: Faceplate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.faceplate = faceplate
        self.setModal(False)
        self.setWindowFlag(Qt.WindowType.Tool, True)
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(faceplate)
        self.resize(520, 720)
        self.retranslate()

    def retranslate(self, language: str | None = None) -> None:
        self.faceplate.retranslate(language)
        self.setWindowTitle(translate("Faceplate", "Faceplate - {unit}").format(unit=self.faceplate.unit.name(self.faceplate.language)))

    def done(self, result: int) -> None:
        self.faceplate.close_faceplate()
        super().done(result)
