"""The ``crucible`` command: the GUI by default, and the sub-commands engineers and IT use."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from app import version
from app.core.cli_args import finite, integer, port
from app.core.layout import LayoutError, load_layout
from app.core.settings import SettingsError, load_settings
from app.modules import ModuleError, Registry, activate, default_registry

log = logging.getLogger("crucible")


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # asyncua logs every closed socket as a warning; our drivers report what matters.
    logging.getLogger("asyncua").setLevel(logging.ERROR)
    logging.getLogger("pymodbus").setLevel(logging.ERROR)
    for name in ("alembic", "alembic.runtime.migration", "alembic.runtime.plugins"):
        logging.getLogger(name).setLevel(logging.WARNING)


class _VersionAction(argparse.Action):
    """``--version``: the version is looked up only when asked (a git call in a checkout)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show the version (the installed package's) and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        print(f"crucible {version()}")
        parser.exit()


def build_parser(registry: Registry | None = None) -> argparse.ArgumentParser:
    """The ``crucible`` parser: the GUI options, ``sim`` and ``validate``, and every module's
    sub-commands (each sets ``handler(args, settings) -> int``)."""
    parser = argparse.ArgumentParser(prog="crucible", description="Crucible control-room HMI for copper smelters")
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--layout", type=Path, help="plant layout folder (default: the copper smelter)")
    parser.add_argument("--no-sim", action="store_true", help="do not start the built-in simulator")
    parser.add_argument("--endpoint", help="OPC UA endpoint URL of a real server (with --no-sim)")
    parser.add_argument("--language", help="UI language: en or zh_CN (default: system locale)")
    parser.add_argument("--db", help="plant database URL, e.g. postgresql+psycopg://crucible@dbhost/plant "
                                     "(password from the OS keyring; default: SQLite in the data folder)")
    sub = parser.add_subparsers(dest="command")

    sim = sub.add_parser("sim", help="run the copper-smelter simulator alone")
    sim.add_argument("--port", type=port, default=4840, help="OPC UA port (default 4840)")
    sim.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sim.add_argument("--seed", type=int, default=None, help="random seed (same seed, same plant)")
    sim.add_argument("--time-scale", type=finite(1.0, 600.0, "sim seconds per second"), default=None, help="simulated seconds per wall second (1-600)")
    sim.add_argument("--layout", type=Path, dest="sim_layout", help="plant layout folder")
    sim.add_argument("--modbus-port", type=integer(-1, 65535, "-1: none, 0: any free port"), default=0,
                     help="Modbus TCP port (default 0: any free port; printed on the second line; -1: no Modbus)")
    sim.add_argument("--scenario", action="append", default=[], metavar="NAME",
                     help="inject a fault scenario (repeatable); 'list' shows them")
    sim.add_argument("--scenario-delay", type=finite(0.0, 86_400.0), default=5.0, metavar="S",
                     help="wall seconds after start before the scenarios begin (default 5)")
    sim.add_argument("--scenario-duration", type=finite(0.001, 31_536_000.0), default=None, metavar="S",
                     help="override the scenario's duration (sim seconds; wall seconds for server-pause)")
    sim.add_argument("--secure", action="store_true",
                     help="also offer Basic256Sha256 and Aes128_Sha256_RsaOaep SignAndEncrypt endpoints")
    sim.add_argument("--no-insecure", action="store_true", help="with --secure: drop the None endpoint")
    sim.add_argument("--cert-dir", type=Path, help="server certificate + key folder (generated if missing)")
    sim.add_argument("--user", help="require this user name (implies --secure --no-insecure); password from $CRUCIBLE_SIM_PASSWORD or stdin")
    sim.add_argument("--exit-on-stdin-eof", action="store_true", help=argparse.SUPPRESS)

    val = sub.add_parser("validate", help="check a plant layout folder and list its mistakes")
    val.add_argument("path", type=Path)
    (registry or default_registry()).register_cli(sub)
    return parser


def main(argv: list[str] | None = None, registry: Registry | None = None) -> int:
    try:
        if registry is not None:
            activate(registry)
        registry = default_registry()
    except ModuleError as exc:
        print(f"crucible: modules: {exc}", file=sys.stderr)
        return 2
    parser = build_parser(registry)
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"crucible: settings: {exc}", file=sys.stderr)
        return 2
    handler = getattr(args, "handler", None)
    if handler is not None:
        return int(handler(args, settings))
    if args.command == "validate":
        return _validate(args.path, registry)
    if args.command == "sim":
        layout_path = args.sim_layout or args.layout or settings.layout
        seed = args.seed if args.seed is not None else settings.sim_seed
        scale = args.time_scale if args.time_scale is not None else settings.sim_time_scale
        return _run_sim(layout_path, args.host, args.port, seed, scale, args.exit_on_stdin_eof, args)
    if args.no_sim and not args.endpoint:
        parser.error("--no-sim needs --endpoint opc.tcp://host:port/path (or a layout whose connections point at real servers)")
    from app.main import run_gui  # Qt is imported only for the GUI

    return run_gui(args, settings)


