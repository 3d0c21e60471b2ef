"""The alarm list's table model and filter proxy.

Sorting happens in the source model with Python's ``sorted`` over precomputed keys (one
key per row), not in the proxy's per-comparison ``lessThan`` (which would call into Python
~10^5 times for 10,000 rows); the proxy only filters (one call per row).
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.alarms.definitions import Priority
from app.alarms.engine import ANNUNCIATED, AlarmRecord, AlarmState
from app.core.layout import PlantLayout
from app.core.tags import TagDef

AnyIndex = QModelIndex | QPersistentModelIndex

(COL_TIME, COL_PRIORITY, COL_AREA, COL_TAG, COL_DESC, COL_VALUE, COL_LIMIT, COL_STATE, COL_GROUP) = range(9)
HEADERS = ("Time", "Priority", "Area", "Tag", "Description", "Value", "Limit", "State", "Group")

# Alarm colours (ISA-101: colour only for alarms; always with the priority in text too).
PRIORITY_COLOURS = {
    Priority.URGENT: ("#c0162c", "#ffffff"),
    Priority.HIGH: ("#e8771a", "#000000"),
    Priority.MEDIUM: ("#f2d21b", "#000000"),
    Priority.LOW: ("#6fa8dc", "#000000"),
}
PRIORITY_TEXT = {Priority.URGENT: "Urgent", Priority.HIGH: "High", Priority.MEDIUM: "Medium", Priority.LOW: "Low"}
STATE_TEXT = {
    AlarmState.NORMAL: "Normal",
    AlarmState.UNACK: "Active, unacknowledged",
    AlarmState.ACKED: "Active, acknowledged",
    AlarmState.RTN_UNACK: "Returned, unacknowledged",
    AlarmState.LATCHED: "Latched (reset needed)",
    AlarmState.SHELVED: "Shelved",
    AlarmState.SUPPRESSED: "Suppressed by design",
    AlarmState.OUT_OF_SERVICE: "Out of service",
}
# State filter choices: key -> states shown
STATE_FILTERS: dict[str, tuple[AlarmState, ...]] = {
    "annunciated": ANNUNCIATED,
    "unacked": (AlarmState.UNACK, AlarmState.RTN_UNACK, AlarmState.LATCHED),
    "acked": (AlarmState.ACKED,),
    "shelved": (AlarmState.SHELVED,),
    "suppressed": (AlarmState.SUPPRESSED,),
    "oos": (AlarmState.OUT_OF_SERVICE,),
}


def tr(text: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("AlarmTableModel", text)


class AlarmTableModel(QAbstractTableModel):
    """Rows are alarm records that are not plain normal (annunciated or hidden)."""

    def __init__(self, tags: dict[str, TagDef], layout: PlantLayout | None = None, language: str = "en") -> None:
        super().__init__()
        self.tags = tags
        self.language = language
        self.area_names = {a.id: a for a in layout.areas.values()} if layout else {}
        self.rows: list[AlarmRecord] = []
        self._row_of: dict[str, int] = {}
        self.sort_column = COL_TIME
        self.sort_order = Qt.SortOrder.DescendingOrder
        self.grouped = False

    # --- content ---------------------------------------------------------------------------
    @staticmethod
    def shows(rec: AlarmRecord) -> bool:
        return rec.state is not AlarmState.NORMAL

    def set_records(self, records: list[AlarmRecord]) -> None:
        self.beginResetModel()
        self.rows = [r for r in records if self.shows(r)]
        self._sort_rows()
        self.endResetModel()

    def update_records(self, records: list[AlarmRecord]) -> None:
        """Apply changed records: update, insert or remove rows."""
        if len(records) > 200:
            keep = {r.id: r for r in self.rows}
            for r in records:
                keep[r.id] = r
            self.set_records(list(keep.values()))
            return
        inserts: list[AlarmRecord] = []
        removed = False
        for rec in records:
            row = self._row_of.get(rec.id)
            if row is not None and self.shows(rec):
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))
            elif row is not None:
                removed = True
            elif self.shows(rec):
                inserts.append(rec)
        if removed:
            gone = {r.id for r in records if not self.shows(r)}
            for row in sorted((self._row_of[i] for i in gone if i in self._row_of), reverse=True):
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.rows[row]
                self.endRemoveRows()
                self._reindex()
        if inserts:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(inserts) - 1)
            self.rows.extend(inserts)
            self.endInsertRows()
            self._reindex()
        if inserts or any(r.id in self._row_of for r in records):
            self.sort(self.sort_column, self.sort_order)

    def _reindex(self) -> None:
        self._row_of = {r.id: i for i, r in enumerate(self.rows)}

    # --- sorting -------------------------------------------------------------------------------
    def sort_key(self, rec: AlarmRecord, column: int) -> object:
        d = rec.definition
        if column == COL_TIME:
            return rec.time.timestamp() if rec.time else 0.0
        if column == COL_PRIORITY:
            return (int(d.priority), -(rec.time.timestamp() if rec.time else 0.0))
        if column == COL_AREA:
            return d.area
        if column == COL_TAG:
            return d.tag
        if column == COL_DESC:
            return d.text(self.language)
        if column == COL_VALUE:
            return rec.value if isinstance(rec.value, int | float) else float("-inf")
        if column == COL_LIMIT:
            return d.limit if d.limit is not None else float("-inf")
        if column == COL_STATE:
            return rec.state.value
        return (d.group, not rec.first_out)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old = {r.id: i for i, r in enumerate(self.rows)}
        persistent = self.persistentIndexList()
        self._sort_rows()
        new_of = {r.id: i for i, r in enumerate(self.rows)}
        old_rows = [None] * len(old)
        for rid, i in old.items():
            old_rows[i] = rid  # type: ignore[call-overload]
        for idx in persistent:
            if idx.row() < len(old_rows):
                rid = old_rows[idx.row()]
                if rid in new_of:
                    self.changePersistentIndex(idx, self.index(new_of[rid], idx.column()))
        self.layoutChanged.emit()

    def _sort_rows(self) -> None:
        column, reverse = self.sort_column, self.sort_order == Qt.SortOrder.DescendingOrder
        self.rows.sort(key=lambda r: self.sort_key(r, column), reverse=reverse)  # type: ignore[arg-type, return-value]
        if self.grouped:  # stable: within a group the column order stays
            self.rows.sort(key=lambda r: (r.definition.area, r.definition.group or "~", not r.first_out))
        self._reindex()

    def set_grouped(self, grouped: bool) -> None:
        self.grouped = grouped
        self.sort(self.sort_column, self.sort_order)

    # --- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADERS[section])
        return None

    def record(self, row: int) -> AlarmRecord:
        return self.rows[row]

    def display(self, rec: AlarmRecord, col: int) -> str:
        d = rec.definition
        tag = self.tags.get(d.tag)
        if col == COL_TIME:
            return rec.time.astimezone().strftime("%H:%M:%S") if rec.time else ""
        if col == COL_PRIORITY:
            return tr(PRIORITY_TEXT[d.priority])
        if col == COL_AREA:
            area = self.area_names.get(d.area)
            return area.name(self.language) if area else d.area
        if col == COL_TAG:
            return d.tag
        if col == COL_DESC:
            return d.text(self.language)
        if col == COL_VALUE:
            if tag is None:
                return str(rec.value)
            text = tag.format_value(rec.value)
            return f"{text} {tag.eng_unit}" if text and tag.eng_unit and tag.eng_unit != "state" else text
        if col == COL_LIMIT:
            return f"{d.type.value} {d.limit_text}"
        if col == COL_STATE:
            text = tr(STATE_TEXT[rec.state])
            if rec.state is AlarmState.SHELVED:
                text += f" ({rec.shelved_by})"
            return text
        if col == COL_GROUP:
            if not d.group:
                return ""
            return f"{d.group} ▲ " + tr("first out") if rec.first_out else d.group
        return ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        rec = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(rec, col)
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_PRIORITY and rec.annunciated:
            return QBrush(QColor(PRIORITY_COLOURS[rec.definition.priority][0]))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_PRIORITY and rec.annunciated:
                return QBrush(QColor(PRIORITY_COLOURS[rec.definition.priority][1]))
            if rec.hidden or not rec.condition:
                return QBrush(QColor("#555555"))  # returned or hidden: muted
        if role == Qt.ItemDataRole.FontRole and rec.unacked:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return rec.definition.cause
        return None


class AlarmFilterProxy(QSortFilterProxyModel):
    """Filters by area, priority, state and text; sorting is delegated to the source model."""

    def __init__(self) -> None:
        super().__init__()
        self.area = ""
        self.max_priority = 4
        self.states: tuple[AlarmState, ...] = STATE_FILTERS["annunciated"]
        self.words: list[str] = []
        self.setDynamicSortFilter(False)

    def _refilter(self, change) -> None:  # type: ignore[no-untyped-def]
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_area(self, area: str) -> None:
        self._refilter(lambda: setattr(self, "area", area))

    def set_max_priority(self, priority: int) -> None:
        self._refilter(lambda: setattr(self, "max_priority", priority))

    def set_state_filter(self, key: str) -> None:
        self._refilter(lambda: setattr(self, "states", STATE_FILTERS[key]))

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "words", text.strip().lower().split()))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        assert isinstance(source, AlarmTableModel)
        source.sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        assert isinstance(model, AlarmTableModel)
        rec = model.rows[source_row]
        d = rec.definition
        if self.area and d.area != self.area:
            return False
        if d.priority > self.max_priority:
            return False
        if rec.state not in self.states:
            return False
        if self.words:
            hay = f"{d.id} {d.text_en} {d.text_zh} {d.area}".lower()
            return all(w in hay for w in self.words)
        return True

    def record(self, row: int) -> AlarmRecord:
        model = self.sourceModel()
        assert isinstance(model, AlarmTableModel)
        return model.rows[self.mapToSource(self.index(row, 0)).row()]


def newest_high(records: list[AlarmRecord], n: int = 3) -> list[AlarmRecord]:
    """The newest unacknowledged urgent/high alarms, newest first (for the banner)."""
    high = [r for r in records if r.unacked and r.definition.priority <= Priority.HIGH and r.time]
    high.sort(key=lambda r: r.time or datetime.min, reverse=True)
    return high[:n]
