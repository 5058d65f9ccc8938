"""Mentorships (schema/mentorships/types.py): the `Mentorship` type, an employee's mentorships on
either side, the root `mentorships` list, and `mentorCapacity`.

Not mapped (the resolver path answers): `mentorSuggestions` (ranked in Python) and check-ins.
"""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import employees as em
from models import mentorships as mm
from models.mentorships import OPEN_MENTORSHIP_STATUSES
from planner.capabilities import (
    can_end_mentorship,
    can_log_mentorship_check_in,
    can_rate_mentorship,
    can_respond_to_mentorship,
)
from planner.dialect import literal
from planner.specs import Capability, Column, Computed, Keyed, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
from resolvers.mentorships.capacity import DEFAULT_MENTOR_CAPACITY
from resolvers.mentorships.reads import MENTORSHIP_ORDER_FIELDS, MENTORSHIPS_BY, mentorship_filter

_SORT = SortKey("created_at", descending=True)  # resolvers/mentorships/reads.py


def _mentorships(partition: str) -> Many:
    return Many(
        mm.Mentorship,
        partition,
        _SORT,
        "visible_mentorships",
        None,
        mentorship_filter,
        {"status": "statuses"},
        name=MENTORSHIPS_BY[partition].name,
    )


# resolvers/mentorships/capacity.py `loads_of`: the mentor's setting (the default without one),
# and their open mentorships as mentor.
_OPEN = ", ".join(literal(status.value) for status in OPEN_MENTORSHIP_STATUSES)
_CAPACITY = f'coalesce((SELECT "capacity" FROM "mentor_capacities" WHERE "employee_id" = {{row}}."id"), {DEFAULT_MENTOR_CAPACITY})'
_OPEN_COUNT = (
    f'(SELECT count(*) FROM "mentorships" WHERE "mentor_id" = {{row}}."id" AND "status" IN ({_OPEN}))'
)

# A mentor's capacity is shown from their employee row.
MODELS: dict[str, Any] = {"Mentorship": mm.Mentorship, "MentorCapacity": em.Employee}

FIELDS: dict[str, dict[str, Spec]] = {
    "Mentorship": {
        "id": Column("id", "id"),
        "status": Column("status", "enum"),
        "goals": Column("goals", "str"),
        "focusSkills": Column("focus_skills", "strings"),
        "startedAt": Column("started_at", "datetime"),
        "endedAt": Column("ended_at", "datetime"),
        "createdAt": Column("created_at", "datetime"),
        "endReason": Column("end_reason", "str"),
        "mentorRating": Column("mentor_rating", "int"),
        "menteeRating": Column("mentee_rating", "int"),
        "mentor": ToOne("Employee", "mentor_id"),
        "mentee": ToOne("Employee", "mentee_id"),
        "viewerCanRespond": Capability(can_respond_to_mentorship),
        "viewerCanEnd": Capability(can_end_mentorship),
        "viewerCanLogCheckIn": Capability(can_log_mentorship_check_in),
        "viewerCanRate": Capability(can_rate_mentorship),
    },
    "MentorCapacity": {
        "capacity": Computed(_CAPACITY),
        "openMentorships": Computed(_OPEN_COUNT),
        "hasRoom": Computed(f"{_CAPACITY} > {_OPEN_COUNT}", "bool"),  # `Load.room > 0`
    },
    "Employee": {
        "mentorshipsAsMentor": _mentorships("mentor_id"),
        "mentorshipsAsMentee": _mentorships("mentee_id"),
    },
}

ROOT_LISTS: dict[str, Many] = {
    "mentorships": Many(
        mm.Mentorship,
        "",
        _SORT,
        "visible_mentorships",
        MENTORSHIP_ORDER_FIELDS,
        mentorship_filter,
        {"status": "statuses"},
    ),
}

# schema/mentorships/queries.py `mentor_capacity`: yours when `employeeId` is omitted
ROOT_ROWS_BY_KEY: dict[str, Keyed] = {"mentorCapacity": Keyed("MentorCapacity", "employeeId", "Employee")}

ROOT_ROWS: dict[str, Listed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {"Mentorship": (Scope.MENTORSHIPS_READ, "visible_mentorships")}
