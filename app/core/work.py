"""The one way to run slow work off the GUI thread: named worker pools.

SQL queries, PDF building, solver runs and mesh loading go to a pool named after the work
(one worker per name by default, so a panel's queries run in order and never pile up);
coroutines ``await run_blocking(...)``; widgets use ``widgets.background_query.BackgroundQuery``,
which takes the result back to the GUI thread with a queued Qt signal (no polling).
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_pools: dict[str, ThreadPoolExecutor] = {}
_lock = threading.Lock()


def executor(name: str, workers: int = 1) -> ThreadPoolExecutor:
    """The pool for ``name`` (made on first use, shared by everyone asking for that name)."""
    with _lock:
        pool = _pools.get(name)
        if pool is None:
            pool = _pools[name] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        return pool


async def run_blocking(fn: Callable[..., T], *args: Any, pool: str = "blocking", **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` on the pool ``pool`` and await its result on the loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor(pool), functools.partial(fn, *args, **kwargs))


def shutdown_all(wait: bool = False) -> None:
    """Stop every pool (queued work is dropped; running work finishes on its own)."""
    with _lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.shutdown(wait=wait, cancel_futures=True)


atexit.register(shutdown_all)
