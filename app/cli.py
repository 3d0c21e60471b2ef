"""The ``crucible`` command: the GUI by default, and the sub-commands engineers and IT use."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from app import __version__
from app.alarms import cli as alarms_cli
from app.core.layout import LayoutError, load_layout
from app.core.settings import SettingsError, load_settings
from app.historian import cli as historian_cli
from app.io import cli as io_cli

log = logging.getLogger("crucible")


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # asyncua logs every closed socket as a warning; our drivers report what matters.
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    logging.getLogger("pymodbus").setLevel(logging.ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crucible", description="Crucible control-room HMI for copper smelters")
    parser.add_argument("--version", action="version", version=f"crucible {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--layout", type=Path, help="plant layout folder (default: the copper smelter)")
    parser.add_argument("--no-sim", action="store_true", help="do not start the built-in simulator")
    parser.add_argument("--endpoint", help="OPC UA endpoint URL of a real server (with --no-sim)")
    parser.add_argument("--language", help="UI language: en or zh_CN (default: system locale)")
    sub = parser.add_subparsers(dest="command")

    sim = sub.add_parser("sim", help="run the copper-smelter simulator alone")
    sim.add_argument("--port", type=int, default=4840, help="OPC UA port (default 4840)")
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument("--seed", type=int, default=None, help="random seed (same seed, same plant)")
    sim.add_argument("--time-scale", type=float, default=None, help="simulated seconds per wall second (1-600)")
    sim.add_argument("--layout", type=Path, dest="sim_layout", help="plant layout folder")
    sim.add_argument("--exit-on-stdin-eof", action="store_true", help=argparse.SUPPRESS)

    from app.security import cli as security_cli

    security_cli.register(sub)
    io_cli.register(sub)  # crucible tags browse|import|read|watch|write
    historian_cli.register(parser, sub)

    val = sub.add_parser("validate", help="check a plant layout folder and list its mistakes")
    val.add_argument("path", type=Path)
    alarms_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"crucible: settings: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "io_handler", None):
        return int(args.io_handler(args, settings))
    if args.command == "validate":
        return _validate(args.path)
    from app.security import cli as security_cli

    if args.command in security_cli.COMMANDS:
        return security_cli.handle(args, settings)
    if args.command == "alarms":
        return alarms_cli.handle(args, settings.db_url or f"sqlite:///{settings.default_sqlite_path}")
    if args.command == "db":
        return historian_cli.handle(args, settings)
    if args.command == "sim":
        layout_path = args.sim_layout or args.layout or settings.layout
        seed = args.seed if args.seed is not None else settings.sim_seed
        scale = args.time_scale if args.time_scale is not None else settings.sim_time_scale
        return _run_sim(layout_path, args.host, args.port, seed, scale, args.exit_on_stdin_eof)
    if args.no_sim and not args.endpoint:
        parser.error("--no-sim needs --endpoint opc.tcp://host:port/path (or a layout whose connections point at real servers)")
    from app.main import run_gui  # Qt is imported only for the GUI

    return run_gui(args, settings)


def _validate(path: Path) -> int:
    try:
        layout = load_layout(path)
    except LayoutError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    from app.alarms.definitions import AlarmDefinitionError, load_alarms

    try:
        alarms = load_alarms(layout)
    except AlarmDefinitionError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    displays: dict[str, object] = {}
    if (Path(path) / "displays").is_dir():
        from app.core.displays import DisplayError, load_displays

        try:
            displays = dict(load_displays(layout))
        except DisplayError as exc:
            for problem in exc.problems:
                print(problem)
            print(f"{len(exc.problems)} problem(s) in the displays of {path}", file=sys.stderr)
            return 1
    print(f"{path}: OK: {len(layout.areas)} areas, {len(layout.units)} units, {len(layout.tags)} tags, "
          f"{len(alarms)} alarms, {len(displays)} displays")
    return 0


def _run_sim(
    layout_path: Path, host: str, port: int, seed: int, time_scale: float, exit_on_stdin_eof: bool = False
) -> int:
    from app.sim.runner import SimulatorRunner

    try:
        layout = load_layout(layout_path)
    except LayoutError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    if not 0 < time_scale <= 600:
        print(f"crucible sim: --time-scale {time_scale:g} must be between 0 and 600", file=sys.stderr)
        return 2

    async def serve() -> None:
        runner = SimulatorRunner(layout, port=port, host=host, seed=seed, time_scale=time_scale)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, runner.stop)
        try:
            await runner.start()
        except OSError as exc:
            print(f"crucible sim: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
            raise SystemExit(2) from None
        print(runner.endpoint, flush=True)
        if exit_on_stdin_eof:  # a child of the GUI: stop when the parent goes away, even if killed

            def on_stdin() -> None:
                if not sys.stdin.read(1):
                    runner.stop()

            loop.add_reader(sys.stdin.fileno(), on_stdin)
        try:
            await runner.run()
        finally:
            await runner.close()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
