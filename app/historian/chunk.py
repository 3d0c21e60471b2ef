"""A chunk: archived samples of many tags plus the rollup increments they cause.

Chunks are what the writer commits (one transaction) or spools (one record). Tags are
named, not numbered, so a chunk can be spooled while the database (and its tag ids) is out
of reach. Everything is numpy arrays; rollup increments are computed here, vectorised.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass, field

import numpy as np

from app.core.tags import Quality
from app.historian.schema import HOUR_S, INCREMENT_WIDTHS_S, MINUTE_S, US

BAD = int(Quality.BAD)
ROLLUP_FIELDS = ("vmin", "vmax", "total", "count", "bad_count", "first_ts", "first", "last_ts", "last",
                 "tw_sum", "tw_dur_s")


@dataclass
class Rollups:
    """Increments per (tag index, width, bucket start): merged into ``rollups`` by the writer."""

    idx: np.ndarray  # int32, index into Chunk.names
    width_s: np.ndarray  # int32
    ts: np.ndarray  # int64 µs, bucket start
    vmin: np.ndarray  # float64, NaN = none
    vmax: np.ndarray
    total: np.ndarray
    count: np.ndarray  # int64
    bad_count: np.ndarray  # int64
    first_ts: np.ndarray  # int64, -1 = none
    first: np.ndarray
    last_ts: np.ndarray
    last: np.ndarray
    tw_sum: np.ndarray
    tw_dur_s: np.ndarray

    def __len__(self) -> int:
        return len(self.idx)

    def arrays(self) -> list[np.ndarray]:
        return [self.idx, self.width_s, self.ts] + [getattr(self, f) for f in ROLLUP_FIELDS]

    @classmethod
    def empty(cls) -> Rollups:
        i, f = np.empty(0, np.int64), np.empty(0, np.float64)
        return cls(i.astype(np.int32), i.astype(np.int32), i, f, f, f, i, i, i, f, i, f, f, f)


@dataclass
class Chunk:
    names: list[str]
    idx: np.ndarray  # int32 index into names, sorted by (idx, ts)
    ts: np.ndarray  # int64 µs since epoch UTC
    value: np.ndarray  # float64, NaN where the reading had no number
    quality: np.ndarray  # int8
    rollups: Rollups = field(default_factory=Rollups.empty)
    seq: int = 0

    def __len__(self) -> int:
        return len(self.idx)

    # --- spool encoding -------------------------------------------------------------
    def encode(self) -> bytes:
        header = json.dumps({"names": self.names, "n": len(self), "m": len(self.rollups), "seq": self.seq}).encode()
        parts = [struct.pack("<I", len(header)), header]
        parts += [np.ascontiguousarray(a).tobytes() for a in (self.idx, self.ts, self.value, self.quality)]
        parts += [np.ascontiguousarray(a).tobytes() for a in self.rollups.arrays()]
        return b"".join(parts)

    @classmethod
    def decode(cls, data: bytes) -> Chunk:
        (hlen,) = struct.unpack_from("<I", data, 0)
        header = json.loads(data[4 : 4 + hlen])
        pos = 4 + hlen
        n, m = int(header["n"]), int(header["m"])

        def take(dtype: type, count: int) -> np.ndarray:
            nonlocal pos
            size = np.dtype(dtype).itemsize * count
            arr: np.ndarray = np.frombuffer(data, dtype=dtype, count=count, offset=pos).copy()
            pos += size
            return arr

        idx, ts, value, quality = take(np.int32, n), take(np.int64, n), take(np.float64, n), take(np.int8, n)
        r_idx, r_w, r_ts = take(np.int32, m), take(np.int32, m), take(np.int64, m)
        dtypes = {"count": np.int64, "bad_count": np.int64, "first_ts": np.int64, "last_ts": np.int64}
        rest = {f: take(dtypes.get(f, np.float64), m) for f in ROLLUP_FIELDS}
        return cls(list(header["names"]), idx, ts, value, quality, Rollups(r_idx, r_w, r_ts, **rest),
                   int(header["seq"]))


def combine_rollups(r: Rollups) -> Rollups:
    """One row per (tag, width, bucket): increments of the same bucket merged (replays)."""
    if len(r) < 2:
        return r
    big = np.iinfo(np.int64).max
    order = np.lexsort((r.ts, r.width_s, r.idx))
    key_idx, key_w, key_ts = r.idx[order], r.width_s[order], r.ts[order]
    new = np.r_[True, (key_idx[1:] != key_idx[:-1]) | (key_w[1:] != key_w[:-1]) | (key_ts[1:] != key_ts[:-1])]
    if new.all():
        return Rollups(*[a[order] for a in r.arrays()])
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1

    def pick(ts_field: np.ndarray, val: np.ndarray, newest: bool) -> tuple[np.ndarray, np.ndarray]:
        t = ts_field[order]
        t_adj = np.where(t < 0, -1 if newest else big, t)
        sub = np.lexsort((t_adj, group))  # by group, then time
        pos = (np.r_[starts[1:], len(order)] - 1) if newest else starts
        chosen = sub[pos]
        return t[chosen], val[order][chosen]

    vmin = np.fmin.reduceat(r.vmin[order], starts)
    vmax = np.fmax.reduceat(r.vmax[order], starts)
    first_ts, first = pick(r.first_ts, r.first, newest=False)
    last_ts, last = pick(r.last_ts, r.last, newest=True)
    return Rollups(
        key_idx[starts], key_w[starts], key_ts[starts], vmin, vmax,
        np.add.reduceat(r.total[order], starts), np.add.reduceat(r.count[order], starts),
        np.add.reduceat(r.bad_count[order], starts), first_ts, first, last_ts, last,
        np.add.reduceat(r.tw_sum[order], starts), np.add.reduceat(r.tw_dur_s[order], starts),
    )


def take_rollups(r: Rollups, keep: np.ndarray) -> Rollups:
    """The rows of ``r`` selected by ``keep`` (a mask or indices)."""
    return Rollups(*[a[keep] for a in r.arrays()])


def hours_from_minutes(r: Rollups) -> Rollups:
    """Hour increments from minute increments: minutes partition hours (holds are split at
    minute edges), so an hour's sums are its minutes' sums, its first/last their earliest/
    latest. Rows of other widths are left out; one row per (tag, hour)."""
    minutes = take_rollups(r, r.width_s == MINUTE_S)
    hour_us = HOUR_S * US
    return combine_rollups(Rollups(minutes.idx, np.full(len(minutes), HOUR_S, np.int32),
                                   minutes.ts // hour_us * hour_us, *minutes.arrays()[3:]))


def merge_chunks(chunks: list[Chunk]) -> Chunk:
    """One chunk holding all of ``chunks`` (names re-indexed), seq of the last."""
    if len(chunks) == 1:
        return chunks[0]
    names: dict[str, int] = {}
    idx_parts, r_parts = [], []
    for c in chunks:
        remap = np.array([names.setdefault(n, len(names)) for n in c.names] or [0], dtype=np.int32)
        idx_parts.append(remap[c.idx] if len(c) else c.idx)
        r_parts.append(remap[c.rollups.idx] if len(c.rollups) else c.rollups.idx)
    rollups = combine_rollups(Rollups(
        np.concatenate(r_parts).astype(np.int32),
        *[np.concatenate([getattr(c.rollups, f) for c in chunks]) for f in ("width_s", "ts") + ROLLUP_FIELDS],
    ))
    return Chunk(
        list(names),
        np.concatenate(idx_parts).astype(np.int32),
        np.concatenate([c.ts for c in chunks]),
        np.concatenate([c.value for c in chunks]),
        np.concatenate([c.quality for c in chunks]),
        rollups,
        max(c.seq for c in chunks),
    )


def compute_rollups(
    idx: np.ndarray,
    ts: np.ndarray,
    value: np.ndarray,
    quality: np.ndarray,
    prev_ts: np.ndarray,
    prev_value: np.ndarray,
    max_hold_s: float,
    widths_s: tuple[int, ...] = INCREMENT_WIDTHS_S,
) -> Rollups:
    """Rollup increments caused by archived samples (sorted by idx, then ts).

    ``prev_ts``/``prev_value`` give, per tag index, the archived sample before this chunk
    (-1 / NaN when there is none or it was Bad): its value is held from its time to the
    first sample here. Each usable value is held until the next sample of its tag, for at
    most ``max_hold_s``; the last sample's hold is counted when the next sample arrives.
    """
    n = len(idx)
    if n == 0:
        return Rollups.empty()
    usable = (quality != BAD) & np.isfinite(value)
    bad = quality == BAD
    # hold intervals inside the chunk: sample i -> sample i+1 of the same tag
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = idx[1:] == idx[:-1]
    a_in = ts[:-1][same_next[:-1] & usable[:-1]]
    b_in = ts[1:][same_next[:-1] & usable[:-1]]
    v_in = value[:-1][same_next[:-1] & usable[:-1]]
    t_in = idx[:-1][same_next[:-1] & usable[:-1]]
    # hold from the previous chunk's last sample to this chunk's first sample of the tag
    first_of_tag = np.ones(n, dtype=bool)
    first_of_tag[1:] = idx[1:] != idx[:-1]
    f_idx = idx[first_of_tag]
    f_ts = ts[first_of_tag]
    p_ts = prev_ts[f_idx]
    p_v = prev_value[f_idx]
    has_prev = (p_ts >= 0) & np.isfinite(p_v) & (p_ts < f_ts)
    # each tag's hold from the previous chunk goes before its holds inside the chunk, so the
    # intervals stay ordered by (tag, time) and their bucket keys come out sorted
    at = np.searchsorted(t_in, f_idx[has_prev])
    a = np.insert(a_in, at, p_ts[has_prev])
    b = np.insert(b_in, at, f_ts[has_prev])
    v = np.insert(v_in, at, p_v[has_prev])
    ti = np.insert(t_in, at, f_idx[has_prev]).astype(np.int64)
    b = np.minimum(b, a + int(max_hold_s * US))

    out: list[Rollups] = []
    for width in widths_s:
        w = width * US
        # --- sample statistics per (tag, bucket); samples are sorted so keys are grouped
        bucket = ts // w
        key = (idx.astype(np.int64) << 32) | bucket
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        keys = key[starts]
        cnt = np.add.reduceat(usable.astype(np.int64), starts)
        badc = np.add.reduceat(bad.astype(np.int64), starts)
        vz = np.where(usable, value, 0.0)
        total = np.add.reduceat(vz, starts)
        vmin = np.minimum.reduceat(np.where(usable, value, np.inf), starts)
        vmax = np.maximum.reduceat(np.where(usable, value, -np.inf), starts)
        vmin[cnt == 0] = np.nan
        vmax[cnt == 0] = np.nan
        # first/last usable sample per group
        pos = np.arange(n)
        first_pos = np.minimum.reduceat(np.where(usable, pos, n), starts)
        last_pos = np.maximum.reduceat(np.where(usable, pos, -1), starts)
        ok = cnt > 0
        first_ts = np.where(ok, ts[np.minimum(first_pos, n - 1)], -1)
        first = np.where(ok, value[np.minimum(first_pos, n - 1)], np.nan)
        last_ts = np.where(ok, ts[np.maximum(last_pos, 0)], -1)
        last = np.where(ok, value[np.maximum(last_pos, 0)], np.nan)
        # --- hold intervals split at bucket edges
        if len(a):
            ka = a // w
            kb = (b - 1) // w
            pieces = (kb - ka + 1).astype(np.int64)
            rep = np.repeat(np.arange(len(a)), pieces)
            offs = np.arange(len(rep)) - np.repeat(np.cumsum(pieces) - pieces, pieces)
            k = ka[rep] + offs
            start = np.maximum(a[rep], k * w)
            end = np.minimum(b[rep], (k + 1) * w)
            dur = (end - start) / US
            ikey = (ti[rep] << 32) | k
            if len(ikey) < 2 or bool((ikey[1:] >= ikey[:-1]).all()):  # sorted: group by runs, no sort
                run = np.flatnonzero(np.r_[True, ikey[1:] != ikey[:-1]])
                ukeys = ikey[run]
                tw_sum_i = np.add.reduceat(v[rep] * dur, run)
                tw_dur_i = np.add.reduceat(dur, run)
            else:
                ukeys, inv = np.unique(ikey, return_inverse=True)
                tw_sum_i = np.bincount(inv, weights=v[rep] * dur, minlength=len(ukeys))
                tw_dur_i = np.bincount(inv, weights=dur, minlength=len(ukeys))
        else:
            ukeys = np.empty(0, np.int64)
            tw_sum_i = tw_dur_i = np.empty(0, np.float64)
        all_keys = _sorted_union(keys, ukeys)
        m = len(all_keys)
        si = np.searchsorted(all_keys, keys)
        ii = np.searchsorted(all_keys, ukeys)

        def spread(vals: np.ndarray, where: np.ndarray, fill: float | int, dtype: type, m: int = m) -> np.ndarray:
            arr: np.ndarray = np.full(m, fill, dtype=dtype)
            arr[where] = vals
            return arr

        out.append(Rollups(
            (all_keys >> 32).astype(np.int32),
            np.full(m, width, np.int32),
            (all_keys & 0xFFFFFFFF) * w,
            spread(vmin, si, np.nan, np.float64),
            spread(vmax, si, np.nan, np.float64),
            spread(total, si, 0.0, np.float64),
            spread(cnt, si, 0, np.int64),
            spread(badc, si, 0, np.int64),
            spread(first_ts, si, -1, np.int64),
            spread(first, si, np.nan, np.float64),
            spread(last_ts, si, -1, np.int64),
            spread(last, si, np.nan, np.float64),
            spread(tw_sum_i, ii, 0.0, np.float64),
            spread(tw_dur_i, ii, 0.0, np.float64),
        ))
    return Rollups(*[np.concatenate(parts) for parts in zip(*(r.arrays() for r in out), strict=True)])


def _sorted_union(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The sorted distinct values of two sorted arrays (a merge: O(n), where union1d sorts)."""
    both = np.sort(np.concatenate([x, y]), kind="stable")  # timsort: two sorted runs merge in one pass
    if len(both) < 2:
        return both
    return both[np.r_[True, both[1:] != both[:-1]]]
