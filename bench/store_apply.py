"""Tag store: cost of applying 10,000-value batches (with a screen tracker and a listener)
against a bare ``dict.update`` of the same values."""

from __future__ import annotations

from datetime import UTC, datetime

from common import median_time, parser, report

from app.core.store import TagStore
from app.core.tags import Quality, TagValue


def main() -> None:
    args = parser(__doc__ or "").parse_args()
    now = datetime.now(UTC)
    batches = [{f"T{i}": TagValue(float(i + k), Quality.GOOD, now, now) for i in range(10_000)} for k in range(20)]

    store = TagStore()
    tracker = store.tracker()
    seen = []
    store.batch_applied.connect(lambda b: seen.append(len(b)))

    def ours() -> None:
        for batch in batches:
            store.apply(batch)
        tracker.take()

    raw: dict[str, TagValue] = {}

    def bare() -> None:
        for batch in batches:
            raw.update(batch)

    t_ours = median_time(ours)
    t_bare = median_time(bare)
    n = sum(len(b) for b in batches)
    figures = {
        "updates": n,
        "store_updates_per_s": n / t_ours,
        "dict_updates_per_s": n / t_bare,
        "ratio_store_to_dict_time": t_ours / t_bare,
    }
    report(
        "TagStore.apply, 20 batches x 10,000 values (median of 7)",
        [
            ("store updates/s", f"{figures['store_updates_per_s']:,.0f}", "apply + tracker + one listener"),
            ("dict.update updates/s", f"{figures['dict_updates_per_s']:,.0f}", "bare baseline"),
            ("time ratio store/dict", f"{figures['ratio_store_to_dict_time']:.2f}", "context: store does more work"),
        ],
        figures,
        args.json,
    )


if __name__ == "__main__":
    main()
