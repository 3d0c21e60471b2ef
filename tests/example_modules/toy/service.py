"""The toy module's service: notes in the plant database, and a count of live values seen."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import Engine, func, insert, select

from app.core.settings import Settings
from app.db import DatabaseError, open_engine
from app.db.migrate import ensure_current
from tests.example_modules.toy.models import ToyNote


class ToyService:
    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.values_seen = 0
        runtime.store.batch_applied.connect(self._on_batch)
        self.closed = False

    def _on_batch(self, batch: Any) -> None:
        self.values_seen += len(batch)

    def close(self) -> None:
        self.runtime.store.batch_applied.disconnect(self._on_batch)
        self.closed = True


def add_note(engine: Engine, text: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(ToyNote).values(text=text))


def count_notes(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ToyNote)).scalar_one())


def register_cli(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    toy = sub.add_parser("toy", help="toy notes (example module)")
    toy.add_argument("--db", dest="toy_db", metavar="URL")
    toy.add_argument("note", nargs="?", help="add this note")
    toy.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    try:
        engine = open_engine(settings, args.toy_db)
        ensure_current(engine)
    except DatabaseError as exc:
        print(f"crucible toy: {exc}")
        return 2
    if args.note:
        add_note(engine, args.note)
    print(f"{count_notes(engine)} note(s)")
    return 0