def _validate(path: Path, registry: Registry) -> int:
    """The layout itself, then every module's checks of its own files (alarms, displays,
    equipment, 3D scene ...): every problem as ``file:line: message``."""
    try:
        layout = load_layout(path)
    except LayoutError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    problems: list[str] = []
    for module in registry:
        if module.validate is not None:
            problems += module.validate(layout)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    from app.alarms.definitions import load_alarms

    displays = 0
    if (Path(path) / "displays").is_dir():
        from app.core.displays import load_displays

        displays = len(load_displays(layout))
    from app.security.trust import layout_security_warnings  # issue 13: secured, no trust list

    for warning in layout_security_warnings(dict(layout.connections)):
        print(warning, file=sys.stderr)
    print(f"{path}: OK: {len(layout.areas)} areas, {len(layout.units)} units, {len(layout.tags)} tags, "
          f"{len(load_alarms(layout))} alarms, {displays} displays, modules: {', '.join(registry.names())}")
    return 0


def _sim_security(args: argparse.Namespace | None) -> object | None:
    """The OPC UA security options of ``crucible sim``; raises SystemExit(2) with a message."""
    import os

    from app.core.settings import data_dir
    from app.sim.opcua_server import OpcUaSecurity

    if args is None or not (args.secure or args.user):
        return None
    users: dict[str, str] = {}
    if args.user:
        password = os.environ.get("CRUCIBLE_SIM_PASSWORD")
        if password is None:
            if sys.stdin.isatty():
                import getpass

                password = getpass.getpass(f"password for OPC UA user {args.user}: ")
            else:
                password = sys.stdin.readline().rstrip("\n")
        if not password:
            print("crucible sim: --user needs a password in $CRUCIBLE_SIM_PASSWORD or on stdin", file=sys.stderr)
            raise SystemExit(2)
        users[args.user] = password
    cert_dir = args.cert_dir or data_dir() / "sim-pki"
    # a password never crosses an unencrypted channel: --user drops the None endpoint
    return OpcUaSecurity(cert_dir=cert_dir, users=users, allow_none=not (args.no_insecure or users))


def _run_sim(
    layout_path: Path, host: str, port: int, seed: int, time_scale: float, exit_on_stdin_eof: bool = False,
    args: argparse.Namespace | None = None,
) -> int:
    from app.runtime import free_port
    from app.sim.runner import SimulatorRunner
    from app.sim.scenarios import SCENARIOS

    try:
        layout = load_layout(layout_path)
    except LayoutError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 2
    if not 0 < time_scale <= 600:
        print(f"crucible sim: --time-scale {time_scale:g} must be between 0 and 600", file=sys.stderr)
        return 2
    scenarios = list(args.scenario) if args else []
    if "list" in scenarios:
        for scenario in SCENARIOS.values():
            print(f"{scenario.name:20} {scenario.description}")
        return 0
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        print(f"crucible sim: unknown scenario {unknown[0]!r}; known: {', '.join(SCENARIOS)}", file=sys.stderr)
        return 2
    security = _sim_security(args)
    modbus_port: int | None = args.modbus_port if args else 0
    if modbus_port == 0:
        modbus_port = free_port()
    elif modbus_port is not None and modbus_port < 0:
        modbus_port = None

    async def serve() -> None:
        runner = SimulatorRunner(
            layout, port=port, host=host, seed=seed, time_scale=time_scale, modbus_port=modbus_port,
            security=security,  # type: ignore[arg-type]
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, runner.stop)
        try:
            await runner.start()
        except OSError as exc:
            if exc.strerror:
                print(f"crucible sim: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
            else:
                print(f"crucible sim: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        print(runner.endpoint, flush=True)
        if runner.modbus is not None:
            print(runner.modbus.url, flush=True)
        for name in scenarios:
            runner.start_scenario(name, args.scenario_duration if args else None, delay_s=args.scenario_delay if args else 0)
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
