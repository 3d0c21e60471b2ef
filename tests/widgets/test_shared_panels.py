"""Panels on one console show what another console changed, at once (issue 21): the users
table, the handover log, the plan versions and the work order list, on a real PostgreSQL
server. Console A writes through its own engine (as another process would); console B's
panels re-read on the NOTIFY, on the GUI thread, without any click or timer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.core.layout import DEFAULT_LAYOUT, load_layout
from app.db import make_engine
from app.db.migrate import upgrade
from app.db.notify import change_feed, close_feed
from app.maintenance.ledger import load_for_layout
from app.maintenance.service import MaintenanceService
from app.maintenance.workorders import MaintenanceStore
from app.production.config import load_production
from app.production.plan_store import PlanStore
from app.production.service import ProductionService
from app.security.audit import AuditTrail
from app.security.session import Session
from app.security.users import SecurityPolicy, UserStore
from app.shifts.handover import HandoverLog
from app.shifts.service import ShiftsService
from widgets.panel import PanelContext

PASSWORD = "correct-horse-1"
FOLDER = Path(DEFAULT_LAYOUT)


class Console:
    """A console's own engine, audit trail, users and session on the shared database."""

    def __init__(self, url: str, name: str) -> None:
        self.engine = make_engine(url)
        self.audit = AuditTrail(self.engine, console=name)
        self.users = UserStore(self.engine, self.audit, SecurityPolicy(scrypt_n=16))
        self.session = Session(self.users, self.audit, console=name)

    def close(self) -> None:
        close_feed(self.engine)
        self.engine.dispose()


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread() -> Iterator[None]:
    """Qt objects in reference cycles are collected here, on the GUI thread (see the
    equipment panel tests)."""
    import gc

    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.collect()
        gc.enable()


@pytest.mark.postgres
def test_the_other_consoles_panels_show_users_handover_plans_and_work_orders_at_once(
        qtbot, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from widgets.dispatch_board_plan import PlanTab
    from widgets.handover_panel import HandoverPanel
    from widgets.users_panel import UsersPanel
    from widgets.work_order_panel import WorkOrderPanel

    upgrade(make_engine(pg_url))
    b = Console(pg_url, "console-b")  # console B: the panels
    b.users.add_user("wang", PASSWORD, ["administrator"])
    b.session.login("wang", PASSWORD)
    layout = load_layout()
    clock = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    shifts = ShiftsService(b.engine, layout, reports_dir=tmp_path / "reports", audit=b.audit,
                           users=b.users, clock=lambda: clock)
    production = ProductionService(load_production(FOLDER / "production.yaml"))
    production.plan_store = PlanStore(b.engine, b.audit)
    ledger = load_for_layout(layout)
    assert ledger is not None
    maintenance = MaintenanceService(ledger, b.engine)
    runtime = SimpleNamespace(layout=layout, services={"shifts": shifts, "maintenance": maintenance}, alarms=None,
                              store=None)
    ctx = PanelContext(runtime=runtime, bridge=None, session=b.session)  # type: ignore[arg-type]
    users_panel = UsersPanel(b.users, b.session)
    handover_panel = HandoverPanel(ctx)
    plan_tab = PlanTab(production, b.session)
    orders_panel = WorkOrderPanel(ctx)
    for w in (users_panel, handover_panel, plan_tab, orders_panel):
        qtbot.addWidget(w)
    handover_panel.query.wait(10)
    orders_panel.query.wait(10)

    a = Console(pg_url, "console-a")  # another engine, as another process
    a_handover = HandoverLog(a.engine, console="console-a")
    a_plans = PlanStore(a.engine, a.audit)
    a_orders = MaintenanceStore(a.engine)
    try:
        feed = change_feed(b.engine)
        assert feed is not None
        qtbot.waitUntil(feed.listening.is_set, timeout=10000)
        qtbot.wait(200)
        took: dict[str, float] = {}

        def seen(what: str, change, shown) -> None:  # type: ignore[no-untyped-def]
            start = time.monotonic()
            change()
            qtbot.waitUntil(shown, timeout=3000)
            took[what] = time.monotonic() - start

        equipment = next(iter(ledger.equipment))
        seen("users", lambda: a.users.add_user("li", PASSWORD, ["operator"], actor="admin"),
             lambda: "li" in [u.username for u in users_panel.model.users])
        seen("handover", lambda: a_handover.add(handover_panel.shift.id, "SMF", "li", "tap hole 2 hard to open"),
             lambda: any(handover_panel.model.item(r, 4).text() == "tap hole 2 hard to open"
                         for r in range(handover_panel.model.rowCount())))
        seen("plans", lambda: a_plans.import_plan(production.config.plan, source="production.yaml", user="li"),
             lambda: plan_tab.model.rowCount() == 1)
        seen("work orders", lambda: a_orders.create("corrective", equipment, "bearing noise", "li"),
             lambda: any(w.title == "bearing noise" for w in orders_panel.model.rows))
        print("seen in console B's panels:", ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in took.items()))
        assert all(v < 0.5 for v in took.values()), took
        assert users_panel.message.text() == ""  # no error shown
    finally:
        orders_panel.teardown()
        for w in (users_panel, handover_panel):
            w.close()
        plan_tab.shutdown()
        maintenance.close(flush=False)
        close_feed(b.engine)
        a.close()
        b.close()
