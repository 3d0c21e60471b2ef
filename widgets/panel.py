"""The dock-panel contract (Spyder's plugins): each panel declares itself."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


class DockPanel(QWidget):
    """A panel the main window puts in a dock.

    Subclasses set ``NAME`` (stable id used for the saved layout), ``TITLE`` (English, for
    translation), ``AREA`` (default dock area) and ``PERMISSIONS`` (what a user needs to
    see it), and take their dependencies in ``__init__`` — no globals.
    """

    NAME = "panel"
    TITLE = "Panel"
    AREA = Qt.DockWidgetArea.RightDockWidgetArea
    PERMISSIONS: tuple[str, ...] = ("view",)

    def title(self) -> str:
        """The translated title (the class's ``TITLE`` through Qt's translator)."""
        from PySide6.QtCore import QCoreApplication

        return QCoreApplication.translate(type(self).__name__, self.TITLE)

    def retranslate(self) -> None:
        """Re-read every visible string after a language switch."""


from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from app.runtime import Runtime
    from app.security.context import Security
    from app.security.session import Session
    from widgets.store_bridge import StoreBridge


@dataclass
class PanelContext:
    """What a module's panel gets in its constructor (``Panel(context)``): typed, no globals.

    - ``runtime``: layout, store, alarm engine, historian, write path, audit, module services.
    - ``bridge``: the store's coalesced (<= 10 Hz) Qt signal of changed values.
    - ``session``: the logged-in user's session (None in bare test windows); ``security``:
      users, audit trail and trust store of this console (None likewise).
    - ``language``: ``"en"`` or ``"zh_CN"``; panels also get ``retranslate()`` on a switch.
    - ``open_faceplate(unit)``, ``show_display(display_id)``, ``show_in_3d(unit)``:
      navigation the main window offers (no-ops where nothing provides them).
    """

    runtime: Runtime
    bridge: StoreBridge
    session: Session | None = None
    security: Security | None = None
    language: str = "en"
    open_faceplate: Callable[[str], object] = lambda _unit: None
    show_display: Callable[[str], object] = lambda _display: None
    show_in_3d: Callable[[str], object] = lambda _unit: None
    extras: dict[str, Any] = field(default_factory=dict)

    def service(self, module: str) -> Any:
        """The service a module's ``setup`` returned (``KeyError`` naming it if not set up)."""
        services = self.runtime.services
        if module not in services:
            raise KeyError(f"module {module!r} is not set up in this runtime")
        return services[module]


def load_factory(dotted: str) -> Callable[[PanelContext], DockPanel | None]:
    """``"widgets.x:Name"`` -> the callable (a panel class or a factory function)."""
    import importlib

    module_name, _, attr = dotted.partition(":")
    if not attr:
        raise ValueError(f"panel factory {dotted!r} must look like 'widgets.module:Name'")
    factory = getattr(importlib.import_module(module_name), attr)
    if not callable(factory):
        raise TypeError(f"panel factory {dotted!r} is not callable")
    return factory  # type: ignore[no-any-return]


def plant_time(iso: str, tz: Any) -> str:
    """An ISO timestamp of a report period as ``YYYY-MM-DD HH:MM`` in the plant's time zone
    (periods start on the plant's shift clock; "now" comes in the console's own zone)."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16].replace("T", " ")
    if when.tzinfo is not None and tz is not None:
        when = when.astimezone(tz)
    return when.strftime("%Y-%m-%d %H:%M")
