"""Files only their owner may read: the plant database, the history spool, audit checkpoints."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)


def create_private_file(path: Path | str) -> Path:
    """Make sure ``path`` exists, created 0600 (owner read/write only) and its folder 0700.

    An existing file keeps its mode (an administrator may have shared it on purpose), but one
    anybody may read is logged as a warning. Returns the path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & stat.S_IROTH:
            log.warning("%s is readable by every user (mode %o); chmod 600 it", path, stat.S_IMODE(mode))
        return path
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask
    return path


def open_private_append(path: Path | str) -> int:
    """An ``O_APPEND`` descriptor on ``path``, the file created 0600 when missing."""
    return os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
