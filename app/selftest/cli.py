"""``crucible selftest``: what IT runs after installing Crucible on a control-room PC.

Each step prints ``OK`` or ``FAILED: <reason>``; a step that needs a failed one says so and is
not run. Exit code 0 when every step passed, 1 otherwise (2 for a bad ``--layout``). Nothing
is written outside a temporary folder that is removed afterwards.

Steps: load the plant layout, start the built-in simulator (``crucible sim`` from this very
installation), read a value through the OPC UA driver, write and read back a history sample in
a temporary SQLite database (every module's migrations), and render a small PDF.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from app import __version__
from app.core.cli_args import finite


class StepFailed(Exception):
    """A step did not do what it should; the message says what (one line)."""


@dataclass
class SelfTest:
    """The state the steps share, and what they found."""

    layout_path: Path
    work: Path
    timeout_s: float = 60.0
    out: TextIO | None = None
    layout: Any = None
    sim: Any = None
    endpoint: str = ""
    tag: str = ""
    value: float = float("nan")
    failed: list[str] = field(default_factory=list)

    # --- the steps ------------------------------------------------------------------
    def load_layout(self) -> str:
        from app.core.layout import LayoutError, load_layout

        try:
            self.layout = load_layout(self.layout_path)
        except LayoutError as exc:
            raise StepFailed(f"{len(exc.problems)} problem(s), first: {exc.problems[0]}") from None
        except OSError as exc:
            raise StepFailed(f"{self.layout_path}: {exc.strerror or exc}") from None
        return f"{self.layout.name_en}: {len(self.layout.tags)} tags, {len(self.layout.units)} units"

    def start_simulator(self) -> str:
        from app.runtime import SimulatorProcess, SimulatorStartError, crucible_command

        self.sim = SimulatorProcess(self.layout.folder, seed=1)
        try:
            self.endpoint = self.sim.start(self.timeout_s)
        except (SimulatorStartError, OSError) as exc:
            raise StepFailed(str(exc)) from None
        return f"{self.endpoint} ({' '.join(crucible_command())} sim)"

    def read_value(self) -> str:
        return asyncio.run(self._read_value())

    async def _read_value(self) -> str:
        from app.core.store import TagStore
        from app.core.tags import DataType
        from app.io.opcua import OpcUaDriver

        tags = [t for t in self.layout.tags.values() if t.address.startswith("opcua://")
                and t.data_type is DataType.FLOAT][:5]
        if not tags:
            raise StepFailed(f"{self.layout.folder}: the layout has no numeric OPC UA tag to read")
        store = TagStore(tags)
        driver = OpcUaDriver("selftest", self.endpoint, store, tags, publishing_ms=200)
        task = asyncio.create_task(driver.run())
        try:
            end = time.monotonic() + min(self.timeout_s, 30.0)
            while time.monotonic() < end:
                good = [(n, v) for n, v in store.values.items() if v.is_good and isinstance(v.value, int | float)]
                if good:
                    self.tag, reading = good[0]
                    self.value = float(reading.value)  # type: ignore[arg-type]
                    unit = self.layout.tags[self.tag].eng_unit
                    return f"{self.tag} = {self.value:g} {unit}".rstrip()
                await asyncio.sleep(0.1)
            bad = [f"{n}: {v.reason}" for n, v in store.values.items() if not v.is_good]
            why = bad[0] if bad else f"no value within {min(self.timeout_s, 30.0):.0f} s"
            raise StepFailed(f"{self.endpoint}: {why}")
        finally:
            await driver.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(task, 10)

    def history(self) -> str:
        from sqlalchemy.exc import SQLAlchemyError

        from app.core.tags import Quality, TagValue
        from app.db import DatabaseError, make_engine
        from app.db.migrate import upgrade
        from app.historian.reader import HistoryReader
        from app.historian.writer import HistorianWriter

        db = self.work / "selftest.db"
        engine = make_engine(f"sqlite:///{db}", use_keyring=False)
        try:
            upgrade(engine)
            writer = HistorianWriter(engine, self.work / "spool", {self.tag: self.layout.tags[self.tag]})
            now = datetime.now(UTC).replace(microsecond=0)
            writer.enqueue({self.tag: TagValue(self.value, Quality.GOOD, now, now)})
            writer.stop()
            if writer.status.buffering:
                raise StepFailed(f"{db}: the sample went to the spool, not the database ({writer.status})")
            series = HistoryReader(engine).raw(self.tag, now - timedelta(seconds=1), now + timedelta(seconds=1))
        except (DatabaseError, SQLAlchemyError, OSError) as exc:
            raise StepFailed(f"{db}: {str(exc).splitlines()[0]}") from None
        finally:
            engine.dispose()
        if len(series) != 1 or float(series.value[0]) != self.value:
            raise StepFailed(f"{db}: wrote {self.tag} = {self.value:g}, read back {list(series.value)}")
        return f"{self.tag} = {float(series.value[0]):g} written and read back ({db.name})"

    def render_pdf(self) -> str:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdf = self.work / "selftest.pdf"
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        c = canvas.Canvas(str(pdf), pagesize=A4)
        c.setFont("Helvetica-Bold", 16)
        c.drawString(72, 770, f"Crucible {__version__} self test")
        c.setFont("Helvetica", 11)
        c.drawString(72, 740, f"{self.layout.name_en}: {self.tag} = {self.value:g}")
        c.setFont("STSong-Light", 11)
        c.drawString(72, 720, self.layout.name_zh or "自检")
        c.showPage()
        c.save()
        data = pdf.read_bytes()
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
            raise StepFailed(f"{pdf}: not a complete PDF ({len(data)} bytes)")
        return f"{len(data)} bytes"

    # --- running them ---------------------------------------------------------------
    def run(self) -> int:
        steps: list[tuple[str, Callable[[], str], tuple[str, ...]]] = [
            ("layout", self.load_layout, ()),
            ("simulator", self.start_simulator, ("layout",)),
            ("OPC UA read", self.read_value, ("simulator",)),
            ("history", self.history, ("OPC UA read",)),
            ("PDF", self.render_pdf, ("layout",)),
        ]
        self._print(f"crucible {__version__} self test")
        try:
            for number, (name, step, needs) in enumerate(steps, 1):
                prefix = f"[{number}/{len(steps)}] {name:<12}"
                missing = [n for n in needs if n in self.failed]
                if missing:
                    self.failed.append(name)
                    self._print(f"{prefix} FAILED: not run, needs {', '.join(missing)}")
                    continue
                t0 = time.monotonic()
                try:
                    detail = step()
                except StepFailed as exc:
                    self.failed.append(name)
                    self._print(f"{prefix} FAILED: {exc}")
                except Exception as exc:  # noqa: BLE001 - a self test reports every failure as one line
                    self.failed.append(name)
                    self._print(f"{prefix} FAILED: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                else:
                    self._print(f"{prefix} OK   {detail} ({time.monotonic() - t0:.1f} s)")
        finally:
            if self.sim is not None:
                self.sim.stop()
        if self.failed:
            self._print(f"self test FAILED: {', '.join(self.failed)}")
            return 1
        self._print("self test OK")
        return 0

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``crucible selftest``."""
    p = sub.add_parser("selftest", help="check this installation: layout, simulator, OPC UA, history, PDF")
    p.add_argument("--layout", type=Path, dest="selftest_layout", help="plant layout folder (default: the configured one)")
    p.add_argument("--timeout", type=finite(0.1, 3600.0), default=60.0,
                   help="seconds to wait for the simulator (default 60)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Any) -> int:
    """Run the self test; 0 when every step passed, 1 when one failed, 2 for a missing layout."""
    import logging

    logging.getLogger("app.runtime").setLevel(logging.WARNING)  # the simulator's own log lines
    layout_path = args.selftest_layout or getattr(args, "layout", None) or settings.layout
    if not Path(layout_path).is_dir():
        print(f"crucible selftest: {layout_path}: no such layout folder", flush=True)
        return 2
    with tempfile.TemporaryDirectory(prefix="crucible-selftest-") as work:
        return SelfTest(Path(layout_path), Path(work), timeout_s=args.timeout).run()
