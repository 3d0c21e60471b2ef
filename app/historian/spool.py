"""The on-disk spool: where samples wait while the database is out of reach.

One append-only file of records ``MAGIC | length | crc32 | chunk bytes``, each flushed and
fsync'd before the writer counts the samples as safe. A torn last record (power cut, kill)
fails its length or checksum and is cut off on open; everything before it replays in order.
Each chunk carries a sequence number; the database keeps the last one committed per writer,
so a record replayed twice (crash between commit and spool clean-up) is skipped.
"""

from __future__ import annotations

import logging
import os
import struct
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path

from app.historian.chunk import Chunk

log = logging.getLogger(__name__)
MAGIC = b"CRSP"
HEAD = struct.Struct("<4sQI")  # magic, payload length, crc32


class Spool:
    """Append chunks; read them back in order; clear once the database has them all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "history.spool"
        id_file = folder / "writer_id"
        if not id_file.exists():
            tmp = id_file.with_suffix(".tmp")
            tmp.write_text(uuid.uuid4().hex, encoding="ascii")
            os.replace(tmp, id_file)
        self.writer_id = id_file.read_text(encoding="ascii").strip()
        self.samples = 0
        self.records = 0
        self.last_seq = 0
        self._end = 0
        self._recover()

    def _recover(self) -> None:
        """Count what is spooled and cut a torn tail left by a crash."""
        if not self.path.exists():
            return
        end = 0
        for offset, chunk in self._scan():
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

    def _scan(self) -> Iterator[tuple[int, Chunk]]:
        """(end offset, chunk) for each intact record from the start."""
        with open(self.path, "rb") as f:
            offset = 0
            while True:
                head = f.read(HEAD.size)
                if len(head) < HEAD.size:
                    return
                magic, length, crc = HEAD.unpack(head)
                if magic != MAGIC:
                    return
                payload = f.read(length)
                if len(payload) < length or zlib.crc32(payload) != crc:
                    return
                try:
                    chunk = Chunk.decode(payload)
                except (ValueError, KeyError):
                    return
                offset += HEAD.size + length
                yield offset, chunk

    @property
    def empty(self) -> bool:
        return self.records == 0

    def append(self, chunk: Chunk) -> None:
        """Write ``chunk`` durably (fsync) before returning; raises OSError (disk full)."""
        payload = chunk.encode()
        record = HEAD.pack(MAGIC, len(payload), zlib.crc32(payload)) + payload
        with open(self.path, "ab") as f:
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
