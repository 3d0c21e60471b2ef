"""The on-disk spool: where samples wait while the database is out of reach.

One append-only file of records ``MAGIC | length | crc32 | chunk bytes``, each flushed and
fsync'd before the writer counts the samples as safe. A torn last record (power cut, kill)
fails its length or checksum and is cut off on open; everything before it replays in order.
A damaged record in the middle (a flipped bit) is skipped: the reader re-synchronises on the
next ``MAGIC`` whose record passes its length and checksum, so one bad record loses only
itself; :attr:`Spool.damage` says what was skipped (for the status bar and the audit trail).
The file is created 0600.
Each chunk carries a sequence number; the database keeps the last one committed per writer,
so a record replayed twice (crash between commit and spool clean-up) is skipped.
"""

from __future__ import annotations

import logging
import mmap
import os
import struct
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

from app.core.files import create_private_file, open_private_append
from app.historian.chunk import Chunk

log = logging.getLogger(__name__)
MAGIC = b"CRSP"
HEAD = struct.Struct("<4sQI")  # magic, payload length, crc32


class Spool:
    """Append chunks; read them back in order; clear once the database has them all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = folder / "history.spool"
        id_file = folder / "writer_id"
        if not id_file.exists():
            tmp = create_private_file(id_file.with_suffix(".tmp"))
            tmp.write_text(uuid.uuid4().hex, encoding="ascii")
            os.replace(tmp, id_file)
        self.writer_id = id_file.read_text(encoding="ascii").strip()
        self.samples = 0
        self.records = 0
        self.last_seq = 0
        self._end = 0
        self.damage: list[str] = []  # one line per damaged region skipped (what was lost)
        self.skipped_bytes = 0
        self._recover()

    def _recover(self) -> None:
        """Count what is spooled and cut a torn tail left by a crash."""
        if not self.path.exists():
            return
        end = 0
        for offset, chunk in self._scan(report=True):
            end = offset
            self.samples += len(chunk)
            self.records += 1
            self.last_seq = max(self.last_seq, chunk.seq)
        size = self.path.stat().st_size
        if end < size:
            log.warning("history spool %s: cutting a torn record at byte %d (of %d)", self.path, end, size)
            with open(self.path, "r+b") as f:
                f.truncate(end)
                os.fsync(f.fileno())
        self._end = end

    def _scan(self, report: bool = False) -> Iterator[tuple[int, Chunk]]:
        """(end offset, chunk) for each intact record from the start, skipping damaged ones."""
        with open(self.path, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            yield from self._records(data, report)
        finally:
            data.close()

    def _records(self, data: mmap.mmap, report: bool) -> Iterator[tuple[int, Chunk]]:
        offset, size = 0, len(data)
        while offset + HEAD.size <= size:
            chunk, end = self._record_at(data, offset)
            if chunk is not None:
                offset = end
                yield offset, chunk
                continue
            # Damaged: find the next record marker that starts a record passing its checks.
            found = data.find(MAGIC, offset + 1)
            while found != -1 and self._record_at(data, found)[0] is None:
                found = data.find(MAGIC, found + 1)
            if found == -1:
                return  # nothing intact after it: a torn tail (cut by _recover), not a lost middle
            skipped_to = found
            if report:
                message = (f"history spool {self.path}: damaged record at byte {offset} skipped "
                           f"({skipped_to - offset} bytes of history lost)")
                log.warning("%s", message)
                self.damage.append(message)
                self.skipped_bytes += skipped_to - offset
            offset = found

    @staticmethod
    def _record_at(data: mmap.mmap, offset: int) -> tuple[Chunk | None, int]:
        """The record starting at ``offset`` if it is intact, and where it ends."""
        if offset + HEAD.size > len(data):
            return None, offset
        magic, length, crc = HEAD.unpack_from(data, offset)
        start = offset + HEAD.size
        if magic != MAGIC or length > len(data) - start:
            return None, offset
        payload = data[start:start + length]
        if zlib.crc32(payload) != crc:
            return None, offset
        try:
            return Chunk.decode(payload), start + length
        except (ValueError, KeyError, IndexError, TypeError):
            return None, offset

    @property
    def empty(self) -> bool:
        return self.records == 0

    def append(self, chunk: Chunk) -> None:
        """Write ``chunk`` durably (fsync) before returning; raises OSError (disk full)."""
        payload = chunk.encode()
        record = HEAD.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload
        with os.fdopen(open_private_append(self.path), "ab") as f:
            try:
                f.write(record)
                f.flush()
                os.fsync(f.fileno())
            except OSError:
                f.truncate(self._end)  # never leave half a record behind us
                raise
        self._end += len(record)
        self.samples += len(chunk)
        self.records += 1
        self.last_seq = max(self.last_seq, chunk.seq)

    def read(self) -> Iterator[Chunk]:
        """Every spooled chunk, oldest first."""
        if self.records:
            for _, chunk in self._scan():
                yield chunk

    def clear(self) -> None:
        """Everything spooled is in the database: start empty."""
        if self.path.exists():
            self.path.unlink()
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        self.samples = self.records = self._end = 0
