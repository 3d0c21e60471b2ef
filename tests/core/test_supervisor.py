"""The supervisor restarts a task that crashes, reports one that ends or stalls, and its
problem count raises the layout's alarm."""

from __future__ import annotations

import asyncio

from app.alarms.service import build_alarm_engine
from app.core.layout import PlantLayout
from app.core.store import TagStore
from app.core.supervisor import Supervisor, publish_problem_count
from app.runtime import SUPERVISOR_TAG


async def _until(predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    end = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < end:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return bool(predicate())


async def test_a_crashing_task_is_restarted_with_backoff_and_reported() -> None:
    reports: list[tuple[str, str]] = []
    supervisor = Supervisor(check_interval_s=0.05, min_backoff_s=0.05, max_backoff_s=0.2, stable_after_s=0.3,
                            on_problem=lambda name, text: reports.append((name, text)))
    runs: list[int] = []

    async def work() -> None:
        runs.append(1)
        if len(runs) <= 3:
            raise RuntimeError(f"boom {len(runs)}")
        await asyncio.sleep(10)

    handle = supervisor.spawn("driver sim", work)
    try:
        assert await _until(lambda: len(runs) == 4)
        assert [text for _, text in reports] == [
            "driver sim stopped (RuntimeError: boom 1); restarting in 0.05 s (restart 1)",
            "driver sim stopped (RuntimeError: boom 2); restarting in 0.1 s (restart 2)",
            "driver sim stopped (RuntimeError: boom 3); restarting in 0.2 s (restart 3)",
        ]
        assert handle.running and handle.restarts == 3
        assert "driver sim" in supervisor.problems
        # Running again for a while: the problem is cleared.
        assert await _until(lambda: "driver sim" not in supervisor.problems)
    finally:
        await supervisor.wait(1.0)
    assert not handle.running


async def test_a_task_that_returns_without_restart_is_reported_not_restarted() -> None:
    supervisor = Supervisor(check_interval_s=0.05)
    runs: list[int] = []

    async def once() -> None:
        runs.append(1)

    supervisor.spawn("report export", once, restart=False)
    assert await _until(lambda: "report export" in supervisor.problems)
    await asyncio.sleep(0.2)
    assert runs == [1]
    assert supervisor.problems["report export"] == "report export stopped (it ended); it is not restarted on its own"
    await supervisor.wait(1.0)


async def test_a_task_that_stops_making_progress_is_reported_and_cleared_when_it_resumes() -> None:
    supervisor = Supervisor(check_interval_s=0.05)
    cleared: list[str] = []
    supervisor.problem_cleared.connect(cleared.append)
    gate = asyncio.Event()

    async def ticking() -> None:
        for _ in range(3):
            supervisor.beat("alarm engine")
            await asyncio.sleep(0.02)
        await gate.wait()  # stuck, as a task whose wake-up was refused would be
        while True:
            supervisor.beat("alarm engine")
            await asyncio.sleep(0.02)

    handle = supervisor.spawn("alarm engine", ticking, expected_period_s=0.3)
    try:
        assert await _until(lambda: "alarm engine" in supervisor.problems)
        assert supervisor.problems["alarm engine"].startswith("alarm engine has made no progress for")
        assert "(expected every 0.3 s)" in supervisor.problems["alarm engine"]
        assert handle.running and handle.stalled
        gate.set()
        assert await _until(lambda: cleared == ["alarm engine"])
        assert supervisor.problems == {}
    finally:
        await supervisor.wait(1.0)


async def test_the_watchdog_is_no_task_so_a_blocked_loop_of_tasks_still_gets_reported() -> None:
    """The watchdog runs as loop callbacks: even while no task can run it notices."""
    supervisor = Supervisor(check_interval_s=0.05)
    supervisor.spawn("ticker", lambda: asyncio.Event().wait(), expected_period_s=0.2)
    assert not any(t.get_name().startswith("supervisor") for t in asyncio.all_tasks())
    assert len(asyncio.all_tasks()) == 2  # this test and the supervised one: no watchdog task
    assert await _until(lambda: "ticker" in supervisor.problems)
    await supervisor.wait(0.1)


async def test_problems_raise_the_layouts_alarm(layout: PlantLayout) -> None:
    store = TagStore(layout.tags.values())
    assert layout.tags[SUPERVISOR_TAG].address == "calc://supervisor/task_problems"
    engine = build_alarm_engine(layout, store, "", "CR-01")
    supervisor = Supervisor(check_interval_s=0.05)
    publish_problem_count(supervisor, store, SUPERVISOR_TAG)
    alarm = next(d for d in engine.definitions if d.tag == SUPERVISOR_TAG)
    assert store.get(SUPERVISOR_TAG).value == 0  # type: ignore[union-attr]
    assert not engine.records[alarm.id].annunciated

    async def broken() -> None:
        raise OSError("disk full")

    supervisor.spawn("shift report", broken, restart=False)
    assert await _until(lambda: store.get(SUPERVISOR_TAG).value == 1)  # type: ignore[union-attr]
    engine.tick()
    assert engine.records[alarm.id].annunciated, "the alarm annunciates"
    await supervisor.wait(0.1)
    engine.close()


async def test_a_cancelled_task_is_not_reported() -> None:
    import asyncio

    from app.core.supervisor import Supervisor

    supervisor = Supervisor()
    reported: list[tuple[str, str]] = []
    supervisor.problem_reported.connect(lambda name, text: reported.append((name, text)))

    async def forever() -> None:
        await asyncio.Event().wait()

    supervisor.spawn("watcher", forever)
    await asyncio.sleep(0.05)
    supervisor.cancel("watcher")
    await asyncio.sleep(0.1)
    supervisor.check()
    assert reported == [] and supervisor.problems == {}
    supervisor.stop()
