"""Probe the layout loader with malformed layouts (issue 13, section 7).

Each mutation copies ``plant_layouts/copper_smelter`` to a temporary folder, breaks one
thing, and runs what ``crucible validate`` runs (layout, alarms, displays) with a 10 s
alarm and a 1 GiB address-space limit. Prints one line per mutation and a summary:

    tracebacks (an exception other than the loaders' own errors), hangs (> 2 s),
    accepted-invalid (a broken file loaded without a problem), unclean (a message not
    shaped ``file:line: message`` or ``file: message``), clean.

Run: ``python tools/probe_layout.py`` (last line is JSON).
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SOURCE = ROOT / "plant_layouts" / "copper_smelter"

Mutation = Callable[[Path], None]


def edit(rel: str, old: str, new: str, count: int = 1) -> Mutation:
    def apply(folder: Path) -> None:
        path = folder / rel
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise RuntimeError(f"probe bug: {old!r} not in {rel}")
        path.write_text(text.replace(old, new, count), encoding="utf-8")
    return apply


def append(rel: str, text: str) -> Mutation:
    def apply(folder: Path) -> None:
        path = folder / rel
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return apply


def write_bytes(rel: str, data: bytes) -> Mutation:
    def apply(folder: Path) -> None:
        (folder / rel).write_bytes(data)
    return apply


def modbus_conn(port: str) -> Mutation:
    return edit("plant.yaml", "connections:\n", f"connections:\n  plc2:\n    protocol: modbus\n    host: 10.0.0.2\n    port: {port}\n")


TAG = "tags/pd.yaml"
T1 = "  address: opcua://sim/ns=2;s=PD.MAIN.V\n"  # the first tag's last line


def tag_field(line: str) -> Mutation:
    return edit(TAG, T1, T1 + line + "\n")


def tag_replace(old: str, new: str) -> Mutation:
    return edit(TAG, old, new)


ALARM1 = "- tag: SMF.MATTE_CU\n  type: L\n  priority: low\n  limit: 55\n"


def alarm(old: str, new: str) -> Mutation:
    return edit("alarms.yaml", old, new)


DISP = "displays/31_psc2.yaml"

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)

MUTATIONS: list[tuple[str, Mutation]] = [
    # plant.yaml
    ("units: 5", edit("plant.yaml", "  units:\n  - id: CB\n", "  units: 5\n  - id: CB\n".replace("\n  - id: CB\n", "\n", 1) if False else "  units: 5\n  unused:\n  - id: CB\n")),
    ("plant: a list", edit("plant.yaml", "plant:\n  id: copper_smelter\n", "plant:\n- id: copper_smelter\n")),
    ("areas: a mapping", edit("plant.yaml", "areas:\n- id: CB\n", "areas:\n  x: 1\nold_areas:\n- id: CB\n")),
    ("tag_files: a string", append("plant.yaml", "tag_files: tags/*.yaml\n")),
    ("tag_files: a number", append("plant.yaml", "tag_files: 5\n")),
    ("tag_files: escapes the folder", append("plant.yaml", "tag_files: ['../../**/*.yaml']\n")),
    ("modbus port .inf", modbus_conn(".inf")),
    ("modbus port 99999999999", modbus_conn("99999999999")),
    ("modbus port -5", modbus_conn("-5")),
    ("modbus port 0", modbus_conn("0")),
    ("modbus port 400 digits", modbus_conn("9" * 400)),
    ("modbus port true", modbus_conn("true")),
    ("modbus port 502.5", modbus_conn("502.5")),
    ("opcua endpoint a number", edit("plant.yaml", "    endpoint: opc.tcp://127.0.0.1:4840/crucible/\n", "    endpoint: 5\n")),
    ("connection: a list", edit("plant.yaml", "  sim:\n    protocol: opcua\n", "  sim:\n  - protocol: opcua\n")),
    ("non-UTF-8", write_bytes("plant.yaml", "plant:\n  id: x\n  name_en: caf\u00e9\n".encode("latin-1"))),
    ("NUL byte", write_bytes("plant.yaml", b"plant:\n  id: \x00x\n")),
    ("alias bomb", write_bytes("plant.yaml", BOMB.encode())),
    ("5000 levels of nesting", write_bytes("plant.yaml", b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n")),
    ("5000 levels of mappings", write_bytes("plant.yaml", ("".join(f"{' ' * i}k:\n" for i in range(0, 5000))).encode())),
    ("50,000-key mapping", write_bytes("plant.yaml", ("".join(f"k{i}: {i}\n" for i in range(50_000))).encode())),
    ("duplicate key", edit("plant.yaml", "  id: copper_smelter\n", "  id: copper_smelter\n  id: again\n")),
    ("empty file", write_bytes("plant.yaml", b"")),
    ("a scalar document", write_bytes("plant.yaml", b"42\n")),
    ("python tag", append("plant.yaml", "x: !!python/object/apply:os.system ['true']\n")),
    ("binary tag", append("plant.yaml", "x: !!binary AAAA\n")),
    ("a set", append("plant.yaml", "x: !!set {a, b}\n")),
    ("plant name a date", edit("plant.yaml", "  name_en: Copper smelter (400 kt/a cathode)\n", "  name_en: 2001-01-01\n")),
    ("mapping as a key", append("plant.yaml", "? [a, b]\n: x\n")),
    ("area id a list", edit("plant.yaml", "- id: CB\n  name_en: Concentrate blending\n", "- id: [CB]\n  name_en: Concentrate blending\n")),
    # tags
    ("tags: a mapping", edit(TAG, "tags:\n- name: PD.MAIN.V\n", "tags:\n  x: 1\nold:\n- name: PD.MAIN.V\n")),
    ("writable: 'false' (quoted)", tag_field("  writable: 'false'")),
    ("writable: 'no'", tag_field("  writable: 'no'")),
    ("writable: 1", tag_field("  writable: 1")),
    ("historise: 'no'", tag_field("  historise: 'no'")),
    ("critical: 'yes'", tag_field("  critical: 'yes'")),
    ("range [-.inf, .inf]", tag_replace("  range:\n  - 0\n  - 130\n", "  range:\n  - -.inf\n  - .inf\n")),
    ("range [.nan, 130]", tag_replace("  range:\n  - 0\n  - 130\n", "  range:\n  - .nan\n  - 130\n")),
    ("range 400 digits", tag_replace("  range:\n  - 0\n  - 130\n", f"  range:\n  - 0\n  - {'9' * 400}\n")),
    ("range a number", tag_replace("  range:\n  - 0\n  - 130\n", "  range: 5\n")),
    ("range 3 items", tag_replace("  range:\n  - 0\n  - 130\n", "  range: [0, 1, 2]\n")),
    ("range a string", tag_replace("  range:\n  - 0\n  - 130\n", "  range: '01'\n")),
    ("range ['0', '130']", tag_replace("  range:\n  - 0\n  - 130\n", "  range: ['0', '130']\n")),
    ("normal [.nan, .nan]", tag_replace("  normal:\n  - 107\n  - 119\n", "  normal: [.nan, .nan]\n")),
    ("write_limits [-.inf, .inf]", tag_field("  writable: true\n  write_limits: [-.inf, .inf]")),
    ("deadband .nan", tag_field("  deadband: .nan")),
    ("deadband -1", tag_field("  deadband: -1")),
    ("deadband .inf", tag_field("  deadband: .inf")),
    ("max_step .nan", tag_field("  writable: true\n  max_step: .nan")),
    ("max_step .inf", tag_field("  writable: true\n  max_step: .inf")),
    ("sampling_ms .inf", tag_field("  sampling_ms: .inf")),
    ("sampling_ms 400 digits", tag_field(f"  sampling_ms: {'9' * 400}")),
    ("sampling_ms 0.5", tag_field("  sampling_ms: 0.5")),
    ("compression .nan", tag_field("  compression: .nan")),
    ("report_deadband .inf", tag_field("  report_deadband: .inf")),
    ("states: true", tag_field("  states: true")),
    ("states: 7", tag_field("  states: 7")),
    ("states: a string", tag_field("  type: state\n  states: ON")),
    ("states: a mapping", tag_field("  type: state\n  states: {a: 1}")),
    ("type: 5", tag_field("  type: 5")),
    ("name: a list", tag_replace("- name: PD.MAIN.V\n", "- name: [PD.MAIN.V]\n")),
    ("address: a number", tag_replace(T1, "  address: 5\n")),
    ("unit: a mapping", tag_replace("  unit: PD.MAIN\n", "  unit: {a: 1}\n")),
    ("desc_en: a list", tag_replace("  desc_en: Main bus voltage\n", "  desc_en: [a]\n")),
    ("eu: a number", tag_replace("  eu: kV\n", "  eu: 5\n")),
    ("write_when: a number", tag_field("  write_when: 5")),
    ("setpoint_of: a list", tag_field("  setpoint_of: [a]")),
    ("tag: a list not a mapping", tag_replace("- name: PD.MAIN.V\n", "- [1, 2]\n- name: PD.MAIN.V\n")),
    # alarms
    ("alarm states: 7", alarm(ALARM1, ALARM1 + "  states: 7\n")),
    ("alarm limit .nan", alarm(ALARM1, ALARM1.replace("limit: 55", "limit: .nan"))),
    ("alarm limit 400 digits", alarm(ALARM1, ALARM1.replace("limit: 55", f"limit: {'9' * 400}"))),
    ("alarm limit '55' (quoted)", alarm(ALARM1, ALARM1.replace("limit: 55", "limit: '55'"))),
    ("alarm deadband .nan", alarm(ALARM1, ALARM1 + "  deadband: .nan\n").__class__ and alarm("  deadband: 0.5\n  on_delay: 60\n  cause: Too little", "  deadband: .nan\n  on_delay: 60\n  cause: Too little")),
    ("alarm on_delay .inf", alarm("  on_delay: 60\n  cause: Too little", "  on_delay: .inf\n  cause: Too little")),
    ("alarm priority a list", alarm(ALARM1, ALARM1.replace("priority: low", "priority: [low]"))),
    ("alarm tag a list", alarm(ALARM1, ALARM1.replace("- tag: SMF.MATTE_CU", "- tag: [SMF.MATTE_CU]"))),
    ("alarm latch 'no'", alarm(ALARM1, ALARM1 + "  latch: 'no'\n")),
    ("alarm suppress states: 5", alarm(ALARM1, ALARM1 + "  suppress: {tag: SMF.MATTE_CU, states: 5}\n")),
    ("alarms: a mapping", alarm("alarms:\n", "alarms: {}\nx:\n")),
    # displays
    ("display: a list", edit(DISP, "display:\n  id: psc2\n", "display:\n- id: psc2\n")),
    ("elements: a mapping", edit(DISP, "elements:\n- type: nav\n", "elements:\n  a: 1\nold:\n- type: nav\n")),
    ("display size [.inf, 1]", edit(DISP, "  size: [1800, 860]\n", "  size: [.inf, 1]\n")),
    ("display level '3'", edit(DISP, "  level: 3\n", "  level: '3'\n")),
    ("element at: 'x'", edit(DISP, "  at: [1620, 10]\n", "  at: 'x'\n")),
    ("element at [.nan, 1]", edit(DISP, "  at: [1620, 10]\n", "  at: [.nan, 1]\n")),
    ("element a list", edit(DISP, "elements:\n- type: nav\n", "elements:\n- [1, 2]\n- type: nav\n")),
    ("element type a list", edit(DISP, "elements:\n- type: nav\n", "elements:\n- type: [nav]\n")),
]

CLEAN = re.compile(r"^[^\n]+?\.yaml(:\d+)?: \S.*$|^[^\n]+?:0: \S.*$")


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


def validate(folder: Path) -> list[str]:
    """What ``crucible validate`` does; returns the problems ([] when the layout loads)."""
    from app.alarms.definitions import AlarmDefinitionError, load_alarms
    from app.core.displays import DisplayError, load_displays
    from app.core.layout import LayoutError, load_layout

    try:
        layout = load_layout(folder)
        load_alarms(layout)
        load_displays(layout)
    except (LayoutError, AlarmDefinitionError, DisplayError) as exc:
        return list(exc.problems)
    return []


def probe(name: str, mutation: Mutation, base: Path) -> tuple[str, str, float]:
    folder = base / "layout"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(SOURCE, folder)
    mutation(folder)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(10)
    start = time.perf_counter()
    try:
        problems = validate(folder)
        outcome = ""
    except Hang:
        outcome, problems = "hang", []
    except BaseException as exc:  # noqa: BLE001 - that is what we count
        outcome, problems = "traceback", [f"{type(exc).__name__}: {str(exc)[:120]}"]
        if "-v" in sys.argv:
            traceback.print_exc()
    finally:
        signal.alarm(0)
    elapsed = time.perf_counter() - start
    if not outcome:
        if elapsed > 2.0:
            outcome = "hang"
        elif not problems:
            outcome = "accepted-invalid"
        elif any("internal error" in p for p in problems):
            outcome = "traceback"  # caught only by the loader's safety net
        elif all(CLEAN.match(p) for p in problems):
            outcome = "clean"
        else:
            outcome = "unclean"
    first = problems[0].replace(str(folder), "<layout>") if problems else ""
    return outcome, first, elapsed


def main() -> int:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    counts = {"clean": 0, "unclean": 0, "traceback": 0, "hang": 0, "accepted-invalid": 0}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        # the untouched layout must load
        shutil.copytree(SOURCE, base / "layout")
        assert validate(base / "layout") == [], "the shipped layout does not load"
        for name, mutation in MUTATIONS:
            outcome, first, elapsed = probe(name, mutation, base)
            counts[outcome] += 1
            print(f"{outcome:16} {elapsed:6.2f}s  {name:32} {first[:150]}")
    print(json.dumps({"mutations": len(MUTATIONS), **counts}))
    return 0 if counts["clean"] == len(MUTATIONS) else 1


if __name__ == "__main__":
    sys.exit(main())
