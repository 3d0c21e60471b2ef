"""The alarm list's table model and filter proxy.

Measured with 10,000 rows (bench/alarms.py): a Python ``filterAcceptsRow`` override costs
~4 us a call, so every re-filter or re-sort cost 40+ ms before any work was done, and a
Python ``lessThan`` is called ~10^5 times per sort. So the source model sorts *and* filters
in bulk (``list.sort`` with one key per row, one pass for the filter) and exposes only the
matching rows; :class:`AlarmFilterProxy` stays between view and model with no Python
overrides (its C++ pass-through costs < 1 ms) and is the filter/sort API the panel uses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

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
from app.core.tags import DataType, TagDef
from widgets.i18n import QT_TRANSLATE_NOOP
from widgets.priority_look import PRIORITY_LOOK

AnyIndex = QModelIndex | QPersistentModelIndex

(COL_TIME, COL_PRIORITY, COL_AREA, COL_TAG, COL_DESC, COL_VALUE, COL_NOW, COL_LIMIT, COL_STATE, COL_GROUP) = range(10)
HEADERS = (
    QT_TRANSLATE_NOOP("AlarmTableModel", "Time"), QT_TRANSLATE_NOOP("AlarmTableModel", "Priority"), QT_TRANSLATE_NOOP("AlarmTableModel", "Area"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Tag"), QT_TRANSLATE_NOOP("AlarmTableModel", "Description"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Value at alarm"), QT_TRANSLATE_NOOP("AlarmTableModel", "Value now"),
    QT_TRANSLATE_NOOP("AlarmTableModel", "Limit"), QT_TRANSLATE_NOOP("AlarmTableModel", "State"), QT_TRANSLATE_NOOP("AlarmTableModel", "Group"),
)

# Alarm colours (ISA-101: colour only for alarms; always with the priority in text too).
PRIORITY_COLOURS = {p: (PRIORITY_LOOK[int(p)].background, PRIORITY_LOOK[int(p)].foreground) for p in Priority}
PRIORITY_TEXT = {
    Priority.URGENT: QT_TRANSLATE_NOOP("AlarmTableModel", "Urgent"),
    Priority.HIGH: QT_TRANSLATE_NOOP("AlarmTableModel", "High"),
    Priority.MEDIUM: QT_TRANSLATE_NOOP("AlarmTableModel", "Medium"),
    Priority.LOW: QT_TRANSLATE_NOOP("AlarmTableModel", "Low"),
}
STATE_TEXT = {
    AlarmState.NORMAL: QT_TRANSLATE_NOOP("AlarmTableModel", "Normal"),
    AlarmState.UNACK: QT_TRANSLATE_NOOP("AlarmTableModel", "Active, unacknowledged"),
    AlarmState.ACKED: QT_TRANSLATE_NOOP("AlarmTableModel", "Active, acknowledged"),
    AlarmState.RTN_UNACK: QT_TRANSLATE_NOOP("AlarmTableModel", "Returned, unacknowledged"),
    AlarmState.LATCHED: QT_TRANSLATE_NOOP("AlarmTableModel", "Latched (reset needed)"),
    AlarmState.SHELVED: QT_TRANSLATE_NOOP("AlarmTableModel", "Shelved"),
    AlarmState.SUPPRESSED: QT_TRANSLATE_NOOP("AlarmTableModel", "Suppressed by design"),
    AlarmState.OUT_OF_SERVICE: QT_TRANSLATE_NOOP("AlarmTableModel", "Out of service"),
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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _time_key(r: AlarmRecord) -> datetime:
    return r.time or _EPOCH


def _priority_key(r: AlarmRecord) -> int:
    return int(r.definition.priority)


def _tag_key(r: AlarmRecord) -> str:
    return r.definition.tag


def _area_key(r: AlarmRecord) -> str:
    return r.definition.area


class AlarmTableModel(QAbstractTableModel):
    """All alarm records that are not plain normal; ``rows`` are those the filter lets through,
    in sort order."""

    def __init__(self, tags: dict[str, TagDef], layout: PlantLayout | None = None, language: str = "en") -> None:
        super().__init__()
        self.tags = tags
        self.language = language
        self.area_names = {a.id: a for a in layout.areas.values()} if layout else {}
        self.records: dict[str, AlarmRecord] = {}  # everything not plain normal
        self.rows: list[AlarmRecord] = []  # filtered and sorted
        self._row_of: dict[str, int] = {}
        self._haystacks: dict[str, str] = {}
        self._facts: list[tuple[AlarmRecord, str, AlarmState, str, int]] = []
        self.sort_column = COL_TIME
        self.sort_order = Qt.SortOrder.DescendingOrder
        self.grouped = False
        self.area = ""
        self.max_priority = 4
        self.states: tuple[AlarmState, ...] = STATE_FILTERS["annunciated"]
        self.words: list[str] = []
        # the alarm tag value now (AlarmEngine.current_value): the Value now column
        self.live: Callable[[AlarmRecord], object] | None = None

    # --- content ---------------------------------------------------------------------------
    @staticmethod
    def shows(rec: AlarmRecord) -> bool:
        return rec.state is not AlarmState.NORMAL

    def haystack(self, rec: AlarmRecord) -> str:
        """Lower-case text the filter searches (cached per alarm)."""
        d = rec.definition
        hay = self._haystacks.get(d.id)
        if hay is None:
            hay = self._haystacks[d.id] = f"{d.id} {d.text_en} {d.text_zh} {d.area}".lower()
        return hay

    def set_records(self, records: list[AlarmRecord]) -> None:
        self.records = {r.definition.id: r for r in records if self.shows(r)}
        self._content_changed()
        self._rebuild()

    def _content_changed(self) -> None:
        # one tuple per record with what the filter tests, so a filter pass is list comprehensions
        haystack = self.haystack
        self._facts = [(r, haystack(r), r.state, r.definition.area, r.definition.priority)
                       for r in self.records.values()]

    def update_records(self, records: list[AlarmRecord]) -> None:
        """Apply changed records: rows update in place, or the list is rebuilt."""
        for rec in records:
            if self.shows(rec):
                self.records[rec.definition.id] = rec
            else:
                self.records.pop(rec.definition.id, None)
        self._content_changed()
        new = self._filtered_sorted()
        if [r.definition.id for r in new] == [r.definition.id for r in self.rows]:
            rows = [self._row_of[r.definition.id] for r in records if r.definition.id in self._row_of]
            if rows:
                self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), len(HEADERS) - 1))
            return
        self._rebuild(new)

    def _rebuild(self, rows: list[AlarmRecord] | None = None) -> None:
        self.beginResetModel()
        self.rows = self._filtered_sorted() if rows is None else rows
        self._row_of = {r.definition.id: i for i, r in enumerate(self.rows)}
        self.endResetModel()

    # --- filter ------------------------------------------------------------------------------
    def set_filter(self, **criteria: object) -> None:
        """Change area / max_priority / states / words and rebuild the rows."""
        for key, value in criteria.items():
            setattr(self, key, value)
        self._rebuild()

    def _filtered_sorted(self) -> list[AlarmRecord]:
        area, top, states, words = self.area, self.max_priority, self.states, self.words
        facts = self._facts
        for w in words:
            facts = [f for f in facts if w in f[1]]
        if area:
            facts = [f for f in facts if f[3] == area]
        if top < 4:
            facts = [f for f in facts if f[4] <= top]
        out = [f[0] for f in facts if f[2] in states]
        self._sort_list(out)
        return out

    # --- sorting -------------------------------------------------------------------------------
    def sort_key(self, rec: AlarmRecord, column: int) -> object:
        d = rec.definition
        if column == COL_TIME:
            return rec.time.timestamp() if rec.time else 0.0
        if column == COL_PRIORITY:
            return int(d.priority)
        if column == COL_AREA:
            return d.area
        if column == COL_TAG:
            return d.tag
        if column == COL_DESC:
            return d.text(self.language)
        if column == COL_VALUE:
            return float(rec.value) if isinstance(rec.value, int | float) else float("-inf")
        if column == COL_LIMIT:
            return d.limit if d.limit is not None else float("-inf")
        if column == COL_STATE:
            return rec.state.value
        return (d.group, not rec.first_out)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column``; the view keeps its selection on the same alarms."""
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old_ids = [r.definition.id for r in self.rows]
        persistent = self.persistentIndexList()
        self._sort_list(self.rows)
        self._row_of = {r.definition.id: i for i, r in enumerate(self.rows)}
        for idx in persistent:
            if idx.row() < len(old_ids):
                row = self._row_of.get(old_ids[idx.row()])
                if row is not None:
                    self.changePersistentIndex(idx, self.index(row, idx.column()))
        self.layoutChanged.emit()

    def _sort_list(self, rows: list[AlarmRecord]) -> None:
        column, reverse = self.sort_column, self.sort_order == Qt.SortOrder.DescendingOrder
        # stable sorts: newest first inside equal keys, then the column
        rows.sort(key=_time_key, reverse=True)
        if column == COL_PRIORITY:
            rows.sort(key=_priority_key, reverse=reverse)
        elif column == COL_TAG:
            rows.sort(key=_tag_key, reverse=reverse)
        elif column == COL_AREA:
            rows.sort(key=_area_key, reverse=reverse)
        elif column == COL_TIME:
            if not reverse:
                rows.reverse()
        else:
            rows.sort(key=lambda r: self.sort_key(r, column), reverse=reverse)  # type: ignore[arg-type, return-value]
        if self.grouped:  # stable: within a group the column order stays
            rows.sort(key=lambda r: (r.definition.area, r.definition.group or "~", not r.first_out))

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
            return f"{PRIORITY_LOOK[int(d.priority)].glyph} {tr(PRIORITY_TEXT[d.priority])}"
        if col == COL_AREA:
            area = self.area_names.get(d.area)
            return area.name(self.language) if area else d.area
        if col == COL_TAG:
            return d.tag
        if col == COL_DESC:
            return d.text(self.language)
        if col in (COL_VALUE, COL_NOW):
            value = rec.value if col == COL_VALUE else (self.live(rec) if self.live is not None else None)
            if value is None:
                return ""
            if tag is None:
                return str(value)
            text = tag.format_value(value)
            if tag.data_type is DataType.STATE:  # the state in the current language (故障, not FAULT)
                from widgets.symbols import tr_state

                return tr_state(text)
            return f"{text} {tag.eng_unit}" if text and tag.eng_unit and tag.eng_unit != "state" else text
        if col == COL_LIMIT:
            return f"{d.type.value} {d.limit_text}"
        if col == COL_STATE:
            text = tr(STATE_TEXT[rec.state])
            if rec.state is AlarmState.SHELVED:
                until = (tr(QT_TRANSLATE_NOOP("AlarmTableModel", "until {time}")).format(
                    time=rec.shelve_until.astimezone().strftime("%H:%M")) if rec.shelve_until
                    else tr(QT_TRANSLATE_NOOP("AlarmTableModel", "until it clears")))
                text += f" ({rec.shelved_by}, {until})"
            return text
        if col == COL_GROUP:
            if not d.group:
                return ""
            return f"{d.group} ▲ " + tr(QT_TRANSLATE_NOOP("AlarmTableModel", "first out")) if rec.first_out else d.group
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
            return rec.definition.rationale(self.language)[0]
        return None


