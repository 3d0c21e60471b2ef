"""Tag browser: every tag of the plant by area, with live value, unit, quality and time."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
)

from app.core.layout import PlantLayout
from app.core.tags import Quality, TagDef, TagValue
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.panel import DockPanel
from widgets.store_bridge import StoreBridge

AnyIndex = QModelIndex | QPersistentModelIndex

COL_TAG, COL_DESC, COL_VALUE, COL_UNIT, COL_QUALITY, COL_TIME, COL_AREA = range(7)




HEADERS = (
    QT_TRANSLATE_NOOP("TagTableModel", "Tag"), QT_TRANSLATE_NOOP("TagTableModel", "Description"), QT_TRANSLATE_NOOP("TagTableModel", "Value"),
    QT_TRANSLATE_NOOP("TagTableModel", "Unit"), QT_TRANSLATE_NOOP("TagTableModel", "Quality"),
    QT_TRANSLATE_NOOP("TagTableModel", "Time"), QT_TRANSLATE_NOOP("TagTableModel", "Area"),
)
QUALITY_TEXT = {
    Quality.GOOD: QT_TRANSLATE_NOOP("TagTableModel", "Good"),
    Quality.UNCERTAIN: QT_TRANSLATE_NOOP("TagTableModel", "Uncertain"),
    Quality.BAD: QT_TRANSLATE_NOOP("TagTableModel", "Bad"),
}


def quality_text(value: TagValue | None) -> str:
    from PySide6.QtCore import QCoreApplication

    if value is None:
        return QCoreApplication.translate("TagTableModel", "No data")
    text = QCoreApplication.translate("TagTableModel", QUALITY_TEXT[value.quality])
    return f"{text} ({value.reason})" if value.reason else text


class TagTableModel(QAbstractTableModel):
    """Rows are tag definitions in area order; values come from the store bridge."""

    def __init__(self, layout: PlantLayout, bridge: StoreBridge, language: str = "en") -> None:
        super().__init__()
        self.language = language
        area_order = {a: i for i, a in enumerate(layout.areas)}
        self.tags: list[TagDef] = sorted(layout.tags.values(), key=lambda t: (area_order.get(t.area, 99), t.name))
        self.row_of = {t.name: i for i, t in enumerate(self.tags)}
        self.area_names = {a.id: a for a in layout.areas.values()}
        self.values: dict[str, TagValue] = dict(bridge.store.values)
        self._bridge = bridge
        bridge.sig_tags_changed.connect(self._on_bridge_tags_changed)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tags)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        tag = self.tags[index.row()]
        col = index.column()
        value = self.values.get(tag.name)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_TAG:
                return tag.name
            if col == COL_DESC:
                return tag.description(self.language)
            if col == COL_VALUE:
                return "" if value is None else tag.format_value(value.value)
            if col == COL_UNIT:
                return tag.eng_unit
            if col == COL_QUALITY:
                return quality_text(value)
            if col == COL_TIME:
                return "" if value is None else value.source_ts.astimezone().strftime("%H:%M:%S")
            if col == COL_AREA:
                area = self.area_names.get(tag.area)
                return area.name(self.language) if area else tag.area
        if role == Qt.ItemDataRole.UserRole:  # sort key
            if col == COL_VALUE and value is not None and isinstance(value.value, int | float):
                return float(value.value)
            if col == COL_TIME and value is not None:
                return value.source_ts.timestamp()
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_VALUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_VALUE, COL_QUALITY):
            # ISA-101: colour only for the abnormal. Bad is shown in text too, never colour alone.
            if value is None or value.quality is Quality.BAD:
                return QBrush(QColor("#7a1f9c"))
            if value.quality is Quality.UNCERTAIN:
                return QBrush(QColor("#8a6d00"))
        return None

    def _on_bridge_tags_changed(self, changes: dict[str, TagValue]) -> None:
        rows = [self.row_of[n] for n in changes if n in self.row_of]
        self.values.update(changes)
        if rows:
            self.dataChanged.emit(self.index(min(rows), COL_VALUE), self.index(max(rows), COL_TIME))

    def set_language(self, language: str) -> None:
        self.language = language
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(HEADERS) - 1)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self.tags) - 1, len(HEADERS) - 1))

    def close(self) -> None:
        self._bridge.sig_tags_changed.disconnect(self._on_bridge_tags_changed)


class TagFilterProxy(QSortFilterProxyModel):
    """Filters by area and by text in the tag name or description."""

    def __init__(self) -> None:
        super().__init__()
        self.area = ""
        self.text = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_area(self, area: str) -> None:
        self.beginFilterChange()
        self.area = area
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, TagTableModel)
        tag = model.tags[source_row]
        if self.area and tag.area != self.area:
            return False
        if self.text:
            haystack = f"{tag.name} {tag.description_en} {tag.description_zh}".lower()
            return all(word in haystack for word in self.text.split())
        return True


class TagBrowserPanel(DockPanel):
    """Every tag, filterable by area and text."""

    NAME = "tag_browser"
    TITLE = QT_TRANSLATE_NOOP("TagBrowserPanel", "Tag browser")
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, layout: PlantLayout, bridge: StoreBridge, language: str = "en") -> None:
        super().__init__()
        self.layout_model = layout
        self.model = TagTableModel(layout, bridge, language)
        self.proxy = TagFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.area_box = QComboBox()
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_DESC, QHeaderView.ResizeMode.Stretch)
        for col, width in ((COL_TAG, 170), (COL_VALUE, 90), (COL_UNIT, 70), (COL_QUALITY, 150), (COL_TIME, 80), (COL_AREA, 150)):
            self.table.setColumnWidth(col, width)
        top = QHBoxLayout()
        top.addWidget(self.area_box)
        top.addWidget(self.filter_edit, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 4, 4, 4)
        box.addLayout(top)
        box.addWidget(self.table)
        self.area_box.currentIndexChanged.connect(self._on_area_box_changed)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.retranslate()

    def retranslate(self) -> None:
        current = self.area_box.currentData()
        self.area_box.blockSignals(True)
        self.area_box.clear()
        self.area_box.addItem(self.tr("All areas"), "")
        for area in self.layout_model.areas.values():
            self.area_box.addItem(area.name(self.model.language), area.id)
        index = self.area_box.findData(current) if current else 0
        self.area_box.setCurrentIndex(max(0, index))
        self.area_box.blockSignals(False)
        self.filter_edit.setPlaceholderText(self.tr("Filter by tag or description"))

    def _on_area_box_changed(self, index: int) -> None:
        self.proxy.set_area(self.area_box.itemData(index) or "")

    def set_language(self, language: str) -> None:
        self.model.set_language(language)
        self.retranslate()

    def closeEvent(self, event: object) -> None:  # noqa: N802
        self.model.close()
        super().closeEvent(event)  # type: ignore[arg-type]


