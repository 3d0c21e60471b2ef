"""Roles and the actions they permit (IEC 62443-3-3 SR 2.1, role-based authorisation).

A permission is a short string. Writing setpoints is granted per plant area
(``write_setpoint:SMF``) or for every area (``write_setpoint:*``). The default role table
below seeds the database on first use; administrators can change a role's permissions
afterwards (``crucible users roles --grant``), and every console sharing the database sees it.
"""

from __future__ import annotations

VIEW = "view"
ACK_ALARMS = "ack_alarms"
SHELVE_ALARMS = "shelve_alarms"
WRITE_SETPOINT = "write_setpoint"  # + ":<AREA>" or ":*"
START_STOP = "start_stop_equipment"
EDIT_PLANS = "edit_production_plans"
CLOSE_WORK_ORDERS = "close_work_orders"
MANAGE_USERS = "manage_users"
CHANGE_SETTINGS = "change_settings"
CLOSE_CONSOLE = "close_console"  # quit the HMI (an operator hands over or locks instead)
WRITE_DIRECT = "write_direct"  # write to a server named directly (not a tag of the layout); no default role
LOCKOUT = "lockout_equipment"  # take equipment (and its alarms) out of service for work, and back
ENTER_ASSAYS = "enter_assays"  # hand-entered (signed) assays and laboratory file imports

ACTIONS: tuple[str, ...] = (
    VIEW, ACK_ALARMS, SHELVE_ALARMS, WRITE_SETPOINT, START_STOP, EDIT_PLANS, CLOSE_WORK_ORDERS,
    MANAGE_USERS, CHANGE_SETTINGS, CLOSE_CONSOLE, WRITE_DIRECT, LOCKOUT, ENTER_ASSAYS,
)

DESCRIPTIONS: dict[str, str] = {
    VIEW: "view process screens",
    ACK_ALARMS: "acknowledge alarms",
    SHELVE_ALARMS: "shelve alarms",
    WRITE_SETPOINT: "write setpoints",
    START_STOP: "start or stop equipment",
    EDIT_PLANS: "edit production plans",
    CLOSE_WORK_ORDERS: "close work orders",
    MANAGE_USERS: "manage users",
    CHANGE_SETTINGS: "change settings",
    CLOSE_CONSOLE: "close the console",
    WRITE_DIRECT: "write to a server named directly (not a tag of the layout)",
    LOCKOUT: "take equipment out of service for work and return it",
    ENTER_ASSAYS: "enter or import assays",
}

OPERATOR = "operator"
SHIFT_LEAD = "shift_lead"
MAINTENANCE = "maintenance"
PROCESS_ENGINEER = "process_engineer"
ADMINISTRATOR = "administrator"
LABORATORY = "laboratory"  # the assay laboratory: enters and imports assays, nothing on the plant
ROLES: tuple[str, ...] = (OPERATOR, SHIFT_LEAD, MAINTENANCE, PROCESS_ENGINEER, ADMINISTRATOR, LABORATORY)

ALL_AREAS = f"{WRITE_SETPOINT}:*"
#: Permissions introduced after the first databases were made: granted once to their default
#: roles in an existing database that has never seen them (UserStore.ensure_roles); after that
#: the administrator's grants and revocations stand.
ADDED_LATER: tuple[str, ...] = (CLOSE_CONSOLE, LOCKOUT, ENTER_ASSAYS)

#: The permission each alarm-engine action needs (app.alarms.engine.ALARM_ACTIONS). Taking an
#: alarm out of service (a lock-out for work) needs LOCKOUT.

ALARM_ACTION_PERMISSIONS: dict[str, str] = {
    "ack": ACK_ALARMS, "shelve": SHELVE_ALARMS, "unshelve": SHELVE_ALARMS,
    "oos": LOCKOUT, "in_service": LOCKOUT,
}

DEFAULT_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    OPERATOR: frozenset({VIEW, ACK_ALARMS, ALL_AREAS, START_STOP}),
    SHIFT_LEAD: frozenset({VIEW, ACK_ALARMS, SHELVE_ALARMS, ALL_AREAS, START_STOP, EDIT_PLANS, CLOSE_CONSOLE, LOCKOUT,
                           ENTER_ASSAYS}),
    MAINTENANCE: frozenset({VIEW, START_STOP, CLOSE_WORK_ORDERS, LOCKOUT}),
    PROCESS_ENGINEER: frozenset({VIEW, ALL_AREAS, EDIT_PLANS, CHANGE_SETTINGS, CLOSE_CONSOLE, LOCKOUT, ENTER_ASSAYS}),
    ADMINISTRATOR: frozenset({VIEW, MANAGE_USERS, CHANGE_SETTINGS, CLOSE_CONSOLE, ENTER_ASSAYS}),
    # a laboratory console: assays only (the lab's results reach SPC and grading), no plant actions
    LABORATORY: frozenset({VIEW, ENTER_ASSAYS}),
}


def setpoint_permission(area: str) -> str:
    """The permission that allows writing setpoints in ``area``."""
    return f"{WRITE_SETPOINT}:{area}"


def grants(permissions: frozenset[str] | set[str], action: str) -> bool:
    """True when ``permissions`` include ``action`` (area wildcards honoured)."""
    if action in permissions:
        return True
    if action.startswith(f"{WRITE_SETPOINT}:"):
        return ALL_AREAS in permissions
    return False


def describe(action: str) -> str:
    """Words for ``action`` in a refusal message ("write setpoints in SMF")."""
    if action.startswith(f"{WRITE_SETPOINT}:"):
        area = action.split(":", 1)[1]
        return DESCRIPTIONS[WRITE_SETPOINT] + ("" if area == "*" else f" in {area}")
    return DESCRIPTIONS.get(action, action)


def is_known(action: str) -> bool:
    return action in ACTIONS or action.startswith(f"{WRITE_SETPOINT}:")
