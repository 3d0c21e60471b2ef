"""Maintenance: the equipment ledger, state history and KPIs, work orders with lock-out, and
vibration-based prediction (issue 17). No Qt here; the panels live in ``widgets/``."""