class AlarmFilterProxy(QSortFilterProxyModel):
    """The filter/sort API of the alarm list: by area, priority, state and text.

    The work is done in bulk by the source :class:`AlarmTableModel` (see the module note);
    this proxy adds no per-row Python calls.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setDynamicSortFilter(False)

    @property
    def source(self) -> AlarmTableModel:
        model = self.sourceModel()
        assert isinstance(model, AlarmTableModel)
        return model

    def set_area(self, area: str) -> None:
        self.source.set_filter(area=area)

    def set_max_priority(self, priority: int) -> None:
        self.source.set_filter(max_priority=priority)

    def set_state_filter(self, key: str) -> None:
        self.source.set_filter(states=STATE_FILTERS[key])

    def set_text(self, text: str) -> None:
        self.source.set_filter(words=text.strip().lower().split())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source.sort(column, order)

    def record(self, row: int) -> AlarmRecord:
        return self.source.rows[self.mapToSource(self.index(row, 0)).row()]


def newest_high(records: list[AlarmRecord], n: int = 3) -> list[AlarmRecord]:
    """The newest unacknowledged urgent/high alarms, newest first (for the banner)."""
    high = [r for r in records if r.unacked and r.definition.priority <= Priority.HIGH and r.time]
    high.sort(key=lambda r: r.time or datetime.min, reverse=True)
    return high[:n]
