"""Mentorships (schema/mentorships/types.py): the `Mentorship` type, an employee's mentorships on
either side, and the root `mentorships` list."""

from __future__ import annotations

from typing import Any

from auth.scopes import Scope
from models import mentorships as mm
from planner.specs import Column, Listed, Many, Spec, ToOne
from resolvers.core.pagination import SortKey
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


MODELS: dict[str, Any] = {"Mentorship": mm.Mentorship}

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

ROOT_ROWS: dict[str, Listed] = {}

NODES: dict[str, tuple[Scope, str | None]] = {"Mentorship": (Scope.MENTORSHIPS_READ, "visible_mentorships")}
