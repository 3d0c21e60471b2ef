"""Dialogs that never stall the asyncio loop.

A modal ``exec()`` runs a nested Qt event loop. Inside a coroutine under qasync that nested
loop wakes other tasks while the coroutine is still asyncio's "current task"; asyncio refuses
them ("Cannot enter into task ... while another task is being executed") and they never run
again (see Known traps in ARCHITECTURE.md). So a coroutine that needs an answer opens the
dialog window-modally with ``open()`` and awaits :func:`answer`, a future completed on the
dialog's ``finished`` signal; a synchronous slot opens the dialog and handles ``finished``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import TypeVar

from PySide6.QtWidgets import QDialog

T = TypeVar("T")


async def answer(dialog: QDialog) -> int:
    """Open ``dialog`` window-modally and wait, without blocking the loop, until it is
    finished; return its result code (``QDialog.DialogCode``; for a ``QMessageBox`` read
    ``clickedButton()``). A dialog destroyed before it finished counts as rejected."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finish(result: int = int(QDialog.DialogCode.Rejected)) -> None:
        if not future.done():
            future.set_result(int(result))

    dialog.finished.connect(finish)
    dialog.destroyed.connect(lambda *_: finish())
    dialog.open()
    return await future


async def resolved(value: T | Awaitable[T]) -> T:
    """``value`` itself, or what it resolves to when it is awaitable (hooks may be either:
    tests inject plain functions, the default ones open a dialog and await it)."""
    if inspect.isawaitable(value):
        return await value
    return value
