"""The tag store: latest values, coalesced changes, quality marking."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.store import TagStore
from app.core.tags import Quality, TagValue

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def good(v: float) -> TagValue:
    return TagValue(v, Quality.GOOD, T0, T0)


def test_apply_keeps_the_latest_value_and_tells_listeners_every_batch() -> None:
    store = TagStore()
    seen: list[dict[str, TagValue]] = []
    store.batch_applied.connect(lambda b: seen.append(dict(b)))
    store.apply({"A": good(1.0), "B": good(2.0)})
    store.apply({"A": good(3.0)})
    assert store.get("A").value == 3.0 and store.get("B").value == 2.0
    assert [sorted(b) for b in seen] == [["A", "B"], ["A"]]
    assert store.updates_applied == 3


def test_tracker_coalesces_a_burst_into_the_newest_values() -> None:
    store = TagStore()
    tracker = store.tracker()
    for i in range(10_000):
        store.apply({"A": good(float(i)), f"X{i % 3}": good(float(i))})
    changes = tracker.take()
    assert set(changes) == {"A", "X0", "X1", "X2"}
    assert changes["A"].value == 9999.0
    assert tracker.take() == {}


def test_closed_tracker_sees_nothing_more() -> None:
    store = TagStore()
    tracker = store.tracker()
    tracker.close()
    store.apply({"A": good(1.0)})
    assert tracker.take() == {}


def test_mark_quality_keeps_last_value_and_reason() -> None:
    store = TagStore()
    store.apply({"A": good(5.0)})
    store.mark_quality(["A", "NEVER_SEEN"], Quality.BAD, "connection lost")
    a = store.get("A")
    assert (a.value, a.quality, a.reason) == (5.0, Quality.BAD, "connection lost")
    assert store.get("NEVER_SEEN").value is None and store.get("NEVER_SEEN").quality is Quality.BAD


def test_a_failing_listener_does_not_starve_the_others() -> None:
    store = TagStore()
    got: list[str] = []

    def broken(batch: object) -> None:
        raise RuntimeError("panel bug")

    store.batch_applied.connect(broken)
    store.batch_applied.connect(lambda b: got.extend(b))
    store.apply({"A": good(1.0)})
    assert got == ["A"]


def test_a_loop_signal_emitted_from_a_worker_thread_is_caught_in_tests() -> None:
    import threading

    from app.core.events import Signal, WrongThreadError

    loop_signal: Signal[[int]] = Signal()
    worker_signal: Signal[[int]] = Signal(fires_on="worker")
    seen: list[int] = []
    loop_signal.connect(seen.append)
    worker_signal.connect(seen.append)
    errors: list[BaseException] = []

    def from_worker() -> None:
        worker_signal.emit(1)  # declared: fine
        try:
            loop_signal.emit(2)
        except WrongThreadError as exc:
            errors.append(exc)

    thread = threading.Thread(target=from_worker, name="worker-x")
    thread.start()
    thread.join()
    loop_signal.emit(3)
    assert seen == [1, 3]
    assert len(errors) == 1 and "worker-x" in str(errors[0])
