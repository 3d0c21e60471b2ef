"""Issue 13 §7-8: property tests (hypothesis, fixed seed, bounded) of what users and
attackers type: the layout loader and every command-line parser.

- Layout: a mutation of the shipped layout (a value swapped for a nasty scalar, a line
  deleted, duplicated or indented, a byte flipped, the file cut) either loads or is refused
  with problems shaped ``file:line: message`` (or ``file: message``) — never an exception,
  never the loader's internal-error safety net.
- CLI: every sub-command of ``crucible`` (walked from the real parser) with fuzzed option
  values either parses to finite numbers or exits 2 with one ``error: argument ...`` line;
  tag addresses, written values, KPI times and CSV journals give a clear error, nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.alarms.definitions import AlarmDefinitionError, load_alarms
from app.core.displays import load_display
from app.core.layout import DEFAULT_LAYOUT, LayoutError, PlantLayout, load_layout

FUZZ = settings(derandomize=True, deadline=None, max_examples=25,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
CLEAN = re.compile(r"^\S[^\n]*?\.(yaml|csv)(:\d+)?: \S[^\n]*$")

NASTY = [
    "", "~", "null", "true", "'false'", "'no'", "yes", "0", "-1", "-5", "1e308", "-1e308", ".inf", "-.inf", ".nan",
    "9" * 400, "0x10", "'55'", "[]", "{}", "[1]", "[1, 2, 3]", "[.nan, 1]", "[-.inf, .inf]", "{a: 1}", "*x", "&x 1",
    "!!binary AAAA", "!!set {a}", "!!python/object:os.system x", "2001-01-01", "'\u0000'", "\"\\x00\"", "[[[[[[", "}",
    "é中文", "a: b: c", "- - -", "'" + "x" * 5000 + "'",
]
FILES = ["plant.yaml", "tags/pd.yaml", "tags/smf.yaml", "alarms.yaml", "displays/31_psc2.yaml"]


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, PlantLayout]]:
    folder = tmp_path_factory.mktemp("fuzz") / "plant"
    shutil.copytree(DEFAULT_LAYOUT, folder)
    yield folder, load_layout(folder)


@st.composite
def mutation(draw: st.DrawFn) -> tuple[str, str, int, str]:
    rel = draw(st.sampled_from(FILES))
    op = draw(st.sampled_from(["value"] * 6 + ["delete", "duplicate", "indent", "flip", "cut", "insert"]))
    position = draw(st.integers(0, 10_000))
    nasty = draw(st.sampled_from(NASTY) if draw(st.integers(0, 4)) else st.text(max_size=20))
    return rel, op, position, nasty


def _mutate(text: str, op: str, position: int, nasty: str) -> bytes:
    lines = text.splitlines(keepends=True)
    i = position % len(lines)
    line = lines[i]
    if op == "value":  # a value of some key or list item (where the loaders' types matter)
        slots = [k for k, ln in enumerate(lines) if ":" in ln or ln.lstrip().startswith("- ")]
        i = slots[position % len(slots)]
        line = lines[i]
        head = line.partition(":")[0] + ":" if ":" in line else line[: line.index("- ") + 1]
        lines[i] = f"{head} {nasty}\n"
    elif op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(i, line)
    elif op == "indent":
        lines[i] = "  " + line
    elif op == "insert":
        lines.insert(i, f"{nasty}\n")
    elif op == "cut":
        return text.encode("utf-8")[: position % max(1, len(text.encode("utf-8")))]
    elif op == "flip":
        data = bytearray(text.encode("utf-8"))
        data[position % len(data)] ^= 1 << (position % 8)
        return bytes(data)
    return "".join(lines).encode("utf-8")


def _validate(folder: Path, layout: PlantLayout, rel: str) -> list[str]:
    """What ``crucible validate`` checks, limited to the part the mutated file feeds."""
    try:
        if rel == "alarms.yaml":
            load_alarms(layout, folder / rel)
        elif rel.startswith("displays/"):
            problems: list[str] = []
            load_display(folder / rel, layout, problems)
            return problems
        else:
            load_layout(folder)
    except (LayoutError, AlarmDefinitionError) as exc:
        return list(exc.problems)
    return []


@settings(FUZZ, max_examples=60)
@given(mutation())
def test_a_mutated_layout_loads_or_names_file_and_line(plant: tuple[Path, PlantLayout], m: tuple[str, str, int, str]) -> None:
    folder, layout = plant
    rel, op, position, nasty = m
    path = folder / rel
    original = (DEFAULT_LAYOUT / rel).read_text(encoding="utf-8")
    path.write_bytes(_mutate(original, op, position, nasty))
    try:
        problems = _validate(folder, layout, rel)  # any other exception fails the test
    finally:
        path.write_text(original, encoding="utf-8")
    for problem in problems:
        assert CLEAN.match(problem), problem
        assert "internal error" not in problem, problem


# --- command-line parsers ---------------------------------------------------------------------
def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*path, name))


def _parser() -> argparse.ArgumentParser:
    from app.cli import build_parser

    return build_parser()


def _typed(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and a.type is not None and a.type is not Path]


LEAVES = [path for path, leaf in _leaves(_parser()) if _typed(leaf)]
NASTY_NUMBERS = ["nan", "inf", "-inf", "1e308", "-1", "0", "70000", "99999999999", "abc", "", "1.5", "0x1F", "1_000",
                 "٣", "-0", "1e-320", "9" * 400, "NaN", "Infinity"]
VALUES = st.one_of(
    st.sampled_from(NASTY_NUMBERS), st.sampled_from(NASTY_NUMBERS), st.sampled_from(NASTY_NUMBERS),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers().map(str),
    st.text(max_size=12),
)


@settings(FUZZ, max_examples=60)
@given(st.sampled_from(LEAVES), st.data())
def test_every_cli_parser_refuses_bad_numbers_with_one_line(path: tuple[str, ...], data: st.DataObject) -> None:
    """Every sub-command with a typed option: fuzz one of them (and maybe more)."""
    parser = dict(_leaves(_parser()))[path]
    typed = _typed(parser)
    chosen = [data.draw(st.sampled_from(typed))] + [a for a in typed if data.draw(st.integers(0, 3)) == 0]
    argv = list(path)
    for action in dict.fromkeys(chosen):
        argv += [action.option_strings[-1], data.draw(VALUES)]
    for action in parser._actions:
        if action.required and action.option_strings and action not in chosen:
            argv += [action.option_strings[-1], "1"]  # required options are given, plainly
        if not action.option_strings and action.nargs != 0 and not isinstance(action, argparse._SubParsersAction):
            argv.append("x")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            args = _parser().parse_args(argv)
        except SystemExit as exc:
            assert exc.code == 2, (argv, exc.code)
            text = err.getvalue()
            lines = text.strip().splitlines()
            assert "Traceback" not in text, text
            assert "error: argument" in lines[-1], lines  # names the argument
            return
    for key, value in vars(args).items():
        if isinstance(value, float):
            assert math.isfinite(value), (argv, key, value)


@pytest.mark.parametrize(("argv", "expected"), [
    (["tags", "read", "modbus://127.0.0.1:99999/hr/1"], "port '99999' is not a TCP port"),
    (["tags", "read", "modbus://127.0.0.1:abc/hr/1"], "port 'abc' is not a TCP port"),
    (["tags", "read", "modbus://127.0.0.1:0/hr/1"], "port '0' is not a TCP port"),
    (["tags", "read", "x", "--timeout", "inf"], "argument --timeout"),
    (["tags", "watch", "x", "--seconds", "-1"], "argument --seconds"),
    (["db", "export", "A", "--hours", "nan"], "argument --hours"),
    (["db", "export", "A", "--hours", "1e308"], "argument --hours"),
    (["sim", "--port", "70000"], "argument --port"),
    (["alarms", "kpi", "--to", "0001-01-01T00:00:00"], "bad time"),
])
def test_the_issue_13_command_lines_exit_2_with_one_line(argv: list[str], expected: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and expected in err.strip().splitlines()[-1] and "Traceback" not in err, err


@FUZZ
@given(st.one_of(
    st.text(max_size=60),
    st.builds(lambda h, p, rest: f"modbus://{h}:{p}/{rest}", st.sampled_from(["127.0.0.1", "", "[::1]", "h"]),
              st.one_of(st.integers(-10, 10**12).map(str), st.text(max_size=6)), st.text(max_size=20)),
    st.builds(lambda h, p, rest: f"opc.tcp://{h}:{p}/{rest}", st.sampled_from(["127.0.0.1", "", "h"]),
              st.one_of(st.integers(-10, 10**12).map(str), st.text(max_size=6)), st.text(max_size=20)),
))
@example("modbus://[")  # found by this test: urlsplit's ValueError (an unclosed IPv6 bracket)
@example("opcua://[/ns=2;s=X")
def test_tag_addresses_resolve_or_are_refused_clearly(text: str) -> None:
    from app.io import cli

    try:
        resolved = cli.resolve([text], load_layout_cached())
    except cli.CliError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for conn in resolved.connections.values():
        assert conn.protocol != "modbus" or 1 <= conn.port <= 65535


_LAYOUT: list[PlantLayout] = []


def load_layout_cached() -> PlantLayout:
    if not _LAYOUT:
        _LAYOUT.append(load_layout())
    return _LAYOUT[0]


@FUZZ
@given(st.one_of(st.text(max_size=30), st.floats().map(repr), st.sampled_from(["nan", "inf", "1e999", "true", "ON"])))
def test_written_values_are_finite_or_refused(text: str) -> None:
    from app.io import cli

    tag = load_layout_cached().tags["PSC2.BLAST_SP"]
    try:
        value = cli.parse_value(text, tag)
    except cli.CliError as exc:
        assert text[:10] in str(exc) or "number" in str(exc)
        return
    assert isinstance(value, bool) or math.isfinite(value)


@FUZZ
@given(st.one_of(st.text(max_size=40), st.datetimes().map(lambda d: d.isoformat())))
def test_kpi_times_parse_in_range_or_are_refused(text: str) -> None:
    from app.alarms.kpi import EARLIEST, LATEST, parse_time

    try:
        ts = parse_time(text)
    except ValueError as exc:
        assert "\n" not in str(exc)
        return
    assert EARLIEST <= ts < LATEST


@FUZZ
@given(st.lists(st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"2026-03-02T06:00:00Z,A,low,X,activate", b"9999-12-31,A,low,X,clear", b"0001-01-01,A,1,X,ack",
                     b"2026-03-02T06:00:00Z,A,low", b"\"unterminated", b"2026-03-02T06:00:00Z,A,9,X,activate",
                     "2026-03-02T06:00:00Z,Ofen\u00e4,low,X,activate".encode("latin-1"), b"x,y,z,w,v,u"]),
), max_size=6))
def test_csv_journals_read_or_name_file_and_line(tmp_path_factory: pytest.TempPathFactory, rows: list[bytes]) -> None:
    from app.alarms.kpi import JournalFormatError, read_csv_journal

    path = tmp_path_factory.mktemp("csv") / "journal.csv"
    path.write_bytes(b"timestamp,alarm,priority,area,event\n" + b"\n".join(rows))
    try:
        read_csv_journal(path)
    except JournalFormatError as exc:
        assert CLEAN.match(str(exc)), str(exc)
