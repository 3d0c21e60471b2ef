"""Process standards and operating procedures (seed standard 8.3.1, 8.3.2): approved setpoint
cards per unit and operating mode with drift tracking, guided SOP checklists with sign-off,
and operator notes pinned to units."""
