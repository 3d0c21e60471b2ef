"""Lock-out's write refusal: a hook in front of :meth:`app.io.writes.WritePath.check`.

``WritePath`` (owned by the I/O module) has one ``permission`` hook, which the security
session replaces when it attaches. Lock-out must refuse writes whoever is logged in, so it
wraps the write path's ``check`` on the instance instead: every write (screens, CLI,
scripts) and every faceplate pre-check goes through it, before the permission hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.core.tags import TagDef

Refusal = Callable[[Any, TagDef], "str | None"]


def install_refusal(write_path: Any, refusal: Refusal) -> Callable[[], None]:
    """Put ``refusal(request, tag) -> message | None`` in front of ``write_path.check``;
    return a function that takes it out again."""
    inner = write_path.check
    had_own = "check" in write_path.__dict__

    def check(request: Any) -> tuple[TagDef | None, str]:
        tag, message = inner(request)
        if tag is not None and not message:
            refused = refusal(request, tag)
            if refused:
                return tag, refused
        return tag, message

    write_path.check = check

    def remove() -> None:
        if write_path.__dict__.get("check") is check:
            if had_own:
                write_path.check = inner
            else:
                del write_path.check

    return remove
