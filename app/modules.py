"""The module registry: each feature folder declares itself once (Spyder's plugins, Home
Assistant's integration folders).

A module is a package under ``app/`` with a ``module.py`` that defines ``MODULE = Module(...)``:
its name, the modules it requires, its tables and migration branch, ``setup(runtime)`` /
``close(service)``, its command-line sub-commands and its dock panels. The runtime, the main
window, the ``crucible`` command and the migration environment loop over the registry, so a
new module adds one folder (plus its panels under ``widgets/``) and touches nothing else.

No Qt here: a panel is named by an import path (``"widgets.dispatch_board:DispatchBoardPanel"``)
that only the GUI imports.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import pkgutil
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

PanelArea = Literal["bottom", "left", "right", "central"]
#: ``handler(args, settings) -> exit code`` (settings: ``app.core.settings.Settings``); set with
#: ``parser.set_defaults(handler=...)``. This module imports nothing from ``app``: it is the
#: lowest layer, which every other one may use.
CliHandler = Callable[[argparse.Namespace, Any], int]


class ModuleError(RuntimeError):
    """A module declaration that cannot be used (unknown requirement, a cycle, a duplicate)."""


@dataclass(frozen=True)
class PanelSpec:
    """A dock panel a module offers; the GUI imports ``factory`` and calls it with a
    ``widgets.panel.PanelContext``.

    ``area`` ``"central"`` puts the panel as a tab beside the process displays (a dispatch
    board, the 3D view); the others are dock areas. ``permissions``: a user needs all of them
    to see the panel.
    """

    name: str
    factory: str
    area: PanelArea = "bottom"
    permissions: tuple[str, ...] = ("view",)


@dataclass(frozen=True)
class Module:
    """What a feature module declares about itself.

    - ``requires``: names of modules whose services ``setup`` uses (set up before this one).
    - ``models``: dotted module whose import puts this module's tables on ``app.db.Base``.
    - ``migrations``: dotted package with this module's Alembic revisions; its first revision
      has ``branch_labels = (name,)`` and ``depends_on`` the revisions it needs.
    - ``setup(runtime)``: builds the module's service (``runtime.services[name]``); may start
      long-running work with ``runtime.supervisor.spawn(...)``. Called on the asyncio loop's
      thread before the loop runs; must not block for long.
    - ``start(service)``: called once the asyncio loop runs (``Runtime.start``): start the
      module's long-running work here (``runtime.supervisor.spawn`` where available).
    - ``close(service)``: releases it (may be a coroutine function).
    - ``cli(subparsers)``: adds sub-commands; each parser sets ``handler`` with
      ``set_defaults(handler=...)``: ``handler(args, settings) -> int``.
    - ``panels``: the dock panels it offers.
    - ``validate(layout)``: the module's checks of its own layout files (``equipment.yaml``,
      ``plant3d.yaml`` ...), run by ``crucible validate``; returns ``file:line: message`` problems.
    - ``headless``: set up in ``crucible serve`` too (not only in the GUI).

    A module that raises alarms publishes a derived tag (address ``calc://<module>/<name>``,
    declared in the layout's tags) with ``runtime.store.apply`` and defines the alarm on it in
    the layout's alarm definitions, so it is rationalised, journaled and counted like any other.
    """

    name: str
    title: str = ""
    requires: tuple[str, ...] = ()
    models: str | None = None
    migrations: str | None = None
    setup: Callable[[Any], object] | None = None
    start: Callable[[Any], None] | None = None
    close: Callable[[Any], Awaitable[None] | None] | None = None
    cli: Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None] | None = None
    panels: tuple[PanelSpec, ...] = ()
    validate: Callable[[Any], list[str]] | None = None
    headless: bool = True
    order: int = 100  # tie-break between modules with no dependency on each other (lower first)


@dataclass
class Registry:
    """The modules of one application, in dependency order."""

    modules: list[Module] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.modules = _ordered(self.modules)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.modules)

    def __len__(self) -> int:
        return len(self.modules)

    def get(self, name: str) -> Module | None:
        return next((m for m in self.modules if m.name == name), None)

    def names(self) -> list[str]:
        return [m.name for m in self.modules]

    def with_module(self, module: Module) -> Registry:
        """A new registry with ``module`` added (tests add a toy module this way)."""
        return Registry([*self.modules, module])

    def panels(self) -> list[tuple[Module, PanelSpec]]:
        return [(m, p) for m in self.modules for p in m.panels]

    def migration_packages(self) -> list[str]:
        return [m.migrations for m in self.modules if m.migrations]

    def import_models(self) -> None:
        """Import every module's table declarations (so ``app.db.Base.metadata`` has them all)."""
        for m in self.modules:
            if m.models:
                importlib.import_module(m.models)

    def register_cli(self, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        for m in self.modules:
            if m.cli is not None:
                m.cli(sub)


def _ordered(modules: Iterable[Module]) -> list[Module]:
    """Topological order (requirements first), stable by ``order`` then name."""
    by_name: dict[str, Module] = {}
    for m in modules:
        if m.name in by_name:
            raise ModuleError(f"module {m.name!r} is declared twice")
        by_name[m.name] = m
    for m in by_name.values():
        for req in m.requires:
            if req not in by_name:
                raise ModuleError(f"module {m.name!r} requires {req!r}, which is not installed")
    done: list[Module] = []
    placed: set[str] = set()
    visiting: list[str] = []

    def visit(m: Module) -> None:
        if m.name in placed:
            return
        if m.name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(m.name):], m.name])
            raise ModuleError(f"modules require each other: {cycle}")
        visiting.append(m.name)
        for req in sorted(m.requires, key=lambda r: (by_name[r].order, r)):
            visit(by_name[req])
        visiting.pop()
        placed.add(m.name)
        done.append(m)

    for m in sorted(by_name.values(), key=lambda m: (m.order, m.name)):
        visit(m)
    return done


def discover(packages: Sequence[str] = ("app",)) -> Registry:
    """Every ``<package>.<folder>.module`` that defines ``MODULE``."""
    found: list[Module] = []
    for package_name in packages:
        package = importlib.import_module(package_name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if not info.ispkg:
                continue
            dotted = f"{package_name}.{info.name}.module"
            if importlib.util.find_spec(dotted) is None:
                continue
            mod = importlib.import_module(dotted)
            declared = getattr(mod, "MODULE", None)
            if not isinstance(declared, Module):
                raise ModuleError(f"{dotted} has no MODULE = Module(...)")
            found.append(declared)
    return Registry(found)


_default: Registry | None = None


def default_registry() -> Registry:
    """The installed modules (discovered once per process, or the one :func:`activate` set)."""
    global _default
    if _default is None:
        _default = discover()
    return _default


def activate(registry: Registry | None) -> Registry | None:
    """Make ``registry`` this process's modules (the migration environment, the CLI and the
    runtime use it); None goes back to discovery. Returns the previous one."""
    global _default
    previous, _default = _default, registry
    return previous

