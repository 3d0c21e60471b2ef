"""Reports: generate a shift / day / month report on demand (progress, preview, print, save).

The PDF is built on a worker thread by the shifts service; the panel shows a busy bar while
it runs, previews the pages with Qt PDF, and prints through Qt's print dialog (opened from
the button's synchronous slot, never inside a coroutine). The main window's *Reports* menu
calls :meth:`ReportsPanel.request` (e.g. ``request("shift")`` for "Shift report…").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QDate, QIODevice
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from widgets.background_query import BackgroundQuery
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel, PanelContext

KINDS = (("shift", QT_TRANSLATE_NOOP("ReportsPanel", "Shift report")),
         ("day", QT_TRANSLATE_NOOP("ReportsPanel", "Daily report")),
         ("month", QT_TRANSLATE_NOOP("ReportsPanel", "Monthly report")))
LANGS = (("en", "English"), ("zh_CN", "中文"))


class ReportsPanel(DockPanel):
    """Generate, preview, print and save the PDF reports."""

    NAME = "reports"
    TITLE = QT_TRANSLATE_NOOP("ReportsPanel", "Reports")

    def __init__(self, context: PanelContext) -> None:
        super().__init__()
        self.context = context
        self.service: Any = context.service("shifts")
        self.pdf_bytes = b""
        self.kind_combo = QComboBox()
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.shift_spin = QSpinBox()
        self.shift_spin.setRange(1, self.service.calendar.shifts_per_day)
        self.lang_combo = QComboBox()
        for code, name in LANGS:
            self.lang_combo.addItem(name, code)
        self.lang_combo.setCurrentIndex(1 if context.language.startswith("zh") else 0)
        self.generate_button = QPushButton()
        self.print_button = QPushButton()
        self.save_button = QPushButton()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: reportlab gives no progress steps
        self.progress.setMaximumWidth(140)
        self.progress.hide()
        self.status = QLabel()
        self.stored_combo = QComboBox()  # reports generated at shift ends (and on demand)
        self.stored_combo.setMinimumWidth(220)
        self.open_stored_button = QPushButton()
        self.shift_label = QLabel()
        self.date_label = QLabel()
        self.stored_label = QLabel()
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._buffer: QBuffer | None = None

        top = QHBoxLayout()
        for w in (self.kind_combo, self.date_label, self.date_edit, self.shift_label, self.shift_spin, self.lang_combo,
                  self.generate_button, self.progress, self.print_button, self.save_button):
            top.addWidget(w)
        top.addStretch(1)
        box = QVBoxLayout(self)
        box.addLayout(top)
        stored_row = QHBoxLayout()
        stored_row.addWidget(self.stored_label)
        stored_row.addWidget(self.stored_combo)
        stored_row.addWidget(self.open_stored_button)
        stored_row.addWidget(self.status, 1)
        box.addLayout(stored_row)
        box.addWidget(self.view, 1)

        self.query = BackgroundQuery(self, "report-build", self._on_query_result, self._on_query_error)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_changed)
        self.generate_button.clicked.connect(self._on_generate_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.open_stored_button.clicked.connect(self._on_open_stored_button_clicked)
        current = self.service.current_shift()
        previous = self.service.calendar.previous_shift(current)
        self.date_edit.setDate(QDate(previous.day.year, previous.day.month, previous.day.day))
        self.shift_spin.setValue(previous.number)
        self.retranslate()
        self._update_buttons()
        self.refresh_stored()

    # --- public -------------------------------------------------------------------------
    def request(self, kind: str) -> None:
        """Show the form for ``kind`` (the Reports menu's entries call this)."""
        idx = next((i for i, (k, _) in enumerate(KINDS) if k == kind), 0)
        self.kind_combo.setCurrentIndex(idx)

    def retranslate(self) -> None:
        idx = self.kind_combo.currentIndex()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        for code, text in KINDS:
            self.kind_combo.addItem(self.tr(text), code)
        self.kind_combo.setCurrentIndex(max(0, idx))
        self.kind_combo.blockSignals(False)
        self.date_label.setText(self.tr("Date"))
        self.shift_label.setText(self.tr("Shift"))
        self.generate_button.setText(self.tr("Generate"))
        self.print_button.setText(self.tr("Print…"))
        self.save_button.setText(self.tr("Save as…"))
        self.stored_label.setText(self.tr("Kept reports"))
        self.open_stored_button.setText(self.tr("Open"))
        self._on_kind_combo_changed()

    def refresh_stored(self) -> None:
        """Fill the list of kept reports (a quick query of ids and labels, no PDF bytes)."""
        self.query.submit(lambda: ("stored", self.service.stored_rows()))

    # --- slots --------------------------------------------------------------------------
    def _on_kind_combo_changed(self, *_: object) -> None:
        kind = self.kind_combo.currentData() or "shift"
        self.shift_spin.setVisible(kind == "shift")
        self.shift_label.setVisible(kind == "shift")
        self.date_edit.setDisplayFormat("yyyy-MM" if kind == "month" else "yyyy-MM-dd")

    def _on_generate_button_clicked(self) -> None:
        kind = str(self.kind_combo.currentData() or "shift")
        qd = self.date_edit.date()
        day = date(qd.year(), qd.month(), 1 if kind == "month" else qd.day())
        shift = self.shift_spin.value() if kind == "shift" else 0
        lang = str(self.lang_combo.currentData())
        self.progress.show()
        self.generate_button.setEnabled(False)
        self.status.setText(self.tr("Generating the report…"))
        self.query.submit(lambda: ("pdf", self.service.build(kind, day, shift, lang)))

    def _on_open_stored_button_clicked(self) -> None:
        report_id = self.stored_combo.currentData()
        if report_id is None:
            return
        self.progress.show()
        self.query.submit(lambda: ("pdf", self.service.stored_pdf(int(report_id))))

    def _on_query_result(self, result: tuple[str, Any]) -> None:
        kind, value = result
        if kind == "stored":
            self.stored_combo.clear()
            for rid, _kind, label, lang, _ts, auto, _path in value:
                mark = self.tr("automatic") if auto else self.tr("on demand")
                self.stored_combo.addItem(f"{label} {lang} ({mark})", rid)
            self.open_stored_button.setEnabled(bool(value))
            return
        self._show_pdf(value)

    def _show_pdf(self, pdf: bytes) -> None:
        self.progress.hide()
        self.generate_button.setEnabled(True)
        self.pdf_bytes = pdf
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.status.setText(self.tr("{pages} pages, {kb} kB").format(pages=self.document.pageCount(), kb=len(pdf) // 1024))
        self._update_buttons()

    def _on_query_error(self, exc: Exception) -> None:
        self.progress.hide()
        self.generate_button.setEnabled(True)
        self.status.setText(self.tr("The report could not be generated: {error}").format(error=exc))

    def _on_print_button_clicked(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if not self.pdf_bytes:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:  # synchronous slot, not a coroutine
            return
        self.print_document(printer)

    def print_document(self, printer: Any) -> int:
        """Render every page onto ``printer`` (a QPrinter or any paint device); returns pages."""
        painter = QPainter()
        if not painter.begin(printer):
            self.status.setText(self.tr("The printer could not be opened"))
            return 0
        pages = self.document.pageCount()
        for i in range(pages):
            if i:
                printer.newPage()
            rect = painter.viewport()
            size = self.document.pagePointSize(i)
            scale = min(rect.width() / size.width(), rect.height() / size.height())
            image = self.document.render(i, (size * scale).toSize())
            painter.drawImage(0, 0, image)
        painter.end()
        return pages

    def _on_save_button_clicked(self) -> None:
        if not self.pdf_bytes:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save report"), "report.pdf", "PDF (*.pdf)")
        if not name:
            return
        try:
            Path(name).write_bytes(self.pdf_bytes)
        except OSError as exc:
            self.status.setText(self.tr("{file}: cannot write: {error}").format(file=name, error=exc.strerror or exc))
            return
        self.status.setText(self.tr("Saved {file}").format(file=name))

    def _update_buttons(self) -> None:
        self.print_button.setEnabled(bool(self.pdf_bytes))
        self.save_button.setEnabled(bool(self.pdf_bytes))

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.query.shutdown()
        super().closeEvent(event)
