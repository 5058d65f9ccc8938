"""Schedules (schema/schedules/types.py): the `TimeOffRequest` type and `Employee.timeOff`.

Not mapped (the resolver path answers): `Employee.timeOffBalances` (working days counted in
Python against the pattern and the holidays), `Employee.workingPattern` (a default pattern when
none is stored) and `Query.teamCalendar` (it refuses outsiders with an error, and hides the kind
and note per row).
"""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import schedules as scm
from planner.capabilities import can_cancel_time_off, can_decide_time_off
from planner.specs import Capability, Column, Keyed, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.schedules.reads import TIME_OFF_BY_EMPLOYEE, holiday_filter, time_off_filter

MODELS: dict[str, Any] = {"TimeOffRequest": scm.TimeOffRequest, "PublicHoliday": scm.PublicHoliday}

FIELDS: dict[str, dict[str, Spec]] = {
    "TimeOffRequest": {
        "id": Column("id", "id"),
        "kind": Column("kind", "enum"),
        "status": Column("status", "enum"),
        "startsOn": Column("starts_on", "date"),
        "endsOn": Column("ends_on", "date"),
        "halfDay": Column("half_day", "bool"),
        "workingDays": Column("working_days", "float"),  # float(row.working_days)
        "note": Column("note", "str"),
        "pendingReason": Column("pending_reason", "enum"),
        "decisionNote": Column("decision_note", "str"),
        "decidedAt": Column("decided_at", "datetime"),
        "createdAt": Column("created_at", "datetime"),
        "employee": ToOne("Employee", "employee_id"),
        "decidedBy": ToOne("Employee", "decided_by_id"),
        "viewerCanDecide": Capability(can_decide_time_off),
        "viewerCanCancel": Capability(can_cancel_time_off),
    },
    "PublicHoliday": {
        "location": Column("location", "str"),
        "day": Column("day", "date"),
        "name": Column("name", "str"),
    },
    "Employee": {
        # schema/schedules/filters.py `time_off_filter_kwargs`
        "timeOff": Many(
            scm.TimeOffRequest,
            TIME_OFF_BY_EMPLOYEE.partition,
            SortKey("starts_on", descending=True),  # resolvers/schedules/reads.py
            "visible_time_off",
            None,
            time_off_filter,
            {"status": "statuses", "kind": "kinds", "from": "from_", "to": "to"},
            name=TIME_OFF_BY_EMPLOYEE.name,
        ),
    },
}

ROOT_LISTS: dict[str, Many] = {}

# schema/schedules/queries.py `public_holidays`: by day (a location has one holiday a day)
ROOT_ROWS: dict[str, Listed] = {"publicHolidays": Listed(scm.PublicHoliday, holiday_filter, ("day",))}

ROOT_ROWS_BY_KEY: dict[str, Keyed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {"TimeOffRequest": (Scope.SCHEDULES_READ, "visible_time_off")}
