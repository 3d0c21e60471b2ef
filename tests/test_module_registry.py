"""The module seam: a module declares itself once and the runtime, the main window, the
``crucible`` command and the migrations pick it up. The toy module in
``tests/example_modules/toy`` is added without touching any file outside its folder."""

from __future__ import annotations

import argparse
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app import modules
from app.db import make_engine
from app.db.migrate import schema_status, upgrade
from app.modules import Module, ModuleError, PanelSpec, Registry, discover

ROOT = Path(__file__).resolve().parents[1]
TOY = "tests.example_modules.toy"


@pytest.fixture
def toy_registry() -> Iterator[Registry]:
    registry = discover(("app", "tests.example_modules"))
    previous = modules.activate(registry)
    yield registry
    modules.activate(previous)


def test_the_core_modules_declare_themselves() -> None:
    registry = discover()
    names = registry.names()
    for core in ("io", "historian", "alarms", "security", "displays"):
        assert core in names
    assert registry.get("toy") is None  # example modules are not installed in the product
    panels = {spec.name for _m, spec in registry.panels()}
    assert {"alarm_list", "alarm_journal", "alarm_kpi", "trend", "tag_browser", "connections", "audit", "users"} <= panels
    assert set(registry.migration_packages()) >= {"app.historian.migrations", "app.security.migrations",
                                                  "app.alarms.migrations"}


def test_requirements_come_first_and_mistakes_are_named() -> None:
    a, b, c = Module("a", requires=("b",)), Module("b", requires=("c",)), Module("c")
    assert Registry([a, b, c]).names() == ["c", "b", "a"]
    with pytest.raises(ModuleError, match="requires 'x', which is not installed"):
        Registry([Module("a", requires=("x",))])
    with pytest.raises(ModuleError, match="modules require each other: a -> b -> a"):
        Registry([Module("a", requires=("b",)), Module("b", requires=("a",))])
    with pytest.raises(ModuleError, match="declared twice"):
        Registry([Module("a"), Module("a")])


def test_toy_module_table_is_made_by_its_own_migration_branch(toy_registry: Registry, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'plant.sqlite'}")
    status = upgrade(engine)
    assert status.up_to_date, status.message
    assert "toy_0001" in status.heads
    tables = set(inspect(engine).get_table_names())
    assert {"toy_notes", "samples", "security_users", "alarm_journal"} <= tables
    # A console without the toy module finds its own tables current and names the stranger.
    plain = schema_status(engine, packages=discover().migration_packages())
    assert plain.up_to_date and plain.unknown == {"toy_0001"}
    assert "toy_0001 of modules not installed here" in plain.message


def test_toy_module_cli_command_runs_through_crucible(toy_registry: Registry, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main

    url = f"sqlite:///{tmp_path / 'plant.sqlite'}"
    assert main(["toy", "--db", url, "first note"], registry=toy_registry) == 0
    assert main(["toy", "--db", url, "second"], registry=toy_registry) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 note(s)"


def test_toy_module_service_is_set_up_and_closed_by_the_runtime(toy_registry: Registry, layout) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from app.core.tags import Quality, TagValue
    from app.runtime import Runtime

    runtime = Runtime(layout, registry=toy_registry)
    runtime.setup_modules()
    service = runtime.services["toy"]
    name = next(iter(layout.tags))
    runtime.store.apply({name: TagValue(1.0, Quality.GOOD, 0.0, 0.0)})
    assert service.values_seen == 1
    asyncio.run(runtime.close_modules())
    assert service.closed and "toy" not in runtime.services


def test_a_module_that_fails_to_set_up_leaves_the_rest_running(layout) -> None:  # type: ignore[no-untyped-def]
    from app.runtime import Runtime

    def broken(_runtime: object) -> object:
        raise RuntimeError("licence file missing")

    registry = Registry([Module("broken", setup=broken), Module("after", requires=("broken",), setup=lambda r: object()),
                         Module("fine", setup=lambda r: "ok")])
    runtime = Runtime(layout, registry=registry)
    runtime.setup_modules()
    assert runtime.services == {"fine": "ok"}
    assert runtime.module_problems["broken"] == "RuntimeError: licence file missing"
    assert "needs broken" in runtime.module_problems["after"]


def test_toy_panel_sits_in_a_tab_beside_the_process_displays(toy_registry: Registry, layout, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from app.runtime import Runtime
    from widgets.main_window import MainWindow

    runtime = Runtime(layout, registry=toy_registry)
    runtime.setup_modules()
    window = MainWindow(runtime, settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    panel = window.panels["toy"]
    index = window.central_tabs.indexOf(panel)
    assert index >= 1 and window.central_tabs.widget(0) is window.display_panel  # beside the displays
    assert window.central_tabs.tabText(index) == "Toy"
    assert window.show_central("toy") and window.central_tabs.currentWidget() is panel
    assert panel.service is runtime.services["toy"]


def test_a_panel_that_fails_to_build_is_left_out_with_its_reason(layout, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from app.runtime import Runtime
    from widgets.main_window import MainWindow

    registry = discover().with_module(Module("ghost", panels=(PanelSpec("ghost", "widgets.nowhere:Ghost"),)))
    window = MainWindow(Runtime(layout, registry=registry),
                        settings=QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert "ghost" not in window.panels
    assert "ModuleNotFoundError" in window.panel_problems["ghost"]
    assert "alarm_list" in window.panels


def test_the_toy_module_lives_in_its_own_folder_only() -> None:
    """Adding the module needed no edit elsewhere: nothing outside its folder and this test names it."""
    done = subprocess.run(["git", "grep", "-l", "example_modules", "--", ".", ":!tests/example_modules",
                           ":!tests/test_module_registry.py", ":!docs"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.split() == []


def test_parser_has_one_handler_per_module_command() -> None:
    from app.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name in ("tags", "users", "audit", "secrets", "certs", "db", "alarms"):
        assert sub.choices[name].get_default("handler") is not None, name


def test_modules_start_their_work_once_the_loop_runs(layout) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from app.runtime import Runtime

    started: list[bool] = []

    class Service:
        def start(self) -> None:
            asyncio.get_running_loop()  # raises without a running loop
            started.append(True)

    registry = Registry([Module("worker", setup=lambda r: Service(), start=lambda s: s.start())])
    runtime = Runtime(layout, registry=registry)
    runtime.setup_modules()  # before the loop (the GUI does this): nothing starts yet
    assert started == []

    async def body() -> None:
        runtime.start_modules()
        runtime.start_modules()  # once only

    asyncio.run(body())
    assert started == [True]
