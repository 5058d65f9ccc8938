"""Schedules (schema/schedules/): time-off requests, `Employee.timeOff` and `workingPattern`,
and the root `publicHolidays`.

Not mapped (the resolver path answers): `Employee.timeOffBalances` (working days counted in
Python against the pattern and the holidays) and `Query.teamCalendar` (it refuses outsiders
with an error, and hides the kind and note per row).
"""

from __future__ import annotations

import json
from typing import Any

from auth.scopes import Scope
from models import schedules as scm
from planner.capabilities import can_cancel_time_off, can_decide_time_off
from planner.dialect import literal
from planner.specs import Attached, Capability, Column, Keyed, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.schedules.reads import TIME_OFF_BY_EMPLOYEE, holiday_filter, time_off_filter

MODELS: dict[str, Any] = {
    "TimeOffRequest": scm.TimeOffRequest,
    "PublicHoliday": scm.PublicHoliday,
    "WorkingPattern": scm.WorkingPattern,
}

# resolvers/schedules/days.py `default_pattern`: the pattern of an employee who set none.
_DEFAULT_PATTERN = {
    "days": literal(json.dumps(list(scm.DEFAULT_WORKING_DAYS))),
    "day_starts": str(scm.DEFAULT_DAY_STARTS),
    "day_ends": str(scm.DEFAULT_DAY_ENDS),
    "timezone": "coalesce(nullif({parent}.\"timezone\", ''), 'UTC')",  # `employee.timezone or "UTC"`
}

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
    "WorkingPattern": {
        "days": Column("days", "weekdays"),
        "dayStarts": Column("day_starts", "clock"),
        "dayEnds": Column("day_ends", "clock"),
        "timezone": Column("timezone", "str"),
    },
    "Employee": {
        "workingPattern": Attached("WorkingPattern", "employee_id", _DEFAULT_PATTERN),
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
