"""Per-tag deadband and swinging-door compression, and building chunks from store batches.

Deadband (exception) drops a reading within ``TagDef.deadband`` of the last one passed on;
swinging door (deviation ``TagDef.compression``) keeps the points a straight line through
the archive cannot do without: any value between two archived points lies within the
deviation of the line joining them (the stricter variant of the door: the held point is
only replaced while the segment to it still passes every reading in between). A quality change or a non-number always archives, and
a tag is archived at least every ``heartbeat_s`` so a steady value still shows up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

from app.core.tags import TagDef, TagValue
from app.historian.chunk import Chunk, compute_rollups
from app.historian.schema import US

Point = tuple[int, float, int]  # ts µs, value (NaN = none), quality


def to_float(value: object) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return math.nan


def to_us(dt: object) -> int:
    return int(round(dt.timestamp() * US))  # type: ignore[attr-defined]


class TagState:
    """What compression remembers of one tag."""

    __slots__ = ("deadband", "deviation", "last_ts", "arch", "held", "up", "lo")

    def __init__(self, deadband: float = 0.0, deviation: float = 0.0) -> None:
        self.deadband = deadband
        self.deviation = deviation
        self.last_ts = -1
        self.arch: Point | None = None
        self.held: Point | None = None
        self.up = -math.inf
        self.lo = math.inf

    def _archive(self, p: Point, out: list[Point]) -> None:
        out.append(p)
        self.arch = p
        self.held = None
        self.up, self.lo = -math.inf, math.inf

    def offer(self, p: Point, heartbeat_us: int, out: list[Point]) -> None:
        ts, v, q = p
        if ts <= self.last_ts:
            return  # out of order or repeated: the archive keeps one value per instant
        self.last_ts = ts
        arch = self.arch
        if arch is None or q != arch[2] or not math.isfinite(v) or not math.isfinite(arch[1]):
            if self.held is not None:
                out.append(self.held)
            self._archive(p, out)
            return
        if self.deviation <= 0 and self.deadband <= 0:
            self._archive(p, out)
            return
        due = ts - arch[0] >= heartbeat_us
        if self.deadband > 0 and not due:
            ref = self.held or arch
            if abs(v - ref[1]) < self.deadband:
                return
        if self.deviation <= 0:
            self._archive(p, out)
            return
        dev = self.deviation
        # The held point is the end of the longest segment from the archived point that
        # passes within ``dev`` of every reading in between (``up``..``lo`` bound its slope).
        slope = (v - arch[1]) / (ts - arch[0])
        if self.held is not None and (due or not self.up <= slope <= self.lo):
            held = self.held
            out.append(held)
            self.arch = arch = held
            self.up, self.lo = -math.inf, math.inf
        dt = ts - arch[0]
        self.up = max(self.up, (v - dev - arch[1]) / dt)
        self.lo = min(self.lo, (v + dev - arch[1]) / dt)
        self.held = p

    def flush(self, out: list[Point]) -> None:
        if self.held is not None:
            self._archive(self.held, out)


class Compressor:
    """Turns store batches (or bulk arrays) into :class:`Chunk` s of archived samples."""

    def __init__(self, definitions: Mapping[str, TagDef] | None = None, heartbeat_s: float = 600.0,
                 max_hold_s: float = 3600.0) -> None:
        self.definitions = dict(definitions or {})
        self.heartbeat_us = int(heartbeat_s * US)
        self.max_hold_s = max_hold_s
        self.states: dict[str, TagState] = {}
        #: the bulk path's tags as arrays (a plant's importer sends the same name list each time)
        self._bulk: _BulkTags | None = None

    def state(self, name: str) -> TagState:
        st = self.states.get(name)
        if st is None:
            tag = self.definitions.get(name)
            st = TagState(tag.deadband if tag else 0.0, tag.compression if tag else 0.0)
            self.states[name] = st
        return st

    def historised(self, name: str) -> bool:
        tag = self.definitions.get(name)
        return tag is None or tag.historise  # names without a definition are kept, like the store

    def _end_bulk(self) -> None:
        """Before the states are read one by one: bring them up to date from the bulk arrays."""
        if self._bulk is not None:
            self._bulk.sync()
            self._bulk = None

    def chunk_from_batches(self, batches: Iterable[Mapping[str, TagValue]]) -> Chunk:
        self._end_bulk()
        archived: dict[str, list[Point]] = {}
        prev: dict[str, Point | None] = {}
        hb = self.heartbeat_us
        for batch in batches:
            for name, tv in batch.items():
                if not self.historised(name):
                    continue
                st = self.state(name)
                out = archived.get(name)
                if out is None:
                    out = archived[name] = []
                    prev[name] = st.arch
                st.offer((to_us(tv.source_ts), to_float(tv.value), int(tv.quality)), hb, out)
        return self._chunk(archived, prev)

    def flush(self) -> Chunk:
        """Archive every held point (on stop), as a chunk."""
        self._end_bulk()
        archived: dict[str, list[Point]] = {}
        prev: dict[str, Point | None] = {}
        for name, st in self.states.items():
            if st.held is not None:
                prev[name] = st.arch
                st.flush(archived.setdefault(name, []))
        return self._chunk(archived, prev)

    def _chunk(self, archived: dict[str, list[Point]], prev: dict[str, Point | None]) -> Chunk:
        names = [n for n, pts in archived.items() if pts]
        counts = [len(archived[n]) for n in names]
        total = sum(counts)
        idx = np.repeat(np.arange(len(names), dtype=np.int32), counts)
        flat = [p for n in names for p in archived[n]]
        arr = np.array(flat, dtype=np.float64).reshape(total, 3) if total else np.empty((0, 3))
        ts = np.array([p[0] for p in flat], dtype=np.int64)
        value = arr[:, 1].copy()
        quality = arr[:, 2].astype(np.int8)
        p_ts = np.array([self._prev_ts(prev.get(n)) for n in names] or [0], dtype=np.int64)
        p_v = np.array([self._prev_v(prev.get(n)) for n in names] or [0.0], dtype=np.float64)
        rollups = compute_rollups(idx, ts, value, quality, p_ts, p_v, self.max_hold_s)
        return Chunk(names, idx, ts, value, quality, rollups)

    @staticmethod
    def _prev_ts(p: Point | None) -> int:
        return -1 if p is None or p[2] == 0 else p[0]

    @staticmethod
    def _prev_v(p: Point | None) -> float:
        return math.nan if p is None or p[2] == 0 else p[1]

    def chunk_from_arrays(self, names: list[str], idx: np.ndarray, ts: np.ndarray, value: np.ndarray,
                          quality: np.ndarray) -> Chunk:
        """Bulk path (imports, benchmarks): tags without deadband/compression pass vectorised."""
        order = np.lexsort((ts, idx))
        idx, ts, value, quality = idx[order], ts[order], value[order], quality[order]
        key = tuple(names)
        if self._bulk is None or self._bulk.names != key:
            self._end_bulk()
            bulk = _BulkTags(key, [self.state(n) for n in names])
            if bulk.plain and names:
                self._bulk = bulk
            else:
                return self._chunk_from_arrays_by_state(names, bulk.states, idx, ts, value, quality)
        bulk = self._bulk
        # every tag without deadband/compression: all vectorised, the states kept as arrays
        p_ts, p_v = bulk.prev()
        newer = np.ones(len(idx), dtype=bool)
        newer[1:] = ~((idx[1:] == idx[:-1]) & (ts[1:] <= ts[:-1]))
        keep = newer & (ts > bulk.last_ts[idx])
        idx, ts, value, quality = idx[keep], ts[keep], value[keep], quality[keep]
        if len(idx):
            ends = np.flatnonzero(np.r_[idx[1:] != idx[:-1], True])
            bulk.archived(idx[ends], ts[ends], value[ends], quality[ends])
        rollups = compute_rollups(idx.astype(np.int32), ts, value, quality, p_ts, p_v, self.max_hold_s)
        return Chunk(list(names), idx.astype(np.int32), ts, value, quality, rollups)

    def _chunk_from_arrays_by_state(self, names: list[str], states: list[TagState], idx: np.ndarray, ts: np.ndarray,
                                    value: np.ndarray, quality: np.ndarray) -> Chunk:
        """The bulk path where some tags compress: their points go through their states."""
        n_tags = len(states)
        last = np.fromiter((s.last_ts for s in states), np.int64, n_tags) if n_tags else np.zeros(1, np.int64)
        p_ts = np.fromiter((-1 if s.arch is None or s.arch[2] == 0 else s.arch[0] for s in states), np.int64, n_tags)
        p_v = np.fromiter((math.nan if s.arch is None or s.arch[2] == 0 else s.arch[1] for s in states), np.float64,
                          n_tags)
        if not n_tags:
            p_ts, p_v = np.zeros(1, np.int64), np.zeros(1, np.float64)
        newer = np.ones(len(idx), dtype=bool)
        newer[1:] = ~((idx[1:] == idx[:-1]) & (ts[1:] <= ts[:-1]))
        keep = newer & (ts > last[idx])
        compressing = np.fromiter((s.deadband > 0 or s.deviation > 0 for s in states), bool, n_tags)
        if not n_tags:
            compressing = np.zeros(1, bool)
        if compressing.any():
            plain = keep & ~compressing[idx]
            parts: list[tuple[int, Point]] = []
            for i in np.flatnonzero(keep & compressing[idx]):
                out: list[Point] = []
                states[idx[i]].offer((int(ts[i]), float(value[i]), int(quality[i])), self.heartbeat_us, out)
                parts += [(int(idx[i]), p) for p in out]
            sel = np.flatnonzero(plain)
            idx = np.concatenate([idx[sel], np.array([p[0] for p in parts], dtype=np.int32)])
            ts = np.concatenate([ts[sel], np.array([p[1][0] for p in parts], dtype=np.int64)])
            value = np.concatenate([value[sel], np.array([p[1][1] for p in parts], dtype=np.float64)])
            quality = np.concatenate([quality[sel], np.array([p[1][2] for p in parts], dtype=np.int8)])
            order = np.lexsort((ts, idx))
            idx, ts, value, quality = idx[order], ts[order], value[order], quality[order]
        else:
            idx, ts, value, quality = idx[keep], ts[keep], value[keep], quality[keep]
        # remember the newest archived point per tag
        if len(idx):
            ends = np.flatnonzero(np.r_[idx[1:] != idx[:-1], True])
            ends = ends[~compressing[idx[ends]]]
            for i, t, v, q in zip(idx[ends].tolist(), ts[ends].tolist(), value[ends].tolist(),
                                  quality[ends].tolist(), strict=True):
                st = states[i]
                st.arch = (t, v, q)
                if t > st.last_ts:
                    st.last_ts = t
        rollups = compute_rollups(idx.astype(np.int32), ts, value, quality, p_ts, p_v, self.max_hold_s)
        return Chunk(list(names), idx.astype(np.int32), ts, value, quality, rollups)


class _BulkTags:
    """The states of the bulk path's tags as arrays, when none of them compresses.

    While in use the arrays are the truth; :meth:`sync` writes them back to the
    :class:`TagState` objects before anything reads those one by one.
    """

    def __init__(self, names: tuple[str, ...], states: list[TagState]) -> None:
        self.names = names
        self.states = states
        self.plain = not any(s.deadband > 0 or s.deviation > 0 for s in states)
        n = len(states)
        self.last_ts = np.fromiter((s.last_ts for s in states), np.int64, n)
        self.arch_ts = np.fromiter((-1 if s.arch is None else s.arch[0] for s in states), np.int64, n)
        self.arch_v = np.fromiter((math.nan if s.arch is None else s.arch[1] for s in states), np.float64, n)
        self.arch_q = np.fromiter((-1 if s.arch is None else s.arch[2] for s in states), np.int64, n)
        self.touched = np.zeros(n, dtype=bool)

    def prev(self) -> tuple[np.ndarray, np.ndarray]:
        """Per tag the archived point a chunk's rollups hold from: (ts or -1, value or NaN)."""
        none = self.arch_q <= 0  # no point yet, or a Bad one
        return np.where(none, -1, self.arch_ts), np.where(none, np.nan, self.arch_v)

    def archived(self, i: np.ndarray, ts: np.ndarray, value: np.ndarray, quality: np.ndarray) -> None:
        """Tags ``i`` archived their newest points (ts, value, quality)."""
        self.arch_ts[i], self.arch_v[i], self.arch_q[i] = ts, value, quality
        self.last_ts[i] = np.maximum(self.last_ts[i], ts)
        self.touched[i] = True

    def sync(self) -> None:
        for i in np.flatnonzero(self.touched).tolist():
            st = self.states[i]
            st.arch = (int(self.arch_ts[i]), float(self.arch_v[i]), int(self.arch_q[i]))
            st.last_ts = int(self.last_ts[i])
        self.touched[:] = False
