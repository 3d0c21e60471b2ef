"""Issue 13 §5, §9, §10: private files, a damaged spool record costs only itself, one bad
value does not cost the good samples of its write cycle."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from app.core.tags import Quality, TagValue
from app.historian.compression import Compressor
from app.historian.database import make_engine, upgrade
from app.historian.spool import HEAD, Spool
from app.historian.writer import HistorianWriter
from tests.historian.conftest import T0, batches


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_and_spool_files_are_created_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "history.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    engine.dispose()
    assert _mode(db) == 0o600
    spool = Spool(tmp_path / "spool")
    chunk = Compressor().chunk_from_batches(batches(["A"], 3))
    chunk.seq = 1
    spool.append(chunk)
    assert _mode(spool.path) == 0o600 and _mode(tmp_path / "spool" / "writer_id") == 0o600


def _spool_of_30(folder: Path) -> tuple[Spool, list[int]]:
    comp = Compressor()
    spool = Spool(folder)
    offsets = []
    for i, b in enumerate(batches(["A", "B"], 30)):
        chunk = comp.chunk_from_batches([b])
        chunk.seq = i + 1
        offsets.append(spool._end)
        spool.append(chunk)
    return spool, offsets


def test_one_flipped_bit_loses_only_its_record(tmp_path: Path) -> None:
    spool, offsets = _spool_of_30(tmp_path / "spool")
    data = bytearray(spool.path.read_bytes())
    data[offsets[5] + HEAD.size + 3] ^= 0x10  # a bit flipped in the payload of record 6
    spool.path.write_bytes(bytes(data))
    again = Spool(tmp_path / "spool")
    seqs = [c.seq for c in again.read()]
    assert seqs == [s for s in range(1, 31) if s != 6]  # records 7..30 are not lost
    assert again.records == 29 and again.samples == 58
    assert len(again.damage) == 1 and "damaged record at byte" in again.damage[0]


def test_a_flipped_bit_in_a_record_header_resynchronises_too(tmp_path: Path) -> None:
    spool, offsets = _spool_of_30(tmp_path / "spool")
    data = bytearray(spool.path.read_bytes())
    data[offsets[9] + 6] ^= 0x40  # the length field of record 10: claims a huge payload
    spool.path.write_bytes(bytes(data))
    again = Spool(tmp_path / "spool")
    assert [c.seq for c in again.read()] == [s for s in range(1, 31) if s != 10]


def test_writer_reports_spool_damage_and_replays_the_good_records(tmp_path: Path) -> None:
    spool, offsets = _spool_of_30(tmp_path / "spool")
    data = bytearray(spool.path.read_bytes())
    data[offsets[5] + HEAD.size + 3] ^= 0x10
    spool.path.write_bytes(bytes(data))
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    upgrade(engine)
    writer = HistorianWriter(engine, tmp_path / "spool", retry_interval_s=0.1)
    assert writer.status.spool_damage and "bytes of history lost" in writer.status.spool_damage[0]
    writer.stop()
    with engine.connect() as db:
        assert db.execute(text("SELECT count(*) FROM samples")).scalar() == 58


def test_one_unconvertible_value_does_not_drop_the_write_cycle(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.sqlite'}")
    upgrade(engine)
    writer = HistorianWriter(engine, tmp_path / "spool")
    good = batches([f"T{i}" for i in range(40)], 100)
    poisoned = dict(good[50])
    poisoned["T0"] = TagValue(10**400, Quality.GOOD, T0, T0)  # no float can hold it
    poisoned["T1"] = TagValue(1.0, Quality.GOOD, None, datetime.now(UTC))  # type: ignore[arg-type]
    for b in good[:50] + [poisoned] + good[51:]:
        writer.enqueue(b)
    writer.stop()  # one write cycle for all of it
    with engine.connect() as db:
        stored = db.execute(text("SELECT count(*) FROM samples")).scalar()
    assert stored == 40 * 100 - 2  # every good sample kept, only the two bad ones rejected
    assert writer.status.rejected_samples == 2


def test_the_security_database_is_created_owner_only_too(tmp_path: Path) -> None:
    from app.security.database import security_engine

    db = tmp_path / "new" / "plant.sqlite"
    security_engine(f"sqlite:///{db}").dispose()
    assert _mode(db) == 0o600
