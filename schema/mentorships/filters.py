"""Mentorship filter and order inputs: the `mentorships` root list and an employee's mentorships.

Kept apart from the types (like every domain's filters.py), so the fields of other domains can
take them as arguments without importing the types."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from resolvers.core.pagination import SortKey
from resolvers.mentorships import reads as mr
from schema.core.enums import (
    MentorshipStatus,
    OrderDirection,
)
from schema.core.ordering import sort_of
from schema.core.paging import pk_of


@strawberry.enum(description="Fields mentorships can be ordered by.")
class MentorshipOrderField(Enum):
    CREATED_AT = strawberry.enum_value("CREATED_AT", description="When the mentorship was requested.")
    UPDATED_AT = strawberry.enum_value("UPDATED_AT", description="When it last changed.")


@strawberry.input(description="How to order mentorships; ties break on ID.")
class MentorshipOrder:
    field: MentorshipOrderField = strawberry.field(description="The field to order by.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.DESC, description="The direction.")


def mentorship_sort(order: MentorshipOrder | None) -> SortKey:
    return sort_of(order, mr.MENTORSHIP_ORDER_FIELDS, SortKey("created_at", descending=True))


@strawberry.input(description="Narrow a list of mentorships; all given conditions must hold.")
class MentorshipFilter:
    status: list[MentorshipStatus] | None = strawberry.field(
        default=None, description="Any of these statuses."
    )
    mentor_id: strawberry.ID | None = strawberry.field(default=None, description="Mentored by this employee.")
    mentee_id: strawberry.ID | None = strawberry.field(default=None, description="Mentoring this employee.")
    participant_id: strawberry.ID | None = strawberry.field(
        default=None, description="This employee is mentor or mentee."
    )


def mentorship_filter_kwargs(f: MentorshipFilter | None) -> dict[str, Any]:
    if f is None:
        return {}
    kwargs = {
        "statuses": f.status or None,
        "mentor_id": pk_of(f.mentor_id, "Employee"),
        "mentee_id": pk_of(f.mentee_id, "Employee"),
        "participant_id": pk_of(f.participant_id, "Employee"),
    }
    return {k: v for k, v in kwargs.items() if v is not None}
