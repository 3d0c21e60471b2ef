"""``crucible tags ...``: browse, import, read, watch and write tags from the command line.

An address on the command line may be

- a tag of the layout (``PSC2.BLAST_SP``), with its limits and its connection;
- a layout address (``opcua://sim/ns=2;s=SMF.T_PROC``, ``modbus://rect/hr/40001``);
- a server named directly: ``opc.tcp://host:port/path#ns=1;s=Kiln.Temperature`` or
  ``modbus://host:port/hr/40001?type=float32``.

Reads and watches go through the same drivers the HMI uses (same quality, same staleness);
writes go through the same :class:`~app.io.writes.WritePath` with the same security hooks as
the GUI: the user logs in (password from standard input with ``--password-stdin`` or a
prompt, never on the command line), the role must allow the write, a critical tag needs a
second person and a reason, and every attempt is in the audit trail with the console name.
A write to a server named directly (not a tag of the layout) needs the ``write_direct``
permission, which no role has by default.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import math
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from app.core.address import AddressError, parse_address
from app.core.cli_args import finite, integer, parse_port
from app.core.layout import Connection, LayoutError, PlantLayout, load_layout
from app.core.store import TagStore
from app.core.tags import DataType, TagDef, TagValue
from app.core.units import is_known_unit

log = logging.getLogger(__name__)


class CliError(Exception):
    """A mistake on the command line; the message says what to change."""


#: ``crucible tags write`` itself: installed by the security module (``app.security.cli_write``),
#: which logs the user in, signs a critical write and audits it. Without it writes are refused.
write_command: Callable[[argparse.Namespace, Any, PlantLayout | None, TextIO], Awaitable[int]] | None = None


def register(subparsers: Any) -> None:
    """Add ``tags`` and its sub-commands to the ``crucible`` parser."""
    tags = subparsers.add_parser("tags", help="browse, import, read, watch and write tags")
    tags.set_defaults(handler=handle)
    sub = tags.add_subparsers(dest="tags_command", required=True)

    browse = sub.add_parser("browse", help="print the tree of an OPC UA server's address space")
    browse.add_argument("url", help="opc.tcp://host:port/path[#start node id]")
    browse.add_argument("--depth", type=integer(1, 50, "levels"), default=4, help="levels to descend (default 4)")
    browse.add_argument("--all", action="store_true", help="include the server's own diagnostics nodes")

    imp = sub.add_parser("import", help="write layout tag definitions for the variables under a node")
    imp.add_argument("url", help="opc.tcp://host:port/path")
    imp.add_argument("--under", required=True, help="browse path from Objects (Plant/SMF) or a node id (ns=2;s=Plant)")
    imp.add_argument("-o", "--output", type=Path, required=True, help="tag file to write (YAML)")
    imp.add_argument("--connection", default="plc", help="connection name used in the addresses (default plc)")

    read = sub.add_parser("read", help="read the present value of tags")
    read.add_argument("addresses", nargs="+", metavar="ADDRESS")
    read.add_argument("--timeout", type=finite(0.1, 3600.0), default=10.0, help="seconds to wait for values (default 10)")

    watch = sub.add_parser("watch", help="print tag updates as they arrive (Ctrl+C to stop)")
    watch.add_argument("addresses", nargs="+", metavar="ADDRESS")
    watch.add_argument("--seconds", type=finite(0.0, 31_536_000.0), default=0.0,
                       help="stop after this many seconds (default 0: never)")

    write = sub.add_parser("write", help="log in and write a value through the checked, read-back, audited write path")
    write.add_argument("address", metavar="ADDRESS")
    write.add_argument("value")
    write.add_argument("--user", default="", help="who writes (default: the login name); the password is asked for")
    write.add_argument("--password-stdin", action="store_true",
                       help="read the password(s) from standard input: the user's, then the second person's")
    write.add_argument("--second-user", default="", help="the second person confirming a critical write")
    write.add_argument("--reason", default="", help="why (kept in the audit trail; required for a critical tag)")
    write.add_argument("--db", help="plant database URL with users and audit trail (default: the settings')")
    events = sub.add_parser("events", help="print a server's alarms (OPC UA Alarms & Conditions) as they arrive, "
                                           "standing ones first (check a DCS before connecting consoles)")
    events.add_argument("url", help="opc.tcp://host:port/path")
    events.add_argument("--seconds", type=finite(0.0, 31_536_000.0), default=0.0,
                        help="stop after this many seconds (default 0: never)")
    events.add_argument("--json", action="store_true", help="one JSON object per event")
    for p in (browse, imp, read, watch, write):
        p.add_argument("--endpoint", dest="tags_endpoint", help="OPC UA endpoint for the layout's OPC UA connections")


def handle(args: argparse.Namespace, settings: Any, out: TextIO | None = None) -> int:
    """Run a ``tags`` sub-command; return the exit code."""
    out = out or sys.stdout
    try:
        return asyncio.run(_dispatch(args, settings, out))
    except CliError as exc:
        print(f"crucible tags: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _dispatch(args: argparse.Namespace, settings: Any, out: TextIO) -> int:
    command = args.tags_command
    if command == "browse":
        return await browse(args.url, out, depth=args.depth, show_all=args.all)
    if command == "import":
        return await import_tags(args.url, args.under, args.output, args.connection, out)
    if command == "events":
        from app.io.conditions import print_events

        if not (args.seconds >= 0 and args.seconds < 1e9):
            raise CliError(f"--seconds {args.seconds:g}: give a number of seconds from 0 (forever) up")
        if not args.url.startswith("opc.tcp://"):
            raise CliError(f"{args.url!r} is not an OPC UA endpoint (opc.tcp://host:port/path)")
        return await print_events(args.url, out, args.seconds, args.json)
    layout = _layout(args, settings)
    if command == "read":
        return await read(resolve(args.addresses, layout, args.tags_endpoint), out, args.timeout)
    if command == "watch":
        return await watch(resolve(args.addresses, layout, args.tags_endpoint), out, args.seconds)
    if command == "write":
        if write_command is None:  # never a write without login, roles and audit
            raise CliError("writing needs the security module (users, roles, audit trail), which is not installed")
        return await write_command(args, settings, layout, out)
    raise CliError(f"unknown command {command!r}")


def read_password(args: argparse.Namespace, prompt: str) -> str:
    """One password: a line of standard input (--password-stdin) or a prompt; never argv."""
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError(f"{prompt}: nothing on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for the password: pass it on standard input with --password-stdin")
    return getpass.getpass(f"{prompt}: ")


def _layout(args: argparse.Namespace, settings: Any) -> PlantLayout | None:
    path = getattr(args, "layout", None) or getattr(settings, "layout", None)
    if path is None:
        return None
    try:
        return load_layout(path)
    except LayoutError:
        return None  # direct addresses still work; layout names will be reported unknown


# --- addresses ------------------------------------------------------------------------
@dataclass
class Resolved:
    """Tags to open, and the connections (direct or from the layout) that carry them."""

    tags: list[TagDef] = field(default_factory=list)
    connections: dict[str, Connection] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # tag name -> what the user typed
    direct: set[str] = field(default_factory=set)  # tags that are not tags of the layout


def _adhoc_tag(name: str, address: str, writable: bool = True) -> TagDef:
    return TagDef(
        name=name, area="", unit_id="", description_en=name, description_zh="", eng_unit="",
        eu_low=-math.inf, eu_high=math.inf, address=address, writable=writable,
    )


def resolve_for_write(text: str, layout: PlantLayout | None, endpoint: str | None = None) -> Resolved:
    """:func:`resolve` for a write: a tag writable only in some state (``write_when``, e.g.
    CB.OUT only while CB.MODE is MANUAL) brings that state tag along, so the check sees it."""
    texts = [text]
    target = layout.tags.get(text) if layout else None
    condition = target.write_condition() if target else None
    if condition is not None:
        texts.append(condition[0])
    return resolve(texts, layout, endpoint)


def resolve(texts: list[str], layout: PlantLayout | None, endpoint: str | None = None) -> Resolved:
    """Turn command-line addresses into tag definitions and connections."""
    result = Resolved()
    direct: dict[str, str] = {}  # server key -> connection name
    layout_tags = layout.tags if layout else {}
    by_address = {t.address: t for t in layout_tags.values()}

    def use_layout_connection(name: str) -> None:
        if layout is None or name not in layout.connections:
            raise CliError(f"no connection named {name!r} (no layout, or not in it); name the server directly")
        conn = layout.connections[name]
        if endpoint and conn.protocol == "opcua":
            conn = replace(conn, endpoint=endpoint)
        result.connections[name] = conn

    for text in texts:
        if text in layout_tags:
            tag = layout_tags[text]
            if tag.address.startswith("calc://"):
                module = tag.address.removeprefix("calc://").split("/", 1)[0]
                raise CliError(f"{text} is computed inside the console by the {module} module ({tag.address}), "
                               "not read from or written to a PLC or DCS server: see it on the console")
            use_layout_connection(parse_address(tag.address).connection)
            result.tags.append(tag)
            result.shown[tag.name] = text
            continue
        if text.startswith("opc.tcp://"):
            server, sep, node_id = text.partition("#")
            if not sep or not node_id:
                raise CliError(f"{text!r}: put the node id after '#': opc.tcp://host:port/path#ns=2;s=Name")
            _host_port(server, text, 4840)
            conn_name = direct.setdefault(server, f"opcua{len(direct) + 1}")
            result.connections[conn_name] = Connection(conn_name, "opcua", endpoint=server)
            address = f"opcua://{conn_name}/{node_id}"
        elif text.startswith("modbus://") and ":" in _split(text).netloc:
            parts = _split(text)
            host, port = _host_port(text, text, 502)
            conn_name = direct.setdefault(f"{host}:{port}", f"modbus{len(direct) + 1}")
            result.connections[conn_name] = Connection(conn_name, "modbus", host=host, port=port)
            address = text.replace(parts.netloc, conn_name, 1)
        elif text.startswith(("opcua://", "modbus://")):
            address = text
            if text in by_address:
                tag = by_address[text]
                use_layout_connection(parse_address(text).connection)
                result.tags.append(tag)
                result.shown[tag.name] = text
                continue
            try:
                use_layout_connection(parse_address(text).connection)
            except AddressError as exc:
                raise CliError(str(exc)) from None
        else:
            raise CliError(
                f"{text!r} is not a tag of the layout nor an address "
                "(opc.tcp://host:port/path#ns=2;s=Name, modbus://host:port/hr/40001?type=float32)"
            )
        try:
            parse_address(address)
        except AddressError as exc:
            raise CliError(f"{text!r}: {exc}") from None
        tag = _adhoc_tag(text, address)
        result.tags.append(tag)
        result.shown[tag.name] = text
        result.direct.add(tag.name)
    return result


def _split(text: str) -> Any:
    """``urlsplit`` with its ValueError (``modbus://[``) turned into a clear CliError."""
    try:
        return urlsplit(text)
    except ValueError as exc:
        raise CliError(f"{text[:80]!r} is not a valid address ({exc})") from None


def _host_port(url: str, shown: str, default: int) -> tuple[str, int]:
    """Host and port of a server URL; a port out of range, not a number or 0 is an error
    (``:0`` used to dial 502 silently)."""
    netloc = _split(url).netloc
    host, sep, port_text = netloc.rpartition(":") if not netloc.endswith("]") else (netloc, "", "")
    if not sep:
        host, port_text = netloc, ""
    host = host.strip("[]")
    if not host:
        raise CliError(f"{shown!r}: no host name")
    if not sep:
        return host, default
    try:
        return host, parse_port(port_text, repr(shown))
    except ValueError as exc:
        raise CliError(str(exc)) from None


# --- drivers --------------------------------------------------------------------------
def _drivers(resolved: Resolved, store: TagStore) -> list[Any]:
    from app.io.modbus import ModbusDriver
    from app.io.opcua import OpcUaDriver

    drivers: list[Any] = []
    for name, conn in resolved.connections.items():
        tags = [t for t in resolved.tags if parse_address(t.address).connection == name]
        if conn.protocol == "opcua":
            drivers.append(OpcUaDriver(name, conn.endpoint, store, tags, publishing_ms=200, options=conn.options))
        else:
            options = {"poll_ms": 500, **conn.options}
            drivers.append(ModbusDriver(name, conn.host, conn.port, store, tags, options))
    return drivers


def _line(shown: str, value: TagValue | None, tag: TagDef) -> str:
    if value is None:
        return f"{shown}  (no value)"
    if value.value is None:
        text = "-"
    elif isinstance(value.value, float) and not math.isfinite(tag.eu_high - tag.eu_low):
        text = f"{value.value:.7g}"  # no range known: show the value as the server gives it
    else:
        text = tag.format_value(value.value)
    unit = f" {tag.eng_unit}" if tag.eng_unit else ""
    quality = value.quality.name.capitalize() + (f" ({value.reason})" if value.reason else "")
    return f"{shown}  {text}{unit}  {quality}  {value.source_ts.isoformat(timespec='milliseconds')}"


async def _wait(predicate: Any, timeout: float) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return bool(predicate())


async def read(resolved: Resolved, out: TextIO, timeout: float = 10.0) -> int:
    """Print one line per tag: value, unit, quality, source time. Exit 1 if any is not Good."""
    store = TagStore(resolved.tags)
    drivers = _drivers(resolved, store)
    tasks = [asyncio.create_task(d.run()) for d in drivers]
    names = [t.name for t in resolved.tags]
    try:
        await _wait(lambda: all((v := store.get(n)) is not None and v.is_good for n in names), timeout)
        result = {n: store.get(n) for n in names}
        for tag in resolved.tags:
            value = result[tag.name]
            if value is None:
                # Nothing arrived: say why, from the connection's health.
                driver = next(d for d in drivers if tag.name in d.tags)
                reason = driver.health.last_error or "no value within the timeout"
                print(f"{resolved.shown[tag.name]}  (no value: {reason})", file=out)
            else:
                driver = next(d for d in drivers if tag.name in d.tags)
                if value.reason == "connection lost" and driver.health.last_error:
                    value = value.with_quality(value.quality, driver.health.last_error)
                print(_line(resolved.shown[tag.name], value, tag), file=out)
        return 0 if all(v is not None and v.is_good for v in result.values()) else 1
    finally:
        await asyncio.gather(*(d.stop() for d in drivers))
        await asyncio.gather(*tasks, return_exceptions=True)


async def watch(resolved: Resolved, out: TextIO, seconds: float = 0.0) -> int:
    """Print every update (and every quality change) until Ctrl+C or ``seconds``."""
    store = TagStore(resolved.tags)
    drivers = _drivers(resolved, store)
    wanted = {t.name: t for t in resolved.tags}

    def on_batch(batch: Any) -> None:
        for name, value in batch.items():
            tag = wanted.get(name)
            if tag is not None:
                print(_line(resolved.shown[name], value, tag), file=out, flush=True)

    store.batch_applied.connect(on_batch)
    tasks = [asyncio.create_task(d.run()) for d in drivers]
    try:
        if seconds > 0:
            await asyncio.sleep(seconds)
        else:
            await asyncio.Event().wait()
    finally:
        await asyncio.gather(*(d.stop() for d in drivers))
        await asyncio.gather(*tasks, return_exceptions=True)
    return 0


def parse_value(text: str, tag: TagDef) -> float | int | bool:
    """The value typed for ``tag``: a finite number, or true/false/on/off."""
    if text.lower() in ("true", "false", "on", "off"):
        return text.lower() in ("true", "on")
    try:
        value = float(text)
    except ValueError:
        raise CliError(f"{text!r} is not a number (or true/false)") from None
    if not math.isfinite(value):
        raise CliError(f"{text!r} is not a finite number")
    if value.is_integer() and tag.data_type in (DataType.INT, DataType.STATE):
        return int(value)
    return value


async def write(resolved: Resolved, request: Any, out: TextIO, permission: Any = None, audit: Any = None) -> int:
    """Write ``request`` through :class:`WritePath` with the given permission and audit hooks
    (the security module's session); print the result; exit 0 only when confirmed."""
    from app.io.writes import WritePath, WriteResult

    store = TagStore(resolved.tags)
    drivers = _drivers(resolved, store)
    tasks = [asyncio.create_task(d.run()) for d in drivers]
    path = WritePath(store, {d.name: d for d in drivers}, permission=permission, audit=audit)
    try:
        from app.io.health import LinkState

        await _wait(lambda: all(d.health.state is LinkState.CONNECTED for d in drivers)
                    and all(store.get(t.name) is not None for t in resolved.tags), 10.0)
        result: WriteResult = await path.write(request)
        print(("OK: " if result.ok else "FAILED: ") + result.message, file=out)
        return 0 if result.ok else 1
    finally:
        await asyncio.gather(*(d.stop() for d in drivers))
        await asyncio.gather(*tasks, return_exceptions=True)


# --- browse and import ------------------------------------------------------------------
def _split_url(url: str) -> tuple[str, str]:
    if not url.startswith("opc.tcp://"):
        raise CliError(f"{url!r}: browse and import need an OPC UA endpoint, opc.tcp://host:port/path")
    endpoint, _, start = url.partition("#")
    return endpoint, start


async def _connect(endpoint: str) -> Any:
    from asyncua import Client

    from app.io.opcua import describe_error

    client = Client(endpoint, timeout=10)
    try:
        await client.connect()
    except Exception as exc:  # noqa: BLE001 - reported to the engineer
        raise CliError(describe_error(exc, endpoint)) from None
    return client


async def browse(url: str, out: TextIO, depth: int = 4, show_all: bool = False) -> int:
    """Print the tree under Objects (or under the node after '#')."""
    from asyncua import ua

    endpoint, start = _split_url(url)
    client = await _connect(endpoint)
    try:
        root = client.get_node(start) if start else client.nodes.objects

        async def walk(node: Any, level: int) -> None:
            for ref in await node.get_children_descriptions():
                if not show_all and ref.NodeId == ua.NodeId(ua.ObjectIds.Server):
                    continue
                kind = ref.NodeClass.name
                line = f"{'  ' * level}{ref.BrowseName.Name}  [{kind}]  {ref.NodeId.to_string()}"
                child = client.get_node(ref.NodeId)
                if ref.NodeClass == ua.NodeClass.Variable and ref.ReferenceTypeId != ua.NodeId(ua.ObjectIds.HasProperty):
                    try:
                        value = await child.read_value()
                        line += f"  = {value!r}"
                    except Exception:  # noqa: BLE001 - unreadable values are shown as such
                        line += "  (unreadable)"
                print(line, file=out)
                if level + 1 < depth and ref.NodeClass in (ua.NodeClass.Object, ua.NodeClass.Variable):
                    await walk(child, level + 1)

        await walk(root, 0)
    finally:
        await client.disconnect()
    return 0


async def import_tags(url: str, under: str, output: Path, connection: str, out: TextIO) -> int:
    """Write one layout tag definition per variable under ``under``."""
    import yaml
    from asyncua import ua

    endpoint, _ = _split_url(url)
    client = await _connect(endpoint)
    has_property = ua.NodeId(ua.ObjectIds.HasProperty)
    try:
        node = await _find(client, under)
        entries: list[dict[str, Any]] = []
        unknown_units: set[str] = set()

        async def walk(node: Any, parent_name: str) -> None:
            for ref in await node.get_children_descriptions():
                if ref.ReferenceTypeId == has_property:
                    continue
                child = client.get_node(ref.NodeId)
                if ref.NodeClass == ua.NodeClass.Variable:
                    entries.append(await _definition(child, ref, parent_name, connection, unknown_units))
                if ref.NodeClass in (ua.NodeClass.Object, ua.NodeClass.Variable):
                    await walk(child, ref.BrowseName.Name)

        start_name = (await node.read_browse_name()).Name
        await walk(node, start_name)
    finally:
        await client.disconnect()
    if not entries:
        raise CliError(f"no variables under {under!r}")
    output.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Imported by 'crucible tags import' from {endpoint} under {under}.\n"
    output.write_text(header + yaml.safe_dump({"tags": entries}, sort_keys=False, allow_unicode=True), encoding="utf-8")
    print(f"wrote {len(entries)} tag(s) to {output}", file=out)
    for unit in sorted(unknown_units):
        print(f"note: unit {unit!r} is not known to Crucible; fix it before loading the layout", file=sys.stderr)
    return 0


async def _find(client: Any, under: str) -> Any:
    if "=" in under:
        return client.get_node(under)
    node = client.nodes.objects
    for part in [p for p in under.split("/") if p]:
        for ref in await node.get_children_descriptions():
            if ref.BrowseName.Name == part:
                node = client.get_node(ref.NodeId)
                break
        else:
            raise CliError(f"no node {part!r} under {(await node.read_browse_name()).Name!r} (path {under!r})")
    return node


async def _definition(node: Any, ref: Any, parent_name: str, connection: str, unknown_units: set[str]) -> dict[str, Any]:
    from asyncua import ua

    browse_name = ref.BrowseName.Name
    name = browse_name if "." in browse_name else f"{parent_name}.{browse_name}"
    props: dict[str, Any] = {}
    for prop in await node.get_properties():
        try:
            props[(await prop.read_browse_name()).Name] = await prop.read_value()
        except Exception:  # noqa: BLE001 - a missing property is simply not used
            continue
    try:
        description = (await node.read_description()).Text or ""
    except Exception:  # noqa: BLE001
        description = ""
    variant_type = await node.read_data_type_as_variant_type()
    if variant_type == ua.VariantType.Boolean:
        data_type = "bool"
    elif variant_type.name.startswith(("Int", "UInt", "Byte", "SByte")):
        data_type = "int"
    else:
        data_type = "float"
    eu = ""
    info = props.get("EngineeringUnits")
    if info is not None and getattr(info, "DisplayName", None) is not None:
        eu = info.DisplayName.Text or ""
    if eu and not is_known_unit(eu):
        unknown_units.add(eu)
    eu_range = props.get("EURange")
    low, high = (float(eu_range.Low), float(eu_range.High)) if eu_range is not None else (0.0, 1.0 if data_type == "bool" else 100.0)
    access = await node.read_attribute(ua.AttributeIds.UserAccessLevel)
    writable = bool(access.Value.Value & ua.AccessLevel.CurrentWrite.mask) if access.Value else False
    entry: dict[str, Any] = {
        "name": name,
        "unit": parent_name,
        "desc_en": description or (await node.read_display_name()).Text or name,
        "desc_zh": "",
        "eu": eu,
        "range": [low, high],
        "address": f"opcua://{connection}/{node.nodeid.to_string()}",
    }
    if data_type != "float":
        entry["type"] = data_type
    if writable:
        entry["writable"] = True
    return entry
